#!/usr/bin/env bash
# The main job on the built-in default network (ResNet-18): the network
# tables, then the demo (ResNet-18's distinct layers through the hand
# schedule and Adams2019, timed and cross-checked).
set -euo pipefail
cd "$(dirname "$0")/.."
build/bin/memsched networks
build/bin/memsched_demo
