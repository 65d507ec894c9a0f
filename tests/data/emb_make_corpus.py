#!/usr/bin/env python3
"""Writes emb_corpus.txt: a small synthetic tokenized corpus (one sentence per line) for the
embedding tests. Deterministic (fixed seed); rerun to regenerate."""
import random

rng = random.Random(7)
people = ["king", "queen", "prince", "princess", "man", "woman", "boy", "girl"]
places = ["paris", "rome", "berlin", "madrid", "london", "vienna"]
animals = ["cat", "dog", "horse", "cow", "sheep", "goat"]
verbs = ["rules", "visits", "loves", "sees", "leaves", "finds"]
food = ["bread", "cheese", "apple", "milk", "wine", "rice"]
lines = []
for _ in range(220):
    k = rng.randrange(4)
    if k == 0:
        s = ["the", rng.choice(people), rng.choice(verbs), "the", "city", "of", rng.choice(places)]
    elif k == 1:
        s = ["a", rng.choice(animals), "eats", rng.choice(food), "on", "the", "farm"]
    elif k == 2:
        s = ["the", rng.choice(people), "eats", rng.choice(food), "in", rng.choice(places)]
    else:
        s = ["the", rng.choice(animals), "and", "the", rng.choice(animals), "sleep", "near",
             "the", "farm"]
    lines.append(" ".join(s))
with open("emb_corpus.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
