#!/usr/bin/env bash
# Demo: TF-IDF features of a small collection, as scikit-learn's TfidfVectorizer would give.
set -eu
DOCS=tests/data/feat_docs.jsonl
"$LEXKIT" tfidf --input "$DOCS" --tokenizer sklearn --ngram 1:2 --min-df 2 \
  --output "$OUT/feat.svm" --vocab-out "$OUT/feat.tsv" --quiet
echo "tfidf of $(wc -l <"$DOCS") documents, 1:2-grams in >= 2 documents: $(grep -vc '^#' "$OUT/feat.tsv") columns"
echo "first terms (term, column, df):"
grep -v '^#' "$OUT/feat.tsv" | head -5 | sed 's/^/  /'
echo "first row (svmlight, 0-based):"
head -1 "$OUT/feat.svm" | cut -c1-100 | sed 's/^/  /'
"$LEXKIT" bow --input "$DOCS" --analyzer char_wb --ngram 2:3 --format mm --output "$OUT/feat.mtx" --quiet
echo "char_wb 2:3 counts as Matrix Market: $(sed -n 2p "$OUT/feat.mtx") (rows cols non-zeros)"
