#!/usr/bin/env bash
# Makes sure the C libraries Sift links against are installed: PCRE2 (libpcre2-dev) and libxml2
# (libxml2-dev). As root it installs what is missing with apt-get; otherwise it stops and prints
# the exact command to run.
set -euo pipefail
missing=()
pkg-config --exists libpcre2-8 2>/dev/null || missing+=(libpcre2-dev)
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
command -v pkg-config >/dev/null 2>&1 || missing=(pkg-config libpcre2-dev libxml2-dev)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
else
  echo "Sift needs these system packages: ${missing[*]}" >&2
  echo "Run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
