#!/usr/bin/env bash
# Dependency audit against the RustSec database. Offline machines use the snapshot
# beside the repo (../shared/advisory-db); connected ones fetch the current database.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-audit >/dev/null 2>&1; then
  cargo install cargo-audit --locked --quiet
fi
if [[ -d ../shared/advisory-db ]]; then
  cargo audit --db ../shared/advisory-db --no-fetch --deny warnings
else
  cargo audit --deny warnings
fi
