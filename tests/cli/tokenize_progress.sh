#!/usr/bin/env bash
# --progress/--quiet, which docs/CLI.md gives every long command: `tokenize` (with and without
# --model) and `eval-tagger` rejected both as unknown options (exit 2). Now: nothing on stderr
# when it is not a terminal, progress lines and a "done:" line with --progress, nothing with
# --quiet (which wins over --progress); the output is the same either way.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tokenize-progress
ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
for i in $(seq 5000); do echo "北京大学的学生。I like it $i."; done > "$T/in.txt"

for m in "" "--model $ZH"; do
  # shellcheck disable=SC2086
  "$L" tokenize $m --input "$T/in.txt" > "$T/plain" 2> "$T/e0" || fail "tokenize $m: $(cat "$T/e0")"
  [ -s "$T/e0" ] && fail "tokenize $m: stderr not a terminal, no --progress: $(cat "$T/e0")"
  # shellcheck disable=SC2086
  "$L" tokenize $m --input "$T/in.txt" --progress > "$T/prog" 2> "$T/e1" || fail "tokenize $m --progress: $(cat "$T/e1")"
  grep -q "^done: [0-9]* bytes in" "$T/e1" || fail "tokenize $m --progress: no done line: $(cat "$T/e1")"
  grep -q "bytes/s" "$T/e1" || fail "tokenize $m --progress: no rate"
  cmp -s "$T/plain" "$T/prog" || fail "tokenize $m: --progress changed the output"
  # shellcheck disable=SC2086
  "$L" tokenize $m --input "$T/in.txt" --progress --quiet > "$T/q" 2> "$T/e2" || fail "tokenize $m --quiet"
  [ -s "$T/e2" ] && fail "tokenize $m --quiet: $(cat "$T/e2")"
  cmp -s "$T/plain" "$T/q" || fail "tokenize $m: --quiet changed the output"
done
[ "$(wc -l < "$T/prog")" = 5000 ] || fail "tokenize --model: $(wc -l < "$T/prog") lines"

"$L" eval-tagger --model "$ZH" --test "$D/tag_zh_dev.conllu" --progress > "$T/ev1" 2> "$T/e3" ||
  fail "eval-tagger --progress: $(cat "$T/e3")"
grep -q "^done: [0-9]* tokens in" "$T/e3" || fail "eval-tagger --progress: $(cat "$T/e3")"
"$L" eval-tagger --model "$ZH" --test "$D/tag_zh_dev.conllu" --quiet > "$T/ev2" 2> "$T/e4" ||
  fail "eval-tagger --quiet: $(cat "$T/e4")"
grep -q "^done:" "$T/e4" && fail "eval-tagger --quiet: $(cat "$T/e4")"
cmp -s "$T/ev1" "$T/ev2" || diff <(grep -v _per_s "$T/ev1") <(grep -v _per_s "$T/ev2") > /dev/null ||
  fail "eval-tagger: figures differ with --progress/--quiet"
finish tokenize_progress
