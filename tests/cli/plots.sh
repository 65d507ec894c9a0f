#!/usr/bin/env bash
# SVG plots, read back with Python's XML parser: `train-tagger --plot` holds the loss and dev
# accuracy of each epoch that the training log printed (to its 4 decimals), and `neighbors --plot` is the 2-D PCA
# of the query and its neighbours (pairwise distances equal NumPy's PCA within 1e-6, and the
# drawn points are those coordinates on one scale).
. "${LK_SRC:-.}/tests/cli_lib.sh" plots
PY=/usr/bin/python3
$L train-tagger --train "$D/tag_en_train.conllu" --dev "$D/tag_en_dev.conllu" --output "$T/m.lkt" --epochs 3 \
  --hidden 8 --word-dim 8 --char-dim 6 --batch 4 --seed 3 --progress --plot "$T/curves.svg" 2> "$T/log" \
  || fail "train-tagger --plot: $(cat "$T/log")"
grep '^lexkit: epoch' "$T/log" > "$T/epochs" || fail "no epoch lines"
$L embed --input "$D/emb_corpus.txt" --output "$T/v.txt" --dim 10 --min-count 2 --epochs 2 --seed 1 --quiet \
  --plot "$T/embed.svg" --threads 1 || fail "embed --plot"
$L neighbors --vectors "$T/v.txt" --word king --k 6 --plot "$T/nb.svg" > "$T/nb" || fail "neighbors --plot"
expect_fail 2 "--plot draws one query" $L neighbors --vectors "$T/v.txt" --word king --word queen --plot "$T/x.svg"
$PY - "$T" <<'PY' || fail "SVG content"
import re, sys
import xml.etree.ElementTree as ET
import numpy as np
t = sys.argv[1]
NS = "{http://www.w3.org/2000/svg}"
# training curves: the series values are the logged per-epoch figures
root = ET.parse(f"{t}/curves.svg").getroot()
assert root.tag == NS + "svg"
series = {g.get("data-name"): [float(v) for v in g.get("data-values").split()]
          for g in root.iter(NS + "g") if g.get("class") == "series"}
log = [re.search(r"epoch (\d+)/3: loss ([0-9.]+), .* dev accuracy ([0-9.]+)", l) for l in open(f"{t}/epochs")]
assert len(log) == 3 and all(log), log
# the plot holds the trainer's figures (lk_tagger_epoch), the log prints them to 4 decimals
close = lambda a, b: len(a) == len(b) and all(abs(x - y) <= 5.01e-5 for x, y in zip(a, b))
assert close(series["train loss"], [float(m.group(2)) for m in log]), series
assert close(series["dev accuracy"], [float(m.group(3)) for m in log]), series
for g in root.iter(NS + "g"):
    if g.get("class") == "series":
        pts = g.find(NS + "polyline").get("points").split()
        assert len(pts) == 3, pts
# embed --plot: one loss series of 20 points (NaN where no loss was reported), the last set
root = ET.parse(f"{t}/embed.svg").getroot()
ser = [g for g in root.iter(NS + "g") if g.get("class") == "series"]
assert len(ser) == 1 and ser[0].get("data-name") == "training loss", ser
vals = [float(v) for v in ser[0].get("data-values").split()]
assert len(vals) == 20 and vals[-1] == vals[-1] and 0 < vals[-1] < 20, vals
assert all(v != v or 0 < v < 20 for v in vals), vals
# neighbourhood map
root = ET.parse(f"{t}/nb.svg").getroot()
pts = [g for g in root.iter(NS + "g") if g.get("class") == "point"]
words = [g.find(NS + "text").text for g in pts]
assert words == ["king"] + [l.split("\t")[0] for l in open(f"{t}/nb")], words
vec = {}
with open(f"{t}/v.txt") as f:
    next(f)
    for line in f:
        p = line.split()
        vec[p[0]] = np.array([float(x) for x in p[1:]])
X = np.array([vec[w] / np.linalg.norm(vec[w]) for w in words])
X -= X.mean(0)
U, S, Vt = np.linalg.svd(X, full_matrices=False)
ref = X @ Vt[:2].T
mine = np.array([[float(g.get("data-x")), float(g.get("data-y"))] for g in pts])
dist = lambda P: np.linalg.norm(P[:, None, :] - P[None, :, :], axis=2)
assert np.abs(dist(mine) - dist(ref)).max() < 1e-6, np.abs(dist(mine) - dist(ref)).max()
scale = float(next(g for g in root.iter(NS + "g") if g.get("class") == "points").get("data-scale"))
drawn = np.array([[float(g.find(NS + "circle").get("cx")), -float(g.find(NS + "circle").get("cy"))] for g in pts])
assert np.abs(dist(drawn) - scale * dist(mine)).max() < 0.01  # same scale on both axes
print("plots ok")
PY
finish plots
