#!/usr/bin/env bash
# A throwaway PostgreSQL server for the county tests: its own cluster in a temporary
# directory, listening on 127.0.0.1 (a free port) and on a unix socket in that directory,
# trust authentication, fsync off. Nothing of the machine's own PostgreSQL is touched.
#
#   eval "$(bash packaging/test-postgres.sh start)"   # exports KIOSK_TEST_PG_URL, KIOSK_TEST_PG_DIR
#   bash packaging/test-postgres.sh stop "$KIOSK_TEST_PG_DIR"
#
# `start` installs Debian's postgresql first when no server is installed (needs root), and
# prints only the two export lines on stdout; progress goes to stderr. PostgreSQL refuses to
# run as root, so as root the cluster belongs to the `postgres` user (runuser), otherwise to
# the calling user. The county tests run `start` themselves when KIOSK_TEST_PG_URL is unset.
set -euo pipefail

pg_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local bin dir port
    bin="$(pg_bin || true)"
    if [ -z "$bin" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "test-postgres: no PostgreSQL server installed (/usr/lib/postgresql/*/bin) and not" \
                 "root to install it: apt-get install postgresql" >&2
            exit 3
        fi
        echo "test-postgres: installing Debian's postgresql" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            postgresql >&2
        bin="$(pg_bin || true)"
        [ -n "$bin" ] || { echo "test-postgres: postgresql installed but no initdb found" >&2; exit 3; }
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "test-postgres: running as root and there is no 'postgres' user to own the cluster" >&2
        exit 3
    fi

    dir="$(mktemp -d "${TMPDIR:-/tmp}/county-pg.XXXXXX")"
    chmod 700 "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

    as_owner "$bin/initdb" -D "$dir/data" -U county --auth=trust -E UTF8 --locale=C -N >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 4; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
        start >&2 || { cat "$dir/server.log" >&2; exit 4; }
    as_owner "$bin/createdb" -h "$dir" -p "$port" -U county county_test
    echo "test-postgres: cluster in $dir on 127.0.0.1:$port" >&2
    echo "export KIOSK_TEST_PG_URL=postgresql+psycopg://county@127.0.0.1:$port/county_test"
    echo "export KIOSK_TEST_PG_DIR=$dir"
}

stop() {
    local dir="${1:?usage: test-postgres.sh stop DIR}" bin
    case "$(basename "$dir")" in county-pg.*) ;; *) echo "test-postgres: $dir is not ours" >&2; exit 2 ;; esac
    bin="$(pg_bin || true)"
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
}

case "${1:-start}" in
    start) start ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
