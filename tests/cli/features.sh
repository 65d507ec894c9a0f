#!/usr/bin/env bash
# End-to-end tests of `lexkit bow` and `lexkit tfidf`: parity with scikit-learn 1.2 on the
# committed fixtures (tests/data/feat_*, made by tests/data/gen_feat_fixtures.py: same
# vocabulary file, every value within 1e-6), output formats, vocab-in, and bad input.
set -u
: "${LEXKIT:?}"
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-features.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# same_matrix A B: same rows, same columns per row, values within 1e-6.
same_matrix() {
  awk -v tol=1e-6 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { if (!(FNR in a)) { print "extra row " FNR; bad = 1; exit }
      na = split(a[FNR], x, " "); nb = split($0, y, " ")
      if (na != nb) { print "row " FNR ": " na - 1 " vs " nb - 1 " entries"; bad = 1; exit }
      for (i = 2; i <= na; i++) {
        split(x[i], p, ":"); split(y[i], q, ":")
        d = p[2] - q[2]; if (d < 0) d = -d
        if (p[1] != q[1] || d > tol) { print "row " FNR " entry " i - 1 ": " x[i] " vs " y[i]; bad = 1; exit }
      } }
    END { if (!bad && FNR != n) { print "row count " n " vs " FNR; bad = 1 } exit bad }' "$1" "$2"
}

# name|command|docs|options (as in gen_feat_fixtures.py)
while IFS='|' read -r name cmd docs opts; do
  # shellcheck disable=SC2086
  if ! "$LEXKIT" "$cmd" --input "$D/$docs.jsonl" --tokenizer sklearn $opts \
      --output "$T/$name.svm" --vocab-out "$T/$name.tsv" --quiet; then
    fail "$name: lexkit failed"
    continue
  fi
  cmp -s "$T/$name.tsv" "$D/feat_$name.tsv" || { fail "$name: vocabulary differs"; diff "$T/$name.tsv" "$D/feat_$name.tsv" | head -5 >&2; }
  out=$(same_matrix "$T/$name.svm" "$D/feat_$name.svm") || fail "$name: matrix differs: $out"
done <<'EOF_CONFIGS'
bow_unigrams|bow|feat_docs|
unigrams|tfidf|feat_docs|
ngram_1_2|tfidf|feat_docs|--ngram 1:2
char_wb_2_4|tfidf|feat_docs_small|--analyzer char_wb --ngram 2:4
char_1_3_bow|bow|feat_docs_small|--analyzer char --ngram 1:3
sublinear_tf|tfidf|feat_docs|--sublinear-tf
norm_l1|tfidf|feat_docs|--norm l1
min_df_2_max_df_0.5|tfidf|feat_docs|--min-df 2 --max-df 0.5
max_features_50|tfidf|feat_docs|--max-features 50
EOF_CONFIGS

# Counts are integers; --one-based shifts columns; Matrix Market header and size line.
"$LEXKIT" bow --input "$D/feat_docs.jsonl" --tokenizer sklearn --output "$T/b0.svm" --quiet
"$LEXKIT" bow --input "$D/feat_docs.jsonl" --tokenizer sklearn --one-based --output "$T/b1.svm" --quiet
[ "$(head -1 "$T/b0.svm" | cut -d' ' -f2)" = "$(head -1 "$D/feat_bow_unigrams.svm" | cut -d' ' -f2)" ] || fail "bow first entry"
awk '{ for (i = 2; i <= NF; i++) { split($i, p, ":"); printf "%d:%s ", p[1] + 1, p[2] } print "" }' "$T/b0.svm" >"$T/b0p1"
awk '{ for (i = 2; i <= NF; i++) printf "%s ", $i; print "" }' "$T/b1.svm" >"$T/b1s"
cmp -s "$T/b0p1" "$T/b1s" || fail "--one-based"
"$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --tokenizer sklearn --format mm --output "$T/m.mtx" --quiet
[ "$(head -1 "$T/m.mtx")" = "%%MatrixMarket matrix coordinate real general" ] || fail "mm header"
nnz=$(awk '{ n += NF - 1 } END { print n }' "$D/feat_unigrams.svm")
[ "$(sed -n 2p "$T/m.mtx")" = "26 $(($(wc -l <"$D/feat_unigrams.tsv") - 2)) $nnz" ] || fail "mm size line: $(sed -n 2p "$T/m.mtx")"

# --vocab-in: transforming the fitting collection with its own vocabulary gives the same matrix.
"$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --tokenizer sklearn --ngram 1:2 \
  --vocab-in "$D/feat_ngram_1_2.tsv" --output "$T/vi.svm" --quiet || fail "--vocab-in failed"
out=$(same_matrix "$T/vi.svm" "$D/feat_ngram_1_2.svm") || fail "--vocab-in matrix: $out"
# ... and another collection keeps the columns (idf from the vocabulary file).
"$LEXKIT" tfidf --input "$D/feat_docs_small.jsonl" --tokenizer sklearn --ngram 1:2 \
  --vocab-in "$D/feat_ngram_1_2.tsv" --vocab-out "$T/vo.tsv" --output "$T/vs.svm" --quiet || fail "--vocab-in other"
cmp -s "$T/vo.tsv" "$D/feat_ngram_1_2.tsv" || fail "--vocab-in must keep vocabulary, df and n_docs"
[ "$(wc -l <"$T/vs.svm")" -eq 9 ] || fail "--vocab-in rows"

# Text input: one document per line.
printf 'the cat\n\nthe dog\n' >"$T/d.txt"
"$LEXKIT" bow --input "$T/d.txt" --input-format text --output "$T/t.svm" --vocab-out "$T/t.tsv" --quiet
# a blank line is an empty document: row i is line i+1 (issue 14: rows were silently dropped)
[ "$(cat "$T/t.svm")" = "$(printf '0 0:1 2:1\n0\n0 1:1 2:1')" ] || fail "text input: $(cat "$T/t.svm")"
"$LEXKIT" bow --input "$T/d.txt" --input-format text --blank-lines skip --output "$T/t2.svm" --quiet
[ "$(cat "$T/t2.svm")" = "$(printf '0 0:1 2:1\n0 1:1 2:1')" ] || fail "--blank-lines skip: $(cat "$T/t2.svm")"

# The default lexkit tokenizer: Han characters one by one, case folded, no punctuation.
printf '\xe5\x8c\x97\xe4\xba\xac\xe5\xa4\xa7\xe5\xad\xa6 is big.\nThe cat, the CAT!\n' >"$T/zh.txt"
"$LEXKIT" bow --input "$T/zh.txt" --input-format text --output "$T/zh.svm" --vocab-out "$T/zh.tsv" --quiet
[ "$(cut -f1 "$T/zh.tsv" | tail -n +3 | tr '\n' ' ')" = "big cat is the 京 北 大 学 " ] || fail "lexkit tokenizer vocabulary: $(cut -f1 "$T/zh.tsv" | tr '\n' ' ')"
[ "$(sed -n 2p "$T/zh.svm")" = "0 1:2 3:2" ] || fail "lexkit tokenizer counts: $(sed -n 2p "$T/zh.svm")"

# Bad input: one-line message, exit 1 (data) or 2 (usage), no output file replaced.
expect() { # status pattern command...
  local want=$1 pat=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  [ "$got" -eq "$want" ] || fail "'$*': exit $got, want $want ($(cat "$T/err"))"
  [ "$(wc -l <"$T/err")" -eq 1 ] || { [ "$want" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 2 ]; } || fail "'$*': message not one line: $(cat "$T/err")"
  grep -q -- "$pat" "$T/err" || fail "'$*': message '$(cat "$T/err")' lacks '$pat'"
}
printf '{"id": "1", "text": "ok"}\n{"id": "2", "text": "bad \xff byte"}\n' >"$T/badutf8.jsonl"
printf '{"id": "1", "text": "ok"}\n{"id": "2", "text": "unterminated}\n' >"$T/badjson.jsonl"
: >"$T/empty.jsonl"
printf 'alpha\t0\t1\nbeta\t1\t1\nalpha\t2\t1\n' >"$T/dup.tsv"
echo keep >"$T/keep.svm"
expect 1 "badutf8.jsonl:2:" "$LEXKIT" tfidf --input "$T/badutf8.jsonl" --output "$T/keep.svm"
expect 1 "badjson.jsonl:2:" "$LEXKIT" tfidf --input "$T/badjson.jsonl" --output "$T/keep.svm"
expect 2 "ngram" "$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --ngram 3:1 --output "$T/keep.svm"
expect 2 "max_df corresponds to < documents than min_df" "$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --min-df 2 --max-df 1 --output "$T/keep.svm"
expect 1 "max_df corresponds to < documents than min_df" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --min-df 20 --max-df 0.5 --output "$T/keep.svm"
expect 1 "no documents" "$LEXKIT" bow --input "$T/empty.jsonl" --output "$T/keep.svm"
expect 1 "dup.tsv:3:1: duplicate term 'alpha'" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --vocab-in "$T/dup.tsv" --output "$T/keep.svm"
expect 2 "unknown option" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --bogus
expect 2 "--max-df" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --max-df 1.5
expect 2 "--norm must be l2, l1 or none, not 'l3'" "$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --norm l3
expect 2 "unknown option '--norm'" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --norm l1
expect 2 "--binary takes no value" "$LEXKIT" bow --input "$D/feat_docs.jsonl" --binary=1
"$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --no-smooth-idf --output "$T/ns1.svm"
"$LEXKIT" tfidf --input="$D/feat_docs.jsonl" --idf=plain --output "$T/ns2.svm"
"$LEXKIT" tfidf --input "$D/feat_docs.jsonl" --output "$T/ns3.svm"
cmp -s "$T/ns1.svm" "$T/ns2.svm" || fail "--no-smooth-idf differs from --idf plain"
! cmp -s "$T/ns1.svm" "$T/ns3.svm" || fail "--no-smooth-idf had no effect"
[ "$(cat "$T/keep.svm")" = keep ] || fail "a failed run replaced the output"

[ "$fails" -eq 0 ] && echo "features: all passed"
exit $((fails > 0))
