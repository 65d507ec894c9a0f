#!/usr/bin/env bash
# The query syntax (+required, -excluded, "phrases", title:/text: fields) against a brute-force
# Python reference (tests/data/bm25_query_ref.py): a generated collection of 3,000 documents
# and 400 queries, every result and score compared (1e-6), on a fresh index, with k = 10, and
# on a segmented index after --add, --delete-file, --add --upsert and then --merge. Malformed
# queries: clear errors naming the column, exit 1.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_query_ref
PY=/usr/bin/python3
R="$D/bm25_query_ref.py"
$PY "$R" gen "$T/docs.jsonl" "$T/q.tsv" 3000 || fail "gen"

"$L" index --input "$T/docs.jsonl" --index "$T/idx" 2> /dev/null || fail "index"
"$L" search --index "$T/idx" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/all.trec" || fail "search all"
$PY "$R" ref "$T/docs.jsonl" "$T/q.tsv" "$T/ref.tsv" || fail "reference"
$PY "$R" compare "$T/ref.tsv" "$T/all.trec" > "$T/log" || fail "all results: $(tail -5 "$T/log")"
grep -q "^400 queries ([0-9]\{3\} with results)" "$T/log" || fail "too few queries with results: $(tail -1 "$T/log")"
"$L" search --index "$T/idx" --queries "$T/q.tsv" --syntax on --k 10 --output-format trec \
    > "$T/top10.trec" || fail "search top 10"
$PY "$R" compare "$T/ref.tsv" "$T/top10.trec" 10 > "$T/log" || fail "top 10: $(tail -5 "$T/log")"
"$L" search --index "$T/idx" --queries "$T/q.tsv" --syntax on --k 10 --exhaustive \
    --output-format trec > "$T/top10.ex" || fail "search exhaustive"
cmp -s "$T/top10.trec" "$T/top10.ex" || fail "exhaustive differs"

# the reference is not vacuous: a changed score, a dropped result and an extra one are caught
sed '1s/ \([0-9.]*\) lexkit$/ 0.5 lexkit/' "$T/all.trec" > "$T/bad1.trec"
$PY "$R" compare "$T/ref.tsv" "$T/bad1.trec" > /dev/null && fail "changed score not caught"
sed '2d' "$T/all.trec" > "$T/bad2.trec"
$PY "$R" compare "$T/ref.tsv" "$T/bad2.trec" > /dev/null && fail "dropped result not caught"
"$L" search --index "$T/idx" --queries "$T/q.tsv" --syntax off --k 100000 \
    --output-format trec > "$T/off.trec" || fail "search --syntax off"
$PY "$R" compare "$T/ref.tsv" "$T/off.trec" > /dev/null && fail "operators ignored: not caught"

# a segmented index: 2,000 documents, + 1,000 (--add), 200 deleted, 150 replaced (--upsert)
$PY - "$T" <<'PY' || fail "split"
import json, sys
t = sys.argv[1]
docs = [json.loads(l) for l in open(t + "/docs.jsonl")]
open(t + "/a.jsonl", "w").writelines(json.dumps(d) + "\n" for d in docs[:2000])
open(t + "/b.jsonl", "w").writelines(json.dumps(d) + "\n" for d in docs[2000:])
dead = [d["id"] for d in docs[::15]]
open(t + "/dead.txt", "w").writelines(i + "\n" for i in dead)
up = []
for i, d in enumerate(docs[7::20]):
    if d["id"] in dead:
        continue
    o = docs[(i * 37) % len(docs)]  # another document's title and text under this id
    n = {"id": d["id"], "text": o["text"] + " " + d["text"]}
    if "title" in o:
        n["title"] = o["title"]
    up.append(n)
open(t + "/up.jsonl", "w").writelines(json.dumps(d) + "\n" for d in up)
byid = {d["id"]: d for d in docs if d["id"] not in set(dead)}
for n in up:
    byid[n["id"]] = n
open(t + "/final.jsonl", "w").writelines(json.dumps(d) + "\n" for d in byid.values())
PY
"$L" index --input "$T/a.jsonl" --index "$T/seg" 2> /dev/null || fail "index a"
"$L" index --input "$T/b.jsonl" --index "$T/seg" --add 2> /dev/null || fail "add b"
"$L" index --index "$T/seg" --delete-file "$T/dead.txt" 2> /dev/null || fail "delete"
"$L" index --input "$T/up.jsonl" --index "$T/seg" --add --upsert 2> /dev/null || fail "upsert"
"$L" search --index "$T/seg" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/seg.trec" || fail "search seg"
$PY "$R" ref "$T/final.jsonl" "$T/q.tsv" "$T/ref2.tsv" || fail "reference 2"
$PY "$R" compare "$T/ref2.tsv" "$T/seg.trec" > "$T/log" || fail "segments: $(tail -5 "$T/log")"
"$L" index --index "$T/seg" --merge 2> /dev/null || fail "merge"
"$L" search --index "$T/seg" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/merged.trec" || fail "search merged"
$PY "$R" compare "$T/ref2.tsv" "$T/merged.trec" > "$T/log" || fail "merged: $(tail -5 "$T/log")"

# malformed queries: exit 1, the column named
expect_fail 1 "query column 8: unbalanced quote" "$L" search --index "$T/idx" --query 'bazuci "boto'
expect_fail 1 "query column 8: '-' without a term" "$L" search --index "$T/idx" --query 'bazuci - boto'
expect_fail 1 "query column 1: '-' without a term" "$L" search --index "$T/idx" --query '-'
expect_fail 1 "query column 8: empty phrase" "$L" search --index "$T/idx" --query 'bazuci "  "'
expect_fail 1 'query column 3: unknown field "url" (the fields that can be queried are title and text)' "$L" search --index "$T/idx" --query 'a url:x'
expect_fail 1 "query column 13: unbalanced quote" "$L" search --index "$T/idx" --query 'title:x "a" "b'
printf 'q1\tbazuci\nq2\ttitle:"a\n' > "$T/bad.tsv"
expect_fail 1 "bad.tsv:2: query column 7: unbalanced quote" "$L" search --index "$T/idx" --queries "$T/bad.tsv" --syntax on
finish bm25_query_ref
