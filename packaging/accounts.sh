#!/usr/bin/env bash
# Creates the accounts the daemon needs: the incus-admin group (may use the local socket) and the
# unprivileged system user incus that runs the API core. Idempotent.
set -euo pipefail
getent group incus-admin >/dev/null || groupadd --system incus-admin
id -u incus >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin incus
