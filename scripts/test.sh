#!/usr/bin/env bash
# The second README command: install what is missing, then build and run
# every test twice: a normal build with warnings as errors, and a build with
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

run() {
  local dir=$1; shift
  echo "== $dir: configure and build" >&2
  cmake -S . -B "$dir" -DVIGIL_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  echo "== $dir: ctest" >&2
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

run build-test
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run build-asan -DVIGIL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== all tests passed (normal and sanitizer builds)" >&2
