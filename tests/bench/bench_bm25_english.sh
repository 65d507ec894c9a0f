#!/usr/bin/env bash
# English analyzer benchmark: MAP and nDCG@10 of `lexkit index --analyzer english` (Lucene's
# EnglishAnalyzer chain: hyphens split, Latin accents folded, possessives dropped, Lucene's
# 33 stop words, Snowball english) against Xapian set up for English in the same run
# (python3-xapian: Stem("english") + a SimpleStopper with the same 33 words, STOP_ALL;
# Xapian's default stemming strategy STEM_SOME, and STEM_ALL_Z; and STEM_ALL_Z with queries
# parsed with no QueryParser flags, "plain q": FLAG_DEFAULT makes npl's upper-case AND / OR
# Boolean operators and quotes/hyphens phrases, which costs Xapian there), on cranfield, cacm and
# npl; lexkit plain (`--analyzer plain`, the default before issue 13) alongside, whose runs
# must stay as before; the default index (no --analyzer) must equal english, byte for byte.
# With LEXKIT_OLD (a lexkit built before english became the default), also checks that its
# default index equals this build's `--analyzer plain` index byte for byte.
# Same BM25 parameters on both sides (lucene k1=1.2 b=0.75; Xapian BM25Weight(1.2, 0, 1,
# 0.75, 0.5)), top 1000. Also the build CPU time and top-10 queries/s (CPU) of plain vs
# english (one run each: noisy under load). Prints "at least Xapian: yes|NO" per
# collection and Xapian setup (MAP and nDCG@10 both >= Xapian's).
# Also "lexkit english, xapian BM25": the english index searched with `--variant xapian`
# (Xapian's BM25Weight formula: its idf and min_normlen; on npl it equals Xapian ALL_Z plain
# q), with its own "at least Xapian" lines. After each lexkit-vs-Xapian line, a paired
# two-sided randomization test on per-query AP and nDCG@10 (ir_randomization.py, 100,000
# permutations, seed 19): p and the queries lexkit wins/loses/ties (W/L/T).
# Env: LEXKIT, SHARED (set by `make bench`); BENCH_TMP (default /tmp/lk-bench-english);
# RETRIEVAL (default $SHARED/corpora/retrieval) and COLLECTIONS (default "cranfield cacm npl"):
# any folder of collections in the shared layout (NAME/docs.jsonl, queries.tsv, qrels.txt, see
# its README) is compared the same way, e.g. a held-out one:
#   RETRIEVAL=/data/ir COLLECTIONS="cisi med" make bench BENCH=bm25_english
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_TMP:-/tmp/lk-bench-english}
PERMS=100000
mkdir -p "$W"
cp "${LEXKIT:?}" "$W/lexkit"
L=$W/lexkit
R=${RETRIEVAL:-$S/corpora/retrieval}
printf '%s\n' a an and are as at be but by for if in into is it no not of on or such that \
  the their then there these they this to was will with > "$W/lucene.stop"

evals() { # qrels run -> "MAP nDCG@10"
  "$L" eval-ir --qrels "$1" --run "$2" | awk -F'\t' '$1 == "MAP" || $1 == "nDCG@10" {printf "%s ", $2}'
}
cpu_of() { awk '{printf "%.2f", $1 + $2}' "$W/time"; }
qps() { # index queries -> top-10 CPU queries/s (queries repeated to >= 2000)
  local n; n=$(grep -c . "$2"); : > "$W/rep.tsv"
  for _ in $(seq 1 $(( (2000 + n - 1) / n ))); do cat "$2" >> "$W/rep.tsv"; done
  "$L" search --index "$1" --queries "$W/rep.tsv" --k 10 --timing 2>&1 > /dev/null |
    sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) queries\/s).*/\1/p'
}

echo "load: $(uptime | sed 's/.*load average: //')"
printf '%-10s %-22s %-8s %-8s\n' collection system MAP nDCG@10
for c in ${COLLECTIONS:-cranfield cacm npl}; do
  d=$R/$c/docs.jsonl q=$R/$c/queries.tsv r=$R/$c/qrels.txt
  declare -A m=() build_cpu=() qps_cpu=()
  for a in plain english; do
    /usr/bin/time -f "%U %S" -o "$W/time" "$L" index --input "$d" --index "$W/$c.$a" --analyzer $a --store none --quiet
    build_cpu[$a]=$(cpu_of)
    "$L" search --index "$W/$c.$a" --queries "$q" --k 1000 > "$W/$c.$a.run"
    m[$a]=$(evals "$r" "$W/$c.$a.run")
    qps_cpu[$a]=$(qps "$W/$c.$a" "$q")
  done
  "$L" search --index "$W/$c.english" --queries "$q" --k 1000 --variant xapian > "$W/$c.englishx.run"
  m[englishx]=$(evals "$r" "$W/$c.englishx.run")
  for x in some all allp; do
    flag=""; [ $x = all ] && flag=--stem-all; [ $x = allp ] && flag="--stem-all --plain-query"
    $PY "$HERE/bench_bm25_xapian.py" index "$d" "$W/$c.x$x" --english "$W/lucene.stop" $flag > /dev/null
    $PY "$HERE/bench_bm25_xapian.py" search "$W/$c.x$x" "$q" 1000 "$W/$c.x$x.run" --english "$W/lucene.stop" $flag > /dev/null
    m[x$x]=$(evals "$r" "$W/$c.x$x.run")
  done
  "$L" index --input "$d" --index "$W/$c.default" --store none --quiet
  "$L" search --index "$W/$c.default" --queries "$q" --k 1000 > "$W/$c.default.run"
  same=no; cmp -s "$W/$c.default/index.lkbx" "$W/$c.english/index.lkbx" &&
    cmp -s "$W/$c.default.run" "$W/$c.english.run" && same=yes
  printf '%-10s default index (no --analyzer) = english, index and run: %s\n' "$c" "$same"
  if [ -n "${LEXKIT_OLD:-}" ]; then
    "$LEXKIT_OLD" index --input "$d" --index "$W/$c.old" --store none --quiet
    same=no; cmp -s "$W/$c.old/index.lkbx" "$W/$c.plain/index.lkbx" && same=yes
    printf '%-10s old default index = --analyzer plain index: %s\n' "$c" "$same"
  fi
  printf '%-10s %-22s %s\n' "$c" "lexkit plain" "${m[plain]}"
  printf '%-10s %-22s %s\n' "$c" "lexkit english" "${m[english]}"
  printf '%-10s %-22s %s\n' "$c" "lexkit english, xapian BM25" "${m[englishx]}"
  printf '%-10s %-22s %s\n' "$c" "Xapian STEM_SOME" "${m[xsome]}"
  printf '%-10s %-22s %s\n' "$c" "Xapian STEM_ALL_Z" "${m[xall]}"
  printf '%-10s %-22s %s\n' "$c" "Xapian ALL_Z plain q" "${m[xallp]}"
  for e in english englishx; do
    read -r em en <<< "${m[$e]}"
    name="english"; [ $e = englishx ] && name="english (xapian BM25)"
    for x in some all allp; do
      read -r xm xn <<< "${m[x$x]}"
      printf '%-10s %s vs Xapian %-8s MAP %+.4f nDCG@10 %+.4f: at least Xapian: %s\n' "$c" "$name" "$x" \
        "$(awk -v a="$em" -v b="$xm" 'BEGIN{print a-b}')" "$(awk -v a="$en" -v b="$xn" 'BEGIN{print a-b}')" \
        "$(awk -v a="$em" -v b="$xm" -v c="$en" -v d="$xn" 'BEGIN{print (a>=b && c>=d) ? "yes" : "NO"}')"
      printf '%-10s %s vs Xapian %-8s randomization test, %s permutations: %s\n' "$c" "$name" "$x" \
        "$PERMS" "$($PY "$HERE/ir_randomization.py" "$r" "$W/$c.$e.run" "$W/$c.x$x.run" --perms "$PERMS" --seed 19)"
    done
  done
  printf '%-10s build CPU s plain %s english %s; top-10 CPU q/s plain %s english %s\n' "$c" \
    "${build_cpu[plain]}" "${build_cpu[english]}" "${qps_cpu[plain]}" "${qps_cpu[english]}"
done
