#!/usr/bin/env bash
# Installs the .deb into a throw-away Debian 12 container booted with systemd
# (debootstrap + systemd-nspawn -b) and checks it as an operator would see it:
# first install (user, secrets, modes; enabled, not started), start under the full
# sandbox (Type=notify, LoadCredential), bisman-admin, the watchdog restarting a hung
# process, a clean stop, bisman-litestream.service replicating to a file replica, an
# upgrade (stop, migrate, start), and purge (data and keys kept).
#
# Needs root with CAP_SYS_ADMIN, network access to Debian's archive, about 1 GiB in /tmp,
# and ~10 minutes. Not part of scripts/test.sh. Usage:
#   scripts/check-package-live.sh [path/to/bisman_*.deb]
# Set LITESTREAM=/path/to/litestream to include the replication check (e.g. the one
# scripts/test-deps.sh puts in .venv/bin).
# shellcheck disable=SC2012 # our own artefact names
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${CARGO_TARGET_DIR:-target}/dist"
deb="${1:-$(ls -t "$dist"/bisman_*.deb 2>/dev/null | head -n 1 || true)}"
[[ -f $deb ]] || { echo "no .deb: run scripts/package.sh first" >&2; exit 1; }
litestream="${LITESTREAM:-$(command -v litestream || true)}"
port=18931

need() { command -v "$1" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
apt-get update -qq >/dev/null
need debootstrap debootstrap
need systemd-nspawn systemd-container

root=$(mktemp -d /tmp/bisman-live.XXXXXX)
chmod 755 "$root"   # it becomes the container's /: every user must traverse it
nspawn_pid=""
cleanup() {
  if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -rf "$root" "$root.log"
}
trap cleanup EXIT

echo "==> debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" bash -c 'DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus curl sqlite3 >/dev/null'
cp "$deb" "$root/root/bisman.deb"
if [[ -n $litestream ]]; then install -m 755 "$litestream" "$root/usr/bin/litestream"; fi

echo "==> boot"
setsid systemd-nspawn -b -D "$root" --register=no --keep-unit -M "bisman-live-$$" \
  >"$root.log" 2>&1 </dev/null &
nspawn_pid=$!
init=""
for _ in $(seq 1 60); do
  init=$(pgrep -P "$nspawn_pid" | head -n 1 || true)
  [[ -n $init ]] && break
  sleep 1
done
[[ -n $init ]] || { cat "$root.log"; echo "container did not boot" >&2; exit 1; }
inside() { nsenter -t "$init" -a bash -c "$1"; }
# Let the boot settle (slow on a busy machine): D-Bus and PID 1 must answer systemd-run.
inside "timeout 300 systemctl is-system-running --wait >/dev/null" || true
inside "systemctl is-system-running" || true

passed=0
failed=0
check() {
  local what=$1 cmd=$2
  if out=$(inside "$cmd" 2>&1); then
    echo "ok: $what"
    passed=$((passed + 1))
  else
    printf 'FAIL: %s\n%s\n' "$what" "$out"
    inside "systemctl status bisman --no-pager -n 0; journalctl -u bisman -n 15 --no-pager -o cat" 2>&1 | sed 's/^/    /' | tail -25
    failed=$((failed + 1))
  fi
}

check "first install" "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /root/bisman.deb >/dev/null"
check "user bisman" "id bisman"
check "/etc/bisman root:bisman 0750" "[ \"\$(stat -c %U:%G:%a /etc/bisman)\" = root:bisman:750 ]"
check "bisman.toml root:bisman 0640" "[ \"\$(stat -c %U:%G:%a /etc/bisman/bisman.toml)\" = root:bisman:640 ]"
check "secrets root 0600, hex of 32 and 48 bytes" "[ \"\$(stat -c %U:%a /etc/bisman/master.key)\" = root:600 ] &&
  [ \"\$(stat -c %U:%a /etc/bisman/jwt.secret)\" = root:600 ] &&
  grep -qxE '[0-9a-f]{64}' /etc/bisman/master.key && grep -qxE '[0-9a-f]{96}' /etc/bisman/jwt.secret"
check "bisman enabled, not started" "systemctl is-enabled bisman && ! systemctl is-active bisman"
check "bisman-litestream not enabled" "! systemctl is-enabled bisman-litestream"
inside "printf 'bind = \"127.0.0.1:$port\"\n' >> /etc/bisman/bisman.toml"
check "bisman-admin check" "bisman-admin check"
check "start (Type=notify) and /ready" "systemctl start bisman && curl -sf http://127.0.0.1:$port/ready"
check "tenant create via bisman-admin" "bisman-admin tenant create acme --name Acme --owner-email o@acme.in >/dev/null &&
  [ \"\$(stat -c %U /var/lib/bisman/tenants/acme/tenant.db)\" = bisman ]"
check "bisman-admin passes exit codes back" "bisman-admin tenant list >/dev/null && ! bisman-admin tenant suspend no-such-tenant 2>/dev/null"
check "watchdog restarts a hung process" "p=\$(systemctl show bisman -p MainPID --value); [ \"\$p\" -gt 1 ] && kill -STOP \$p && sleep 40 &&
  [ \"\$(systemctl show bisman -p NRestarts --value)\" = 1 ] && systemctl is-active bisman"
check "clean stop exits 0" "systemctl stop bisman && [ \"\$(systemctl show bisman -p ExecMainStatus --value)\" = 0 ]"
if [[ -n $litestream ]]; then
  check "bisman-litestream replicates (file replica, ReadWritePaths drop-in)" "systemctl start bisman &&
    install -d -o bisman -g bisman /srv/replica &&
    printf 'socket:\n  enabled: true\n  path: \"/var/lib/bisman/litestream.sock\"\ndbs:\n  - path: \"/var/lib/bisman/tenants/acme/tenant.db\"\n    replica:\n      url: \"file:///srv/replica/tenants/acme\"\n' > /var/lib/bisman/litestream.yml &&
    chown bisman:bisman /var/lib/bisman/litestream.yml &&
    mkdir -p /etc/systemd/system/bisman-litestream.service.d &&
    printf '[Service]\nReadWritePaths=/srv/replica\n' > /etc/systemd/system/bisman-litestream.service.d/replica.conf &&
    systemctl daemon-reload && systemctl start bisman-litestream && sleep 5 &&
    ls /srv/replica/tenants/acme/ltx/0/ | grep -q ltx && systemctl stop bisman-litestream bisman"
fi
check "upgrade: stop, migrate, start" "systemctl start bisman &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall /root/bisman.deb 2>&1 | grep -q 'tenant acme: up to date' &&
  systemctl is-active bisman && systemctl is-enabled bisman"
check "purge keeps data and keys" "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq bisman >/dev/null &&
  [ -f /etc/bisman/master.key ] && [ -f /var/lib/bisman/tenants/acme/tenant.db ] && ! systemctl is-enabled bisman 2>/dev/null"

echo "package (live): $passed passed, $failed failed"
[[ $failed -eq 0 ]]
