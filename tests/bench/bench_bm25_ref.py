#!/usr/bin/python3
"""Independent BM25 check for bench_bm25.sh: recompute every variant from raw statistics
in Python and compare with lexkit's runs.

usage: bench_bm25_ref.py DOCS.jsonl DOC_TOKENS QUERIES.tsv QUERY_TOKENS RUN_DIR K
DOC_TOKENS has two lines per document (title, text) and QUERY_TOKENS one line per query,
as printed by `lexkit tokenize --lower` (so both sides tokenize alike); tokens without a
letter or digit (punctuation, symbols) are dropped, as lexkit's analyzer does. RUN_DIR holds
lexkit's exhaustive runs <variant>.run (top K). Every score must agree to 1e-5 relative, and
the score at each rank must equal the reference's score at that rank (rankings equal up to
ties). Prints one line per variant; exits 1 on a mismatch.
"""
import json
import math
import sys
from collections import Counter, defaultdict

K1, B = 1.2, 0.75
DELTA = {"bm25l": 0.5, "bm25plus": 1.0}


def keep(tok):
    return any(ch.isalnum() for ch in tok)


def idf(v, n, df):
    if v == "lucene":
        return math.log(1 + (n - df + 0.5) / (df + 0.5))
    if v == "robertson":
        return math.log(max(1.0, (n - df + 0.5) / (df + 0.5)))
    if v == "atire":
        return math.log(n / df)
    if v == "bm25l":
        return math.log((n + 1) / (df + 0.5))
    if v == "xapian":  # Xapian 1.4 BM25Weight: small ratios lifted to w/2 + 1
        w = (n - df + 0.5) / (df + 0.5)
        return math.log(w if w >= 2 else w / 2 + 1)
    return math.log((n + 1) / df)


def tfpart(v, tf, dl, avg):
    ln = 1 - B + B * dl / avg
    if v in ("lucene", "robertson"):
        return tf / (tf + K1 * ln)
    if v == "atire":
        return (K1 + 1) * tf / (tf + K1 * ln)
    if v == "xapian":  # length normalised as max(dl/avgdl, 0.5)
        return (K1 + 1) * tf / (tf + K1 * (1 - B + B * max(dl / avg, 0.5)))
    if v == "bm25l":
        c = tf / ln
        return (K1 + 1) * (c + DELTA[v]) / (K1 + c + DELTA[v])
    return (K1 + 1) * tf / (K1 * ln + tf) + DELTA[v]


def main():
    docs_path, dtok_path, q_path, qtok_path, run_dir, k = sys.argv[1:7]
    k = int(k)
    ids = [json.loads(l)["id"] for l in open(docs_path, encoding="utf-8") if l.strip()]
    lines = open(dtok_path, encoding="utf-8").read().split("\n")
    tfs, dls = [], []
    for i in range(len(ids)):
        toks = [t for t in (lines[2 * i] + " " + lines[2 * i + 1]).split() if keep(t)]
        tfs.append(Counter(toks))
        dls.append(len(toks))
    n = len(ids)
    avg = sum(dls) / n
    post = defaultdict(list)
    for d, c in enumerate(tfs):
        for t, tf in c.items():
            post[t].append((d, tf))
    qids = [l.split("\t", 1)[0] for l in open(q_path, encoding="utf-8") if l.strip()]
    qtoks = open(qtok_path, encoding="utf-8").read().split("\n")
    bad = 0
    for v in ["lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"]:
        run = defaultdict(list)
        for l in open("%s/%s.run" % (run_dir, v)):
            qid, _, doc, rank, score, _ = l.split()
            run[qid].append((doc, float(score)))
        checked = 0
        worst = 0.0
        for qi, qid in enumerate(qids):
            acc = defaultdict(float)
            for t in [t for t in qtoks[qi].split() if keep(t)]:
                p = post.get(t)
                if not p:
                    continue
                w = idf(v, n, len(p))
                for d, tf in p:
                    acc[d] += w * tfpart(v, tf, dls[d], avg)
            ref = sorted(((-s, ids[d]) for d, s in acc.items()))[:k]
            refd = {ids[d]: s for d, s in acc.items()}
            got = run.get(qid, [])
            if len(got) != len(ref):
                print("%s %s: %d results, reference %d" % (v, qid, len(got), len(ref)))
                bad += 1
                continue
            for (doc, s), (negs, _) in zip(got, ref):
                want = refd.get(doc)
                for a, b in ((s, want), (s, -negs)):
                    err = abs(a - b) / max(abs(b), 1e-12) if b is not None else 1.0
                    worst = max(worst, err)
                    if err > 1e-5:
                        bad += 1
                checked += 1
        print("%-9s %7d scores checked, max relative error %.2e" % (v, checked, worst))
    if bad:
        print("MISMATCHES: %d" % bad)
        sys.exit(1)


if __name__ == "__main__":
    main()
