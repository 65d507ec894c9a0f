#!/usr/bin/env bash
# Where `lexkit tag` without --model finds the English model (lk_cli_find_data, shared with
# serve's web/ lookup): share/lexkit/models/en-ewt.lkt beside the executable's bin/ comes
# before the source tree's corpora/models/. A binary copied into PREFIX/bin with a bad file
# there fails naming that file; with the real model there it tags.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-model-lookup
M=${LK_SRC:-.}/corpora/models/en-ewt.lkt
mkdir -p "$T/p/bin" "$T/p/share/lexkit/models"
cp "$L" "$T/p/bin/lexkit"
printf 'not a model\n' > "$T/p/share/lexkit/models/en-ewt.lkt"
echo "I know." | "$T/p/bin/lexkit" tag > /dev/null 2> "$T/err"
rc=$?
[ $rc = 1 ] || fail "bad installed model: exit $rc, want 1"
grep -q "$T/p/bin/../share/lexkit/models/en-ewt.lkt" "$T/err" || fail "bad installed model not named: $(cat "$T/err")"
cp "$M" "$T/p/share/lexkit/models/en-ewt.lkt"
out=$(echo "I don't know." | "$T/p/bin/lexkit" tag) || fail "installed model"
[ "$out" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] || fail "installed model: got '$out'"
finish tag-model-lookup
