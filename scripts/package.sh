#!/usr/bin/env bash
# Builds the release artefacts of the appliance:
#   DIST/bisman_<version>-1_<arch>.deb        (cargo deb; installs cargo-deb when missing)
#   DIST/bisman-<version>-linux-<arch>.tar.gz (binary, units, example config, docs)
#   DIST/SHA256SUMS
# DIST is ${CARGO_TARGET_DIR:-target}/dist. Slow (a full release build: tens of minutes
# on 2 cores), so it is not part of scripts/test.sh; run it by hand or in a release job,
# then scripts/check-package.sh.
# shellcheck disable=SC2012 # our own artefact names, no odd characters
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
dist="$target/dist"
mkdir -p "$dist"

version=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="bisman"))')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

echo "==> release build (bisman $version, $arch)"
cargo build --release --locked --bin bisman
bin="$target/release/bisman"
"$bin" --version

echo "==> .deb"
if ! cargo deb --version >/dev/null 2>&1; then
  cargo install cargo-deb --locked
fi
# --no-build: the binary above is packaged as it is (no second build). --no-strip keeps the
# line tables of the release profile, for backtraces.
deb=$(cargo deb --no-build --no-strip --output "$dist" 2>&1 | tee /dev/stderr | tail -n 1)
[[ -f $deb ]] || deb=$(ls -t "$dist"/bisman_*.deb | head -n 1)
echo "deb: $deb"

echo "==> tarball"
name="bisman-$version-linux-$arch"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
install -D -m 755 "$bin" "$root/bin/bisman"
install -D -m 755 packaging/bisman-admin "$root/bin/bisman-admin"
install -D -m 644 systemd/bisman.service "$root/systemd/bisman.service"
install -D -m 644 systemd/litestream.service "$root/systemd/bisman-litestream.service"
install -D -m 644 packaging/bisman.toml.example "$root/etc/bisman.toml.example"
install -d "$root/packaging/debian" "$root/packaging/monitoring" "$root/packaging/clamd/bisman.service.d"
install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/packaging/debian/"
install -m 644 packaging/monitoring/* "$root/packaging/monitoring/"
install -m 644 packaging/clamd/clamd.conf.bisman "$root/packaging/clamd/"
install -m 644 packaging/clamd/bisman.service.d/clamav.conf "$root/packaging/clamd/bisman.service.d/"
install -d "$root/docs/runbooks"
install -m 644 docs/*.md "$root/docs/"
install -m 644 docs/runbooks/*.md "$root/docs/runbooks/"
tarball="$dist/$name.tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$tarball" "$name"
echo "tarball: $tarball"

(cd "$dist" && sha256sum "$(basename "$deb")" "$(basename "$tarball")" > SHA256SUMS && cat SHA256SUMS)
