#!/usr/bin/python3
"""Peers of bench_serve.sh on the same queries, with per-query latency percentiles.

usage: bench_serve_peers.py process LEXKIT INDEX QUERIES N
         one `lexkit search --query Q --k 10` process per query, the first N queries
       bench_serve_peers.py xapian-index DOCS DBDIR
       bench_serve_peers.py xapian DBDIR QUERIES REPEAT
         Xapian in-process (BM25Weight k1=1.2 b=0.75, OR of terms, no stemming, top-10,
         as bench_bm25_xapian.py), every query REPEAT times in turn
Prints one line: "queries N qps Q p50_ms A p99_ms B cpu_s C" (cpu_s: user+sys of this
process and its children)."""
import json
import os
import subprocess
import sys
import time


def report(lat, wall):
    lat = sorted(lat)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1e3
    t = os.times()
    print("queries %d qps %.1f p50_ms %.3f p99_ms %.3f cpu_s %.2f" %
          (len(lat), len(lat) / wall, pct(0.50), pct(0.99),
           t.user + t.system + t.children_user + t.children_system))


def queries(path):
    return [l.rstrip("\n").split("\t", 1)[1] for l in open(path, encoding="utf-8") if "\t" in l]


def process(lexkit, index, qpath, n):
    lat = []
    t0 = time.perf_counter()
    for q in queries(qpath)[:n]:
        a = time.perf_counter()
        subprocess.run([lexkit, "search", "--index", index, "--query", q, "--k", "10"],
                       stdout=subprocess.DEVNULL, check=True)
        lat.append(time.perf_counter() - a)
    report(lat, time.perf_counter() - t0)


def xapian_index(docs, dbdir):
    import xapian
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    with open(docs, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            if d.get("title"):
                tg.index_text_without_positions(d["title"])
            tg.index_text_without_positions(d["text"])
            doc.add_value(0, d["id"])
            db.add_document(doc)
    db.commit()
    db.close()


def xapian_search(dbdir, qpath, repeat):
    import xapian
    db = xapian.Database(dbdir)
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_OR)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
    qs = [qp.parse_query(q) for q in queries(qpath)]
    lat = []
    t0 = time.perf_counter()
    for _ in range(repeat):
        for q in qs:
            a = time.perf_counter()
            enq.set_query(q)
            ms = enq.get_mset(0, 10)
            for it in ms:
                it.document.get_value(0)  # the id, as the server sends it
            lat.append(time.perf_counter() - a)
    report(lat, time.perf_counter() - t0)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "process":
        process(a[1], a[2], a[3], int(a[4]))
    elif a[0] == "xapian-index":
        xapian_index(a[1], a[2])
    else:
        xapian_search(a[1], a[2], int(a[3]))
