#!/usr/bin/env bash
# BM25 benchmark: lexkit vs Xapian (python3-xapian, BM25Weight k1=1.2 b=0.75, no stemming
# on either side) on the shared retrieval collections and a ~171k-paragraph en-wiki
# collection: effectiveness (eval-ir on both runs), pruned == exhaustive top-1000, an
# independent Python check of every variant's scores on cranfield, index build MB/s, index
# size, queries/s for top-10 and top-1000 (median of 3), and the lexkit/Xapian ratios.
# lexkit builds with --store none here (Xapian stores no document data in this bench);
# bench_bm25_store.sh compares both storing the text.
# Env: LEXKIT, SHARED (set by `make bench`); BENCH_TMP (default /tmp/lk-bench-bm25) keeps the
# generated en-wiki collection between runs; BM25_SKIP_WIKI=1 skips the large collection.
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_TMP:-/tmp/lk-bench-bm25}
mkdir -p "$W"
cp "${LEXKIT:?}" "$W/lexkit"   # a rebuild during the run must not change the binary
L=$W/lexkit
R=$S/corpora/retrieval
MIN_QUERIES=2000   # query files are repeated up to this many queries for timing

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
size_of() { du -sb "$1" | cut -f1; }

# lexkit build: prints "MBps cpu_seconds"; 3 runs, median of the rate
lk_build() { # docs index lang
  local rates="" cpus=""
  for i in 1 2 3; do
    /usr/bin/time -f "%U %S" -o "$W/time" "$L" index --analyzer plain --input "$1" --index "$2" --lang "$3" --store none --stats 2> "$W/stats"
    rates="$rates $(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' "$W/stats")"
    cpus="$cpus $(awk '{print $1 + $2}' "$W/time")"
  done
  echo "$(echo $rates | tr ' ' '\n' | median) $(echo $cpus | tr ' ' '\n' | median)"
}

# lexkit queries/s: "wall cpu", medians of 3 runs of the (repeated) query file
lk_qps() { # index queries k
  local q=$2 n
  n=$(grep -c . "$q")
  if [ "$n" -lt "$MIN_QUERIES" ]; then
    : > "$W/rep.tsv"
    for _ in $(seq 1 $(( (MIN_QUERIES + n - 1) / n ))); do cat "$q" >> "$W/rep.tsv"; done
    q=$W/rep.tsv
  fi
  for i in 1 2 3; do
    "$L" search --index "$1" --queries "$q" --k "$3" --timing 2>&1 > /dev/null |
      sed -n 's/.*(\([0-9.]*\) queries\/s; CPU [0-9.]* s, \([0-9.]*\) queries\/s).*/\1 \2/p'
  done > "$W/qps.txt"
  echo "$(cut -d' ' -f1 "$W/qps.txt" | median) $(cut -d' ' -f2 "$W/qps.txt" | median)"
}

xap_qps() { # db queries k run cjk -> "wall cpu"
  $PY "$HERE/bench_bm25_xapian.py" search "$1" "$2" "$3" "$4" $5 --repeat 3 |
    $PY -c 'import json,sys; j = json.load(sys.stdin); print("%.1f %.1f" % (j["qps"], j["cpu_qps"]))'
}

evals() { # qrels run -> "MAP nDCG P10 R100 MRR"
  "$L" eval-ir --qrels "$1" --run "$2" | awk -F'\t' '$1 != "queries" {printf "%s ", $2}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

declare -a EFF SPEED
check_fail=0

bench_collection() { # name docs queries qrels lang
  local name=$1 docs=$2 queries=$3 qrels=$4 lang=$5 cjk=""
  [ "$lang" = zh ] && cjk=--cjk
  local idx=$W/$name.idx xap=$W/$name.xap
  read -r lk_mbps lk_cpu < <(lk_build "$docs" "$idx" "$lang")
  local xj
  /usr/bin/time -f "%U %S" -o "$W/time" $PY "$HERE/bench_bm25_xapian.py" index "$docs" "$xap" $cjk > "$W/xap.json"
  local xap_mbps xap_bytes xap_cpu
  xap_mbps=$($PY -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["mb_per_s"])' "$W/xap.json")
  xap_bytes=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$W/xap.json")
  xap_cpu=$(awk '{print $1 + $2}' "$W/time")
  local lk_bytes; lk_bytes=$(size_of "$idx")
  # rankings: pruned == exhaustive top-1000
  "$L" search --index "$idx" --queries "$queries" --k 1000 > "$W/$name.lk.run"
  "$L" search --index "$idx" --queries "$queries" --k 1000 --exhaustive > "$W/$name.lk.ex.run"
  if cmp -s "$W/$name.lk.run" "$W/$name.lk.ex.run"; then same=yes; else same=NO; check_fail=1; fi
  local q10 q1000 x10 x1000 q10c q1000c x10c x1000c
  read -r q10 q10c < <(lk_qps "$idx" "$queries" 10)
  read -r x10 x10c < <(xap_qps "$xap" "$queries" 10 "$W/$name.xap10.run" "$cjk")
  read -r q1000 q1000c < <(lk_qps "$idx" "$queries" 1000)
  read -r x1000 x1000c < <(xap_qps "$xap" "$queries" 1000 "$W/$name.xap.run" "$cjk")
  if [ -n "$qrels" ]; then
    EFF+=("$(printf '%-12s lexkit %s| xapian %s' "$name" "$(evals "$qrels" "$W/$name.lk.run")" "$(evals "$qrels" "$W/$name.xap.run")")")
  fi
  SPEED+=("$(printf '%-12s build MB/s %s vs %s (%s; CPU s %s vs %s: %s) | size MB %.1f vs %.1f | top-10 q/s %s vs %s (%s; CPU %s vs %s: %s) | top-1000 q/s %s vs %s (%s; CPU %s vs %s: %s) | pruned==exhaustive top-1000: %s' \
    "$name" "$lk_mbps" "$xap_mbps" "$(ratio "$lk_mbps" "$xap_mbps")" "$lk_cpu" "$xap_cpu" "$(ratio "$xap_cpu" "$lk_cpu")" \
    "$(awk -v b="$lk_bytes" 'BEGIN{print b/1e6}')" "$(awk -v b="$xap_bytes" 'BEGIN{print b/1e6}')" \
    "$q10" "$x10" "$(ratio "$q10" "$x10")" "$q10c" "$x10c" "$(ratio "$q10c" "$x10c")" \
    "$q1000" "$x1000" "$(ratio "$q1000" "$x1000")" "$q1000c" "$x1000c" "$(ratio "$q1000c" "$x1000c")" "$same")")
  echo "${SPEED[-1]}"
}

for c in cranfield npl cacm; do
  bench_collection "$c" "$R/$c/docs.jsonl" "$R/$c/queries.tsv" "$R/$c/qrels.txt" en
done
bench_collection cmrc2018-zh "$R/cmrc2018-zh/docs.jsonl" "$R/cmrc2018-zh/queries.tsv" "$R/cmrc2018-zh/qrels.txt" zh

if [ "${BM25_SKIP_WIKI:-0}" != 1 ]; then
  if [ ! -s "$W/wiki.jsonl" ]; then
    $PY "$HERE/bench_bm25_data.py" "$S/corpora/embeddings/text/en-wiki.txt.xz" "$W/wiki.jsonl" "$W/wiki-q.tsv" 1000
  fi
  bench_collection en-wiki "$W/wiki.jsonl" "$W/wiki-q.tsv" "" en
  # both cores: the same build with one thread (read+analyze+invert in turn) and two
  for t in 1 2 1 2; do
    /usr/bin/time -f "%e" -o "$W/time" "$L" index --analyzer plain --input "$W/wiki.jsonl" --index "$W/wiki-t.idx" --threads $t --store none --stats 2> "$W/stats"
    echo "$t $(cat "$W/time") $(sed -n 's/.*analysis busy \([0-9.]*\) s, inversion busy \([0-9.]*\) s/\1 \2/p' "$W/stats")"
  done > "$W/threads.txt"
  THREADS=$(awk '{w[$1] = w[$1] " " $2; a[$1] = $3; v[$1] = $4}
    END {printf "en-wiki build wall s, --threads 1:%s; --threads 2:%s (last run: analysis busy %s s, inversion busy %s s)", w[1], w[2], a[2], v[2]}' "$W/threads.txt")
fi

# independent reimplementation of every variant on cranfield (lexkit's tokenization)
C=$R/cranfield
$PY -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(l); print(d["title"]); print(d["text"])' "$C/docs.jsonl" | "$L" tokenize --lower > "$W/cran.dtok"
cut -f2- "$C/queries.tsv" | "$L" tokenize --lower > "$W/cran.qtok"
mkdir -p "$W/cranruns"
for v in lucene robertson atire bm25l bm25plus xapian; do
  "$L" search --index "$W/cranfield.idx" --queries "$C/queries.tsv" --k 1000 --variant "$v" --exhaustive > "$W/cranruns/$v.run"
  "$L" search --index "$W/cranfield.idx" --queries "$C/queries.tsv" --k 1000 --variant "$v" > "$W/cranruns/$v.pruned"
  cmp -s "$W/cranruns/$v.run" "$W/cranruns/$v.pruned" || { echo "cranfield $v: pruned != exhaustive"; check_fail=1; }
done
echo
echo "Scores vs an independent Python computation (cranfield, top-1000, every variant):"
$PY "$HERE/bench_bm25_ref.py" "$C/docs.jsonl" "$W/cran.dtok" "$C/queries.tsv" "$W/cran.qtok" "$W/cranruns" 1000 || check_fail=1

echo
echo "Effectiveness (MAP nDCG@10 P@10 R@100 MRR; lucene k1=1.2 b=0.75, no stemming):"
printf '%s\n' "${EFF[@]}"
echo
echo "Speed, lexkit vs xapian (ratios lexkit/xapian; CPU ratio xapian/lexkit):"
printf '%s\n' "${SPEED[@]}"
[ -z "${THREADS:-}" ] || echo "$THREADS"
exit $check_fail
