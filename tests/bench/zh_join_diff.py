#!/usr/bin/env python3
"""The words one segmentation has and another lacks, checked against gold: how the joins of
a --granularity coarse change were reviewed (docs/tagger.md, "Word granularity").
Usage: zh_join_diff.py GOLD.conllu BEFORE.conllu AFTER.conllu
BEFORE and AFTER are `lexkit tag --output-format conllu` outputs on the gold sentences' raw
text (as zh_raw_eval.py makes it). For every AFTER word whose span BEFORE lacks, prints one
line: OK (a gold word) or BAD, the word and its tag, the BEFORE words it covers, the text
around it and the gold words there; then, on stderr, the counts."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zh_raw_eval import read_conllu  # noqa: E402


def spans(words):
    out, at = [], 0
    for w, tag in words:
        out.append((at, len(w), w, tag))
        at += len(w)
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    gold = read_conllu(sys.argv[1])
    before, after = read_conllu(sys.argv[2]), read_conllu(sys.argv[3])  # lexkit tag's CoNLL-U
    if not len(gold) == len(before) == len(after):
        sys.exit(f"zh_join_diff.py: {len(gold)}, {len(before)}, {len(after)} sentences")
    n = ok = 0
    for k, (g, b, a) in enumerate(zip(gold, before, after)):
        bs, gs = spans(b), spans(g)
        old = {(s, l) for s, l, _, _ in bs}
        words = {(s, l) for s, l, _, _ in gs}
        text = "".join(w for w, _ in b)
        for s, l, w, tag in spans(a):
            if (s, l) in old:
                continue
            n += 1
            good = (s, l) in words
            ok += good
            parts = " ".join(f"{x[2]}/{x[3]}" for x in bs if s <= x[0] < s + l)
            near = " ".join(x[2] for x in gs if x[0] + x[1] > s - 2 and x[0] < s + l + 2)
            ctx = f"{text[max(0, s - 6):s]}[{w}]{text[s + l:s + l + 6]}"
            print(f"{'OK ' if good else 'BAD'} {w}/{tag} | {parts} | {ctx} | gold: {near} | s{k}")
    print(f"{n} new words, {ok} of them gold words", file=sys.stderr)


if __name__ == "__main__":
    main()
