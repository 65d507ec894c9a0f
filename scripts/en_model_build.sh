#!/usr/bin/env bash
# Rebuild corpora/models/en-ewt.lkt, the shipped English UPOS model (see corpora/README.md
# for the data and licenses, docs/tagger.md for the figures).
# Usage: scripts/en_model_build.sh path/to/lexkit OUT.lkt [WORKDIR]
# Env: WIKI_TOP (wiki words kept besides the EWT training words, default 30000), SEED (default 2);
# steps whose output is already in WORKDIR are skipped (to train several seeds on one vector file).
# Needs ../shared/corpora (or SHARED=...), xz and /usr/bin/python3. About 8 minutes on an idle
# 2-core machine (word vectors ~2 min, training ~6 min with 2 threads).
set -eu
LEXKIT=$1 OUT=$2
W=${3:-$(mktemp -d /tmp/lk-en-model.XXXXXX)}
WIKI_TOP=${WIKI_TOP:-30000} SEED=${SEED:-2}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
TAG=$SHARED/corpora/tagging TXT=$SHARED/corpora/embeddings/text
PY=/usr/bin/python3
mkdir -p "$W"
# 1. word vectors: English Wikipedia text split as UD English (the model's tokenizer),
#    lower-cased, digits mapped to 0 (the model's word keys); CBOW, 64 dimensions
[ -s "$W/wiki.tok" ] || xzcat "$TXT/en-wiki.txt.xz" | "$LEXKIT" tokenize --tokenizer ud-en --lower | sed 's/[0-9]/0/g' > "$W/wiki.tok"
[ -s "$W/wiki64.vec" ] || "$LEXKIT" embed --input "$W/wiki.tok" --output "$W/wiki64.vec" --model cbow --dim 64 --min-count 5 \
  --epochs 3 --threads 2 --seed 1 --output-format text --quiet
# 2. keep the vectors of the EWT training words and of the 10,000 most frequent wiki words
#    (the model stores one embedding per word: this bounds its size)
$PY - "$TAG/en_ewt-ud-train.conllu" "$W/wiki64.vec" "$W/ewt64k-$WIKI_TOP.vec" "$WIKI_TOP" <<'PYEOF'
import re, sys
train = set()
for line in open(sys.argv[1], encoding="utf-8"):
    c = line.split("\t")
    if len(c) == 10 and c[0].isdigit():
        train.add(re.sub("[0-9]", "0", c[1].lower()))
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()[1:]
words = [l.split(" ", 1)[0] for l in lines]
keep = train | set(words[:int(sys.argv[4])])
out = [l for w, l in zip(words, lines) if w in keep]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    f.write("%d 64\n" % len(out))
    f.write("\n".join(out) + "\n")
PYEOF
# 3. BiLSTM tagger, selected on dev; words seen once in train keep an embedding only when
#    they have a vector; 16-bit weights
"$LEXKIT" train-tagger --train "$TAG/en_ewt-ud-train.conllu" --dev "$TAG/en_ewt-ud-dev.conllu" \
  --output "$OUT" --hidden 128 --dropout 0.5 --word-dim 64 --min-word-count 2 --min-feature-count 3 \
  --embeddings "$W/ewt64k-$WIKI_TOP.vec" --epochs 20 --patience 4 --threads 2 --average 3 --seed "$SEED" --compact
"$LEXKIT" eval-tagger --model "$OUT" --test "$TAG/en_ewt-ud-test.conllu"
