#!/usr/bin/env bash
# Installs the Debian 12 packages vigil needs to build and test, if missing.
# Run as root (or with sudo). Does nothing when everything is there.
# --bench also installs what bench/run compares and measures with.
set -euo pipefail

packages=(gcc make cmake pkg-config liblua5.4-dev libcjson-dev libuv1-dev
          libcmocka-dev zlib1g-dev libzip-dev python3
          libhttp-parser-dev libcurl4-openssl-dev curl)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(jq valgrind time) ;; # python3 is in the list already
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "vigil: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
