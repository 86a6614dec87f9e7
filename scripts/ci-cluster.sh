#!/usr/bin/env bash
# The cluster example, checked: deploy/compose.yaml validated against the Compose specification's
# JSON schema, then the same topology without containers — a throwaway PostgreSQL cluster, two
# instances of the real binary, nginx with deploy/nginx.conf — on loopback, driven by
# scripts/cluster/drive.py (traffic with an instance SIGKILLed halfway, staleness between
# instances, one webhook delivery per scheduled post, a third instance started mid-run).
# Run from anywhere in a clone, as root (or with nginx and PostgreSQL installed):
#
#   bash scripts/ci-cluster.sh
#
# Environment: CLUSTER_BINARY (default target/debug/clinic-content, built when missing).
# Installs nginx (Debian) when missing, and PyYAML and jsonschema into the project-local
# virtualenv .venv-ci (the one scripts/ci-devex.sh uses). Logs stay in the printed folder when a
# check fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BINARY=${CLUSTER_BINARY:-$ROOT/target/debug/clinic-content}
PYYAML_VERSION=6.0.2
JSONSCHEMA_VERSION=4.23.0

if ! command -v nginx >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "nginx is not installed: apt-get install nginx" >&2; exit 1; }
    echo "installing nginx (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
if [ ! -x .venv-ci/bin/python ]; then python3 -m venv .venv-ci; fi
if ! .venv-ci/bin/python -c 'import yaml, jsonschema' 2>/dev/null; then
    .venv-ci/bin/pip install --quiet --disable-pip-version-check "PyYAML==$PYYAML_VERSION" "jsonschema==$JSONSCHEMA_VERSION"
fi
if [ ! -x "$BINARY" ]; then cargo build --locked --bin clinic-content; fi

# deploy/compose-spec.json is the Compose specification's schema, copied unchanged from
# github.com/compose-spec/compose-spec (schema/compose-spec.json, Apache License 2.0).
.venv-ci/bin/python - deploy/compose.yaml deploy/compose-spec.json <<'EOF'
import json, sys, yaml, jsonschema
compose = yaml.safe_load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
for error in errors:
    print(f"{sys.argv[1]}: {'/'.join(map(str, error.path)) or '(top)'}: {error.message}", file=sys.stderr)
if errors:
    sys.exit(1)
services = compose["services"]
assert {"postgres", "app1", "app2", "proxy"} <= set(services), services.keys()
assert all("healthcheck" in services[name] for name in services), "every service has a health check"
print(f"{sys.argv[1]}: valid against the Compose specification ({', '.join(services)})")
EOF

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clinic-cluster.XXXXXX")
chmod 755 "$WORK"   # nginx's workers (nobody) write their temp files under it
PG_DIR=$WORK/pg
passed=0
cleanup() {
    bash scripts/pg-cluster.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    if [ "$passed" -eq 1 ]; then
        rm -rf "$WORK"
    else
        echo "cluster logs kept in $WORK" >&2
        for log in "$WORK"/instance-*.log "$WORK"/nginx-error.log; do
            [ -f "$log" ] && { echo "--- $log (last 20 lines)" >&2; tail -n 20 "$log" >&2; }
        done
    fi
}
trap cleanup EXIT

URL=$(bash scripts/pg-cluster.sh start "$PG_DIR")
psql -XAtq -d "$URL" -c "CREATE DATABASE cluster" >/dev/null
.venv-ci/bin/python scripts/cluster/drive.py \
    --binary "$BINARY" \
    --database-url "${URL%/postgres}/cluster" \
    --compose deploy/compose.yaml \
    --nginx-conf deploy/nginx.conf \
    --migrations migrations/postgres \
    --work "$WORK"
passed=1
