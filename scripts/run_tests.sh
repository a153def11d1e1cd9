#!/usr/bin/env bash
# Sets up (packages and build) and runs the whole test suite with CTest.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The fuzz targets are built with clang beside the main build, and each is fuzzed for 10 s.
"$repo/scripts/setup.sh" -DLUTGEN_FUZZ_TESTS=ON

cd "$repo/build"
ctest --output-on-failure -j "$(nproc)" "$@"
