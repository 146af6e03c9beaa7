#!/usr/bin/env bash
# The README's first command: install what is missing, build, and start Respira.
# Arguments are passed to `respira` (none = the trainer window).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
exec ./build/respira "$@"
