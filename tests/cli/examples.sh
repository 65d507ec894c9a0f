#!/usr/bin/env bash
# examples/*.c compiled against the INSTALLED tree (cmake --install into a temporary prefix,
# flags from pkg-config) and run, asserting their output. Static link under the sanitizer
# build (which has no shared library), shared otherwise.
set -eu
LK_BUILD=${LK_BUILD:?set LK_BUILD to the CMake build directory}
LK_SRC=${LK_SRC:-$(pwd)}
CC=${CC:-cc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-examples.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
cmake --install "$LK_BUILD" --prefix "$PREFIX" >"$TMP/install.log"
PKG_CONFIG_PATH=$(dirname "$(find "$PREFIX" -name lexkit.pc | head -n 1)")
export PKG_CONFIG_PATH
libdir=$(pkg-config --variable=libdir lexkit)
cflags=$(pkg-config --cflags lexkit)
if [ "${LK_SANITIZE:-OFF}" = ON ]; then
    libs=$(pkg-config --libs --static lexkit)
    libs="-fsanitize=address,undefined ${libs/-llexkit/$libdir/liblexkit.a}"
else
    libs=$(pkg-config --libs lexkit)
fi
fails=0
run() { # name, expected output, then the arguments
    local name=$1 want=$2 got
    shift 2
    # shellcheck disable=SC2086
    if ! $CC -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags "$LK_SRC/examples/$name.c" \
        -o "$TMP/$name" $libs 2> "$TMP/$name.err"; then
        echo "FAIL $name does not compile:"; cat "$TMP/$name.err"; fails=$((fails + 1)); return
    fi
    if got=$(LD_LIBRARY_PATH=$libdir "$TMP/$name" "$@" 2>&1) && [ "$got" = "$want" ]; then
        echo "ok   $name"
    else
        echo "FAIL $name"; echo "--- want"; echo "$want"; echo "--- got"; echo "$got"
        fails=$((fails + 1))
    fi
}
version=$("$PREFIX/bin/lexkit" --version | cut -d' ' -f2)
run tokenize_vocab "lexkit $version: 7 tokens
cat 2
the 2
. 1
other 1
saw 1"
# scikit-learn 1.2: TfidfVectorizer().fit_transform(docs).toarray().round(6) gives these.
run tfidf "0 and idf=1.693147
1 cat idf=1.287682
2 dog idf=1.287682
3 sat idf=1.287682
4 the idf=1.000000
row 0: 1:0.619805 3:0.619805 4:0.481334
row 1: 2:0.619805 3:0.619805 4:0.481334
row 2: 0:0.530587 1:0.403525 2:0.403525 4:0.626747"
# scikit-learn 1.2: TfidfVectorizer().fit_transform(lines) has shape (635, 6854) and nnz 23694.
run tfidf_file "635 rows, 6854 terms, 23694 entries
same as one call on one thread: yes" "$LK_SRC/corpora/sample-en.txt"
# The hits, scores and titles are those of `lexkit index --lang en` + `lexkit search` on the
# same documents.
printf '{"id":"d1","title":"Cats","text":"cats chase mice"}\n{"id":"d2","title":"Dogs","text":"dogs chase cats and cats run"}\n{"id":"d3","title":"Mice","text":"mice eat cheese"}\n' > "$TMP/docs.jsonl"
# every expected line from the CLI: its default index (the english analyzer, as the C API's)
"$PREFIX/bin/lexkit" index --input "$TMP/docs.jsonl" --index "$TMP/cli-idx" --lang en >/dev/null 2>&1
cli_q() { "$PREFIX/bin/lexkit" search --index "$TMP/cli-idx" --query "$1" --output-format tsv | awk -F'\t' '{printf " %s(%.4f)", $3, $4}'; }
cli=$(cli_q cats) cli2=$(cli_q "mice cheese")
cli_t=$("$PREFIX/bin/lexkit" search --index "$TMP/cli-idx" --query "cats -dogs" --fields title --output-format tsv | awk -F'\t' '{printf " %s \"%s\"", $3, $5}')
"$PREFIX/bin/lexkit" index --index "$TMP/cli-idx" --delete-id d2 >/dev/null 2>&1
cli3=$(cli_q cats)
# by hand: cat is in 2 of 3 documents, idf ln(1 + 1.5/2.5) = 0.4700; d1 "Cats cats chase
# mice" has tf 2 in 4 terms, d2 "Dogs dogs chase cats and cats run" 2 in 6 ("and" is a stop
# word), avgdl 14/3: 0.4700 * 2/(2 + 1.2 (0.25 + 0.75 dl/avgdl)) = 0.3060 and 0.2719
[ "$cli" = " d1(0.3060) d2(0.2719)" ] || { echo "FAIL cli cats:$cli"; fails=$((fails + 1)); }
[ "$cli_t" = ' d1 "Cats"' ] || { echo "FAIL cli cats -dogs:$cli_t"; fails=$((fails + 1)); }
run bm25_search "3 documents
cats:$cli
mice cheese:$cli2
cats -dogs:$cli_t
2 documents after deleting d2
cats:$cli3" "$TMP/idx"
run tag_chinese "他们/PRON 在/VERB 学校/NOUN 学习/VERB 。/PUNCT" "$LK_SRC/corpora/models/zh-gsd-char.lkt"
# queen = king - man + woman exactly; apple is nearly orthogonal (cosine 0.049).
run embeddings "5 words, dim 3
king - man + woman: queen(0.963) apple(0.049)" "$TMP/vectors.bin"
# without their argument they exited 2 silently: a one-line usage on stderr
for name in bm25_search embeddings tag_chinese tfidf_file; do
    [ -x "$TMP/$name" ] || continue
    rc=0
    LD_LIBRARY_PATH=$libdir "$TMP/$name" > /dev/null 2> "$TMP/usage.err" || rc=$?
    if [ "$rc" = 2 ] && grep -q "^usage: $name " "$TMP/usage.err"; then
        echo "ok   $name (no argument: usage)"
    else
        echo "FAIL $name without an argument: exit $rc, '$(cat "$TMP/usage.err")'"
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
