#!/usr/bin/env bash
# lexkit embed / neighbors / analogy / similarity end to end on tests/data (seconds).
set -eu
: "${LEXKIT:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-embed.XXXXXX")
trap 'rm -rf "$T"' EXIT
D=tests/data
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() { # expect_exit CODE MESSAGE-SUBSTRING cmd...
  local want=$1 msg=$2; shift 2
  set +e; "$@" >"$T/out" 2>"$T/err"; local rc=$?; set -e
  [ "$rc" = "$want" ] || { cat "$T/err" >&2; fail "exit $rc, want $want: $*"; }
  grep -qF -- "$msg" "$T/err" || { cat "$T/err" >&2; fail "no '$msg' in stderr: $*"; }
}

# training, both formats, both architectures; the text and binary files hold the same values
for arch in skipgram cbow; do
  "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/$arch.txt" --model $arch --dim 12 \
    --min-count 2 --epochs 2 --seed 3 --quiet
  "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/$arch.bin" --format bin --model $arch \
    --dim 12 --min-count 2 --epochs 2 --seed 3 --quiet
  head -1 "$T/$arch.txt" | grep -qx '[0-9]* 12' || fail "bad header"
  "$LEXKIT" neighbors --vectors "$T/$arch.bin" --word king --k 3 > "$T/nb_bin"
  "$LEXKIT" neighbors --vectors "$T/$arch.txt" --word king --k 3 > "$T/nb_txt"
  cmp -s "$T/nb_bin" "$T/nb_txt" || fail "text and binary neighbours differ"
  [ "$(wc -l < "$T/nb_txt")" = 3 ] || fail "expected 3 neighbours"
done

# deterministic with one thread and a seed; another seed differs
for s in 5 5 6; do
  "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/det_$s.$RANDOM" --dim 8 --min-count 2 \
    --epochs 2 --threads 1 --seed $s --quiet
done
set -- "$T"/det_5.*
cmp -s "$1" "$2" || fail "two runs with --seed 5 differ"
! cmp -s "$1" "$T"/det_6.* || fail "different seeds gave the same vectors"

# a corpus line longer than 1 MB (300,000 tokens) is read whole and cut into sentences
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "w%d ", (i * 7) % 40; print "" }' > "$T/long.txt"
[ "$(wc -c < "$T/long.txt")" -gt 1048576 ] || fail "long line too short"
"$LEXKIT" embed --input "$T/long.txt" --output "$T/long.vec" --dim 4 --epochs 1 --quiet
[ "$(head -1 "$T/long.vec")" = "40 4" ] || fail "long line vocabulary"

# hierarchical softmax and multi-threaded training run
"$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/hs.txt" --hs --dim 8 --min-count 2 \
  --epochs 2 --threads 2 --quiet

# evaluation on the handmade vectors (see tests/test_vectors.c for the arithmetic)
"$LEXKIT" analogy --vectors $D/emb_analogy.vec --questions $D/emb_analogy_questions.txt > "$T/an"
[ "$(tail -1 "$T/an")" = "$(printf 'total\t0.6667\t3/4')" ] || { cat "$T/an"; fail "analogy total"; }
grep -qx "$(printf 'capitals\t0.5000\t2/2')" "$T/an" || fail "analogy section"
"$LEXKIT" similarity --vectors $D/emb_analogy.vec --pairs $D/emb_pairs.tsv > "$T/sim"
grep -qx "$(printf 'spearman\t0.9733')" "$T/sim" || { cat "$T/sim"; fail "spearman"; }
grep -qx "$(printf 'coverage\t0.8333\t5/6')" "$T/sim" || fail "coverage"
"$LEXKIT" neighbors --vectors $D/emb_analogy.vec --word paris --k 2 > "$T/nb"
[ "$(cut -f1 "$T/nb" | tr '\n' ' ')" = "france rome " ] || fail "neighbours of paris"
# a query word is found as given, lowercased, or NFKC-normalized and lowercased (full-width
# ＰＡＲＩＳ is paris, as the tokenizer that made a corpus writes it; it was composed or unknown)
"$LEXKIT" neighbors --vectors $D/emb_analogy.vec --word ＰＡＲＩＳ --k 2 > "$T/nb_fw" || fail "full-width query"
cmp -s "$T/nb" "$T/nb_fw" || fail "full-width query: $(cat "$T/nb_fw")"

# bad input and usage errors
expect_exit 2 "--dim" "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/x" --dim 0
expect_exit 2 "unknown option" "$LEXKIT" embed --input $D/emb_corpus.txt --output "$T/x" --frob
printf '\n\n' > "$T/empty.txt"
expect_exit 1 "empty.txt: the corpus has no words" "$LEXKIT" embed --input "$T/empty.txt" --output "$T/x"
expect_exit 1 "at least 1000 times (min_count)" "$LEXKIT" embed --input $D/emb_corpus.txt \
  --output "$T/x" --min-count 1000
printf '3 2\na 1 2\nb 3 4\n' > "$T/trunc.vec"
expect_exit 1 "trunc.vec:3: truncated: the header says 3 words, the file has 2" \
  "$LEXKIT" neighbors --vectors "$T/trunc.vec" --word a
printf '2 3\na 1 2 3\nb 3 4\n' > "$T/dim.vec"
expect_exit 1 "dim.vec:3:6: expected 3 values after the word, found 2" \
  "$LEXKIT" similarity --vectors "$T/dim.vec" --pairs $D/emb_pairs.tsv
expect_exit 1 "'nosuchword' is not in" "$LEXKIT" neighbors --vectors $D/emb_analogy.vec --word nosuchword
[ ! -e "$T/x" ] || fail "a failed run left an output file"

# an interrupted training leaves no output (and no temporary file)
mkdir "$T/int"
for i in $(seq 60); do cat $D/emb_corpus.txt; done > "$T/big.txt"
"$LEXKIT" embed --input "$T/big.txt" --output "$T/int/v.txt" --epochs 500 --min-count 1 --quiet \
  2> "$T/int.err" &
pid=$!
# wait until lexkit has installed its SIGINT handler (bit 2 of SigCgt), however slow the
# machine: a SIGINT before that would kill it without the message this checks
sigint_caught() { local m; m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2> /dev/null) &&
  [ -n "$m" ] && [ $(( 0x$m & 2 )) -ne 0 ]; }
for _ in $(seq 600); do sigint_caught && break; sleep 0.05; done
sigint_caught || fail "embed never installed its SIGINT handler (alive: $(kill -0 $pid 2>&1 && echo yes); status: $(grep -E "^(State|SigIgn|SigCgt)" /proc/$pid/status 2>&1 | tr "\n" " "); stderr: $(cat "$T/int.err"))"
sleep 0.2
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ "$rc" != 0 ] || fail "interrupted training exited 0"
grep -q "interrupted" "$T/int.err" || fail "no 'interrupted' message"
[ -z "$(ls -A "$T/int")" ] || { ls -la "$T/int"; fail "interrupted training left files"; }
echo ok
