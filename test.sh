#!/usr/bin/env bash
# Runs the whole test suite: installs missing packages, builds, runs ctest.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install_deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure -j "${MEMSCHED_JOBS:-$(nproc)}"
