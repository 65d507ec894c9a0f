#!/usr/bin/env bash
# Stored fields and snippets (lexkit index --store, search --fields/--snippet) on the
# ~171k-paragraph en-wiki collection of bench_bm25.sh, against Xapian storing the same
# title + text as document data (MSet.snippet for its snippets), in the same run:
# index size (and the raw JSONL size), build MB/s and CPU (median of 3 lexkit builds, one
# Xapian build each way), top-10 query cost per query (process CPU of 5,000 queries minus
# an open-only run, median of 3; Xapian: its timed loop) plain and with snippets.
# Env: LEXKIT, SHARED (make bench); BENCH_TMP (default /tmp/lk-bench-bm25, shared with
# bench_bm25.sh: the generated collection is reused).
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_TMP:-/tmp/lk-bench-bm25}
mkdir -p "$W"
cp "${LEXKIT:?}" "$W/lexkit-store"
L=$W/lexkit-store
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
size_of() { du -sb "$1" | cut -f1; }
if [ ! -s "$W/wiki.jsonl" ]; then
  $PY "$HERE/bench_bm25_data.py" "$S/corpora/embeddings/text/en-wiki.txt.xz" "$W/wiki.jsonl" "$W/wiki-q.tsv" 1000
fi
D=$W/wiki.jsonl
: > "$W/q5k.tsv"; for _ in 1 2 3 4 5; do cat "$W/wiki-q.tsv" >> "$W/q5k.tsv"; done
NQ=$(grep -c . "$W/q5k.tsv")

build() { # store -> "MBps cpu size"
  local rates="" cpus=""
  for i in 1 2 3; do
    /usr/bin/time -f "%U %S" -o "$W/time" "$L" index --analyzer plain --input "$D" --index "$W/st-$1.idx" --store "$1" --stats 2> "$W/stats"
    rates="$rates $(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' "$W/stats")"
    cpus="$cpus $(awk '{print $1 + $2}' "$W/time")"
  done
  echo "$(echo $rates | tr ' ' '\n' | median) $(echo $cpus | tr ' ' '\n' | median) $(size_of "$W/st-$1.idx")"
}
cpu_of() { /usr/bin/time -f "%U %S" -o "$W/time" "$@" > /dev/null; awk '{print $1 + $2}' "$W/time"; }
us_per_query() { # index args... -> microseconds of CPU per query (median of 3, open subtracted)
  local idx=$1 c="" o=""
  shift
  for i in 1 2 3; do
    c="$c $(cpu_of "$L" search --index "$idx" --queries "$W/q5k.tsv" --k 10 "$@")"
    o="$o $(cpu_of "$L" search --index "$idx" --query zzzzqqq --k 10)"
  done
  local cm om
  cm=$(echo $c | tr ' ' '\n' | median); om=$(echo $o | tr ' ' '\n' | median)
  awk -v c="$cm" -v o="$om" -v n="$NQ" 'BEGIN {printf "%.1f", (c - o) / n * 1e6}'
}

raw=$(size_of "$D")
read -r n_rate n_cpu n_size <<< "$(build none)"
read -r a_rate a_cpu a_size <<< "$(build all)"
x0=$($PY "$HERE/bench_bm25_xapian.py" index "$D" "$W/xst0.db")
x1=$($PY "$HERE/bench_bm25_xapian.py" index "$D" "$W/xst1.db" --data)
jget() { $PY -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
plain=$(us_per_query "$W/st-all.idx")
plain_none=$(us_per_query "$W/st-none.idx")
snip=$(us_per_query "$W/st-all.idx" --format json --fields title --snippet)
text=$(us_per_query "$W/st-all.idx" --format text)
xq0=$($PY "$HERE/bench_bm25_xapian.py" search "$W/xst1.db" "$W/wiki-q.tsv" 10 "$W/x.run" --repeat 3)
xq1=$($PY "$HERE/bench_bm25_xapian.py" search "$W/xst1.db" "$W/wiki-q.tsv" 10 "$W/x.run" --repeat 3 --snippet)
echo "en-wiki: $(wc -l < "$D") documents, raw JSONL $(awk -v b="$raw" 'BEGIN {printf "%.1f", b / 1e6}') MB"
echo "| system | index MB | build MB/s | build CPU s |"
echo "| --- | --- | --- | --- |"
awk -v s="$n_size" -v r="$n_rate" -v c="$n_cpu" 'BEGIN {printf "| lexkit --store none | %.1f | %s | %s |\n", s / 1e6, r, c}'
awk -v s="$a_size" -v r="$a_rate" -v c="$a_cpu" 'BEGIN {printf "| lexkit --store all (default) | %.1f | %s | %s |\n", s / 1e6, r, c}'
awk -v s="$(jget "$x0" bytes)" -v r="$(jget "$x0" mb_per_s)" -v t="$(jget "$x0" seconds)" 'BEGIN {printf "| Xapian, no document data | %.1f | %.2f | (wall %.1f) |\n", s / 1e6, r, t}'
awk -v s="$(jget "$x1" bytes)" -v r="$(jget "$x1" mb_per_s)" -v t="$(jget "$x1" seconds)" 'BEGIN {printf "| Xapian, title + text as data | %.1f | %.2f | (wall %.1f) |\n", s / 1e6, r, t}'
echo "top-10 CPU per query, us: lexkit plain (store none) $plain_none, plain (store all) $plain, json --fields title --snippet $snip ($(awk -v a="$snip" -v b="$plain" 'BEGIN {printf "%.2fx", a / b}')), --format text $text"
echo "Xapian top-10 CPU per query, us: plain $(awk -v q="$(jget "$xq0" cpu_qps)" 'BEGIN {printf "%.1f", 1e6 / q}'), with data + MSet.snippet $(awk -v q="$(jget "$xq1" cpu_qps)" 'BEGIN {printf "%.1f", 1e6 / q}')"
