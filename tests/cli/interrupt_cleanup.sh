#!/usr/bin/env bash
# Ctrl-C or SIGTERM while an output is being written: the command removes its temp files
# (OUT.tmp.PID.N), says "lexkit CMD: interrupted" and exits 130 (SIGINT) or 143 (SIGTERM);
# the earlier output stays intact. tokenize and tag read a FIFO the test holds open, so they
# are certainly still running (temp file open) when the signal comes; train-tagger is
# signalled as soon as one of its checkpoint temp files is seen.
. "${LK_SRC:-.}/tests/cli_lib.sh" interrupt-cleanup
set -m # background jobs keep SIGINT (without job control bash starts them with it ignored)

# wait_temp PATTERN SECONDS: true once a file matching PATTERN exists (polled every 10 ms)
wait_temp() {
  local i
  for ((i = 0; i < $2 * 100; i++)); do
    compgen -G "$1" > /dev/null && return 0
    sleep 0.01
  done
  return 1
}

# check NAME CMD SIG WANT_RC OUT: after the signal, the status, message, temps and old output
check() {
  local name=$1 cmd=$2 sig=$3 want=$4 out=$5 rc
  wait "$pid"
  rc=$?
  [ "$rc" = "$want" ] || fail "$name: exit $rc after SIG$sig (want $want): $(cat "$T/err.$name")"
  grep -qx "lexkit $cmd: interrupted" "$T/err.$name" || fail "$name: message: $(cat "$T/err.$name")"
  compgen -G "$out*.tmp.*" > /dev/null && fail "$name: temp files left: $(ls "$T")"
  [ "$(cat "$out")" = "old $name" ] || fail "$name: the earlier output changed"
}

# feed_fifo NAME: start writing lines of text into the FIFO $T/in.NAME (held open on fd 3)
SENT="The quick brown fox jumps over the lazy dog ."
M=$T/en.lkt
$L train-tagger --train "$D/tag_en_train.conllu" --output "$M" --epochs 1 --hidden 8 --word-dim 8 \
  --char-dim 6 --quiet 2> "$T/err" || fail "train: $(cat "$T/err")"

run_fifo() { # NAME SIG WANT CMD ARGS...: CMD --input FIFO --output OUT, signalled mid-stream
  local name=$1 sig=$2 want=$3 cmd=$4
  shift 4
  mkfifo "$T/in.$name"
  echo "old $name" > "$T/out.$name"
  "$L" "$cmd" "$@" --input "$T/in.$name" --output "$T/out.$name" 2> "$T/err.$name" &
  pid=$!
  exec 3> "$T/in.$name"
  for i in $(seq 1 2000); do echo "$SENT"; done >&3
  if wait_temp "$T/out.$name.tmp.*" 30; then
    kill -"$sig" "$pid"
  else
    fail "$name: no temp file appeared"
    kill -KILL "$pid"
  fi
  exec 3>&-
  check "$name" "$cmd" "$sig" "$want" "$T/out.$name"
}

run_fifo tokenize-int INT 130 tokenize
run_fifo tokenize-term TERM 143 tokenize
run_fifo tag-int INT 130 tag --model "$M" --input-format tokens
run_fifo tag-term TERM 143 tag --model "$M" --input-format tokens

# train-tagger: many short epochs, each writing OUT.ckpt through a temp file; signalled when
# one is seen (it may be renamed before the signal lands: then none is left either way)
for i in 1 2 3 4; do cat "$D/tag_en_train.conllu"; done > "$T/train.conllu"
echo "old train" > "$T/out.train"
"$L" train-tagger --train "$T/train.conllu" --output "$T/out.train" --epochs 100000 --patience 0 \
  --hidden 256 --word-dim 64 --char-dim 32 --threads 1 --quiet 2> "$T/err.train" &
pid=$!
if wait_temp "$T/out.train.ckpt.tmp.*" 60; then
  kill -INT "$pid"
else
  fail "train-tagger: no checkpoint temp file appeared"
  kill -KILL "$pid"
fi
check train train-tagger INT 130 "$T/out.train"

finish interrupt-cleanup
