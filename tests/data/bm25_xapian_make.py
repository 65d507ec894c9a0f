#!/usr/bin/python3
"""Writes bm25_xapian_docs.jsonl and bm25_xapian_queries.tsv for tests/cli/bm25_xapian.sh
(lexkit --variant xapian against Xapian's BM25Weight): 300 short documents of lowercase
words (no punctuation, so lexkit's plain analyzer and Xapian's TermGenerator make the same
terms), drawn Zipf-like from 40 words with a seeded generator. What the formula's edges
need: "the" in about 60% of the documents and "and" in all but the empty and the one-word
ones (Robertson-Sparck Jones ratio below 2: lifted), an empty document, one-word documents
(length below half the average: min_normlen), a few long ones, words repeated in a
document; and queries with repeated words, frequent words, unknown words."""
import json
import random

WORDS = ("cat dog fox owl bee ant elk yak emu gnu cow pig hen ram eel cod jay kit bat rat "
         "sun moon star rain snow wind leaf tree rock sand lake hill road gate door wall "
         "lamp book pen cup").split()
ZIPF = [1 / r for r in range(1, len(WORDS) + 1)]

rng = random.Random(19)
docs = []
for i in range(300):
    if i == 7:
        words = []  # empty: counted in N, length 0
    elif i % 25 == 3:
        words = [WORDS[i % 9]]  # one word
    elif i % 50 == 11:
        words = rng.choices(WORDS, ZIPF, k=40)
    else:
        words = rng.choices(WORDS, ZIPF, k=rng.randint(2, 9))
    if len(words) > 1:
        if rng.random() < 0.6:
            words.insert(rng.randrange(len(words) + 1), "the")
        words.append("and")
    docs.append(words)
docs[28] = ["and"]

QUERIES = [
    "cat", "cat dog", "cat cat dog", "the cat", "the the fox", "and", "and the",
    "fox fox fox owl", "sun moon star", "lamp book pen cup", "unknownword cat",
    "zebra", "rain rain snow snow wind", "cat dog fox owl bee ant elk yak emu gnu cow",
    "door", "the and gate", "kit kit", "bat and rat the", "kit",
]

with open("bm25_xapian_docs.jsonl", "w", encoding="utf-8") as f:
    for i, words in enumerate(docs):
        f.write(json.dumps({"id": "x%d" % i, "text": " ".join(words)}, separators=(",", ":"))
                + "\n")
with open("bm25_xapian_queries.tsv", "w", encoding="utf-8") as f:
    for i, q in enumerate(QUERIES, 1):
        f.write("q%d\t%s\n" % (i, q))
