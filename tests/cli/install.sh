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

#include <lexkit/text/tokenize.h>
#include <lexkit/text/vocab.h>

int main(void)
{
    const char *text = "The cat saw the other CAT.";
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true;
    lk_tokenizer *t = NULL;
    lk_vocab *v = NULL;
    const lk_token *toks;
    size_t n;
    lk_error err;
    if (lk_tokenizer_create(&c, &t) != LK_OK || lk_vocab_create(&v) != LK_OK) return 1;
    if (lk_tokenize(t, text, strlen(text), &toks, &n, &err) != LK_OK) return 1;
    for (size_t i = 0; i < n; i++)
        if (lk_vocab_add(v, toks[i].text, toks[i].text_len, NULL) != LK_OK) return 1;
    if (lk_vocab_sort(v) != LK_OK) return 1;
    printf("lexkit %s: %zu tokens\n", lk_version(), n);
    for (int32_t id = 0; id < lk_vocab_size(v); id++)
        printf("%s %lld\n", lk_vocab_word(v, id), (long long)lk_vocab_count(v, id));
    lk_tokenizer_free(t);
    lk_vocab_free(v);
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

# Every installed header compiles on its own and together with all the others (no clashing
# names between modules, each header includes what it uses).
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

# The installed CLI runs.
got=$(printf 'b a b\n' | "$PREFIX/bin/lexkit" vocab)
if [ "$got" = "b	2
a	1" ]; then echo "ok   installed lexkit vocab"; else
    echo "FAIL installed lexkit vocab: $got"; fails=$((fails + 1)); fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
