// Run with `npm test` (Node's test runner through tsx).
import assert from "node:assert/strict";
import { test } from "node:test";

import { jsonLdScript } from "../src/index.js";

test("jsonLdScript leaves nothing that can end a script element, and parses back to the same document", () => {
  const document = {
    "@context": "https://schema.org",
    headline: "</script><script>alert(1)</script> & \u2028\u2029 <!--",
  };
  const text = jsonLdScript(document);
  for (const bad of ["<", ">", "&", "\u2028", "\u2029"]) {
    assert.ok(!text.includes(bad), `${JSON.stringify(bad)} in ${text}`);
  }
  assert.deepEqual(JSON.parse(text), document);
  assert.ok(text.includes("\\u003c/script\\u003e"));
});
