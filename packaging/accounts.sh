#!/usr/bin/env bash
# Creates the accounts the daemon needs: the incus-admin group (may use the local socket) and the
# unprivileged system user incus that runs the API core, and root's subordinate id range. Idempotent.
set -euo pipefail
getent group incus-admin >/dev/null || groupadd --system incus-admin
id -u incus >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin incus
# Root's subordinate ids for container id maps, as Incus packaging sets them up, when root has none.
grep -q '^root:' /etc/subuid 2>/dev/null || echo 'root:1000000:1000000000' >> /etc/subuid
grep -q '^root:' /etc/subgid 2>/dev/null || echo 'root:1000000:1000000000' >> /etc/subgid
