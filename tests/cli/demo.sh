#!/usr/bin/env bash
# `make demo` (scripts/demo.sh) is the first thing a newcomer runs: it must succeed and what
# it shows must be right. Checked against values computed independently: scikit-learn's
# TfidfVectorizer(ngram_range=(1, 2), min_df=2) on tests/data/feat_docs.jsonl has 114
# columns (the demo once printed 115, counting the vocabulary file's two '#' header lines as
# one, and listed '#analyzer ...' as a term).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" demo
bash "${LK_SRC:-.}/scripts/demo.sh" "$L" > "$T/out" 2> "$T/err" || fail "demo exit $?: $(tail -5 "$T/err")"
grep -q '^tfidf of 26 documents, 1:2-grams in >= 2 documents: 114 columns$' "$T/out" ||
  fail "feature count: $(grep '^tfidf of' "$T/out")"
sed -n '/^first terms/,/^first row/p' "$T/out" | sed '1d;$d' > "$T/terms"
[ "$(wc -l < "$T/terms")" = 5 ] || fail "expected 5 first terms: $(cat "$T/terms")"
grep -q '^  #' "$T/terms" && fail "a header line shown as a term: $(cat "$T/terms")"
head -1 "$T/terms" | grep -q $'^  access\t0\t2$' || fail "first term: $(head -1 "$T/terms")"
grep -q "^don't stop-me now : 3.14 , 1,000 e-mails !$" "$T/out" || fail "tokenize line"
grep -q '^我们/PRON 明天/NOUN 去/VERB 北京/PROPN 看/VERB 长城/PROPN 。/PUNCT$' "$T/out" ||
  fail "Chinese tagging line"
grep -q ' https://example.com/zh/X 或/CCONJ 拨打/VERB 400-123-4567/NUM （/PUNCT ' "$T/out" ||
  fail "Chinese URL / phone line: $(grep example.com "$T/out")"
grep -q '^Loved/VERB the/DET new/ADJ café/NOUN ❤️/SYM ' "$T/out" || fail "English emoji line"
grep -q '^lexkit serve: stopped$' "$T/out" "$T/err" || fail "serve part did not stop cleanly"
finish demo
