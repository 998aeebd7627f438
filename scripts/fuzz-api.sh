#!/usr/bin/env bash
# Conformance fuzzing of the HTTP API against the OpenAPI document the server itself
# publishes, with schemathesis and every check it has.
#
# Usage: scripts/fuzz-api.sh [--ci] [--max-examples N] [--max-time SECONDS] [--seed N]
#   --ci   bounded run for CI (few examples per operation, a time budget per phase,
#          a fixed seed unless --seed is given)
#   (none) a longer run with a fresh random seed (printed in each phase's summary)
#
# Starts `bisman serve` on a free loopback port with a fresh temp data dir, creates the
# tenant `fuzz` (and a system administrator) with the CLI, signs in for each phase and
# runs schemathesis; the server is stopped on exit. Reports land in target/fuzz-api/.
# Exit status: 1 when any check failed or the server logged a 5xx; errors inside
# schemathesis itself are listed but do not fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

ci=0
max_examples=""
max_time=""
seed=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ci) ci=1 ;;
    --max-examples) max_examples="$2"; shift ;;
    --max-time) max_time="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $ci -eq 1 ]]; then
  max_examples=${max_examples:-15}
  max_time=${max_time:-60}
  # CI is a gate, so its cases are the same on every run: a red run is reproducible and
  # is about the change under test, not the luck of the draw. Exploration with fresh
  # seeds is the longer run without --ci (or --seed here).
  seed=${seed:-20261124}
else
  max_examples=${max_examples:-200}
  max_time=${max_time:-900}
fi

venv="${BISMAN_VENV:-$root/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if [[ ! -x "$venv/bin/schemathesis" ]]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.3,<5'
fi
# schemathesis through its module with a higher recursion limit: its coverage phase can
# recurse deeply on regex patterns, and CPython 3.11 then fails inside traceback code.
# CPython before 3.11.8 keeps the AST constructor's recursion counter per interpreter, not
# per thread (gh-106905): two workers parsing lambda sources at once fail with "AST
# constructor recursion depth mismatch", so ast.parse is serialised.
st=("$venv/bin/python" -c '
import ast, sys, threading
sys.setrecursionlimit(20000)
_parse, _lock = ast.parse, threading.RLock()
def parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)
ast.parse = parse
from schemathesis.cli import schemathesis
sys.exit(schemathesis())')

cargo build --quiet --locked --bin bisman
bin="${CARGO_TARGET_DIR:-$root/target}/debug/bisman"
reports="${CARGO_TARGET_DIR:-$root/target}/fuzz-api"
rm -rf "$reports"
mkdir -p "$reports"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [[ -f "$work/server.log" ]]; then
    cp "$work/server.log" "$reports/server.log" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export BISMAN_DATA_DIR="$work/data"
export BISMAN_LOG=warn
export BISMAN_LOG_FORMAT=json
export BISMAN_RATE_LOGIN=1000000/60s
export BISMAN_RATE_AUTH=1000000/60s
export BISMAN_RATE_API_USER=1000000/60s
export BISMAN_RATE_API_TENANT=1000000/60s
export BISMAN_SHUTDOWN_GRACE_SECS=2

password='Kesar-Mango#2026'
"$bin" tenant create fuzz --name Fuzz --owner-email owner@fuzz.in --owner-password "$password" >/dev/null
"$bin" sysadmin create --email root@fuzz.in --password "$password" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if curl -fsS "$base/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "server died at start-up:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done

token_from() { # path body
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$2" "$base$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
tenant_token() {
  token_from /api/v1/auth/login "{\"tenant\":\"fuzz\",\"email\":\"owner@fuzz.in\",\"password\":\"$password\"}"
}
system_token() {
  token_from /api/v1/system/login "{\"email\":\"root@fuzz.in\",\"password\":\"$password\"}"
}

common=(
  --checks all
  --max-examples "$max_examples"
  --max-time "$max_time"
  --request-timeout 30
  --workers 2
  --no-color
  --suppress-health-check too_slow,filter_too_much
  --generation-database none
)
if [[ -n "$seed" ]]; then common+=(--seed "$seed"); fi

phase() { # name token [filters...]
  local name="$1" token="$2"
  shift 2
  echo
  echo "==> schemathesis: $name"
  if ! "${st[@]}" --config-file scripts/schemathesis.toml run "$base/api-docs/openapi.json" \
    -H "Authorization: Bearer $token" \
    "${common[@]}" \
    --report junit --report-junit-path "$reports/$name.xml" \
    "$@"; then
    echo "(schemathesis reported problems in phase $name; see the verdict below)"
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died during phase $name" >&2
    exit 1
  fi
}

# 1. Every tenant and operations route, except the two that end the session.
phase tenant "$(tenant_token)" \
  --exclude-path-regex '^/api/v1/(system/|auth/logout$|auth/password$|employees/lookup$)'
# POST /employees/lookup shares its path with /employees/{id}: PATCH /employees/lookup is
# a PATCH of the employee "lookup", so 404 (not 405) is right there.
phase lookup "$(tenant_token)" --include-path /api/v1/employees/lookup \
  --exclude-checks unsupported_method
# 2. Password change and logout, each with a fresh session.
phase password "$(tenant_token)" --include-path /api/v1/auth/password
phase logout "$(tenant_token)" --include-path /api/v1/auth/logout
# 3. System administration last, with a system token (it may suspend the tenant).
phase system "$(system_token)" --include-path-regex '^/api/v1/system/'

# Verdict from the JUnit reports: a failed check is a finding (exit 1); an error inside
# schemathesis itself is reported but is not a finding about the API.
echo
status=0
"$venv/bin/python" - "$reports" <<'PY' || status=1
import glob, re, sys
import xml.etree.ElementTree as ET
failures, errors, cases = [], [], 0
for path in sorted(glob.glob(sys.argv[1] + "/*.xml")):
    for case in ET.parse(path).iter("testcase"):
        cases += 1
        for child in case:
            text = (child.text or child.get("message") or "").strip()
            codes = sorted(set(re.findall(r"- (ST\d+ [^\n]+)", text))) or [text.splitlines()[-1][:120] if text else "?"]
            if child.tag == "failure":
                failures.append((case.get("name"), codes))
            elif child.tag == "error":
                errors.append((case.get("name"), codes))
for name, codes in failures:
    print(f"FAIL  {name}: {'; '.join(codes)}")
for name, codes in errors:
    print(f"TOOL  {name}: {'; '.join(c[:120] for c in codes)}")
print(f"fuzz-api: {cases} operations tested, {len(failures)} with failed checks, {len(errors)} schemathesis errors")
sys.exit(1 if failures else 0)
PY
# A 503 from /ready is its documented answer on a machine that is not ready (e.g. a
# nearly full disk; see scripts/schemathesis.toml); any other 5xx is a finding.
server_errors() {
  grep '"status":5[0-9][0-9]' "$work/server.log" | grep -v '"route":"/ready","tenant":"","status":503,' || true
}
if [[ -n "$(server_errors)" ]]; then
  echo "the server logged 5xx responses:" >&2
  server_errors | head -20 >&2
  status=1
fi
echo "fuzz-api: reports in $reports (exit $status)"
exit "$status"
