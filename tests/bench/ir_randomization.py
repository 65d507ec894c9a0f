#!/usr/bin/python3
"""Paired two-sided randomization test of two TREC runs over the same queries (Smucker,
Allan and Carterette, CIKM 2007), on per-query AP and nDCG@10.

usage: ir_randomization.py QRELS RUN_A RUN_B [--perms 100000] [--seed 19]

Per-query AP and nDCG@10 as `lexkit eval-ir` computes them (trec_eval conventions: queries
without a relevant document skipped, a query missing from a run scores 0, ties in a run
ordered by docid descending; nDCG gains are the judged grades, the ideal from the qrels):
their means are eval-ir's MAP and nDCG@10.
Each permutation swaps the two runs' values of a query with probability 1/2 (one draw per
query, shared by AP and nDCG@10); p is the share of permutations whose |mean difference| is
at least the observed one, counting the observed assignment: (hits + 1) / (perms + 1).
Prints one line:
  AP p P W/L/T w/l/t nDCG@10 p P W/L/T w/l/t
with w/l/t the queries where A scores more than, less than and the same as B.
"""
import sys
from collections import defaultdict

import numpy as np

NDCG_CUT = 10
CHUNK = 10000


def read_qrels(path):
    q = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 4:
                q[p[0]][p[2]] = float(p[3])
    return q


def read_run(path):
    r = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 5:
                r[p[0]].append((float(p[4]), p[2]))
    for hits in r.values():  # score descending, then docid descending
        hits.sort(reverse=True)
    return r


def per_query(qrels, run):
    """qid -> (AP, nDCG@10) for the queries with a relevant document, in qid order."""
    out = {}
    for qid in sorted(qrels):
        judged = qrels[qid]
        num_rel = sum(1 for g in judged.values() if g >= 1)
        if num_rel == 0:
            continue
        ideal = sorted((g if g > 0 else 0.0 for g in judged.values()), reverse=True)
        idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal[:NDCG_CUT]))
        dcg = ap = 0.0
        found = 0
        for i, (_, doc) in enumerate(run.get(qid, [])):
            g = judged.get(doc, 0.0)
            if i < NDCG_CUT and g > 0:
                dcg += g / np.log2(i + 2)
            if g >= 1:
                found += 1
                ap += found / (i + 1)
        out[qid] = (ap / num_rel, dcg / idcg if idcg > 0 else 0.0)
    return out


def randomization(diffs, perms, rng):
    """p values, one per column of diffs (queries x metrics), same sign draws for all."""
    n = diffs.shape[0]
    observed = np.abs(diffs.mean(axis=0))
    hits = np.zeros(diffs.shape[1], dtype=np.int64)
    done = 0
    while done < perms:
        m = min(CHUNK, perms - done)
        signs = rng.integers(0, 2, size=(m, n), dtype=np.int8) * 2 - 1
        means = np.abs(signs.astype(np.float64) @ diffs) / n
        hits += (means >= observed - 1e-12).sum(axis=0)
        done += m
    return (hits + 1) / (perms + 1)


def main():
    a = sys.argv[1:]
    perms = int(a[a.index("--perms") + 1]) if "--perms" in a else 100000
    seed = int(a[a.index("--seed") + 1]) if "--seed" in a else 19
    qrels = read_qrels(a[0])
    pa, pb = per_query(qrels, read_run(a[1])), per_query(qrels, read_run(a[2]))
    qids = sorted(pa)
    va = np.array([pa[q] for q in qids])
    vb = np.array([pb[q] for q in qids])
    diffs = va - vb
    p = randomization(diffs, perms, np.random.default_rng(seed))
    parts = []
    for j, name in enumerate(("AP", "nDCG@10")):
        d = diffs[:, j]
        eq = np.abs(d) <= 1e-12
        parts.append("%s p %.5f W/L/T %d/%d/%d" % (name, p[j], int(((d > 0) & ~eq).sum()),
                                                   int(((d < 0) & ~eq).sum()), int(eq.sum())))
    print(" ".join(parts))


if __name__ == "__main__":
    main()
