#!/usr/bin/env bash
# train-tagger --output and --plot are committed together, all or none (issue 15), as embed's
# outputs (embed_outputs.sh): when the plot cannot be written, the previous model stays, and
# the reverse; a --plot path that cannot be created fails before training.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tagger-outputs
TR=(--train "$D/tag_en_train.conllu" --dev "$D/tag_en_dev.conllu" --epochs 2 --hidden 8
    --word-dim 8 --char-dim 6 --batch 4 --seed 3 --threads 1 --quiet)
reset() { rm -f "$T"/m.lktg.ckpt*; echo "previous model" > "$T/m.lktg"; echo "previous plot" > "$T/p.svg"; }
left_tmp() { ls -a "$T" | grep -q '\.tmp'; }
if [ -w /dev/full ]; then
  # /dev/full passes the early output check (a device, written directly) and fails on write
  reset
  "$L" train-tagger "${TR[@]}" --output "$T/m.lktg" --plot /dev/full 2> "$T/err"
  rc=$?
  [ $rc = 1 ] || fail "--plot /dev/full: exit $rc"
  grep -q "/dev/full" "$T/err" || fail "message does not name /dev/full: $(cat "$T/err")"
  [ "$(cat "$T/m.lktg")" = "previous model" ] || fail "--output replaced although --plot failed"
  left_tmp && fail "--plot /dev/full: temp file left: $(ls -a "$T")"
  reset
  "$L" train-tagger "${TR[@]}" --output /dev/full --plot "$T/p.svg" 2> "$T/err"
  rc=$?
  [ $rc = 1 ] || fail "--output /dev/full: exit $rc"
  [ "$(cat "$T/p.svg")" = "previous plot" ] || fail "--plot replaced although --output failed"
  left_tmp && fail "--output /dev/full: temp file left: $(ls -a "$T")"
fi
# a --plot in a missing directory: refused before training, the model untouched
reset
expect_fail 1 "$T/missing/p.svg" "$L" train-tagger "${TR[@]}" --output "$T/m.lktg" \
  --plot "$T/missing/p.svg"
[ "$(cat "$T/m.lktg")" = "previous model" ] || fail "--output replaced although --plot's directory is missing"
[ -e "$T/m.lktg.ckpt" ] && fail "--plot's directory is missing: training ran (a checkpoint was written)"
# both succeed: both written
reset
"$L" train-tagger "${TR[@]}" --output "$T/m.lktg" --plot "$T/p.svg" 2> "$T/err" ||
  fail "train-tagger with --plot: $(cat "$T/err")"
[ "$(head -c 4 "$T/m.lktg")" = "LKTG" ] || fail "--output not written"
grep -q 'data-values=' "$T/p.svg" || fail "--plot not written: $(head -c 200 "$T/p.svg")"
[ "$(grep -o 'data-values="[^"]*"' "$T/p.svg" | head -1 | tr -cd ' ' | wc -c)" = 1 ] ||
  fail "--plot does not hold 2 epochs: $(grep -o 'data-values="[^"]*"' "$T/p.svg")"
finish tagger-outputs
