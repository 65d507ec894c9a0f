#!/usr/bin/env bash
# eval-tagger takes tag's Chinese options (--user-dict, --script, --no-pretok, --granularity)
# for char models and scores the raw text segmented as `lexkit tag` with them segments it, so
# tag's figures (docs/tagger.md, tests/bench/bench_zh_tag.sh) can be reproduced and a user
# dictionary's effect scored; the segmenter line names the options. Given any of them, a file
# without raw text (GSD v1.4) is segmented by tag's segmenter too (its FORMs joined), not by
# the model alone. Word models refuse them (exit 2, tag's message). A --test file that is not
# CoNLL-U but a line of text gets a hint that tag reads raw text. Before, every one of these
# options was "unknown option" (exit 2) and the raw text error had no hint.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" eval-tagger-zh-options
field() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$2"; }
# figures FILE: gold_words pred_words seg_f1 joint_f1
figures() { echo "$(field gold_words "$1") $(field pred_words "$1") $(field seg_f1 "$1") $(field joint_f1 "$1")"; }
G=$D/eval_zh_options.conllu # 6 sentences, 53 words, dictionary words whole (图书馆, 外国人, 高血压)

# each option against the default; the values are those of `RAW=text tests/bench/zh_raw_eval.py
# build/lexkit zh-gsd-char.lkt tests/data/eval_zh_options.conllu x OPTIONS` (lexkit tag)
printf '拼多多 PROPN\n充电宝 NOUN\n' > "$T/u.dict"
check() { # check WANT_SEGMENTER WANT_FIGURES OPTIONS...
  local seg=$1 want=$2
  shift 2
  "$L" eval-tagger --model zh --test "$G" "$@" > "$T/e" 2> "$T/err" || fail "$*: exit $?: $(cat "$T/err")"
  [ "$(field raw_text "$T/e")" = "# text (6 of 6 sentences)" ] || fail "$*: raw_text $(field raw_text "$T/e")"
  [ "$(field segmenter "$T/e")" = "$seg" ] || fail "$*: segmenter '$(field segmenter "$T/e")'"
  [ "$(figures "$T/e")" = "$want" ] || fail "$*: $(figures "$T/e") (want $want)"
  tail -1 "$T/e" | grep -q '^joint_f1	' || fail "$*: last line $(tail -1 "$T/e")"
}
check "as lexkit tag (pre-tokenization on)" "53 59 0.7857 0.7143"
check "as lexkit tag --granularity fine (pre-tokenization on)" "53 59 0.7857 0.7143" --granularity fine
# coarse joins 图书 馆, 外国 人, 汉 语, 汉 字: higher on a gold file that writes them whole
check "as lexkit tag --granularity coarse (pre-tokenization on)" "53 55 0.8889 0.8148" --granularity coarse
# the dictionary keeps 拼多多 and 充电宝 whole (the model says 拼 多多, 充电 宝)
check "as lexkit tag --user-dict $T/u.dict (pre-tokenization on)" "53 57 0.8364 0.7636" --user-dict "$T/u.dict"
check "as lexkit tag --user-dict $T/u.dict --granularity coarse (pre-tokenization on)" \
  "53 53 0.9434 0.8679" --granularity coarse --user-dict "$T/u.dict"
# without pre-tokenization the URL, the e-mail address and the phone number come apart
check "as lexkit tag --no-pretok (pre-tokenization off)" "53 75 0.6406 0.5781" --no-pretok
# unconverted, the traditional sentence is tagged 學會/NOUN 選擇/VERB (auto converts it first)
check "as lexkit tag --script simplified (pre-tokenization on)" "53 59 0.7857 0.6964" --script simplified
check "as lexkit tag --script auto (pre-tokenization on)" "53 59 0.7857 0.7143" --script=auto

# a GSD v1.4 file (no # text, no SpaceAfter): the model alone by default, as before; given an
# option, tag's segmenter on the FORMs joined (tag_zh_dev.conllu: fine is the model's words)
"$L" eval-tagger --model zh --test "$D/tag_zh_dev.conllu" > "$T/v0" 2> /dev/null || fail "v1.4: exit $?"
[ "$(field segmenter "$T/v0")" = "the model alone (no raw text in the file)" ] || fail "v1.4 segmenter: $(field segmenter "$T/v0")"
[ "$(figures "$T/v0")" = "88 89 0.9831 0.8588" ] || fail "v1.4: $(figures "$T/v0")"
"$L" eval-tagger --model zh --test "$D/tag_zh_dev.conllu" --granularity coarse > "$T/v1" 2> /dev/null ||
  fail "v1.4 coarse: exit $?"
[ "$(field raw_text "$T/v1")" = "FORMs joined without spaces (8 of 8 sentences)" ] || fail "v1.4 raw_text: $(field raw_text "$T/v1")"
[ "$(field segmenter "$T/v1")" = "as lexkit tag --granularity coarse (pre-tokenization on)" ] ||
  fail "v1.4 coarse segmenter: $(field segmenter "$T/v1")"
[ "$(figures "$T/v1")" = "88 85 0.9133 0.7861" ] || fail "v1.4 coarse: $(figures "$T/v1")"
# the same as tag on the FORMs joined, scored by zh_raw_eval.py's rule (words by span)
grep -v '^#' "$D/tag_zh_dev.conllu" | awk -F'\t' 'NF == 0 { print line; line = ""; next } { line = line $2 }' \
  > "$T/v14.txt"
"$L" tag --model zh --granularity coarse --input "$T/v14.txt" > "$T/v14.tag" || fail "tag: exit $?"
[ "$(wc -w < "$T/v14.tag" | tr -d ' ')" = 85 ] || fail "tag coarse words: $(wc -w < "$T/v14.tag")"

# a word model refuses them, with tag's message
for o in "--granularity coarse" "--user-dict $T/u.dict" "--script traditional" "--no-pretok"; do
  set -- $o
  expect_fail 2 "^lexkit eval-tagger: $1 needs a character (Chinese) model (--model); .*en-ewt.lkt is a word model" \
    "$L" eval-tagger --model en --test "$D/tag_en_dev.conllu" $o
  expect_fail 2 "^lexkit tag: $1 needs a character (Chinese) model (--model); .*en-ewt.lkt is a word model" \
    "$L" tag --model en $o
done
# bad values and files, as in tag
expect_fail 2 "^lexkit eval-tagger: --granularity must be fine or coarse, not 'medium'" \
  "$L" eval-tagger --model zh --test "$G" --granularity medium
expect_fail 2 "^lexkit eval-tagger: --script must be auto, simplified or traditional" \
  "$L" eval-tagger --model zh --test "$G" --script trad
expect_fail 2 "^lexkit eval-tagger: --output $T/u.dict is the input file (--user-dict $T/u.dict)" \
  "$L" eval-tagger --model zh --test "$G" --user-dict "$T/u.dict" --output "$T/u.dict"
printf '图书馆 XYZ\n' > "$T/bad.dict"
expect_fail 1 "^lexkit eval-tagger: $T/bad.dict:1:5: tag XYZ is not in the model's tag set" \
  "$L" eval-tagger --model zh --test "$G" --user-dict "$T/bad.dict"
expect_fail 1 "^lexkit eval-tagger: $T/none.dict: No such file or directory" \
  "$L" eval-tagger --model zh --test "$G" --user-dict "$T/none.dict"

# raw text given as --test: the columns error says what reads it
printf '我们去图书馆借书。\n' > "$T/s.txt"
for m in zh en; do
  expect_fail 1 "^lexkit eval-tagger: $T/s.txt:1:10: expected 10 tab-separated columns, got 1; is it raw text? \`lexkit tag\` reads raw text, eval-tagger needs CoNLL-U with gold tags$" \
    "$L" eval-tagger --model $m --test "$T/s.txt"
done
# after comments too (the first token line); word/TAG lines keep their own hint, and a later
# bad line of a CoNLL-U file gets none
{ printf '# a title\n\n'; cat "$T/s.txt"; } > "$T/s2.txt"
expect_fail 1 "s2.txt:3:10: expected 10 tab-separated columns, got 1; is it raw text?" \
  "$L" eval-tagger --model zh --test "$T/s2.txt"
printf 'The/DET cat/NOUN sat/VERB\n' > "$T/slash.txt"
expect_fail 1 "got 1 (word/TAG lines? use --input-format slash)$" "$L" eval-tagger --model en --test "$T/slash.txt"
{ sed -n '1,7p' "$G"; printf '我们去图书馆。\n'; } > "$T/later.conllu"
expect_fail 1 "later.conllu:8:8: expected 10 tab-separated columns, got 1$" \
  "$L" eval-tagger --model zh --test "$T/later.conllu"
finish eval-tagger-zh-options
