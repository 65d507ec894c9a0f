#!/usr/bin/env bash
# Chinese BM25 terms on cmrc2018-zh: lexkit's default character unigrams + bigrams vs word
# terms from the shipped char model (--zh-model corpora/models/zh-gsd-char.lkt, each
# --zh-terms mode), Xapian with its CJK n-grams (--cjk) and Xapian on jieba-segmented text
# (jieba.cut; its time is added to Xapian's). Every run is scored with eval-ir (top 1000).
# Build: wall and CPU (user+sys) seconds, medians of ZH_RUNS (default 3), MB/s of CPU time;
# index size (lexkit: index.lkbx + the model copy); search: queries/s of CPU time, top 1000
# (lexkit `search --timing`: query analysis included; Xapian: its timed loop, plus jieba's
# CPU time over the queries for the jieba run). Ratios against lexkit's default.
# Env: LEXKIT, SHARED (set by `make bench`); BENCH_TMP (default /tmp/lk-bench-bm25-zh).
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
MODEL=$HERE/../../corpora/models/zh-gsd-char.lkt
W=${BENCH_TMP:-/tmp/lk-bench-bm25-zh}
RUNS=${ZH_RUNS:-3}
mkdir -p "$W"
cp "${LEXKIT:?}" "$W/lexkit"   # a rebuild during the run must not change the binary
L=$W/lexkit
C=$S/corpora/retrieval/cmrc2018-zh
DOCS=$C/docs.jsonl QUERIES=$C/queries.tsv QRELS=$C/qrels.txt
MB=$(awk -v b="$(stat -c %s "$DOCS")" 'BEGIN {print b / 1e6}')

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_of() { awk '{print $2 + $3}' "$1"; }   # from /usr/bin/time -f "%e %U %S"
evals() { "$L" eval-ir --qrels "$QRELS" --run "$1" | awk -F'\t' '$1 != "queries" {printf "%s ", $2}'; }

declare -a ROWS
# row NAME "MAP nDCG P10 R100 MRR" build_wall build_cpu index_bytes search_qps_cpu
row() {
  ROWS+=("$(printf '%-22s %s %7.2f %7.2f %6.2f %7.1f %7.0f' "$1" "$2" "$3" "$4" \
    "$(awk -v m="$MB" -v c="$4" 'BEGIN {print (c > 0 ? m / c : 0)}')" \
    "$(awk -v b="$5" 'BEGIN {print b / 1e6}')" "$6")")
}

lk_config() { # name index-options...
  local name=$1 walls="" cpus=""
  shift
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$W/time" "$L" index --analyzer plain --input "$DOCS" --index "$W/$name" \
      --lang zh "$@"
    walls="$walls $(cut -d' ' -f1 "$W/time")"
    cpus="$cpus $(cpu_of "$W/time")"
  done
  "$L" search --index "$W/$name" --queries "$QUERIES" --k 1000 --timing > "$W/$name.run" \
    2> "$W/timing"
  row "lexkit $name" "$(evals "$W/$name.run")" "$(echo $walls | tr ' ' '\n' | median)" \
    "$(echo $cpus | tr ' ' '\n' | median)" "$(du -sb "$W/$name" | cut -f1)" \
    "$(sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) queries\/s.*/\1/p' "$W/timing")"
}

lk_config bigrams
for t in words words+chars words+bigrams; do lk_config "$t" --zh-model "$MODEL" --zh-terms "$t"; done

# Xapian: build = index (+ jieba over the documents); search = (jieba over the queries +) search
xap_config() { # name docs queries xapian-flag [jieba_docs_json jieba_queries_json]
  local name=$1 walls="" cpus=""
  for _ in $(seq 1 "$RUNS"); do
    rm -rf "$W/$name"
    /usr/bin/time -f "%e %U %S" -o "$W/time" $PY "$HERE/bench_bm25_xapian.py" index "$2" \
      "$W/$name" $4 > "$W/xap.json"
    walls="$walls $(awk -v j="${5:-0 0}" '{split(j, a, " "); print $1 + a[1]}' "$W/time")"
    cpus="$cpus $(awk -v j="${5:-0 0}" '{split(j, a, " "); print $2 + $3 + a[2]}' "$W/time")"
  done
  $PY "$HERE/bench_bm25_xapian.py" search "$W/$name" "$3" 1000 "$W/$name.run" $4 > "$W/xap.json"
  row "$name" "$(evals "$W/$name.run")" "$(echo $walls | tr ' ' '\n' | median)" \
    "$(echo $cpus | tr ' ' '\n' | median)" "$(du -sb "$W/$name" | cut -f1)" \
    "$($PY -c 'import json,sys; j = json.load(open(sys.argv[1])); q = float(sys.argv[2])
print("%.1f" % (j["queries"] / (j["queries"] / j["cpu_qps"] + q)))' "$W/xap.json" "${6:-0}")"
}
jieba() { # docs|queries in out -> "wall cpu" of jieba
  $PY "$HERE/bench_bm25_zh_jieba.py" "$1" "$2" "$3" |
    $PY -c 'import json,sys; j = json.load(sys.stdin); print("%.3f %.3f" % (j["seconds"], j["cpu_seconds"]))'
}

xap_config "xapian cjk-ngram" "$DOCS" "$QUERIES" --cjk
jd=$(jieba docs "$DOCS" "$W/jieba-docs.jsonl")
jq=$(jieba queries "$QUERIES" "$W/jieba-queries.tsv")
xap_config "xapian jieba" "$W/jieba-docs.jsonl" "$W/jieba-queries.tsv" "" "$jd" "${jq#* }"

echo "cmrc2018-zh: $(wc -l < "$DOCS") docs, ${MB} MB, $(grep -c . "$QUERIES") queries, top 1000;" \
  "build = median of $RUNS (wall, CPU s; MB/s of CPU); q/s_cpu = queries per CPU second"
printf '%-22s %-6s %-7s %-6s %-6s %-6s %7s %7s %6s %7s %7s\n' system MAP nDCG@10 P@10 R@100 MRR \
  build_s cpu_s MB/s size_MB q/s_cpu
printf '%s\n' "${ROWS[@]}"
# ratios: against lexkit's default (bigrams) and lexkit words+bigrams against the peers
field() { printf '%s\n' "${ROWS[@]}" | awk -v n="$1" -v f="$2" '
  index($0, n) == 1 && substr($0, length(n) + 1, 1) == " " {split(substr($0, length(n) + 1), a); print a[f]}'; }
for n in "lexkit words" "lexkit words+chars" "lexkit words+bigrams" "xapian cjk-ngram" "xapian jieba"; do
  awk -v n="$n" -v m="$(field "$n" 1)" -v m0="$(field "lexkit bigrams" 1)" \
    -v c="$(field "$n" 7)" -v c0="$(field "lexkit bigrams" 7)" \
    -v s="$(field "$n" 9)" -v s0="$(field "lexkit bigrams" 9)" \
    -v q="$(field "$n" 10)" -v q0="$(field "lexkit bigrams" 10)" \
    'BEGIN {printf "%-22s MAP %+.4f vs lexkit bigrams; build CPU %.1fx, size %.2fx, query rate %.2fx\n",
            n, m - m0, c / c0, s / s0, q / q0}'
done
awk -v a="$(field "xapian jieba" 7)" -v b="$(field "lexkit words+bigrams" 7)" \
  -v m="$(field "lexkit words+bigrams" 1)" -v mx="$(field "xapian jieba" 1)" \
  'BEGIN {printf "lexkit words+bigrams vs xapian jieba: MAP %+.4f, build CPU time %.2fx of it\n", m - mx, b / a}'
