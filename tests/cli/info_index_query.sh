#!/usr/bin/env bash
# `lexkit info DIR --doc ID / --term TEXT / --indexed-term TERM` (issue 13's spelling of the
# index inspection) prints exactly what `lexkit index --info --index DIR` prints with the same
# option, for an index directory, its index.lkbx file and standard input; --doc/--term on a
# file that is not an index is an error naming the file; without them the summary is as before.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" info-index-query
printf '%s\n' '{"id":"a","title":"Café notes","text":"The naïve cafés of Zürich serve coffee."}' \
  '{"id":"b","title":"Tea","text":"Green tea and coffee beans, 1,200 grams."}' > "$T/d.jsonl"
"$L" index --input "$T/d.jsonl" --index "$T/ix" --quiet || fail "index"
for args in "--doc a" "--doc b" "--term cafés" "--term coffee tea" "--indexed-term coffe"; do
  set -- $args
  opt=$1; shift
  "$L" index --info --index "$T/ix" "$opt" "$*" > "$T/want" 2>&1 || fail "index --info $opt $*"
  "$L" info "$T/ix" "$opt" "$*" > "$T/got" 2>&1 || fail "info $opt $*: $(cat "$T/got")"
  cmp -s "$T/want" "$T/got" || fail "info $opt $*: $(cat "$T/got") vs $(cat "$T/want")"
  "$L" info "$T/ix/index.lkbx" "$opt" "$*" > "$T/got" 2>&1 || fail "info lkbx $opt $*"
  cmp -s "$T/want" "$T/got" || fail "info lkbx $opt $*: $(cat "$T/got")"
  "$L" info - "$opt" "$*" < "$T/ix/index.lkbx" > "$T/got" 2>&1 || fail "info - $opt $*"
  cmp -s "$T/want" "$T/got" || fail "info - $opt $*: $(cat "$T/got")"
done
# the values themselves: the stored document, the analyzed terms with df and postings
[ "$("$L" info "$T/ix" --doc b)" = '{"id": "b", "title": "Tea", "text": "Green tea and coffee beans, 1,200 grams."}' ] ||
  fail "--doc b: $("$L" info "$T/ix" --doc b)"
[ "$("$L" info "$T/ix" --term 'Cafés coffee')" = "$(printf 'cafe\t1\ta:2\ncoffe\t2\ta:1 b:1')" ] ||
  fail "--term: $("$L" info "$T/ix" --term 'Cafés coffee')"
"$L" info "$T/ix" --doc a --output "$T/o.json" || fail "--output"
grep -q '"id": "a"' "$T/o.json" || fail "--output: $(cat "$T/o.json")"
# errors: an unknown id, a file that is not an index, bad UTF-8 in --term
expect_fail 1 'no document with id "zz"' "$L" info "$T/ix" --doc zz
expect_fail 1 "d.jsonl: --doc/--term/--indexed-term need a BM25 index" "$L" info "$T/d.jsonl" --doc a
[ -s "$T/out" ] && fail "non-index with --doc printed: $(cat "$T/out")"
expect_fail 1 "term: " "$L" info "$T/ix" --term "$(printf 'caf\xe9')"
# without the options: the summary, as before
"$L" info "$T/ix" > "$T/out" || fail "info summary"
grep -qx "kind	BM25 index (LKBX)" "$T/out" && grep -qx "documents	2" "$T/out" || fail "summary: $(cat "$T/out")"
finish info-index-query
