#!/usr/bin/env bash
# lexkit serve under load, on loopback only: wrk (1 client thread; 1, 8 and 64 connections,
# DURATION seconds each) cycling through a collection's queries (top-10), requests/s and
# latency percentiles, next to in-process `lexkit search --timing` queries/s in the same
# run, and the server's resident memory before and after. Collections: the shipped sample
# (corpora/) and npl from ../shared. Bounded: each wrk run stops after DURATION seconds.
# en-wiki (~171k paragraphs of ../shared/corpora/embeddings/text/en-wiki.txt.xz, 1000 word-window
# queries, made by bench_bm25_data.py as for bench_bm25.sh): wrk with 1 and 2 client threads
# (one connection each) and with 8 and 64 connections, next to one `lexkit search` process per
# query and Xapian in-process
# (python3-xapian, BM25, top-10) on the same queries, qps and p50/p99 with ratios.
# Flat memory: MEM_REQUESTS (default 100000) requests by tests/cli/serve_load.py (searches
# with fields and snippets, bad requests, adds/replaces and deletes), the server's RSS every
# n/20 requests; after a warm-up (the first 20%), the largest RSS of the second half must stay within
# 10% + 2 MB of the first half's (and so for its anonymous part), else the bench fails.
# Env: LEXKIT, SHARED (set by `make bench`); SERVE_BENCH_SECONDS (default 5); BENCH_TMP
# (default /tmp/lk-bench-bm25) keeps the en-wiki collection between runs (shared with
# bench_bm25.sh); SERVE_BENCH_PARTS (default "sample npl wiki memory") picks the parts;
# SERVE_BENCH_PAIRS (default 5) same-moment pairs at 1 connection; SERVE_ARGS: more
# `lexkit serve` options for every server started (e.g. "--spin-us 0").
set -eu
L=${LEXKIT:?}
S=${SHARED:?}
DURATION=${SERVE_BENCH_SECONDS:-5}
PARTS=${SERVE_BENCH_PARTS:-sample npl wiki memory}
PAIRS=${SERVE_BENCH_PAIRS:-5}
read -r -a XARGS <<< "${SERVE_ARGS:-}"
command -v wrk > /dev/null || { echo "bench_serve: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
W=$(mktemp -d "${TMPDIR:-/tmp}/lk-bench-serve.XXXXXX")
SP=""
trap '[ -n "$SP" ] && kill "$SP" 2> /dev/null; rm -rf "$W"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

bench_one() { # name docs queries
  local name=$1 docs=$2 queries=$3
  "$L" index --analyzer plain --input "$docs" --index "$W/$name" 2> /dev/null
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
  rm -f "$W/log" # (else the previous server's port may be read before this one's redirect)
  "$L" serve --index "$W/$name" --listen 127.0.0.1:0 --threads 2 ${XARGS[@]+"${XARGS[@]}"} 2> "$W/log" &
  SP=$!
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$W/log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "bench_serve: server did not start: $(cat "$W/log")" >&2; exit 1; }
  local rss0 total=0 inproc_cpu
  inproc_cpu=$(sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) queries\/s).*/\1/p' "$W/timing")
  rss0=$(rss_kb "$SP")
  printf '%-8s load average: %s\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-8s in-process search --timing: %s queries/s, %s per CPU second (top-10)\n' "$name" "$inproc" "$inproc_cpu"
  for c in 1 8 64; do
    local c0 c1
    c0=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SP/stat")
    wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$W/paths.lua" "http://127.0.0.1:$port" > "$W/wrk" 2>&1
    c1=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SP/stat")
    local rps p50 p99 n ratio percpu
    rps=$(awk '/^Requests\/sec/ {print $2}' "$W/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$W/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$W/wrk")
    n=$(awk '/requests in/ {print $1}' "$W/wrk")
    total=$((total + n))
    ratio=$(awk -v a="$rps" -v b="$inproc" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    # per server CPU second (utime + stime): less noisy than wall time on a loaded machine
    percpu=$(awk -v n="$n" -v a="$c0" -v b="$c1" -v ip="$inproc_cpu" \
      'BEGIN { c = (b > a) ? n / (b - a) : 0; printf "%.1f per server CPU second (%.2fx in-process per CPU second)", c, (ip > 0) ? c / ip : 0 }')
    grep -q 'Non-2xx' "$W/wrk" && echo "bench_serve: non-2xx answers: $(grep Non-2xx "$W/wrk")" >&2
    printf '%-8s HTTP %2d connections: %8.1f requests/s (%.2fx in-process)  p50 %s  p99 %s; %s\n' \
      "$name" "$c" "$rps" "$ratio" "$p50" "$p99" "$percpu"
  done
  # 1 connection is latency-bound and swings with the host (0.37x-0.53x on npl within half an
  # hour): PAIRS more pairs of in-process run then HTTP run, each ratio taken at the same
  # moment, and their median (and the server's CPU seconds per HTTP request over them)
  local pairs="" pc0 pc1 pn=0
  pc0=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SP/stat")
  for _ in $(seq "$PAIRS"); do
    "$L" search --index "$W/$name" --queries "$W/rep.tsv" --k 10 --timing > /dev/null 2> "$W/timing"
    local ip rps1
    ip=$(sed -n 's/.*s (\([0-9.]*\) queries\/s;.*/\1/p' "$W/timing")
    wrk -t1 -c1 -d"${DURATION}s" --latency -s "$W/paths.lua" "http://127.0.0.1:$port" > "$W/wrk" 2>&1
    rps1=$(awk '/^Requests\/sec/ {print $2}' "$W/wrk")
    total=$((total + $(awk '/requests in/ {print $1}' "$W/wrk")))
    pn=$((pn + $(awk '/requests in/ {print $1}' "$W/wrk")))
    pairs="$pairs $(awk -v a="$rps1" -v b="$ip" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
  done
  pc1=$(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SP/stat")
  printf '%-8s HTTP  1 connection, %d more same-moment pairs: %sx each, median %sx in-process; server %.1f us CPU per request\n' \
    "$name" "$PAIRS" "$pairs" "$(echo "$pairs" | tr ' ' '\n' | grep . | sort -g |
      awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')" \
    "$(awk -v a="$pc0" -v b="$pc1" -v n="$pn" 'BEGIN { printf "%.1f", (n > 0) ? (b - a) * 1e6 / n : 0 }')"
  printf '%-8s server RSS %d KB before, %d KB after %d requests\n' "$name" "$rss0" "$(rss_kb "$SP")" "$total"
  kill -TERM "$SP"
  wait "$SP"
  SP=""
}

start_server() { # ARGS...: SP, port
  rm -f "$W/log" # (else the previous server's port may be read before this one's redirect)
  "$L" serve --listen 127.0.0.1:0 --threads 2 ${XARGS[@]+"${XARGS[@]}"} "$@" 2> "$W/log" &
  SP=$!
  port=""
  for _ in $(seq 1200); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$W/log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "bench_serve: server did not start: $(cat "$W/log")" >&2; exit 1; }
}
stop_server() { kill -TERM "$SP"; wait "$SP"; SP=""; }

# en-wiki: HTTP with 1 and 2 client threads vs a process per query vs Xapian in-process
bench_wiki() {
  local B=${BENCH_TMP:-/tmp/lk-bench-bm25}
  mkdir -p "$B"
  if [ ! -s "$B/wiki.jsonl" ]; then
    $PY "$HERE/bench_bm25_data.py" "$S/corpora/embeddings/text/en-wiki.txt.xz" "$B/wiki.jsonl" "$B/wiki-q.tsv" 1000
  fi
  local q=$B/wiki-q.tsv
  "$L" index --analyzer plain --input "$B/wiki.jsonl" --index "$W/wiki" 2> /dev/null
  if [ ! -d "$B/wiki.xapian" ]; then # built aside, then renamed: a half-built one is never reused
    rm -rf "$B/wiki.xapian.tmp"
    $PY "$HERE/bench_serve_peers.py" xapian-index "$B/wiki.jsonl" "$B/wiki.xapian.tmp"
    mv "$B/wiki.xapian.tmp" "$B/wiki.xapian"
  fi
  /usr/bin/python3 - "$q" > "$W/paths.lua" << 'EOF'
import sys, urllib.parse
paths = ["/search?k=10&q=" + urllib.parse.quote(l.rstrip("\n").split("\t", 1)[1])
         for l in open(sys.argv[1], encoding="utf-8") if "\t" in l]
print("paths = {" + ",".join('"%s"' % p for p in paths) + "}")
print("i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend")
EOF
  echo "en-wiki  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  local inproc
  : > "$W/rep.tsv"
  while [ "$(wc -l < "$W/rep.tsv")" -lt 2000 ]; do cat "$q" >> "$W/rep.tsv"; done
  "$L" search --index "$W/wiki" --queries "$W/rep.tsv" --k 10 --timing > /dev/null 2> "$W/timing"
  inproc=$(sed -n 's/.*s (\([0-9.]*\) queries\/s;.*/\1/p' "$W/timing")
  local inproc_cpu xq xp50 xp99 xn xcpu pq pp50 pp99 pn pcpu
  inproc_cpu=$(sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) queries\/s).*/\1/p' "$W/timing")
  $PY "$HERE/bench_serve_peers.py" xapian "$B/wiki.xapian" "$q" 2 > "$W/xap"
  $PY "$HERE/bench_serve_peers.py" process "$L" "$W/wiki" "$q" 200 > "$W/proc"
  read -r _ xn _ xq _ xp50 _ xp99 _ xcpu < "$W/xap"
  read -r _ pn _ pq _ pp50 _ pp99 _ pcpu < "$W/proc"
  start_server --index "$W/wiki"
  # the server's CPU seconds (utime + stime of /proc/PID/stat) over each wrk run: CPU-second
  # rates are less noisy than wall time on a loaded machine
  cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SP/stat"; }
  # client threads:connections (1, 8 and 64 connections, and 2 threads with one each)
  for tc in 1:1 2:2 1:8 2:64; do
    local c0 c1 t=${tc%:*} nc=${tc#*:}
    c0=$(cpu_s)
    wrk -t$t -c$nc -d"${DURATION}s" --latency -s "$W/paths.lua" "http://127.0.0.1:$port" > "$W/wrk" 2>&1
    c1=$(cpu_s)
    grep -q 'Non-2xx' "$W/wrk" && echo "bench_serve: non-2xx answers: $(grep Non-2xx "$W/wrk")" >&2
    awk -v t=$t -v nc=$nc -v ip="$inproc" -v xq="$xq" -v pq="$pq" -v cpu="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" \
        -v ipc="$inproc_cpu" -v xc="$xn / $xcpu" -v pc="$pn / $pcpu" '
      function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
      function div(s) { split(s, a, " / "); return a[1] / a[2] }
      /requests in/ { n = $1 } /^Requests\/sec/ { r = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
      END { printf "en-wiki  HTTP %d client thread(s), %2d connections: %8.1f queries/s  p50 %.3f ms  p99 %.3f ms  (%.2fx in-process lexkit, %.2fx Xapian in-process, %.1fx process per query)\n",
                   t, nc, r, p50, p99, r / ip, r / xq, r / pq
            c = n / cpu
            printf "en-wiki  HTTP %d client thread(s), %2d connections, per server CPU second: %8.1f queries (%.2fx in-process lexkit, %.2fx Xapian, %.1fx process per query, per CPU second each)\n",
                   t, nc, c, c / ipc, c / div(xc), c / div(pc) }' "$W/wrk"
  done
  stop_server
  printf 'en-wiki  in-process lexkit search --timing: %s queries/s, %s per CPU second (top-10, %s queries)\n' "$inproc" "$inproc_cpu" "$(wc -l < "$W/rep.tsv")"
  printf 'en-wiki  Xapian in-process (python3-xapian): %s queries/s  p50 %s ms  p99 %s ms, %s per CPU second\n' "$xq" "$xp50" "$xp99" "$(awk -v a="$xn" -v b="$xcpu" 'BEGIN { printf "%.1f", a / b }')"
  printf 'en-wiki  one lexkit search process per query: %s queries/s  p50 %s ms  p99 %s ms, %s per CPU second (200 queries)\n' "$pq" "$pp50" "$pp99" "$(awk -v a="$pn" -v b="$pcpu" 'BEGIN { printf "%.2f", a / b }')"
}

# flat memory over MEM_REQUESTS requests (searches, errors, writes) on the sample index
bench_memory() {
  local n=${MEM_REQUESTS:-100000}
  "$L" index --analyzer plain --input corpora/sample-docs.jsonl --index "$W/mem" 2> /dev/null
  echo tok > "$W/tok"
  start_server --index "$W/mem" --write-token-file "$W/tok"
  $PY "$HERE/../cli/serve_load.py" "$port" "$SP" corpora/sample-queries.tsv "$n" $((n / 20 > 0 ? n / 20 : 1)) tok 500 > "$W/mem.txt"
  stop_server
  echo "memory   RSS KB (anonymous KB) after N requests: $(awk '/^rss/ { printf "%s %s (%s); ", $2, $3, $4 }' "$W/mem.txt")"
  awk -v n="$n" '/^rss/ && $2 >= n / 5 { i++; at[i] = $2; r[i] = $3; a[i] = $4 }   # after a 20% warm-up
    /^done/ { took = $5 }
    END { h = int(i / 2); er = ea = lr = la = 0
          for (j = 1; j <= i; j++) {
            if (j <= h) { if (r[j] > er) er = r[j]; if (a[j] > ea) ea = a[j] }
            else { if (r[j] > lr) lr = r[j]; if (a[j] > la) la = a[j] } }
          printf "memory   %d requests in %s s: max RSS %d KB (anonymous %d) in requests %d-%d, %d KB (%d) in %d-%d\n",
                 n, took, er, ea, at[1], at[h], lr, la, at[h + 1], at[i]
          ok = i >= 4 && lr <= er * 1.1 + 2048 && la <= ea * 1.1 + 2048
          printf "memory   %s\n", ok ? "flat after warm-up" : "GROWS after warm-up"
          exit !ok }' "$W/mem.txt"
}

for part in $PARTS; do
  case $part in
    sample) bench_one sample corpora/sample-docs.jsonl corpora/sample-queries.tsv ;;
    npl) bench_one npl "$S/corpora/retrieval/npl/docs.jsonl" "$S/corpora/retrieval/npl/queries.tsv" ;;
    wiki) bench_wiki ;;
    memory) bench_memory ;;
    *) echo "bench_serve: unknown part '$part' in SERVE_BENCH_PARTS" >&2; exit 2 ;;
  esac
done
