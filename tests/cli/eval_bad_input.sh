#!/usr/bin/env bash
# similarity / analogy on bad input: a bad score was reported as "p.tsv:2:1: expected
# 'word1<TAB>word2<TAB>score'" (neither the number nor its column); a word with invalid
# UTF-8 was silently counted as not covered (every other reader stops with file:line:col);
# fewer than 2 covered pairs printed "spearman nan" without a word.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" eval-bad-input
printf '2 3\nking 1 0 0\nqueen 0.9 0.1 0\n' > "$T/v.txt"
printf 'king\tqueen\t8.5\ncar\tauto\t1,5\n' > "$T/p.tsv"
expect_fail 1 "p.tsv:2:10: bad score '1,5' (expected a number such as 7.35)" \
  "$L" similarity --vectors "$T/v.txt" --pairs "$T/p.tsv"
printf 'king\tqueen\n' > "$T/p2.tsv"
expect_fail 1 "p2.tsv:1:1: expected 'word1<TAB>word2<TAB>score', found 2 fields" \
  "$L" similarity --vectors "$T/v.txt" --pairs "$T/p2.tsv"
printf 'king\tqu\xffeen\t8.5\n' > "$T/p3.tsv"
expect_fail 1 "p3.tsv:1:8: invalid UTF-8 byte 0xFF" "$L" similarity --vectors "$T/v.txt" --pairs "$T/p3.tsv"
printf 'king queen king qu\xffeen\n' > "$T/q.txt"
expect_fail 1 "q.txt:1:19: invalid UTF-8 byte 0xFF" "$L" analogy --vectors "$T/v.txt" --questions "$T/q.txt"
# one covered pair: the output stays as it was (scripts read it), a note says why it is nan
printf 'king\tqueen\t8.5\nking\tprince\t7\n' > "$T/p4.tsv"
"$L" similarity --vectors "$T/v.txt" --pairs "$T/p4.tsv" > "$T/out" 2> "$T/err" || fail "one pair: exit $?"
[ "$(cat "$T/out")" = "$(printf 'spearman\tnan\ncoverage\t0.5000\t1/2')" ] || fail "one pair: $(cat "$T/out")"
grep -q "p4.tsv: 1 of 2 pairs have both words in the vectors: the correlation is undefined (nan)" "$T/err" ||
  fail "no note for nan: $(cat "$T/err")"
# two covered pairs: a number, no note
printf '3 3\nking 1 0 0\nqueen 0.9 0.1 0\nprince 0.5 0.5 0\n' > "$T/v3.txt"
"$L" similarity --vectors "$T/v3.txt" --pairs "$T/p4.tsv" > "$T/out" 2> "$T/err" || fail "two pairs: exit $?"
[ "$(head -1 "$T/out")" = "$(printf 'spearman\t1.0000')" ] || fail "two pairs: $(cat "$T/out")"
[ -s "$T/err" ] && fail "two pairs: unexpected note $(cat "$T/err")"
finish eval-bad-input
