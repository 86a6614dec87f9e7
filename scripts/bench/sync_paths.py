"""sync_paths.py DB WORK: writes the delta-sync scenarios' path lists into WORK.

sync-first-page: the first page of a first sync. sync-since: pages from `since` tokens at random
points of the change log. The tokens are minted with the database's own signing key (what
`/v1/sync` would have handed out at those points), so no walk of the whole log is needed.
"""
import base64, hashlib, hmac, json, random, sqlite3, sys, time

db, work = sys.argv[1], sys.argv[2]
random.seed(7)
con = sqlite3.connect(db)
key = con.execute("SELECT value FROM service_secrets WHERE name = 'cursor_key'").fetchone()[0]
max_seq = con.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def token(seq):
    # The layout of src/http/cursor.rs: compact JSON, HMAC-SHA256 cut to 16 bytes, base64url.
    payload = json.dumps({"l": "sync", "k": [issued], "i": seq}, separators=(",", ":")).encode()
    return f"{b64(payload)}.{b64(hmac.new(key, payload, hashlib.sha256).digest()[:16])}"

def write(name, lines):
    with open(f"{work}/{name}.txt", "w") as f:
        f.write("\n".join(lines) + "\n")

write("sync-first-page", ["/v1/sync"])
write("sync-since", [f"/v1/sync?since={token(random.randint(1, max(max_seq, 1)))}" for _ in range(2000)])
print(f"sync paths: {max_seq} change-log rows, 2000 random since tokens", file=sys.stderr)
