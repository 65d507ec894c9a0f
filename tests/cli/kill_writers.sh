#!/usr/bin/env bash
# kill -9 during embed, train-tagger, tfidf and vocab at fractions of a measured run time
# (no fixed kill points): the output must afterwards be the previous file or the complete
# new one, never a partial one; the next run works and removes the killed runs' temp files.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" kill_writers
C=${LK_SRC:-.}/corpora
for i in $(seq 1 30); do cat "$D/emb_corpus.txt"; done > "$T/corpus.txt"
for i in $(seq 1 40); do cat "$C/sample-en.txt"; done > "$T/en.txt"
# tfidf is fast (20 copies took 0.04 s, too short to be killed while it runs): ~7 MB
for i in $(seq 1 1000); do cat "$D/feat_docs.jsonl"; done > "$T/docs.jsonl"
for i in $(seq 1 4); do cat "$D/tag_en_train.conllu"; done > "$T/train.conllu"

run_embed() { ${X:-} "$L" embed --input "$T/corpus.txt" --output "$1" --dim 16 --min-count 1 --epochs 3 --threads 1 --seed 1 --quiet; }
old_embed() { "$L" embed --input "$D/emb_corpus.txt" --output "$1" --dim 4 --min-count 5 --epochs 1 --threads 1 --quiet; }
run_tagger() { ${X:-} "$L" train-tagger --train "$T/train.conllu" --dev "$D/tag_en_dev.conllu" --output "$1" --epochs 3 --hidden 16 --threads 1 --seed 1 --quiet; }
old_tagger() { "$L" train-tagger --train "$D/corpus_good.conllu" --output "$1" --epochs 1 --hidden 2 --quiet; }
run_tfidf() { ${X:-} "$L" tfidf --input "$T/docs.jsonl" --output "$1" --ngram 1:3; }
old_tfidf() { "$L" tfidf --input "$D/feat_docs_small.jsonl" --output "$1"; }
run_vocab() { ${X:-} "$L" vocab --input "$T/en.txt" --output "$1"; }
old_vocab() { "$L" vocab --input "$C/sample-en.txt" --output "$1" --min-count 3; }

for c in embed tagger tfidf vocab; do
  t0=$(date +%s.%N)
  run_$c "$T/$c.new" 2> "$T/err" || fail "$c: reference run: $(cat "$T/err")"
  run_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  old_$c "$T/$c.out" 2> "$T/err" || fail "$c: old output: $(cat "$T/err")"
  cp "$T/$c.out" "$T/$c.old"
  killed=0 n=0
  # the kills must land while it runs (else the test proves nothing): at least 2 of the 4;
  # a run can be faster than the measured one (a warm cache, an idle core), so up to two
  # more rounds at earlier points before that counts as a failure
  for f in 0.1 0.4 0.7 0.95 0.05 0.2 0.3 0.5 0.03 0.1 0.15 0.25; do
    [ "$n" -ge 4 ] && [ "$killed" -ge 2 ] && break
    n=$((n + 1))
    delay=$(awk -v s="$run_s" -v f="$f" 'BEGIN { printf "%.3f", s * f }')
    # X=exec: the background subshell becomes lexkit, so that $! is lexkit itself (killing a
    # subshell left its lexkit child running, or a zombie no one reaped, whose temp file the
    # next run must not remove: its PID is alive), and `wait` reaps it
    X=exec run_$c "$T/$c.out" 2> /dev/null &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    [ $? = 137 ] && killed=$((killed + 1)) # died of the SIGKILL (not finished before it)
    if ! cmp -s "$T/$c.out" "$T/$c.old"; then
      # finished before the kill: then it is the complete new output (embed and the tagger
      # are deterministic with one thread and a seed)
      cmp -s "$T/$c.out" "$T/$c.new" || fail "$c: killed at ${delay}s: output is neither the old nor the new one"
      cp "$T/$c.out" "$T/$c.old"
    fi
  done
  [ "$killed" -ge 2 ] || fail "$c: only $killed of $n runs were still running when killed"
  run_$c "$T/$c.out" 2> "$T/err" || fail "$c: run after the kills: $(cat "$T/err")"
  cmp -s "$T/$c.out" "$T/$c.new" || fail "$c: run after the kills differs from the reference"
  ls "$T" | grep -q "^$c\.out\.tmp\." && fail "$c: temp files of killed runs left: $(ls "$T" | grep tmp)"
done
finish kill-writers
