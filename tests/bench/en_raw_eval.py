#!/usr/bin/env python3
"""en_raw_eval.py: word and UPOS F1 of raw-text English tagging against a UD CoNLL-U file,
CoNLL 2018 style: a system word counts when its character span in the sentence's `# text`
equals a gold syntactic word's span (multiword tokens split by their words' lengths, as in
EWT, where the words always concatenate to the token); UPOS F1 also needs the tag.

  en_raw_eval.py gold.conllu --text > raw.txt          # the `# text` lines
  en_raw_eval.py gold.conllu pred.txt [--slash] [--errors N]
      pred: one line per sentence, tokens (w) or, with --slash, w/TAG; --errors N prints
      the first N sentences whose words differ to stderr
Prints `words_precision`, `words_recall`, `words_f1`, then `upos_f1` for slash input.
"""
import sys


def sents(path):
    text, toks, rng = None, [], None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('# text = '):
            text = line[9:]
        elif not line:
            if toks:
                yield text, toks
            text, toks = None, []
        elif line[0] != '#':
            c = line.split('\t')
            if '.' in c[0]:
                continue
            if '-' in c[0]:
                rng = [int(c[0].split('-')[1]), c[1], []]
                continue
            if rng and int(c[0]) <= rng[0]:
                rng[2].append((c[1], c[3]))
                if int(c[0]) == rng[0]:
                    toks.append((rng[1], rng[2]))
                    rng = None
            else:
                toks.append((c[1], [(c[1], c[3])]))


def gold_spans(text, toks):
    pos, out = 0, set()
    for surf, words in toks:
        i = text.find(surf, pos)
        if i < 0:
            raise SystemExit('cannot align gold token %r in %r' % (surf, text))
        p = i
        for w, u in words:
            out.add((p, p + len(w), u))
            p += len(w)
        pos = i + len(surf)
    return out


def pred_spans(text, line, slash):
    pos, out = 0, set()
    for tok in line.split():
        tag = None
        if slash:
            tok, _, tag = tok.rpartition('/')
        i = text.find(tok, pos)
        if i < 0:
            raise SystemExit('cannot align predicted token %r in %r' % (tok, text))
        out.add((i, i + len(tok), tag))
        pos = i + len(tok)
    return out


def main():
    gold = list(sents(sys.argv[1]))
    if sys.argv[2] == '--text':
        for text, _ in gold:
            print(text)
        return
    pred = open(sys.argv[2], encoding='utf-8').read().split('\n')
    slash = '--slash' in sys.argv
    n_err = int(sys.argv[sys.argv.index('--errors') + 1]) if '--errors' in sys.argv else 0
    ng = np = nw = nt = 0
    errs = []
    for k, (text, toks) in enumerate(gold):
        g = gold_spans(text, toks)
        p = pred_spans(text, pred[k], slash)
        gw = {(a, b) for a, b, _ in g}
        pw = {(a, b) for a, b, _ in p}
        ng += len(g)
        np += len(p)
        nw += len(gw & pw)
        nt += len({(a, b, u) for a, b, u in g} & p)
        if gw != pw and len(errs) < n_err:
            errs.append('G: ' + ' '.join(text[a:b] for a, b in sorted(gw - pw)) +
                        '\nP: ' + ' '.join(text[a:b] for a, b in sorted(pw - gw)))
    for e in errs:
        print(e, file=sys.stderr)
    pr, rc = nw / np, nw / ng
    print('words_precision\t%.4f\nwords_recall\t%.4f\nwords_f1\t%.4f' % (pr, rc, 2 * pr * rc / (pr + rc)))
    if slash:
        pr, rc = nt / np, nt / ng
        print('upos_f1\t%.4f' % (2 * pr * rc / (pr + rc)))


main()
