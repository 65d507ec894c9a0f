#!/usr/bin/env bash
# Demo: BM25 search over corpora/sample-docs.jsonl (500 Chinese Wikipedia paragraphs from
# CMRC 2018 + 300 English Wikipedia paragraphs): index, query in both languages, evaluate.
set -eu
"$LEXKIT" index --input corpora/sample-docs.jsonl --index "$OUT/search.idx" --lang auto --stats
echo "-- English query, top 3 (TREC run format):"
"$LEXKIT" search --index "$OUT/search.idx" --query "river headwaters lake" --k 3
echo "-- the same query for people (--format text, the default when stdout is a terminal):"
"$LEXKIT" search --index "$OUT/search.idx" --query "river headwaters lake" --k 3 --format text --snippet-chars 100
echo "-- query syntax: a phrase, an excluded word; a prefix and a required word; the title and a snippet as JSON:"
"$LEXKIT" search --index "$OUT/search.idx" --query '"the river" -lake' --k 2 --format text --snippet-chars 80
"$LEXKIT" search --index "$OUT/search.idx" --query 'headwat* +lake' --k 2 --format text --snippet-chars 80
"$LEXKIT" search --index "$OUT/search.idx" --query "战国无双3" --k 1 --format json --fields title --snippet --snippet-chars 30
echo "-- Chinese query, top 3 (JSON):"
"$LEXKIT" search --index "$OUT/search.idx" --query "战国无双3是由哪两个公司合作开发的？" --k 3 --format json
echo "-- $(wc -l < corpora/sample-queries.tsv) CMRC questions -> their source paragraph:"
"$LEXKIT" search --index "$OUT/search.idx" --queries corpora/sample-queries.tsv --k 100 > "$OUT/search.run"
"$LEXKIT" eval-ir --qrels corpora/sample-qrels.txt --run "$OUT/search.run"
echo "-- add two documents as a new segment, delete one by id, search, then merge:"
printf '%s\n' '{"id": "new-1", "title": "Lake Baikal", "text": "The deepest lake is fed by many a river."}' \
  '{"id": "new-2", "text": "A second added document about headwaters."}' > "$OUT/new-docs.jsonl"
"$LEXKIT" index --input "$OUT/new-docs.jsonl" --index "$OUT/search.idx" --add
"$LEXKIT" index --index "$OUT/search.idx" --delete-id new-2
"$LEXKIT" search --index "$OUT/search.idx" --query "river headwaters lake" --k 3
"$LEXKIT" index --index "$OUT/search.idx" --merge
ls "$OUT/search.idx"
echo "-- what the index holds, and one stored document:"
"$LEXKIT" index --info --index "$OUT/search.idx"
"$LEXKIT" index --info --index "$OUT/search.idx" --doc new-1
