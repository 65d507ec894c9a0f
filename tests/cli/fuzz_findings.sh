#!/usr/bin/env bash
# Defects found by the fuzz campaign of issue 15 (tests/fuzz/), each checked through the CLI.
# The reproducers themselves are replayed by the fuzz_replay_* tests (tests/fuzz/crashes/).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" fuzz-findings
SAN=OFF; [ "${LK_SANITIZE:-OFF}" = "ON" ] || [ "${LK_TSAN:-OFF}" = "ON" ] && SAN=ON

# vectors: a header "0 DIM" (0 words) passed the file-size check (no row to check) and an
# absurd DIM was then allocated (4.4 GB here, by the reader and by every command): "out of
# memory". A header of 0 words (an empty table, as gensim writes and reads it) has a dim of
# at most 100000, as its message says. Under a 1 GB address-space limit (not with sanitizers: their shadow memory
# needs more), so that the old behaviour fails fast.
printf '0 1111111111\n' > "$T/zero.vec"
cp "${LK_SRC:-.}/tests/fuzz/crashes/vectors/oom-zero-words-huge-dim" "$T/zero.bin" # the binary reader
for f in zero.vec zero.bin; do
  if [ "$SAN" = ON ]; then
    "$L" neighbors --vectors "$T/$f" --word a > /dev/null 2> "$T/err"
  else
    (ulimit -v 1048576 && exec "$L" neighbors --vectors "$T/$f" --word a) > /dev/null 2> "$T/err"
  fi
  rc=$?
  [ $rc = 1 ] || fail "$f: exit $rc"
  grep -q "$f:1:1: expected a header 'WORDS DIM' (two positive integers, or 0 words of dim at most 100000)" "$T/err" ||
    fail "$f: $(cat "$T/err")"
done
finish fuzz-findings
