#!/usr/bin/env bash
# embed with several outputs (--save-model, --output, --plot) commits all or none (issue 15):
# when writing the second fails, the first is not replaced either.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" embed-outputs
D=${LK_SRC:-.}/tests/data
EMB=(--input "$D/emb_corpus.txt" --dim 4 --min-count 1 --epochs 1 --threads 1 --quiet)
echo "previous model" > "$T/m.lkem"
echo "previous plot" > "$T/p.svg"
if [ -w /dev/full ]; then
  # /dev/full passes the early output check (a device, written directly) and fails on write
  for fmt in text lkem; do
    "$L" embed "${EMB[@]}" --save-model "$T/m.lkem" --plot "$T/p.svg" --output /dev/full \
      --format $fmt 2> "$T/err"
    rc=$?
    [ $rc = 1 ] || fail "$fmt: --output /dev/full: exit $rc"
    grep -q "/dev/full" "$T/err" || fail "$fmt: message does not name /dev/full: $(cat "$T/err")"
    [ "$(cat "$T/m.lkem")" = "previous model" ] || fail "$fmt: --save-model replaced although --output failed"
    [ "$(cat "$T/p.svg")" = "previous plot" ] || fail "$fmt: --plot replaced although --output failed"
    ls "$T" | grep -q '\.tmp' && fail "$fmt: temp file left"
  done
fi
# both succeed: both written, and the model's vectors equal the vectors file's
"$L" embed "${EMB[@]}" --save-model "$T/m.lkem" --output "$T/v.txt" --plot "$T/p.svg" ||
  fail "embed with three outputs"
grep -q '<svg' "$T/p.svg" || fail "--plot not written"
[ "$(head -c 4 "$T/m.lkem")" = "LKEM" ] || fail "--save-model not written"
[ "$(head -1 "$T/v.txt" | wc -w)" = 2 ] || fail "--output not written: $(head -1 "$T/v.txt")"
finish embed-outputs
