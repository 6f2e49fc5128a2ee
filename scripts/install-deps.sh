#!/usr/bin/env bash
# Installs the Debian 12 packages vigil needs to build and test, if missing.
# Run as root (or with sudo). Does nothing when everything is there.
# --bench also installs what bench/run compares and measures with.
set -euo pipefail

packages=(gcc make cmake pkg-config liblua5.4-dev libcjson-dev libuv1-dev
          libcmocka-dev zlib1g-dev libzip-dev python3
          libhttp-parser-dev libcurl4-openssl-dev curl)
# Optional: vigil builds without it and reads .gz with zlib alone; with it,
# small .gz files (CloudTrail objects) are inflated whole, twice as fast.
optional=(libdeflate-dev)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(jq valgrind time) ;; # python3 is in the list already
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
missing_optional=()
for p in "${optional[@]}"; do
  installed "$p" || missing_optional+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "vigil: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  # Never a password prompt for an optional package: sudo -n fails instead.
  opt_sudo=${SUDO:+sudo -n}
  echo "vigil: installing the optional ${missing_optional[*]}" >&2
  { [ ${#missing[@]} -gt 0 ] || $opt_sudo apt-get update -qq -o Acquire::Retries=0; } &&
    DEBIAN_FRONTEND=noninteractive $opt_sudo apt-get install -y -qq --no-install-recommends \
      "${missing_optional[@]}" >/dev/null ||
    echo "vigil: ${missing_optional[*]} not installed; building without it" >&2
fi
