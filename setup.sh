#!/usr/bin/env bash
# One-command setup: installs the Debian packages memsched needs, builds it
# into build/, and runs the main job on the built-in default network.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install_deps.sh
./scripts/build.sh
./scripts/main_job.sh
