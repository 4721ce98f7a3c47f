#!/usr/bin/env bash
# The main job on the built-in default network (ResNet-18).
set -euo pipefail
cd "$(dirname "$0")/.."
build/bin/memsched networks
