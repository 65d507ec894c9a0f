#!/usr/bin/env bash
# Raw Chinese text options of the char tagger (issue 11, text side), shipped model:
# - traditional vs simplified: zh_gsd-trad-test vs zh_gsd-simp-test (the same 500 GSD v1.4
#   sentences; raw text = the FORMs joined), seg F1 and joint word+UPOS F1 with
#   --script simplified (no conversion) and --script auto (OpenCC t2s for lines detected as
#   traditional);
# - pre-tokenization constraints on vs off (--no-pretok) on zh_gsdsimp-ud-test (UD v2
#   GSDSimp) and zh_cfl-ud-test (learner essays).
# Peer in the same run: jieba.cut segmentation F1 on the same raw sentences.
set -eu
L=${LEXKIT:?}
S=${SHARED:-/work/shared}/corpora/tagging
M=corpora/models/zh-gsd-char.lkt
E="nice -n 10 /usr/bin/python3 tests/bench/zh_raw_eval.py $L $M"
echo -e "set\tseg_f1\tjoint_f1"
JIEBA=1 $E $S/zh_gsd-simp-test.conllu gsd-simp --script simplified
$E $S/zh_gsd-simp-test.conllu gsd-simp-auto --script auto
JIEBA=1 $E $S/zh_gsd-trad-test.conllu gsd-trad-noconv --script simplified
$E $S/zh_gsd-trad-test.conllu gsd-trad-auto --script auto
$E $S/zh_gsd-trad-test.conllu gsd-trad-forced --script traditional
JIEBA=1 $E $S/zh_gsdsimp-ud-test.conllu gsdsimp-ud-pretok
$E $S/zh_gsdsimp-ud-test.conllu gsdsimp-ud-nopretok --no-pretok
JIEBA=1 $E $S/zh_cfl-ud-test.conllu cfl-pretok
$E $S/zh_cfl-ud-test.conllu cfl-nopretok --no-pretok
