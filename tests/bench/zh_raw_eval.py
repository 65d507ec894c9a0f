#!/usr/bin/env python3
"""Segmentation and joint word+UPOS F1 of `lexkit tag` (raw text, extra options) on a
CoNLL-U treebank, and jieba.cut's segmentation F1 on the same raw sentences.
Usage: zh_raw_eval.py LEXKIT MODEL GOLD.conllu NAME [lexkit tag options...]
Prints: NAME<TAB>seg_f1<TAB>joint_f1 (and, with JIEBA=1, NAME-jieba<TAB>seg_f1).
The raw text of a sentence is its gold FORMs joined, or with RAW=text its `# text` comment
(the original sentence with its spaces, as Stanza and UDPipe are evaluated); words are then
matched by their non-space characters."""
import os, subprocess, sys, tempfile

def read_conllu(path, texts=None):
    """Sentences as [(FORM without spaces, UPOS)]; their `# text` lines appended to texts."""
    sents, cur, text = [], [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                sents.append(cur)
                if texts is not None:
                    texts.append(text)
                cur, text = [], None
            continue
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        if line.startswith("#"):
            continue
        f = line.split("\t")
        if "-" in f[0] or "." in f[0]:
            continue
        cur.append((f[1].replace(" ", ""), f[3]))
    if cur:
        sents.append(cur)
        if texts is not None:
            texts.append(text)
    return sents

def spans(words):
    out, at = set(), 0
    for w, tag in words:
        out.add((at, len(w), tag))
        at += len(w)
    return out

def prf(gold, pred, joint):
    g = p = m = 0
    for gs, ps in zip(gold, pred):
        a = spans(gs) if joint else {(s, l) for s, l, _ in spans(gs)}
        b = spans(ps) if joint else {(s, l) for s, l, _ in spans(ps)}
        g += len(a); p += len(b); m += len(a & b)
    pr, rc = m / max(p, 1), m / max(g, 1)
    return 2 * pr * rc / max(pr + rc, 1e-12)

def main():
    lexkit, model, gold_path, name = sys.argv[1:5]
    opts = sys.argv[5:]
    texts = []
    gold = read_conllu(gold_path, texts)
    raw = ["".join(w for w, _ in s) for s in gold]
    if os.environ.get("RAW") == "text":
        if None in texts:
            sys.exit(f"zh_raw_eval.py: {gold_path}: a sentence has no '# text' line")
        raw = texts
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(raw) + "\n")
        txt = f.name
    try:
        out = subprocess.run([lexkit, "tag", "--model", model, "--input", txt,
                              "--output-format", "conllu", "--threads", "1"] + opts,
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(txt)
    pred, cur = [], []
    for line in out.split("\n"):
        if not line:
            if cur:
                pred.append(cur)
                cur = []
            continue
        if line.startswith("#"):  # tag's `# sent_id` / `# text` comments
            continue
        f = line.split("\t")
        cur.append((f[1], f[3]))
    assert len(pred) == len(gold), (len(pred), len(gold))
    for g, p in zip(gold, pred):
        assert "".join(w for w, _ in g) == "".join(w for w, _ in p), "characters changed"
    print(f"{name}\t{prf(gold, pred, False):.4f}\t{prf(gold, pred, True):.4f}")
    if os.environ.get("JIEBA") == "1":
        import logging
        import jieba
        jieba.setLogLevel(logging.WARNING)
        jp = [[(w.replace(" ", ""), "_") for w in jieba.cut(s) if w.strip()] for s in raw]
        print(f"{name}-jieba\t{prf(gold, jp, False):.4f}\t-")

if __name__ == "__main__":
    main()
