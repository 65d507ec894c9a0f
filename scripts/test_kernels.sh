#!/usr/bin/env bash
# Run the built test suite (ctest in BUILD) once per OpenBLAS kernel, so a test that holds on
# one CPU's kernel and fails on another's is caught where it is written. Kernels the CPU
# cannot run (no AVX-512 for SkylakeX, no AVX2 for Haswell) are skipped with a notice.
# Usage: test_kernels.sh BUILD [KERNEL...]   (default: SkylakeX Haswell)
set -eu
build=$1; shift
kernels=${*:-SkylakeX Haswell}
flags=$(grep -m1 '^flags' /proc/cpuinfo 2> /dev/null || true)
has() { case " $flags " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
jobs=$(nproc 2> /dev/null || echo 2)
ran=0
for k in $kernels; do
  case $k in
    SkylakeX|Cooperlake|SapphireRapids) need=avx512f ;;
    Haswell|Zen) need=avx2 ;;
    Sandybridge) need=avx ;;
    *) need= ;;
  esac
  if [ -n "$need" ] && ! has "$need"; then
    echo "test_kernels: skipping OPENBLAS_CORETYPE=$k (this CPU has no $need)"
    continue
  fi
  echo "test_kernels: OPENBLAS_CORETYPE=$k: $(OPENBLAS_CORETYPE=$k "$build/lexkit" --build-info | tail -1)"
  (cd "$build" && OPENBLAS_CORETYPE=$k ctest --output-on-failure -j "$jobs")
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "test_kernels: no kernel could run here" >&2; exit 1; }
