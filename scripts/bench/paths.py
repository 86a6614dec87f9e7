"""paths.py DB WORK PORT [deep-cursor]: writes the scenarios' path lists (and the baseline's bodies)
into WORK; with `deep-cursor`, only that list (cursors are signed with the database's own key, so a
second backend needs its own)."""
import json, random, sqlite3, sys, urllib.request

db, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
only_cursors = sys.argv[4:] == ["deep-cursor"]
random.seed(7)
con = sqlite3.connect(db)
slugs = [r[0] for r in con.execute(
    "SELECT slug FROM posts WHERE status = 'published' ORDER BY random() LIMIT 2000")]
tags = [r[0] for r in con.execute("SELECT slug FROM tags")]
# Words that match a few dozen to a few hundred documents: what people search for.
con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, 'search_index', 'row')")
words = [r[0] for r in con.execute(
    "SELECT term FROM temp.vocab WHERE doc BETWEEN 20 AND 400 AND length(term) > 3 ORDER BY random() LIMIT 300")]

def get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
        return r.read().decode(), r.headers.get("ETag", "")

def write(name, lines):
    with open(f"{work}/{name}.txt", "w") as f:
        f.write("\n".join(lines) + "\n")

def deep_cursors():
    """Walks the list once to collect cursors far into it."""
    cursors, path = [], "/v1/posts?per_page=100&fields=slug"
    for _ in range(1000):
        page = json.loads(get(path)[0])
        nxt = page["meta"]["pagination"]["next_cursor"]
        if not nxt:
            break
        cursors.append(f"/v1/posts?per_page=20&cursor={nxt}")
        path = f"/v1/posts?per_page=100&fields=slug&cursor={nxt}"
    write("deep-cursor", cursors[len(cursors) // 2:] or cursors)
    return cursors

if only_cursors:
    print(f"paths: {len(deep_cursors())} cursors", file=sys.stderr)
    sys.exit(0)

post_paths = [f"/v1/posts/{s}" for s in slugs]
first_page = ["/v1/posts"]
bodies, etag_lines = {}, []
for path in post_paths[:1000]:
    body, etag = get(path)
    bodies[path] = body
    etag_lines.append(f"{path}\t{etag}")
bodies["/v1/posts"] = get("/v1/posts")[0]
with open(f"{work}/baseline.json", "w") as f:
    json.dump(bodies, f)
write("post-by-slug", post_paths[:1000])
write("post-by-slug.etags", etag_lines)
write("first-list-page", first_page)
sorts = ["-published_at", "title", "-reading_time_minutes", "-updated_at"]
write("filtered-list", [
    f"/v1/posts?filter%5Btag%5D={random.choice(tags)}&filter%5Breading_time_minutes%5D%5Bgte%5D={random.randint(1, 3)}"
    f"&sort={random.choice(sorts)}&per_page=20&page={random.randint(1, 5)}" for _ in range(2000)])
write("search", [f"/v1/search?q={w}" for w in words] or ["/v1/search?q=massage"])
cursors = deep_cursors()
print(f"paths: {len(post_paths)} slugs, {len(tags)} tags, {len(words)} search words, {len(cursors)} cursors", file=sys.stderr)

# Warm the response cache: the scenarios measure steady state, where every URL was asked before.
for name in ["post-by-slug", "first-list-page", "filtered-list", "search"]:
    for line in open(f"{work}/{name}.txt"):
        get(line.strip())
