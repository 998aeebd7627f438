#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that face untrusted input (JSON bodies, JWTs,
# cursors, multipart uploads) with cargo-fuzz and libFuzzer. The targets live in fuzz/ (its own crate);
# their properties (fuzz/src/checks.rs) also run on stable in tests/fuzz_smoke.rs.
#
# Usage: scripts/fuzz-parsers.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, all)
# cargo-fuzz needs a nightly toolchain; without one this runs the stable replay instead.
# New corpus entries go to target/fuzz-corpus/ (the committed seeds stay as they are);
# a crash is written to fuzz/artifacts/<target>/ and replayed by tests/fuzz_smoke.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-60}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(json_body jwt cursor multipart)
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "no nightly toolchain here (cargo-fuzz needs one): running the stable replay instead"
  exec cargo test --locked --test fuzz_smoke
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

out="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$out/fuzz-build"
mkdir -p "$out/fuzz-corpus" "$out/fuzz-logs"
summary="$out/fuzz-logs/summary.txt"
: >"$summary"
status=0
for t in "${targets[@]}"; do
  corpus="$out/fuzz-corpus/$t"
  mkdir -p "$corpus"
  log="$out/fuzz-logs/$t.log"
  echo "==> cargo fuzz run $t for ${secs}s"
  if cargo +nightly fuzz run "$t" "$corpus" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  entries=$(find "$corpus" -type f | wc -l)
  line="$t: $result, ${runs:-?} executions in ${secs}s, coverage ${cov:-?} edges, corpus $entries"
  echo "$line" | tee -a "$summary"
  if [[ $result == CRASH ]]; then
    grep -E 'panicked|ERROR|Test unit written' "$log" | head -10
  fi
done
echo "fuzz-parsers: logs in $out/fuzz-logs"
exit "$status"
