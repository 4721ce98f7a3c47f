#!/usr/bin/env bash
# Installs every Debian package memsched needs (idempotent: a no-op when all
# are present). Run as root. Nothing is downloaded from outside Debian.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libhalide14-0-dev
  libopencv-dev libtbb-dev libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev
  coinor-libcbc-dev
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  libpfm4-dev valgrind
  # tests/report renders the HTML report to a PNG with headless Chromium.
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install_deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
