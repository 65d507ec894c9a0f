#!/usr/bin/env bash
# Index build rate on the small collections, lexkit vs Xapian, measured as bench_bm25.sh
# does (lexkit: the MB/s of --stats, Xapian: bench_bm25_xapian.py's in-process rate; CPU:
# user + system of the process), median of N runs (default 5) taken in turn, with the ratios.
# Usage: LEXKIT=build/lexkit SHARED=/work/shared [LEXKIT_BEFORE=old/lexkit] [RUNS=5] $0
set -eu
R=${SHARED:?}/corpora/retrieval
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
N=${RUNS:-5}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

lk_once() { # binary docs lang -> "MBps cpu"
  /usr/bin/time -f "%U %S" -o "$W/time" "$1" index --analyzer plain --input "$2" --index "$W/idx" --lang "$3" --stats 2> "$W/stats"
  echo "$(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' "$W/stats") $(awk '{print $1 + $2}' "$W/time")"
}
xap_once() { # docs cjk -> "MBps cpu"
  rm -rf "$W/xap"
  /usr/bin/time -f "%U %S" -o "$W/time" $PY "$HERE/bench_bm25_xapian.py" index "$1" "$W/xap" $2 > "$W/xap.json"
  echo "$($PY -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["mb_per_s"])' "$W/xap.json") $(awk '{print $1 + $2}' "$W/time")"
}

for c in cranfield cacm cmrc2018-zh; do
  lang=en cjk=""
  [ "$c" = cmrc2018-zh ] && lang=zh cjk=--cjk
  d=$R/$c/docs.jsonl
  : > "$W/lk"; : > "$W/old"; : > "$W/x"
  for _ in $(seq 1 "$N"); do
    lk_once "${LEXKIT:?}" "$d" "$lang" >> "$W/lk"
    [ -z "${LEXKIT_BEFORE:-}" ] || lk_once "$LEXKIT_BEFORE" "$d" "$lang" >> "$W/old"
    xap_once "$d" "$cjk" >> "$W/x"
  done
  lr=$(cut -d' ' -f1 "$W/lk" | median) lc=$(cut -d' ' -f2 "$W/lk" | median)
  xr=$(cut -d' ' -f1 "$W/x" | median) xc=$(cut -d' ' -f2 "$W/x" | median)
  line=$(printf '%-12s build MB/s lexkit %s vs Xapian %s: %s | CPU s %s vs %s: %s' "$c" "$lr" "$xr" \
    "$(ratio "$lr" "$xr")" "$lc" "$xc" "$(ratio "$xc" "$lc")")
  if [ -n "${LEXKIT_BEFORE:-}" ]; then
    orr=$(cut -d' ' -f1 "$W/old" | median) oc=$(cut -d' ' -f2 "$W/old" | median)
    line="$line | before: $orr MB/s ($(ratio "$orr" "$xr")), CPU $oc s ($(ratio "$xc" "$oc"))"
  fi
  echo "$line"
done
