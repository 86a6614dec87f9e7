# clinic-content: multi-stage image (build with cargo, run on a small Debian).
#
#   docker build -t clinic-content .
#   docker run --rm -p 8080:8080 -v clinic-content-data:/data clinic-content
#
# Built and started in CI by scripts/ci-image.sh (buildah, no daemon), which passes local base
# images through the two ARGs below; a plain `docker build` uses the public defaults.
ARG RUST_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
# Build stage. The rust slim image already ships gcc and libc6-dev, which is all the bundled
# SQLite (libsqlite3-sys, feature "bundled") needs; no apt-get here.
FROM ${RUST_IMAGE} AS builder
WORKDIR /build

# Dependency layer: build every dependency against a dummy crate, so that changing the sources
# does not rebuild the dependencies (this layer is reused while Cargo.toml/Cargo.lock are
# unchanged).
COPY Cargo.toml Cargo.lock ./
COPY .cargo ./.cargo
RUN mkdir -p src/bin \
    && echo 'fn main() {}' > src/main.rs \
    && echo 'fn main() {}' > src/bin/baseline.rs \
    && touch src/lib.rs \
    && cargo build --release --locked --bin clinic-content \
    && rm -rf src

# The real sources. migrations/ and content/seed.json are compiled into the binary
# (embed_migrations!, include_str!); openapi/ is the committed spec.
COPY src ./src
COPY migrations ./migrations
COPY content ./content
COPY openapi ./openapi
# COPY keeps the files' old modification times, which can be older than the dummy build's
# outputs; cargo decides freshness by mtime, so touch the crate roots to force a rebuild of
# this crate (the dependencies stay cached).
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin clinic-content \
    && cp target/release/clinic-content /clinic-content

# ---------------------------------------------------------------------------------------------
# Runtime stage: the binary, CA certificates and curl (for HEALTHCHECK) only.
FROM ${RUNTIME_IMAGE} AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data

COPY --from=builder /clinic-content /usr/local/bin/clinic-content

# The SQLite database (and its -wal/-shm files) lives here; created, migrated and seeded with
# the bundled content on first start.
VOLUME /data
WORKDIR /data

ENV DATABASE_URL=/data/clinic-content.db \
    BIND_ADDRESS=0.0.0.0 \
    PORT=8080 \
    RUST_LOG=info

USER app
EXPOSE 8080

# Liveness only (/healthz does not touch the database). Assumes PORT=8080: if you change PORT,
# change the URL here too.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1

# actix handles SIGTERM itself (graceful shutdown), so the binary can be PID 1.
ENTRYPOINT ["clinic-content"]
CMD ["serve"]
