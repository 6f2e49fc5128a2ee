#!/usr/bin/env bash
# bench/run --selftest: vigil (files, .json.gz, stdin; 1 and 2 workers), the
# cJSON floor, jq and Python all read the 1,000 records bench/gen_corpus.py
# makes and must find the same matching events, equal to the count the
# generator's manifest gives. Timing is printed but never checked here.
# Skips (77) without python3, jq or a C compiler with libcjson.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
# Bad usage is refused before anything is built or run: 0 is not taken for
# "the default", and a --vigil that is not a program is named.
for bad in "--runs 0" "--records 0" "--vigil $TMP/not-there"; do
  # shellcheck disable=SC2086
  expect_status 2 python3 "$VIGIL_SOURCE_DIR/bench/run" --selftest $bad
  grep_in "$TMP/err" "${bad%% *}"
done
grep_in "$TMP/err" "not an executable file"

exec python3 "$VIGIL_SOURCE_DIR/bench/run" --selftest --vigil "$VIGIL"
