// A webhook receiver for clinic-content: verifies each delivery's signature (Standard
// Webhooks), rejects stale timestamps and duplicates, then rebuilds the site.
//
//   WEBHOOK_SECRET=whsec_... node receiver.mjs [--port 4000] [--build-hook https://api.netlify.com/build_hooks/...]
//
// Node 18+, no dependencies. Events of one subscription arrive one at a time and in order;
// answer 2xx quickly (within the server's timeout, 10 s by default) and do slow work after.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port ?? 4000);
const buildHook = args["build-hook"];
const secret = process.env.WEBHOOK_SECRET;
if (!secret?.startsWith("whsec_")) {
  console.error("Set WEBHOOK_SECRET to the secret printed when the webhook was created (whsec_...).");
  process.exit(2);
}
const key = Buffer.from(secret.slice("whsec_".length), "base64");
const TOLERANCE_SECONDS = 5 * 60;
const seen = new Set(); // event ids already handled (keep these in a database in production)

/** True when the headers carry a valid, fresh signature of exactly this body. */
export function verify(headers, body) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false; // replayed or clock skew
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  // The header may list several signatures ("v1,abc v1,def") while a secret is being rotated.
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function rebuild(event) {
  if (!buildHook) return;
  const response = await fetch(buildHook, { method: "POST" });
  console.log(`build hook answered ${response.status}`);
}

createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8"); // verify the raw bytes, before parsing
    if (req.method !== "POST" || !verify(req.headers, body)) {
      console.log("rejected: bad or missing signature");
      res.writeHead(401).end();
      return;
    }
    res.writeHead(204).end(); // acknowledge first: slow work must not hold the delivery
    const event = JSON.parse(body);
    if (seen.has(event.id)) return; // a retry of something already handled
    seen.add(event.id);
    console.log(`verified ${event.type} ${event.resource?.path ?? ""} (${event.id})`);
    if (event.type !== "ping") rebuild(event).catch((error) => console.error("rebuild failed:", error.message));
  });
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/`));
