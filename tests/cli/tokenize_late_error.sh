#!/usr/bin/env bash
# Invalid UTF-8 on a late line of `tokenize --model` input: every line before it is written
# (as `tag` does, docs/tagger.md), then the error names file:line:col and the exit status is 1.
# The lines were segmented 1024 at a time and a bad line dropped the unfinished chunk: 3000
# good lines and a bad one printed 2048 lines.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tokenize-late-error
ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

for i in $(seq 3000); do echo "北京大学的学生$i"; done > "$T/good.txt"
"$L" tokenize --model "$ZH" --input "$T/good.txt" > "$T/good.tok" || fail "tokenize good lines"
for n in 3000 1024 1 0; do
  { head -n "$n" "$T/good.txt"; printf 'bad \377 line\n'; echo "北京"; } > "$T/late.txt"
  expect_fail 1 "late.txt:$((n + 1)):5: invalid UTF-8 byte 0xFF" \
    "$L" tokenize --model "$ZH" --input "$T/late.txt"
  [ "$(wc -l < "$T/out")" = "$n" ] || fail "$n good lines: $(wc -l < "$T/out") written"
  head -n "$n" "$T/good.tok" | cmp -s - "$T/out" || fail "$n good lines: output differs"
done
# the same through a pipe, and without a model
{ head -n 2000 "$T/good.txt"; printf 'x\300y\n'; } > "$T/late2.txt"
[ "$("$L" tokenize --model "$ZH" < "$T/late2.txt" 2> /dev/null | wc -l)" = 2000 ] ||
  fail "stdin: lines before the bad one not all written"
expect_fail 1 "late2.txt:2001:2: invalid UTF-8" "$L" tokenize --input "$T/late2.txt"
[ "$(wc -l < "$T/out")" = 2000 ] || fail "no model: $(wc -l < "$T/out") lines"
finish tokenize_late_error
