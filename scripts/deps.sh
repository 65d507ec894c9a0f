#!/usr/bin/env bash
# Install the Debian 12 packages lexkit needs (as root), or print the apt-get line to run.
# Usage: deps.sh build|test|bench   (each level includes the ones before it)
#        deps.sh browser              (test + chromium, for the search page test of serve.sh)
#        deps.sh fuzz                 (test + clang, for `make fuzz`)
set -eu
build_pkgs="gcc make cmake pkg-config libutf8proc-dev uthash-dev libopenblas-dev libopenblas0-serial libstemmer-dev libzstd-dev libmicrohttpd-dev libopencc-dev libxml2-dev xz-utils"
# Tests: cmocka, and the peers that read lexkit's output formats (round trips; fasttext
# reads and writes the .bin models of tests/cli/embed_fasttext.sh); the Python package
# (python3-dev builds the extension, python3-pytest runs python/tests, python3-sklearn for
# its parity and Pipeline tests; g++ compiles lexkit.h as C++ in tests/cli/install.sh;
# python3-xapian: the xapian BM25 variant is checked against Xapian, tests/cli/bm25_xapian.sh).
test_pkgs="libcmocka-dev curl python3 python3-numpy python3-scipy python3-gensim fasttext python3-dev python3-pytest python3-sklearn g++ python3-xapian"
bench_pkgs="python3-jieba python3-torch hyperfine time wrk"
# The search page of `lexkit serve` is tested in headless Chromium (a large package: its
# own level, which CI installs; tests/cli/serve.sh skips the page test without it), and a
# Chinese font for its screenshot.
browser_pkgs="chromium fonts-wqy-zenhei"
fuzz_pkgs="clang" # libFuzzer: `make fuzz` only
case "${1:-build}" in
  build) want="$build_pkgs" ;;
  test)  want="$build_pkgs $test_pkgs" ;;
  bench) want="$build_pkgs $test_pkgs $bench_pkgs" ;;
  browser) want="$build_pkgs $test_pkgs $browser_pkgs" ;;
  fuzz)  want="$build_pkgs $test_pkgs $fuzz_pkgs" ;;
  *) echo "usage: deps.sh build|test|bench|browser|fuzz" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "lexkit: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "lexkit: missing packages; run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
