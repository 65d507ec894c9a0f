#!/usr/bin/env bash
# Rebuild corpora/models/zh-gsd-char.lkt (see corpora/README.md for the data and licenses).
# Usage: scripts/zh_model_build.sh path/to/lexkit OUT.lkt [WORKDIR]
# Needs ../shared/corpora (or SHARED=...), /usr/bin/python3, python3-jieba and opencc.
set -eu
LEXKIT=$1 OUT=$2
W=${3:-$(mktemp -d /tmp/lk-zh-model.XXXXXX)}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
TAG=$SHARED/corpora/tagging TXT=$SHARED/corpora/embeddings/text
S=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
mkdir -p "$W"
# 1. training data: GSD v1.4 -> UD v2 (30% of the sentences keep their ASCII punctuation, 30%
#    lose their final punctuation),
#    simplified + traditional, plus the everyday supplement x3 in both scripts
$PY "$S/zh_gsd_v2.py" convert "$TAG/zh_gsd-simp-train.conllu" "$W/simp.conllu" --ascii-punct-rate 0.3 \
  --drop-final-punct-rate 0.3
$PY "$S/zh_gsd_v2.py" convert "$TAG/zh_gsd-trad-train.conllu" "$W/trad.conllu" --ascii-punct-rate 0.3 \
  --drop-final-punct-rate 0.3 --seed 2
$PY "$S/zh_slash2conllu.py" "$S/../corpora/zh-everyday-train.txt" > "$W/ev.conllu"
opencc -c s2tw.json -i "$W/ev.conllu" -o "$W/ev-trad.conllu"
cat "$W/simp.conllu" "$W/trad.conllu" "$W"/ev.conllu "$W"/ev.conllu "$W"/ev.conllu \
  "$W"/ev-trad.conllu "$W"/ev-trad.conllu "$W"/ev-trad.conllu > "$W/train.conllu"
# 2. lexicon: jieba's dictionary, frequency >= 5, 2-8 Han chars, + traditional forms
$PY "$S/zh_lexicon.py" --add-traditional > "$W/lexicon.txt"
# 3. character vectors: skip-gram on the shared Chinese text, copied to traditional forms
$PY - "$TXT" "$W/chars.txt" <<'PYEOF'
import sys
out = open(sys.argv[2], "w", encoding="utf-8")
for f in ("zh-wiki-mix.txt", "zh-csl-abstracts.txt", "zh-libreoffice-help.txt"):
    for line in open(sys.argv[1] + "/" + f, encoding="utf-8"):
        cs = [c for c in line.strip() if not c.isspace()]
        if cs:
            out.write(" ".join(cs) + "\n")
PYEOF
"$LEXKIT" embed --input "$W/chars.txt" --output "$W/chars.vec" --model skipgram --dim 100 \
  --window 5 --min-count 3 --epochs 5 --threads 1 --seed 1 --quiet
$PY - "$W/chars.vec" "$W/chars-st.vec" <<'PYEOF'
import subprocess, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
dim, rows = lines[0].split()[1], lines[1:]
words = [r.split(" ", 1)[0] for r in rows]
have, extra = set(words), []
for cfg in ("s2t.json", "s2tw.json"):
    conv = subprocess.run(["opencc", "-c", cfg], input="\n".join(words) + "\n",
                          capture_output=True, text=True, check=True).stdout.splitlines()
    for w, t, r in zip(words, conv, rows):
        if t != w and t not in have and len(t) == 1:
            have.add(t)
            extra.append(t + " " + r.split(" ", 1)[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("%d %s\n" % (len(rows) + len(extra), dim) + "\n".join(rows + extra) + "\n")
PYEOF
# 4. train, select on GSDSimp v2 dev
"$LEXKIT" train-tagger --unit char --train "$W/train.conllu" --dev "$TAG/zh_gsdsimp-ud-dev.conllu" \
  --output "$OUT" --hidden 128 --dropout 0.5 --char-dim 32 --epochs 40 --patience 6 --compact \
  --min-feature-count 3 --threads 2 --seed 1 --average 3 --lexicon "$W/lexicon.txt" --embeddings "$W/chars-st.vec"
