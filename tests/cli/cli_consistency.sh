#!/usr/bin/env bash
# One option vocabulary across commands (issue 14), one check per inconsistency it listed:
# --input-format/--output-format everywhere with the old per-command --format kept (silent),
# --output on every command that prints, --lower/--no-lower (embed --tokenize --no-lower), `neighbors --word Paris` on a
# lowercased model, the "reading from standard input" hint on a terminal, train-tagger
# without --dev (no fake dev accuracy) and --resume without a checkpoint, and `lexkit info`.
. "${LK_SRC:-.}/tests/cli_lib.sh" cli-consistency
PY=/usr/bin/python3

# --input-format / --output-format, and --format as the contract's silent alias
printf 'b a b\n' | $L vocab --input-format text > "$T/v1" 2> "$T/e1" || fail "vocab --input-format"
printf 'b a b\n' | $L vocab --format text > "$T/v2" 2> "$T/e2" || fail "vocab --format"
cmp -s "$T/v1" "$T/v2" && [ ! -s "$T/e2" ] || fail "vocab --format differs or talks: $(cat "$T/e2")"
$L bow --input "$D/feat_docs_small.jsonl" --output-format mm --output "$T/m1" --quiet || fail "bow --output-format"
$L bow --input "$D/feat_docs_small.jsonl" --format mm --output "$T/m2" --quiet || fail "bow --format"
cmp -s "$T/m1" "$T/m2" || fail "bow --format differs from --output-format"
$L embed --input "$D/emb_corpus.txt" --output "$T/e.bin" --output-format bin --dim 4 --min-count 2 --epochs 1 --quiet \
  || fail "embed --output-format"
$L index --input "$D/bm25_docs.jsonl" --input-format jsonl --index "$T/idx" --quiet || fail "index --input-format"
$L search --index "$T/idx" --query "the" --output-format tsv > "$T/s1" || fail "search --output-format"
$L search --index "$T/idx" --query "the" --format tsv > "$T/s2" || fail "search --format"
cmp -s "$T/s1" "$T/s2" || fail "search --format differs"
expect_fail 2 "--output-format must be" $L bow --input "$D/feat_docs_small.jsonl" --output-format xml

# --lower / --no-lower accepted by every command that reads words
printf 'The THE the\n' | $L tokenize --no-lower > "$T/t" && [ "$(cat "$T/t")" = "The THE the" ] || fail "tokenize --no-lower"
printf 'The THE the\n' | $L tokenize --lower > "$T/t" && [ "$(cat "$T/t")" = "the the the" ] || fail "tokenize --lower"
printf 'The the\n' | $L vocab --lower --no-lower > "$T/t" && [ "$(wc -l < "$T/t")" = 2 ] || fail "vocab --no-lower"

# neighbors on a lowercased model: --word Paris finds paris (was: not in the vocabulary)
$L embed --input "$D/emb_corpus.txt" --output "$T/lc.lkem" --output-format lkem --tokenize --dim 8 --min-count 2 \
  --epochs 1 --quiet || fail "embed --tokenize"
$L neighbors --vectors "$T/lc.lkem" --word Paris --k 2 > "$T/nf" || fail "neighbors --word Paris"
$L neighbors --vectors "$T/lc.lkem" --word paris --k 2 > "$T/nf2"
cmp -s "$T/nf" "$T/nf2" || fail "Paris and paris differ"
expect_fail 1 "'Paris' is not in" $L neighbors --vectors "$T/e.bin" --word Paris --no-lower

# embed --tokenize lowercases unless --no-lower (was: always); the model records it
printf 'Paris is in France . Berlin is in Germany .\n' > "$T/cased1"
for i in 1 2 3 4 5 6 7 8; do cat "$T/cased1"; done > "$T/cased.txt"
$L embed --input "$T/cased.txt" --tokenize --no-lower --output "$T/cased.lkem" --output-format lkem --dim 4 \
  --min-count 1 --epochs 1 --quiet || fail "embed --no-lower"
$L info "$T/cased.lkem" | grep -qx "$(printf 'tokenize\tyes (case kept)')" || fail "info: case kept"
$L neighbors --vectors "$T/cased.lkem" --word Paris --k 8 | grep -q "^France	" || fail "cased model lost France"
expect_fail 2 "apply to --tokenize" $L embed --input "$T/cased.txt" --lower --output "$T/x.txt"

# --output on every command that prints: written atomically, an earlier file kept on failure
$L neighbors --vectors "$T/e.bin" --word king --k 2 --output "$T/o_nb" && [ "$(wc -l < "$T/o_nb")" = 2 ] || fail "neighbors --output"
$L analogy --vectors "$T/e.bin" --questions "$D/emb_analogy_questions.txt" --output "$T/o_an" \
  && tail -1 "$T/o_an" | grep -q '^total' || fail "analogy --output"
$L similarity --vectors "$T/e.bin" --pairs "$D/emb_pairs.tsv" --output "$T/o_si" && grep -q '^spearman' "$T/o_si" \
  || fail "similarity --output"
$L search --index "$T/idx" --queries corpora/sample-queries.tsv --output "$T/run" \
  && $L eval-ir --qrels corpora/sample-qrels.txt --run "$T/run" --output "$T/o_ir" && grep -q '^MAP' "$T/o_ir" \
  || fail "eval-ir --output"
$L eval-tagger --model corpora/models/zh-gsd-char.lkt --test "$D/tag_zh_dev.conllu" --output "$T/o_et" \
  && tail -1 "$T/o_et" | grep -q '^joint_f1' || fail "eval-tagger --output"
printf '我吃苹果\n' | $L tag --model corpora/models/zh-gsd-char.lkt --output "$T/o_tag" && [ -s "$T/o_tag" ] || fail "tag --output"
cp "$T/o_nb" "$T/keep"
expect_fail 1 "is not in" $L neighbors --vectors "$T/e.bin" --word zzzunknown --output "$T/o_nb"
cmp -s "$T/o_nb" "$T/keep" || fail "a failed run replaced --output"
ls "$T" | grep -q '\.tmp\.' && fail "temporary file left behind"

# the stdin hint, only when standard input is a terminal (a pty here); one Ctrl-D ends the
# input (the line reader used to read again after the terminal's end of file: two were needed)
$PY - "$L" <<'PY' || fail "no stdin hint on a terminal"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen([sys.argv[1], "vocab"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
os.write(master, b"a b a\n\x04")
out, err = p.communicate(timeout=60)
os.close(master)
assert b"reading from standard input" in err, err
assert out == b"a\t2\nb\t1\n", out
PY
printf 'x\n' | $L vocab 2> "$T/nohint" > /dev/null
[ -s "$T/nohint" ] && fail "hint printed for a pipe: $(cat "$T/nohint")"

# train-tagger without --dev: no fake "dev accuracy 0.0000 (best, saved)"; --resume needs a checkpoint
SMALL=(--hidden 8 --word-dim 8 --char-dim 6 --batch 4 --seed 3)
$L train-tagger --train "$D/tag_en_train.conllu" --output "$T/nodev.lkt" --epochs 2 --progress "${SMALL[@]}" 2> "$T/tt" \
  || fail "train without --dev: $(cat "$T/tt")"
grep -q "dev accuracy" "$T/tt" && fail "fake dev figure: $(grep dev "$T/tt")"
grep -q "epoch 2/2: .*saved (no dev set)" "$T/tt" || fail "epoch line: $(cat "$T/tt")"
expect_fail 1 "no checkpoint to resume from" $L train-tagger --train "$D/tag_en_train.conllu" \
  --output "$T/fresh.lkt" --epochs 1 --resume "${SMALL[@]}"
[ -e "$T/fresh.lkt" ] && fail "--resume without a checkpoint trained anyway"

# lexkit info on every kind of file
$L info "$T/nodev.lkt" > "$T/i" && grep -qx "$(printf 'kind\ttagger model (LKTG)')" "$T/i" \
  && grep -q "^tag_set	.*NOUN" "$T/i" && grep -qx "$(printf 'unit\tword')" "$T/i" || fail "info tagger: $(cat "$T/i")"
$L info "$T/lc.lkem" > "$T/i" && grep -qx "$(printf 'kind\tembedding model (LKEM)')" "$T/i" \
  && grep -qx "$(printf 'dim\t8')" "$T/i" && grep -q "^tokenize	yes" "$T/i" || fail "info lkem: $(cat "$T/i")"
$L info "$T/e.bin" > "$T/i" && grep -qx "$(printf 'kind\tword vectors (word2vec)')" "$T/i" \
  && grep -qx "$(printf 'dim\t4')" "$T/i" || fail "info vectors: $(cat "$T/i")"
$L info "$T/idx" > "$T/i" && grep -qx "$(printf 'kind\tBM25 index (LKBX)')" "$T/i" \
  && grep -q "^documents	[1-9]" "$T/i" || fail "info index: $(cat "$T/i")"
# every line of every kind is key<TAB>value (file and bytes first, then kind), one blank
# line between files: an index directory's analyzer settings too
$L info "$T/idx" "$T/nodev.lkt" "$T/lc.lkem" "$T/e.bin" > "$T/i" || fail "info of four files"
awk -F '\t' 'NF == 0 { blank++; if (prev == "") bad = "two blank lines"; prev = ""; next }
  NF != 2 || $1 !~ /^[a-z_.0-9]+$/ { bad = "not key<TAB>value: " $0 }
  prev == "" && $1 != "file" { bad = "a block does not start with file: " $0 }
  { prev = $1 } END { if (blank != 3) bad = bad " blank lines: " blank; print bad }' "$T/i" > "$T/bad"
[ -s "$T/bad" ] && [ "$(cat "$T/bad")" != "" ] && fail "info lines: $(cat "$T/bad")"
sed -n 1,3p "$T/i" | cut -f1 | tr '\n' ' ' | grep -qx 'file bytes kind ' || fail "info DIR head: $(head -3 "$T/i")"
grep -qx "$(printf 'file\t%s' "$T/idx")" "$T/i" || fail "info DIR names the directory"
grep -q "^analyzer	[a-z]" "$T/i" && grep -q '^analyzer\.version	[0-9]' "$T/i" || fail "info analyzer: $(cat "$T/i")"
$L bow --input "$D/feat_docs_small.jsonl" --output "$T/b.svm" --vocab-out "$T/b.tsv" --quiet
$L info "$T/b.tsv" > "$T/i" && grep -q "^analyzer	analyzer=word ngram=1:1" "$T/i" || fail "info vocab: $(cat "$T/i")"
expect_fail 1 "no/such: No such file" $L info no/such
expect_fail 1 "feat_docs_small.jsonl: not a file lexkit knows" $L info "$D/feat_docs_small.jsonl"
expect_fail 2 "give one or more FILEs" $L info
# an empty file: no kind to guess (it was read as word2vec: "expected a header 'WORDS DIM'")
: > "$T/empty.jsonl"
expect_fail 1 "empty.jsonl: empty file$" $L info "$T/empty.jsonl"
grep -q "WORDS DIM" "$T/err" && fail "info of an empty file guesses word2vec: $(cat "$T/err")"
# an index whose file was truncated to nothing is kept, and the message says it is damaged
mkdir -p "$T/trunc" && : > "$T/trunc/index.lkbx"
expect_fail 1 "holds a damaged lexkit index (index.lkbx is truncated" \
  $L index --input "$D/feat_docs_small.jsonl" --index "$T/trunc"
[ -f "$T/trunc/index.lkbx" ] && [ ! -s "$T/trunc/index.lkbx" ] || fail "the damaged index was touched"
finish cli-consistency
