#!/usr/bin/python3
"""Regenerate the tests/data/feat_* fixtures with scikit-learn 1.2 (Debian python3-sklearn).

  /usr/bin/python3 tests/data/gen_feat_fixtures.py /work/shared/corpora/retrieval/npl/docs.jsonl

feat_docs.jsonl = 20 NPL documents (every 571st) + 6 hand-written documents with tricky
Unicode (final sigma, dotted capital I, combining marks, full-width forms, CJK, emoji, tabs,
no-break and em spaces, titlecase letters); feat_docs_small.jsonl = 3 of the NPL documents +
the 6 tricky ones (for char_wb, whose matrices are large). For each configuration of issue 3, the
expected matrix (sorted rows, %.17g) and vocabulary (lexkit's TSV) are written by
tests/bench/bench_features.py, which maps the lexkit options to the vectorizer's.
tests/cli/features.sh runs lexkit with the same options and compares (1e-6).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.join(HERE, "..", "bench", "bench_features.py")

TRICKY = [
    {"id": "u1", "title": "ΣΟΦΙΑ Σ", "text": "ΟΔΟΣ ΟΔΟΣ. Café naïve résumé — İstanbul STRASSE straße"},
    {"id": "u2", "title": "", "text": "北京大学 是 中国的 大学。 日本語テキスト 한국어"},
    {"id": "u3", "title": "Tabs", "text": "a\tb  c\u00a0d\u2003e  \t f_g 12 3 x__y"},
    {"id": "u4", "title": "", "text": "cafe\u0301 e\u0301te\u0301 \ufb01ne \uff26\uff55\uff4c\uff4c width \u00bd \u00b2 \u0663\u0664 digits"},
    {"id": "u5", "title": "emoji", "text": "I \u2764 NY \U0001F600\U0001F600 don't state-of-the-art e-mail O'Neil"},
    {"id": "u6", "title": "", "text": "UPPER lower MiXeD \u01c5ungla \u0386\u0388\u0389 \u1e9e"},
]

# name -> (command, docs, options); the same list is in tests/cli/features.sh
CONFIGS = [
    ("bow_unigrams", "bow", "feat_docs", []),
    ("unigrams", "tfidf", "feat_docs", []),
    ("ngram_1_2", "tfidf", "feat_docs", ["--ngram", "1:2"]),
    ("char_wb_2_4", "tfidf", "feat_docs_small", ["--analyzer", "char_wb", "--ngram", "2:4"]),
    ("char_1_3_bow", "bow", "feat_docs_small", ["--analyzer", "char", "--ngram", "1:3"]),
    ("sublinear_tf", "tfidf", "feat_docs", ["--sublinear-tf"]),
    ("norm_l1", "tfidf", "feat_docs", ["--norm", "l1"]),
    ("min_df_2_max_df_0.5", "tfidf", "feat_docs", ["--min-df", "2", "--max-df", "0.5"]),
    ("max_features_50", "tfidf", "feat_docs", ["--max-features", "50"]),
]


def main():
    npl = sys.argv[1]
    with open(npl, encoding="utf-8") as f:
        lines = f.readlines()
    npl_docs = [json.loads(l) for l in lines[::571][:20]]
    for base, docs in (("feat_docs", npl_docs + TRICKY), ("feat_docs_small", npl_docs[:3] + TRICKY)):
        with open(os.path.join(HERE, base + ".jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    for name, cmd, base, opts in CONFIGS:
        path = os.path.join(HERE, base + ".jsonl")
        args = [sys.executable, HELPER, "sklearn", "--sorted", "--input", path,
                "--output", os.path.join(HERE, "feat_%s.svm" % name),
                "--vocab-out", os.path.join(HERE, "feat_%s.tsv" % name)] + opts
        if cmd == "tfidf":
            args.append("--tfidf")
        subprocess.run(args, check=True)


if __name__ == "__main__":
    main()
