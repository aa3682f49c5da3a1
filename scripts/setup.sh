#!/usr/bin/env bash
# Idempotent machine setup: installs the Debian packages the project needs, only when missing.
# Called by `npm start` and `npm test` (through scripts/ensure.sh); safe to run again.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config
  libeigen3-dev xtensor-dev xtl-dev libxsimd-dev
  nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  emscripten binaryen wabt
  chromium
)

# `setup.sh --fuzz` adds what `npm run fuzz` needs: clang and its sanitizer and libFuzzer runtimes.
if [ "${1:-}" = "--fuzz" ]; then PACKAGES=(clang libclang-rt-14-dev); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "[setup] all Debian packages present"
  exit 0
fi

echo "[setup] installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[setup] error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "[setup] done"
