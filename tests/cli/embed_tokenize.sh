#!/usr/bin/env bash
# --tokenize: raw text through the lexkit tokenizer (lowercased; punctuation dropped).
set -eu
: "${LEXKIT:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-embed-tok.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'The King, the Queen!\nThe KING rides; the queen walks.\n北京大学。\n' > "$T/raw.txt"
"$LEXKIT" embed --input "$T/raw.txt" --tokenize --output "$T/v.txt" --dim 4 --min-count 1 \
  --epochs 1 --quiet
words=$(tail -n +2 "$T/v.txt" | cut -d" " -f1 | LC_ALL=C sort | tr '\n' ' ')
[ "$words" = "king queen rides the walks 京 北 大 学 " ] || { echo "FAIL: vocabulary '$words'" >&2; exit 1; }
echo ok
