#!/usr/bin/env bash
# English UPOS tagging with the shipped model (corpora/models/en-ewt.lkt) on UD English EWT:
# gold tokens (eval-tagger accuracy), and raw text (each sentence's `# text` through
# `lexkit tag --input-format raw`, i.e. the UD English tokenizer): words F1 and UPOS F1 with
# the CoNLL 2018 definitions (tests/bench/en_raw_eval.py), next to Stanza 1.5.1's published
# EWT UPOS figure (96.20 from raw text, as cited in issue 14; no English tagger among the installed
# peers). Also the tokenizer alone, model size and tagging speed (CPU seconds).
# Env: LEXKIT, SHARED; MODEL (default corpora/models/en-ewt.lkt).
set -eu
TAG=$SHARED/corpora/tagging
PY=/usr/bin/python3
MODEL=${MODEL:-corpora/models/en-ewt.lkt}
W=$(mktemp -d /tmp/lk-bench-en-tag.XXXXXX)
trap 'rm -rf "$W"' EXIT
echo "model $MODEL: $(stat -c %s "$MODEL") bytes"
printf '%-5s %10s %10s %10s %10s %12s\n' split gold_acc tok_f1 raw_words raw_upos tag_tokens/cpu_s
for split in dev test; do
  gold=$TAG/en_ewt-ud-$split.conllu
  acc=$("$LEXKIT" eval-tagger --model "$MODEL" --test "$gold" 2> /dev/null | sed -n 's/^accuracy\t//p')
  $PY tests/bench/en_raw_eval.py "$gold" --text > "$W/raw.txt"
  "$LEXKIT" tokenize --tokenizer ud-en --input "$W/raw.txt" > "$W/tok"
  tf=$($PY tests/bench/en_raw_eval.py "$gold" "$W/tok" | sed -n 's/^words_f1\t//p')
  /usr/bin/time -f '%U %S' -o "$W/time" "$LEXKIT" tag --model "$MODEL" --input-format raw \
    --input "$W/raw.txt" --threads 1 > "$W/pred"
  $PY tests/bench/en_raw_eval.py "$gold" "$W/pred" --slash > "$W/f1"
  rw=$(sed -n 's/^words_f1\t//p' "$W/f1") ru=$(sed -n 's/^upos_f1\t//p' "$W/f1")
  n=$(wc -w < "$W/pred")
  rate=$(awk -v n="$n" '{ printf "%.0f", n / ($1 + $2 + 1e-9) }' "$W/time")
  printf '%-5s %10s %10s %10s %10s %12s\n' "$split" "$acc" "$tf" "$rw" "$ru" "$rate"
done
echo "Stanza 1.5.1 (published, EWT test, raw text): UPOS 0.9620"
