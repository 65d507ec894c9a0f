#!/usr/bin/env bash
# CoNLL-U in -> CoNLL-U out (issue 14): `tag` copies every line of a UD file (comments,
# multiword-token and empty-node lines, lemmas, features, heads, deps, misc) byte for byte
# and replaces only the tag column of the integer-ID rows: UPOS for an upos model, XPOS for
# an --column xpos model. A token row with too few columns is a positioned error.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-roundtrip
M=${LK_SRC:-.}/corpora/models/en-ewt.lkt
IN=$D/ewt_roundtrip.conllu # 11 UD English EWT test sentences, all columns, with MWTs and an empty node

"$L" tag --model "$M" --input "$IN" --input-format conllu > "$T/out.conllu" 2> "$T/err" || fail "tag conllu: $(cat "$T/err")"
[ "$(wc -l < "$T/out.conllu")" = "$(wc -l < "$IN")" ] || fail "line count differs"
# everything but column 4 is byte-identical (cut keeps lines without tabs whole)
cmp -s <(cut -f1-3,5- "$IN") <(cut -f1-3,5- "$T/out.conllu") || fail "a column other than UPOS changed"
cmp -s <(grep -v $'^[0-9]*\t' "$IN") <(grep -v $'^[0-9]*\t' "$T/out.conllu") || fail "comments, MWT or empty-node lines changed"
# the UPOS column holds the model's tags: most agree with gold, and gold was really replaced
paste <(cut -f1,4 "$IN") <(cut -f4 "$T/out.conllu") | awk -F'\t' '$1 ~ /^[0-9]+$/ {n++; if ($2 == $3) ok++} END {exit !(n == 194 && ok / n > 0.9)}' \
  || fail "UPOS of the output is not the model's tagging"
# tags come from the model: blank out gold UPOS, tag, and get the same output
awk -F'\t' 'BEGIN {OFS="\t"} $1 ~ /^[0-9]+$/ {$4 = "_"} {print}' "$IN" > "$T/blank.conllu"
"$L" tag --model "$M" --input "$T/blank.conllu" --input-format conllu > "$T/out2.conllu" || fail "tag blank"
cmp -s "$T/out.conllu" "$T/out2.conllu" || fail "output depends on the input's UPOS column"

# an XPOS model replaces column 5 only
"$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/x.lkt" --column xpos --epochs 1 \
  --hidden 8 --word-dim 8 --char-dim 6 --quiet || fail "train xpos model"
"$L" tag --model "$T/x.lkt" --input "$IN" --input-format conllu > "$T/x.conllu" || fail "tag with xpos model"
cmp -s <(cut -f1-4,6- "$IN") <(cut -f1-4,6- "$T/x.conllu") || fail "xpos model changed a column other than XPOS"
cmp -s <(cut -f5 "$IN") <(cut -f5 "$T/x.conllu") && fail "xpos model left XPOS as gold"

# a token row with 9 columns: file:line:col
printf '# text = Hi\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\n' > "$T/bad.conllu"
expect_fail 1 "bad.conllu:2:" "$L" tag --model "$M" --input "$T/bad.conllu" --input-format conllu
finish tag-roundtrip
