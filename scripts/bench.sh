#!/usr/bin/env bash
# The load benchmark (issues "HTTP delivery and speed" and "Querying"):
#   bash scripts/bench.sh            # full run: 10,000- and 100,000-post databases
#   BENCH_POSTS="10000" BENCH_SECONDS=3 bash scripts/bench.sh   # quicker
#   BENCH_PIN=1 bash scripts/bench.sh   # servers on core 0, wrk on core 1 (steadier p99s)
#   BENCH_ONLY=sync bash scripts/bench.sh   # only the delta-sync scenario (100,000 posts, 5,000 tags)
#   BENCH_ONLY=postgres bash scripts/bench.sh   # only SQLite against PostgreSQL, uncached (100,000 posts)
# Builds release, generates the databases, starts the service and, in the same run, a static
# baseline (bare actix-web answering the identical JSON bytes from a hash map), drives both with
# wrk over random slugs, and prints req/s, p50 and p99 per scenario with the ratio to the
# baseline, and the service's peak RSS. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
REPS=${BENCH_REPS:-5}
POSTS_LIST=${BENCH_POSTS:-"10000 100000"}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
# The delta-sync scenario's database (issue "Hardening", item 3); BENCH_ONLY=sync runs only it.
SYNC_POSTS=${BENCH_SYNC_POSTS:-100000}
SYNC_TAGS=${BENCH_SYNC_TAGS:-5000}
# SQLite against PostgreSQL (issue "Search on PostgreSQL"): the same generated library in both, the
# uncached database scenarios on each in turn. BENCH_ONLY=postgres runs only it.
PG_POSTS=${BENCH_PG_POSTS:-100000}
case "${BENCH_ONLY:-}" in sync | postgres) POSTS_LIST="" ;; esac
# BENCH_PIN=1: the servers on core 0 and wrk (one thread) on core 1, so the load generator does
# not share cores with the server: steadier p99s for the cached scenarios. The service then has
# one core, so the uncached (database) scenarios are not comparable with the targets there.
if [ "${BENCH_PIN:-0}" = 1 ]; then
    SERVER_PIN="taskset -c 0"; WRK="taskset -c 1 wrk -t1"
else
    SERVER_PIN=""; WRK="wrk -t2"
fi
WORK=$(mktemp -d)
SERVICE_PORT=18080
BASELINE_PORT=18081
pids=()
cleanup() { for pid in "${pids[@]:-}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked --bins 2>&1 | tail -1
BIN=target/release/clinic-content
BASELINE=target/release/baseline

wait_up() { for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }

# wrk with the latency distribution; prints "req/s p50_ms p99_ms errors". (A request slower
# than the timeout counts as an error and is left out of the latencies.)
run_wrk() {
    local port=$1 paths=$2 connections=$3 revalidate=${4:-0} timeout=${5:-2s}
    REVALIDATE=$revalidate PATHS=$paths $WRK -c"$connections" -d"${SECONDS_PER_RUN}s" --timeout "$timeout" --latency -s scripts/bench/paths.lua "http://127.0.0.1:$port" 2>/dev/null |
        python3 scripts/bench/parse_wrk.py
}

printf '\n%-9s %-28s %10s %9s %9s %10s %8s %8s\n' posts scenario req/s p50_ms p99_ms baseline ratio p99x
for POSTS in $POSTS_LIST; do
    DB="$WORK/bench-$POSTS.db"
    DATABASE_URL=$DB RUST_LOG=warn $BIN generate --posts "$POSTS" --seed 7 >&2
    DATABASE_URL=$DB RUST_LOG=warn RATE_LIMIT_READS=0 RATE_LIMIT_SEARCHES=0 RATE_LIMIT_WRITES=0 PORT=$SERVICE_PORT \
        $SERVER_PIN $BIN serve & service=$!; pids+=("$service")
    wait_up $SERVICE_PORT /readyz
    python3 scripts/bench/paths.py "$DB" "$WORK" "$SERVICE_PORT"
    $SERVER_PIN $BASELINE $BASELINE_PORT "$WORK/baseline.json" & baseline=$!; pids+=("$baseline")
    wait_up $BASELINE_PORT /v1/posts

    # Paired with the baseline, alternating repetitions: the slug lookup and the first page.
    for scenario in post-by-slug first-list-page; do
        results=()
        for rep in $(seq 1 "$REPS"); do
            s=$(run_wrk $SERVICE_PORT "$WORK/$scenario.txt" "$CONNECTIONS")
            b=$(run_wrk $BASELINE_PORT "$WORK/$scenario.txt" "$CONNECTIONS")
            results+=("$s|$b")
        done
        python3 scripts/bench/summarise.py "$POSTS" "$scenario" "${results[@]}"
    done
    for scenario in filtered-list search; do
        s=$(run_wrk $SERVICE_PORT "$WORK/$scenario.txt" "$CONNECTIONS")
        python3 scripts/bench/summarise.py "$POSTS" "$scenario" "$s|"
    done
    s=$(run_wrk $SERVICE_PORT "$WORK/post-by-slug.etags.txt" "$CONNECTIONS" 1)
    python3 scripts/bench/summarise.py "$POSTS" "304-revalidation" "$s|"
    rss=$(grep VmHWM /proc/$service/status | awk '{print $2}')
    printf '%-9s %-28s %s\n' "$POSTS" "peak RSS (MB)" "$((rss / 1024))"
    kill "$service" "$baseline"; wait "$service" "$baseline" 2>/dev/null || true

    # The database path, cache off, 8 connections (issue "Querying"): every request different.
    DATABASE_URL=$DB RUST_LOG=warn CACHE_MEGABYTES=0 RATE_LIMIT_READS=0 RATE_LIMIT_SEARCHES=0 PORT=$SERVICE_PORT \
        $SERVER_PIN $BIN serve & service=$!; pids+=("$service")
    wait_up $SERVICE_PORT /readyz
    for scenario in filtered-list deep-cursor search; do
        s=$(run_wrk $SERVICE_PORT "$WORK/$scenario.txt" 8)
        python3 scripts/bench/summarise.py "$POSTS" "$scenario (no cache, 8 conn)" "$s|"
    done
    kill "$service"; wait "$service" 2>/dev/null || true
done

# SQLite against PostgreSQL, uncached, 8 connections: the same paths (from the SQLite database)
# on both; the last column is PostgreSQL's p99 over SQLite's (targets: under 2, or a p99 under
# 10 ms for by-slug, filtered list and deep cursor).
if [ "${BENCH_ONLY:-postgres}" = postgres ]; then
    DB="$WORK/bench-pg.db"
    DATABASE_URL=$DB RUST_LOG=warn $BIN generate --posts "$PG_POSTS" --seed 7 >&2
    # Its own directory (the postgres user cannot enter $WORK), stopped and removed on exit.
    PG_DIR=$(mktemp -d)
    bash scripts/pg-cluster.sh start "$PG_DIR" >/dev/null
    trap 'bash scripts/pg-cluster.sh stop "$PG_DIR" >/dev/null 2>&1 || true; cleanup' EXIT
    PG_URL="$(sed 's#/postgres$#/bench#' "$PG_DIR/url")"
    psql "$(cat "$PG_DIR/url")" -qc "CREATE DATABASE bench"
    started=$(date +%s)
    DATABASE_URL=$PG_URL RUST_LOG=warn $BIN generate --posts "$PG_POSTS" --seed 7 >&2
    echo "generated $PG_POSTS posts on PostgreSQL in $(($(date +%s) - started)) s" >&2
    declare -A p99
    for backend in sqlite postgres; do
        url=$DB; [ $backend = postgres ] && url=$PG_URL
        DATABASE_URL=$url RUST_LOG=warn CACHE_MEGABYTES=0 RATE_LIMIT_READS=0 RATE_LIMIT_SEARCHES=0 PORT=$SERVICE_PORT \
            $SERVER_PIN $BIN serve & service=$!; pids+=("$service")
        wait_up $SERVICE_PORT /readyz
        # The same slugs, filters and words on both; cursors from each database's own key.
        mkdir -p "$WORK/$backend"
        if [ $backend = sqlite ]; then
            python3 scripts/bench/paths.py "$DB" "$WORK" "$SERVICE_PORT"
            cp "$WORK/deep-cursor.txt" "$WORK/sqlite/"
        else
            python3 scripts/bench/paths.py "$DB" "$WORK/postgres" "$SERVICE_PORT" deep-cursor
        fi
        for scenario in post-by-slug filtered-list deep-cursor search; do
            paths="$WORK/$scenario.txt"; [ $scenario = deep-cursor ] && paths="$WORK/$backend/$scenario.txt"
            s=$(run_wrk $SERVICE_PORT "$paths" 8)
            row=$(python3 scripts/bench/summarise.py "$PG_POSTS" "$scenario ($backend, no cache)" "$s|")
            p99[$backend-$scenario]=$(echo "$s" | awk '{print $3}')
            if [ $backend = postgres ]; then
                row="$row $(python3 -c "print(f'{${p99[postgres-$scenario]} / ${p99[sqlite-$scenario]}:.2f}x SQLite p99')")"
            fi
            echo "$row"
        done
        kill "$service"; wait "$service" 2>/dev/null || true
    done
fi

# Delta sync (issue "Hardening", item 3): the first page of a first sync and pages from random
# `since` tokens, cache off, 8 connections, on many tags. Target: p99 under 50 ms. A 60 s wrk
# timeout, so slow answers show in the latencies instead of as errors.
if [ "${BENCH_ONLY:-sync}" = sync ] && [ "${BENCH_ONLY:-}" != postgres ]; then
    DB="$WORK/bench-sync.db"
    DATABASE_URL=$DB RUST_LOG=warn $BIN generate --posts "$SYNC_POSTS" --tags "$SYNC_TAGS" --seed 7 >&2
    DATABASE_URL=$DB RUST_LOG=warn CACHE_MEGABYTES=0 RATE_LIMIT_READS=0 RATE_LIMIT_SEARCHES=0 PORT=$SERVICE_PORT \
        $SERVER_PIN $BIN serve & service=$!; pids+=("$service")
    wait_up $SERVICE_PORT /readyz
    python3 scripts/bench/sync_paths.py "$DB" "$WORK"
    for scenario in sync-first-page sync-since; do
        s=$(run_wrk $SERVICE_PORT "$WORK/$scenario.txt" 8 0 60s)
        python3 scripts/bench/summarise.py "$SYNC_POSTS/$SYNC_TAGS" "$scenario (no cache, 8 conn)" "$s|"
    done
    kill "$service"; wait "$service" 2>/dev/null || true
fi
