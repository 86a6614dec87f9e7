/**
 * JSON-LD for a `<script type="application/ld+json">` element.
 *
 * The API serves JSON-LD (`GET /v1/posts/{slug}/jsonld`, `include=jsonld`) with `<`, `>`, `&`,
 * U+2028 and U+2029 written as `\u003c`-style escapes, so its bytes can go into the element as
 * they are. Once parsed, `JSON.stringify` writes those characters raw again, and a post titled
 * `</script><script>...` would close the element and run as script. Serialise with this instead.
 */

const UNSAFE = /[<>&\u2028\u2029]/g;

const ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * `document` as JSON text to put between `<script type="application/ld+json">` and `</script>`
 * (server-side rendering, templates, `innerHTML`). `JSON.parse` of the text gives the same
 * document back.
 *
 * ```ts
 * const html = `<script type="application/ld+json">${jsonLdScript(post.jsonld)}</script>`;
 * ```
 */
export function jsonLdScript(document: unknown): string {
  const text = JSON.stringify(document);
  if (text === undefined) {
    throw new TypeError("jsonLdScript: the document is not JSON (undefined, a function or a symbol)");
  }
  // Outside strings JSON has none of these characters, so every one found is inside a string,
  // where a \uXXXX escape means the same character.
  return text.replace(UNSAFE, (character) => ESCAPES[character] ?? character);
}
