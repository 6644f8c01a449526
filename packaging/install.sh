#!/usr/bin/env bash
# Installs Incus for .NET on Debian 12: runtime dependencies, the incus user and incus-admin group,
# the daemon under $PREFIX/lib/incus, and incusd/incus on PATH. With --start it also starts the
# daemon in the background (there may be no systemd) and applies `incus admin init --minimal`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
libdir="$prefix/lib/incus"
start=false
[ "${1:-}" = "--start" ] && start=true

export DEBIAN_FRONTEND=noninteractive
apt-get update
# clang and zlib1g-dev build the parts compiled ahead of time (NativeAOT); they are not needed to run.
apt-get install -y --no-install-recommends ca-certificates iproute2 util-linux passwd procps lxc busybox-static dnsmasq-base nftables iptables ebtables clang zlib1g-dev

"$root/packaging/accounts.sh"
rm -rf "$libdir"
"$root/packaging/stage.sh" "$libdir" Release
ln -sf "$libdir/incusd/incusd" "$prefix/bin/incusd"
ln -sf "$libdir/cli/incus" "$prefix/bin/incus"
echo "installed incusd and incus into $prefix/bin (daemon files in $libdir)"

if $start; then
  mkdir -p /var/log/incus /run/incus
  pidfile=/run/incus/incusd.pid
  # A daemon this script started earlier runs the old files: stop it so the new build serves.
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -S /var/lib/incus/unix.socket ] && incus info >/dev/null 2>&1; then
    echo "another incusd already serves /var/lib/incus/unix.socket; stop it first" >&2
    exit 1
  fi
  setsid "$prefix/bin/incusd" --verbose >>/var/log/incus/incusd.out 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 100); do
    incus info >/dev/null 2>&1 && break
    sleep 0.1
  done
  incus admin init --minimal
  incus version
fi
