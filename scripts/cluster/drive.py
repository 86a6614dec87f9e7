"""The cluster check behind scripts/ci-cluster.sh: two instances of the real binary on one
PostgreSQL database behind nginx (deploy/nginx.conf), on loopback, then

1. both instances started at once on the empty database (one set of migrations, no race);
2. 2,000 mixed reads and writes through the proxy, one instance SIGKILLed halfway and restarted:
   every acknowledged write is there afterwards; no 5xx but requests in flight on the killed one;
3. a write through one instance is served by the other within 1 s (a new ETag);
4. a scheduled post published with both instances up: exactly one webhook delivery;
5. a third instance started while reads flow: the content version stays, and the running
   instances' caches are not flushed (their /metrics misses stay, hits grow).

Standard library only. Exits non-zero with the reason when a check fails; prints the figures.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

SEED_SLUG = "is-massage-therapy-worth-it-for-back-pain"
TOTAL_REQUESTS = 2000
CLIENTS = 8
# How long after the SIGKILL a request may still have been written to the killed instance.
KILL_WINDOW = 0.1
# Variables of the compose file's app environment this script sets itself (loopback addresses,
# its own database, rate limits off: every request here comes from one address).
OWN_SETTINGS = {"DATABASE_URL", "BIND_ADDRESS", "PORT", "TRUSTED_PROXIES", "PUBLIC_API_URL", "PUBLIC_SITE_URL"}


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Answer:
    def __init__(self, status, headers, body, started, ended):
        self.status, self.headers, self.body = status, headers, body
        self.started, self.ended = started, ended

    def json(self):
        return json.loads(self.body)

    @property
    def upstream(self):
        """The last instance nginx tried for this request ("" when not through the proxy)."""
        return self.headers.get("x-upstream", "").split(",")[-1].strip()


class Client:
    """One keep-alive connection to host:port; reconnects after an error."""

    def __init__(self, port):
        self.port, self.conn = port, None

    def request(self, method, path, token=None, body=None, headers=None):
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                received = {k.lower(): v for k, v in response.getheaders()}
                if received.get("connection", "").lower() == "close":
                    self.close()
                return Answer(response.status, received, payload, started, time.monotonic())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                # A keep-alive connection the server had closed: only a GET is safe to resend.
                self.close()
                if attempt == 2 or method != "GET":
                    return Answer(0, {}, str(error).encode(), started, time.monotonic())
            except OSError as error:
                self.close()
                return Answer(0, {}, str(error).encode(), started, time.monotonic())

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


class Instance:
    def __init__(self, name, binary, env, work):
        self.name, self.binary, self.env, self.work = name, binary, env, work
        self.port = free_port()
        self.process = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        log = open(os.path.join(self.work, f"{self.name}.log"), "ab")
        env = dict(self.env, PORT=str(self.port))
        self.process = subprocess.Popen([self.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds=120):
        deadline = time.monotonic() + seconds
        client = Client(self.port)
        while time.monotonic() < deadline:
            check(self.process.poll() is None, f"{self.name} exited with {self.process.returncode}: see {self.log_path()}")
            if client.request("GET", "/readyz").status == 200:
                client.close()
                return
            time.sleep(0.05)
        raise Failed(f"{self.name} not ready after {seconds} s: see {self.log_path()}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log_path(self):
        return os.path.join(self.work, f"{self.name}.log")

    def metrics(self):
        text = Client(self.port).request("GET", "/metrics").body.decode()
        counts = []
        for name in ("clinic_response_cache_hits_total", "clinic_response_cache_misses_total"):
            match = re.search(rf"^{name} (\d+)$", text, re.M)
            check(match, f"{name} missing from {self.name}'s /metrics")
            counts.append(int(match.group(1)))
        return tuple(counts)


def psql(url, sql):
    out = subprocess.run(["psql", "-XAtq", "-d", url, "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def cli(binary, env, *args):
    out = subprocess.run([binary, *args], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def load_compose(compose_path):
    import yaml  # from the CI virtualenv (ci-cluster.sh), like jsonschema

    with open(compose_path) as f:
        return yaml.safe_load(f)


def app_environment(compose):
    """The app service's environment in the compose file (its x-app anchor), as strings."""
    env = compose["services"]["app1"]["environment"]
    return {k: str(v) for k, v in env.items() if k not in OWN_SETTINGS}


def run_healthchecks(compose, instances, proxy_port):
    """The compose file's health checks of the apps and the proxy, pointed at loopback."""
    targets = [("app1", "127.0.0.1:8080", instances[0].address), ("app2", "127.0.0.1:8080", instances[1].address),
               ("proxy", "127.0.0.1/80", f"127.0.0.1/{proxy_port}")]
    for service, address, here in targets:
        test = compose["services"][service]["healthcheck"]["test"]
        check(test[0] == "CMD" and any(address in part for part in test), f"{service}'s health check: {test}")
        command = [part.replace(address, here) for part in test[1:]]
        done = subprocess.run(command, capture_output=True, timeout=10)
        check(done.returncode == 0, f"{service}'s health check failed on loopback: {done.stderr[:200]}")
    print("health checks: the compose file's checks of app1, app2 and the proxy pass on loopback")


def render_nginx(conf_path, work, listen_port, instances):
    """deploy/nginx.conf with loopback addresses, inside a main config of its own."""
    with open(conf_path) as f:
        site = f.read()
    for i, instance in enumerate(instances, start=1):
        site, n = re.subn(rf"\bserver app{i}:8080\b", f"server {instance.address}", site)
        check(n == 1, f"nginx.conf has no 'server app{i}:8080' line")
    site, n = re.subn(r"\blisten 80;", f"listen 127.0.0.1:{listen_port};", site)
    check(n == 1, "nginx.conf has no 'listen 80;' line")
    with open(os.path.join(work, "site.conf"), "w") as f:
        f.write(site)
    main = f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""
    path = os.path.join(work, "nginx.conf")
    with open(path, "w") as f:
        f.write(main)
    return path


def post_body(slug, excerpt, status="published", published_at=None):
    body = {
        "slug": slug,
        "title": f"Cluster check {slug}",
        "excerpt": excerpt,
        "status": status,
        "tags": ["back-pain"],
        "sections": [{"heading": None, "markdown": "Written during the cluster check."}],
    }
    if published_at:
        body["published_at"] = published_at
    return body


class Load:
    """Phase 2: mixed traffic through the proxy, one instance SIGKILLed halfway."""

    def __init__(self, proxy_port, write, victim):
        self.proxy_port, self.write, self.victim = proxy_port, write, victim
        self.lock = threading.Lock()
        self.issued = 0
        self.answers = []  # (kind, Answer)
        self.acked_posts = {}  # slug -> list of possible final excerpts (last acked first)
        self.halfway = threading.Event()
        self.kill_at = None
        self.back_at = None

    def next_number(self):
        with self.lock:
            if self.issued >= TOTAL_REQUESTS:
                return None
            self.issued += 1
            if self.issued == TOTAL_REQUESTS // 2:
                self.halfway.set()
            return self.issued

    def worker(self, w):
        rng = random.Random(w)
        client = Client(self.proxy_port)
        mine = []  # slugs this client created and saw acknowledged
        while (n := self.next_number()) is not None:
            roll = rng.random()
            if roll < 0.25:
                slug = f"cluster-{w}-{n}"
                answer = client.request("POST", "/v1/posts", self.write, post_body(slug, f"created {n}"))
                kind = "create"
                if answer.status == 201:
                    mine.append(slug)
                    with self.lock:
                        self.acked_posts[slug] = [f"created {n}"]
            elif roll < 0.35 and mine:
                slug = rng.choice(mine)
                excerpt = f"edited {n}"
                answer = client.request("PATCH", f"/v1/posts/{slug}", self.write, {"excerpt": excerpt},
                                        {"Content-Type": "application/merge-patch+json"})
                kind = "edit"
                with self.lock:
                    if answer.status == 200:
                        self.acked_posts[slug] = [excerpt]
                    elif answer.status == 0 or answer.status >= 500:
                        self.acked_posts[slug].append(excerpt)  # may or may not have landed
            else:
                paths = [f"/v1/posts/{SEED_SLUG}", "/v1/posts?per_page=5&fields=slug,title",
                         "/v1/search?q=massage&per_page=3", "/v1/tags", "/feeds/posts.json"]
                if mine:
                    paths.append(f"/v1/posts/{rng.choice(mine)}")
                path = rng.choice(paths)
                answer = client.request("GET", path)
                kind = "read"
            with self.lock:
                self.answers.append((kind, answer))
        client.close()

    def killer(self, instance):
        self.halfway.wait()
        self.kill_at = time.monotonic()
        instance.kill()
        time.sleep(2)  # the other instance serves alone for a while
        instance.start()
        instance.wait_ready()
        self.back_at = time.monotonic()

    def run(self):
        threads = [threading.Thread(target=self.worker, args=(w,)) for w in range(CLIENTS)]
        killer = threading.Thread(target=self.killer, args=(self.victim,))
        began = time.monotonic()
        for t in threads + [killer]:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - began
        killer.join()
        return took


def phase_load(proxy_port, write, instances, url):
    victim = instances[0]
    load = Load(proxy_port, write, victim)
    took = load.run()
    by_status = {}
    in_flight, failures, retried = [], [], 0
    reads_while_down = 0
    for kind, a in load.answers:
        by_status[(kind, a.status)] = by_status.get((kind, a.status), 0) + 1
        if "," in a.headers.get("x-upstream", ""):
            retried += 1
        if a.status == 0 or a.status >= 500:
            on_victim = a.upstream == victim.address
            # In flight: sent before the kill, or just after it on a keep-alive connection nginx
            # still held to the killed instance (nginx cannot resend a write it has written).
            if on_victim and a.started <= load.kill_at + KILL_WINDOW and a.ended >= load.kill_at:
                in_flight.append((kind, a.status))
            else:
                failures.append((kind, a.status, a.upstream, round(a.started - load.kill_at, 3), a.body[:200]))
        elif kind == "read" and load.kill_at < a.started < load.back_at and a.status == 200:
            reads_while_down += 1
    summary = ", ".join(f"{kind} {status}: {count}" for (kind, status), count in sorted(by_status.items()))
    print(f"load: {len(load.answers)} requests through the proxy in {took:.1f} s ({summary})")
    print(f"load: {victim.name} SIGKILLed after {TOTAL_REQUESTS // 2} requests and back "
          f"{load.back_at - load.kill_at:.1f} s later; {reads_while_down} reads answered 200 meanwhile; "
          f"{retried} answered after nginx retried on the other instance")
    print(f"load: {len(in_flight)} failed in flight on the killed instance (sent by {KILL_WINDOW * 1000:.0f} ms after the kill) {in_flight}; other failures: {len(failures)}")
    check(len(load.answers) == TOTAL_REQUESTS, "every request answered")
    check(not failures, f"answers that were 5xx or no answer, not in flight on the killed instance: {failures[:10]}")
    check(reads_while_down > 0, "reads went on while an instance was down")
    # Every acknowledged write is there, through either instance.
    missing = []
    direct = [Client(i.port) for i in instances]
    for n, (slug, possible) in enumerate(sorted(load.acked_posts.items())):
        answer = direct[n % 2].request("GET", f"/v1/posts/{slug}", write)
        if answer.status != 200 or answer.json()["data"]["excerpt"] not in possible:
            missing.append((slug, answer.status, possible))
    creates = sum(1 for kind, a in load.answers if kind == "create" and a.status == 201)
    edits = sum(1 for kind, a in load.answers if kind == "edit" and a.status == 200)
    print(f"load: {creates} acknowledged creates and {edits} acknowledged edits checked after the restart; "
          f"{len(missing)} missing or stale")
    check(not missing, f"acknowledged writes lost: {missing[:10]}")
    unknown = sum(1 for kind, a in load.answers if kind == "create" and (a.status == 0 or a.status >= 500))
    stored = int(psql(url, "SELECT count(*) FROM posts WHERE slug LIKE 'cluster-%'"))
    check(creates <= stored <= creates + unknown,
          f"{stored} posts stored for {creates} acknowledged creates and {unknown} without an answer")
    print(f"load: {stored} posts stored: the {creates} acknowledged and {stored - creates} of the "
          f"{unknown} cut off by the kill (committed before it, unacknowledged)")
    return sorted(load.acked_posts)


def phase_staleness(instances, write, slugs):
    """A write through one instance, then how long the other serves the old representation."""
    waits = []
    for round_ in range(20):
        writer, reader = (instances[0], instances[1]) if round_ % 2 == 0 else (instances[1], instances[0])
        slug = slugs[round_ % len(slugs)]
        path = f"/v1/posts/{slug}"
        read, written = Client(reader.port), Client(writer.port)
        before = read.request("GET", path)
        read.request("GET", path)  # now cached on the reader
        check(before.status == 200 and "etag" in before.headers, f"{path} on {reader.name}: {before.status}")
        answer = written.request("PATCH", path, write, {"excerpt": f"staleness round {round_}"},
                                 {"Content-Type": "application/merge-patch+json"})
        check(answer.status == 200, f"PATCH {path} on {writer.name}: {answer.status} {answer.body[:200]}")
        acked = time.monotonic()
        while True:
            now = read.request("GET", path)
            if now.status == 200 and now.headers.get("etag") != before.headers["etag"]:
                check(now.json()["data"]["excerpt"] == f"staleness round {round_}", "the new version")
                break
            check(time.monotonic() - acked < 5, f"{reader.name} still serves the old {path} after 5 s")
            time.sleep(0.01)
        waits.append(time.monotonic() - acked)
    waits.sort()
    print(f"staleness: 20 writes, the other instance served the new ETag after median "
          f"{waits[10] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms")
    check(waits[-1] <= 1.0, f"a write took {waits[-1]:.2f} s to reach the other instance (limit 1 s)")


class Receiver(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


def verify_signature(secret, headers, body):
    """Standard Webhooks: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part.split(",", 1)[-1] == expected for part in headers["webhook-signature"].split())


def phase_webhook(proxy_port, admin, write, instances):
    receiver = Receiver()
    proxy = Client(proxy_port)
    created = proxy.request("POST", "/v1/webhooks", admin, {"url": receiver.url, "events": ["post.published"]})
    check(created.status == 201, f"webhook subscription: {created.status} {created.body[:200]}")
    secret = created.json()["data"]["secret"]
    due = (datetime.now(timezone.utc) + timedelta(seconds=3)).replace(microsecond=0)
    slug = "cluster-scheduled"
    body = post_body(slug, "Scheduled during the cluster check.", "scheduled", due.strftime("%Y-%m-%dT%H:%M:%SZ"))
    answer = proxy.request("POST", "/v1/posts", write, body)
    check(answer.status == 201, f"scheduled post: {answer.status} {answer.body[:200]}")
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not receiver.received:
        time.sleep(0.1)
    check(receiver.received, "no webhook delivery within 40 s of scheduling")
    time.sleep(5)  # room for a second delivery, should one come
    with receiver.lock:
        arrivals = list(receiver.received)
    mine = [(h, b) for h, b in arrivals if json.loads(b)["data"].get("slug") == slug]
    check(len(mine) == 1 and len(arrivals) == 1, f"expected one delivery, got {len(arrivals)} ({len(mine)} for {slug})")
    headers, payload = mine[0]
    check(json.loads(payload)["type"] == "post.published", "a post.published event")
    check(verify_signature(secret, headers, payload), "the delivery's signature verifies with the secret")
    late = datetime.now(timezone.utc) - due
    for instance in instances:
        public = Client(instance.port).request("GET", f"/v1/posts/{slug}")
        check(public.status == 200, f"the scheduled post is public on {instance.name}: {public.status}")
    receiver.shutdown()
    print(f"webhook: one signed post.published delivery for the scheduled post with both instances up "
          f"(no second in the 5 s after it; now {late.total_seconds():.1f} s past its time)")


def phase_third_instance(proxy_port, instances, third, url):
    """A third instance starts while reads flow through the proxy to the other two."""
    paths = [f"/v1/posts/{SEED_SLUG}", "/v1/posts?per_page=5&fields=slug,title"]
    for instance in instances:
        client = Client(instance.port)
        for path in paths * 2:  # cached now
            check(client.request("GET", path).status == 200, f"{path} on {instance.name}")
    proxied = Client(proxy_port)
    for path in paths * 4:  # and through the proxy (round robin: each instance twice per path)
        check(proxied.request("GET", path).status == 200, f"{path} through the proxy")
    etags = {(i.name, p): Client(i.port).request("GET", p).headers.get("etag") for i in instances for p in paths}
    version = psql(url, "SELECT version FROM content_version")
    before = {i.name: i.metrics() for i in instances}
    stop = threading.Event()
    flowed = {"ok": 0, "other": 0}

    def reader():
        client = Client(proxy_port)
        while not stop.is_set():
            answer = client.request("GET", random.choice(paths))
            flowed["ok" if answer.status == 200 else "other"] += 1

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    began = time.monotonic()
    third.start()
    third.wait_ready()
    ready = time.monotonic() - began
    time.sleep(0.5)  # past a content-state refresh on the others
    stop.set()
    for t in threads:
        t.join()
    after = {i.name: i.metrics() for i in instances}
    check(psql(url, "SELECT version FROM content_version") == version, "the content version did not move")
    for (name, path), etag in etags.items():
        instance = next(i for i in instances if i.name == name)
        check(Client(instance.port).request("GET", path).headers.get("etag") == etag, f"{path} unchanged on {name}")
    for i in instances:
        (hits0, misses0), (hits1, misses1) = before[i.name], after[i.name]
        check(misses1 == misses0, f"{i.name}'s cache missed {misses1 - misses0} times: flushed by the new instance")
        check(hits1 > hits0, f"{i.name} answered from its cache")
    seed = Client(third.port).request("GET", f"/v1/posts/{SEED_SLUG}")
    check(seed.status == 200 and seed.headers.get("etag") == etags[(instances[0].name, paths[0])],
          "the third instance serves the seed post with the same ETag")
    check(flowed["other"] == 0, f"{flowed['other']} reads failed while the third instance started")
    print(f"third instance: ready in {ready:.1f} s while {flowed['ok']} reads flowed through the proxy; "
          f"content version {version} unchanged; the others' cache misses unchanged, hits "
          + ", ".join(f"{n} +{after[n][0] - before[n][0]}" for n in after))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--compose", required=True)
    parser.add_argument("--nginx-conf", required=True)
    parser.add_argument("--migrations", required=True, help="migrations/postgres")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    compose = load_compose(args.compose)
    env = dict(os.environ)
    env.update(app_environment(compose))
    proxy_port = free_port()
    env.update({
        "DATABASE_URL": args.database_url,
        "PUBLIC_API_URL": f"http://127.0.0.1:{proxy_port}",
        "BIND_ADDRESS": "127.0.0.1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT_READS": "0",
        "RATE_LIMIT_SEARCHES": "0",
        "RATE_LIMIT_WRITES": "0",
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "WORKERS": "2",
    })
    instances = [Instance(f"instance-{n}", args.binary, env, args.work) for n in (1, 2)]
    third = Instance("instance-3", args.binary, env, args.work)
    nginx = None
    try:
        began = time.monotonic()
        for instance in instances:
            instance.start()
        for instance in instances:
            instance.wait_ready()
        applied = psql(args.database_url, "SELECT count(*) || ' ' || count(DISTINCT version) FROM __diesel_schema_migrations")
        steps = len([d for d in os.listdir(args.migrations) if os.path.isdir(os.path.join(args.migrations, d))])
        check(applied == f"{steps} {steps}", f"migrations applied: {applied}, expected {steps} once each")
        seeded = psql(args.database_url, f"SELECT count(*) FROM posts WHERE slug = '{SEED_SLUG}'")
        check(seeded == "1", f"the seed post once, found {seeded}")
        print(f"start: two instances at once on an empty database, both ready in {time.monotonic() - began:.1f} s; "
              f"{steps} migrations applied once, the seed post once")
        write = cli(args.binary, env, "token", "create", "--name", "cluster-write", "--scope", "write")
        admin = cli(args.binary, env, "token", "create", "--name", "cluster-admin", "--scope", "admin")

        conf = render_nginx(args.nginx_conf, args.work, proxy_port, instances)
        nginx = subprocess.Popen(["nginx", "-p", args.work, "-c", conf, "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(args.work, "nginx.out"), "wb"))
        deadline = time.monotonic() + 10
        while Client(proxy_port).request("GET", "/healthz").status != 200:
            check(nginx.poll() is None and time.monotonic() < deadline, "nginx did not start: see nginx.out")
            time.sleep(0.05)

        run_healthchecks(compose, instances, proxy_port)
        slugs = phase_load(proxy_port, write, instances, args.database_url)
        phase_staleness(instances, write, slugs)
        phase_webhook(proxy_port, admin, write, instances)
        phase_third_instance(proxy_port, instances, third, args.database_url)
        for instance in instances + [third]:
            with open(instance.log_path(), errors="replace") as f:
                panics = [line for line in f if "panicked" in line]
            check(not panics, f"{instance.name} panicked: {panics[:3]}")
        print("cluster: all checks passed")
    except Failed as failure:
        print(f"cluster: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        for instance in instances + [third]:
            instance.stop()
        if nginx is not None:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
