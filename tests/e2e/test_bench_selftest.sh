#!/usr/bin/env bash
# bench/run --selftest: vigil (files, .json.gz, stdin; 1 and 2 workers), the
# cJSON floor, jq and Python all read the 1,000 records bench/gen_corpus.py
# makes and must find the same matching events, equal to the count the
# generator's manifest gives. Timing is printed but never checked here.
# Skips (77) without python3, jq or a C compiler with libcjson.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
exec python3 "$VIGIL_SOURCE_DIR/bench/run" --selftest --vigil "$VIGIL"
