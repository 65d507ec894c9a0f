#!/usr/bin/python3
"""scikit-learn side of the lexkit bow/tfidf parity checks and benchmarks.

  bench_features.py sklearn --input DOCS [--input-format jsonl|text] --output M.svm
        [--vocab-out V.tsv] [--tfidf] [lexkit bow/tfidf options ...]
      Runs CountVectorizer / TfidfVectorizer with the options mapped one to one, writes the
      matrix with dump_svmlight_file(zero_based=True) (or, with --sorted, sorted rows with
      10 significant digits: the committed fixtures) and the vocabulary in lexkit's TSV format.
  bench_features.py compare A.svm A.tsv B.svm B.tsv
      Prints `vocab identical|DIFFERENT`, `max_abs_diff X`; exit 1 if they differ.

Document text = title + " " + text when the title is non-empty, else text (as lexkit).
Text input: one document per line, lines of only spaces/tabs/CR skipped (as lexkit).
"""
import json
import sys

import numpy as np
from sklearn.datasets import dump_svmlight_file, load_svmlight_file
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer


def read_docs(path, fmt):
    docs = []
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.endswith("\r"):
                line = line[:-1]
            if line.strip(" \t\r") == "":
                continue
            if fmt == "text":
                docs.append(line)
            else:
                d = json.loads(line)
                t = d.get("title", "")
                docs.append(t + " " + d["text"] if t else d["text"])
    return docs


def df_value(s):
    return float(s) if any(c in s for c in ".eE") else int(s)


def parse_args(argv):
    o = {"input_format": "jsonl", "tfidf": False, "sorted": False, "vocab_out": None,
         "kw": {}, "idf": "smooth"}
    kw = o["kw"]
    i = 0
    while i < len(argv):
        a = argv[i]
        if "=" in a:
            a, v = a.split("=", 1)
            argv = argv[:i] + [a, v] + argv[i + 1:]
        flagmap = {"--binary": ("binary", True), "--no-lower": ("lowercase", False),
                   "--lower": ("lowercase", True), "--sublinear-tf": ("sublinear_tf", True),
                   "--no-smooth-idf": ("smooth_idf", False)}
        if a in flagmap:
            kw[flagmap[a][0]] = flagmap[a][1]
        elif a == "--tfidf":
            o["tfidf"] = True
        elif a == "--sorted":
            o["sorted"] = True
        else:
            v = argv[i + 1]
            i += 1
            if a == "--input": o["input"] = v
            elif a == "--input-format": o["input_format"] = v
            elif a == "--output": o["output"] = v
            elif a == "--vocab-out": o["vocab_out"] = v
            elif a == "--analyzer": kw["analyzer"] = v
            elif a == "--ngram":
                lo, hi = v.split(":")
                kw["ngram_range"] = (int(lo), int(hi))
            elif a == "--min-df": kw["min_df"] = df_value(v)
            elif a == "--max-df": kw["max_df"] = df_value(v)
            elif a == "--max-features": kw["max_features"] = int(v)
            elif a == "--norm": kw["norm"] = None if v == "none" else v
            elif a == "--idf": o["idf"] = v
            elif a == "--tokenizer": pass  # sklearn's default token pattern is the reference
            else: raise SystemExit("bench_features.py: unknown option " + a)
        i += 1
    if o["idf"] == "plain":
        kw["smooth_idf"] = False
    elif o["idf"] == "none":
        kw["use_idf"] = False
    elif o["idf"] != "smooth":
        raise SystemExit("bench_features.py: --idf %s has no sklearn equivalent" % o["idf"])
    return o


def escape(t):
    return t.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def describe(kw):
    """lexkit's analyzer line (lk_bow_config_describe) for these sklearn settings."""
    an = kw.get("analyzer", "word")
    lo, hi = kw.get("ngram_range", (1, 1))
    word = an == "word"
    return "analyzer=%s ngram=%d:%d lower=1 tokenizer=%s stop_words=%s" % (
        an, lo, hi, "sklearn" if word else "-", "none" if word else "-")


def run_sklearn(argv):
    o = parse_args(argv)
    docs = read_docs(o["input"], o["input_format"])
    vec = (TfidfVectorizer if o["tfidf"] else CountVectorizer)(**o["kw"])
    X = vec.fit_transform(docs)
    if o["sorted"]:
        X.sort_indices()
        with open(o["output"], "w", encoding="utf-8") as f:
            for r in range(X.shape[0]):
                a, b = X.indptr[r], X.indptr[r + 1]
                items = " ".join("%d:%.10g" % (c, v) for c, v in zip(X.indices[a:b], X.data[a:b]))
                f.write("0" + (" " + items if items else "") + "\n")
    else:
        dump_svmlight_file(X, np.zeros(X.shape[0]), o["output"], zero_based=True)
    if o["vocab_out"]:
        terms = vec.get_feature_names_out()
        df = np.bincount(X.indices, minlength=X.shape[1])
        with open(o["vocab_out"], "w", encoding="utf-8", newline="\n") as f:
            f.write("#n_docs\t%d\n" % X.shape[0])
            f.write("#analyzer\t%s\n" % describe(o["kw"]))
            for c, t in enumerate(terms):
                f.write("%s\t%d\t%d\n" % (escape(t), c, df[c]))


def read_vocab(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return [l.rstrip("\n") for l in f]


def compare(a_svm, a_voc, b_svm, b_voc):
    va, vb = read_vocab(a_voc), read_vocab(b_voc)
    same_vocab = va == vb
    n = sum(1 for i, l in enumerate(va) if not (i < 2 and l.startswith(("#n_docs\t", "#analyzer\t"))))
    A = load_svmlight_file(a_svm, n_features=n, zero_based=True)[0]
    B = load_svmlight_file(b_svm, n_features=n, zero_based=True)[0]
    if A.shape != B.shape:
        print("vocab %s\nshape DIFFERENT %s %s" % ("identical" if same_vocab else "DIFFERENT",
                                                  A.shape, B.shape))
        return 1
    diff = abs(A - B)
    m = diff.max() if diff.nnz else 0.0
    print("vocab %s (%d terms, %d docs)\nmax_abs_diff %.3g" %
          ("identical" if same_vocab else "DIFFERENT", n, A.shape[0], m))
    if not same_vocab:
        for i, (x, y) in enumerate(zip(va, vb)):
            if x != y:
                print("  first difference at line %d: %r vs %r" % (i + 1, x, y))
                break
    return 0 if same_vocab and m <= 1e-6 else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "sklearn":
        run_sklearn(sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "compare":
        sys.exit(compare(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
