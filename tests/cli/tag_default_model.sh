#!/usr/bin/env bash
# Issue 14: `echo "I don't know." | lexkit tag` works out of the box: without --model the shipped
# English model is used (installed share/lexkit/models/en-ewt.lkt beside bin/, else the source
# tree's corpora/models/; install.sh checks the installed case) and, without --input-format,
# the input is raw text split by the ud-en tokenizer. --input-format still applies, and an
# explicit --model keeps the tokens default (docs/CLI.md).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-default-model
EN=${LK_SRC:-.}/corpora/models/en-ewt.lkt

got=$(echo "I don't know." | "$L" tag 2> "$T/err") || fail "tag without --model: $(cat "$T/err")"
[ "$got" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] || fail "raw default: $got"
[ ! -s "$T/err" ] || fail "stderr not empty: $(cat "$T/err")"
got=$(echo "I don't think it's raining, is it?" | "$L" tag)
[ "$got" = "I/PRON do/AUX n't/PART think/VERB it/PRON 's/AUX raining/VERB ,/PUNCT is/AUX it/PRON ?/PUNCT" ] ||
  fail "raw default: $got"
# the same as the explicit model with --input-format raw
echo "I don't know." | "$L" tag --model "$EN" --input-format raw > "$T/explicit"
echo "I don't know." | "$L" tag > "$T/default"
cmp -s "$T/explicit" "$T/default" || fail "default differs from --model en-ewt --input-format raw"
# --input-format given without --model: obeyed (tokens: 'don't' stays one word)
got=$(echo "I do n't know ." | "$L" tag --input-format tokens)
[ "$got" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ] || fail "tokens: $got"
got=$(printf '1\tI\t_\t_\t_\t_\t_\t_\t_\t_\n2\tknow\t_\t_\t_\t_\t_\t_\t_\t_\n\n' | "$L" tag --input-format conllu | cut -f2,4)
[ "$got" = "$(printf 'I\tPRON\nknow\tVERB')" ] || fail "conllu: $got"
# an explicit --model keeps tokens as its default (running text gets the note)
echo "I don't think it's raining, is it?" | "$L" tag --model "$EN" > "$T/o" 2> "$T/e"
grep -q -- "--input-format raw" "$T/e" || fail "explicit --model: no tokens note: $(cat "$T/e")"
finish tag_default_model
