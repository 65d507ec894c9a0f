#!/usr/bin/env bash
# The examples in README.md and the docs ('$ command' followed by what it prints) are the
# first thing people judge: each is run and its output compared with the text shown
# (tests/cli/docs_examples.py). docs/serve.md's curl session needs a running server and is
# checked by serve tests instead.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" docs-examples
S=${LK_SRC:-.}
/usr/bin/python3 "$S/tests/cli/docs_examples.py" "$L" "$S" README.md docs/tagger.md docs/tokenize.md \
  docs/vocab.md docs/search.md > "$T/out" 2>&1 || fail "$(cat "$T/out")"
grep -q '^docs examples: [1-9][0-9]* run, 0 differ$' "$T/out" || fail "$(tail -3 "$T/out")"
finish docs-examples
