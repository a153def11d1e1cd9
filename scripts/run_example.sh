#!/usr/bin/env bash
# The main job on the bundled example (a LogicNets JSC-S model trained on real data):
# set up, then import -> generate -> verify against the golden model with Verilator.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"

lutgen="$repo/build/generator/lutgen"
example="$repo/examples/jsc_s_digits"
out="${LUTGEN_EXAMPLE_OUT:-$repo/build/example}"
mkdir -p "$out"

"$lutgen" import "$example/best_accuracy.pth" --arch jsc-s -o "$out/model.json" --force
"$lutgen" generate "$out/model.json" -o "$out/rtl" --force
"$lutgen" verify "$out/rtl" --model "$out/model.json" \
  --inputs "$example/test_input.txt" --labels "$example/test_output.txt"
