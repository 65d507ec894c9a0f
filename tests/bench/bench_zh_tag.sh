#!/usr/bin/env bash
# Chinese segmentation + UPOS tagging from raw text: the shipped char model vs jieba (jieba.cut
# for segmentation, jieba.posseg with its tags mapped to UD v2 UPOS) on the same sentences:
# eval-tagger reads each sentence's `# text` where the file has them (GSDSimp, CFL; segmented as
# `lexkit tag` does), else the concatenated gold words (the model alone); jieba reads the
# concatenated gold words. Sets: GSDSimp v2 test (the split
# published figures use), CFL test (learner essays, out of domain), GSD v1.4 traditional test
# (relabelled to UD v2 by scripts/zh_gsd_v2.py). Then the held-out everyday gold (zh_everyday_gold.sh:
# tests/bench/zh_everyday_gold.txt scored, whole and simplified/traditional parts), and the everyday
# sentences of tests/bench/zh_everyday.txt (simplified, then the same in traditional characters) as
# tagged.
# Env: LEXKIT, SHARED; MODEL (default corpora/models/zh-gsd-char.lkt).
set -eu
TAG=$SHARED/corpora/tagging
PY=/usr/bin/python3
MODEL=${MODEL:-corpora/models/zh-gsd-char.lkt}
W=$(mktemp -d /tmp/lk-bench-zh-tag.XXXXXX)
trap 'rm -rf "$W"' EXIT
$PY scripts/zh_gsd_v2.py convert "$TAG/zh_gsd-trad-test.conllu" "$W/trad-test.conllu"
field() { sed -n "s/^$1\t//p" "$2"; }
jfield() { tr '\t' '\n' < "$2" | sed -n "s/^$1=//p"; }
diff3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", 100 * (a - b) }'; }
printf '%-22s %9s %9s | %9s %9s %9s | %8s %8s\n' set lk_seg lk_joint jb_cut jb_pseg jb_joint \
  seg-cut joint-j
for set in "GSDSimp-v2-test:$TAG/zh_gsdsimp-ud-test.conllu" "CFL-test:$TAG/zh_cfl-ud-test.conllu" \
           "GSD-trad-test:$W/trad-test.conllu"; do
  name=${set%%:*} gold=${set#*:}
  "$LEXKIT" eval-tagger --model "$MODEL" --test "$gold" > "$W/lk" 2> /dev/null
  $PY tests/bench/jieba_zh_tag.py "$gold" > "$W/jb"
  s=$(field seg_f1 "$W/lk") j=$(field joint_f1 "$W/lk")
  c=$(jfield cut_seg_f1 "$W/jb") ps=$(jfield posseg_seg_f1 "$W/jb") pj=$(jfield posseg_joint_f1 "$W/jb")
  printf '%-22s %9s %9s | %9s %9s %9s | %8s %8s\n' "$name" "$s" "$j" "$c" "$ps" "$pj" \
    "$(diff3 "$s" "$c")" "$(diff3 "$j" "$pj")"
done
echo "(F1 from raw text; seg-cut and joint-j: lexkit minus jieba, in points)"
# The same sets through `lexkit tag` (pre-tokenization on, as users run it) at both word
# granularities: fine = the model's words (UD GSD's segmentation), coarse = PART suffixes
# joined where the model's dictionary has the compound (the segmentation of jieba and of
# the CFL treebank: 图书馆, 外国人). The raw text is each sentence's `# text` line (the
# original sentence, spaces included, as Stanza and UDPipe are evaluated) where the file has
# them, else the gold words joined; jieba.cut reads the same text.
echo
printf '%-22s %-6s %15s %15s | %9s | %8s %8s\n' set raw 'tag fine' 'tag coarse' jb_cut fine-cut \
  coarse-cut
for set in "GSDSimp-v2-test:$TAG/zh_gsdsimp-ud-test.conllu" "CFL-test:$TAG/zh_cfl-ud-test.conllu" \
           "GSD-trad-test:$W/trad-test.conllu"; do
  name=${set%%:*} gold=${set#*:}
  raw=forms
  grep -q '^# text = ' "$gold" && raw=text
  RAW=$raw JIEBA=1 $PY tests/bench/zh_raw_eval.py "$LEXKIT" "$MODEL" "$gold" fine > "$W/fine.f1"
  RAW=$raw $PY tests/bench/zh_raw_eval.py "$LEXKIT" "$MODEL" "$gold" coarse --granularity coarse \
    > "$W/coarse.f1"
  fs=$(sed -n 1p "$W/fine.f1" | cut -f2) fj=$(sed -n 1p "$W/fine.f1" | cut -f3)
  c=$(sed -n 2p "$W/fine.f1" | cut -f2)
  cs=$(cut -f2 "$W/coarse.f1") cj=$(cut -f3 "$W/coarse.f1")
  printf '%-22s %-6s %15s %15s | %9s | %8s %8s\n' "$name" "$raw" "$fs / $fj" "$cs / $cj" "$c" \
    "$(diff3 "$fs" "$c")" "$(diff3 "$cs" "$c")"
done
echo "(seg / joint F1 of \`lexkit tag\` with --granularity fine and coarse; fine-cut, coarse-cut: seg F1"
echo " minus jieba.cut's on the same text, in points)"
echo
bash tests/bench/zh_everyday_gold.sh
echo
echo "everyday sentences (tests/bench/zh_everyday.txt), lexkit:"
"$LEXKIT" tag --model "$MODEL" --input tests/bench/zh_everyday.txt | sed 's/^/  /'
echo "the same, lexkit --granularity coarse:"
"$LEXKIT" tag --model "$MODEL" --input tests/bench/zh_everyday.txt --granularity coarse | sed 's/^/  /'
echo "jieba.cut on the same:"
$PY -c 'import sys, jieba; jieba.setLogLevel(60)
for l in open(sys.argv[1], encoding="utf-8"): print("  " + " ".join(jieba.cut(l.strip())))' \
  tests/bench/zh_everyday.txt
