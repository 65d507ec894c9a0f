#!/usr/bin/env bash
# `lexkit info DIR` where DIR is not an index printed its `file` and `bytes` lines on
# standard output before the error (exit 1). Now a directory that is not an index (empty,
# other files, a damaged index.lkbx) prints nothing on standard output, only the error; an
# index directory gives file, bytes, then the summary, as before.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" info-dir
mkdir -p "$T/empty" "$T/other/sub"
printf 'hello\n' > "$T/other/a.txt"
for d in empty other other/sub; do
  expect_fail 1 "$d: not a lexkit index (no index.lkbx in it)" "$L" info "$T/$d"
  [ -s "$T/out" ] && fail "info $d printed on stdout: $(cat "$T/out")"
done
printf '%s\n' '{"id":"a","text":"coffee beans"}' > "$T/d.jsonl"
"$L" index --input "$T/d.jsonl" --index "$T/ix" --quiet || fail "index"
"$L" info "$T/ix" > "$T/out" || fail "info index"
bytes=$(find "$T/ix" -maxdepth 1 -type f -printf '%s\n' | awk '{s += $1} END {print s}')
[ "$(head -3 "$T/out")" = "$(printf 'file\t%s\nbytes\t%s\nkind\tBM25 index (LKBX)' "$T/ix" "$bytes")" ] ||
  fail "info index: $(cat "$T/out")"
# a damaged index: the error, nothing on standard output
cp -r "$T/ix" "$T/bad"
head -c 100 "$T/ix/index.lkbx" > "$T/bad/index.lkbx"
"$L" info "$T/bad" > "$T/out" 2> "$T/err" && fail "damaged index: exit 0"
[ -s "$T/err" ] || fail "damaged index: no error"
[ -s "$T/out" ] && fail "damaged index printed on stdout: $(cat "$T/out")"
finish info-dir
