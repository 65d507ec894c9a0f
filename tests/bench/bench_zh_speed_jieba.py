#!/usr/bin/env python3
"""jieba peer for bench_zh_speed.sh: segment (cut) or segment and tag (posseg) every line of
a file, writing the words to stdout like lexkit does. Prints to stderr the dictionary load
time and the segmentation time, tab-separated: load_s=X<TAB>seg_s=Y

usage: bench_zh_speed_jieba.py cut|posseg FILE
"""
import sys
import time

t0 = time.perf_counter()
import jieba  # noqa: E402
import jieba.posseg  # noqa: E402

jieba.setLogLevel(60)
jieba.initialize()  # the dictionary load (prefix dictionary), counted separately
t1 = time.perf_counter()
mode, path = sys.argv[1], sys.argv[2]
out = sys.stdout
with open(path, encoding="utf-8") as f:
    if mode == "cut":
        for line in f:
            out.write(" ".join(jieba.cut(line.rstrip("\n"))) + "\n")
    elif mode == "posseg":
        for line in f:
            out.write(" ".join(f"{p.word}/{p.flag}" for p in jieba.posseg.cut(line.rstrip("\n"))) + "\n")
    else:
        sys.exit(f"unknown mode {mode}")
out.flush()
t2 = time.perf_counter()
print(f"load_s={t1 - t0:.3f}\tseg_s={t2 - t1:.3f}", file=sys.stderr)
