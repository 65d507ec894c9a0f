#!/usr/bin/env bash
# train-tagger / eval-tagger / tag defects of the new-user pass: one column for a bad
# CoNLL-U line in every reader, the --cell choices, --resume with conflicting model options,
# word/TAG input (--input-format slash) and the hint when it is read as CoNLL-U.
. "${LK_SRC:-.}/tests/cli_lib.sh" tagger-cli-defects
SMALL=(--hidden 8 --word-dim 8 --char-dim 6 --batch 4 --seed 3 --quiet)
M=$T/en.lkt
$L train-tagger --train "$D/tag_en_train.conllu" --output "$M" --epochs 1 "${SMALL[@]}" \
  2> "$T/train.err" || fail "train: $(cat "$T/train.err")"

# a CoNLL-U line of 4 columns: the same file:line:col (the end of the line, where the 5th
# field was due) from tag, eval-tagger and train-tagger
printf '1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\n\n' > "$T/badc.conllu"
WANT="badc.conllu:2:15: expected 10 tab-separated columns, got 4"
expect_fail 1 "$WANT" "$L" tag --model "$M" --input-format conllu --input "$T/badc.conllu"
expect_fail 1 "$WANT" "$L" eval-tagger --model "$M" --test "$T/badc.conllu"
expect_fail 1 "$WANT" "$L" train-tagger --train "$T/badc.conllu" --output "$T/x.lkt" "${SMALL[@]}"
# 11 columns: the start of the extra field
printf '1\ta\ta\tX\tX\t_\t0\troot\t_\t_\textra\n\n' > "$T/c11.conllu"
expect_fail 1 "c11.conllu:1:24: expected 10 tab-separated columns, got 11" \
  "$L" eval-tagger --model "$M" --test "$T/c11.conllu"

# --cell: a usage error in the parser's standard form listing what --help lists
expect_fail 2 "lexkit train-tagger: --cell must be lstm, gru, rnn, rnn-tanh or rnn-relu, not 'foo'" \
  "$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/x.lkt" --cell foo
"$L" train-tagger --help > "$T/help"
grep -q -- "--cell lstm|gru|rnn|rnn-tanh|rnn-relu" "$T/help" || fail "--help: $(grep -- --cell "$T/help")"
[ -e "$T/x.lkt" ] && fail "a model was written after an error"
for cell in gru rnn-relu; do
  $L train-tagger --train "$D/tag_en_train.conllu" --output "$T/$cell.lkt" --epochs 1 --cell $cell \
    "${SMALL[@]}" 2> "$T/err" || fail "--cell $cell: $(cat "$T/err")"
  $L info "$T/$cell.lkt" | grep -qx "$(printf 'cell\t%s' $cell)" || fail "info --cell $cell: $($L info "$T/$cell.lkt" | grep cell)"
done

# --resume keeps the checkpoint's architecture: an option given that disagrees is a usage
# error naming the option and the model's value; options not given take the model's values
R=(--train "$D/tag_en_train.conllu" --output "$T/r.lkt" --word-dim 8 --char-dim 6 --batch 4 --seed 3 --quiet)
$L train-tagger "${R[@]}" --epochs 1 --cell gru --crf --hidden 12 --layers 1 2> "$T/err" ||
  fail "train gru: $(cat "$T/err")"
cp "$T/r.lkt" "$T/r0.lkt"
expect_fail 2 "lexkit train-tagger: --hidden 16 conflicts with the resumed model's hidden 12" \
  "$L" train-tagger "${R[@]}" --epochs 2 --hidden 16 --resume
expect_fail 2 "--cell lstm conflicts with the resumed model's cell gru" \
  "$L" train-tagger "${R[@]}" --epochs 2 --cell lstm --resume
expect_fail 2 "--layers 2 conflicts with the resumed model's layers 1" \
  "$L" train-tagger "${R[@]}" --epochs 2 --layers 2 --resume
expect_fail 2 "--unidirectional conflicts with the resumed model's --bidirectional" \
  "$L" train-tagger "${R[@]}" --epochs 2 --unidirectional --resume
expect_fail 2 "--word-dim 10 conflicts with the resumed model's word-dim 8" \
  "$L" train-tagger "${R[@]/--word-dim/--char-dim}" --word-dim 10 --epochs 2 --resume
expect_fail 2 "--unit char conflicts with the resumed model's unit word" \
  "$L" train-tagger "${R[@]}" --epochs 2 --unit char --resume
expect_fail 2 "--column xpos conflicts with the resumed model's column upos" \
  "$L" train-tagger "${R[@]}" --epochs 2 --column xpos --resume
cmp -s "$T/r.lkt" "$T/r0.lkt" || fail "a refused resume changed the model"
# the same values, or none: resumed (epoch 2), the model's architecture kept
$L train-tagger "${R[@]}" --epochs 2 --cell gru --crf --hidden 12 --resume 2> "$T/err" ||
  fail "resume, same options: $(cat "$T/err")"
$L train-tagger --train "$D/tag_en_train.conllu" --output "$T/r.lkt" --epochs 3 --resume --progress \
  2> "$T/err" || fail "resume, no options: $(cat "$T/err")"
grep -q "epoch 3/3" "$T/err" || fail "resume: epoch 3 not run: $(cat "$T/err")"
$L info "$T/r.lkt" > "$T/info"
for kv in "cell	gru" "hidden	12" "output	crf" "word_dim	8" "char_dim	6" "epochs_run	3"; do
  grep -qx "$kv" "$T/info" || fail "resumed model: no '$kv' in $(cat "$T/info")"
done

# word/TAG lines: train-tagger (--train and --dev), eval-tagger, tag --input-format slash
S=(--input-format slash --epochs 2 "${SMALL[@]}")
$L train-tagger --train "$D/tag_en_train_slash.txt" --dev "$D/tag_en_dev_slash.txt" --output "$T/sl.lkt" \
  "${S[@]}" 2> "$T/err" || fail "train slash: $(cat "$T/err")"
$L info "$T/sl.lkt" | grep -q "^tag_set	.*NOUN" || fail "slash model tags: $($L info "$T/sl.lkt" | grep tag_set)"
$L eval-tagger --model "$T/sl.lkt" --test "$D/tag_en_dev_slash.txt" --input-format slash > "$T/ev.slash" \
  2> "$T/err" || fail "eval slash: $(cat "$T/err")"
grep -qx "$(printf 'sentences\t10')" "$T/ev.slash" && grep -qx "$(printf 'tokens\t81')" "$T/ev.slash" ||
  fail "eval slash figures: $(cat "$T/ev.slash")"
# the same sentences as CoNLL-U score the same
$L eval-tagger --model "$T/sl.lkt" --test "$D/tag_en_dev.conllu" > "$T/ev.conllu" 2> "$T/err" || fail "eval conllu"
[ "$(grep -v per_s "$T/ev.slash")" = "$(grep -v per_s "$T/ev.conllu")" ] ||
  fail "slash and CoNLL-U evaluations differ: $(cat "$T/ev.slash" "$T/ev.conllu")"
# tag: word/TAG in, word/TAG out (the words kept, the tags the model's)
$L tag --model "$T/sl.lkt" --input "$D/tag_en_dev_slash.txt" --input-format slash > "$T/tagged" 2> "$T/err" ||
  fail "tag slash: $(cat "$T/err")"
[ "$(wc -l < "$T/tagged")" = 10 ] || fail "tag slash: $(wc -l < "$T/tagged") lines"
words() { awk '{ for (i = 1; i <= NF; i++) sub(/\/[^\/]*$/, "", $i); print }' "$1"; }
[ "$(words "$T/tagged")" = "$(words "$D/tag_en_dev_slash.txt")" ] ||
  fail "tag slash changed the words: $(head -2 "$T/tagged")"
# word/TAG lines read as CoNLL-U: the error hints at --input-format slash
HINT="tag_en_train_slash.txt:1:[0-9]*: expected 10 tab-separated columns, got 1 (word/TAG lines? use --input-format slash)"
expect_fail 1 "$HINT" "$L" train-tagger --train "$D/tag_en_train_slash.txt" --output "$T/x.lkt" "${SMALL[@]}"
expect_fail 1 "$HINT" "$L" eval-tagger --model "$T/sl.lkt" --test "$D/tag_en_train_slash.txt"
expect_fail 1 "$HINT" "$L" tag --model "$T/sl.lkt" --input "$D/tag_en_train_slash.txt" --input-format conllu \
  --output-format slash
# CoNLL-U in, CoNLL-U out (lines copied, only the tag column replaced) reads every line as
# the other readers do: word/TAG lines, a line of words, a bad ID are errors, not copied
expect_fail 1 "$HINT" "$L" tag --model "$T/sl.lkt" --input "$D/tag_en_train_slash.txt" --input-format conllu
printf '# text = A b\n1\tA\t_\t_\t_\t_\t_\t_\t_\t_\n1-2\tAb\t_\t_\t_\t_\t_\t_\t_\t_\nthe cat sat\n' > "$T/words.conllu"
expect_fail 1 "words.conllu:4:12: expected 10 tab-separated columns, got 1$" \
  "$L" tag --model "$T/sl.lkt" --input "$T/words.conllu" --input-format conllu
printf '0\tA\t_\t_\t_\t_\t_\t_\t_\t_\n' > "$T/id0.conllu"
expect_fail 1 'id0.conllu:1:1: invalid ID "0" (expected a positive integer, N-M or N.M)' \
  "$L" tag --model "$T/sl.lkt" --input "$T/id0.conllu" --input-format conllu
printf '# c\n1\tThe\t_\t_\t_\t_\t_\t_\t_\t_\n2-3\tcats\t_\t_\t_\t_\t_\t_\t_\t_\n2\tcat\t_\t_\t_\t_\t_\t_\t_\t_\n3\ts\t_\t_\t_\t_\t_\t_\t_\t_\n3.1\tx\t_\t_\t_\t_\t_\t_\t_\t_\n\n' > "$T/ok.conllu"
$L tag --model "$T/sl.lkt" --input "$T/ok.conllu" --input-format conllu > "$T/ok.out" 2> "$T/err" ||
  fail "tag conllu with a range and an empty node: $(cat "$T/err")"
[ "$(cut -f1,2 "$T/ok.out")" = "$(cut -f1,2 "$T/ok.conllu")" ] || fail "conllu passthrough lines: $(cat "$T/ok.out")"
expect_fail 1 "badc.conllu:2:15: expected 10 tab-separated columns, got 4$" \
  "$L" eval-tagger --model "$M" --test "$T/badc.conllu"
expect_fail 2 "--input-format must be conllu or slash, not 'raw'" \
  "$L" eval-tagger --model "$T/sl.lkt" --test "$D/tag_en_dev_slash.txt" --input-format raw

# --model zh / en: the shipped models by name (as Python's Tagger.load); a file of that name wins
[ "$(echo '今天很开心。' | $L tag --model zh)" = "今天/NOUN 很/ADV 开心/ADJ 。/PUNCT" ] ||
  fail "tag --model zh: $(echo '今天很开心。' | $L tag --model zh 2>&1)"
[ "$(echo "I don't know." | $L tag --model en)" = "$(echo "I don't know." | $L tag)" ] ||
  fail "tag --model en is not the default: $(echo "I don't know." | $L tag --model en 2>&1)"
[ "$(echo '今天很开心。' | $L tokenize --model zh)" = "今天 很 开心 。" ] || fail "tokenize --model zh"
printf '{"id":"a","text":"新能源汽车很贵"}\n' > "$T/zm.jsonl"
$L index --input "$T/zm.jsonl" --index "$T/zm1" --zh-model zh --quiet 2> "$T/err" || fail "index --zh-model zh: $(cat "$T/err")"
$L index --input "$T/zm.jsonl" --index "$T/zm2" --zh-model "${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt" --quiet ||
  fail "index --zh-model PATH"
cmp -s "$T/zm1/index.lkbx" "$T/zm2/index.lkbx" && cmp -s "$T/zm1/zh-model.lkt" "$T/zm2/zh-model.lkt" ||
  fail "index --zh-model zh differs from the model's path"
mkdir "$T/named" && cp "$T/sl.lkt" "$T/named/zh"
[ "$(cd "$T/named" && echo 'the cat' | $L tag --model zh 2>&1)" = "$(echo 'the cat' | $L tag --model "$T/sl.lkt" 2>&1)" ] ||
  fail "a file named zh is not used"
# emoji are SYM (UD) whatever the word model guesses (❤️/NOUN, 👍🏽/NOUN before), in tag and in
# eval-tagger; a model without SYM is left alone
out=$(printf 'I love this ❤️ so much 👍🏽 , the 🇫🇷 team won 🏆🏆 !\n' | $L tag --model en)
for w in ❤️/SYM 👍🏽/SYM 🇫🇷/SYM 🏆/SYM love/VERB; do
  tr ' ' '\n' <<< "$out" | grep -qxF "$w" || fail "emoji: lacks $w: $out"
done
printf '1\tI\t_\tPRON\t_\t_\t_\t_\t_\t_\n2\tlove\t_\tVERB\t_\t_\t_\t_\t_\t_\n3\t❤️\t_\tSYM\t_\t_\t_\t_\t_\t_\n\n' > "$T/emoji.conllu"
$L eval-tagger --model en --test "$T/emoji.conllu" | grep -qx "$(printf 'correct\t3')" ||
  fail "eval-tagger emoji: $($L eval-tagger --model en --test "$T/emoji.conllu")"
# a character model given --input-format tokens|slash|conllu exited 1 ("is a character model:
# give raw text"): an option conflict, a usage error (exit 2) as --user-dict with a word model
for f in tokens slash conllu; do
  expect_fail 2 "--input-format $f needs a word model; .* is a character model, which reads raw text" \
    sh -c 'echo 我们 | "$1" tag --model zh --input-format "$2"' sh "$L" "$f"
done
finish tagger-cli-defects
