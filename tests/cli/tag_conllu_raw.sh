#!/usr/bin/env bash
# Raw text to CoNLL-U (`tag --output-format conllu` on raw input, char and word models):
# each sentence gets `# sent_id = N` (1, 2, ... over the output, as UDPipe numbers them) and
# `# text = ` (the line from its first word to its last), and MISC SpaceAfter=No where the
# next word follows at once, SpacesAfter=\s\s (UDPipe's escapes) where more than one space
# does, so that the FORMs give `# text` back (tests/cli/conllu_check.py, which also applies
# UD validate.py's text check). The output reads back: `tag --input-format conllu` copies
# it (comments and MISC too), and eval-tagger reads it.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-conllu-raw
S=${LK_SRC:-.}
CHECK=$S/tests/cli/conllu_check.py

# the examples: every Chinese word but the last is followed by the next at once; do|n't
echo '我们明天去北京看长城。' | "$L" tag --model zh --output-format conllu > "$T/zh" || fail "zh: exit $?"
printf '# sent_id = 1\n# text = 我们明天去北京看长城。\n' > "$T/want"
[ "$(head -2 "$T/zh")" = "$(cat "$T/want")" ] || fail "zh comments: $(head -2 "$T/zh")"
[ "$(grep -v '^#' "$T/zh" | cut -f1,2,10 | tr '\t\n' ' |')" = \
  "1 我们 SpaceAfter=No|2 明天 SpaceAfter=No|3 去 SpaceAfter=No|4 北京 SpaceAfter=No|5 看 SpaceAfter=No|6 长城 SpaceAfter=No|7 。 _||" ] ||
  fail "zh rows: $(cut -f1,2,10 "$T/zh" | tr '\t\n' ' |')"
printf "I don't know.\n\n  We're  here.\n" | "$L" tag --output-format conllu > "$T/en" || fail "en: exit $?"
[ "$(grep '^#' "$T/en" | tr '\n' '|')" = "# sent_id = 1|# text = I don't know.|# sent_id = 2|# text = We're  here.|" ] ||
  fail "en comments (a blank line is no sentence): $(grep '^#' "$T/en" | tr '\n' '|')"
[ "$(grep -v '^#' "$T/en" | cut -f2,10 | tr '\t\n' ' |')" = \
  "I _|do SpaceAfter=No|n't _|know SpaceAfter=No|. _||We SpaceAfter=No|'re SpacesAfter=\s\s|here SpaceAfter=No|. _||" ] ||
  fail "en rows: $(grep -v '^#' "$T/en" | cut -f2,10 | tr '\t\n' ' |')"
# slash output is as before
[ "$(echo "I don't know." | "$L" tag --input-format raw)" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] ||
  fail "slash output changed"

# mixed text: Chinese, English, full-width punctuation, URLs, numbers, runs of spaces, tabs,
# NBSP and U+3000, invisible characters, white space at the ends, blank lines
/usr/bin/python3 - "$T/mixed.txt" <<'PY'
import sys
lines = ["我们明天去北京看长城。", "I don't think it's raining, is it?",
         "请访问 https://example.com/a_(b)?q=1&x=2 ，或者发邮件到 zhang.san@example.com。",
         "价格是 1,234.56 元（含税），折扣 20％。", "Multiple   spaces\tand\t\ttabs  here.", "", "   ",
         "  leading and trailing  ", "全角：“你好！”他说；（括号）【方括号】……",
         "Mixed 中文 and English，混合 text。", "NBSP: a\u00a0b, ideographic space: 中\u3000文",
         "ZWSP: foo\u200bbar 中\u200b文", "numbers 3.14 1e-5 2026-12-06 12:30 50% $1,000 ＡＢＣ１２３",
         "vt a\x0bb ff c\x0cd ls e\u2028f nel g\x85h", "ctl a\x01b del c\x7fd", "\t\ttabbed start"]
open(sys.argv[1], "w", encoding="utf-8", newline="").write("\ufeff" + "".join(l + "\n" for l in lines))
PY
for m in zh en; do
  "$L" tag --model $m --input-format raw --input "$T/mixed.txt" --output-format conllu > "$T/$m.conllu" ||
    fail "$m mixed: exit $?"
  /usr/bin/python3 "$CHECK" "$T/$m.conllu" "$T/mixed.txt" > "$T/check" || fail "$m mixed: $(cat "$T/check")"
  grep -qx 'ok: 14 sentences' "$T/check" || fail "$m mixed: $(cat "$T/check")"
done
grep -q $'^# text = Multiple   spaces\tand\t\ttabs  here\\.$' "$T/en.conllu" || fail "runs of spaces and tabs not kept in # text"
grep -q $'\tSpacesAfter=\\\\t\\\\t$' "$T/en.conllu" || fail "no SpacesAfter=\\t\\t: $(grep -c SpacesAfter "$T/en.conllu")"

# sent_id runs on over chunks of input (1024 lines) and skips blank lines
/usr/bin/python3 -c 'import sys; sys.stdout.write("".join("句子%d。\n" % i + ("\n" if i % 7 == 0 else "") for i in range(1500)))' > "$T/long.txt"
"$L" tag --model zh --input "$T/long.txt" --output-format conllu > "$T/long.conllu" || fail "long: exit $?"
/usr/bin/python3 "$CHECK" "$T/long.conllu" "$T/long.txt" > "$T/check" && grep -qx 'ok: 1500 sentences' "$T/check" ||
  fail "long: $(cat "$T/check")"

# read back: tag --input-format conllu copies every comment and MISC (same model: same
# output), eval-tagger reads it (the model agrees with itself)
"$L" tag --model en --input "$T/en.conllu" --input-format conllu > "$T/en2.conllu" || fail "en read back: exit $?"
cmp -s "$T/en.conllu" "$T/en2.conllu" || fail "en read back: $(diff "$T/en.conllu" "$T/en2.conllu" | head -4)"
"$L" tag --model en --input "$T/zh.conllu" --input-format conllu > "$T/zh2.conllu" || fail "zh read back: exit $?"
cmp -s <(cut -f1-3,5- "$T/zh.conllu") <(cut -f1-3,5- "$T/zh2.conllu") || fail "zh read back changed more than UPOS"
"$L" eval-tagger --model en --test "$T/en.conllu" > "$T/eval" || fail "eval-tagger en: exit $?"
grep -qx $'accuracy\t1.0000' "$T/eval" || fail "eval-tagger en: $(tail -1 "$T/eval")"
printf '我们明天去北京看长城。\n他说：“你好！”\n' | "$L" tag --model zh --output-format conllu > "$T/p.conllu"
"$L" eval-tagger --model zh --test "$T/p.conllu" > "$T/eval" || fail "eval-tagger zh: exit $?"
grep -qx $'joint_f1\t1.0000' "$T/eval" || fail "eval-tagger zh: $(tail -1 "$T/eval")"
"$L" eval-tagger --model zh --test "$T/zh.conllu" > "$T/eval" || fail "eval-tagger zh mixed: exit $?"
# from # text (0.9620; 0.6195 when the FORMs were joined, Latin words glued); below 1 only
# where # text leaves out ZWSP and controls (foo<ZWSP>bar, a<U+0001>b are read as one word)
grep -qx $'raw_text\t# text (14 of 14 sentences)' "$T/eval" || fail "eval-tagger zh mixed: $(grep raw_text "$T/eval")"
awk -F'\t' '$1 == "seg_f1" { exit !($2 >= 0.95) }' "$T/eval" || fail "eval-tagger zh mixed: $(grep f1 "$T/eval")"

# a user's CoNLL-U keeps its comments and MISC as they are
printf '# newdoc id = d1\n# sent_id = d1-s7\n# text = Hi,you\n# note = mine\n1\tHi\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No|Gloss=x\n2\t,\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n3\tyou\t_\t_\t_\t_\t_\t_\t_\t_\n\n' > "$T/user.conllu"
"$L" tag --model en --input "$T/user.conllu" --input-format conllu > "$T/user.out" || fail "user conllu: exit $?"
cmp -s <(cut -f1-3,5- "$T/user.conllu") <(cut -f1-3,5- "$T/user.out") || fail "user conllu changed: $(diff "$T/user.conllu" "$T/user.out")"
finish tag-conllu-raw
