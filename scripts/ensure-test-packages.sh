#!/usr/bin/env bash
# Usage: scripts/ensure-test-packages.sh
#
# Makes sure the Debian packages the test suite drives are installed:
# chromium (Playwright uses the system browser, it cannot download its own)
# poppler-utils (pdftotext/pdftoppm read the invoice PDFs back) and
# dovecot-imapd (a throwaway IMAP server for the mail sync tests).
#   exit 0: everything is present (silent if it already was)
#   exit 2: something is missing and we are not root (prints the command to run)
#   exit 1: installing failed
set -euo pipefail

# binary → package that provides it
declare -A NEEDED=(
    [/usr/bin/chromium]="chromium chromium-driver"
    [/usr/bin/pdftotext]="poppler-utils"
    [/usr/sbin/dovecot]="dovecot-imapd"
)

log() { printf 'ensure-test-packages: %s\n' "$*" >&2; }

missing=()
for binary in "${!NEEDED[@]}"; do
    if [ ! -x "$binary" ]; then
        read -r -a packages <<<"${NEEDED[$binary]}"
        missing+=("${packages[@]}")
    fi
done

# Fast path: nothing to do, say nothing.
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "${EUID:-$(id -u)}" -ne 0 ]; then
    echo "The tests need Debian packages: sudo apt-get install ${missing[*]}" >&2
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

log "installing ${missing[*]} with apt-get..."
# Package lists are often stale/missing in fresh containers; only pay for an
# update when the plain install fails.
if ! apt_get install -y "${missing[@]}"; then
    log "install failed; running apt-get update and retrying..."
    apt_get update || { log "apt-get update failed"; exit 1; }
    apt_get install -y "${missing[@]}" || { log "apt-get install ${missing[*]} failed"; exit 1; }
fi

for binary in "${!NEEDED[@]}"; do
    if [ ! -x "$binary" ]; then
        log "apt-get succeeded but $binary is still missing"
        exit 1
    fi
done
