#!/usr/bin/env bash
# index --positions on npl and the ~171k-paragraph en-wiki collection of bench_bm25.sh,
# against Xapian with and without positions (TermGenerator.index_text vs
# index_text_without_positions), in the same run:
# - index size and build CPU (user+sys; median of 2 lexkit builds, alternating with and
#   without positions; one Xapian build each way);
# - top-10 query rate (lexkit search --timing, CPU queries/s, median of 3) of plain queries,
#   of 1,000 two-word phrase queries taken from the documents ("w1 w2") and of required-term
#   queries (+w1 w2): on a positions index, on a stored-text index (phrases re-analyse the
#   stored title/text), and with LEXKIT_OLD (a build from before --positions, e.g. main's)
#   on the same indexes, runs alternating old/new (the old binary's phrase and required
#   queries: the first 200, they take ~50 ms each on en-wiki); Xapian's phrase queries (QueryParser,
#   OP_PHRASE) on its positions database.
# Env: LEXKIT, SHARED (make bench); LEXKIT_OLD (optional); BENCH_TMP (default
# /tmp/lk-bench-bm25, shared with bench_bm25.sh: the generated en-wiki collection is reused);
# BM25_SKIP_WIKI=1: npl only.
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_TMP:-/tmp/lk-bench-bm25}
mkdir -p "$W"
cp "${LEXKIT:?}" "$W/lexkit-pos" # a rebuild during the run must not change the binary
L=$W/lexkit-pos
OLD=""
if [ -n "${LEXKIT_OLD:-}" ]; then cp "$LEXKIT_OLD" "$W/lexkit-old"; OLD=$W/lexkit-old; fi
R=$S/corpora/retrieval
MIN_QUERIES=3000

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
size_of() { du -sb "$1" | cut -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
cpu_build() { # bin docs idx args... -> CPU s
  local bin=$1 docs=$2 idx=$3
  shift 3
  rm -rf "$idx"
  /usr/bin/time -f "%U %S" -o "$W/time" "$bin" index --analyzer plain --input "$docs" --index "$idx" --quiet "$@"
  awk '{print $1 + $2}' "$W/time"
}
repeat_to() { # queries -> file in $W with at least MIN_QUERIES lines
  local q=$1 n out=$W/$(basename "$1" .tsv)-$2.rep
  n=$(grep -c . "$q")
  : > "$out"
  for _ in $(seq 1 $(( (MIN_QUERIES + n - 1) / n ))); do cat "$q" >> "$out"; done
  echo "$out"
}
qps1() { # bin idx queries args... -> CPU queries/s of one run
  local bin=$1 idx=$2 q=$3
  shift 3
  "$bin" search --index "$idx" --queries "$q" --k 10 --timing "$@" 2>&1 > /dev/null |
    sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) queries\/s).*/\1/p'
}
# ab IDX QUERIES ARGS...: "new old" CPU q/s, medians of 3 runs alternating new/old (old: - if
# no LEXKIT_OLD); $OLDQ: the old binary's query file when set (its slow paths get fewer
# queries: the rate is per query either way)
ab() {
  local idx=$1 q=$2 i n="" o=""
  shift 2
  for i in 1 2 3; do
    n="$n $(qps1 "$L" "$idx" "$q" "$@")"
    [ -n "$OLD" ] && o="$o $(qps1 "$OLD" "$idx" "${OLDQ:-$q}" "$@")"
  done
  echo "$(echo $n | tr ' ' '\n' | median) $([ -n "$OLD" ] && echo $o | tr ' ' '\n' | median || echo -)"
}
xap_phrase_qps() { # db queries -> CPU q/s
  $PY "$HERE/bench_bm25_xapian.py" search "$1" "$2" 10 "$W/xpos.run" --repeat 3 |
    $PY -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["cpu_qps"])'
}

bench() { # name docs plain-queries
  local name=$1 docs=$2 plain=$3
  # two-word phrases and required-term queries from the documents (seeded)
  $PY - "$docs" "$W/$name-phrase.tsv" "$W/$name-must.tsv" <<'PY'
import json, random, re, sys
rng = random.Random(13)
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ph, mu = [], []
while len(ph) < 1000:
    w = re.findall(r"[a-z]{3,}", rng.choice(docs)["text"].lower())
    if len(w) < 3:
        continue
    i = rng.randrange(len(w) - 2)
    ph.append('p%d\t"%s %s"\n' % (len(ph), w[i], w[i + 1]))
    mu.append('m%d\t+%s %s\n' % (len(mu), w[i], w[i + 2]))
open(sys.argv[2], "w").writelines(ph)
open(sys.argv[3], "w").writelines(mu)
PY
  local pq mq plq
  pq=$(repeat_to "$W/$name-phrase.tsv" "$name"); mq=$(repeat_to "$W/$name-must.tsv" "$name")
  plq=$(repeat_to "$plain" "$name")
  local b0="" b1=""
  for i in 1 2; do
    b0="$b0 $(cpu_build "$L" "$docs" "$W/$name-none.idx" --store none)"
    b1="$b1 $(cpu_build "$L" "$docs" "$W/$name-pos.idx" --store none --positions)"
  done
  cpu_build "$L" "$docs" "$W/$name-all.idx" > /dev/null
  local s0 s1 s2
  s0=$(size_of "$W/$name-none.idx"); s1=$(size_of "$W/$name-pos.idx"); s2=$(size_of "$W/$name-all.idx")
  local x0 x1
  x0=$($PY "$HERE/bench_bm25_xapian.py" index "$docs" "$W/$name-x0.db")
  x1=$($PY "$HERE/bench_bm25_xapian.py" index "$docs" "$W/$name-x1.db" --positions)
  jget() { $PY -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
  echo "$name: $(grep -c . "$docs") documents, raw $(awk -v b="$(size_of "$docs")" 'BEGIN {printf "%.1f", b / 1e6}') MB; uptime: $(uptime | sed 's/.*load/load/')"
  echo "| index | MB | build CPU s |"
  echo "| --- | --- | --- |"
  echo "| lexkit --store none | $(awk -v s="$s0" 'BEGIN {printf "%.2f", s / 1e6}') | $(echo $b0 | tr ' ' '\n' | median) |"
  echo "| lexkit --store none --positions | $(awk -v s="$s1" 'BEGIN {printf "%.2f", s / 1e6}') ($(ratio "$s1" "$s0")) | $(echo $b1 | tr ' ' '\n' | median) |"
  echo "| lexkit --store all (phrases from stored text) | $(awk -v s="$s2" 'BEGIN {printf "%.2f", s / 1e6}') | |"
  echo "| Xapian without positions | $(awk -v s="$(jget "$x0" bytes)" 'BEGIN {printf "%.2f", s / 1e6}') | (wall $(awk -v t="$(jget "$x0" seconds)" 'BEGIN {printf "%.1f", t}')) |"
  echo "| Xapian with positions | $(awk -v s="$(jget "$x1" bytes)" 'BEGIN {printf "%.2f", s / 1e6}') ($(ratio "$(jget "$x1" bytes)" "$(jget "$x0" bytes)")) | (wall $(awk -v t="$(jget "$x1" seconds)" 'BEGIN {printf "%.1f", t}')) |"
  local pn pos pall mpos mall xp
  read -r pn po <<< "$(ab "$W/$name-none.idx" "$plq")"
  read -r pos _ <<< "$(ab "$W/$name-pos.idx" "$plq")"
  read -r ph_pos _ <<< "$(ab "$W/$name-pos.idx" "$pq" --syntax on)"
  head -200 "$W/$name-phrase.tsv" > "$W/$name-phrase200.tsv"
  head -200 "$W/$name-must.tsv" > "$W/$name-must200.tsv"
  read -r ph_all ph_old <<< "$(OLDQ=$W/$name-phrase200.tsv ab "$W/$name-all.idx" "$pq" --syntax on)"
  read -r mu_pos _ <<< "$(ab "$W/$name-pos.idx" "$mq" --syntax on)"
  read -r mu_all mu_old <<< "$(OLDQ=$W/$name-must200.tsv ab "$W/$name-all.idx" "$mq" --syntax on)"
  xp=$(xap_phrase_qps "$W/$name-x1.db" "$W/$name-phrase.tsv")
  xpl=$(xap_phrase_qps "$W/$name-x1.db" "$plain")
  "$L" search --index "$W/$name-pos.idx" --queries "$W/$name-phrase.tsv" --syntax on --k 10 > "$W/$name-pos.run"
  "$L" search --index "$W/$name-all.idx" --queries "$W/$name-phrase.tsv" --syntax on --k 10 > "$W/$name-all.run"
  local same=NO
  cmp -s "$W/$name-pos.run" "$W/$name-all.run" && same=yes
  echo "top-10 CPU queries/s (median of 3; old = LEXKIT_OLD, runs alternating):"
  echo "  plain: new $pn, old $po ($(ratio "$pn" "$po") new/old); new on the positions index $pos"
  echo "  phrase \"w1 w2\": positions $ph_pos | stored text: new $ph_all, old $ph_old | positions vs old stored text $(ratio "$ph_pos" "$ph_old"); phrase/plain on positions $(ratio "$ph_pos" "$pn")"
  echo "  required +w1 w2: positions index $mu_pos | stored-text index: new $mu_all, old $mu_old ($(ratio "$mu_all" "$mu_old") new/old)"
  echo "  Xapian (positions db): plain $xpl, phrase $xp; lexkit/Xapian phrase $(ratio "$ph_pos" "$xp")"
  echo "  phrase results, positions == stored text (top 10): $same"
}

[ "${BM25_SKIP_NPL:-0}" = 1 ] || bench npl "$R/npl/docs.jsonl" "$R/npl/queries.tsv"
if [ "${BM25_SKIP_WIKI:-0}" != 1 ]; then
  if [ ! -s "$W/wiki.jsonl" ]; then
    $PY "$HERE/bench_bm25_data.py" "$S/corpora/embeddings/text/en-wiki.txt.xz" "$W/wiki.jsonl" "$W/wiki-q.tsv" 1000
  fi
  bench en-wiki "$W/wiki.jsonl" "$W/wiki-q.tsv"
fi
