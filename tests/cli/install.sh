#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then build and run a small C program against the
# installed headers and library found through pkg-config (lexkit.pc), as a user would.
# Under the sanitizer build (LK_SANITIZE=ON) only the static library exists: link it with
# -fsanitize=address,undefined. Otherwise link both the shared and the static library.
set -eu
LK_BUILD=${LK_BUILD:?set LK_BUILD to the CMake build directory}
CC=${CC:-cc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix

cmake --install "$LK_BUILD" --prefix "$PREFIX" >"$TMP/install.log"
[ -x "$PREFIX/bin/lexkit" ] || { echo "FAIL: $PREFIX/bin/lexkit not installed"; exit 1; }
pc=$(find "$PREFIX" -name lexkit.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: lexkit.pc not installed"; cat "$TMP/install.log"; exit 1; }
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
PC="pkg-config"
# lexkit.pc is relocatable: its includedir must be the install prefix's.
incdir=$(pkg-config --variable=includedir lexkit)
if [ "$(cd "$incdir" 2>/dev/null && pwd -P)" != "$(cd "$PREFIX/include" && pwd -P)" ]; then
    echo "FAIL: lexkit.pc has includedir=$incdir, not under the install prefix $PREFIX"
    exit 1
fi
libdir=$($PC --variable=libdir lexkit)
[ -f "$libdir/liblexkit.a" ] || { echo "FAIL: libdir $libdir has no liblexkit.a"; exit 1; }

cat >"$TMP/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include <lexkit/lexkit.h>

int main(void)
{
    const char *text = "The cat saw the other CAT.";
    lexkit_tokenizer *t = NULL;
    lexkit_vocab *v = NULL;
    const lexkit_token *toks;
    size_t n;
    lexkit_error err;
    if (lexkit_tokenizer_create(LEXKIT_TOKENIZER_LEXKIT, 1, &t) != LEXKIT_OK ||
        lexkit_vocab_create(&v) != LEXKIT_OK) return 1;
    if (lexkit_tokenize(t, text, strlen(text), &toks, &n, &err) != LEXKIT_OK) return 1;
    for (size_t i = 0; i < n; i++)
        if (lexkit_vocab_add(v, toks[i].text, toks[i].text_len, NULL) != LEXKIT_OK) return 1;
    if (lexkit_vocab_sort(v, 1, 0) != LEXKIT_OK) return 1;
    printf("lexkit %s: %zu tokens\n", lexkit_version(), n);
    for (int32_t id = 0; id < lexkit_vocab_size(v); id++)
        printf("%s %lld\n", lexkit_vocab_word(v, id), (long long)lexkit_vocab_count(v, id));
    lexkit_tokenizer_free(t);
    lexkit_vocab_free(v);
    return 0;
}
EOF
want="lexkit $("$PREFIX/bin/lexkit" --version | cut -d' ' -f2): 7 tokens
cat 2
the 2
. 1
other 1
saw 1"

fails=0
check_run() { # name, then the command that runs the program
    local name=$1 got
    shift
    if got=$("$@" 2>&1) && [ "$got" = "$want" ]; then
        echo "ok   $name"
    else
        echo "FAIL $name"; echo "--- want"; echo "$want"; echo "--- got"; echo "$got"
        fails=$((fails + 1))
    fi
}

cflags=$($PC --cflags lexkit)
static_libs=$($PC --libs --static lexkit)
static_libs=${static_libs/-llexkit/$libdir/liblexkit.a} # the .a even when the .so is there
san=
if [ "${LK_SANITIZE:-OFF}" = ON ]; then san="-fsanitize=address,undefined"; fi
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Werror $san $cflags "$TMP/prog.c" -o "$TMP/prog-static" $static_libs
check_run "static link: $static_libs" "$TMP/prog-static"

if [ "${LK_SANITIZE:-OFF}" != ON ]; then
    shared_libs=$($PC --libs lexkit)
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror $cflags "$TMP/prog.c" -o "$TMP/prog-shared" $shared_libs
    check_run "shared link: $shared_libs" env LD_LIBRARY_PATH="$libdir" "$TMP/prog-shared"
    if ! LD_LIBRARY_PATH="$libdir" ldd "$TMP/prog-shared" | grep -q "$libdir/liblexkit.so"; then
        echo "FAIL shared link did not use $libdir/liblexkit.so"; fails=$((fails + 1))
    fi
fi

# Only the public headers are installed: include/lexkit/*.h, no internal folders.
if [ -n "$(cd "$PREFIX/include" && find lexkit -mindepth 1 -type d)" ]; then
    echo "FAIL internal header folders installed: $(cd "$PREFIX/include" && find lexkit -mindepth 1 -type d)"
    fails=$((fails + 1))
fi
# Every installed header compiles on its own and together with all the others (no clashing
# names between modules, each header includes what it uses), as C and as C++ when a C++
# compiler is present (the extern "C" guards).
: > "$TMP/all.c"
for h in $(cd "$PREFIX/include" && find lexkit -name '*.h' | sort); do
    printf '#include <%s>\n' "$h" > "$TMP/one.c"
    echo "int lk_header_check(void);" >> "$TMP/one.c"
    # shellcheck disable=SC2086
    if ! $CC -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags -c "$TMP/one.c" -o "$TMP/one.o" 2> "$TMP/one.err"; then
        echo "FAIL header $h alone:"; cat "$TMP/one.err"; fails=$((fails + 1))
    fi
    printf '#include <%s>\n' "$h" >> "$TMP/all.c"
done
echo "int lk_header_check(void);" >> "$TMP/all.c"
# shellcheck disable=SC2086
if $CC -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags -c "$TMP/all.c" -o "$TMP/all.o" 2> "$TMP/all.err"; then
    echo "ok   $(grep -c include "$TMP/all.c") installed headers compile alone and together"
else
    echo "FAIL installed headers together:"; cat "$TMP/all.err"; fails=$((fails + 1))
fi

if command -v "${CXX:-c++}" >/dev/null 2>&1; then
    printf '#include <lexkit/lexkit.h>\nint main() { return lexkit_status_str(LEXKIT_OK) ? 0 : 1; }\n' > "$TMP/cxx.cc"
    # shellcheck disable=SC2086
    if "${CXX:-c++}" -Wall -Wextra -Werror $san $cflags "$TMP/cxx.cc" -o "$TMP/cxx" $static_libs -lstdc++ 2> "$TMP/cxx.err" && "$TMP/cxx"; then
        echo "ok   lexkit.h compiles and links as C++ (extern \"C\")"
    else
        echo "FAIL lexkit.h as C++:"; cat "$TMP/cxx.err"; fails=$((fails + 1))
    fi
fi

# The installed CLI runs.
got=$(printf 'b a b\n' | "$PREFIX/bin/lexkit" vocab)
if [ "$got" = "b	2
a	1" ]; then echo "ok   installed lexkit vocab"; else
    echo "FAIL installed lexkit vocab: $got"; fails=$((fails + 1)); fi
# Issue 14: `lexkit tag` without --model finds the installed English model and reads raw text.
if [ -f "$PREFIX/share/lexkit/models/en-ewt.lkt" ]; then echo "ok   en-ewt.lkt installed"; else
    echo "FAIL share/lexkit/models/en-ewt.lkt not installed"; fails=$((fails + 1)); fi
got=$(echo "I don't know." | "$PREFIX/bin/lexkit" tag)
if [ "$got" = "I/PRON do/AUX n't/PART know/VERB ./PUNCT" ]; then echo "ok   installed lexkit tag"; else
    echo "FAIL installed lexkit tag without --model: $got"; fails=$((fails + 1)); fi

# `lexkit tokenize --lang zh` without --model finds the installed Chinese model.
got=$(echo '我们去北京' | "$PREFIX/bin/lexkit" tokenize --lang zh)
if [ "$got" = "我们 去 北京" ]; then echo "ok   installed lexkit tokenize --lang zh"; else
    echo "FAIL installed lexkit tokenize --lang zh: $got"; fails=$((fails + 1)); fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
