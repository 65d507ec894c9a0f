#!/usr/bin/env bash
# End-to-end tests of `lexkit index`, `lexkit search` and `lexkit eval-ir`: scores of every
# variant against tests/data/bm25_expected_*.trec (made by bm25_make_expected.py, an
# independent reimplementation), output formats, empty / stop-word / 100 KB queries,
# spilled runs, corrupt and truncated indexes, non-index directories and bad input.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_cli

"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/idx" || fail "index"
for v in lucene robertson atire bm25l bm25plus xapian; do
  "$L" search --index "$T/idx" --query "Cat 中国" --variant "$v" --k 100 > "$T/$v.trec" || fail "search $v"
  cmp -s "$T/$v.trec" "$D/bm25_expected_$v.trec" || fail "scores $v: $(diff "$T/$v.trec" "$D/bm25_expected_$v.trec")"
  "$L" search --index "$T/idx" --query "Cat 中国" --variant "$v" --k 100 --exhaustive > "$T/$v.ex" || fail "exhaustive $v"
  cmp -s "$T/$v.ex" "$T/$v.trec" || fail "exhaustive != pruned ($v)"
done
# ties by docid ascending (d0 before d4), k limits the list
[ "$("$L" search --index "$T/idx" --query cat --k 2 | cut -d' ' -f3 | tr '\n' ' ')" = "d0 d4 " ] || fail "ties/k"
# tsv and json
[ "$("$L" search --index "$T/idx" --query cat --k 1 --format tsv)" = "$(printf 'q\t1\td0\t0.484014861')" ] || fail "tsv: $("$L" search --index "$T/idx" --query cat --k 1 --format tsv)"
[ "$("$L" search --index "$T/idx" --query 'cat' --k 1 --format json)" = '{"qid": "q", "hits": [{"id": "d0", "score": 0.484014861}]}' ] || fail "json"
# query files; empty queries give nothing (exit 0); a 100 KB query works
printf 'a\tcat\nb\t\nc\t!!!\n' > "$T/q.tsv"
"$L" search --index "$T/idx" --queries "$T/q.tsv" --k 3 > "$T/q.run" || fail "queries"
[ "$(cut -d' ' -f1 "$T/q.run" | sort -u | tr -d '\n')" = "a" ] || fail "empty queries: $(cat "$T/q.run")"
[ -z "$("$L" search --index "$T/idx" --query '')" ] || fail "empty --query"
big=$(head -c 100000 /dev/zero | tr '\0' 'x'; echo ' cat')
printf 'big\t%s dog\n' "$big" > "$T/big.tsv"
[ "$("$L" search --index "$T/idx" --queries "$T/big.tsv" --k 1 | cut -d" " -f3)" = "d2" ] || fail "100 KB query"
# stop words: a query of only stop words gives no result
printf 'the\n# comment\nCAT\n' > "$T/stop.txt"
"$L" index --input "$D/bm25_docs.jsonl" --index "$T/sidx" --stopwords "$T/stop.txt" || fail "index --stopwords"
[ -z "$("$L" search --index "$T/sidx" --query 'The cat')" ] || fail "stop-word query"
# an empty query finds nothing (exit 0), as the server's q= and Index.search(''): it was the
# usage error "--query needs a value"; the text format says "no results" as for any query
# without hits. A query with no terms (empty, stop words or punctuation only) gets a note on
# stderr; standard output is unchanged in every format. --queries: one count at the end.
for form in "--query=" "--query ''"; do
  if [ "$form" = "--query=" ]; then q=(--query=); else q=(--query ''); fi
  out=$("$L" search --index "$T/idx" "${q[@]}" --format text 2> "$T/err") || fail "$form: exit $?: $(cat "$T/err")"
  [ "$out" = "no results" ] || fail "$form text: '$out'"
  grep -qx "lexkit search: the query is empty" "$T/err" || fail "$form: note: $(cat "$T/err")"
done
out=$("$L" search --index "$T/idx" --query '' --format json 2> /dev/null) || fail "--query '' json: exit $?"
[ "$out" = '{"qid": "q", "hits": []}' ] || fail "--query '' json: $out"
expect_fail 2 "--query needs a value" "$L" search --index "$T/idx" --query
note="lexkit search: the query 'the Cat' has no searchable terms (stop words and punctuation are not indexed)"
for f in text tsv json trec; do
  "$L" search --index "$T/sidx" --query 'the Cat' --format "$f" > "$T/out" 2> "$T/err" || fail "stop words $f: exit $?"
  [ "$(cat "$T/err")" = "$note" ] || fail "stop words $f: note '$(cat "$T/err")'"
  "$L" search --index "$T/sidx" --query 'the dog' --format "$f" --k 0 > "$T/out0" 2> "$T/err" || fail "dog $f"
  cmp -s "$T/out" "$T/out0" || fail "stop words $f: output differs from a query without hits"
  [ -s "$T/err" ] && fail "a query with terms got a note ($f): $(cat "$T/err")"
done
printf 'a\tthe cat\nb\tdog\nc\t\nd\t!!!\n' > "$T/sq.tsv"
"$L" search --index "$T/sidx" --queries "$T/sq.tsv" > "$T/out" 2> "$T/err" || fail "stop-word queries"
[ "$(cat "$T/err")" = "lexkit search: 3 queries had no searchable terms (stop words and punctuation are not indexed)" ] ||
  fail "--queries note: $(cat "$T/err")"
# the notes follow the query syntax: a prefix is no stop word (in* finds instant, no note);
# a field or phrase of stop words (title:the, "the") has no terms; a query of excluded terms
# only (-coffee) has nothing to search for either (exit 0, stdout as without hits)
printf '%s\n' '{"id":"i1","title":"The morning","text":"instant coffee, an apple and a theory"}' \
    '{"id":"i2","text":"tea and toast"}' > "$T/en.jsonl"
"$L" index --input "$T/en.jsonl" --index "$T/en" 2> /dev/null || fail "index en"
for p in 'in*' 'a*' 'the*' 'to*' '+in* tea'; do
  out=$("$L" search --index "$T/en" --query "$p" --format tsv 2> "$T/err") || fail "$p: exit $?"
  [ -n "$out" ] || fail "$p: no hits"
  [ -s "$T/err" ] && fail "$p: note: $(cat "$T/err")"
done
for p in 'title:the' '"the"' '+title:"the a" -"of"'; do
  out=$("$L" search --index "$T/en" --query "$p" --format tsv 2> "$T/err") || fail "$p: exit $?"
  [ -z "$out" ] || fail "$p: hits: $out"
  [ "$(cat "$T/err")" = "lexkit search: the query '$p' has no searchable terms (stop words and punctuation are not indexed)" ] || fail "$p: note: $(cat "$T/err")"
done
for p in '-coffee' '-coffee -"instant tea" the' '-title:morning' 'the -to*'; do
  out=$("$L" search --index "$T/en" --query "$p" --format tsv 2> "$T/err") || fail "$p: exit $?"
  [ -z "$out" ] || fail "$p: hits: $out"
  [ "$(cat "$T/err")" = "lexkit search: the query '$p' has no searchable terms (only excluded ones: -word drops documents that the other terms find)" ] || fail "$p: note: $(cat "$T/err")"
done
printf 'a\tin*\nb\ttitle:the\nc\t-coffee\nd\tthe\ne\t-coffee tea\n' > "$T/eq.tsv"
"$L" search --index "$T/en" --queries "$T/eq.tsv" --syntax on > "$T/out" 2> "$T/err" || fail "--queries syntax on"
[ "$(cut -d' ' -f1 "$T/out" | sort -u | tr '\n' ' ')" = "a e " ] || fail "--queries syntax on: $(cat "$T/out")"
[ "$(cat "$T/err")" = "$(printf '%s\n' "lexkit search: 2 queries had no searchable terms (stop words and punctuation are not indexed)" "lexkit search: 1 query had no searchable terms (only excluded ones: -word drops documents that the other terms find)")" ] ||
  fail "--queries syntax on: note: $(cat "$T/err")"
"$L" search --index "$T/en" --queries "$T/eq.tsv" > "$T/out" 2> "$T/err" || fail "--queries syntax off"
[ "$(cat "$T/err")" = "lexkit search: 2 queries had no searchable terms (stop words and punctuation are not indexed)" ] ||
  fail "--queries syntax off: note: $(cat "$T/err")"
# --fields id printed an empty column (the id is not a stored field, and is printed anyway)
expect_fail 2 "the id is always printed; --fields names stored fields" \
  "$L" search --index "$T/idx" --query cat --format tsv --fields title,id
# stemming is stored in the index and applied to queries
"$L" index --input "$D/bm25_docs.jsonl" --index "$T/stem" --stem --lang en || fail "index --stem"
[ "$("$L" search --index "$T/stem" --query 'runner RUNNING' --k 1 | cut -d' ' -f3)" = "d3" ] || fail "stem"
# spilled runs (tiny memory limit) give the same index file
"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/runs" --mem-limit 0.004 --threads 1 || fail "mem-limit"
cmp -s "$T/runs/index.lkbx" "$T/idx/index.lkbx" || fail "runs differ"
# --add: the first 3 documents, then the rest appended (a new segment, merged with the
# first by the policy since it is as large), give the same index file as one build
head -3 "$D/bm25_docs.jsonl" > "$T/part1.jsonl"; tail -n +4 "$D/bm25_docs.jsonl" > "$T/part2.jsonl"
"$L" index --analyzer plain --input "$T/part1.jsonl" --index "$T/add" || fail "add: first part"
"$L" index --input "$T/part2.jsonl" --index "$T/add" --add --mem-limit 0.004 || fail "add: second part"
cmp -s "$T/add/index.lkbx" "$T/idx/index.lkbx" || fail "add: differs from one build"
expect_fail 1 "part1.jsonl:1: duplicate document id \"d1\" (already in the index)" "$L" index --input "$T/part1.jsonl" --index "$T/add" --add
cmp -s "$T/add/index.lkbx" "$T/idx/index.lkbx" || fail "add: a failed add changed the index"
expect_fail 2 "--add uses the index's analyzer" "$L" index --input "$T/part2.jsonl" --index "$T/add" --add --stem
# --delete: removing d3 and z2 (tombstones in a manifest) ranks as indexing without them and
# --merge then gives the same file; an unknown id is an error; delete + add of the same id
# replaces the document
grep -v '"id": "d3"' "$D/bm25_docs.jsonl" | grep -v '"id": "z2"' > "$T/kept.jsonl"
"$L" index --analyzer plain --input "$T/kept.jsonl" --index "$T/kept" || fail "kept"
cp -r "$T/idx" "$T/del"
printf 'z2\nd3\n' > "$T/del.txt"
"$L" index --index "$T/del" --delete "$T/del.txt" || fail "delete"
"$L" search --index "$T/del" --query "Cat 中国 dog" --k 100 > "$T/del.run" || fail "search after delete"
"$L" search --index "$T/kept" --query "Cat 中国 dog" --k 100 > "$T/kept.run"
cmp -s "$T/del.run" "$T/kept.run" || fail "delete: ranks differ from a build without them"
cp -r "$T/del" "$T/delm"
"$L" index --index "$T/delm" --merge || fail "merge"
cmp -s "$T/delm/index.lkbx" "$T/kept/index.lkbx" || fail "delete + merge: differs from a build without them"
printf 'd1\nnope\n' > "$T/del2.txt"
expect_fail 1 "del2.txt:2: document id \"nope\" is not in the index" "$L" index --index "$T/del" --delete "$T/del2.txt"
printf '{"id": "d1", "text": "zebra"}\n' > "$T/new.jsonl"
printf 'd1\n' > "$T/del3.txt"
"$L" index --index "$T/del" --delete "$T/del3.txt" --add --input "$T/new.jsonl" || fail "replace"
[ "$("$L" search --index "$T/del" --query zebra | cut -d' ' -f3)" = "d1" ] || fail "replaced doc"
[ "$("$L" search --index "$T/del" --query mat)" = "" ] || fail "old d1 still found"
# eval-ir on this run
printf 'q 0 z1 1\nq 0 d1 2\nq 0 d3 0\n' > "$T/qrels"
"$L" eval-ir --qrels "$T/qrels" --run "$T/lucene.trec" > "$T/eval" || fail "eval-ir"
# z1 at rank 1, d1 at rank 5: AP = (1/1 + 2/5)/2 = 0.7, RR = 1, P@10 = 0.2
grep -q "^MAP	0.7000$" "$T/eval" && grep -q "^MRR	1.0000$" "$T/eval" && grep -q "^P@10	0.2000$" "$T/eval" || fail "eval-ir values: $(cat "$T/eval")"

# corrupt, truncated, not an index
cp -r "$T/idx" "$T/bad"
printf '\x55' | dd of="$T/bad/index.lkbx" bs=1 seek=300 conv=notrunc status=none
expect_fail 1 "checksum mismatch" "$L" search --index "$T/bad" --query cat
head -c 500 "$T/idx/index.lkbx" > "$T/bad/index.lkbx"
expect_fail 1 "truncated" "$L" search --index "$T/bad" --query cat
mkdir -p "$T/plain"; echo hi > "$T/plain/notes.txt"
expect_fail 1 "not a lexkit index" "$L" search --index "$T/plain" --query cat
expect_fail 1 "not a lexkit index; not replacing it" "$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/plain"
[ -f "$T/plain/notes.txt" ] || fail "user directory was touched"
expect_fail 1 "No such file" "$L" search --index "$T/none" --query cat

# bad input: duplicate ids (both lines named), missing id / text, invalid UTF-8
printf '{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n{"id": "a", "text": "z"}\n' > "$T/dup.jsonl"
expect_fail 1 "dup.jsonl:3: duplicate document id \"a\" (first used at line 1)" "$L" index --analyzer plain --input "$T/dup.jsonl" --index "$T/i2"
printf '{"id": "a", "text": "x"}\n{"text": "y"}\n' > "$T/noid.jsonl"
expect_fail 1 "noid.jsonl:2" "$L" index --analyzer plain --input "$T/noid.jsonl" --index "$T/i2"
printf '{"id": "a"}\n' > "$T/notext.jsonl"
expect_fail 1 "notext.jsonl:1" "$L" index --analyzer plain --input "$T/notext.jsonl" --index "$T/i2"
printf '{"id": "a", "text": "ok \xff"}\n' > "$T/utf.jsonl"
expect_fail 1 "utf.jsonl:1:" "$L" index --analyzer plain --input "$T/utf.jsonl" --index "$T/i2"
[ ! -e "$T/i2" ] || fail "failed builds left an index"
printf 'q1 cat\n' > "$T/notab.tsv"
expect_fail 1 "notab.tsv:1:" "$L" search --index "$T/idx" --queries "$T/notab.tsv"
printf 'q1\tcat \xfe\n' > "$T/badq.tsv"
expect_fail 1 "badq.tsv:1:8: invalid UTF-8" "$L" search --index "$T/idx" --queries "$T/badq.tsv"
expect_fail 2 "unknown option" "$L" search --index "$T/idx" --query cat --bogus
expect_fail 2 "--b" "$L" search --index "$T/idx" --query cat --b 2
expect_fail 2 "--variant" "$L" search --index "$T/idx" --query cat --variant okapi
# an empty collection is refused like bow/tfidf/vocab do (issue 15; it used to give an
# empty index); empty run files work
: > "$T/empty.jsonl"
expect_fail 1 "empty.jsonl: no documents" "$L" index --analyzer plain --input "$T/empty.jsonl" --index "$T/eidx"
[ -e "$T/eidx" ] && fail "empty collection: an index directory was left"
: > "$T/empty.run"
"$L" eval-ir --qrels "$T/qrels" --run "$T/empty.run" | grep -q "^MAP	0.0000$" || fail "empty run"
[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "bm25 cli: ok"
