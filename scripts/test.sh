#!/usr/bin/env bash
# Runs every test of the appliance, installing what the tests need first.
# Usage: ./scripts/test.sh            (everything)
#        BISMAN_SKIP_UI=1 ./scripts/test.sh   (skip the browser tests)
# Release packaging is not run here (a release build is too slow for CI on 2 cores):
#        scripts/package.sh && scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version

step "formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings

step "test dependencies"
bash scripts/test-deps.sh
# shellcheck disable=SC1091
source "$root/target/test-env.sh"

step "clamd with a test signature database"
clamd_dir=$(mktemp -d /tmp/bisman-clamd.XXXXXX)
trap 'bash scripts/clamd-test-daemon.sh stop "$clamd_dir" >/dev/null 2>&1 || true' EXIT
set -a
eval "$(bash scripts/clamd-test-daemon.sh start "$clamd_dir")"
set +a

step "systemd units (verify, exposure score)"
bash scripts/check-systemd.sh

step "monitoring (dashboard queries, alert rules and their unit tests)"
bash scripts/check-monitoring.sh

step "unit and integration tests"
cargo test --locked --all-targets -- --test-threads=2

if [[ -f scripts/ui-test.sh && -z "${BISMAN_SKIP_UI:-}" ]]; then
  step "browser tests"
  bash scripts/ui-test.sh
fi

# Bounded: 15 examples per operation, at most 60 s per phase (about 6 minutes in all on
# 2 cores); the longer run is documented in docs/reliability.md.
step "API conformance fuzzing (bounded)"
bash scripts/fuzz-api.sh --ci

step "dependency audit"
bash scripts/audit.sh

echo
echo "all tests passed"
