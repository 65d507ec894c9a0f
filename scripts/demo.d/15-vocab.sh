#!/usr/bin/env bash
# Demo: count the words of the English sample (200 KB of Wikipedia) and show the top 10.
set -eu
"$LEXKIT" vocab --input corpora/sample-en.txt --lower --output "$OUT/vocab.tsv"
echo "lexkit vocab --input corpora/sample-en.txt --lower: $(wc -l <"$OUT/vocab.tsv") distinct tokens; top 10:"
head -n 10 "$OUT/vocab.tsv"
