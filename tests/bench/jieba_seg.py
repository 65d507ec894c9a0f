#!/usr/bin/env python3
"""jieba reference for bench_tagger.sh: segment (and POS-tag with jieba.posseg) the raw text
of each CoNLL-U sentence (the concatenated gold words) and score the segmentation against the
gold words by character spans. Prints tab-separated key=value figures.

usage: jieba_seg.py GOLD.conllu [RAW_OUT.txt]   (RAW_OUT: also write the raw lines)
"""
import sys
import time

import jieba
import jieba.posseg


def sentences(path):
    cur = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                yield cur
            cur = []
        elif not line.startswith("#"):
            c = line.split("\t")
            if c[0].isdigit():
                cur.append(c[1])
    if cur:
        yield cur


def spans(words):
    out, at = set(), 0
    for w in words:
        out.add((at, len(w)))
        at += len(w)
    return out


def main():
    gold = list(sentences(sys.argv[1]))
    raw = ["".join(s) for s in gold]
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write("\n".join(raw) + "\n")
    jieba.setLogLevel(60)
    jieba.initialize()
    t0 = time.process_time()  # CPU time: the machine may be shared
    pred = [[p.word for p in jieba.posseg.cut(r)] for r in raw]
    dt = time.process_time() - t0
    g = p = m = 0
    for gs, ps in zip(gold, pred):
        a, b = spans(gs), spans(ps)
        g, p, m = g + len(a), p + len(b), m + len(a & b)
    prec, rec = m / p, m / g
    f1 = 2 * prec * rec / (prec + rec)
    chars = sum(len(r) for r in raw)
    print(f"seg_f1={f1:.4f}\tseg_precision={prec:.4f}\tseg_recall={rec:.4f}\t"
          f"posseg_chars_per_s={chars / dt:.0f}\tposseg_seconds={dt:.3f}")


if __name__ == "__main__":
    main()
