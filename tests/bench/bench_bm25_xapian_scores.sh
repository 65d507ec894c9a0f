#!/usr/bin/env bash
# `--variant xapian` against Xapian itself on npl (lowercase words, no punctuation, no titles):
# lexkit `--analyzer plain` and a Xapian TermGenerator with no stemmer or stopper
# (bench_bm25_xapian.py) index the same documents, terms and lengths, and lexkit's scores
# equal the MSet weights of BM25Weight(1.2, 0, 1, 0.75, 0.5) within 1e-6 (relative), with
# the same ranking up to ties (bm25_xapian_cmp.py):
# - collection: documents, terms, avgdl of `lexkit info` and of the Xapian database;
# - every posting: each indexed term as a one-term query, all its documents (df, tf and
#   document length enter each score);
# - npl's queries (QueryParser with no flags, an OR of the words), top 1000.
# Env: LEXKIT, SHARED (set by `make bench`); BENCH_TMP (default /tmp/lk-bench-xapian-scores).
set -eu
S=${SHARED:?}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_TMP:-/tmp/lk-bench-xapian-scores}
mkdir -p "$W"
L=${LEXKIT:?}
c=npl
d=$S/corpora/retrieval/$c/docs.jsonl
"$L" index --input "$d" --index "$W/$c.lk" --analyzer plain --store none --quiet
$PY "$HERE/bench_bm25_xapian.py" index "$d" "$W/$c.xa" > /dev/null
# the collection, and each term of the Xapian database as a query
$PY "$HERE/bench_bm25_xapian.py" stats "$W/$c.xa" "$W/terms.tsv" > "$W/xa.stats"
"$L" info "$W/$c.lk" | grep -E '^(documents|terms|avgdl)	' > "$W/lk.stats"
same=no; cmp -s "$W/lk.stats" "$W/xa.stats" && same=yes
printf '%s collection (documents, terms, avgdl) lexkit %s Xapian %s: same: %s\n' "$c" \
  "$(cut -f2 "$W/lk.stats" | paste -sd' ')" "$(cut -f2 "$W/xa.stats" | paste -sd' ')" "$same"
n=$(cut -f2 "$W/lk.stats" | head -1)
cmp_runs() { # name label queries k
  "$L" search --index "$W/$c.lk" --queries "$3" --k "$4" --variant xapian > "$W/$1.lk.run"
  $PY "$HERE/bench_bm25_xapian.py" search "$W/$c.xa" "$3" "$4" "$W/$1.xa.run" --plain-query \
    > /dev/null
  printf '%s %-22s ' "$c" "$2:"
  $PY "$HERE/bm25_xapian_cmp.py" "$W/$1.lk.run" "$W/$1.xa.run" --tol 1e-6 || true
}
cmp_runs terms "every posting (k = N)" "$W/terms.tsv" "$n"
cmp_runs queries "queries, top 1000" "$S/corpora/retrieval/$c/queries.tsv" 1000
