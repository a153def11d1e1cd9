#!/usr/bin/env bash
# Builds lutgen and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (-DLUTGEN_SANITIZE=ON) in build-asan/ and runs the whole suite with CTest. Any sanitizer report
# fails the test that caused it. Arguments go to ctest, for example -R Checkpoint to run a subset.
# The harness binaries that Verilator builds are not sanitized.
#
# Usage: scripts/sanitize.sh [ctest arguments]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LUTGEN_ASAN_BUILD_DIR:-$repo/build-asan}"

cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUTGEN_SANITIZE=ON \
  -DLUTGEN_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
