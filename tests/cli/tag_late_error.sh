#!/usr/bin/env bash
# Issue 14: (a) invalid UTF-8 on a late line of `tag` input: the sentences before it are still
# written (output goes out per chunk), the error names file:line:col and the exit status is 1,
# for raw English (word model), CoNLL-U passthrough (an unfinished sentence before the bad
# line is not printed), tokens, CoNLL-U to word/TAG and raw Chinese (char model). (b) running English text given to a word
# model without --input-format (read as space-separated words, the default) gets a note on
# stderr pointing at --input-format raw; the output is unchanged, pre-tokenized text gets no
# note, and --quiet silences it.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-late-error
EN=${LK_SRC:-.}/corpora/models/en-ewt.lkt ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

printf 'I like it .\nYou do too .\nbad \377 here\n' > "$T/bad.txt"
expect_fail 1 "bad.txt:3:5: invalid UTF-8" "$L" tag --model "$EN" --input-format raw --input "$T/bad.txt"
[ "$(cat "$T/out")" = "$(printf 'I/PRON like/VERB it/PRON ./PUNCT\nYou/PRON do/VERB too/ADV ./PUNCT')" ] ||
  fail "raw: lines before the bad one not written: $(cat "$T/out")"

printf '# a\n1\tI\t_\t_\t_\t_\t_\t_\t_\t_\n\n# b\n1\tYou\t_\t_\t_\t_\t_\t_\t_\t_\n2\tb\377d\t_\t_\t_\t_\t_\t_\t_\t_\n\n' > "$T/bad.conllu"
expect_fail 1 "bad.conllu:6:4: invalid UTF-8" "$L" tag --model "$EN" --input-format conllu --input "$T/bad.conllu"
[ "$(cat "$T/out")" = "$(printf '# a\n1\tI\t_\tPRON\t_\t_\t_\t_\t_\t_\n')" ] ||
  fail "conllu: output should be the first sentence only: $(cat "$T/out")"

printf '我喜欢\n你\377好\n' > "$T/zh.txt"
expect_fail 1 "zh.txt:2:2: invalid UTF-8" "$L" tag --model "$ZH" --input "$T/zh.txt"
[ "$(cat "$T/out")" = "我/PRON 喜欢/VERB" ] || fail "zh raw: first line not written: $(cat "$T/out")"

# tokens and CoNLL-U to word/TAG are read in chunks too: the sentences before a bad line are
# written (they used to be read whole first, so a bad last line meant no output at all)
printf 'I like it .\nYou do too .\nbad \377 here\n' > "$T/bad.tok"
expect_fail 1 "bad.tok:3:5: invalid UTF-8" "$L" tag --model "$EN" --input-format tokens --input "$T/bad.tok"
[ "$(cat "$T/out")" = "$(printf 'I/PRON like/VERB it/PRON ./PUNCT\nYou/PRON do/VERB too/ADV ./PUNCT')" ] ||
  fail "tokens: lines before the bad one not written: $(cat "$T/out")"
expect_fail 1 "bad.conllu:6:4: invalid UTF-8" "$L" tag --model "$EN" --input-format conllu \
  --output-format slash --input "$T/bad.conllu"
[ "$(cat "$T/out")" = "I/PRON" ] || fail "conllu to slash: first sentence not written: $(cat "$T/out")"

# (b) the note for running text read as tokens
echo "I don't think it's raining, is it?" > "$T/run.txt"
"$L" tag --model "$EN" --input "$T/run.txt" > "$T/o1" 2> "$T/e1" || fail "tag running text: $(cat "$T/e1")"
grep -q -- "--input-format raw" "$T/e1" || fail "no note for running text: $(cat "$T/e1")"
grep -q "raining,/" "$T/o1" || fail "default format changed: $(cat "$T/o1")"
"$L" tag --model "$EN" --input "$T/run.txt" --quiet > /dev/null 2> "$T/e2" || fail "tag --quiet"
[ -s "$T/e2" ] && fail "--quiet should silence the note: $(cat "$T/e2")"
"$L" tag --model "$EN" --input "$T/run.txt" --input-format tokens > /dev/null 2> "$T/e3" || fail "tokens"
[ -s "$T/e3" ] && fail "no note when --input-format is given: $(cat "$T/e3")"
echo "I do n't think it 's raining , is it ?" > "$T/tok.txt"
"$L" tag --model "$EN" --input "$T/tok.txt" > "$T/o4" 2> "$T/e4" || fail "tag tokens"
[ -s "$T/e4" ] && fail "note on pre-tokenized text: $(cat "$T/e4")"
[ "$(cat "$T/o4")" = "I/PRON do/AUX n't/PART think/VERB it/PRON 's/AUX raining/VERB ,/PUNCT is/AUX it/PRON ?/PUNCT" ] ||
  fail "tokens output: $(cat "$T/o4")"
"$L" tag --model "$EN" --input-format raw --input "$T/run.txt" > "$T/o5" || fail "raw"
cmp -s "$T/o4" "$T/o5" || fail "raw running text and its tokens differ: $(cat "$T/o5")"
finish tag_late_error
