#!/usr/bin/env bash
# Throw-away clamd for tests and CI.
#
#   bash scripts/clamd-test-daemon.sh start DIR    # start (or reuse) a clamd living in DIR
#   bash scripts/clamd-test-daemon.sh stop DIR     # stop it and remove its socket
#   bash scripts/clamd-test-daemon.sh status DIR   # exit 0 if it answers PING
#
# `start` installs clamav-daemon with apt when clamd is missing, writes its own signature
# database (one body signature for the EICAR test string; the official ClamAV databases are
# not reachable from CI) and a minimal clamd.conf into DIR, runs clamd in the
# background and waits until the socket answers zPING. On success it prints shell
# assignments (KEY=VALUE, shell-quoted) on stdout, e.g. for a harness:
#
#   set -a; eval "$(bash scripts/clamd-test-daemon.sh start /tmp/bisman-clamd)"; set +a
#   cargo test --test clamd_client      # reads BISMAN_TEST_CLAMD_SOCKET
#   bash scripts/clamd-test-daemon.sh stop /tmp/bisman-clamd
#
# start and stop are idempotent: starting a running daemon reuses it, stopping a stopped
# one succeeds. Diagnostics go to stderr.
#
# Environment: CLAMD_TEST_START_TIMEOUT (seconds to wait for PONG, default 60),
#              CLAMD_TEST_NO_INSTALL=1 (fail instead of installing clamav-daemon).
set -euo pipefail

# Hex of the 68-byte EICAR test string, kept as hex so this file itself is not flagged.
EICAR_HEX=58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e544956495255532d544553542d46494c452124482b482a
SIGNATURE_NAME=Bisman.Test.EICAR

log() { printf 'clamd-test-daemon: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    echo "usage: $0 start|stop|status DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
mkdir -p -- "$2"
dir=$(cd -- "$2" && pwd -P)

conf=$dir/clamd.conf
sock=$dir/clamd.sock
pidfile=$dir/clamd.pid
logfile=$dir/clamd.log
dbdir=$dir/db

# sun_path holds 108 bytes including the terminating NUL.
if [ "${#sock}" -gt 100 ]; then
    die "socket path too long for a Unix socket (${#sock} bytes): $sock; use a shorter DIR"
fi

find_clamd() {
    if command -v clamd >/dev/null 2>&1; then
        command -v clamd
    elif [ -x /usr/sbin/clamd ]; then
        echo /usr/sbin/clamd
    else
        return 1
    fi
}

install_clamd() {
    [ "${CLAMD_TEST_NO_INSTALL:-0}" = 1 ] && die "clamd not found and CLAMD_TEST_NO_INSTALL=1"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "clamd not found; install clamav-daemon (needs root)"
        sudo=(sudo -n)
    fi
    log "clamd not found; installing clamav-daemon with apt"
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -y
        -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    if ! "${apt[@]}" install --no-install-recommends clamav-daemon >"$dir/apt.log" 2>&1; then
        # The package lists may be missing or stale (fresh container): refresh once.
        "${apt[@]}" update >>"$dir/apt.log" 2>&1 || true
        "${apt[@]}" install --no-install-recommends clamav-daemon >>"$dir/apt.log" 2>&1 ||
            { tail -n 20 "$dir/apt.log" >&2; die "apt-get install clamav-daemon failed"; }
    fi
}

# zPING over the Unix socket; perl-base (Essential on Debian) has IO::Socket::UNIX.
ping_clamd() {
    [ -S "$sock" ] || return 1
    perl -MIO::Socket::UNIX -e '
        my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or exit 1;
        $SIG{ALRM} = sub { exit 1 }; alarm 5;
        print $s "zPING\0"; local $/ = "\0"; my $r = <$s> // "";
        exit($r =~ /^PONG/ ? 0 : 1);' "$sock" 2>/dev/null
}

# PID from the pid file, only if that process is alive and is a clamd.
running_pid() {
    local pid
    [ -s "$pidfile" ] || return 1
    pid=$(tr -dc '0-9' <"$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q clamd || return 1
    echo "$pid"
}

print_env() {
    printf 'BISMAN_CLAMD_SOCKET=%q\n' "$sock"
    printf 'BISMAN_TEST_CLAMD_SOCKET=%q\n' "$sock"
    printf 'BISMAN_CLAMD_PID=%q\n' "$1"
    printf 'BISMAN_CLAMD_PIDFILE=%q\n' "$pidfile"
}

write_files() {
    mkdir -p "$dbdir" "$dir/tmp"
    # Body signature, target type 0 (any file), matching the EICAR string at any offset.
    printf '%s:0:*:%s\n' "$SIGNATURE_NAME" "$EICAR_HEX" >"$dbdir/bisman-test.ndb"
    cat >"$conf" <<EOF
# Written by scripts/clamd-test-daemon.sh; test use only.
LocalSocket $sock
LocalSocketMode 660
FixStaleSocket yes
Foreground yes
PidFile $pidfile
DatabaseDirectory $dbdir
TemporaryDirectory $dir/tmp
LogFile $logfile
LogTime yes
LogSyslog no
StreamMaxLength 12M
MaxThreads 4
ReadTimeout 30
CommandReadTimeout 30
EOF
    # No "User" line: clamd keeps the identity of whoever starts it (root in a container).
}

start() {
    local pid
    if pid=$(running_pid); then
        if ping_clamd; then
            log "reusing clamd (pid $pid) on $sock"
            print_env "$pid"
            return 0
        fi
        log "clamd pid $pid is not answering; restarting it"
        stop
    fi
    rm -f "$pidfile"

    local clamd
    clamd=$(find_clamd) || { install_clamd; clamd=$(find_clamd) || die "clamd still missing after install"; }

    write_files
    local started=$SECONDS timeout=${CLAMD_TEST_START_TIMEOUT:-60}
    # setsid: the daemon must not die with the caller's process group or terminal.
    setsid "$clamd" -c "$conf" </dev/null >>"$dir/clamd.out" 2>&1 &
    local launched=$!

    until ping_clamd; do
        if ! kill -0 "$launched" 2>/dev/null && ! running_pid >/dev/null; then
            tail -n 20 "$dir/clamd.out" "$logfile" >&2 2>/dev/null || true
            die "clamd exited during start-up (see $dir/clamd.out and $logfile)"
        fi
        if [ $((SECONDS - started)) -ge "$timeout" ]; then
            tail -n 20 "$logfile" >&2 2>/dev/null || true
            kill "$launched" 2>/dev/null || true
            die "clamd did not answer PING within ${timeout}s"
        fi
        sleep 0.2
    done
    pid=$(running_pid) || pid=$launched
    log "clamd (pid $pid) ready on $sock after $((SECONDS - started))s"
    print_env "$pid"
}

stop() {
    local pid
    if pid=$(running_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 75); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "clamd pid $pid ignored SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped clamd (pid $pid)"
    else
        log "no clamd running for $dir"
    fi
    rm -f "$sock" "$pidfile"
}

case $cmd in
start) start ;;
stop) stop ;;
status)
    if pid=$(running_pid) && ping_clamd; then
        print_env "$pid"
    else
        log "not running"
        exit 1
    fi
    ;;
*) usage ;;
esac
