#!/usr/bin/env bash
# Demo: TF-IDF features of a small collection, as scikit-learn's TfidfVectorizer would give.
set -eu
DOCS=tests/data/feat_docs.jsonl
"$LEXKIT" tfidf --input "$DOCS" --tokenizer sklearn --ngram 1:2 --min-df 2 \
  --output "$OUT/feat.svm" --vocab-out "$OUT/feat.tsv" --quiet
echo "tfidf of $(wc -l <"$DOCS") documents, 1:2-grams in >= 2 documents: $(($(wc -l <"$OUT/feat.tsv") - 1)) columns"
echo "first terms (term, column, df):"
sed -n '2,6p' "$OUT/feat.tsv" | sed 's/^/  /'
echo "first row (svmlight, 0-based):"
head -1 "$OUT/feat.svm" | cut -c1-100 | sed 's/^/  /'
"$LEXKIT" bow --input "$DOCS" --analyzer char_wb --ngram 2:3 --format mm --output "$OUT/feat.mtx" --quiet
echo "char_wb 2:3 counts as Matrix Market: $(sed -n 2p "$OUT/feat.mtx") (rows cols non-zeros)"
