#!/usr/bin/python3
"""jieba side of bench_bm25_zh.sh: segment a docs.jsonl (title and text) or a queries.tsv
with jieba.cut (default mode, HMM on) and write the same file with the words separated by
spaces, for Xapian to index as words. Prints one line of JSON: seconds (wall, dictionary
loading included), cpu_seconds, load_seconds (the dictionary alone).

usage: bench_bm25_zh_jieba.py docs IN.jsonl OUT.jsonl
       bench_bm25_zh_jieba.py queries IN.tsv OUT.tsv
"""
import json
import logging
import sys
import time

import jieba


def cut(text):
    return " ".join(w for w in jieba.cut(text) if not w.isspace())


def main():
    mode, src, dst = sys.argv[1:4]
    t0, c0 = time.perf_counter(), time.process_time()
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    load = time.perf_counter() - t0
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if mode == "docs":
                d = json.loads(line)
                if d.get("title"):
                    d["title"] = cut(d["title"])
                d["text"] = cut(d["text"])
                out.write(json.dumps(d, ensure_ascii=False) + "\n")
            else:
                qid, text = line.split("\t", 1)
                out.write("%s\t%s\n" % (qid, cut(text)))
    print(json.dumps({"seconds": time.perf_counter() - t0,
                      "cpu_seconds": time.process_time() - c0, "load_seconds": load}))


if __name__ == "__main__":
    main()
