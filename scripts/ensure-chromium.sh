#!/usr/bin/env bash
# Usage: scripts/ensure-chromium.sh
#
# Makes sure Debian's /usr/bin/chromium exists for the Playwright browser
# tests (they use the system browser, not a Playwright-downloaded one).
#   exit 0: chromium is present (silent if it already was)
#   exit 2: missing and we are not root (prints the command to run)
#   exit 1: installing it failed
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { printf 'ensure-chromium: %s\n' "$*" >&2; }

# Fast path: nothing to do, say nothing.
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "${EUID:-$(id -u)}" -ne 0 ]; then
    echo "Browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver" >&2
    exit 2
fi

# Run apt-get, waiting (up to 10 minutes in total) while another apt/dpkg
# process holds its locks - e.g. a concurrent install of chromium itself -
# instead of failing straight away. Output is only shown on real failure.
apt_get() {
    local out rc deadline=$((SECONDS + 600)) said_waiting=
    out=$(mktemp)
    while :; do
        rc=0
        DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=30 "$@" >"$out" 2>&1 || rc=$?
        if [ "$rc" -eq 0 ]; then
            rm -f "$out"
            return 0
        fi
        if grep -qiE 'could not get lock|unable to (acquire|lock)' "$out" && [ "$SECONDS" -lt "$deadline" ]; then
            [ -n "$said_waiting" ] || log "apt is busy (locked by another process); waiting up to 10 minutes..."
            said_waiting=1
            sleep 5
            continue
        fi
        tail -n 20 "$out" >&2
        rm -f "$out"
        return "$rc"
    done
}

log "installing chromium and chromium-driver with apt-get..."
# Package lists are often stale/missing in fresh containers; only pay for an
# update when the plain install fails.
if ! apt_get install -y chromium chromium-driver; then
    log "install failed; running apt-get update and retrying..."
    apt_get update || { log "apt-get update failed"; exit 1; }
    apt_get install -y chromium chromium-driver || { log "apt-get install chromium chromium-driver failed"; exit 1; }
fi

if [ ! -x "$CHROMIUM" ]; then
    log "apt-get succeeded but $CHROMIUM is still missing"
    exit 1
fi
