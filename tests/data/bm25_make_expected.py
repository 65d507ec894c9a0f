#!/usr/bin/python3
"""Independent BM25 reference for tests/cli/bm25_cli.sh: the analyzed tokens of
bm25_docs.jsonl are written out by hand below (lowercased words, punctuation dropped,
Han unigrams + adjacent-Han bigrams; title tokens then text tokens), and every variant is
computed from the formulas in docs/search.md. Writes bm25_expected_<variant>.trec for the
query "cat 中国" with k1=1.2, b=0.75 (all matching docs, score desc, then docid asc).
Also checks the expected TREC ranking and scores without lexkit."""
import math

DOCS = {
    "d1": "cats the cat sat on the mat".split(),
    "d2": "dogs and cats are pets a dog barks at a cat".split(),
    "d3": "running he runs and ran running daily like the dogs".split(),
    "z1": "北 京 北京 北 京 北京 是 京是 中 是中 国 中国 的 国的 首 的首 都 首都".split(),
    "z2": "上 海 上海 是 海是 中 是中 国 中国 最 国最 大 最大 的 大的 城 的城 市 城市".split(),
    "d4": "cat cat cat".split(),
    "d0": "cat cat cat".split(),
}
QUERY = ["cat", "中", "国", "中国"]
N = len(DOCS)
AVG = sum(len(t) for t in DOCS.values()) / N
K1, B = 1.2, 0.75


def idf(v, df):
    if v == "lucene":
        return math.log(1 + (N - df + 0.5) / (df + 0.5))
    if v == "robertson":
        return math.log(max(1.0, (N - df + 0.5) / (df + 0.5)))
    if v == "atire":
        return math.log(N / df)
    if v == "bm25l":
        return math.log((N + 1) / (df + 0.5))
    if v == "xapian":  # Xapian 1.4 BM25Weight: small ratios lifted to w/2 + 1
        w = (N - df + 0.5) / (df + 0.5)
        return math.log(w if w >= 2 else w / 2 + 1)
    return math.log((N + 1) / df)


def tfpart(v, tf, dl):
    ln = 1 - B + B * dl / AVG
    if v in ("lucene", "robertson"):
        return tf / (tf + K1 * ln)
    if v == "atire":
        return (K1 + 1) * tf / (tf + K1 * ln)
    if v == "bm25l":
        c = tf / ln
        return (K1 + 1) * (c + 0.5) / (K1 + c + 0.5)
    if v == "xapian":  # length normalised as max(dl/avgdl, 0.5)
        return (K1 + 1) * tf / (tf + K1 * (1 - B + B * max(dl / AVG, 0.5)))
    return (K1 + 1) * tf / (K1 * ln + tf) + 1.0


for v in ["lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"]:
    scores = {}
    for d, toks in DOCS.items():
        s, hit = 0.0, False
        for q in QUERY:
            tf = toks.count(q)
            if tf:
                df = sum(1 for t in DOCS.values() if q in t)
                s += idf(v, df) * tfpart(v, tf, len(toks))
                hit = True
        if hit:
            scores[d] = s
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    with open("bm25_expected_%s.trec" % v, "w") as f:
        for r, (d, s) in enumerate(ranked, 1):
            f.write("q Q0 %s %d %.9g lexkit\n" % (d, r, s))

# Query syntax (lexkit search --syntax on): the scores are lucene BM25 of the terms of the
# required and optional clauses; +clause keeps documents holding all its terms, -clause
# drops them, a phrase keeps documents whose title or text holds its words consecutively,
# title:w keeps documents whose title holds w. Writes bm25_ops_queries.tsv and
# bm25_expected_ops.trec (k = all).
TITLES = {"d1": ["cats"], "d3": ["running"], "z1": ["北", "京", "北京"]}
TEXTS = {d: toks[len(TITLES.get(d, [])):] for d, toks in DOCS.items()}


def has_seq(toks, seq):
    return any(toks[i:i + len(seq)] == seq for i in range(len(toks) - len(seq) + 1))


OPS = [  # qid, query, scoring terms, filter(doc) -> bool
    ("o1", "cat -dogs", ["cat"], lambda d: "dogs" not in DOCS[d]),
    ("o2", "+cat dog", ["cat", "dog"], lambda d: "cat" in DOCS[d]),
    ("o3", "+中国 cat", ["中", "国", "中国", "cat"],
     lambda d: all(t in DOCS[d] for t in ["中", "国", "中国"])),
    ("o4", '"the cat" mat', ["the", "cat", "mat"],
     lambda d: has_seq(TITLES.get(d, []), ["the", "cat"]) or has_seq(TEXTS[d], ["the", "cat"])),
    ("o5", 'cat -"cat cat"', ["cat"], lambda d: not has_seq(TEXTS[d], ["cat", "cat"])),
    ("o6", "title:cats cat", ["cats", "cat"], lambda d: "cats" in TITLES.get(d, [])),
    ("o7", "-cat dogs", ["dogs"], lambda d: "cat" not in DOCS[d]),
]
with open("bm25_ops_queries.tsv", "w") as qf, open("bm25_expected_ops.trec", "w") as f:
    for qid, text, terms, keep in OPS:
        qf.write("%s\t%s\n" % (qid, text))
        scores = {}
        for d, toks in DOCS.items():
            s, hit = 0.0, False
            for q in terms:
                tf = toks.count(q)
                if tf:
                    df = sum(1 for t in DOCS.values() if q in t)
                    s += idf("lucene", df) * tfpart("lucene", tf, len(toks))
                    hit = True
            if hit and keep(d):
                scores[d] = s
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        for r, (d, s) in enumerate(ranked, 1):
            f.write("%s Q0 %s %d %.9g lexkit\n" % (qid, d, r, s))
