#!/usr/bin/python3
"""jieba reference for bench_zh_tag.sh: segment the raw text of each CoNLL-U sentence (the
concatenated gold words) with jieba.cut and with jieba.posseg (tags mapped to UD v2 UPOS
below), and score by character spans against the gold words (and gold UPOS for joint F1).
Prints tab-separated key=value figures.

usage: jieba_zh_tag.py GOLD.conllu
"""
import sys

import jieba
import jieba.posseg

# jieba (ICTCLAS-style) tag prefix -> UD v2 UPOS, longest prefix first; UD Chinese GSD
# writes localizers (f) as ADP, classifiers (q) as NOUN, time words (t) as NOUN.
TAGMAP = [
    ("nr", "PROPN"), ("ns", "PROPN"), ("nt", "PROPN"), ("nz", "PROPN"), ("n", "NOUN"),
    ("vn", "VERB"), ("v", "VERB"), ("a", "ADJ"), ("b", "ADJ"), ("d", "ADV"), ("p", "ADP"),
    ("c", "CCONJ"), ("uj", "PART"), ("ul", "AUX"), ("uz", "AUX"), ("ug", "AUX"), ("u", "PART"),
    ("m", "NUM"), ("q", "NOUN"), ("r", "PRON"), ("t", "NOUN"), ("f", "ADP"), ("s", "NOUN"),
    ("y", "PART"), ("e", "INTJ"), ("o", "INTJ"), ("k", "PART"), ("h", "PART"), ("i", "VERB"),
    ("l", "NOUN"), ("j", "PROPN"), ("g", "NOUN"), ("z", "ADJ"), ("eng", "X"),
]
PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】『』「」—…·-/,.;:?!\"'()[]~")


def upos(word, flag):
    if flag == "x":
        return "PUNCT" if all(c in PUNCT for c in word) else "X"
    for pre, u in TAGMAP:
        if flag.startswith(pre):
            return u
    return "X"


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
                cur.append((c[1], c[3]))
    if cur:
        yield cur


def spans(words, tags=None):
    out, at = set(), 0
    for i, w in enumerate(words):
        out.add((at, len(w)) if tags is None else (at, len(w), tags[i]))
        at += len(w)
    return out


def prf(gold, pred):
    g = p = m = 0
    for a, b in zip(gold, pred):
        g, p, m = g + len(a), p + len(b), m + len(a & b)
    prec, rec = m / p, m / g
    return 2 * prec * rec / (prec + rec)


def main():
    gold = list(sentences(sys.argv[1]))
    raw = ["".join(w for w, _ in s) for s in gold]
    jieba.setLogLevel(60)
    jieba.initialize()
    gseg = [spans([w for w, _ in s]) for s in gold]
    gjoint = [spans([w for w, _ in s], [t for _, t in s]) for s in gold]
    cut = [spans(list(jieba.cut(r))) for r in raw]
    ps = [list(jieba.posseg.cut(r)) for r in raw]
    pseg = [spans([p.word for p in x]) for x in ps]
    pjoint = [spans([p.word for p in x], [upos(p.word, p.flag) for p in x]) for x in ps]
    print("cut_seg_f1=%.4f\tposseg_seg_f1=%.4f\tposseg_joint_f1=%.4f"
          % (prf(gseg, cut), prf(gseg, pseg), prf(gjoint, pjoint)))


if __name__ == "__main__":
    main()
