#!/usr/bin/env bash
# Browser tests of the embedded admin UI against the real binary.
#
# Installs what it needs (idempotently): Chromium from Debian if /usr/bin/chromium is
# missing, and playwright-core from tests/ui/package-lock.json. Then it builds the
# binary, makes a throw-away data dir with a tenant (CLI), a system administrator (CLI)
# and more users (API), starts `bisman serve` on a free loopback port, runs
# `node --test tests/ui/*.test.mjs`, and stops the server.
#
# Screenshots go to target/ui-screenshots/. UI_TEST_KEEP=1 keeps the data dir;
# UI_DOCS_SHOTS=1 also refreshes docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [[ ! -x /usr/bin/chromium ]]; then
  echo "ui-test: installing chromium" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
if [[ ! -d tests/ui/node_modules/playwright-core || ! -d tests/ui/node_modules/axe-core ]]; then
  (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error)
fi

scripts/ui-hash.sh --check

# `--all-targets` resolves features exactly as `cargo test --all-targets` does, so after
# the test suite this is a no-op instead of a rebuild of half the dependency tree.
# BISMAN_BIN=/path/to/bisman skips the build.
if [[ -n "${BISMAN_BIN:-}" ]]; then
  BIN=$BISMAN_BIN
else
  cargo build --quiet --locked --all-targets
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/bisman
fi

DATA=$(mktemp -d /tmp/bisman-ui-test.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${UI_TEST_KEEP:-0}" != 1 ]]; then rm -rf "$DATA"; else echo "ui-test: data kept in $DATA" >&2; fi
}
trap cleanup EXIT

export BISMAN_DATA_DIR=$DATA BISMAN_ENV=development BISMAN_LOG=warn
export UI_TENANT=acme UI_OWNER_EMAIL=owner@acme.test UI_OWNER_PASSWORD='Saffron-Owl#2026'
export UI_SYSADMIN_EMAIL=root@bisman.test UI_SYSADMIN_PASSWORD='Banyan-Tree#2026'
"$BIN" tenant create "$UI_TENANT" --name "Acme Traders Pvt Ltd" --owner-email "$UI_OWNER_EMAIL" --owner-password "$UI_OWNER_PASSWORD" >/dev/null
"$BIN" sysadmin create --email "$UI_SYSADMIN_EMAIL" --password "$UI_SYSADMIN_PASSWORD" >/dev/null

"$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
export UI_BASE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS "$UI_BASE_URL/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log" >&2; exit 1; }
  sleep 0.2
done

# Users (through the API) and one whose password is past its maximum age.
export UI_DATA_DIR=$DATA
node tests/ui/setup.mjs

export UI_SHOTS="$ROOT/target/ui-screenshots"
mkdir -p "$UI_SHOTS"
set +e
node --test --test-concurrency=1 tests/ui/*.test.mjs
STATUS=$?
set -e
# README screenshots: quantised to 256 colours when pngquant is there (about 3× smaller).
if [[ "${UI_DOCS_SHOTS:-0}" == 1 ]] && command -v pngquant >/dev/null; then
  pngquant --force --skip-if-larger --strip --ext .png 256 docs/screenshots/*.png || true
fi
if [[ $STATUS -ne 0 ]]; then
  echo "ui-test: server log tail:" >&2
  tail -n 30 "$DATA/server.log" >&2 || true
fi
exit $STATUS
