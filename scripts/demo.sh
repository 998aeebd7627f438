#!/usr/bin/env bash
# Builds the appliance and runs it with a ready demo tenant. Extra arguments go to `serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
exec ./target/release/bisman serve --demo "$@"
