#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD with DATABASE_URL pointing at a PostgreSQL server and exits with
# CMD's exit code.
#   * If RAPPORT_TEST_DATABASE_URL is set, that server is used as-is.
#   * Otherwise a throwaway cluster is created in a temp dir on a free
#     loopback port, and stopped/deleted again when CMD finishes (even on
#     failure or Ctrl-C), so parallel runs never share state or ports.
set -euo pipefail

log() { printf 'with-postgres: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 64
fi

# An externally provided server (e.g. a CI service container) wins; nothing
# to clean up, so exec keeps signals and exit codes untouched.
if [ -n "${RAPPORT_TEST_DATABASE_URL:-}" ]; then
    export DATABASE_URL="$RAPPORT_TEST_DATABASE_URL"
    exec "$@"
fi

is_root() { [ "${EUID:-$(id -u)}" -eq 0 ]; }

# Run apt-get, waiting (up to 10 minutes in total) while another apt/dpkg
# process holds its locks instead of failing straight away. Output is only
# shown if the command really fails.
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

# Find the directory holding initdb/pg_ctl. On Debian they are not on PATH
# (only in /usr/lib/postgresql/VERSION/bin), and pg_config from libpq-dev may
# report /usr/bin, which lacks initdb - hence the check and the fallback.
find_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Newest major version first (sort -V so that 9.6 < 10 < 15).
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

if ! bindir=$(find_bindir); then
    if ! is_root; then
        log "PostgreSQL server binaries (initdb) not found; install them with: sudo apt-get install postgresql"
        exit 2
    fi
    log "PostgreSQL not found; installing it with apt-get (one-time)..."
    # Package lists are often stale/missing in fresh containers; only pay for
    # an update when the plain install fails.
    if ! apt_get install -y postgresql; then
        apt_get update || die "apt-get update failed"
        apt_get install -y postgresql || die "apt-get install postgresql failed"
    fi
    bindir=$(find_bindir) || die "postgresql installed, but initdb still not found"
fi

# initdb/postgres refuse to run as root, so as root the server runs as an
# unprivileged user (Debian's 'postgres', or a dedicated system user).
runas=()
if is_root; then
    pg_user=postgres
    if ! id -u "$pg_user" >/dev/null 2>&1; then
        pg_user=rapport-pg
        if ! id -u "$pg_user" >/dev/null 2>&1; then
            # || true: a parallel run may have created it in the meantime.
            useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user" 2>/dev/null || true
            id -u "$pg_user" >/dev/null 2>&1 || die "could not create system user $pg_user"
        fi
    fi
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is needed to run PostgreSQL as $pg_user"
    runas=(runuser -u "$pg_user" --)
else
    pg_user=$(id -un 2>/dev/null || id -u)  # only informational when not root
fi

# As root the temp dir must be reachable by $pg_user, so use world-traversable
# /tmp; a private $TMPDIR is fine otherwise. The unix socket path
# (DIR/.s.PGSQL.PORT) must stay below ~107 bytes and pg_ctl's -o string is
# split on whitespace, so fall back to /tmp for long or odd TMPDIRs.
tmp_base=${TMPDIR:-/tmp}
if is_root || [ "${#tmp_base}" -gt 60 ] || [[ "$tmp_base" =~ [[:space:]] ]] || [ ! -d "$tmp_base" ]; then
    tmp_base=/tmp
fi
tmp_base=${tmp_base%/}
pgdir=$(mktemp -d "${tmp_base:-/tmp}/rapport-pg.XXXXXXXX")
data="$pgdir/data"
started=

# shellcheck disable=SC2317  # only invoked via trap
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM HUP
    if [ -n "$started" ]; then
        pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
        # Belt and braces: if pg_ctl could not stop it, kill the postmaster -
        # but only if that pid really is our server (pids get reused).
        if [ -f "$data/postmaster.pid" ]; then
            local pid
            pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
            if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$data"; then
                kill -KILL "$pid" 2>/dev/null
            fi
        fi
    fi
    rm -rf "$pgdir"
    exit "$rc"
}
trap cleanup EXIT
# Make signals go through the EXIT trap too, with conventional exit codes.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a server command as $pg_user. cd first: $pg_user may not be allowed to
# read the caller's cwd, and PostgreSQL tools fail when getcwd() does.
pg() { (cd "$pgdir" && ${runas[@]+"${runas[@]}"} "$@"); }

if is_root; then
    chown "$pg_user" "$pgdir"
fi

# C.UTF-8 gives UTF-8 ctype without needing any generated locales; very old
# or minimal systems may lack it, so retry with plain C.
initdb_ok=
for locale in C.UTF-8 C; do
    rm -rf "$data"
    if pg "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale="$locale" \
        >"$pgdir/initdb.log" 2>&1; then
        initdb_ok=1
        break
    fi
done
if [ -z "$initdb_ok" ]; then
    tail -n 20 "$pgdir/initdb.log" >&2
    die "initdb failed"
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || echo $((20000 + RANDOM % 40000))
}

# The port is free when picked but could be taken before postgres binds it
# (another parallel run, say), so retry a few times on "address in use".
# fsync & co. are off: this cluster is disposable and speed matters.
port=
for attempt in 1 2 3 4 5; do
    port=$(free_port)
    started=1
    if pg "$bindir/pg_ctl" -D "$data" -l "$pgdir/log" -w -t 60 \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
        break
    fi
    # Make sure nothing half-started lingers before retrying.
    pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    started=
    if [ "$attempt" -lt 5 ] && grep -qiE 'could not (bind|create listen)|address already in use' "$pgdir/log" 2>/dev/null; then
        : >"$pgdir/log"
        continue
    fi
    log "PostgreSQL server failed to start; last lines of its log:"
    if [ -f "$pgdir/log" ]; then tail -n 20 "$pgdir/log" >&2; fi
    exit 1
done

# pytest-django creates its own test_rapport via the 'postgres' maintenance
# DB; 'rapport' exists only for manual use (manage.py shell, psql, ...).
if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres rapport 2>"$pgdir/createdb.log"; then
    cat "$pgdir/createdb.log" >&2
    die "createdb rapport failed"
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/rapport"

# Not exec: the EXIT trap must still stop the server and delete the dir.
rc=0
"$@" || rc=$?
exit "$rc"
