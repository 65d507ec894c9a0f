#!/usr/bin/python3
"""Xapian side of bench_bm25.sh: index a docs.jsonl, run queries with BM25Weight, time it.

usage: bench_bm25_xapian.py index DOCS DBDIR [--cjk] [--data] [--positions]
                                [--english STOPFILE [--stem-all]]
       bench_bm25_xapian.py search DBDIR QUERIES K RUNFILE [--cjk] [--repeat N] [--snippet]
                                [--english STOPFILE [--stem-all]] [--plain-query]
                                [--k1 X] [--b X]
       bench_bm25_xapian.py stats DBDIR [TERMS]
--english sets Xapian up for English on both sides: Stem("english") (Snowball, the stemmer
lexkit's --analyzer english uses) with Xapian's default strategy STEM_SOME (the TermGenerator
indexes each word and its Z-prefixed stem; QueryParser stems words not starting with a
capital; --stem-all: STEM_ALL_Z, only stems are indexed and every query word is stemmed),
and a SimpleStopper with the words of STOPFILE (stop words are not indexed:
STOP_ALL; QueryParser drops them from queries).
--data stores each document's title and text as its document data (JSON); --snippet
reads the data of every hit and makes a snippet of its text (MSet.snippet, 160 bytes).
--positions indexes with positions (TermGenerator.index_text, Xapian's default; phrase
queries need them). Indexing uses TermGenerator without positions and without stemming (title + text, like
lexkit). Searching parses each query with QueryParser (OR of terms, no stemming; for Chinese
an OR of the TermGenerator's CJK n-grams of the query, since QueryParser ANDs them) and ranks
with BM25Weight(k1=1.2, k2=0, k3=1, b=0.75, min_normlen=0.5). Prints one line of JSON with
timings to stdout.
--plain-query parses queries with no QueryParser flags (a plain OR of the words): with
FLAG_DEFAULT, an upper-case AND / OR / NOT in a query is a Boolean operator (npl's queries
are all upper case: 19 of its 93 are parsed as Boolean queries) and quotes or hyphens make
phrase queries, which BM25 runs of lexkit do not have.
--k1 and --b set BM25Weight's k1 and b (default 1.2 and 0.75).
stats prints the database's documents, terms (the id terms Q... left out) and average
length as `lexkit info` prints an index's, and writes each term as a query "tN<TAB>term" to
TERMS if given.
"""
import json
import os
import sys
import time

import xapian


STEM_ALL = "--stem-all" in sys.argv


def english_setup(obj, stopfile):
    """Stemmer and stopper of --english on a TermGenerator or QueryParser (returns the
    stopper, which must outlive obj)."""
    stopper = xapian.SimpleStopper()
    with open(stopfile, encoding="utf-8") as f:
        for w in f.read().split():
            stopper.add(w)
    obj.set_stemmer(xapian.Stem("english"))
    obj.set_stopper(stopper)
    if STEM_ALL:
        obj.set_stemming_strategy(obj.STEM_ALL_Z)
    if isinstance(obj, xapian.TermGenerator):
        obj.set_stopper_strategy(xapian.TermGenerator.STOP_ALL)
    return stopper


def index(docs, dbdir, cjk, data=False, english=None, positions=False):
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    keep = english_setup(tg, english) if english else None
    if cjk:
        tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n = 0
    nbytes = os.path.getsize(docs)
    with open(docs, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            add = tg.index_text if positions else tg.index_text_without_positions
            if d.get("title"):
                add(d["title"])
                if positions:
                    tg.increase_termpos()  # no phrase across title and text
            add(d["text"])
            doc.add_value(0, d["id"])
            if data:
                doc.set_data(json.dumps({"title": d.get("title") or "", "text": d["text"]},
                                        ensure_ascii=False))
            doc.add_boolean_term("Q" + d["id"])
            db.add_document(doc)
            n += 1
    db.commit()
    db.close()
    dt = time.perf_counter() - t0
    size = sum(os.path.getsize(os.path.join(dbdir, f)) for f in os.listdir(dbdir))
    del keep
    print(json.dumps({"docs": n, "seconds": dt, "mb_per_s": nbytes / 1e6 / dt, "bytes": size}))


def search(dbdir, queries, k, runfile, cjk, repeat, snippet=False, english=None):
    db = xapian.Database(dbdir)
    qp = xapian.QueryParser()
    qp.set_database(db)
    keep = [english_setup(qp, english)] if english else []
    qp.set_default_op(xapian.Query.OP_OR)
    flags = 0 if "--plain-query" in sys.argv else xapian.QueryParser.FLAG_DEFAULT
    if cjk:
        flags |= xapian.QueryParser.FLAG_CJK_NGRAM
    tg = xapian.TermGenerator()
    if cjk:
        tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    if english:
        keep.append(english_setup(tg, english))
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight(option("--k1", 1.2), 0, 1, option("--b", 0.75),
                                               0.5))
    enq.set_docid_order(xapian.Enquire.ASCENDING)
    qs = []
    with open(queries, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            qid, text = line.split("\t", 1)
            try:
                if cjk:  # QueryParser ANDs a CJK run's n-grams; make it an OR like lexkit
                    raise xapian.QueryParserError("cjk")
                q = qp.parse_query(text, flags)
            except xapian.QueryParserError:  # odd syntax: OR of the TermGenerator's terms
                doc = xapian.Document()
                tg.set_document(doc)
                tg.index_text_without_positions(text)
                q = xapian.Query(xapian.Query.OP_OR, [t.term for t in doc.termlist()])
            qs.append((qid, q))
    times, cpus = [], []
    for r in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for qid, q in qs:
            enq.set_query(q)
            ms = enq.get_mset(0, k)
            if snippet:
                for it in ms:
                    text = json.loads(it.document.get_data())["text"]
                    ms.snippet(text, 160, xapian.Stem("none"),
                               xapian.MSet.SNIPPET_BACKGROUND_MODEL, "[", "]", "...")
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    out = []
    for qid, q in qs:
        enq.set_query(q)
        for rank, it in enumerate(enq.get_mset(0, k), 1):
            out.append("%s Q0 %s %d %.9g xapian\n" %
                       (qid, it.document.get_value(0).decode(), rank, it.weight))
    with open(runfile, "w") as f:
        f.writelines(out)
    times.sort()
    cpus.sort()
    med, cmed = times[len(times) // 2], cpus[len(cpus) // 2]
    print(json.dumps({"queries": len(qs), "seconds": med, "qps": len(qs) / med,
                      "cpu_qps": len(qs) / cmed}))


def stats(dbdir, terms_out=None):
    db = xapian.Database(dbdir)
    terms = [t.term.decode() for t in db.allterms() if not t.term.startswith(b"Q")]
    if terms_out:
        with open(terms_out, "w", encoding="utf-8") as f:
            f.writelines("t%d\t%s\n" % (i, w) for i, w in enumerate(terms, 1))
    print("documents\t%d\nterms\t%d\navgdl\t%.4f" %
          (db.get_doccount(), len(terms), db.get_avlength()))


def option(name, default):
    return float(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main():
    a = sys.argv[1:]
    cjk = "--cjk" in a
    repeat = 1
    if "--repeat" in a:
        repeat = int(a[a.index("--repeat") + 1])
    english = a[a.index("--english") + 1] if "--english" in a else None
    if a[0] == "index":
        index(a[1], a[2], cjk, "--data" in a, english, "--positions" in a)
    elif a[0] == "stats":
        stats(a[1], a[2] if len(a) > 2 else None)
    else:
        search(a[1], a[2], int(a[3]), a[4], cjk, repeat, "--snippet" in a, english)


if __name__ == "__main__":
    main()
