#!/usr/bin/env bash
# bow/tfidf options of issue 14: --ids-out (row -> document id), the blank-line policy (no row
# silently dropped), the analyzer recorded in the vocabulary and checked by --vocab-in,
# --tokenizer space, --stop-words english|FILE (against scikit-learn's list semantics), and
# `tfidf --weighting bm25` for every variant against an independent NumPy computation (1e-6).
. "${LK_SRC:-.}/tests/cli_lib.sh" features-options
PY=/usr/bin/python3

# 6 lines, 2 of them blank -> 6 rows, ids = line numbers
printf 'The cat sat\n\nthe dog sat\nA cat and a dog\n\nthe end\n' > "$T/d.txt"
$L bow --input "$T/d.txt" --input-format text --output "$T/d.svm" --ids-out "$T/d.ids" --quiet || fail "bow text"
[ "$(wc -l < "$T/d.svm")" = 6 ] || fail "6 lines gave $(wc -l < "$T/d.svm") rows"
[ "$(tr '\n' ' ' < "$T/d.ids")" = "1 2 3 4 5 6 " ] || fail "ids: $(cat "$T/d.ids")"
[ "$(sed -n 2p "$T/d.svm")" = "0" ] || fail "blank line row: $(sed -n 2p "$T/d.svm")"
$L bow --input "$T/d.txt" --input-format text --blank-lines skip --output "$T/s.svm" --ids-out "$T/s.ids" --quiet
[ "$(tr '\n' ' ' < "$T/s.ids")" = "1 3 4 6 " ] || fail "skip ids: $(cat "$T/s.ids")"
# JSONL: ids from the documents, blank lines are not documents
printf '{"id":"a","text":"x y"}\n\n{"id":"b\\tc","text":"y"}\n' > "$T/d.jsonl"
$L bow --input "$T/d.jsonl" --output "$T/j.svm" --ids-out "$T/j.ids" --quiet || fail "bow jsonl"
[ "$(cat "$T/j.ids")" = "$(printf 'a\nb\\tc')" ] || fail "jsonl ids: $(cat "$T/j.ids")"

# the analyzer is recorded; a vocabulary of another analyzer is refused (was: empty rows, exit 0)
$L bow --input "$D/feat_docs_small.jsonl" --analyzer char --ngram 1:3 --output "$T/c.svm" --vocab-out "$T/c.tsv" --quiet
[ "$(sed -n 2p "$T/c.tsv")" = "$(printf '#analyzer\tanalyzer=char ngram=1:3 lower=1 tokenizer=- stop_words=-')" ] \
  || fail "analyzer line: $(sed -n 2p "$T/c.tsv")"
expect_fail 1 "c.tsv:2: the vocabulary was made with analyzer=char ngram=1:3" \
  $L bow --input "$D/feat_docs_small.jsonl" --vocab-in "$T/c.tsv" --output "$T/x.svm"
$L bow --input "$D/feat_docs_small.jsonl" --analyzer char --ngram 1:3 --vocab-in "$T/c.tsv" --output "$T/c2.svm" --quiet \
  || fail "same analyzer refused"
cmp -s "$T/c.svm" "$T/c2.svm" || fail "transform with its own vocabulary differs"

# --tokenizer space: pre-tokenized text, split on white space only (was refused)
printf 'New-York is big\nnew-york ?\n' > "$T/sp.txt"
$L bow --input "$T/sp.txt" --input-format text --tokenizer space --output "$T/sp.svm" --vocab-out "$T/sp.tsv" --quiet \
  || fail "--tokenizer space"
[ "$(tail -n +3 "$T/sp.tsv" | cut -f1 | tr '\n' ' ')" = "? big is new-york " ] || fail "space vocabulary: $(cat "$T/sp.tsv")"

# stop words: scikit-learn's English list, and a file
$L bow --input "$D/feat_docs.jsonl" --tokenizer sklearn --stop-words english --output "$T/sw.svm" --vocab-out "$T/sw.tsv" --quiet \
  || fail "--stop-words english"
printf '# mine\nthe\nof\n' > "$T/stop.txt"
$L bow --input "$T/d.txt" --input-format text --stop-words "$T/stop.txt" --vocab-out "$T/sf.tsv" --output "$T/sf.svm" --quiet
grep -q "^the	" "$T/sf.tsv" && fail "stop word file: 'the' kept"
grep -q "^cat	" "$T/sf.tsv" || fail "stop word file: 'cat' lost"
$PY - "$T" "$D/feat_docs.jsonl" <<'PY' || fail "stop words differ from scikit-learn's"
import json, sys
from sklearn.feature_extraction.text import CountVectorizer
t, docs = sys.argv[1], [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
texts = [(d.get("title", "") + " " + d["text"]) if d.get("title") else d["text"] for d in docs]
v = CountVectorizer(stop_words="english").fit(texts)
mine = [l.split("\t")[0] for l in open(f"{t}/sw.tsv", encoding="utf-8").read().splitlines()[2:]]
assert mine == list(v.get_feature_names_out()), (len(mine), len(v.get_feature_names_out()))
PY

# BM25 weighting, every variant, against NumPy (norm none by default, then l2)
printf 'a b c a\nb b d\na c c c e e\nd\ne a b\n' > "$T/bm.txt"
for variant in lucene robertson atire bm25l bm25plus xapian; do
  $L tfidf --input "$T/bm.txt" --input-format text --tokenizer space --weighting bm25 --variant $variant \
    --k1 1.5 --b 0.6 --output "$T/bm_$variant.svm" --quiet || fail "bm25 $variant"
done
$L tfidf --input "$T/bm.txt" --input-format text --tokenizer space --weighting bm25 --norm l2 \
  --output "$T/bm_l2.svm" --quiet || fail "bm25 l2"
expect_fail 2 "not --weighting bm25" $L tfidf --input "$T/bm.txt" --weighting bm25 --sublinear-tf
$PY - "$T" <<'PY' || fail "bm25 weights differ from the NumPy computation"
import math, sys
import numpy as np
t = sys.argv[1]
docs = [l.split() for l in open(f"{t}/bm.txt")]
terms = sorted({w for d in docs for w in d})
N, k1, b = len(docs), 1.5, 0.6
tf = np.array([[d.count(w) for w in terms] for d in docs], dtype=float)
df = (tf > 0).sum(0)
dl = tf.sum(1)
avgdl = dl.mean()
def weights(variant, k1, b):
    delta = {"bm25l": 0.5, "bm25plus": 1.0}.get(variant, 0.0)
    rsj = (N - df + .5) / (df + .5)
    idf = {"lucene": np.log(1 + (N - df + .5) / (df + .5)),
           "robertson": np.log(np.maximum(1, (N - df + .5) / (df + .5))),
           "atire": np.log(N / df),
           "bm25l": np.log((N + 1) / (df + .5)),
           "bm25plus": np.log((N + 1) / df),
           "xapian": np.log(np.where(rsj < 2, rsj / 2 + 1, rsj))}[variant]
    W = np.zeros_like(tf)
    for i in range(N):
        L = 1 - b + b * (max(dl[i] / avgdl, .5) if variant == "xapian" else dl[i] / avgdl)
        for j in range(len(terms)):
            f = tf[i, j]
            if f == 0:
                continue
            if variant in ("lucene", "robertson"):
                part = f / (f + k1 * L)
            elif variant in ("atire", "xapian"):
                part = (k1 + 1) * f / (f + k1 * L)
            elif variant == "bm25l":
                c = f / L
                part = (k1 + 1) * (c + delta) / (k1 + c + delta)
            else:
                part = (k1 + 1) * f / (k1 * L + f) + delta
            W[i, j] = idf[j] * part
    return W
def read(name):
    M = np.zeros_like(tf)
    for i, line in enumerate(open(f"{t}/{name}")):
        for item in line.split()[1:]:
            c, v = item.split(":")
            M[i, int(c)] = float(v)
    return M
for variant in ("lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"):
    d = np.abs(read(f"bm_{variant}.svm") - weights(variant, k1, b)).max()
    assert d <= 1e-6, (variant, d)
W = weights("lucene", 1.2, 0.75)
W /= np.linalg.norm(W, axis=1, keepdims=True)
assert np.abs(read("bm_l2.svm") - W).max() <= 1e-6
print("bm25 ok")
PY
# --vocab-in given word2vec vectors (or lines no analyzer of the run can make) gave all-zero
# rows with exit 0: now a file:line:col error; a vocabulary none of whose terms occurs warns
"$L" embed --input "$D/emb_corpus.txt" --output "$T/sg.txt" --dim 5 --min-count 1 --epochs 1 \
  --quiet || fail "embed sg.txt"
expect_fail 1 "sg.txt:1:1: this looks like the 'WORDS DIM' header of word2vec vectors" \
  "$L" tfidf --input "$D/feat_docs_small.jsonl" --vocab-in "$T/sg.txt"
tail -n +2 "$T/sg.txt" > "$T/rows.txt"
expect_fail 1 "rows.txt:1:5: 'the 0\.[0-9]* .*' cannot be a term of this run (word analyzer, ngram 1:1" \
  "$L" tfidf --input "$D/feat_docs_small.jsonl" --vocab-in "$T/rows.txt"
printf 'new york\n' > "$T/phrase.txt"
"$L" bow --input "$D/feat_docs_small.jsonl" --vocab-in "$T/phrase.txt" --ngram 1:2 \
  > /dev/null 2> "$T/err" || fail "a bigram term with --ngram 1:2: $(cat "$T/err")"
grep -q "warning: none of the 1 vocabulary terms of .*phrase.txt occurs in" "$T/err" ||
  fail "no warning for a vocabulary that matches nothing: $(cat "$T/err")"
expect_fail 1 "phrase.txt:1:4: 'new york' cannot be a term of this run (char analyzer, ngram 2:3" \
  "$L" bow --input "$D/feat_docs_small.jsonl" --vocab-in "$T/phrase.txt" --analyzer char --ngram 2:3
"$L" bow --input "$D/feat_docs_small.jsonl" --output /dev/null --vocab-out "$T/fit.tsv" &&
  "$L" tfidf --input "$D/feat_docs_small.jsonl" --vocab-in "$T/fit.tsv" > /dev/null 2> "$T/err" ||
  fail "a --vocab-out file: $(cat "$T/err")"
[ -s "$T/err" ] && fail "a matching vocabulary warned: $(cat "$T/err")"
finish features-options
