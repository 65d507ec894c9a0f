#!/usr/bin/env bash
# The examples in README.md and the docs ('$ command' followed by what it prints) are the
# first thing people judge: each is run and its output compared with the text shown
# (tests/cli/docs_examples.py). docs/serve.md's curl session runs against the server its
# first lines start (on a free port; took_ms masked).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" docs-examples
S=${LK_SRC:-.}
/usr/bin/python3 "$S/tests/cli/docs_examples.py" "$L" "$S" README.md docs/tagger.md docs/tokenize.md \
  docs/vocab.md docs/search.md > "$T/out" 2>&1 || fail "$(cat "$T/out")"
grep -q '^docs examples: [1-9][0-9]* run, 0 differ$' "$T/out" || fail "$(tail -3 "$T/out")"
/usr/bin/python3 "$S/tests/cli/docs_examples.py" "$L" "$S" \
  --setup "lexkit index --input corpora/sample-docs.jsonl --index sample --quiet && echo 'change-me-to-a-long-random-string' > token" \
  --server "lexkit serve --index sample --listen 127.0.0.1:8080 --write-token-file token" \
  --mask '"took_ms": [0-9.]+' docs/serve.md > "$T/serve" 2>&1 || fail "$(cat "$T/serve")"
grep -q '^docs examples: 2[0-9] run, 0 differ$' "$T/serve" || fail "serve.md: $(tail -3 "$T/serve")"
finish docs-examples
