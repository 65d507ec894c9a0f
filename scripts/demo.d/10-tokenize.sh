#!/usr/bin/env bash
# Tokenizer demo: English, Chinese, full-width forms and emoji through the three tokenizers.
set -eu
printf '%s\n' "Don't stop-me now: 3.14, 1,000 e-mails!" \
  "我爱北京天安门 and NLP! ＡＢＣ１２３ 👨‍👩‍👧 👍🏽 🇺🇸" >"$OUT/tok_demo.txt"
cat "$OUT/tok_demo.txt"
echo "-- lexkit tokenize --lower"
"$LEXKIT" tokenize --lower --input "$OUT/tok_demo.txt"
echo "-- lexkit tokenize --tokenizer sklearn   (scikit-learn's default analyzer)"
"$LEXKIT" tokenize --tokenizer sklearn --input "$OUT/tok_demo.txt"
