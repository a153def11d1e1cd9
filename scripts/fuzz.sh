#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in build/fuzz-build unless --build-dir is given) and
# fuzzes one target, or every target in turn, for SECONDS each (0: until stopped or until a
# -runs=N option is reached). Options after SECONDS go to libFuzzer.
#
# Usage: scripts/fuzz.sh [--build-dir DIR] [--no-build] TARGET|all SECONDS [libFuzzer options]
# Example: scripts/fuzz.sh fuzz_checkpoint 0 -runs=10000000
#
# The corpus grows in DIR/corpus/TARGET, seeded from tests/data and fuzz/seeds; a crashing,
# leaking or slow input is saved in DIR/artifacts/TARGET/ and the script exits non-zero.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$repo/build/fuzz-build"
build=1
while [[ $# -gt 0 && $1 == --* ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "fuzz.sh: unknown option '$1'; see the usage at the top of scripts/fuzz.sh" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 ]]; then
  echo "usage: scripts/fuzz.sh [--build-dir DIR] [--no-build] TARGET|all SECONDS [libFuzzer options]" >&2
  exit 2
fi
target="$1"
seconds="$2"
shift 2

if ((build)); then
  cmake -S "$repo" -B "$build_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUTGEN_FUZZ=ON >/dev/null
  cmake --build "$build_dir" -j "$(nproc)" >/dev/null
fi

# Seed files of each target: real fixtures where the input format is a whole file, and the
# prepared seeds in fuzz/seeds where the target reads a prefix of option bytes first.
seed_files() {
  local data="$repo/tests/data"
  case "$1" in
    fuzz_checkpoint) ls "$data"/checkpoints/*.pth "$data"/zoo/onelayer/*.pth ;;
    fuzz_pickle) ls "$repo"/fuzz/seeds/pickle/* "$data"/checkpoints/legacy_*.pth ;;
    fuzz_model_json) ls "$repo"/fuzz/seeds/model_json/* ;;
    fuzz_arch_json) ls "$data"/*/arch.json "$data"/zoo/*/arch.json ;;
    fuzz_code_dump) ls "$repo"/fuzz/seeds/code_dump/* ;;
    fuzz_features_csv) ls "$repo"/fuzz/seeds/features_csv/* ;;
    *) echo "fuzz.sh: unknown target '$1'; choose one of: $(ls "$build_dir/fuzz" | grep '^fuzz_' | tr '\n' ' ')" >&2
       return 2 ;;
  esac
}

run_target() {
  local name="$1"
  shift
  local binary="$build_dir/fuzz/$name"
  seed_files "$name" >/dev/null || return 2
  if [[ ! -x $binary ]]; then
    echo "fuzz.sh: $binary not found; build it first (drop --no-build)" >&2
    return 2
  fi
  local corpus="$build_dir/corpus/$name"
  local artifacts="$build_dir/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  local seed
  for seed in $(seed_files "$name"); do
    cp -n "$seed" "$corpus/$(basename "$(dirname "$seed")")_$(basename "$seed")"
  done

  echo "fuzz.sh: $name for ${seconds}s, corpus $corpus"
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" "$corpus"
}

if [[ $target == all ]]; then
  for name in $(cd "$build_dir/fuzz" && ls | grep '^fuzz_' | grep -v '\.' | sort); do
    run_target "$name" "$@"
  done
else
  run_target "$target" "$@"
fi
