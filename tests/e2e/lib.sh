# Shared helpers for the script tests. Sourced, not run.
set -euo pipefail

: "${VIGIL:?set by ctest}"
: "${VIGIL_SOURCE_DIR:?set by ctest}"
TMP=$(mktemp -d)

# Whatever a test started in the background (receivers, vigil run) is killed
# when the test exits, however it exits, so nothing outlives it and holds
# ctest's output open; then the scratch folder goes.
at_exit() {
  local p
  for p in $(jobs -p); do
    { kill -KILL "$p" && wait "$p"; } 2>/dev/null || true # no "Killed" notice
  done
  rm -rf "$TMP"
}
trap at_exit EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_status WANT CMD...: runs CMD, keeps stdout in $TMP/out and stderr in
# $TMP/err, and fails unless it exits with WANT.
expect_status() {
  local want=$1; shift
  local got=0
  "$@" >"$TMP/out" 2>"$TMP/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "--- stdout" >&2; head -c 3000 "$TMP/out" >&2
    echo "--- stderr" >&2; head -c 3000 "$TMP/err" >&2
    fail "'$*' exited $got, expected $want"
  fi
}

# both_views WANT CMD...: runs CMD on byte views (the fast path) and on tree
# views (VIGIL_FAST_PATH=off), each run exiting WANT; their stdout in
# $TMP/out_bytes and $TMP/out_tree.
both_views() {
  local want=$1; shift
  expect_status "$want" "$@"
  cp "$TMP/out" "$TMP/out_bytes"
  VIGIL_FAST_PATH=off expect_status "$want" "$@"
  cp "$TMP/out" "$TMP/out_tree"
}

# grep_in FILE PATTERN: fails unless FILE has a line matching PATTERN (ERE).
grep_in() {
  grep -Eq -- "$2" "$1" || { echo "--- $1:" >&2; head -c 3000 "$1" >&2; fail "no line matching '$2' in $1"; }
}
