#!/usr/bin/env bash
# Container image CI for clinic-content: builds the Dockerfile without a daemon (buildah) and
# starts the binary from the image. Run from anywhere in a fresh clone, as root:
#   bash scripts/ci-image.sh            # full build only when the image inputs changed (below)
#   bash scripts/ci-image.sh --full     # always the full build; records the inputs when it passes
#   bash scripts/ci-image.sh --runtime  # always the quick build
#
#   1. installs buildah, podman, debootstrap (and curl, iproute2) with apt-get when missing
#   2. makes the local base images, since none can be pulled here: localhost/debian:bookworm-slim
#      from `debootstrap --variant=minbase bookworm`, slimmed like Debian's official image; for a
#      full build also a Rust build image from it plus gcc, libc6-dev and this machine's toolchain
#      (`rustc --print sysroot`). Both are kept in buildah's storage and reused by later runs.
#   3. builds the image with `buildah bud --isolation chroot`, the base images passed as the
#      Dockerfile's RUST_IMAGE and RUNTIME_IMAGE build ARGs:
#      - full: both stages, a release build inside the builder (several minutes);
#      - runtime: only the runtime stage (`--target runtime`), its `COPY --from=builder` pointed at
#        a one-file image holding the binary CI already built (target/debug, or target/release
#        with CARGO_PROFILE=release); the builder stage is then unused and skipped.
#   4. checks the image: its user is uid 10001; its ENTRYPOINT and CMD, started with
#      `buildah run --isolation chroot` (podman run does not work here), run as uid 10001 and
#      serve /healthz and the seed post on the host's loopback; the HEALTHCHECK command passes
#      inside the container; SIGTERM stops the server cleanly.
#   5. removes the containers and images it made (not the base images: CI_IMAGE_CLEAN_BASE=1
#      removes those too).
#
# The full build runs when the SHA-256 of the image inputs (Dockerfile, .dockerignore, Cargo.toml,
# Cargo.lock, .cargo/*) differs from .ci/image-inputs.sha256, the list recorded by the last full
# build that passed. A passing full build rewrites that file: after changing an input, run
# `bash scripts/ci-image.sh --full` and commit .ci/image-inputs.sha256 with the change.
#
# Environment: CARGO_PROFILE (dev or release, default dev: the binary the quick build uses),
# DEBIAN_MIRROR (default http://deb.debian.org/debian), CI_IMAGE_CLEAN_BASE=1 (also remove the
# base images at the end), CI_IMAGE_FRESH_BASE=1 (remake the base images even if present).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
CARGO_PROFILE=${CARGO_PROFILE:-dev}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
INPUTS_FILE=.ci/image-inputs.sha256
SEED_SLUG=is-massage-therapy-worth-it-for-back-pain
APP_UID=10001

DEBIAN_BASE=localhost/debian:bookworm-slim
RUN_ID=$$
IMAGE=localhost/clinic-content:ci-$RUN_ID
BINARY_IMAGE=localhost/clinic-content-binary:ci-$RUN_ID
CONTAINER=clinic-content-ci-$RUN_ID
BUILD=(buildah bud --isolation chroot --format docker --pull=never --layers=false --force-rm)

MODE=auto
case "${1:-}" in
    "") ;;
    --full) MODE=full ;;
    --runtime) MODE=runtime ;;
    *) echo "usage: $0 [--full | --runtime]" >&2; exit 2 ;;
esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clinic-image.XXXXXX")
BUILDAH_RUN_PID=
made_images=()
made_containers=()
start=$(date +%s)
timings=()

cleanup() {
    local status=$?
    set +e
    # Only what this script started or made, by id or by this run's names.
    if [ -n "$BUILDAH_RUN_PID" ] && kill -0 "$BUILDAH_RUN_PID" 2>/dev/null; then
        kill "$BUILDAH_RUN_PID" 2>/dev/null
        wait "$BUILDAH_RUN_PID" 2>/dev/null
    fi
    for container in "${made_containers[@]}"; do buildah rm "$container" >/dev/null 2>&1; done
    # --force: also the containers buildah bud leaves behind for a stage used only by COPY --from.
    for image in "${made_images[@]}"; do buildah rmi --force "$image" >/dev/null 2>&1; done
    if [ "${CI_IMAGE_CLEAN_BASE:-0}" = 1 ]; then
        buildah rmi "$DEBIAN_BASE" "${RUST_BASE:-}" >/dev/null 2>&1
    fi
    rm -rf "$WORK"
    local elapsed=$(($(date +%s) - start))
    echo
    echo "==> image timings"
    for line in "${timings[@]}"; do
        echo "    $line"
    done
    if [ "$status" -eq 0 ]; then
        echo "==> image ok in $((elapsed / 60))m$((elapsed % 60))s"
    else
        echo "==> image FAILED (exit $status) after $((elapsed / 60))m$((elapsed % 60))s"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# step NAME FUNCTION...: runs it, stops the run on failure, records its time.
step() {
    local name=$1
    shift
    echo
    echo "==> $name"
    local t0
    t0=$(date +%s)
    "$@"
    local took=$(($(date +%s) - t0))
    echo "--> $name: ${took}s"
    timings+=("$(printf '%-40s %4ss' "$name" "$took")")
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The image inputs, one `sha256sum` line each, in a stable order.
image_inputs() {
    { printf '%s\n' Dockerfile .dockerignore Cargo.toml Cargo.lock; find .cargo -type f; } |
        LC_ALL=C sort | xargs sha256sum
}

# Whether the inputs match the list the last verified full build recorded.
inputs_recorded() {
    local current
    current=$(image_inputs)
    [ -f "$INPUTS_FILE" ] && [ "$current" = "$(cat "$INPUTS_FILE")" ]
}

image_ref_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------

install_tools() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "runs as root (apt-get, buildah's chroot isolation)" >&2
        return 1
    fi
    for tool in cargo rustc python3; do
        command -v "$tool" >/dev/null || { echo "$tool is required" >&2; return 1; }
    done
    local missing=()
    command -v buildah >/dev/null || missing+=(buildah)
    command -v podman >/dev/null || missing+=(podman)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v curl >/dev/null || missing+=(curl)
    command -v ss >/dev/null || missing+=(iproute2)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    buildah --version
    podman --version
}

choose_mode() {
    if [ "$MODE" = auto ]; then
        if inputs_recorded; then
            MODE=runtime
            echo "image inputs match $INPUTS_FILE: runtime stage only, with the binary CI built"
        else
            MODE=full
            echo "image inputs differ from $INPUTS_FILE: full build"
            if [ -f "$INPUTS_FILE" ]; then
                image_inputs | diff "$INPUTS_FILE" - || true
            fi
        fi
    else
        echo "mode $MODE (asked for)"
    fi
}

# A root filesystem like Debian's official bookworm-slim: minbase, no documentation, man pages
# or translations (also for packages installed later), apt caches cleaned after each install.
make_debian_base() {
    if image_ref_exists "$DEBIAN_BASE" && [ "${CI_IMAGE_FRESH_BASE:-0}" != 1 ]; then
        echo "reusing $DEBIAN_BASE"
        return
    fi
    local rootfs=$WORK/rootfs
    local t0
    t0=$(date +%s)
    debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        { tail -20 "$WORK/debootstrap.log"; return 1; }
    echo "debootstrap: $(($(date +%s) - t0))s"
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
    rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/groff/*
    find "$rootfs/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
    find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    tar -C "$rootfs" -c . | podman import --quiet \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$DEBIAN_BASE" >/dev/null
    rm -rf "$rootfs"
    buildah images "$DEBIAN_BASE"
}

# The build stage's base: the local Debian, the C compiler the bundled SQLite needs, and this
# machine's Rust toolchain (its sysroot without the HTML docs) at /usr/local/rust.
make_rust_base() {
    local version dockerfile_default
    version=$(rustc --version | awk '{print $2}')
    dockerfile_default=$(sed -n 's/^ARG RUST_IMAGE=//p' Dockerfile)
    case "$dockerfile_default" in
        "rust:${version%.*}-"*) ;;
        *) echo "warning: the Dockerfile's default is $dockerfile_default, this machine has rustc $version" >&2 ;;
    esac
    RUST_BASE=localhost/clinic-content-rust:$version-bookworm
    if image_ref_exists "$RUST_BASE" && [ "${CI_IMAGE_FRESH_BASE:-0}" != 1 ]; then
        echo "reusing $RUST_BASE"
        return
    fi
    local container=clinic-content-rust-$RUN_ID sysroot mount
    buildah from --quiet --pull=never --name "$container" "$DEBIAN_BASE" >/dev/null
    made_containers+=("$container")
    buildah run --isolation chroot "$container" -- sh -c 'apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            gcc libc6-dev ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*'
    # Certificate authorities this machine added to its trust store (such as a TLS-inspecting
    # egress proxy's): cargo in the build stage fetches crates over HTTPS through the same network.
    local extra_cas=(/usr/local/share/ca-certificates/*.crt)
    if [ -e "${extra_cas[0]}" ]; then
        echo "trusting this machine's local CAs in the build image: ${extra_cas[*]##*/}"
        buildah copy --quiet "$container" "${extra_cas[@]}" /usr/local/share/ca-certificates/ >/dev/null
        buildah run --isolation chroot "$container" -- update-ca-certificates >/dev/null 2>&1
    fi
    sysroot=$(rustc --print sysroot)
    mount=$(buildah mount "$container")
    mkdir -p "$mount/usr/local/rust"
    tar -C "$sysroot" --exclude=./share/doc -c . | tar -C "$mount/usr/local/rust" -x
    buildah umount "$container" >/dev/null
    buildah config --env CARGO_HOME=/usr/local/cargo \
        --env PATH=/usr/local/rust/bin:/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        "$container"
    buildah run --isolation chroot "$container" -- sh -c 'rustc --version && cargo --version && cc --version | head -1'
    buildah commit --quiet --rm "$container" "$RUST_BASE" >/dev/null
    buildah images "$RUST_BASE"
}

build_full() {
    "${BUILD[@]}" --build-arg RUST_IMAGE="$RUST_BASE" --build-arg RUNTIME_IMAGE="$DEBIAN_BASE" \
        -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -60 "$WORK/build.log"; return 1; }
    made_images+=("$IMAGE")
    grep -E '^\[[0-9]/[0-9]\] STEP|Finished|Compiling clinic-content' "$WORK/build.log" || true
}

build_runtime() {
    local dir=debug
    [ "$CARGO_PROFILE" = release ] && dir=release
    cargo build --locked --profile "$CARGO_PROFILE" --bin clinic-content 2>&1 | tail -1
    # A one-file image holding the binary at /clinic-content, where the builder stage puts it.
    local container
    container=$(buildah from --quiet scratch)
    made_containers+=("$container")
    buildah copy --quiet "$container" "target/$dir/clinic-content" /clinic-content >/dev/null
    buildah commit --quiet --rm "$container" "$BINARY_IMAGE" >/dev/null
    made_images+=("$BINARY_IMAGE")
    # The Dockerfile as users have it, but for the source of that one COPY.
    local copies
    copies=$(grep -c '^COPY --from=builder /clinic-content ' Dockerfile || true)
    if [ "$copies" != 1 ]; then
        echo "expected one 'COPY --from=builder /clinic-content ...' line in the Dockerfile, found $copies" >&2
        return 1
    fi
    sed "s|^COPY --from=builder /clinic-content |COPY --from=$BINARY_IMAGE /clinic-content |" \
        Dockerfile >"$WORK/Dockerfile.runtime"
    diff Dockerfile "$WORK/Dockerfile.runtime" || true
    "${BUILD[@]}" -f "$WORK/Dockerfile.runtime" --target runtime --build-arg RUNTIME_IMAGE="$DEBIAN_BASE" \
        -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -60 "$WORK/build.log"; return 1; }
    made_images+=("$IMAGE")
    if grep -q 'AS builder' "$WORK/build.log"; then
        echo "the builder stage ran in the runtime-only build" >&2
        return 1
    fi
    grep -E '^\[[0-9]/[0-9]\] STEP' "$WORK/build.log" || true
}

show_image() {
    buildah images "$IMAGE"
    buildah inspect --type image --format \
        'user={{.Docker.Config.User}} entrypoint={{.Docker.Config.Entrypoint}} cmd={{.Docker.Config.Cmd}} workdir={{.Docker.Config.WorkingDir}} healthcheck={{.Docker.Config.Healthcheck.Test}}{{println}}' \
        "$IMAGE"
}

check_image() {
    buildah from --quiet --pull=never --name "$CONTAINER" "$IMAGE" >/dev/null
    made_containers+=("$CONTAINER")

    local uid
    uid=$(buildah run --isolation chroot "$CONTAINER" -- id -u)
    [ "$uid" = "$APP_UID" ] || { echo "the image's user is uid $uid, not $APP_UID" >&2; return 1; }
    echo "image user: uid $uid"

    # The image's own ENTRYPOINT + CMD (buildah run does not apply them by itself), on a free port.
    local entrypoint=() port api
    mapfile -t entrypoint < <(buildah inspect --format \
        '{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}{{range .Docker.Config.Cmd}}{{println .}}{{end}}' \
        "$CONTAINER" | sed '/^$/d')
    port=$(free_port)
    api=http://127.0.0.1:$port
    echo "starting ${entrypoint[*]} with PORT=$port"
    buildah run --isolation chroot --env PORT="$port" "$CONTAINER" -- "${entrypoint[@]}" \
        >"$WORK/server.log" 2>&1 &
    BUILDAH_RUN_PID=$!
    local deadline=$(($(date +%s) + 60))
    until curl -fsS -o /dev/null "$api/healthz" 2>/dev/null; do
        if ! kill -0 "$BUILDAH_RUN_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            echo "the server did not answer on $api" >&2
            cat "$WORK/server.log" >&2
            return 1
        fi
        sleep 0.2
    done

    local server_pid server_uid
    server_pid=$(ss -H -ltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    server_uid=$(awk '/^Uid:/ {print $2}' "/proc/$server_pid/status")
    echo "listening: pid $server_pid ($(cat "/proc/$server_pid/comm")), uid $server_uid"
    [ "$server_uid" = "$APP_UID" ] || { echo "the server runs as uid $server_uid" >&2; return 1; }

    curl -fsS "$api/healthz" | python3 -c '
import json, sys
body = json.load(sys.stdin)
assert body["status"] == "ok", body
print("GET /healthz: 200", body)'
    curl -fsS "$api/v1/posts/$SEED_SLUG" | SLUG=$SEED_SLUG python3 -c '
import json, os, sys
post = json.load(sys.stdin)["data"]
assert post["slug"] == os.environ["SLUG"], post["slug"]
print("GET /v1/posts/" + post["slug"] + ": 200,", repr(post["title"]))'

    # The HEALTHCHECK's own command, inside the container (it assumes port 8080, so point it at
    # this run's port).
    local healthcheck
    healthcheck=$(buildah inspect --format '{{index .Docker.Config.Healthcheck.Test 1}}' "$CONTAINER")
    buildah run --isolation chroot "$CONTAINER" -- sh -c "${healthcheck//:8080/:$port}" >/dev/null
    echo "HEALTHCHECK command passes: $healthcheck"

    # Graceful stop: SIGTERM to the server, which actix turns into a clean shutdown.
    kill -TERM "$server_pid"
    local code=0
    wait "$BUILDAH_RUN_PID" || code=$?
    BUILDAH_RUN_PID=
    [ "$code" -eq 0 ] || { echo "the server exited with $code after SIGTERM" >&2; cat "$WORK/server.log" >&2; return 1; }
    echo "SIGTERM: exited 0"
}

record_inputs() {
    if inputs_recorded; then
        echo "$INPUTS_FILE is up to date"
    else
        image_inputs >"$INPUTS_FILE"
        echo "wrote $INPUTS_FILE (the inputs this full build verified): commit it"
    fi
}

# ---------------------------------------------------------------------------------------------

step "install buildah, podman, debootstrap" install_tools
step "choose the build" choose_mode
step "local base image (debootstrap)" make_debian_base
if [ "$MODE" = full ]; then
    step "local Rust build image" make_rust_base
    step "full image build (release)" build_full
else
    step "runtime-stage build (CI's binary)" build_runtime
fi
step "image" show_image
step "run the image's binary" check_image
[ "$MODE" = full ] && step "record the image inputs" record_inputs
exit 0
