#!/usr/bin/python3
"""Convert UD Chinese GSD v1.4 CoNLL-U (UD v1 labels, ASCII punctuation) to the UD v2
conventions of UD_Chinese-GSDSimp, and check the conversion against a v2 file.

  zh_gsd_v2.py convert IN.conllu OUT.conllu [--ascii-punct-rate R] [--seed S]
  zh_gsd_v2.py check   V1.conllu V2.conllu     # convert V1, compare token by token with V2

The rules use only the v1 FORM, UPOS, XPOS and DEPREL columns (derived by comparing
zh_gsd-simp-dev with zh_gsdsimp-ud-dev, which hold the same 500 sentences):
  punctuation tokens: , . ( ) 「 」 : ; ? ! -> ， 。 （ ） “ ” ： ； ？ ！ (East Asian forms)
  CONJ -> CCONJ;  RB + mark -> SCONJ;  DEC + acl(:relcl) -> SCONJ (的/之 of relative clauses);
  DEV 地/的 + mark -> SCONJ;  AS (了/着/过) -> AUX;  VC + cop -> AUX (not 即/非/而非);
  BB + auxpass (被/为) -> AUX;  BB + aux:caus (将/把) -> ADP;  UH + discourse -> PART;
  a one-character JJ + case -> ADP;  SYM '/' -> PUNCT;  帐户 -> 账户, 义大利 -> 意大利.
--ascii-punct-rate R keeps the ASCII punctuation of a random share R of the sentences
(augmentation: real text mixes both forms). Only columns 2 and 4 change; the rest is kept.
"""
import random
import sys

PUNCT_MAP = {
    ",": "，", ".": "。", "(": "（", ")": "）", "「": "“", "」": "”", ":": "：", ";": "；",
    "?": "？", "!": "！", "..": "。。", "...": "…", "......": "……", "``": "“", "''": "”",
}
FORM_FIX = {"帐户": "账户", "义大利": "意大利"}
COP_VERBS = {"即", "非", "而非"}


def read_conllu(path):
    """Sentences as lists of lines (comments kept, token lines split into 10 columns)."""
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            cur.append(line if line.startswith("#") else line.split("\t"))
    if cur:
        sents.append(cur)
    return sents


def convert_upos(form, upos, xpos, deprel):
    base = deprel.split(":")[0]
    if upos == "CONJ":
        return "CCONJ"
    if xpos == "RB" and base == "mark":
        return "SCONJ"
    if xpos == "DEC" and base == "acl":
        return "SCONJ"
    if xpos == "DEV" and base == "mark" and form in ("地", "的"):
        return "SCONJ"
    if xpos == "AS":
        return "AUX"
    if xpos == "VC" and base == "cop":
        return "VERB" if form in COP_VERBS else "AUX"
    if xpos == "BB":
        return "AUX" if deprel == "auxpass" else "ADP"
    if xpos == "UH" and base == "discourse":
        return "PART"
    if xpos == "JJ" and base == "case" and len(form) == 1:
        return "ADP"
    if upos == "SYM" and form == "/":
        return "PUNCT"
    return upos


def convert_sentence(sent, ascii_punct):
    out = []
    for tok in sent:
        if isinstance(tok, str):
            out.append(tok)
            continue
        if not tok[0].isdigit():
            out.append(tok)
            continue
        t = list(tok)
        upos = convert_upos(t[1], t[3], t[4], t[7])
        form = FORM_FIX.get(t[1], t[1])
        if upos == "PUNCT" and not ascii_punct:
            form = PUNCT_MAP.get(form, form)
        t[1], t[3] = form, upos
        out.append(t)
    return out


def write_conllu(sents, path):
    with open(path, "w", encoding="utf-8") as f:
        for s in sents:
            for tok in s:
                f.write((tok if isinstance(tok, str) else "\t".join(tok)) + "\n")
            f.write("\n")


def tokens(sent):
    return [t for t in sent if not isinstance(t, str) and t[0].isdigit()]


def check(v1_path, v2_path):
    import collections
    a = [convert_sentence(s, False) for s in read_conllu(v1_path)]
    b = read_conllu(v2_path)
    if len(a) != len(b):
        sys.exit("check: %d vs %d sentences" % (len(a), len(b)))
    n = form_ok = upos_ok = both_ok = same_seg = 0
    diffs = collections.Counter()
    for x, y in zip(a, b):
        tx, ty = tokens(x), tokens(y)
        if [t[1] for t in tx] == [t[1] for t in ty]:
            same_seg += 1
        if len(tx) != len(ty):
            n += len(ty)
            diffs[("retokenised sentence", "", "")] += 1
            continue
        for t, u in zip(tx, ty):
            n += 1
            form_ok += t[1] == u[1]
            upos_ok += t[3] == u[3]
            both_ok += t[1] == u[1] and t[3] == u[3]
            if t[1] != u[1] or t[3] != u[3]:
                diffs[(t[1] + "/" + t[3], u[1] + "/" + u[3], t[4] + " " + t[7])] += 1
    print("sentences %d, same segmentation %d" % (len(a), same_seg))
    print("tokens %d: FORM agree %.4f, UPOS agree %.4f, FORM+UPOS agree %.4f"
          % (n, form_ok / n, upos_ok / n, both_ok / n))
    print("remaining differences (converted -> v2, v1 XPOS DEPREL): %d tokens"
          % (n - both_ok))
    for (src, dst, ctx), c in diffs.most_common(25):
        print("  %4d  %s -> %s  (%s)" % (c, src, dst, ctx))


def main(argv):
    if len(argv) >= 4 and argv[1] == "check":
        check(argv[2], argv[3])
        return
    if len(argv) < 4 or argv[1] != "convert":
        sys.exit(__doc__)
    rate, seed = 0.0, 1
    rest = argv[4:]
    while rest:
        if rest[0] == "--ascii-punct-rate" and len(rest) > 1:
            rate = float(rest[1])
        elif rest[0] == "--seed" and len(rest) > 1:
            seed = int(rest[1])
        else:
            sys.exit("unknown option " + rest[0])
        rest = rest[2:]
    rng = random.Random(seed)
    sents = read_conllu(argv[2])
    write_conllu([convert_sentence(s, rng.random() < rate) for s in sents], argv[3])


if __name__ == "__main__":
    main(sys.argv)
