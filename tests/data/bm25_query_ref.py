#!/usr/bin/python3
"""Brute-force reference for the query syntax of `lexkit search --syntax on`
(tests/cli/bm25_query_ref.sh). Standard library only.

  bm25_query_ref.py gen DOCS.jsonl QUERIES.tsv [N]   write a generated collection and queries
  bm25_query_ref.py genp DOCS.jsonl QUERIES.tsv      the same with prefix* queries (and 400
                                                      "zq" words, so that "zq*" has more
                                                      than 128 terms)
  bm25_query_ref.py ref DOCS.jsonl QUERIES.tsv REF.tsv [TW]  every query's results and
                                                      scores (TW: title weight, default 1)
  bm25_query_ref.py compare REF.tsv RUN.trec [K]      compare a lexkit TREC run (top K) with
                                                      them: exit 1 on any difference

The collection is made of lowercase ASCII words (no digits, no punctuation), so the analysis
is `split()`: this script matches and scores without any analyzer. Semantics (docs/search.md,
"Query syntax"):
- a document's terms are its title's words then its text's words; N = documents,
  avgdl = mean length, df = documents holding the term; Lucene BM25, k1 1.2, b 0.75;
  with a title weight TW (index --title-weight) a title word counts TW times in tf and in
  the document's length (BM25F with integer field weights);
- scoring terms: the words of every clause that is not excluded (phrases and field clauses
  included), each occurrence counting; a result holds at least one of them;
- `+w` keeps documents holding w, `-w` drops them; `"a b"` (also `+"a b"`) keeps documents
  whose title or whose text holds the words consecutively, `-"a b"` drops them;
  `field:w` / `field:"a b"` keep documents whose field holds the word(s) consecutively,
  `-field:...` drops them;
- `p*`: the collection's words starting with p (all of them). Unless excluded it is ONE
  scoring term, their synonym (Xapian's OP_SYNONYM): its tf in a document is the sum of the
  tfs of all those words, its df the number of documents holding at least one of them, and
  it scores as a word with that tf and df (a prefix given twice counts twice, as a word
  does); with + (-) a document must (must not) hold one of the words; `field:p*` (required
  unless -) keeps documents whose field holds one of them;
- ranking: score descending, then id ascending (bytewise).
A rank may differ from lexkit's only between documents whose reference scores are within
1e-9 of each other (different summation orders); every score must agree within 1e-6.
"""
import collections
import json
import math
import random
import sys

K1, B = 1.2, 0.75


def make_vocab(rng, n):
    cons, vows = "bcdfghklmnprstvz", "aeiou"
    words = set()
    while len(words) < n:
        k = rng.choice((2, 2, 3))
        words.add("".join(rng.choice(cons) + rng.choice(vows) for _ in range(k)))
    return sorted(words)


def gen(docs_path, queries_path, n=3000, prefixes=False):
    rng = random.Random(13)
    vocab = make_vocab(rng, 600)
    if prefixes:
        vocab += ["zq%03d" % i for i in range(400)]
        rng.shuffle(vocab)
    weights = [1.0 / (r + 1) for r in range(len(vocab))]  # Zipf
    phrases = [[rng.choice(vocab[:80]) for _ in range(rng.choice((2, 2, 3)))] for _ in range(25)]

    def words(lo, hi):
        out = []
        want = rng.randint(lo, hi)
        while len(out) < want:
            if rng.random() < 0.08:
                out.extend(rng.choice(phrases))
            else:
                out.append(rng.choices(vocab, weights)[0])
        return out

    docs = []
    with open(docs_path, "w") as f:
        for i in range(n):
            d = {"id": "doc%04d" % i}
            if rng.random() > 0.05:
                d["title"] = " ".join(words(1, 5))
            d["text"] = " ".join(words(3, 60))
            docs.append(d)
            f.write(json.dumps(d) + "\n")

    def some_word():
        return rng.choices(vocab[:200], weights[:200])[0]

    def some_phrase(field=None):
        if rng.random() < 0.5:
            return list(rng.choice(phrases))
        d = rng.choice(docs)  # adjacent words of a real document
        w = d.get(field or rng.choice(("title", "text")), d["text"]).split()
        m = min(len(w), rng.choice((1, 2, 2, 3)))
        a = rng.randint(0, len(w) - m)
        return w[a:a + m]

    def prefix_clause():
        r = rng.random()
        p = "zq" + "".join(rng.choice("0123") for _ in range(rng.choice((0, 0, 1, 2))))
        if r >= 0.3:
            w = some_word()
            p = w[:rng.choice((1, 2, 2, 3, 4))]
        if rng.random() < 0.25:  # in one field
            p = rng.choice(("title:", "text:")) + p
        return rng.choice(("", "", "+", "-")) + p + "*"

    def clause():
        r = rng.random()
        if prefixes and r < 0.4:
            return prefix_clause()
        if r < 0.35:
            return some_word()
        if r < 0.50:
            return "+" + some_word()
        if r < 0.62:
            return "-" + some_word()
        if r < 0.74:
            return rng.choice(("", "", "+", "-")) + '"%s"' % " ".join(some_phrase())
        f = rng.choice(("title", "text"))
        p = some_phrase(f)
        v = p[0] if len(p) == 1 or rng.random() < 0.5 else '"%s"' % " ".join(p)
        return rng.choice(("", "", "+", "-")) + f + ":" + v

    with open(queries_path, "w") as f:
        for i in range(400):
            qs = [clause() for _ in range(rng.randint(1, 4))]
            if i % 10 == 0:
                qs = [some_word() for _ in range(rng.randint(1, 3))]  # plain queries
            f.write("r%03d\t%s\n" % (i, " ".join(qs)))


def parse(q):
    """Clauses (occur, field, words) of a well-formed generated query."""
    out, i = [], 0  # (occur, field, phrase, words, prefix)
    while i < len(q):
        if q[i] == " ":
            i += 1
            continue
        occur = "should"
        if q[i] in "+-":
            occur = "must" if q[i] == "+" else "not"
            i += 1
        field = None
        for f in ("title:", "text:"):
            if q.startswith(f, i):
                field, i = f[:-1], i + len(f)
        if q[i] == '"':
            j = q.index('"', i + 1)
            words, i, phrase = q[i + 1:j].split(), j + 1, True
        else:
            j = q.find(" ", i)
            j = len(q) if j < 0 else j
            words, i, phrase = [q[i:j]], j, False
        prefix = not phrase and words[0].endswith("*")
        if prefix:
            words = [words[0][:-1]]
        if occur == "should" and (phrase or field):
            occur = "must"
        out.append((occur, field, phrase, words, prefix))
    return out


def expand(p):
    """A prefix's terms: every collection word starting with p."""
    return {w for w in DF if w.startswith(p)}


def prefix_df(docs, p, exp):
    """Documents holding at least one word of prefix p (exp: its words), counted once."""
    if p not in PDF:
        PDF[p] = sum(1 for d in docs if d["set"] & exp)
    return PDF[p]


def has_seq(toks, seq):
    m = len(seq)
    return any(toks[a:a + m] == seq for a in range(len(toks) - m + 1))


def reference(docs, query):
    n = len(docs)
    clauses = parse(query)
    exp = {ws[0]: expand(ws[0]) for _, _, _, ws, prefix in clauses if prefix}
    terms = []  # scoring terms: (word, None) or (prefix, its words)
    for occ, _, _, ws, prefix in clauses:
        if occ != "not":
            terms += [(ws[0], exp[ws[0]])] if prefix else [(w, None) for w in ws]
    res = {}
    for d in docs:
        t, tset = d["toks"], d["set"]
        present = []  # (tf, df) of each scoring term the document holds
        for w, words in terms:
            if words is None:
                if w in tset:
                    present.append((d["tf"][w], DF[w]))
            else:
                tf = sum(d["tf"][x] for x in words & tset)
                if tf:
                    present.append((tf, prefix_df(docs, w, words)))
        if not present:
            continue
        keep = True
        for occ, field, phrase, ws, prefix in clauses:
            if prefix:
                hit = bool(exp[ws[0]] & set(d["f_" + field] if field else tset))
            elif field:
                hit = has_seq(d["f_" + field], ws)
            elif phrase:
                hit = has_seq(d["f_title"], ws) or has_seq(d["f_text"], ws)
            else:
                hit = all(w in tset for w in ws)
            if occ == "must" and not hit:
                keep = False
            if occ == "not" and hit:
                keep = False
        if not keep:
            continue
        s = 0.0
        for tf, df in present:
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += idf * tf / (tf + K1 * (1 - B + B * d["len"] / AVG[0]))
        res[d["id"]] = s
    return sorted(res.items(), key=lambda kv: (-kv[1], kv[0].encode()))


DF = {}
PDF = {}  # prefix -> documents holding one of its words
AVG = [0.0]


def ref(docs_path, queries_path, out_path, tw=1):
    """Every query's full ranking as TSV lines qid, rank, id, score (%.17g)."""
    docs = [json.loads(line) for line in open(docs_path)]
    DF.clear()
    PDF.clear()
    for d in docs:
        d["f_title"], d["f_text"] = d.get("title", "").split(), d["text"].split()
        d["toks"] = d["f_title"] + d["f_text"]
        d["set"] = set(d["toks"])
        d["tf"] = collections.Counter(d["f_text"])
        for w in d["f_title"]:
            d["tf"][w] += tw
        d["len"] = tw * len(d["f_title"]) + len(d["f_text"])
        for w in d["set"]:
            DF[w] = DF.get(w, 0) + 1
    AVG[0] = sum(d["len"] for d in docs) / len(docs)
    with open(out_path, "w") as f:
        for line in open(queries_path):
            qid, text = line.rstrip("\n").split("\t", 1)
            f.write("%s\t0\t\t%s\n" % (qid, text))  # the query (rank 0)
            for r, (d, s) in enumerate(reference(docs, text), 1):
                f.write("%s\t%d\t%s\t%.17g\n" % (qid, r, d, s))


def compare(ref_path, run_path, k=None):
    want, texts = {}, {}
    for line in open(ref_path):
        qid, rank, doc, score = line.rstrip("\n").split("\t")
        if rank == "0":
            texts[qid] = score
            want[qid] = []
        elif k is None or int(rank) <= k:
            want[qid].append((doc, float(score)))
    run = {}
    for line in open(run_path):
        qid, _, doc, rank, score, _ = line.split()
        run.setdefault(qid, []).append((doc, float(score), int(rank)))
    bad, results, nonempty = 0, 0, 0
    for qid in texts:
        text, w, got = texts[qid], want[qid], run.get(qid, [])
        results += len(w)
        nonempty += bool(w)
        if len(got) != len(w):
            print("%s (%s): %d results, reference %d" % (qid, text, len(got), len(w)))
            bad += 1
            continue
        refs = dict(w)
        for r, ((gd, gs, grank), (wd, ws)) in enumerate(zip(got, w), 1):
            if grank != r:
                print("%s: rank column %d at line %d" % (qid, grank, r))
                bad += 1
                break
            if gd not in refs or abs(refs[gd] - gs) > 1e-6 * max(1.0, abs(gs)):
                print("%s (%s): rank %d %s %.9g, reference %s %.9g"
                      % (qid, text, r, gd, gs, wd, ws))
                bad += 1
                break
            if gd != wd and abs(refs[gd] - ws) > 1e-9:
                print("%s (%s): rank %d is %s, reference %s" % (qid, text, r, gd, wd))
                bad += 1
                break
    extra = set(run) - set(texts)
    if extra:
        print("results for unknown queries: %s" % sorted(extra)[:5])
        bad += 1
    print("%d queries (%d with results), %d results compared, %d mismatching queries"
          % (len(texts), nonempty, results, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3000)
    elif sys.argv[1] == "genp":
        gen(sys.argv[2], sys.argv[3], 2000, prefixes=True)
    elif sys.argv[1] == "ref":
        ref(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None))
