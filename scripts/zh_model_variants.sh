#!/usr/bin/env bash
# Short-run comparison of Chinese model variants (issue 11, out-of-domain segmentation): each
# variant trains 12 epochs on the simplified GSD v1.4 -> UD v2 data + the everyday supplement
# (no traditional copies, so it takes ~1/4 of scripts/zh_model_build.sh), selects on GSDSimp v2
# dev, and is scored by eval-tagger on CFL test (out of domain, never trained on), GSDSimp v2
# dev and test, and the GSD trad test (relabelled to v2; a simplified-only model is weak there).
# Variants: lexicon A = jieba words (the shipped recipe), B = A minus the words GSD train splits
# (zh_lexicon.py --drop-split), C = B with frequency buckets in the tags (--freq-tags).
# Usage: scripts/zh_model_variants.sh path/to/lexkit [WORKDIR] [SEED]   (EPOCHS=12 by default)
# Needs ../shared/corpora (or SHARED=...), /usr/bin/python3, python3-jieba. CPU-heavy: runs
# under nice, one thread per variant, the three variants in parallel.
set -eu
LEXKIT=$(realpath "$1")
W=${2:-$(mktemp -d /tmp/lk-zh-variants.XXXXXX)}
SEED=${3:-1} EPOCHS=${EPOCHS:-12}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
TAG=$SHARED/corpora/tagging TXT=$SHARED/corpora/embeddings/text
S=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
mkdir -p "$W"
$PY "$S/zh_gsd_v2.py" convert "$TAG/zh_gsd-simp-train.conllu" "$W/simp.conllu" --ascii-punct-rate 0.3 \
  --drop-final-punct-rate 0.3
$PY "$S/zh_gsd_v2.py" convert "$TAG/zh_gsd-trad-test.conllu" "$W/trad-test.conllu"
$PY "$S/zh_slash2conllu.py" "$S/../corpora/zh-everyday-train.txt" > "$W/ev.conllu"
cat "$W/simp.conllu" "$W/ev.conllu" "$W/ev.conllu" "$W/ev.conllu" > "$W/train.conllu"
$PY "$S/zh_lexicon.py" > "$W/lexA.txt"
$PY "$S/zh_lexicon.py" --drop-split "$W/simp.conllu" > "$W/lexB.txt"
$PY "$S/zh_lexicon.py" --drop-split "$W/simp.conllu" --freq-tags > "$W/lexC.txt"
if [ ! -s "$W/chars.vec" ]; then
  $PY - "$TXT" "$W/chars.txt" <<'PYEOF'
import sys
out = open(sys.argv[2], "w", encoding="utf-8")
for f in ("zh-wiki-mix.txt", "zh-csl-abstracts.txt", "zh-libreoffice-help.txt"):
    for line in open(sys.argv[1] + "/" + f, encoding="utf-8"):
        cs = [c for c in line.strip() if not c.isspace()]
        if cs:
            out.write(" ".join(cs) + "\n")
PYEOF
  nice -n 10 "$LEXKIT" embed --input "$W/chars.txt" --output "$W/chars.vec" --model skipgram \
    --dim 100 --window 5 --min-count 3 --epochs 5 --threads 1 --seed 1 --quiet
fi
for v in A B C; do
  nice -n 10 "$LEXKIT" train-tagger --unit char --train "$W/train.conllu" \
    --dev "$TAG/zh_gsdsimp-ud-dev.conllu" --output "$W/m$v-s$SEED.lkt" --hidden 128 --dropout 0.5 \
    --char-dim 32 --epochs "$EPOCHS" --patience 4 --compact --min-feature-count 3 --threads 1 \
    --seed "$SEED" --lexicon "$W/lex$v.txt" --embeddings "$W/chars.vec" --quiet &
done
wait
f() { nice -n 10 "$LEXKIT" eval-tagger --model "$1" --test "$2" 2> /dev/null |
      awk -F'\t' '$1 == "seg_f1" { s = $2 } $1 == "joint_f1" { j = $2 } END { printf "%s %s", s, j }'; }
echo "variant seed | CFL seg joint | GSDSimp-v2 dev seg joint | test seg joint | GSD-trad test seg joint"
for v in A B C; do
  m=$W/m$v-s$SEED.lkt
  echo "$v $SEED | $(f "$m" "$TAG/zh_cfl-ud-test.conllu") | $(f "$m" "$TAG/zh_gsdsimp-ud-dev.conllu")" \
       "| $(f "$m" "$TAG/zh_gsdsimp-ud-test.conllu") | $(f "$m" "$W/trad-test.conllu")"
done
