#!/usr/bin/env bash
# `lexkit info` on `lexkit vocab` output said "not a file lexkit knows" after printing its
# file and bytes lines to standard output (README: info describes vocabularies). Now: the
# kind, the number of tokens and the total count, every line checked; a file of no known
# kind prints nothing on standard output.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" info-counts
printf 'the\t10\ncat\t3\nnaïve\t2\n' > "$T/v.tsv"
"$L" info "$T/v.tsv" > "$T/out" 2> "$T/err" || fail "info: exit $?: $(cat "$T/err")"
[ "$(cat "$T/out")" = "$(printf 'file\t%s\nbytes\t22\nkind\ttoken counts (lexkit vocab)\ntokens\t3\ntotal_count\t15' "$T/v.tsv")" ] ||
  fail "info: $(cat "$T/out")"
# lexkit's own output reads back: tokens = lines, total = the sum of the counts
"$L" vocab --input "$D/corpus_docs.txt" --output "$T/v2.tsv" || fail vocab
"$L" info "$T/v2.tsv" > "$T/out" || fail "info v2"
grep -qx "tokens	$(wc -l < "$T/v2.tsv")" "$T/out" || fail "tokens: $(cat "$T/out")"
grep -qx "total_count	$(awk -F'\t' '{s += $2} END {print s}' "$T/v2.tsv")" "$T/out" || fail "total: $(cat "$T/out")"
printf 'a\t1\nnaïve\tx\n' > "$T/bad.tsv"
expect_fail 1 "bad.tsv:2:7: expected 'token<TAB>count' (lexkit vocab output)" "$L" info "$T/bad.tsv"
printf 'hello world\n' > "$T/hw.txt"
expect_fail 1 "hw.txt: not a file lexkit knows" "$L" info "$T/hw.txt"
[ -s "$T/out" ] && fail "unknown kind printed on stdout: $(cat "$T/out")"
finish info-counts
