#!/usr/bin/env bash
# Checks the systemd units in systemd/ as the .deb installs them:
#   * `systemd-analyze verify` inside a throw-away root (the host's standard units, a stub
#     /usr/bin/bisman, /usr/bin/litestream and /usr/bin/kill), so Exec paths resolve without
#     touching the real /usr/bin; any warning at all counts as a failure;
#   * `systemd-analyze security --offline=true` exposure score of both units.
# Installs systemd with apt when systemd-analyze is missing.
# Usage: scripts/check-systemd.sh        (BISMAN_MAX_EXPOSURE=2.0 to change the bar)
set -euo pipefail
cd "$(dirname "$0")/.."
max_exposure="${BISMAN_MAX_EXPOSURE:-2.0}"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not found: installing systemd with apt"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi
systemd-analyze --version | head -n 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fake="$tmp/root"
mkdir -p "$fake/usr/lib/systemd/system" "$fake/usr/bin" "$fake/etc/systemd/system"
ln -s usr/lib "$fake/lib"
# Usr-merged, as Debian 12 is: /bin/kill (ExecReload) is /usr/bin/kill.
ln -s usr/bin "$fake/bin"
# The standard targets (sysinit.target, network-online.target, …) the units depend on.
for d in /usr/lib/systemd/system /lib/systemd/system; do
  if [[ -d $d ]]; then
    cp -a "$d/." "$fake/usr/lib/systemd/system/"
    break
  fi
done
for exe in bisman litestream kill; do
  printf '#!/bin/sh\nexit 0\n' > "$fake/usr/bin/$exe"
  chmod 755 "$fake/usr/bin/$exe"
done
# Installed names, as in [package.metadata.deb] of Cargo.toml.
install -m 644 systemd/bisman.service "$fake/usr/lib/systemd/system/bisman.service"
install -m 644 systemd/litestream.service "$fake/usr/lib/systemd/system/bisman-litestream.service"
units=(bisman.service bisman-litestream.service)

status=0
echo "==> systemd-analyze verify ${units[*]}"
set +e
out=$(systemd-analyze verify --root="$fake" "${units[@]}" 2>&1)
rc=$?
set -e
if [[ $rc -ne 0 || -n $out ]]; then
  printf '%s\n' "$out"
  echo "FAIL: systemd-analyze verify reported problems (exit $rc)"
  status=1
else
  echo "ok: no warnings, no errors"
fi

for unit in "${units[@]}"; do
  echo "==> systemd-analyze security --offline=true $unit"
  set +e
  report=$(systemd-analyze security --offline=true --root="$fake" --no-pager "$unit" 2>&1)
  rc=$?
  set -e
  # Only the items that still cost something, then the total.
  printf '%s\n' "$report" | grep -E '^(✗|  NAME)' || true
  score=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  if [[ -z $score ]]; then
    printf '%s\n' "$report"
    echo "FAIL: no exposure score for $unit (exit $rc)"
    status=1
    continue
  fi
  echo "exposure $unit: $score (bar: $max_exposure)"
  if ! awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'; then
    echo "FAIL: $unit exposure $score is above $max_exposure"
    status=1
  fi
done

# The check must be able to fail: a unit with an unknown key has to be reported.
echo "==> self-test: a broken unit is caught"
sed 's/^WatchdogSec=30$/WatchdogSec=thirty/' systemd/bisman.service > "$fake/usr/lib/systemd/system/bisman-broken.service"
if [[ -z $(systemd-analyze verify --root="$fake" bisman-broken.service 2>&1) ]]; then
  echo "FAIL: systemd-analyze verify did not report a malformed WatchdogSec="
  status=1
else
  echo "ok: malformed unit reported"
fi

if [[ $status -eq 0 ]]; then
  echo "systemd units: ${#units[@]} passed, 0 failed"
else
  echo "systemd units: check FAILED"
fi
exit $status
