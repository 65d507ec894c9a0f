#!/usr/bin/env bash
# Subword (fastText-style) training, the LKEM model file, resuming, and vectors for unseen
# words composed from character n-grams (English, and Chinese from characters).
set -eu
: "${LEXKIT:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-embed-sub.XXXXXX")
trap 'rm -rf "$T"' EXIT
D=tests/data
fail() { echo "FAIL: $*" >&2; exit 1; }

for arch in skipgram cbow; do
  "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/$arch.lkem" --format lkem --model $arch \
    --subwords 3:5 --buckets 2000 --dim 12 --min-count 2 --epochs 2 --seed 1 --quiet
  head -c 4 "$T/$arch.lkem" | grep -q LKEM || fail "not an LKEM file"
  # "kings" is not in the corpus: its vector comes from n-grams shared with "king"
  "$LEXKIT" neighbors --vectors "$T/$arch.lkem" --word kings --k 3 > "$T/nb"
  [ "$(wc -l < "$T/nb")" = 3 ] || fail "$arch: no neighbours for an unseen word"
done

# resume training from the model, writing vectors and a new model
"$LEXKIT" embed --input $D/emb_corpus.txt --resume "$T/skipgram.lkem" --output "$T/resumed.txt" \
  --save-model "$T/resumed.lkem" --epochs 1 --quiet
[ "$(head -1 "$T/resumed.txt")" = "$(head -1 "$T/resumed.txt" | cut -d' ' -f1) 12" ] || fail "dim"
"$LEXKIT" analogy --vectors "$T/resumed.lkem" --questions $D/emb_analogy_questions.txt | tail -1 \
  | grep -q '^total' || fail "analogy on an LKEM model"

# Chinese: character tokens train n-gram rows that compose unseen words such as 北京
"$LEXKIT" embed --input $D/emb_zh.txt --output "$T/zh.lkem" --format lkem --subwords 1:2 \
  --buckets 500 --dim 8 --min-count 1 --epochs 5 --quiet
"$LEXKIT" neighbors --vectors "$T/zh.lkem" --word 北京 --k 2 > "$T/zh"
[ "$(wc -l < "$T/zh")" = 2 ] || fail "no neighbours for 北京"

printf '北京\t上海\t5\n北京\t大学\t3\n中国\t城市\t2\n' > "$T/zh_pairs.tsv"
"$LEXKIT" similarity --vectors "$T/zh.lkem" --pairs "$T/zh_pairs.tsv" | grep -qx "$(printf 'coverage\t1.0000\t3/3')" \
  || fail "composed similarity coverage"
"$LEXKIT" similarity --vectors "$T/zh.lkem" --pairs "$T/zh_pairs.tsv" --no-compose \
  | grep -qx "$(printf 'coverage\t0.0000\t0/3')" || fail "--no-compose coverage"

# a damaged model file is refused with a clear message
head -c 100 "$T/zh.lkem" > "$T/cut.lkem"
set +e; "$LEXKIT" neighbors --vectors "$T/cut.lkem" --word 北京 2> "$T/err"; rc=$?; set -e
[ $rc = 1 ] && grep -q "cut.lkem: truncated" "$T/err" || { cat "$T/err"; fail "truncated model"; }
echo ok
