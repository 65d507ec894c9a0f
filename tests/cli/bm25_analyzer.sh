#!/usr/bin/env bash
# End-to-end tests of `index --analyzer`: english (Lucene's EnglishAnalyzer chain: hyphens,
# accent folding, possessives, stop list, Snowball; the default of new indexes) finds what
# plain does not; --analyzer plain builds the same index as before english became the default
# (settings `lexkit-analyzer 1`); --stem/--stopwords without --analyzer mean plain plus them,
# as before; the analyzer is recorded in the index and reused by search and --add; --analyzer
# with --add is a usage error.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_analyzer

cat > "$T/docs.jsonl" <<'JSON'
{"id": "volcano", "title": "Eyjafjallajökull", "text": "The eruptions of the volcano's ash cloud closed European airspace."}
{"id": "cafe", "title": "Café culture", "text": "A state-of-the-art espresso machine in every café."}
{"id": "runner", "title": "Running", "text": "She runs; they ran. The runner's shoes."}
JSON
"$L" index --input "$T/docs.jsonl" --index "$T/plain" --analyzer plain --quiet || fail "index plain"
"$L" index --input "$T/docs.jsonl" --index "$T/en" --analyzer english --quiet || fail "index english"
"$L" index --input "$T/docs.jsonl" --index "$T/default" --quiet || fail "index (default)"
cmp -s "$T/en/index.lkbx" "$T/default/index.lkbx" || fail "english is not the default"
cmp -s "$T/plain/index.lkbx" "$T/default/index.lkbx" && fail "the default is still plain"
# --stem without --analyzer keeps its old meaning: plain plus stemming
"$L" index --input "$T/docs.jsonl" --index "$T/stem" --stem --quiet || fail "index --stem"
"$L" index --input "$T/docs.jsonl" --index "$T/stem2" --analyzer plain --stem --quiet || fail "index plain --stem"
cmp -s "$T/stem/index.lkbx" "$T/stem2/index.lkbx" || fail "--stem alone is not plain --stem"

top() { "$L" search --index "$1" --query "$2" --k 1 --format tsv | cut -f3; }
# accent folding: the query without the accent finds the title with it (plain: nothing)
[ "$(top "$T/en" Eyjafjallajokull)" = volcano ] || fail "english: Eyjafjallajokull"
[ -z "$(top "$T/plain" Eyjafjallajokull)" ] || fail "plain folded accents"
# stemming and possessives: "volcanoes" -> volcano, "runner's" -> runner
[ "$(top "$T/en" volcanoes)" = volcano ] || fail "english: volcanoes"
[ -z "$(top "$T/plain" volcanoes)" ] || fail "plain stemmed"
[ "$(top "$T/en" "running shoe")" = runner ] || fail "english: running shoe"
# hyphens: "art" is a word of state-of-the-art
[ "$(top "$T/en" art)" = cafe ] || fail "english: art"
[ -z "$(top "$T/plain" art)" ] || fail "plain split hyphens"
# stop words: a query of Lucene's stop words only gives nothing
[ -z "$("$L" search --index "$T/en" --query "the of it" --k 3)" ] || fail "english: stop words scored"
[ -n "$("$L" search --index "$T/plain" --query "the of it" --k 3)" ] || fail "plain: stop words dropped"

# the analyzer is recorded; --info shows it
"$L" index --info --index "$T/en" > "$T/info" || fail "info"
grep -q '^  analyzer=english$' "$T/info" || fail "info lacks analyzer=english: $(cat "$T/info")"
grep -q '^  stopwords=33$' "$T/info" || fail "info lacks the stop list"
# --term analyzes its text as a query is (folding, stemming, stop words): each distinct term
# with its df and first documents (id:tf); --indexed-term takes the term as the index holds it
term() { "$L" index --info --index "$T/en" "$@"; }
[ "$(term --term Café)" = "cafe	1	cafe:2" ] || fail "--term Café: $(term --term Café)"
[ "$(term --term 'The RUNNING runner')" = "$(printf 'run\t1\trunner:2\nrunner\t1\trunner:1')" ] ||
  fail "--term stemmed: $(term --term 'The RUNNING runner')"
[ "$(term --term 'the of it')" = "no terms: the index's analyzer drops all of it (stop words, punctuation, symbols)" ] ||
  fail "--term stop words: $(term --term 'the of it')"
[ "$(term --indexed-term cafe)" = "cafe	1	cafe:2" ] || fail "--indexed-term cafe"
[ "$(term --indexed-term Café)" = "Café	0	" ] || fail "--indexed-term Café: $(term --indexed-term Café)"
[ "$(term --term zzz)" = "zzz	0	" ] || fail "--term absent"
expect_fail 1 "--term: 2: invalid UTF-8" "$L" index --info --index "$T/en" --term "$(printf 'a\xff')"
expect_fail 2 "need --info" "$L" index --index "$T/en" --indexed-term cafe
# Han text: traditional mapped to simplified, unigrams and the bigram; at most 10 documents
# are listed (deleted ones never), over every segment
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do printf '{"id": "d%02d", "text": "長江 Espresso"}\n' "$i"; done > "$T/zh.jsonl"
head -n 6 "$T/zh.jsonl" > "$T/zh1.jsonl"; tail -n 6 "$T/zh.jsonl" > "$T/zh2.jsonl"
"$L" index --input "$T/zh1.jsonl" --index "$T/zh" --quiet || fail "index zh"
"$L" index --add --input "$T/zh2.jsonl" --index "$T/zh" --quiet || fail "add zh"
"$L" index --delete-id d02 --index "$T/zh" --quiet || fail "delete d02"
want='d01:1 d03:1 d04:1 d05:1 d06:1 d07:1 d08:1 d09:1 d10:1 d11:1 +1 more'
[ "$("$L" index --info --index "$T/zh" --term 長江)" = "$(printf '长\t11\t%s\n江\t11\t%s\n长江\t11\t%s' "$want" "$want" "$want")" ] ||
  fail "--term 長江: $("$L" index --info --index "$T/zh" --term 長江)"
[ "$("$L" index --info --index "$T/zh" --term Espresso)" = "espresso	11	$want" ] ||
  fail "--term Espresso: $("$L" index --info --index "$T/zh" --term Espresso)"
"$L" index --info --index "$T/plain" | grep -q 'lexkit-analyzer 1' || fail "plain settings changed"

# --add reuses the recorded analyzer; --analyzer there is a usage error
printf '%s\n' '{"id": "naive", "text": "A naïve approach"}' > "$T/new.jsonl"
"$L" index --add --input "$T/new.jsonl" --index "$T/en" --quiet || fail "add english"
[ "$(top "$T/en" naive)" = naive ] || fail "added doc not folded"
expect_fail 2 "no --analyzer" "$L" index --add --input "$T/new.jsonl" --index "$T/plain" --analyzer english
expect_fail 2 "must be plain or english" "$L" index --input "$T/docs.jsonl" --index "$T/x" --analyzer french

# --stopwords replaces the built-in list
printf 'espresso\n' > "$T/stop.txt"
"$L" index --input "$T/docs.jsonl" --index "$T/en2" --analyzer english --stopwords "$T/stop.txt" --quiet || fail "english --stopwords"
[ -z "$(top "$T/en2" espresso)" ] || fail "--stopwords ignored"
[ -n "$(top "$T/en2" "the")" ] || fail "--stopwords did not replace Lucene's list"
finish bm25_analyzer
