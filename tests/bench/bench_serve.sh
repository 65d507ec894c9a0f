#!/usr/bin/env bash
# lexkit serve under load, on loopback only: wrk (1 client thread; 1, 8 and 64 connections,
# DURATION seconds each) cycling through a collection's queries (top-10), requests/s and
# latency percentiles, next to in-process `lexkit search --timing` queries/s in the same
# run, and the server's resident memory before and after. Collections: the shipped sample
# (corpora/) and npl from ../shared. Bounded: each wrk run stops after DURATION seconds.
# Env: LEXKIT, SHARED (set by `make bench`); SERVE_BENCH_SECONDS (default 5).
set -eu
L=${LEXKIT:?}
S=${SHARED:?}
DURATION=${SERVE_BENCH_SECONDS:-5}
command -v wrk > /dev/null || { echo "bench_serve: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lk-bench-serve.XXXXXX")
SP=""
trap '[ -n "$SP" ] && kill "$SP" 2> /dev/null; rm -rf "$W"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

bench_one() { # name docs queries
  local name=$1 docs=$2 queries=$3
  "$L" index --input "$docs" --index "$W/$name" 2> /dev/null
  # in-process rate on the same queries (repeated to >= 2000), top-10
  : > "$W/rep.tsv"
  while [ "$(wc -l < "$W/rep.tsv")" -lt 2000 ]; do cat "$queries" >> "$W/rep.tsv"; done
  "$L" search --index "$W/$name" --queries "$W/rep.tsv" --k 10 --timing > /dev/null 2> "$W/timing"
  local inproc
  inproc=$(sed -n 's/.*s (\([0-9.]*\) queries\/s;.*/\1/p' "$W/timing")
  # a wrk script cycling through the queries as /search paths
  /usr/bin/python3 - "$queries" > "$W/paths.lua" << 'EOF'
import sys, urllib.parse
paths = []
for line in open(sys.argv[1], encoding="utf-8"):
    if "\t" in line:
        q = line.rstrip("\n").split("\t", 1)[1]
        paths.append("/search?k=10&q=" + urllib.parse.quote(q))
print("paths = {" + ",".join('"%s"' % p for p in paths) + "}")
print("i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend")
EOF
  "$L" serve --index "$W/$name" --listen 127.0.0.1:0 --threads 2 2> "$W/log" &
  SP=$!
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$W/log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "bench_serve: server did not start: $(cat "$W/log")" >&2; exit 1; }
  local rss0 total=0
  rss0=$(rss_kb "$SP")
  printf '%-8s in-process search --timing: %s queries/s (top-10)\n' "$name" "$inproc"
  for c in 1 8 64; do
    wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$W/paths.lua" "http://127.0.0.1:$port" > "$W/wrk" 2>&1
    local rps p50 p99 n ratio
    rps=$(awk '/^Requests\/sec/ {print $2}' "$W/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$W/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$W/wrk")
    n=$(awk '/requests in/ {print $1}' "$W/wrk")
    total=$((total + n))
    ratio=$(awk -v a="$rps" -v b="$inproc" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    grep -q 'Non-2xx' "$W/wrk" && echo "bench_serve: non-2xx answers: $(grep Non-2xx "$W/wrk")" >&2
    printf '%-8s HTTP %2d connections: %8.1f requests/s (%.2fx in-process)  p50 %s  p99 %s\n' \
      "$name" "$c" "$rps" "$ratio" "$p50" "$p99"
  done
  printf '%-8s server RSS %d KB before, %d KB after %d requests\n' "$name" "$rss0" "$(rss_kb "$SP")" "$total"
  kill -TERM "$SP"
  wait "$SP"
  SP=""
}

bench_one sample corpora/sample-docs.jsonl corpora/sample-queries.tsv
bench_one npl "$S/corpora/retrieval/npl/docs.jsonl" "$S/corpora/retrieval/npl/queries.tsv"
