#!/usr/bin/env bash
# Demo: word embeddings on the small synthetic corpus in tests/data (a second or two).
set -eu
: "${LEXKIT:?}" "${OUT:?}"
CORPUS=tests/data/emb_corpus.txt
echo "\$ lexkit embed --input $CORPUS --output \$OUT/vectors.txt --dim 16 --min-count 2 --epochs 20"
"$LEXKIT" embed --input "$CORPUS" --output "$OUT/vectors.txt" --dim 16 --min-count 2 --epochs 20 \
  --sample 0 --seed 1 --quiet
head -c 120 "$OUT/vectors.txt"; echo " ..."
echo "\$ lexkit neighbors --vectors \$OUT/vectors.txt --word cat --k 4"
"$LEXKIT" neighbors --vectors "$OUT/vectors.txt" --word cat --k 4
echo "\$ lexkit embed ... --subwords 3:5 --buckets 10000 --format lkem   # fastText-style subwords"
"$LEXKIT" embed --input "$CORPUS" --output "$OUT/model.lkem" --format lkem --subwords 3:5 \
  --buckets 10000 --dim 16 --min-count 2 --epochs 20 --sample 0 --seed 1 --quiet
echo "\$ lexkit neighbors --vectors \$OUT/model.lkem --word kings --k 3   # unseen word, from n-grams"
"$LEXKIT" neighbors --vectors "$OUT/model.lkem" --word kings --k 3
echo "\$ lexkit analogy --vectors tests/data/emb_analogy.vec --questions tests/data/emb_analogy_questions.txt"
"$LEXKIT" analogy --vectors tests/data/emb_analogy.vec --questions tests/data/emb_analogy_questions.txt
