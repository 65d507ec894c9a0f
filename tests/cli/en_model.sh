#!/usr/bin/env bash
# The shipped English model (corpora/models/en-ewt.lkt, issue 14): raw English through the
# UD English tokenizer gets EWT's words and the right tags on the issue's sentence; UPOS
# accuracy (gold tokens) and raw-text word / UPOS F1 on 300 UD English EWT test sentences
# (tests/data/ewt_test300.conllu, ID FORM UPOS and `# text` only) stay above floors.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" en-model
SRC=${LK_SRC:-.}
M=$SRC/corpora/models/en-ewt.lkt
[ -s "$M" ] || { fail "no shipped model $M"; finish en-model; }

echo "I don't think it's raining, is it?" | "$L" tag --model "$M" --input-format raw > "$T/out" 2> "$T/err" \
  || fail "tag raw: $(cat "$T/err")"
want="I/PRON do/AUX n't/PART think/VERB it/PRON 's/AUX raining/VERB ,/PUNCT is/AUX it/PRON ?/PUNCT"
[ "$(cat "$T/out")" = "$want" ] || fail "example: got '$(cat "$T/out")', want '$want'"
# CoNLL-U output from raw text: one row per word (comments: tag_conllu_raw.sh)
printf "I don't know.\n\nWe're here.\n" | "$L" tag --model "$M" --input-format raw --output-format conllu > "$T/c" \
  || fail "raw -> conllu"
[ "$(grep -v '^#' "$T/c" | cut -f2 | tr '\n' ' ')" = "I do n't know .  We 're here .  " ] || fail "raw -> conllu rows: $(cut -f2 "$T/c" | tr '\n' ' ')"

# accuracy floors (this model: gold-token UPOS 0.9627, raw words F1 0.9965, raw UPOS F1 0.9593
# on these 300 sentences; the floors leave about 0.01 for other BLAS kernels and CPUs; the tokenizer is exact)
"$L" eval-tagger --model "$M" --test "$D/ewt_test300.conllu" > "$T/eval" 2> "$T/err" || fail "eval: $(cat "$T/err")"
awk -F'\t' '$1 == "accuracy" {exit !($2 >= 0.95)}' "$T/eval" || fail "gold-token accuracy below floor: $(tail -1 "$T/eval")"
/usr/bin/python3 "$SRC/tests/bench/en_raw_eval.py" "$D/ewt_test300.conllu" --text > "$T/raw.txt" || fail "raw text"
"$L" tag --model "$M" --input-format raw --input "$T/raw.txt" > "$T/pred" || fail "tag raw test text"
[ "$(wc -l < "$T/pred")" = 300 ] || fail "raw: want 300 lines"
/usr/bin/python3 "$SRC/tests/bench/en_raw_eval.py" "$D/ewt_test300.conllu" "$T/pred" --slash > "$T/f1" || fail "raw eval"
awk -F'\t' '$1 == "words_f1" {exit !($2 >= 0.99)}' "$T/f1" || fail "raw words F1 below floor: $(cat "$T/f1")"
awk -F'\t' '$1 == "upos_f1" {exit !($2 >= 0.945)}' "$T/f1" || fail "raw UPOS F1 below floor: $(cat "$T/f1")"

# --progress reports on stderr; --quiet and a pipe print nothing
"$L" tag --model "$M" --input-format raw --input "$T/raw.txt" --progress > /dev/null 2> "$T/err" || fail "progress run"
grep -q "done: " "$T/err" || fail "--progress printed no summary: $(cat "$T/err")"
"$L" tag --model "$M" --input-format raw --input "$T/raw.txt" --progress --quiet > /dev/null 2> "$T/err" || fail "quiet run"
[ ! -s "$T/err" ] || fail "--quiet printed: $(cat "$T/err")"
"$L" tag --model "$M" --input-format raw --input "$T/raw.txt" > /dev/null 2> "$T/err" || fail "piped run"
[ ! -s "$T/err" ] || fail "stderr not a terminal, no --progress, yet: $(cat "$T/err")"
finish en-model
