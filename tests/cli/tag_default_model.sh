#!/usr/bin/env bash
# `lexkit tag` without --model (issue 14): the shipped English model (corpora/models/en-ewt.lkt,
# installed as share/lexkit/models/en-ewt.lkt) tags raw text out of the box. It is looked up as
# serve's web/ is (lk_cli_find_data): share/lexkit beside the executable's bin/ first, then the
# source tree. An explicit --model keeps `tokens` as the input default (docs/CLI.md contract).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-default
SRC=${LK_SRC:-.}
M=$SRC/corpora/models/en-ewt.lkt

out=$(echo "I don't know." | "$L" tag 2> "$T/err") || fail "tag without --model: $(cat "$T/err")"
[ "$out" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] || fail "tag without --model: got '$out'"
[ -s "$T/err" ] && fail "tag without --model: unexpected stderr: $(cat "$T/err")"
# the same as naming the model and raw input; --input-format still applies without --model
printf "I don't think it's raining, is it?\nWe're here.\n" > "$T/raw.txt"
"$L" tag --input "$T/raw.txt" > "$T/a" || fail "default model on a file"
"$L" tag --model "$M" --input-format raw --input "$T/raw.txt" > "$T/b" || fail "explicit raw"
cmp -s "$T/a" "$T/b" || fail "default model output differs from --model $M --input-format raw"
grep -qx "I/PRON do/AUX n't/PART think/VERB it/PRON 's/AUX raining/VERB ,/PUNCT is/AUX it/PRON ?/PUNCT" "$T/a" \
  || fail "raw sentence: $(head -1 "$T/a")"
echo "I do n't know ." | "$L" tag --input-format tokens > "$T/c" || fail "default model, tokens"
[ "$(cat "$T/c")" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] || fail "default model, tokens: $(cat "$T/c")"
# an explicit --model still reads tokens by default: 'raining,' stays one word
"$L" tag --model "$M" --input "$T/raw.txt" > "$T/d" 2> /dev/null || fail "explicit model, tokens default"
grep -q " raining,/" "$T/d" || fail "explicit --model no longer defaults to tokens: $(head -1 "$T/d")"

# the installed place comes first: a binary in PREFIX/bin finds PREFIX/share/lexkit/models
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
grep -q "share/lexkit/models/en-ewt.lkt" <("$L" tag --help) || fail "--help does not name the default model"

finish tag-default
