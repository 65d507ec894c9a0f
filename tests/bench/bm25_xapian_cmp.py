#!/usr/bin/python3
"""Compare a lexkit run with a Xapian run of the same queries (TREC runs, scores %.9g).

usage: bm25_xapian_cmp.py LEXKIT_RUN XAPIAN_RUN [--tol 1e-6]

Both runs must hold the same queries, the same number of hits per query, the same score at
every rank and the same score for every document they both return, all within a relative
tolerance tol; a document returned by one run only must tie (within tol) with the last hit of
that query (the two break ties differently: lexkit by id bytewise, Xapian by docid), so the
rankings are the same up to ties. Prints one line: queries, hits, max relative and absolute
score difference, hits placed differently within ties, then "scores equal: yes|NO"; exits 1
on NO (the first mismatches go to standard error).
"""
import sys
from collections import OrderedDict


def read_run(path):
    """qid -> [(doc, score)] in rank order."""
    runs = OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            qid, _, doc, rank, score, _ = line.split()
            hits = runs.setdefault(qid, [])
            if int(rank) != len(hits) + 1:
                raise SystemExit("%s: query %s: rank %s out of order" % (path, qid, rank))
            hits.append((doc, float(score)))
    return runs


def rel(a, b):
    d = abs(a - b)
    return d / max(abs(a), abs(b)) if d else 0.0


def compare(lk, xa, tol):
    """(summary dict, list of mismatch messages)."""
    bad = []
    s = {"queries": 0, "hits": 0, "max_rel": 0.0, "max_abs": 0.0, "tie_moves": 0}
    for qid in sorted(set(lk) | set(xa)):
        a, b = lk.get(qid, []), xa.get(qid, [])
        s["queries"] += 1
        if len(a) != len(b):
            bad.append("query %s: %d hits, Xapian %d" % (qid, len(a), len(b)))
            continue
        s["hits"] += len(a)
        for i, ((da, sa), (db, sb)) in enumerate(zip(a, b)):
            if rel(sa, sb) > tol:
                bad.append("query %s rank %d: score %.9g, Xapian %.9g" % (qid, i + 1, sa, sb))
            s["tie_moves"] += da != db
        sa_of, sb_of = dict(a), dict(b)
        last = min(a[-1][1], b[-1][1]) if a else 0.0
        for doc in sa_of.keys() | sb_of.keys():
            if doc in sa_of and doc in sb_of:
                x, y = sa_of[doc], sb_of[doc]
                s["max_rel"] = max(s["max_rel"], rel(x, y))
                s["max_abs"] = max(s["max_abs"], abs(x - y))
                if rel(x, y) > tol:
                    bad.append("query %s doc %s: score %.9g, Xapian %.9g" % (qid, doc, x, y))
            else:  # cut off in the other run: must tie with the last hit
                x = sa_of.get(doc, sb_of.get(doc))
                if rel(x, last) > tol:
                    bad.append("query %s doc %s only in %s (score %.9g, last hit %.9g)" %
                               (qid, doc, "lexkit" if doc in sa_of else "Xapian", x, last))
    return s, bad


def main():
    a = sys.argv[1:]
    tol = float(a[a.index("--tol") + 1]) if "--tol" in a else 1e-6
    s, bad = compare(read_run(a[0]), read_run(a[1]), tol)
    for m in bad[:10]:
        print(m, file=sys.stderr)
    print("queries %d hits %d max rel diff %.3g max abs diff %.3g ties ordered differently %d: "
          "scores equal: %s" % (s["queries"], s["hits"], s["max_rel"], s["max_abs"],
                                s["tie_moves"], "NO" if bad else "yes"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
