#!/usr/bin/env bash
# Developer-experience CI for clinic-content. Run from anywhere in a fresh clone (as root in CI):
#   bash scripts/ci-devex.sh
#
#   1. lint openapi/openapi.json with Redocly CLI (.redocly.yaml)
#   2. the TypeScript client: src/schema.d.ts matches the spec (no drift); tsc --strict; its unit tests
#   3. cargo build; start the server on a temporary SQLite file and a free port; make a write token
#   4. run the TypeScript example against the server
#   5. browser tests (headless Chromium + playwright-core): the example page and /docs;
#      screenshots in ci-artifacts/
#   6. the webhook receiver example (examples/webhook-receiver): a publish reaches it, signed, and a
#      forged delivery is refused
#   7. schemathesis against the live /openapi.json, every operation, with the token (last: its
#      write requests change and delete the seed content)
#
# Installs what it needs: Debian's chromium (only when /usr/bin/chromium is missing), the npm
# packages pinned by scripts/ and clients/typescript/ package-lock.json files (npm ci, into their
# own node_modules), and schemathesis into the project-local virtualenv .venv-ci.
#
# Environment: MAX_EXAMPLES (schemathesis cases per operation and phase, default 25),
# SCHEMATHESIS_SEED (default 20261125), CARGO_PROFILE (dev or release, default dev).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ARTIFACTS=$ROOT/ci-artifacts
SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES=${MAX_EXAMPLES:-25}
SCHEMATHESIS_SEED=${SCHEMATHESIS_SEED:-20261125}
CARGO_PROFILE=${CARGO_PROFILE:-dev}
CHROMIUM=/usr/bin/chromium

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clinic-devex.XXXXXX")
SERVER_PID=
start=$(date +%s)
timings=()

cleanup() {
    local status=$?
    # Only the processes this script started, by their ids.
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -f "$WORK/server.log" ]; then
        cp "$WORK/server.log" "$ARTIFACTS/server.log" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    local elapsed=$(($(date +%s) - start))
    echo
    echo "==> timings"
    for line in "${timings[@]}"; do
        echo "    $line"
    done
    if [ "${#failures[@]}" -gt 0 ]; then
        echo "==> failed checks: ${failures[*]}"
    fi
    if [ "$status" -eq 0 ]; then
        echo "==> devex ok in $((elapsed / 60))m$((elapsed % 60))s"
    else
        echo "==> devex FAILED (exit $status) after $((elapsed / 60))m$((elapsed % 60))s"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# step NAME FUNCTION: a step the later ones need (install, build, start): stops the run on failure.
step() {
    local name=$1
    shift
    echo
    echo "==> $name"
    local t0
    t0=$(date +%s)
    "$@"
    timings+=("$(printf '%-36s %4ss  ok' "$name" $(($(date +%s) - t0)))")
}

# check NAME FUNCTION: an independent check, run in its own bash (with errexit really on); a
# failure is recorded and the run goes on, so one run reports every failing check.
failures=()
check() {
    local name=$1
    shift
    echo
    echo "==> $name"
    local t0 result=ok
    t0=$(date +%s)
    if ! bash -euo pipefail -c '"$@"' check "$@"; then
        result=FAILED
        failures+=("$name")
    fi
    timings+=("$(printf '%-36s %4ss  %s' "$name" $(($(date +%s) - t0)) "$result")")
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # URL SECONDS
    local deadline=$(($(date +%s) + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "no answer from $1 after $2s" >&2
            return 1
        fi
        sleep 0.2
    done
}

# ---------------------------------------------------------------------------------------------

install_tools() {
    for tool in node npm python3 curl cargo; do
        command -v "$tool" >/dev/null || { echo "$tool is required" >&2; return 1; }
    done
    node --version
    npm --version
    if [ ! -x "$CHROMIUM" ]; then
        echo "installing Debian's chromium"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    fi
    "$CHROMIUM" --version 2>/dev/null | head -1
    (cd scripts && npm ci --no-audit --no-fund)
    (cd clients/typescript && npm ci --no-audit --no-fund)
    if [ ! -x .venv-ci/bin/schemathesis ] || [ "$(.venv-ci/bin/schemathesis --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
        python3 -m venv .venv-ci
        .venv-ci/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    fi
    .venv-ci/bin/schemathesis --version
}

lint_spec() {
    scripts/node_modules/.bin/redocly lint openapi/openapi.json --config .redocly.yaml --format=stylish --max-problems 1000
}

client_no_drift() {
    # openapi-typescript --check regenerates in memory and fails when src/schema.d.ts differs.
    if ! (cd clients/typescript && npm run --silent check-generated); then
        echo "clients/typescript/src/schema.d.ts is not what openapi/openapi.json generates:" >&2
        echo "  cd clients/typescript && npm ci && npm run generate   # then commit src/schema.d.ts" >&2
        return 1
    fi
    echo "clients/typescript/src/schema.d.ts matches openapi/openapi.json"
}

client_typecheck() {
    (cd clients/typescript && node_modules/.bin/tsc --strict --noEmit -p tsconfig.json)
    echo "tsc --strict: no errors"
}

client_tests() {
    (cd clients/typescript && npm test --silent)
}

build_server() {
    cargo build --locked --profile "$CARGO_PROFILE"
}

start_server() {
    local target_dir=debug
    [ "$CARGO_PROFILE" = dev ] || target_dir=$CARGO_PROFILE
    BIN=$ROOT/target/$target_dir/clinic-content
    PORT=$(free_port)
    API=http://127.0.0.1:$PORT
    export DATABASE_URL=$WORK/ci.db
    # Rate limits off: schemathesis sends thousands of requests from one address.
    # Webhooks may target loopback: the receiver example runs on this machine.
    export WEBHOOK_ALLOW_PRIVATE_TARGETS=true
    PORT=$PORT BIND_ADDRESS=127.0.0.1 RUST_LOG=info RATE_LIMIT_READS=0 RATE_LIMIT_SEARCHES=0 RATE_LIMIT_WRITES=0 \
        "$BIN" serve >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for "$API/healthz" 60 || { cat "$WORK/server.log"; return 1; }
    TOKEN=$("$BIN" token create --name ci --scope write)
    [ -n "$TOKEN" ] || { echo "token create printed no token" >&2; return 1; }
    echo "server pid $SERVER_PID at $API, database $DATABASE_URL, write token created"
}

client_example() {
    local output
    output=$(cd clients/typescript && node_modules/.bin/tsx examples/fetch-post.ts "$API")
    echo "$output"
    grep -q "^Is Massage Therapy Worth It for Back Pain? An Honest Answer$" <<<"$output"
    [ "$(grep -c '^  - ' <<<"$output")" -ge 7 ]
}

browser_tests() {
    local static_port static_pid
    static_port=$(free_port)
    node scripts/serve-example.mjs --api "$API" --port "$static_port" >"$WORK/static.log" 2>&1 &
    static_pid=$!
    # shellcheck disable=SC2064
    trap "kill $static_pid 2>/dev/null || true" EXIT
    wait_for "http://127.0.0.1:$static_port/" 15 || { cat "$WORK/static.log"; return 1; }
    node scripts/browser-test.mjs --api "$API" --example "http://127.0.0.1:$static_port/" --out "$ARTIFACTS"
}

webhook_example() {
    local port secret receiver_pid log=$WORK/receiver.log
    port=$(free_port)
    secret=$("$BIN" webhook create --url "http://127.0.0.1:$port/" --events 'post.*' --description ci)
    WEBHOOK_SECRET=$secret node examples/webhook-receiver/receiver.mjs --port "$port" >"$log" 2>&1 &
    receiver_pid=$!
    # shellcheck disable=SC2064
    trap "kill $receiver_pid 2>/dev/null || true" EXIT
    wait_for_log() { for _ in $(seq 1 100); do grep -q "$1" "$log" && return 0; sleep 0.1; done; cat "$log"; return 1; }
    wait_for_log "listening on"
    curl -fsS -o /dev/null -X PATCH "$API/v1/posts/is-massage-therapy-worth-it-for-back-pain" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/merge-patch+json' \
        -d '{"excerpt": "Checked by the webhook example in CI."}'
    wait_for_log "verified post.updated /v1/posts/is-massage-therapy-worth-it-for-back-pain"
    local forged
    forged=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/" \
        -H 'webhook-id: evt_forged' -H "webhook-timestamp: $(date +%s)" -H 'webhook-signature: v1,AAAA' -d '{"type":"post.deleted"}')
    [ "$forged" = 401 ] || { echo "a forged delivery got $forged" >&2; return 1; }
    cat "$log"
    "$BIN" webhook delete 1 >/dev/null
}

schemathesis_run() {
    local report=$ARTIFACTS/schemathesis
    rm -rf "$report"
    mkdir -p "$report"
    local status=0
    # Run from the temporary directory: schemathesis keeps a cache (.schemathesis/) in its cwd.
    (cd "$WORK" && "$ROOT/.venv-ci/bin/schemathesis" run "$API/openapi.json" \
        --header "Authorization: Bearer $TOKEN" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SCHEMATHESIS_SEED" \
        --generation-database none \
        --workers 1 \
        --request-timeout 10 \
        --output-sanitize true \
        --no-color \
        --report junit \
        --report-dir "$report") \
        2>&1 | tee "$report/output.txt" || status=$?
    echo "schemathesis: $(grep -E '^ +[0-9]+ generated' "$report/output.txt" | sed 's/^ *//' || echo 'no case count')"
    return "$status"
}

# ---------------------------------------------------------------------------------------------

export ROOT ARTIFACTS WORK SCHEMATHESIS_VERSION MAX_EXAMPLES SCHEMATHESIS_SEED
export -f free_port wait_for lint_spec client_no_drift client_typecheck client_tests client_example browser_tests webhook_example \
    schemathesis_run

mkdir -p "$ARTIFACTS"
step "install tools" install_tools
check "lint openapi/openapi.json (Redocly)" lint_spec
check "TS client: schema.d.ts drift" client_no_drift
check "TS client: tsc --strict" client_typecheck
check "TS client: tests" client_tests
step "cargo build ($CARGO_PROFILE)" build_server
step "start the server" start_server
export API TOKEN BIN
check "TS client: example against server" client_example
check "browser tests" browser_tests
check "webhook receiver example" webhook_example
check "schemathesis" schemathesis_run
[ "${#failures[@]}" -eq 0 ]
