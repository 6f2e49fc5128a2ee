#!/usr/bin/env bash
# The first README command: install what is missing, build, and scan the
# bundled example attack (examples/attack) with the bundled rules.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== vigil scan examples/attack" >&2
set +e
./build/vigil scan --stats examples/attack
status=$?
set -e
# 1 means alerts were raised, which is what the example is for.
[ "$status" -eq 1 ] && exit 0
exit "$status"
