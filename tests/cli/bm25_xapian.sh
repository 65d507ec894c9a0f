#!/usr/bin/env bash
# `lexkit search --variant xapian` against Xapian 1.4 itself (python3-xapian): on
# tests/data/bm25_xapian_docs.jsonl (bm25_xapian_make.py: an empty and one-word documents,
# words in more than half the documents, queries with repeated words), lexkit's plain
# analyzer and Xapian's TermGenerator index the same terms (every posting's score, each term
# a query, checks df, tf and document lengths), and every query's scores equal the MSet
# weights of BM25Weight(1.2, 0, 1, 0.75, 0.5) within 1e-6 (relative), with the same ranking
# up to ties (tests/bench/bm25_xapian_cmp.py); also with k1 0.9 b 0.4, and on an index of
# two segments with deleted documents (Xapian: a database of the live documents). MaxScore
# equals the exhaustive path.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_xapian
PY=/usr/bin/python3
B=${LK_SRC:-.}/tests/bench
Q=$D/bm25_xapian_queries.tsv

# same_as_xapian TAG LEXKIT_INDEX XAPIAN_DB QUERIES [k1 b]: all hits of every query
same_as_xapian() {
  local k1=${5:-1.2} b=${6:-0.75}
  "$L" search --index "$2" --queries "$4" --k 1000 --variant xapian --k1 "$k1" --b "$b" \
    > "$T/$1.lk" || fail "$1: search"
  $PY "$B/bench_bm25_xapian.py" search "$3" "$4" 1000 "$T/$1.xa" --plain-query --k1 "$k1" \
    --b "$b" > /dev/null || fail "$1: Xapian search"
  $PY "$B/bm25_xapian_cmp.py" "$T/$1.lk" "$T/$1.xa" --tol 1e-6 > "$T/cmp" 2>&1 ||
    fail "$1: $(cat "$T/cmp")"
  [ -s "$T/$1.lk" ] || fail "$1: no hits"
}

"$L" index --input "$D/bm25_xapian_docs.jsonl" --index "$T/idx" --analyzer plain --store none \
  --quiet || fail "index"
$PY "$B/bench_bm25_xapian.py" index "$D/bm25_xapian_docs.jsonl" "$T/xa" > /dev/null ||
  fail "Xapian index"
$PY "$B/bench_bm25_xapian.py" stats "$T/xa" "$T/terms.tsv" > "$T/xa.stats" || fail "Xapian stats"
"$L" info "$T/idx" | grep -E '^(documents|terms|avgdl)	' > "$T/lk.stats"
cmp -s "$T/lk.stats" "$T/xa.stats" || fail "collection: $(paste "$T/lk.stats" "$T/xa.stats")"
# every posting (df, tf, document length): each term as a query, all its documents
same_as_xapian terms "$T/idx" "$T/xa" "$T/terms.tsv"
same_as_xapian one "$T/idx" "$T/xa" "$Q"
same_as_xapian params "$T/idx" "$T/xa" "$Q" 0.9 0.4
# a repeated query word counts once per occurrence, as in Xapian's OR of the words (each
# a leaf of wqf 1): every document of "kit" scores twice as much for "kit kit"
join <(awk '$1 == "q17" {print $3, $5}' "$T/one.lk" | sort) \
  <(awk '$1 == "q19" {print $3, $5}' "$T/one.lk" | sort) > "$T/kit"
[ "$(wc -l < "$T/kit")" -gt 3 ] || fail "kit: $(cat "$T/kit")"
awk '{ if ($2 / $3 < 2 - 1e-6 || $2 / $3 > 2 + 1e-6) exit 1 }' "$T/kit" ||
  fail "kit kit is not twice kit: $(head -3 "$T/kit")"
# pruned = exhaustive
for k in 1 5 1000; do
  "$L" search --index "$T/idx" --queries "$Q" --k $k --variant xapian > "$T/pr" || fail "k $k"
  "$L" search --index "$T/idx" --queries "$Q" --k $k --variant xapian --exhaustive > "$T/ex"
  cmp -s "$T/pr" "$T/ex" || fail "pruned != exhaustive (k $k)"
done

# two segments, deleted documents: the statistics of the live documents, as a Xapian
# database of them
head -150 "$D/bm25_xapian_docs.jsonl" > "$T/a.jsonl"
tail -n +151 "$D/bm25_xapian_docs.jsonl" > "$T/b.jsonl"
"$L" index --input "$T/a.jsonl" --index "$T/seg" --analyzer plain --store none --quiet ||
  fail "segment 1"
"$L" index --add --input "$T/b.jsonl" --index "$T/seg" --quiet || fail "segment 2"
"$L" index --index "$T/seg" --delete-id x1 --delete-id x3 --delete-id x28 --delete-id x160 \
  --quiet || fail "delete"
grep -v -E '"id":"x(1|3|28|160)"' "$D/bm25_xapian_docs.jsonl" > "$T/live.jsonl"
$PY "$B/bench_bm25_xapian.py" index "$T/live.jsonl" "$T/xa_live" > /dev/null ||
  fail "Xapian index (live)"
same_as_xapian deleted "$T/seg" "$T/xa_live" "$Q"
finish bm25_xapian
