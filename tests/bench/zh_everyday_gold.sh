#!/usr/bin/env bash
# The held-out everyday gold, tests/bench/zh_everyday_gold.txt: 156 sentences of everyday Chinese
# (chat, reviews, news, recipes and instructions, travel, school/work/health, customer service,
# student essays; 124 in simplified, 32 in traditional characters), word/UPOS in the GSDSimp v2
# conventions, written by hand and used for no training. Prints, for the whole set and for its
# simplified and traditional parts, the segmentation and joint word+UPOS F1 of `lexkit tag`
# (fine granularity) and the segmentation F1 of jieba.cut, both from the raw text (each
# sentence's `# text`: the words joined, a space kept only between two ASCII words).
# Part of bench_zh_tag.sh; alone: LEXKIT=build/lexkit bash tests/bench/zh_everyday_gold.sh
# Env: LEXKIT; MODEL (default corpora/models/zh-gsd-char.lkt).
set -eu
PY=/usr/bin/python3
MODEL=${MODEL:-corpora/models/zh-gsd-char.lkt}
GOLD=tests/bench/zh_everyday_gold.txt
W=$(mktemp -d /tmp/lk-bench-zh-gold.XXXXXX)
trap 'rm -rf "$W"' EXIT
echo "everyday gold ($GOLD), from raw text:"
printf '%-20s %5s %8s %8s | %8s | %8s\n' set sents lk_seg lk_joint jb_cut seg-cut
for part in all simp trad; do
  opt=()
  [ "$part" = all ] || opt=(--script "$part")
  $PY scripts/zh_slash2conllu.py --text "${opt[@]}" "$GOLD" > "$W/$part.conllu"
  RAW=text JIEBA=1 $PY tests/bench/zh_raw_eval.py "$LEXKIT" "$MODEL" "$W/$part.conllu" "$part" \
    > "$W/f1"
  s=$(sed -n 1p "$W/f1" | cut -f2) j=$(sed -n 1p "$W/f1" | cut -f3) c=$(sed -n 2p "$W/f1" | cut -f2)
  printf '%-20s %5s %8s %8s | %8s | %8s\n' "everyday-gold-$part" \
    "$(grep -c '^# text = ' "$W/$part.conllu")" "$s" "$j" "$c" \
    "$(awk -v a="$s" -v b="$c" 'BEGIN { printf "%+.2f", 100 * (a - b) }')"
done
echo "(seg / joint F1 of \`lexkit tag --model\`; jb_cut: jieba.cut seg F1; seg-cut: lexkit minus"
echo " jieba, in points)"
