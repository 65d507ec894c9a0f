#!/usr/bin/env bash
# eval-tagger with a char model scores each sentence from its raw text: its `# text`, else its
# FORMs with a space after each without SpaceAfter=No (when the file has SpaceAfter), else
# its FORMs joined; the raw_text line says which, the segmenter line what segmented it. Text
# comes through `lexkit tag`'s segmenter (pre-tokenization), as tests/bench/zh_raw_eval.py
# scores `lexkit tag`; a file without raw text (GSD v1.4) is scored as before, by the model
# alone on the gold words joined. Before, the FORMs were always joined: `iPhone 15` reached
# the model as `iPhone15`, and tag's own CoNLL-U output of mixed text scored below 1 against
# itself.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" eval-tagger-raw-text
field() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$2"; }

# mixed Chinese and English, tagged to CoNLL-U (# text, SpaceAfter=No) and read back: 1.0
printf '%s\n' '我昨天买了 iPhone 15 Pro，价格是 5999 元。' 'Steve Jobs 创立了 Apple 公司。' \
  '请访问 https://example.com/a_(b)?q=1 了解详情。' '他说  Hello World 然后走了。' \
  '价格是 1,234.56 元（含税），折扣 20％。' '我们明天去北京看长城。' > "$T/mixed.txt"
"$L" tag --model zh --input "$T/mixed.txt" --output-format conllu > "$T/text.conllu" || fail "tag: exit $?"
"$L" eval-tagger --model zh --test "$T/text.conllu" > "$T/e1" || fail "eval # text: exit $?"
[ "$(field raw_text "$T/e1")" = "# text (6 of 6 sentences)" ] || fail "raw_text: $(field raw_text "$T/e1")"
[ "$(field segmenter "$T/e1")" = "as lexkit tag (pre-tokenization on)" ] || fail "segmenter: $(field segmenter "$T/e1")"
[ "$(field seg_f1 "$T/e1") $(field joint_f1 "$T/e1")" = "1.0000 1.0000" ] || fail "# text: $(cat "$T/e1")"
tail -1 "$T/e1" | grep -q '^joint_f1	' || fail "last line: $(tail -1 "$T/e1")"
# without # text: the FORMs and their SpaceAfter give the same text (one space for two)
grep -v '^# text' "$T/text.conllu" > "$T/sa.conllu"
"$L" eval-tagger --model zh --test "$T/sa.conllu" > "$T/e2" || fail "eval SpaceAfter: exit $?"
[ "$(field raw_text "$T/e2")" = "FORMs with SpaceAfter (6 of 6 sentences)" ] || fail "raw_text: $(field raw_text "$T/e2")"
[ "$(field seg_f1 "$T/e2") $(field joint_f1 "$T/e2")" = "1.0000 1.0000" ] || fail "SpaceAfter: $(cat "$T/e2")"
# neither (GSD v1.4 style): the FORMs joined, the model alone, as before: iPhone15 is glued
grep -v '^#' "$T/text.conllu" | sed 's/\tSpace[^\t]*$/\t_/' > "$T/joined.conllu"
"$L" eval-tagger --model zh --test "$T/joined.conllu" > "$T/e3" || fail "eval joined: exit $?"
[ "$(field raw_text "$T/e3")" = "FORMs joined without spaces (6 of 6 sentences)" ] || fail "raw_text: $(field raw_text "$T/e3")"
[ "$(field segmenter "$T/e3")" = "the model alone (no raw text in the file)" ] || fail "segmenter: $(field segmenter "$T/e3")"
awk -F'\t' '$1 == "seg_f1" { exit !($2 < 0.95) }' "$T/e3" || fail "joined: $(field seg_f1 "$T/e3")"

# a GSD v1.4 file gives the figures of before (measured with the previous build)
"$L" eval-tagger --model zh --test "$D/tag_zh_dev.conllu" > "$T/e4" 2> /dev/null || fail "v1.4: exit $?"
[ "$(field raw_text "$T/e4")" = "FORMs joined without spaces (8 of 8 sentences)" ] || fail "v1.4 raw_text: $(field raw_text "$T/e4")"
[ "$(field gold_words "$T/e4") $(field pred_words "$T/e4") $(field seg_f1 "$T/e4") $(field joint_f1 "$T/e4")" = \
  "88 89 0.9831 0.8588" ] || fail "v1.4 figures changed: $(cat "$T/e4")"

# a # text whose characters are not the FORMs' is not used (warning; the FORMs instead);
# sources are counted per sentence
{ printf '# text = 完全不同\n'; grep -v '^# text' "$T/text.conllu" | sed -n '/^# sent_id = 1$/,/^$/p' | grep -v '^#'
  sed -n '/^# sent_id = 2$/,$p' "$T/text.conllu"; } > "$T/bad.conllu"
"$L" eval-tagger --model zh --test "$T/bad.conllu" > "$T/e5" 2> "$T/err" || fail "bad # text: exit $?"
grep -q "warning: 1 sentences have a '# text' with other characters than their FORMs" "$T/err" ||
  fail "no mismatch warning: $(cat "$T/err")"
[ "$(field raw_text "$T/e5")" = "# text (5 of 6 sentences), FORMs with SpaceAfter (1 of 6 sentences)" ] ||
  fail "raw_text: $(field raw_text "$T/e5")"
[ "$(field joint_f1 "$T/e5")" = "1.0000" ] || fail "bad # text: $(cat "$T/e5")"

# word models are unchanged: no raw_text line
"$L" eval-tagger --model en --test "$D/tag_en_dev.conllu" > "$T/e6" 2> /dev/null || fail "en: exit $?"
grep -q '^raw_text' "$T/e6" && fail "word model prints raw_text"
tail -1 "$T/e6" | grep -q '^accuracy	' || fail "en last line: $(tail -1 "$T/e6")"
finish eval-tagger-raw-text
