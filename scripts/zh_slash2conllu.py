#!/usr/bin/python3
"""Convert `word/UPOS word/UPOS ...` lines (one sentence per line) to CoNLL-U on stdout
(ID, FORM, UPOS; other columns `_`). Used for corpora/zh-everyday-train.txt.

  zh_slash2conllu.py IN.txt > OUT.conllu
"""
import sys

UPOS = set("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())


def main(path):
    out = sys.stdout
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        toks = line.split()
        if not toks:
            continue
        for i, tok in enumerate(toks, 1):
            word, sep, tag = tok.rpartition("/")
            if not sep or not word or tag not in UPOS:
                sys.exit("%s:%d: bad token %r (want word/UPOS)" % (path, ln, tok))
            out.write("%d\t%s\t_\t%s\t_\t_\t_\t_\t_\t_\n" % (i, word, tag))
        out.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
