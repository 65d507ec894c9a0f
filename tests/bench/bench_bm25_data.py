#!/usr/bin/python3
"""Make the large benchmark collection for bench_bm25.sh from en-wiki.txt.xz: one
paragraph per document (ids w1, w2, ... by line), and a query set of word windows drawn
from random paragraphs (seeded), since the collection has no judged queries.

usage: bench_bm25_data.py EN_WIKI_XZ OUT_DOCS_JSONL OUT_QUERIES_TSV [N_QUERIES]
"""
import json
import lzma
import random
import re
import sys


def main():
    src, docs_out, q_out = sys.argv[1:4]
    n_queries = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    paras = []
    with lzma.open(src, "rt", encoding="utf-8") as f, open(docs_out, "w", encoding="utf-8") as out:
        for i, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            out.write(json.dumps({"id": "w%d" % i, "title": "", "text": line},
                                 ensure_ascii=False) + "\n")
            paras.append(line)
    rng = random.Random(42)
    word = re.compile(r"[A-Za-z]{3,}")
    with open(q_out, "w", encoding="utf-8") as out:
        made = 0
        while made < n_queries:
            words = word.findall(rng.choice(paras))
            if len(words) < 6:
                continue
            n = rng.randint(2, 5)
            start = rng.randint(0, len(words) - n)
            out.write("wq%d\t%s\n" % (made + 1, " ".join(words[start:start + n])))
            made += 1


if __name__ == "__main__":
    main()
