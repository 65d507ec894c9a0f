#!/usr/bin/env bash
# End-to-end tests of stored fields and results for people: `index --store`, `search
# --fields/--snippet`, the text format (the default on a terminal only: pipes keep the TREC
# run), JSON highlight offsets, fields across --add/--delete/--merge, and usage errors.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_store

cat > "$T/docs.jsonl" <<'JSON'
{"id": "sourdough", "title": "Sourdough bread", "text": "Mix flour and water, wait for the starter to bubble, then bake the loaf in a hot oven.", "year": 2019, "url": "http://bread/1"}
{"id": "espresso", "title": "Espresso", "text": "Espresso is coffee brewed by forcing hot water through finely ground coffee beans.", "year": 2020}
{"id": "latte", "title": "Caffè latte", "text": "A latte is an espresso with steamed milk; a coffee drink from Italy.", "tags": ["a"]}
{"id": "zh1", "title": "长江大桥", "text": "南京市长江大桥位于南京市鼓楼区下关和浦口区桥北之间，是长江上第一座由中国自行设计和建造的双层式铁路、公路两用桥梁。"}
JSON
"$L" index --analyzer plain --input "$T/docs.jsonl" --index "$T/idx" 2> /dev/null || fail "index"
"$L" index --analyzer plain --input "$T/docs.jsonl" --index "$T/none" --store none 2> /dev/null || fail "index --store none"

# trec stays byte-identical with or without a store, and is the default in a pipe
"$L" search --index "$T/none" --query "coffee water" --k 10 > "$T/none.trec" || fail "search none"
"$L" search --index "$T/idx" --query "coffee water" --k 10 > "$T/idx.trec" || fail "search idx"
cmp -s "$T/none.trec" "$T/idx.trec" || fail "a store changed the ranking"
[ "$(head -1 "$T/idx.trec")" = "q Q0 espresso 1 0.96024251 lexkit" ] || fail "trec default: $(head -1 "$T/idx.trec")"

# tsv: fields as extra columns (a missing field empty), snippet with [ ] marks
printf 'q\t1\tespresso\t1.04522519\tEspresso\t2020\t[Espresso] is [coffee] brewed by forcing hot [water] through finely ground [coffee] beans.\n' > "$T/want.tsv"
"$L" search --index "$T/idx" --query "coffee water espresso" --k 1 --format tsv --fields title,year --snippet > "$T/got.tsv" || fail "tsv"
sed -i 's/\t1\.04522519\t/\tSCORE\t/' "$T/want.tsv"
sed -i 's/\tespresso\t[0-9.]*\t/\tespresso\tSCORE\t/' "$T/got.tsv"
cmp -s "$T/want.tsv" "$T/got.tsv" || fail "tsv fields/snippet: $(cat "$T/got.tsv")"

# json: numbers stay numbers, a missing field is null; highlight offsets are code points of
# the snippet text and cover exactly the query terms (checked in Python)
"$L" search --index "$T/idx" --query "长江大桥 coffee" --k 5 --format json --fields title,year,url --snippet > "$T/got.json" || fail "json"
python3 - "$T/got.json" <<'PY' || fail "json check"
import json, sys
r = json.loads(open(sys.argv[1]).read())
hits = {h["id"]: h for h in r["hits"]}
assert set(hits) == {"zh1", "espresso", "latte"}, hits.keys()
assert hits["espresso"]["fields"] == {"title": "Espresso", "year": 2020, "url": None}
assert hits["zh1"]["fields"]["title"] == "长江大桥"
for h in r["hits"]:
    s = h["snippet"]
    marked = [s["text"][a:b] for a, b in s["highlights"]]
    assert marked, h
    for m in marked:
        assert m.lower() == "coffee" or (len(m) >= 2 and m in "长江大桥"), marked
zs = hits["zh1"]["snippet"]
assert zs["start"] == 0 and zs["highlights"] == [[3, 7], [27, 29]], zs
PY

# json cut_start / cut_end: whether text was left out before / after the passage, exactly
# where the text format puts its "..." (whole short texts: neither)
python3 - "$T/got.json" <<'PY' || fail "json cut flags of whole texts"
import json, sys
for h in json.loads(open(sys.argv[1]).read())["hits"]:
    s = h["snippet"]
    assert s["cut_start"] is False and s["cut_end"] is False, (h["id"], s)
PY
for q in "coffee water 长江" "beans bake"; do
  "$L" search --index "$T/idx" --query "$q" --k 10 --format json --snippet --snippet-chars 20 > "$T/cut.json" &&
    "$L" search --index "$T/idx" --query "$q" --k 10 --format text --snippet-chars 20 > "$T/cut.txt" ||
    fail "search '$q' --snippet-chars 20"
  python3 - "$T/cut.json" "$T/cut.txt" <<'PY' >> "$T/cuts" || fail "json cut flags of '$q' (text: $(cat "$T/cut.txt"))"
import json, sys
hits = json.loads(open(sys.argv[1]).read())["hits"]
lines = [l.strip() for l in open(sys.argv[2]) if l.startswith("   ")]
assert len(lines) == len(hits) > 0, (lines, hits)
for h, line in zip(hits, lines):
    s = h["snippet"]
    assert (s["cut_start"], s["cut_end"]) == (line.startswith("..."), line.endswith("...")), (h["id"], s, line)
    print(h["id"], s["cut_start"], s["cut_end"])
PY
done
# each combination occurs: 南京市[长江]... (not cut before), ...coffee [beans]. (not after)
grep -qx 'zh1 False True' "$T/cuts" && grep -qx 'espresso True False' "$T/cuts" &&
  grep -qx 'latte True True' "$T/cuts" || fail "cut flags: $(cat "$T/cuts")"

# text format: rank, id, score, title, snippet; --snippet-chars cuts on characters
"$L" search --index "$T/idx" --query "长江" --k 1 --format text --snippet-chars 6 > "$T/got.txt" || fail "text"
printf '1. zh1  %s  长江大桥\n   ...市[长江]大桥位...\n' "$(cut -d' ' -f5 < <("$L" search --index "$T/idx" --query 长江 --k 1) | xargs printf '%.4f')" > "$T/want.txt"
cmp -s "$T/want.txt" "$T/got.txt" || fail "text format: $(cat "$T/got.txt")"
# ... the snippet without --snippet, as --help says (it said "default: off")
"$L" search --help | grep -A2 -- '^  --snippet ' | tr -s ' \n' ' ' |
  grep -q '(default: on for --format text when the index stores the field, else off)' ||
  fail "--snippet help: $("$L" search --help | grep -A2 -- '^  --snippet ')"
"$L" search --index "$T/idx" --query "nothing-matches-this" --format text > "$T/got.txt"
[ "$(cat "$T/got.txt")" = "no results" ] || fail "text, no results"

# on a terminal the default is the text format with ANSI bold; NO_COLOR gives [ ]
python3 - "$L" "$T/idx" <<'PY' || fail "terminal default"
import os, pty, sys
def run(env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.argv[1], [sys.argv[1], "search", "--index", sys.argv[2], "--query", "bread oven", "--k", "1"], env)
    out = b""
    while True:
        try:
            b = os.read(fd, 4096)
        except OSError:
            break
        if not b:
            break
        out += b
    os.waitpid(pid, 0)
    return out.decode()
o = run({})
assert o.startswith("1. sourdough  "), o
assert "\x1b[1mSourdough bread\x1b[0m" in o and "\x1b[1moven\x1b[0m" in o, repr(o)
o = run({"NO_COLOR": "1"})
assert "[oven]" in o and "\x1b" not in o, repr(o)
PY

# fields survive --add, --delete and --merge (the merged file = a fresh build)
printf '%s\n' '{"id": "mocha", "title": "Mocha", "text": "Coffee with chocolate.", "year": 2021}' > "$T/new.jsonl"
"$L" index --input "$T/new.jsonl" --index "$T/idx" --add 2> /dev/null || fail "add"
echo latte > "$T/del.txt"
"$L" index --index "$T/idx" --delete "$T/del.txt" 2> /dev/null || fail "delete"
[ "$("$L" search --index "$T/idx" --query chocolate --format tsv --fields title,year)" = "$(printf 'q\t1\tmocha\t%s\tMocha\t2021' "$("$L" search --index "$T/idx" --query chocolate --format tsv | cut -f4)")" ] || fail "fields after add"
"$L" index --index "$T/idx" --merge 2> /dev/null || fail "merge"
grep -v '"latte"' "$T/docs.jsonl" > "$T/live.jsonl"; cat "$T/new.jsonl" >> "$T/live.jsonl"
"$L" index --analyzer plain --input "$T/live.jsonl" --index "$T/ref" 2> /dev/null || fail "ref"
cmp -s "$T/idx/index.lkbx" "$T/ref/index.lkbx" || fail "merged index with fields differs from a fresh build"

# an index without a store: fields are null / empty, the text format shows id and score
[ "$("$L" search --index "$T/none" --query oven --format tsv --fields title | cut -f3,5)" = "$(printf 'sourdough\t')" ] || fail "no store: tsv"
[ "$("$L" search --index "$T/none" --query oven --format text)" = "1. sourdough  $("$L" search --index "$T/none" --query oven | cut -d' ' -f5 | xargs printf '%.4f')" ] || fail "no store: text"

# query syntax: +required, -excluded, "phrases", title: against the Python reference
# (tests/data/bm25_make_expected.py); plain queries keep their runs; malformed queries
"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/ops" 2> /dev/null || fail "index ops"
"$L" search --index "$T/ops" --queries "$D/bm25_ops_queries.tsv" --syntax on --k 100 > "$T/ops.trec" || fail "ops search"
cmp -s "$T/ops.trec" "$D/bm25_expected_ops.trec" || fail "ops: $(diff "$T/ops.trec" "$D/bm25_expected_ops.trec")"
"$L" search --index "$T/ops" --queries "$D/bm25_ops_queries.tsv" --syntax on --k 100 --exhaustive > "$T/ops.ex" || fail "ops exhaustive"
cmp -s "$T/ops.trec" "$T/ops.ex" || fail "ops: exhaustive differs"
"$L" search --index "$T/ops" --query "Cat 中国" --k 100 > "$T/plain.trec" || fail "plain with syntax"
cmp -s "$T/plain.trec" "$D/bm25_expected_lucene.trec" || fail "a plain query changed under --syntax auto"
[ "$("$L" search --index "$T/ops" --query "cat -dogs" --syntax off --k 100 | wc -l)" = 5 ] || fail "--syntax off: -dogs is a plain term"
expect_fail 1 "query column 5: unbalanced quote" "$L" search --index "$T/ops" --query 'cat "the cat'
expect_fail 1 "query column 5: '-' without a term" "$L" search --index "$T/ops" --query 'cat - dogs'
printf 'a\tcat\nb\t+\n' > "$T/q.tsv"
expect_fail 1 "q.tsv:2: query column 1: '+' without" "$L" search --index "$T/ops" --queries "$T/q.tsv" --syntax on
"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/ops-tt" --store title,text 2> /dev/null || fail "index title,text"
expect_fail 1 'query column 1: unknown field "url" (the fields that can be queried are title and text)' "$L" search --index "$T/ops-tt" --query 'url:x' 
# field names in any case (Title:); a known field the index does not store says how to get it
for ix in ops ops-tt; do
  [ "$("$L" search --index "$T/$ix" --query 'Title:cats' --k 100)" = "$("$L" search --index "$T/$ix" --query 'title:cats' --k 100)" ] || fail "$ix Title:cats"
  [ "$("$L" search --index "$T/$ix" --query 'TEXT:"the cat"' --k 100)" = "$("$L" search --index "$T/$ix" --query 'text:"the cat"' --k 100)" ] || fail "$ix TEXT:\"the cat\""
  [ -n "$("$L" search --index "$T/$ix" --query 'Title:cats' --k 100)" ] || fail "$ix Title:cats: no result"
done
"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/ops-t" --store title 2> /dev/null || fail "index title"
expect_fail 1 'query column 3: the field "text" is not stored in this index (it stores title; index with --store title,text or --positions to query it)' "$L" search --index "$T/ops-t" --query 'a text:cold'
expect_fail 1 'query column 1: the field "text" is not stored' "$L" search --index "$T/ops-t" --query 'Text:cold'
"$L" index --analyzer plain --input "$D/bm25_docs.jsonl" --index "$T/ops-none" --store none 2> /dev/null || fail "index ops none"
expect_fail 1 "phrases need positions or the documents' fields stored" "$L" search --index "$T/ops-none" --query '"the cat"'
[ "$("$L" search --index "$T/ops-none" --query "cat -dogs" --k 100 | cut -d' ' -f3 | tr '\n' ' ')" = "d0 d4 d1 " ] || fail "-term without a store"

# --upsert replaces documents by id (one commit); --delete-id ID (repeatable) beside
# --delete-file FILE (and the old --delete FILE); the merged result = a fresh build
printf '%s\n' '{"id": "a", "title": "Old A", "text": "apple pie"}' '{"id": "b", "text": "banana bread"}' \
  '{"id": "c", "text": "cherry tart"}' '{"id": "e", "text": "elder wine"}' > "$T/u1.jsonl"
printf '%s\n' '{"id": "a", "title": "New A", "text": "apple crumble"}' '{"id": "d", "text": "date cake"}' > "$T/u2.jsonl"
"$L" index --analyzer plain --input "$T/u1.jsonl" --index "$T/up" 2> /dev/null || fail "upsert: index"
expect_fail 1 'u2.jsonl:1: duplicate document id "a" (already in the index)' "$L" index --input "$T/u2.jsonl" --index "$T/up" --add
"$L" index --input "$T/u2.jsonl" --index "$T/up" --add --upsert 2> /dev/null || fail "upsert"
[ "$("$L" search --index "$T/up" --query apple --format tsv --fields title | cut -f3,5)" = "$(printf 'a\tNew A')" ] || fail "upsert: not replaced"
"$L" index --index "$T/up" --delete-id b --delete-id c 2> /dev/null || fail "--delete-id"
echo e > "$T/del-e.txt"
"$L" index --index "$T/up" --delete-file "$T/del-e.txt" --merge 2> /dev/null || fail "--delete-file"
printf '%s\n' '{"id": "a", "title": "New A", "text": "apple crumble"}' '{"id": "d", "text": "date cake"}' > "$T/u3.jsonl"
"$L" index --analyzer plain --input "$T/u3.jsonl" --index "$T/up-ref" 2> /dev/null || fail "upsert: ref"
cmp -s "$T/up/index.lkbx" "$T/up-ref/index.lkbx" || fail "upsert + deletes + merge differ from a fresh build"
expect_fail 1 'document id "zz" (to delete) is not in the index' "$L" index --index "$T/up" --delete-id zz
expect_fail 2 "--upsert needs --add" "$L" index --input "$T/u2.jsonl" --index "$T/up" --upsert

# index --info: summary, one stored document, one term
"$L" index --info --index "$T/up" > "$T/info.txt" || fail "--info"
grep -qx "documents: 2 live, 0 deleted" "$T/info.txt" || fail "--info documents: $(cat "$T/info.txt")"
grep -qx "stored fields: all" "$T/info.txt" || fail "--info store"
grep -qx "  index.lkbx: 2 documents (0 deleted), $(du -b "$T/up/index.lkbx" | cut -f1) bytes" "$T/info.txt" || fail "--info segments"
grep -qx "  lang=auto" "$T/info.txt" || fail "--info analyzer"
[ "$("$L" index --info --index "$T/up" --doc a)" = '{"id": "a", "title": "New A", "text": "apple crumble"}' ] || fail "--info --doc"
[ "$("$L" index --info --index "$T/idx" --doc espresso)" = '{"id": "espresso", "title": "Espresso", "text": "Espresso is coffee brewed by forcing hot water through finely ground coffee beans.", "year": 2020}' ] || fail "--info --doc number"
[ "$("$L" index --info --index "$T/idx" --term coffee | cut -f1,2)" = "$(printf 'coffee\t2')" ] || fail "--info --term"
expect_fail 1 'no document with id "zz"' "$L" index --info --index "$T/up" --doc zz
expect_fail 2 "--info only reads" "$L" index --info --index "$T/up" --input "$T/u1.jsonl"

# usage errors
expect_fail 2 "need --format text, tsv or json" "$L" search --index "$T/idx" --query x --format trec --fields title
expect_fail 2 "need --format text, tsv or json" "$L" search --index "$T/idx" --query x --snippet
expect_fail 2 "store" "$L" index --input "$T/new.jsonl" --index "$T/idx" --add --store none
expect_fail 2 "store" "$L" index --analyzer plain --input "$T/new.jsonl" --index "$T/x" --store "title,,text"
# the text format is for people: a run of white space (a Markdown table's padding, a blank
# line) is one space in the title, fields and snippet; TSV keeps one character per byte, and
# JSON the stored text as it is
printf '%s\n' '{"id":"m","title":"Espresso   notes","text":"| Dose   | Yield   | Time |\n|---|---|---|\n| 18 g   | 36 g    | 28 s |\n\nPull the espresso    shot   slowly."}' > "$T/ws.jsonl"
"$L" index --input "$T/ws.jsonl" --index "$T/ws" 2> /dev/null || fail "ws index"
[ "$(NO_COLOR=1 "$L" search --index "$T/ws" --query 'espresso yield' --format text)" = "$(printf '1. m  0.3106  Espresso notes\n   | Dose | [Yield] | Time | |---|---|---| | 18 g | 36 g | 28 s | Pull the [espresso] shot slowly.')" ] ||
  fail "text format white space: $(NO_COLOR=1 "$L" search --index "$T/ws" --query 'espresso yield' --format text)"
"$L" search --index "$T/ws" --query 'espresso yield' --format tsv --snippet | cut -f5 | grep -qF '| Dose   | [Yield]   | Time | |---|' ||
  fail "tsv snippet: $("$L" search --index "$T/ws" --query 'espresso yield' --format tsv --snippet)"
"$L" search --index "$T/ws" --query 'espresso yield' --format json --snippet | grep -qF '"text": "| Dose   | Yield   | Time |\n' ||
  fail "json snippet: $("$L" search --index "$T/ws" --query 'espresso yield' --format json --snippet)"
finish bm25_store
