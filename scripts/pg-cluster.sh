#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a directory of its own, on a free loopback port.
#
#   bash scripts/pg-cluster.sh start DIR   # creates and starts it; prints its URL (also in DIR/url)
#   bash scripts/pg-cluster.sh stop DIR    # stops it and deletes DIR
#
#   export TEST_DATABASE_URL=$(bash scripts/pg-cluster.sh start /tmp/clinic-pg)
#
# Uses Debian's PostgreSQL (/usr/lib/postgresql/*/bin); as root it installs the `postgresql`
# package when missing, and runs the server as the `postgres` user (initdb refuses root). The
# cluster is for tests only: trust authentication, C locale, and no fsync.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
command=$1
dir=$2

# Runs a PostgreSQL program as the postgres user when we are root, as ourselves otherwise.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The newest installed server's bin directory, or nothing.
find_bin() {
    local found
    found=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; fi
}

# Whether something listens on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local bin
    bin=$(find_bin)
    if [ -z "$bin" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql" >&2
            exit 1
        fi
        echo "installing PostgreSQL (Debian's postgresql)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin=$(find_bin)
        [ -n "$bin" ] || { echo "no initdb after installing postgresql" >&2; exit 1; }
    fi
    if [ -e "$dir/data" ]; then
        echo "$dir/data exists already; stop that cluster first" >&2
        exit 1
    fi
    mkdir -p "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; fi

    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust --locale=C -E UTF8 --no-sync >"$dir/initdb.log" \
        || { cat "$dir/initdb.log" >&2; exit 1; }

    # A random free port; another process may take it between the check and the start, so retry.
    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >&2; then
            echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url"
            echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir/data)" >&2
            cat "$dir/url"
            return 0
        fi
        echo "start on port $port failed (attempt $attempt):" >&2
        tail -n 5 "$dir/server.log" >&2 || true
    done
    exit 1
}

stop() {
    local bin
    bin=$(find_bin)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
}

case "$command" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
