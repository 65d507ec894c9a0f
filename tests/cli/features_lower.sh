#!/usr/bin/env bash
# docs/features.md said --lower follows Python's str.lower for every bow/tfidf tokenizer; the
# lexkit and space tokenizers case-fold (ß -> ss, final Σ -> σ), and so does ud-en (without
# NFKC: ǅ -> ǆ; it lowered ASCII only before).
# The doc now says what each does, with an example table; this test runs the table's rows.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" features-lower
DOC=${LK_SRC:-.}/docs/features.md
printf 'ΣΟΦΟΣ Straße ǅemo\n' > "$T/d.txt"
rows=$(grep -c '^| lower: ' "$DOC")
[ "$rows" = 4 ] || fail "docs/features.md has $rows 'lower:' rows, want 4"
grep '^| lower: ' "$DOC" | while IFS='|' read -r _ tok terms _; do
  tok=$(echo "$tok" | sed 's/ *lower: *//; s/ *$//')
  want=$(echo "$terms" | tr -d '`' | sed 's/^ *//; s/ *$//')
  got=$("$L" bow --input "$T/d.txt" --input-format text --tokenizer "$tok" --vocab-out - \
        --output /dev/null | tail -n +3 | cut -f1 | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || { echo "FAIL: --tokenizer $tok: doc says '$want', bow gives '$got'" >&2; exit 1; }
done || fail "a documented row disagrees"
# and the doc no longer says str.lower applies to every tokenizer
grep -q "^Lowercasing follows Python's \`str.lower\`" "$DOC" && fail "doc still says str.lower for all"
finish features-lower
