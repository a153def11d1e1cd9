#!/usr/bin/env bash
# Installs the Debian packages lutgen needs (if missing) and builds it into build/.
# Usage: scripts/setup.sh [extra cmake arguments]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake pkg-config
  libfmt-dev nlohmann-json3-dev libcli11-dev libzip-dev libssl-dev
  googletest libgtest-dev libbenchmark-dev
  verilator yosys tcl
  python3 python3-numpy
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs="$(nproc)"
cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$repo/build" -j "$jobs"
echo "setup: built $repo/build/generator/lutgen"
