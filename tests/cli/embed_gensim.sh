#!/usr/bin/env bash
# Interoperability: gensim's KeyedVectors.load_word2vec_format reads lexkit's text and binary
# vectors with the same words and values (python3-gensim is a test dependency).
set -eu
: "${LEXKIT:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-embed-gensim.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$LEXKIT" embed --input tests/data/emb_corpus.txt --output "$T/v.txt" --dim 10 --min-count 2 \
  --epochs 1 --seed 2 --quiet
"$LEXKIT" embed --input tests/data/emb_corpus.txt --output "$T/v.bin" --format bin --dim 10 \
  --min-count 2 --epochs 1 --seed 2 --quiet
/usr/bin/python3 - "$T" <<'PY'
import sys
import numpy as np
from gensim.models import KeyedVectors
t = sys.argv[1]
# our own parse of the text file: the reference values
words, rows = [], []
with open(f"{t}/v.txt", encoding="utf-8") as f:
    n, dim = map(int, f.readline().split())
    for line in f:
        p = line.rstrip("\n").split(" ")
        words.append(p[0])
        rows.append([float(x) for x in p[1:]])
ref = np.array(rows, dtype=np.float32)
assert ref.shape == (n, dim) == (len(words), 10), ref.shape
for name, binary in (("v.txt", False), ("v.bin", True)):
    kv = KeyedVectors.load_word2vec_format(f"{t}/{name}", binary=binary)
    assert kv.index_to_key == words, name
    assert np.array_equal(kv.vectors, ref), name  # %.9g text and float32 binary are exact
# the other way: files gensim writes (its binary has no newline after a vector)
rng = np.random.default_rng(1)
kv = KeyedVectors(vector_size=6)
kv.add_vectors(["w%d" % i for i in range(20)] + ["北京"], rng.standard_normal((21, 6)).astype(np.float32))
kv.save_word2vec_format(f"{t}/g.txt")
kv.save_word2vec_format(f"{t}/g.bin", binary=True)
with open(f"{t}/g.expect", "w", encoding="utf-8") as f:
    for w, s in kv.most_similar("北京", topn=4):
        f.write("%s\t%.9f\n" % (w, s))
PY
# same words in the same order; cosines within 1e-5 (gensim's numpy BLAS and lexkit
# round float32 dot products differently, by kernel: printed digits may differ in the last place)
for f in g.txt g.bin; do
  "$LEXKIT" neighbors --vectors "$T/$f" --word 北京 --k 4 > "$T/$f.got"
  python3 - "$T/$f.got" "$T/g.expect" <<'PY' || { paste "$T/$f.got" "$T/g.expect"; echo "FAIL: $f neighbours differ from gensim" >&2; exit 1; }
import sys
got = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
want = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
assert [g[0] for g in got] == [w[0] for w in want], (got, want)
assert all(abs(float(g[1]) - float(w[1])) <= 1e-5 for g, w in zip(got, want)), (got, want)
PY
done
echo ok
