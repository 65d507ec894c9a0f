#!/usr/bin/env bash
# Chinese segmentation/tagging speed, whole process (start-up and model load included), in
# one run side by side with jieba 0.42 (/usr/bin/python3, python3-jieba):
#   lexkit tag --input-format raw (shipped char model), 1 and 2 threads  vs jieba.posseg
#   lexkit tokenize --model, 1 and 2 threads                             vs jieba.cut
# on >= 1 MB of zh-wiki text (whole lines), medians of BENCH_RUNS (3) runs taken in turn;
# jieba's dictionary load is reported separately (rates with and without it). Then the peak
# RSS of tagging a 1 MB single line (2 threads), and GSDSimp v2 dev F1 (the model's UD v2 tag
# set; accuracy unchanged by the speed-ups).
# Env: LEXKIT, SHARED; BENCH_RUNS (3), BENCH_BYTES (1000000).
set -eu
PY=/usr/bin/python3
M=corpora/models/zh-gsd-char.lkt
RUNS=${BENCH_RUNS:-3}
W=$(mktemp -d /tmp/lk-bench-zh-speed.XXXXXX)
trap 'rm -rf "$W"' EXIT
$PY -c 'import jieba' 2> /dev/null || { echo "skip: python3-jieba not installed"; exit 0; }

# the text: whole lines of zh-wiki-mix.txt up to at least BENCH_BYTES bytes
awk -v max="${BENCH_BYTES:-1000000}" '{ print; n += length($0) + 1; if (n >= max) exit }' \
  "$SHARED/corpora/embeddings/text/zh-wiki-mix.txt" > "$W/zh.txt"
chars=$($PY -c 'import sys; print(sum(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$W/zh.txt")
echo "text: $(wc -c < "$W/zh.txt") bytes, $chars characters, $(wc -l < "$W/zh.txt") lines (zh-wiki-mix.txt)"

# one timed run: NAME CMD... -> appends "wall user+sys" to $W/NAME; stderr kept in $W/NAME.err
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$W/time" "$@" > /dev/null 2> "$W/$name.err"
  awk '{ print $1, $2 + $3 }' "$W/time" >> "$W/$name"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
col() { awk -v c="$2" '{ print $c }' "$W/$1" | median; }
rate() { awk -v n="$chars" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

for r in $(seq "$RUNS"); do
  run tag1 "$LEXKIT" tag --model $M --input-format raw --input "$W/zh.txt" --threads 1
  run tag2 "$LEXKIT" tag --model $M --input-format raw --input "$W/zh.txt" --threads 2
  run tok1 "$LEXKIT" tokenize --model $M --input "$W/zh.txt" --threads 1
  run tok2 "$LEXKIT" tokenize --model $M --input "$W/zh.txt" --threads 2
  run cut $PY tests/bench/bench_zh_speed_jieba.py cut "$W/zh.txt"
  sed -n 's/.*load_s=\([0-9.]*\)\tseg_s=\([0-9.]*\).*/\1 \2/p' "$W/cut.err" >> "$W/cut.inner"
  run posseg $PY tests/bench/bench_zh_speed_jieba.py posseg "$W/zh.txt"
  sed -n 's/.*load_s=\([0-9.]*\)\tseg_s=\([0-9.]*\).*/\1 \2/p' "$W/posseg.err" >> "$W/posseg.inner"
done

echo "chars/s, median of $RUNS runs (wall clock, whole process; CPU = user+sys):"
for k in tag1 tag2 tok1 tok2 cut posseg; do
  printf '  %-7s wall %6.2f s  %7s chars/s   CPU %6.2f s  %7s chars per CPU s\n' "$k" \
    "$(col $k 1)" "$(rate "$(col $k 1)")" "$(col $k 2)" "$(rate "$(col $k 2)")"
done
for j in cut posseg; do
  printf '  jieba %-6s dictionary load %.2f s, segmentation alone %.2f s = %s chars/s\n' "$j" \
    "$(col $j.inner 1)" "$(col $j.inner 2)" "$(rate "$(col $j.inner 2)")"
done
tag2=$(rate "$(col tag2 1)"); tok1=$(rate "$(col tok1 1)"); tok2=$(rate "$(col tok2 1)")
pos_whole=$(rate "$(col posseg 1)"); pos_seg=$(rate "$(col posseg.inner 2)")
cut_whole=$(rate "$(col cut 1)"); cut_seg=$(rate "$(col cut.inner 2)")
echo "ratios (target: tag 2 threads >= 4x posseg, tokenize >= 0.5x cut):"
echo "  tag --threads 2 / jieba.posseg: $(ratio "$tag2" "$pos_whole")x whole process, $(ratio "$tag2" "$pos_seg")x vs posseg without its dictionary load"
echo "  tokenize --threads 2 / jieba.cut: $(ratio "$tok2" "$cut_whole")x whole process, $(ratio "$tok2" "$cut_seg")x vs cut without its dictionary load"
echo "  tokenize --threads 1 / jieba.cut: $(ratio "$tok1" "$cut_whole")x whole process, $(ratio "$tok1" "$cut_seg")x without load"

# peak memory on a 1 MB single line (the same text without its newlines)
tr -d '\n' < "$W/zh.txt" > "$W/line.txt"
printf '\n' >> "$W/line.txt"
/usr/bin/time -f "%M" -o "$W/rss" "$LEXKIT" tag --model $M --input "$W/line.txt" --threads 2 > /dev/null
echo "1 MB single line ($(wc -c < "$W/line.txt") bytes): tag --threads 2 peak RSS $(( $(tail -1 "$W/rss") / 1024 )) MB (target <= 100 MB)"

dev=$SHARED/corpora/tagging/zh_gsdsimp-ud-dev.conllu
[ -f "$dev" ] && echo "GSDSimp v2 dev (raw text): $("$LEXKIT" eval-tagger --model $M --test "$dev" | grep f1 | tr '\t\n' '= ')"
exit 0
