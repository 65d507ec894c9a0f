#!/usr/bin/env bash
# Index segments on the ~171k-paragraph en-wiki collection: time of `index --add` of 100
# documents and of `--delete` of 100 ids, before (LEXKIT_BEFORE: a lexkit whose --add and
# --delete rewrite the whole index, e.g. main before segments) and after (LEXKIT: a new
# segment / tombstones), and query speed on 1 vs several segments (same live documents).
# Medians of RUNS runs (default 3); wall and CPU (user+sys) seconds.
# usage: LEXKIT=build/lexkit [LEXKIT_BEFORE=old/lexkit] bash bench_bm25_segments.sh [WIKI.jsonl] [QUERIES.tsv]
set -eu
L=${LEXKIT:?}
B=${LEXKIT_BEFORE:-}
HERE=$(cd "$(dirname "$0")" && pwd)
S=${SHARED:-/work/shared}
W=${BENCH_DIR:-/tmp/lk-bench-bm25}
RUNS=${RUNS:-3}
mkdir -p "$W"
WIKI=${1:-$W/wiki.jsonl}
Q=${2:-$W/wiki-q.tsv}
if [ ! -s "$WIKI" ]; then
  /usr/bin/python3 "$HERE/bench_bm25_data.py" "$S/corpora/embeddings/text/en-wiki.txt.xz" "$WIKI" "$Q" 1000
fi
T=$(mktemp -d "$W/seg.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=$(wc -l < "$WIKI")
head -n $((n - 100)) "$WIKI" > "$T/base.jsonl"
tail -n 100 "$WIKI" > "$T/batch.jsonl"
awk -F'"' 'NR % 1700 == 5 { print $4 }' "$T/base.jsonl" | head -100 > "$T/del.txt"
"$L" index --analyzer plain --input "$T/base.jsonl" --index "$T/base" --quiet
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# timed NAME SRC BIN ARGS...: median wall and CPU seconds of `BIN index ARGS` on a fresh copy
# of the index SRC (ARGS may use @IDX for its path)
timed() {
  local name=$1 src=$2 bin=$3
  shift 3
  : > "$T/walls"; : > "$T/cpus"
  for r in $(seq "$RUNS"); do
    rm -rf "$T/work"; cp -r "$src" "$T/work"; sync
    local args=()
    for a in "$@"; do args+=("${a//@IDX/$T/work}"); done
    /usr/bin/time -f "%e %U %S" -o "$T/time" "$bin" index "${args[@]}" --quiet
    awk '{ print $1 > "'"$T/walls"'"; print $2 + $3 > "'"$T/cpus"'" }' "$T/time"
    cat "$T/walls" >> "$T/walls.all"; cat "$T/cpus" >> "$T/cpus.all"
  done
  printf '%-34s wall %6.3f s  CPU %6.3f s\n' "$name" "$(median < "$T/walls.all")" "$(median < "$T/cpus.all")"
  rm -f "$T/walls.all" "$T/cpus.all"
}
echo "en-wiki: $((n - 100)) documents in the index, 100 added, 100 deleted; $RUNS runs, medians"
if [ -n "$B" ]; then
  timed "add 100 docs, before (rewrite)" "$T/base" "$B" --add --input "$T/batch.jsonl" --index @IDX
fi
timed "add 100 docs, after (segment)" "$T/base" "$L" --add --input "$T/batch.jsonl" --index @IDX
if [ -n "$B" ]; then
  timed "delete 100 ids, before (rewrite)" "$T/base" "$B" --delete "$T/del.txt" --index @IDX
fi
timed "delete 100 ids, after (tombstones)" "$T/base" "$L" --delete "$T/del.txt" --index @IDX
# query speed: the same live documents in 1 file, in 2 segments (base + 100) with 100
# tombstones, and in 5 segments (merge policy off: sizes 100k, 40k, 20k, 10k, rest)
rm -rf "$T/s2" "$T/s5" "$T/one"
cp -r "$T/base" "$T/s2"
"$L" index --index "$T/s2" --add --input "$T/batch.jsonl" --delete "$T/del.txt" --quiet
head -n 100000 "$WIKI" > "$T/p1"; sed -n 100001,140000p "$WIKI" > "$T/p2"
sed -n 140001,160000p "$WIKI" > "$T/p3"; sed -n 160001,170000p "$WIKI" > "$T/p4"
tail -n +170001 "$WIKI" > "$T/p5"
"$L" index --analyzer plain --input "$T/p1" --index "$T/s5" --quiet
for p in p2 p3 p4 p5; do "$L" index --index "$T/s5" --add --input "$T/$p" --max-segments 100 --quiet; done
"$L" index --index "$T/s5" --delete "$T/del.txt" --quiet
grep -v -F -f <(sed 's/.*/"id": "&"/' "$T/del.txt") "$WIKI" > "$T/live.jsonl"
"$L" index --analyzer plain --input "$T/live.jsonl" --index "$T/one" --quiet
timed "merge 2 segments + 100 deleted" "$T/s2" "$L" --merge --index @IDX
timed "merge 5 segments + 100 deleted" "$T/s5" "$L" --merge --index @IDX
for k in 10 1000; do
  for idx in one s2 s5; do
    : > "$T/qps"; : > "$T/cqps"
    for r in $(seq "$RUNS"); do
      "$L" search --index "$T/$idx" --queries "$Q" --k "$k" --timing > "$T/$idx.$k.run" 2> "$T/timing"
      sed -E 's/.*\(([0-9.]+) queries\/s; CPU [0-9.]+ s, ([0-9.]+) queries\/s\).*/\1 \2/' "$T/timing" > "$T/t"
      awk '{ print $1 }' "$T/t" >> "$T/qps"; awk '{ print $2 }' "$T/t" >> "$T/cqps"
    done
    printf 'top-%-5s %-28s %8.0f q/s wall  %8.0f q/s CPU\n' "$k" \
      "$(case $idx in one) echo "1 segment";; s2) echo "2 segments + 100 deleted";; s5) echo "5 segments + 100 deleted";; esac)" \
      "$(median < "$T/qps")" "$(median < "$T/cqps")"
  done
  cmp -s "$T/one.$k.run" "$T/s2.$k.run" && cmp -s "$T/one.$k.run" "$T/s5.$k.run" ||
    echo "  top-$k runs differ between 1 and several segments: $(diff "$T/one.$k.run" "$T/s5.$k.run" | head -3)"
done
