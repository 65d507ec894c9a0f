#!/usr/bin/env bash
# Small CLI defects from a new-user test (one case each, named by what was wrong):
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" small-defects
DOCS="$D/feat_docs_small.jsonl"
# bow --min-df 0.9 --max-df 0.1 exited 1 (after reading) where --min-df 5 --max-df 2 exits 2
expect_fail 2 "max_df corresponds to < documents than min_df" "$L" bow --input "$DOCS" --min-df 0.9 --max-df 0.1
expect_fail 2 "max_df corresponds to < documents than min_df" "$L" tfidf --input "$DOCS" --min-df 5 --max-df 2
# a count against a proportion depends on the collection: exit 1, naming the input
expect_fail 1 "feat_docs_small.jsonl: max_df corresponds" "$L" bow --input "$DOCS" --min-df 5 --max-df 0.1
# blank lines only: "empty vocabulary" did not name the file
printf '\n  \n\n' > "$T/blank.txt"
expect_fail 1 "blank.txt: empty vocabulary" "$L" bow --input "$T/blank.txt" --input-format text
finish small-defects
