#!/usr/bin/env bash
# Checks packaging/monitoring/:
#   * grafana-dashboard.json is valid JSON with the panels operators rely on, and every
#     panel query is valid PromQL (Grafana variables replaced, parsed by promtool);
#   * alerts.yml is valid YAML, passes `promtool check rules`, and its unit tests in
#     alerts.test.yml pass (`promtool test rules`): each alert fires when it should.
# promtool comes from Debian's `prometheus` package: when it is not on PATH, the package
# is downloaded with apt and only promtool is unpacked into target/tools (no server is
# installed or started).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=packaging/monitoring
tools="${CARGO_TARGET_DIR:-target}/tools"

promtool=$(command -v promtool || true)
if [[ -z $promtool && -x $tools/promtool ]]; then
  promtool=$tools/promtool
fi
if [[ -z $promtool ]]; then
  echo "promtool not found: fetching Debian's prometheus package for it"
  mkdir -p "$tools"
  dl=$(mktemp -d)
  chmod 755 "$dl"
  apt-get update -qq >/dev/null
  (cd "$dl" && apt-get download -qq prometheus)
  dpkg-deb -x "$dl"/prometheus_*.deb "$dl/x"
  install -m 755 "$dl/x/usr/bin/promtool" "$tools/promtool"
  rm -rf "$dl"
  promtool=$tools/promtool
fi
# Absolute: the unit tests below run from inside $dir.
promtool=$(realpath "$promtool")
"$promtool" --version 2>&1 | head -n 1

python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
  venv="${BISMAN_VENV:-.venv}"
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import yaml' 2>/dev/null ||
    "$venv/bin/pip" install --quiet --disable-pip-version-check pyyaml
  python=$venv/bin/python
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "==> syntax, structure and panel queries"
"$python" - "$dir" "$tmp/panel-queries.yml" <<'PY'
import json, sys, yaml
d, out = sys.argv[1], sys.argv[2]
for f in ("alerts.yml", "alerts.test.yml"):
    yaml.safe_load(open(f"{d}/{f}"))
dash = json.load(open(f"{d}/grafana-dashboard.json"))
panels = [p for p in dash["panels"] if p["type"] != "row"]
exprs = [t["expr"] for p in panels for t in p.get("targets", [])]
text = "\n".join(exprs)
needed = [
    "http_requests_total", "http_request_duration_seconds_bucket", "bisman_tenant_pools_open",
    "bisman_cache_hits_total", "bisman_cache_misses_total", "bisman_rate_limited_total",
    "bisman_replication_lag_seconds", "bisman_restore_drill_last_success_timestamp",
    "bisman_slow_queries_total", "node_filesystem_avail_bytes",
]
missing = [m for m in needed if m not in text]
assert not missing, f"dashboard lacks panels for {missing}"
ids = [p["id"] for p in dash["panels"]]
assert len(ids) == len(set(ids)), "duplicate panel ids"
alerts = [r["alert"] for g in yaml.safe_load(open(f"{d}/alerts.yml"))["groups"] for r in g["rules"]]
for a in ["BismanInstanceDown", "BismanHighErrorRate", "BismanSlowResponses", "BismanDiskFillingUp",
          "BismanReplicationLagging", "BismanTenantPoolsNearLimit", "BismanRestoreDrillStale",
          "BismanRestoreDrillFailed"]:
    assert a in alerts, f"alerts.yml lacks {a}"
# Every panel query as a recording rule, so promtool parses it.
subst = {"$__rate_interval": "5m", "$instance": ".*", "$node": ".*"}
rules = []
for i, e in enumerate(exprs):
    for k, v in subst.items():
        e = e.replace(k, v)
    assert "$" not in e, f"unknown Grafana variable in {e}"
    rules.append({"record": f"dashboard:query_{i}", "expr": e})
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(out, "w"))
print(f"ok: {len(panels)} panels, {len(exprs)} queries, {len(alerts)} alerts")
PY

status=0
echo "==> promtool check rules (panel queries)"
"$promtool" check rules "$tmp/panel-queries.yml" || status=1
echo "==> promtool check rules alerts.yml"
"$promtool" check rules "$dir/alerts.yml" || status=1
echo "==> promtool test rules alerts.test.yml"
(cd "$dir" && "$promtool" test rules alerts.test.yml) || status=1

if [[ $status -eq 0 ]]; then
  echo "monitoring: 3 passed, 0 failed"
else
  echo "monitoring: check FAILED"
fi
exit $status
