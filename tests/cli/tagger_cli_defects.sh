#!/usr/bin/env bash
# train-tagger / eval-tagger / tag defects of the new-user pass: one column for a bad
# CoNLL-U line in every reader, the --cell choices.
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

finish tagger-cli-defects
