#!/usr/bin/env bash
# The query syntax (+required, -excluded, "phrases", title:/text: fields) against a brute-force
# Python reference (tests/data/bm25_query_ref.py): a generated collection of 3,000 documents
# and 400 queries, every result and score compared (1e-6), on a fresh index, with k = 10, and
# on a segmented index after --add, --delete-file, --add --upsert and then --merge; all of it
# twice: phrases and fields checked on the stored text (index default) and through positions
# (index --positions --store none: no stored text to fall back on). Malformed queries: clear
# errors naming the column, exit 1; phrases on an index with neither: a clear error.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_query_ref
PY=/usr/bin/python3
R="$D/bm25_query_ref.py"
$PY "$R" gen "$T/docs.jsonl" "$T/q.tsv" 3000 || fail "gen"

$PY "$R" ref "$T/docs.jsonl" "$T/q.tsv" "$T/ref.tsv" || fail "reference"
# a segmented index: 2,000 documents, + 1,000 (--add), 200 deleted, 150 replaced (--upsert);
# split SRC PREFIX N: $T/PREFIX{a,b}.jsonl (documents [0, N) and the rest), PREFIXdead.txt,
# PREFIXup.jsonl and the live documents at the end, PREFIXfinal.jsonl
split() {
$PY - "$T" "$1" "$2" "$3" <<'PY'
import json, sys
t, src, pre, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
docs = [json.loads(l) for l in open(t + "/" + src)]
open(t + "/" + pre + "a.jsonl", "w").writelines(json.dumps(d) + "\n" for d in docs[:n])
open(t + "/" + pre + "b.jsonl", "w").writelines(json.dumps(d) + "\n" for d in docs[n:])
dead = [d["id"] for d in docs[::15]]
open(t + "/" + pre + "dead.txt", "w").writelines(i + "\n" for i in dead)
up = []
for i, d in enumerate(docs[7::20]):
    if d["id"] in dead:
        continue
    o = docs[(i * 37) % len(docs)]  # another document's title and text under this id
    n = {"id": d["id"], "text": o["text"] + " " + d["text"]}
    if "title" in o:
        n["title"] = o["title"]
    up.append(n)
open(t + "/" + pre + "up.jsonl", "w").writelines(json.dumps(d) + "\n" for d in up)
byid = {d["id"]: d for d in docs if d["id"] not in set(dead)}
for n in up:
    byid[n["id"]] = n
open(t + "/" + pre + "final.jsonl", "w").writelines(json.dumps(d) + "\n" for d in byid.values())
PY
}
split docs.jsonl "" 2000 || fail "split"
$PY "$R" ref "$T/final.jsonl" "$T/q.tsv" "$T/ref2.tsv" || fail "reference 2"

# check_mode TAG INDEX-OPTIONS... (against $T/ref$RW.tsv and $T/ref2$RW.tsv)
RW=
check_mode() {
M=$1
shift
OPTS="$*"
"$L" index --input "$T/docs.jsonl" --index "$T/idx$M" $OPTS 2> /dev/null || fail "${M} index"
"$L" search --index "$T/idx$M" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/all.trec" || fail "${M} search all"
$PY "$R" compare "$T/ref$RW.tsv" "$T/all.trec" > "$T/log" || fail "${M} all results: $(tail -5 "$T/log")"
grep -q "^400 queries ([0-9]\{3\} with results)" "$T/log" || fail "${M} too few queries with results: $(tail -1 "$T/log")"
"$L" search --index "$T/idx$M" --queries "$T/q.tsv" --syntax on --k 10 --output-format trec \
    > "$T/top10$M.trec" || fail "${M} search top 10"
$PY "$R" compare "$T/ref$RW.tsv" "$T/top10$M.trec" 10 > "$T/log" || fail "${M} top 10: $(tail -5 "$T/log")"
"$L" search --index "$T/idx$M" --queries "$T/q.tsv" --syntax on --k 10 --exhaustive \
    --output-format trec > "$T/top10.ex" || fail "${M} search exhaustive"
cmp -s "$T/top10$M.trec" "$T/top10.ex" || fail "${M} exhaustive differs"

# the reference is not vacuous: a changed score, a dropped result and an extra one are caught
sed '1s/ \([0-9.]*\) lexkit$/ 0.5 lexkit/' "$T/all.trec" > "$T/bad1.trec"
$PY "$R" compare "$T/ref$RW.tsv" "$T/bad1.trec" > /dev/null && fail "${M} changed score not caught"
sed '2d' "$T/all.trec" > "$T/bad2.trec"
$PY "$R" compare "$T/ref$RW.tsv" "$T/bad2.trec" > /dev/null && fail "${M} dropped result not caught"
"$L" search --index "$T/idx$M" --queries "$T/q.tsv" --syntax off --k 100000 \
    --output-format trec > "$T/off.trec" || fail "${M} search --syntax off"
$PY "$R" compare "$T/ref$RW.tsv" "$T/off.trec" > /dev/null && fail "${M} operators ignored: not caught"

"$L" index --input "$T/a.jsonl" --index "$T/seg$M" $OPTS 2> /dev/null || fail "${M} index a"
"$L" index --input "$T/b.jsonl" --index "$T/seg$M" --add 2> /dev/null || fail "${M} add b"
"$L" index --index "$T/seg$M" --delete-file "$T/dead.txt" 2> /dev/null || fail "${M} delete"
"$L" index --input "$T/up.jsonl" --index "$T/seg$M" --add --upsert 2> /dev/null || fail "${M} upsert"
"$L" search --index "$T/seg$M" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/seg.trec" || fail "${M} search seg"
$PY "$R" compare "$T/ref2$RW.tsv" "$T/seg.trec" > "$T/log" || fail "${M} segments: $(tail -5 "$T/log")"
"$L" index --index "$T/seg$M" --merge 2> /dev/null || fail "${M} merge"
"$L" search --index "$T/seg$M" --queries "$T/q.tsv" --syntax on --k 100000 \
    --output-format trec > "$T/merged.trec" || fail "${M} search merged"
$PY "$R" compare "$T/ref2$RW.tsv" "$T/merged.trec" > "$T/log" || fail "${M} merged: $(tail -5 "$T/log")"

}
check_mode ""
check_mode "-pos" --positions --store none
grep -qx "positions: stored" <("$L" index --info --index "$T/seg-pos") || fail "info: positions"
grep -qx "positions: none" <("$L" index --info --index "$T/seg") || fail "info: no positions"
# with positions, phrases read no stored text: the same results as from the stored text
cmp -s "$T/top10.trec" "$T/top10-pos.trec" || fail "positions: top 10 differ from stored text"
# a title weight (BM25F): every score of the reference with title words counted 3 times,
# through --add/--delete/--upsert/--merge too (the weight is kept in the index's settings)
RW=-tw3
$PY "$R" ref "$T/docs.jsonl" "$T/q.tsv" "$T/ref-tw3.tsv" 3 || fail "reference tw3"
$PY "$R" ref "$T/final.jsonl" "$T/q.tsv" "$T/ref2-tw3.tsv" 3 || fail "reference 2 tw3"
check_mode "-tw3" --title-weight 3 --positions
$PY "$R" compare "$T/ref.tsv" "$T/top10-tw3.trec" 10 > /dev/null && fail "title weight 3 gives the weight-1 scores"
grep -qx "  title_weight=3" <("$L" index --info --index "$T/seg-tw3") || fail "info: title_weight"
expect_fail 2 "--add uses the index's analyzer" "$L" index --index "$T/seg-tw3" --add --input "$T/b.jsonl" --title-weight 2
expect_fail 2 "--title-weight" "$L" index --index "$T/x" --input "$T/b.jsonl" --title-weight 0

# prefix* queries against the reference (plain analyzer: the reference does not stem): 2,000
# documents with 400 extra "zq" words so that zq* has more than 128 terms (a prefix scores as
# one term, the synonym of all of them: tf summed, df the documents holding any); fresh, with
# positions, two segments (--add), then with deleted and replaced documents (df and N are the
# live documents'), and merged
$PY "$R" genp "$T/pdocs.jsonl" "$T/pq.tsv" || fail "genp"
grep -q 'zq\*' "$T/pq.tsv" || fail "no zq* query"
grep -q ' -title:[a-z]*\*' "$T/pq.tsv" || fail "no -title:p* query"
$PY "$R" ref "$T/pdocs.jsonl" "$T/pq.tsv" "$T/pref.tsv" || fail "prefix reference"
split pdocs.jsonl p 1000 || fail "prefix split"
$PY "$R" ref "$T/pfinal.jsonl" "$T/pq.tsv" "$T/pref2.tsv" || fail "prefix reference 2"
"$L" index --input "$T/pdocs.jsonl" --index "$T/pidx" --analyzer plain 2> /dev/null || fail "prefix index"
"$L" index --input "$T/pa.jsonl" --index "$T/pseg" --analyzer plain 2> /dev/null || fail "prefix index a"
"$L" index --input "$T/pb.jsonl" --index "$T/pseg" --add 2> /dev/null || fail "prefix add b"
"$L" index --input "$T/pdocs.jsonl" --index "$T/ppos" --analyzer plain --positions --store none 2> /dev/null || fail "prefix index positions"
for ix in pidx ppos pseg pseg-del merged; do
  ref=pref
  if [ $ix = pseg-del ]; then
    "$L" index --index "$T/pseg" --delete-file "$T/pdead.txt" 2> /dev/null || fail "prefix delete"
    "$L" index --input "$T/pup.jsonl" --index "$T/pseg" --add --upsert 2> /dev/null || fail "prefix upsert"
    "$L" index --info --index "$T/pseg" | grep -q "^segments: [2-9]" || fail "prefix: not segmented"
    "$L" index --info --index "$T/pseg" | grep -q "^documents: .*, [1-9][0-9]* deleted" || fail "prefix: no deleted documents"
  fi
  [ $ix = merged ] && { "$L" index --index "$T/pseg" --merge 2> /dev/null || fail "prefix merge"; }
  case $ix in pseg-del|merged) ix=pseg; ref=pref2 ;; esac
  "$L" search --index "$T/$ix" --queries "$T/pq.tsv" --syntax on --k 100000 --output-format trec \
      > "$T/p.trec" || fail "prefix search $ix"
  $PY "$R" compare "$T/$ref.tsv" "$T/p.trec" > "$T/log" || fail "prefix $ix $ref: $(tail -5 "$T/log")"
  grep -q "^400 queries ([0-9]\{3\} with results)" "$T/log" || fail "prefix $ix $ref: $(tail -1 "$T/log")"
  "$L" search --index "$T/$ix" --queries "$T/pq.tsv" --syntax on --k 10 --output-format trec \
      > "$T/p10.trec" || fail "prefix top 10 $ix"
  $PY "$R" compare "$T/$ref.tsv" "$T/p10.trec" 10 > "$T/log" || fail "prefix top 10 $ix $ref: $(tail -5 "$T/log")"
  "$L" search --index "$T/$ix" --queries "$T/pq.tsv" --syntax on --k 10 --exhaustive \
      --output-format trec > "$T/p10.ex" || fail "prefix exhaustive $ix"
  cmp -s "$T/p10.trec" "$T/p10.ex" || fail "prefix $ix $ref: exhaustive differs"
done
"$L" search --index "$T/pidx" --queries "$T/pq.tsv" --syntax off --k 100000 --output-format trec > "$T/poff.trec"
$PY "$R" compare "$T/pref.tsv" "$T/poff.trec" > /dev/null && fail "prefix: --syntax off not caught"
# the english analyzer: a prefix is folded and lowercased like words, and matches the
# indexed (stemmed) terms starting with it, and its stem as a term (a whole word typed with a *:
# computers* finds what comput* finds); its terms are marked in snippets
printf '{"id":"a","text":"Café computers"}\n{"id":"b","text":"the computation"}\n{"id":"c","text":"cafeteria"}\n' > "$T/pe.jsonl"
"$L" index --input "$T/pe.jsonl" --index "$T/pe" 2> /dev/null || fail "english prefix index"
[ "$("$L" search --index "$T/pe" --query 'CAFÉ*' --format tsv | cut -f3 | sort | tr '\n' ' ')" = "a c " ] || fail "CAFÉ*"
[ "$("$L" search --index "$T/pe" --query 'comput*' --format tsv | cut -f3 | sort | tr '\n' ' ')" = "a b " ] || fail "comput*"
[ "$("$L" search --index "$T/pe" --query 'computers*' --format tsv)" = "$("$L" search --index "$T/pe" --query 'comput*' --format tsv)" ] || fail "computers* is not comput*"
# rebase* and reviews* find rebase (rebas) and reviews (review); happy* (stem happi, not a
# prefix of happy) the terms of both: happi and happyfac, summed as one term (b scores tf 2)
printf '%s\n' '{"id":"a","title":"Rebase","text":"rebase the branch"}' '{"id":"b","text":"happy happyface"}' \
  '{"id":"c","text":"reviews and happiness"}' '{"id":"d","text":"a review of the rebasing"}' > "$T/ps1.jsonl"
printf '%s\n' '{"id":"e","text":"the happyface"}' '{"id":"f","text":"nothing here"}' > "$T/ps2.jsonl"
cat "$T/ps1.jsonl" "$T/ps2.jsonl" > "$T/ps.jsonl"
"$L" index --input "$T/ps.jsonl" --index "$T/ps" 2> /dev/null || fail "stem prefix index"
"$L" index --input "$T/ps1.jsonl" --index "$T/psseg" --positions 2> /dev/null || fail "stem prefix index 1"
"$L" index --input "$T/ps2.jsonl" --index "$T/psseg" --add 2> /dev/null || fail "stem prefix index 2"
sids() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3 | sort | tr '\n' ' '; }
for ix in ps psseg; do
  [ "$(sids "$T/$ix" 'rebase*')" = "a d " ] || fail "$ix rebase*: $(sids "$T/$ix" 'rebase*')"
  [ "$(sids "$T/$ix" 'reviews*')" = "c d " ] || fail "$ix reviews*: $(sids "$T/$ix" 'reviews*')"
  [ "$(sids "$T/$ix" 'happy*')" = "b c e " ] || fail "$ix happy*: $(sids "$T/$ix" 'happy*')"
  [ "$(sids "$T/$ix" '+happy* -happyface*')" = "c " ] || fail "$ix +happy* -happyface*"
  [ "$(sids "$T/$ix" '-happy* rebase')" = "a d " ] || fail "$ix -happy*"
  [ "$(sids "$T/$ix" 'text:happy*')" = "b c e " ] || fail "$ix text:happy*"
  [ "$(sids "$T/$ix" 'title:rebase*')" = "a " ] || fail "$ix title:rebase*"
  [ "$("$L" search --index "$T/$ix" --query 'happy*' --format tsv --k 1)" = "$(printf 'q\t1\tb\t%s' "$("$L" search --index "$T/$ix" --query 'happy*' --format tsv --k 1 | cut -f4)")" ] || fail "$ix happy*: b first"
  "$L" search --index "$T/$ix" --query 'happy* rebase* reviews*' --format trec --exhaustive > "$T/px.trec" || fail "$ix exhaustive"
  "$L" search --index "$T/$ix" --query 'happy* rebase* reviews*' --format trec > "$T/pp.trec" || fail "$ix pruned"
  cmp -s "$T/px.trec" "$T/pp.trec" || fail "$ix stem prefixes: exhaustive differs"
done
"$L" search --index "$T/ps" --query 'happy* rebase* reviews* -f*' --format trec > "$T/ps.trec"
"$L" search --index "$T/psseg" --query 'happy* rebase* reviews* -f*' --format trec > "$T/psseg.trec"
cmp -s "$T/ps.trec" "$T/psseg.trec" || fail "stem prefixes: segmented differs: $(diff "$T/ps.trec" "$T/psseg.trec")"
"$L" search --index "$T/ps" --query 'happy*' --format json --snippet --k 1 > "$T/ps.json" || fail "stem prefix snippet"
grep -q '"id": "b".*"highlights": \[\[0, 5\], \[6, 15\]\]' "$T/ps.json" || fail "stem prefix snippet: $(cat "$T/ps.json")"
# the stem is one more term, not a prefix: cats* finds cat and cats, not catalog/category
printf '%s\n' '{"id":"c1","text":"two cats"}' '{"id":"c2","text":"the catalog of categories"}' \
  '{"id":"c3","text":"a cat"}' '{"id":"c4","text":"catsup"}' > "$T/cats.jsonl"
"$L" index --input "$T/cats.jsonl" --index "$T/cats" 2> /dev/null || fail "cats index"
[ "$(sids "$T/cats" 'cats*')" = "c1 c3 c4 " ] || fail "cats*: $(sids "$T/cats" 'cats*')"
[ "$(sids "$T/cats" 'cat*')" = "c1 c2 c3 c4 " ] || fail "cat*: $(sids "$T/cats" 'cat*')"
# an index without stemming matches the prefix alone, as before
"$L" index --analyzer plain --input "$T/ps.jsonl" --index "$T/psp" 2> /dev/null || fail "plain prefix index"
[ "$(sids "$T/psp" 'rebase*')" = "a " ] || fail "plain rebase*: $(sids "$T/psp" 'rebase*')"
[ "$(sids "$T/psp" 'reviews*')" = "c " ] || fail "plain reviews*: $(sids "$T/psp" 'reviews*')"
[ "$(sids "$T/psp" 'happy*')" = "b e " ] || fail "plain happy*: $(sids "$T/psp" 'happy*')"
"$L" search --index "$T/pe" --query '+comput* -caf*' --format json --snippet > "$T/pe.json" || fail "prefix snippet"
grep -q '"id": "b".*"highlights": \[\[4, 15\]\]' "$T/pe.json" || fail "prefix snippet: $(cat "$T/pe.json")"
grep -q '"id": "a"' "$T/pe.json" && fail "-caf* kept a"

# Han prefixes of 3+ characters on a bigram index (its Han terms have 1-2 characters): the
# clause matches and scores as the same characters without the * (docs/search.md,
# "Prefixes"); 300 documents over 12 characters, 200 queries of 1-3 clauses (+, -, title:,
# text:), each run with and without the *s: the same results and scores, fresh and segmented
$PY - "$T" <<'PY' || fail "han gen"
import json, random, sys
t = sys.argv[1]
rng = random.Random(5)
al = "长江大桥黄河珍珠奶茶新能源"
w = lambda lo, hi: "".join(rng.choice(al) for _ in range(rng.randint(lo, hi)))
docs = [{"id": "h%03d" % i, "title": w(2, 6), "text": w(5, 40)} for i in range(300)]
with open(t + "/han.jsonl", "w") as f:
    f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
def sub():  # 3-5 characters, mostly of a real document's title or text
    s = rng.choice(docs)[rng.choice(("title", "text", "text"))]
    m = rng.randint(3, 5)
    if len(s) < m or rng.random() < 0.2:
        return w(3, 5)
    a = rng.randint(0, len(s) - m)
    return s[a:a + m]
star, plain = open(t + "/hq.tsv", "w"), open(t + "/hq0.tsv", "w")
for i in range(200):
    cl = [(rng.choice(("", "", "+", "-", "title:", "text:")), sub()) for _ in range(rng.randint(1, 3))]
    star.write("h%d\t%s\n" % (i, " ".join(o + x + "*" for o, x in cl)))
    plain.write("h%d\t%s\n" % (i, " ".join(o + x for o, x in cl)))
PY
"$L" index --input "$T/han.jsonl" --index "$T/han" 2> /dev/null || fail "han index"
head -150 "$T/han.jsonl" > "$T/hana.jsonl"; tail -n +151 "$T/han.jsonl" > "$T/hanb.jsonl"
"$L" index --input "$T/hana.jsonl" --index "$T/hanseg" --positions 2> /dev/null || fail "han index a"
"$L" index --input "$T/hanb.jsonl" --index "$T/hanseg" --add 2> /dev/null || fail "han add b"
for ix in han hanseg; do
  "$L" search --index "$T/$ix" --queries "$T/hq.tsv" --syntax on --k 1000 --output-format trec > "$T/hq.trec" || fail "han search $ix"
  "$L" search --index "$T/$ix" --queries "$T/hq0.tsv" --syntax on --k 1000 --output-format trec > "$T/hq0.trec" || fail "han search plain $ix"
  [ "$(cut -d' ' -f1 "$T/hq.trec" | sort -u | wc -l)" -ge 80 ] || fail "han $ix: too few queries with results"
  cmp -s "$T/hq.trec" "$T/hq0.trec" || fail "han $ix: P* differs from P: $(diff "$T/hq.trec" "$T/hq0.trec" | head -3)"
done

# malformed queries: exit 1, the column named
expect_fail 1 "query column 8: unbalanced quote" "$L" search --index "$T/idx" --query 'bazuci "boto'
expect_fail 1 "query column 8: '-' without a term" "$L" search --index "$T/idx" --query 'bazuci - boto'
expect_fail 1 "query column 1: '-' without a term" "$L" search --index "$T/idx" --query '-'
expect_fail 1 "query column 8: empty phrase" "$L" search --index "$T/idx" --query 'bazuci "  "'
expect_fail 1 'query column 3: unknown field "url" (the fields that can be queried are title and text)' "$L" search --index "$T/idx" --query 'a url:x'
expect_fail 1 "query column 13: unbalanced quote" "$L" search --index "$T/idx" --query 'title:x "a" "b'
expect_fail 1 "query column 3: '\\*' without a word before it" "$L" search --index "$T/idx" --query 'a * b'
expect_fail 1 "query column 4: '\\*' without a word before it" "$L" search --index "$T/idx" --query 'a +*'
expect_fail 1 'query column 3: a prefix\* must be one word ("x-y\*")' "$L" search --index "$T/idx" --query 'a x-y*'
printf 'q1\tbazuci\nq2\ttitle:"a\n' > "$T/bad.tsv"
expect_fail 1 "bad.tsv:2: query column 7: unbalanced quote" "$L" search --index "$T/idx" --queries "$T/bad.tsv" --syntax on
finish bm25_query_ref
