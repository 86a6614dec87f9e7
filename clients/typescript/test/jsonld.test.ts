/**
 * `jsonLdScript`: JSON-LD as text for `<script type="application/ld+json">`.
 *
 *   npm test
 */
import assert from "node:assert/strict";
import { test } from "node:test";

import { jsonLdScript } from "../src/index.js";

/** A document as a post's could be: text an editor typed, with markup and line separators. */
const DOCUMENT = {
  "@context": "https://schema.org",
  "@graph": [
    {
      "@type": "Article",
      headline: "</script><script>alert(1)</script>",
      description: "Fish & chips <!-- not a comment -->\u2028line\u2029paragraph",
      keywords: ["</SCRIPT >", "a > b"],
    },
  ],
};

test("nothing in the text can end the script element or a JavaScript string", () => {
  const text = jsonLdScript(DOCUMENT);
  for (const raw of ["<", ">", "&", "\u2028", "\u2029"]) {
    assert.ok(!text.includes(raw), `a raw ${JSON.stringify(raw)} in ${text}`);
  }
  assert.ok(text.includes("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"), text);
});

test("it parses back to the same document", () => {
  assert.deepEqual(JSON.parse(jsonLdScript(DOCUMENT)), DOCUMENT);
});

test("embedded in a page, the element holds the whole document", () => {
  const page = `<script type="application/ld+json">${jsonLdScript(DOCUMENT)}</script><p>after</p>`;
  const start = page.indexOf(">") + 1;
  const end = page.toLowerCase().indexOf("</script", start);
  assert.deepEqual(JSON.parse(page.slice(start, end)), DOCUMENT);
});

test("JSON.stringify alone is what it guards against", () => {
  assert.ok(JSON.stringify(DOCUMENT).includes("</script>"));
});
