#!/usr/bin/env bash
# Write errors of `tag` (and of the other commands that print to standard output): a write
# that fails midway (disk full: /dev/full; file size limit: `ulimit -f` with SIGXFSZ ignored)
# exits 1 with a message naming the output ("FILE: write error" or "standard output: write
# error"), and a file given to --output keeps its old content. stdio drops a buffer it could
# not write, so a later fflush succeeds: tag used to discard the per-chunk fflush results,
# check only a final fflush, exit 0 and put the truncated file in place. eval-tagger said
# "standard output" for --output /dev/full.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-write-errors
EN=${LK_SRC:-.}/corpora/models/en-ewt.lkt ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

for i in $(seq 300); do echo '我们明天去北京看长城。外国人学习汉语的时候，最难的是声调和汉字。'; done > "$T/zh.txt"
for i in $(seq 600); do echo 'I like it . You do too .'; done > "$T/en.txt"
# each way tag reads and prints: raw Chinese, tokens, raw English, CoNLL-U passthrough
CASES=("--model $ZH --input $T/zh.txt"
       "--model $EN --input $T/en.txt"
       "--model $EN --input-format raw --input $T/en.txt"
       "--model $EN --input-format conllu --input $D/ewt_test300.conllu")

for c in "${CASES[@]}"; do
  # shellcheck disable=SC2086
  expect_fail 1 "standard output: write error" bash -c "exec \"\$0\" tag $c > /dev/full" "$L"
  # shellcheck disable=SC2086
  expect_fail 1 "/dev/full: write error" "$L" tag $c --output /dev/full
  echo keep > "$T/o.txt"
  # shellcheck disable=SC2086
  expect_fail 1 "o.txt: write error" bash -c "trap '' XFSZ; ulimit -f 8; exec \"\$0\" tag $c --output \"$T/o.txt\"" "$L"
  [ "$(cat "$T/o.txt")" = keep ] || fail "tag $c: old o.txt replaced: $(head -c 80 "$T/o.txt")"
done
# the same input written fine still goes in place
"$L" tag --model "$ZH" --input "$T/zh.txt" --output "$T/o.txt" 2> "$T/err" || fail "tag: $(cat "$T/err")"
[ "$(wc -l < "$T/o.txt")" = 300 ] || fail "tag --output: $(wc -l < "$T/o.txt") lines"

# tokenize --model and eval-tagger: the message names the output
expect_fail 1 "standard output: write error" bash -c "exec \"\$0\" tokenize --model \"$ZH\" --input \"$T/zh.txt\" > /dev/full" "$L"
echo keep > "$T/t.txt"
expect_fail 1 "t.txt: write error" bash -c "trap '' XFSZ; ulimit -f 8; exec \"\$0\" tokenize --model \"$ZH\" --input \"$T/zh.txt\" --output \"$T/t.txt\"" "$L"
[ "$(cat "$T/t.txt")" = keep ] || fail "tokenize: old t.txt replaced"
expect_fail 1 "/dev/full: write error" "$L" eval-tagger --model "$ZH" --test "$D/tag_zh_dev.conllu" --output /dev/full
expect_fail 1 "standard output: write error" bash -c "exec \"\$0\" eval-tagger --model \"$ZH\" --test \"$D/tag_zh_dev.conllu\" > /dev/full" "$L"

# neighbors: more than a stdio buffer of output, so only ferror sees the failed writes
{ echo "3000 2"; for i in $(seq 0 2999); do echo "w$i $((i % 7 + 1)).5 $((i % 5 + 1)).25"; done; } > "$T/big.vec"
expect_fail 1 "standard output: write error" bash -c "exec \"\$0\" neighbors --vectors \"$T/big.vec\" --word w1 --k 2999 > /dev/full" "$L"
echo keep > "$T/n.txt"
expect_fail 1 "n.txt: write error" bash -c "trap '' XFSZ; ulimit -f 8; exec \"\$0\" neighbors --vectors \"$T/big.vec\" --word w1 --k 2999 --output \"$T/n.txt\"" "$L"
[ "$(cat "$T/n.txt")" = keep ] || fail "neighbors: old n.txt replaced"
finish tag_write_errors
