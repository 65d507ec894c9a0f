#!/usr/bin/env bash
# The installed shared library exports exactly the public API: the functions declared with
# LK_API in the installed headers (include/lexkit/*.h), no internal lk_* symbol, and every
# declared function is there. Skipped under the sanitizer build (no shared library).
set -eu
LK_BUILD=${LK_BUILD:?set LK_BUILD to the CMake build directory}
if [ "${LK_SANITIZE:-OFF}" = ON ]; then echo "skip: no shared library in the sanitizer build"; exit 0; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-syms.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
cmake --install "$LK_BUILD" --prefix "$PREFIX" >"$TMP/install.log"
so=$(find "$PREFIX" -name 'liblexkit.so.*.*' | head -n 1)
[ -n "$so" ] || { echo "FAIL: liblexkit.so not installed"; exit 1; }
# Declarations are one line each: `LK_API <type> <name>(`.
cat "$PREFIX"/include/lexkit/*.h | grep '^LK_API ' |
    sed -E 's/^LK_API [^(]*[ *]([a-z_0-9]+)\(.*/\1/' | sort > "$TMP/declared"
nm -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' | sort > "$TMP/exported"
n_decl=$(wc -l < "$TMP/declared")
n_exp=$(wc -l < "$TMP/exported")
if [ "$n_decl" -lt 40 ]; then echo "FAIL: only $n_decl declarations found"; exit 1; fi
if ! diff "$TMP/declared" "$TMP/exported" > "$TMP/diff"; then
    echo "FAIL: exported symbols differ from the LK_API declarations (< declared only, > exported only):"
    cat "$TMP/diff"
    exit 1
fi
echo "ok   $n_exp exported functions = $n_decl LK_API declarations in $(ls "$PREFIX"/include/lexkit | wc -l) headers"
