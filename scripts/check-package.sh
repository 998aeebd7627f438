#!/usr/bin/env bash
# Checks the .deb (and tarball, when present) that scripts/package.sh built: the files the
# appliance needs are listed with the right modes, the maintainer scripts are in the
# control archive, the dependency fields are as documented, and the shipped units verify.
# Usage: scripts/check-package.sh [path/to/bisman_*.deb]
# shellcheck disable=SC2012 # our own artefact names, no odd characters
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${CARGO_TARGET_DIR:-target}/dist"
deb="${1:-$(ls -t "$dist"/bisman_*.deb 2>/dev/null | head -n 1 || true)}"
if [[ -z $deb || ! -f $deb ]]; then
  echo "no .deb found: run scripts/package.sh first (or pass the path)" >&2
  exit 1
fi
echo "checking $deb"

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

listing=$(dpkg -c "$deb")
# path and mode that must be in the data archive
expect_file() {
  local path=$1 mode=$2
  local line
  line=$(awk -v p="./$path" '$6 == p { print }' <<<"$listing")
  if [[ -z $line ]]; then
    bad "$path is not in the package"
  elif [[ ${line:0:10} != "$mode" ]]; then
    bad "$path has mode ${line:0:10}, expected $mode"
  else
    ok "$path ($mode)"
  fi
}
expect_file usr/bin/bisman -rwxr-xr-x
expect_file usr/sbin/bisman-admin -rwxr-xr-x
expect_file lib/systemd/system/bisman.service -rw-r--r--
expect_file lib/systemd/system/bisman-litestream.service -rw-r--r--
expect_file etc/bisman/bisman.toml -rw-r-----
expect_file usr/share/doc/bisman/examples/bisman.toml.example -rw-r--r--
expect_file usr/share/doc/bisman/operations.md -rw-r--r--
expect_file usr/share/doc/bisman/runbooks/restore-tenant.md -rw-r--r--
expect_file usr/share/doc/bisman/monitoring/alerts.yml -rw-r--r--
expect_file usr/share/doc/bisman/monitoring/grafana-dashboard.json -rw-r--r--
expect_file usr/share/doc/bisman/examples/clamd/clamd.conf.bisman -rw-r--r--
for f in docs/runbooks/*.md; do
  grep -q "usr/share/doc/bisman/runbooks/$(basename "$f")\$" <<<"$listing" ||
    bad "runbook $(basename "$f") is not in the package"
done
if grep -qE ' \./(etc/bisman/(master\.key|jwt\.secret)|var/lib/bisman)' <<<"$listing"; then
  bad "the package must not ship secrets or data"
else
  ok "no secrets or data shipped"
fi

ctrl=$(mktemp -d)
trap 'rm -rf "$ctrl"' EXIT
dpkg-deb -e "$deb" "$ctrl"
for s in postinst prerm postrm; do
  if [[ -x $ctrl/$s ]] && cmp -s "$ctrl/$s" "packaging/debian/$s"; then
    ok "maintainer script $s (executable, as in packaging/debian/)"
  else
    bad "maintainer script $s missing, not executable or not the one in packaging/debian/"
  fi
done
if grep -qx '/etc/bisman/bisman.toml' "$ctrl/conffiles" 2>/dev/null; then
  ok "conffile /etc/bisman/bisman.toml"
else
  bad "/etc/bisman/bisman.toml is not a conffile"
fi
field() { dpkg-deb -f "$deb" "$1"; }
if [[ $(field Package) == bisman ]]; then ok "Package: bisman"; else bad "Package: $(field Package)"; fi
for r in clamav-daemon litestream; do
  if field Recommends | grep -qw "$r"; then ok "Recommends $r"; else bad "Recommends lacks $r"; fi
done
for d in adduser init-system-helpers; do
  if field Depends | grep -qw "$d"; then ok "Depends $d"; else bad "Depends lacks $d"; fi
done

# The shipped binary runs and the shipped units verify.
data=$(mktemp -d)
trap 'rm -rf "$ctrl" "$data"' EXIT
dpkg-deb -x "$deb" "$data"
if "$data/usr/bin/bisman" --version >/dev/null; then ok "bisman --version runs"; else bad "bisman --version"; fi
if command -v systemd-analyze >/dev/null; then
  fake="$data/fake-root"
  mkdir -p "$fake/usr/lib/systemd/system" "$fake/usr/bin"
  ln -s usr/lib "$fake/lib"
  cp -a /usr/lib/systemd/system/. "$fake/usr/lib/systemd/system/"
  cp "$data/lib/systemd/system/"*.service "$fake/usr/lib/systemd/system/"
  cp "$data/usr/bin/bisman" "$fake/usr/bin/"
  printf '#!/bin/sh\n' > "$fake/usr/bin/litestream"
  chmod 755 "$fake/usr/bin/litestream"
  if out=$(systemd-analyze verify --root="$fake" bisman.service bisman-litestream.service 2>&1) && [[ -z $out ]]; then
    ok "systemd-analyze verify of the shipped units"
  else
    bad "systemd-analyze verify: $out"
  fi
fi

if tarball=$(ls -t "$dist"/bisman-*-linux-*.tar.gz 2>/dev/null | head -n 1) && [[ -n $tarball ]]; then
  tlist=$(tar -tzf "$tarball")
  for p in bin/bisman bin/bisman-admin systemd/bisman.service systemd/bisman-litestream.service \
    etc/bisman.toml.example docs/operations.md packaging/debian/postinst packaging/monitoring/alerts.yml; do
    if grep -q "/$p\$" <<<"$tlist"; then ok "tarball has $p"; else bad "tarball lacks $p"; fi
  done
fi

echo "package: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
