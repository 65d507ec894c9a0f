#!/usr/bin/python3
"""Clause augmentation for a CoNLL-U training file (issue 11, variant G in docs/tagger.md).

  zh_clauses.py IN.conllu OUT.conllu RATE SEED

Copies IN; after a RATE share of its sentences (chosen with random.Random(SEED)) it adds each
clause of 2+ tokens (cut after ， ； 。 ！ ？ , ; ! ?) again as a sentence of its own (FORM and
UPOS kept; HEAD/DEPREL are placeholders, which the tagger does not read). Prints the number
of added sentences on stderr. Tried as a way to show the model short, context-poor text; it
did not help out of domain.
"""
import sys, random
inp, out, rate, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
def sents(p):
    s=[]
    for l in open(p,encoding='utf-8'):
        if not l.strip():
            if s: yield s
            s=[]
        else: s.append(l.rstrip('\n'))
    if s: yield s
CUT = set('，；。！？,;!?')
with open(out,'w',encoding='utf-8') as f:
    n = 0
    for s in sents(inp):
        f.write('\n'.join(s)+'\n\n')
        rows=[l.split('\t') for l in s if not l.startswith('#')]
        rows=[r for r in rows if len(r)==10 and r[0].isdigit()]
        if rng.random() >= rate: continue
        cl=[]; cur=[]
        for r in rows:
            cur.append(r)
            if r[1] in CUT: cl.append(cur); cur=[]
        if cur: cl.append(cur)
        if len(cl) < 2: continue
        for c in cl:
            if len(c) < 2: continue
            for i,r in enumerate(c):
                r=list(r); r[0]=str(i+1); r[6]='0' if i==0 else '1'; r[7]='dep'
                f.write('\t'.join(r)+'\n')
            f.write('\n'); n+=1
print(n, file=sys.stderr)
