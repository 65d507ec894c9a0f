#!/usr/bin/env bash
# The usage synopsis of `tag`, `tokenize` and `eval-tagger --help` names every option the
# generated option list below it has (tag's omitted --user-dict, --script, --no-pretok and
# --granularity; tokenize's --no-lower).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" help-usage
for c in tag tokenize eval-tagger; do
  "$L" "$c" --help > "$T/h" || fail "$c --help"
  # the synopsis: the usage: line and the indented lines that continue it
  awk 'NR == 1 || (go && /^ +\[/) { print; go = 1; next } { exit }' "$T/h" > "$T/usage"
  for o in $(sed -n '/^options:$/,$p' "$T/h" | grep -oE '^  --[a-z0-9-]+' | sort -u); do
    grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" "$T/usage" || fail "$c --help: usage line lacks $o"
  done
done
finish help_usage
