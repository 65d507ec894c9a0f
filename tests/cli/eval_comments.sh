#!/usr/bin/env bash
# similarity --pairs with a '# header comment' line failed ("pc.tsv:1:1: expected
# 'word1<TAB>word2<TAB>score'"); gensim's evaluate_word_pairs skips lines starting with '#'.
# Now both similarity and analogy skip them, and give the figures of the file without them.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" eval-comments
V="$D/emb_analogy.vec"
{ echo "# header comment"; echo "#word1	word2	score"; cat "$D/emb_pairs.tsv"; } > "$T/pc.tsv"
"$L" similarity --vectors "$V" --pairs "$D/emb_pairs.tsv" > "$T/want" || fail "similarity"
"$L" similarity --vectors "$V" --pairs "$T/pc.tsv" > "$T/got" 2> "$T/err" ||
  fail "similarity with # lines: $(cat "$T/err")"
cmp -s "$T/want" "$T/got" || fail "similarity: # lines change the result: $(cat "$T/got")"
# a '#' later in a line is not a comment: still a bad line
printf 'king\tqueen\t#1\n' > "$T/bad.tsv"
expect_fail 1 "bad.tsv:1:12: bad score '#1'" "$L" similarity --vectors "$V" --pairs "$T/bad.tsv"
{ echo "# four words: a comment"; cat "$D/emb_analogy_questions.txt"; } > "$T/q.txt"
"$L" analogy --vectors "$V" --questions "$D/emb_analogy_questions.txt" > "$T/want" || fail "analogy"
"$L" analogy --vectors "$V" --questions "$T/q.txt" > "$T/got" 2> "$T/err" ||
  fail "analogy with # lines: $(cat "$T/err")"
cmp -s "$T/want" "$T/got" || fail "analogy: # lines change the result: $(cat "$T/got")"
finish eval-comments
