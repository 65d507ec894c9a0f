#!/usr/bin/env bash
# The one output rule (docs/CLI.md, "Output files") for every writing command: regular files
# and symlinks to them are replaced atomically, keeping the mode (and the link); devices,
# FIFOs, standard output and /dev/fd/* (process substitution) are written directly, never
# replaced; a failed write leaves the old file and no temp file; several outputs of one
# command are committed all or none; messages name the user's path, never a temp name.
# As root the whole script runs a second time as `nobody` (setpriv), where the read-only
# directory case is meaningful; as an ordinary user it runs once.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" output-paths
D=${LK_SRC:-.}/tests/data
C=${LK_SRC:-.}/corpora
chmod 755 "$T"
who=$(id -un)

lk() { timeout 60 "$L" "$@"; } # no hang, whatever the output is
# run_NAME OUT: run one writing command with --output OUT (small inputs, well under 1 s).
run_vocab() { lk vocab --input "$C/sample-en.txt" --output "$1"; }
run_tokenize() { lk tokenize --input "$C/sample-en.txt" --output "$1"; }
run_tfidf() { lk tfidf --input "$D/feat_docs_small.jsonl" --output "$1"; }
run_search() { lk search --index "$T/idx" --queries "$C/sample-queries.tsv" --output "$1"; }
run_embed() {
  lk embed --input "$D/emb_corpus.txt" --output "$1" --dim 8 --min-count 2 --epochs 1 \
    --threads 1 --seed 1 --quiet
}
run_tagger() {
  lk train-tagger --train "$D/corpus_good.conllu" --dev "$D/corpus_good.conllu" \
    --output "$1" --epochs 1 --hidden 8 --threads 1 --seed 1 --quiet
}
CMDS="vocab tokenize tfidf search embed tagger"
"$L" index --input "$C/sample-docs.jsonl" --index "$T/idx" --quiet 2> "$T/err" ||
  fail "index: $(cat "$T/err")"

temps_left() { ls -a "$1" | grep -q '\.tmp\.'; }

for c in $CMDS; do
  # reference output through a plain new file
  run_$c "$T/$c.ref" 2> "$T/err" || fail "$c: new file: $(cat "$T/err")"
  [ -s "$T/$c.ref" ] || fail "$c: empty output"
  ls "$T/$c.ref".*tmp* "$T/$c.ref".*best > /dev/null 2>&1 && fail "$c: files left beside the output: $(ls "$T/$c.ref".*)"

  # mode 600 is kept on replace (and the owner, trivially the same here)
  echo old > "$T/$c.600"; chmod 600 "$T/$c.600"
  run_$c "$T/$c.600" 2> "$T/err" || fail "$c: mode-600 file: $(cat "$T/err")"
  [ "$(stat -c %a "$T/$c.600")" = 600 ] || fail "$c: mode 600 became $(stat -c %a "$T/$c.600")"
  grep -qx old "$T/$c.600" && fail "$c: mode-600 file not rewritten"

  # a symlink stays a link; its target is replaced (also a relative link in another dir)
  mkdir -p "$T/real" "$T/links"
  echo old > "$T/real/$c.out"
  ln -sf "../real/$c.out" "$T/links/$c.lnk"
  run_$c "$T/links/$c.lnk" 2> "$T/err" || fail "$c: symlink: $(cat "$T/err")"
  [ -L "$T/links/$c.lnk" ] || fail "$c: symlink was replaced by a file"
  grep -qx old "$T/real/$c.out" && fail "$c: symlink target left stale"
  temps_left "$T/links" && fail "$c: temp file left beside the link"
  # a dangling link: its target is created
  ln -sf "../real/$c.new" "$T/links/$c.dangling"
  run_$c "$T/links/$c.dangling" 2> "$T/err" || fail "$c: dangling symlink: $(cat "$T/err")"
  [ -L "$T/links/$c.dangling" ] && [ -s "$T/real/$c.new" ] || fail "$c: dangling link not written through"

  # a FIFO with a reader gets the content and stays a FIFO
  rm -f "$T/fifo"; mkfifo "$T/fifo"
  timeout 30 cat "$T/fifo" > "$T/$c.fifo.out" & # a replaced FIFO would leave it waiting
  reader=$!
  run_$c "$T/fifo" 2> "$T/err" || fail "$c: FIFO: $(cat "$T/err")"
  wait "$reader"
  [ -p "$T/fifo" ] || fail "$c: FIFO was replaced"
  [ -s "$T/$c.fifo.out" ] || fail "$c: FIFO reader got nothing"

  # process substitution (/dev/fd/63)
  run_$c >(cat > "$T/$c.ps") 2> "$T/err" || fail "$c: >(cat): $(cat "$T/err")"
  wait $!
  [ -s "$T/$c.ps" ] || fail "$c: process substitution got nothing"

  # a character device: ours (mknod as root) is never replaced; /dev/null as anyone
  if [ "$(id -u)" = 0 ]; then
    mknod "$T/null" c 1 3 2> /dev/null || true
    if [ -c "$T/null" ]; then
      run_$c "$T/null" 2> "$T/err" || fail "$c: char device: $(cat "$T/err")"
      [ -c "$T/null" ] || fail "$c: char device was replaced by a file"
    fi
    rm -f "$T/null"
  fi
  # /dev/null and /dev/stdout only once our own device, FIFO and links survived: a broken
  # build run as root would replace the system's files
  if [ "$(id -u)" != 0 ] || [ "$fails" = 0 ]; then
    run_$c /dev/null 2> "$T/err" || fail "$c: /dev/null: $(cat "$T/err")"
    [ -c /dev/null ] || fail "$c: /dev/null is no longer a character device"
    # standard output by name, and "-"
    run_$c /dev/stdout > "$T/$c.stdout" 2> "$T/err" || fail "$c: /dev/stdout: $(cat "$T/err")"
    [ -s "$T/$c.stdout" ] || fail "$c: /dev/stdout got nothing"
    run_$c - > "$T/$c.dash" 2> "$T/err" || fail "$c: -: $(cat "$T/err")"
    [ -s "$T/$c.dash" ] || fail "$c: - got nothing"
    [ -f /dev/stdout ] && fail "$c: /dev/stdout was replaced by a file"
    ls /dev/*.ckpt > /dev/null 2>&1 && fail "$c: a checkpoint was written into /dev"
  else
    fail "$c: skipped /dev/null and /dev/stdout (earlier failures)"
  fi

  # a missing directory: exit 1, the message names the user's path and no temp file
  expect_fail 1 "$T/missing/$c.out" run_$c "$T/missing/$c.out"
  grep -q '\.tmp' "$T/err" && fail "$c: message names a temp file: $(cat "$T/err")"
  # a directory as output
  expect_fail 1 "is a directory" run_$c "$T/real"
  temps_left "$T" && fail "$c: temp file left in $T"
done

# same content whichever way it was written (tokenize/vocab/tfidf/search are deterministic)
for c in vocab tokenize tfidf search; do
  for k in fifo.out stdout dash ps; do
    cmp -s "$T/$c.ref" "$T/$c.$k" || fail "$c: output via $k differs from the file output"
  done
done

# a read-only directory (meaningless as root, who may write anywhere)
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$T/ro"; echo old > "$T/ro/v.tsv"; chmod 555 "$T/ro"
  expect_fail 1 "$T/ro/v.tsv" run_vocab "$T/ro/v.tsv"
  grep -q '\.tmp' "$T/err" && fail "read-only dir: message names a temp file"
  grep -qx old "$T/ro/v.tsv" || fail "read-only dir: old file changed"
  chmod 755 "$T/ro"
else
  echo "notice: read-only directory case runs in the unprivileged pass" >&2
fi

# several outputs: a bad --vocab-out leaves the matrix untouched (and vice versa)
echo OLD > "$T/m.svm"; echo OLD > "$T/v.tsv"
expect_fail 1 "$T/missing/v.tsv" "$L" tfidf --input "$D/feat_docs_small.jsonl" \
  --output "$T/m.svm" --vocab-out "$T/missing/v.tsv"
grep -qx OLD "$T/m.svm" || fail "tfidf: matrix written although --vocab-out failed"
expect_fail 1 "$T/missing/m.svm" "$L" tfidf --input "$D/feat_docs_small.jsonl" \
  --output "$T/missing/m.svm" --vocab-out "$T/v.tsv"
grep -qx OLD "$T/v.tsv" || fail "tfidf: vocabulary written although --output failed"
echo OLD > "$T/e.vec"
expect_fail 1 "$T/missing/e.lkem" "$L" embed --input "$D/emb_corpus.txt" --output "$T/e.vec" \
  --save-model "$T/missing/e.lkem" --dim 8 --min-count 2 --epochs 1 --quiet
grep -qx OLD "$T/e.vec" || fail "embed: vectors written although --save-model failed"

# temp files of killed writers (their PID is gone) are removed by the next write
echo junk > "$T/v2.tsv.tmp.2147483646.1a2b"
run_vocab "$T/v2.tsv" 2> "$T/err" || fail "vocab: $(cat "$T/err")"
[ -e "$T/v2.tsv.tmp.2147483646.1a2b" ] && fail "stale temp file of a dead writer not removed"

# a full disk (a 64 KB tmpfs, mounted by root; the unprivileged pass gets its own, mounted by
# the root pass, in LK_OUTPUT_PATHS_FULL): exit 1, old file intact, no temp file left
full_disk() {
  echo old > "$1/big.svm"
  cat /dev/zero > "$1/pad" 2> /dev/null # fill the disk, then free 8 KB
  truncate -s -8192 "$1/pad"
  expect_fail 1 "$1/big.svm" "$L" tfidf --input "$D/feat_docs.jsonl" --output "$1/big.svm"
  grep -q '\.tmp' "$T/err" && fail "full disk: message names a temp file: $(cat "$T/err")"
  grep -qx old "$1/big.svm" || fail "full disk: old file damaged"
  temps_left "$1" && fail "full disk: temp file left"
  rm -f "$1/pad" "$1/big.svm"
  echo "full-disk case run ($who)" >&2
}
if [ -n "${LK_OUTPUT_PATHS_FULL:-}" ]; then
  full_disk "$LK_OUTPUT_PATHS_FULL"
elif [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=64k tmpfs "$T/full" 2> /dev/null; then
  full_disk "$T/full"
  umount "$T/full"
else
  echo "notice: full-disk case skipped (needs root and a mountable tmpfs)" >&2
fi

# as root: the same again as an unprivileged user
if [ "$(id -u)" = 0 ] && [ -z "${LK_OUTPUT_PATHS_INNER:-}" ]; then
  if command -v setpriv > /dev/null && id nobody > /dev/null 2>&1; then
    inner=$(mktemp -d /tmp/lk-nobody.XXXXXX); chmod 777 "$inner"
    full=""
    mkdir -p "$T/full2" && mount -t tmpfs -o size=64k,mode=1777 tmpfs "$T/full2" 2> /dev/null &&
      full=$T/full2
    LK_OUTPUT_PATHS_INNER=1 LK_OUTPUT_PATHS_FULL=$full TMPDIR=$inner setpriv --reuid=nobody \
      --regid="$(id -g nobody)" --clear-groups bash "$0" 2>&1 | sed 's/^/[nobody] /' >&2
    [ "${PIPESTATUS[0]}" = 0 ] || fail "unprivileged pass failed"
    [ -n "$full" ] && umount "$full"
    rm -rf "$inner"
  else
    echo "notice: unprivileged pass skipped (no setpriv or no user nobody)" >&2
  fi
fi
finish "output-paths ($who)"
