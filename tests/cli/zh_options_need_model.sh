#!/usr/bin/env bash
# The raw Chinese text options (--user-dict, --script, --no-pretok, --granularity) act only
# through a character (Chinese) model: `tokenize` without --model and `tag` with a word model
# (given or the shipped English default) refuse them as usage errors (exit 2, naming the
# option) instead of ignoring them; so does `tokenize --model` with --tokenizer, which the
# model's segmentation used to override silently. With a char model they still work.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" zh-options-need-model
EN=${LK_SRC:-.}/corpora/models/en-ewt.lkt ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
echo 我们 > "$T/zh.txt"
echo "I know" > "$T/en.txt"
printf '北京大学\n' > "$T/my.dict"

for o in "--user-dict /nonexistent" "--script traditional" "--no-pretok" "--granularity coarse" \
         "--script auto" "--granularity fine"; do
  name=${o%% *}
  # shellcheck disable=SC2086
  expect_fail 2 "$name needs a character (Chinese) model (--model)" \
    "$L" tokenize --input "$T/zh.txt" $o
  # shellcheck disable=SC2086
  expect_fail 2 "$name needs a character (Chinese) model (--model); .*en-ewt.lkt is a word model" \
    "$L" tag --model "$EN" --input "$T/en.txt" $o
  # shellcheck disable=SC2086
  expect_fail 2 "$name needs a character (Chinese) model" "$L" tag --input "$T/en.txt" $o
done
expect_fail 2 "tokenize: --tokenizer applies without --model only" \
  "$L" tokenize --model "$ZH" --tokenizer sklearn --input "$T/zh.txt"
expect_fail 2 "tokenize: --tokenizer applies without --model only" \
  "$L" tokenize --model "$ZH" --tokenizer=lexkit --input "$T/zh.txt"

# still accepted where they act
out=$(printf '我们去北京大学\n' | "$L" tokenize --model "$ZH" --user-dict "$T/my.dict" --script auto \
      --granularity coarse) || fail "tokenize --model with the options"
[ "$out" = "我们 去 北京大学" ] || fail "tokenize --model --user-dict: $out"
printf '我们去北京大学\n' | "$L" tag --model "$ZH" --user-dict "$T/my.dict" --no-pretok > "$T/o" ||
  fail "tag char model with the options"
grep -q "北京大学/" "$T/o" || fail "tag --user-dict: $(cat "$T/o")"
[ "$("$L" tokenize --tokenizer sklearn --input "$T/en.txt")" = "know" ] || fail "tokenize --tokenizer sklearn"
finish zh_options_need_model
