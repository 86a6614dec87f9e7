#!/usr/bin/env node
// Serves examples/web/ and forwards API requests to the clinic-content API, so the example page
// and the API share one origin and the page works before the API sends CORS headers.
// Node's standard library only; no dependencies.
//
//   node scripts/serve-example.mjs [--api http://127.0.0.1:8080] [--port 8081] [--host 127.0.0.1]
//
// --port 0 picks a free port. The first line printed is "listening on http://HOST:PORT/".
// Forwarded: /v1/*, /openapi.json, /healthz, /readyz (GET and HEAD; other methods too, unchanged).

import { createReadStream, statSync } from "node:fs";
import { request as httpRequest, createServer } from "node:http";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};

const api = new URL(option("api", process.env.CLINIC_API || "http://127.0.0.1:8080"));
const host = option("host", "127.0.0.1");
const port = Number(option("port", "8081"));
const root = resolve(option("root", join(dirname(fileURLToPath(import.meta.url)), "..", "examples", "web")));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

const PROXIED = [/^\/v1(\/|$)/, /^\/openapi\.json$/, /^\/healthz$/, /^\/readyz$/];

function proxy(req, res) {
  const upstream = httpRequest(
    {
      protocol: api.protocol,
      hostname: api.hostname,
      port: api.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: api.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    res.writeHead(502, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: "about:blank", title: "Bad Gateway", status: 502, detail: `API at ${api.origin}: ${error.message}` }));
  });
  req.pipe(upstream);
}

function serveFile(req, res) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  let stat;
  try {
    stat = statSync(file);
  } catch {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  if (stat.isDirectory()) {
    res.writeHead(301, { location: `${pathname}/` }).end();
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] || "application/octet-stream",
    "content-length": stat.size,
    "cache-control": "no-cache",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  const pathname = new URL(req.url, "http://x").pathname;
  if (PROXIED.some((pattern) => pattern.test(pathname))) {
    proxy(req, res);
  } else if (req.method === "GET" || req.method === "HEAD") {
    serveFile(req, res);
  } else {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
  }
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`listening on http://${host}:${address.port}/`);
  console.log(`serving ${root}; /v1/*, /openapi.json, /healthz, /readyz go to ${api.origin}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
