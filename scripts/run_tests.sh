#!/usr/bin/env bash
# Sets up (packages and build) and runs the whole test suite with CTest.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"

cd "$repo/build"
ctest --output-on-failure -j "$(nproc)" "$@"
