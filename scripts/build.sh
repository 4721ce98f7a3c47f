#!/usr/bin/env bash
# Configures and builds memsched into build/ (Release, Ninja).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${MEMSCHED_JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$JOBS"
