#!/usr/bin/env node
// Browser tests: Debian's Chromium, headless, driven by playwright-core (no downloaded browser).
//
//   node scripts/browser-test.mjs --api http://127.0.0.1:8080 --example http://127.0.0.1:8081/ [--out ci-artifacts]
//
// (a) the reference front end (examples/web, served by scripts/serve-example.mjs) renders the seed
//     content: post, sections, FAQ accordion, condition categories with red flags, the
//     "how many sessions?" widget, search with highlighted hits and the booking CTA;
// (b) /docs (Swagger UI served by the API) renders the operation list; the landing page links to
//     the docs, the spec and the resources.
// Every page must load nothing from outside the servers under test (no CDN), and log no errors.
// Screenshots go to --out. Exits non-zero on the first failed check.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const API = option("api", "http://127.0.0.1:8080").replace(/\/+$/, "");
const EXAMPLE = option("example", "http://127.0.0.1:8081/");
const OUT = resolve(option("out", "ci-artifacts"));
const CHROMIUM = option("chromium", process.env.CHROMIUM || "/usr/bin/chromium");

const SEED_SLUG = "is-massage-therapy-worth-it-for-back-pain";
const SEED_TITLE = "Is Massage Therapy Worth It for Back Pain? An Honest Answer";
const BOOKING_URL = "https://easycozy.ca/booking";

let checks = 0;
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  checks += 1;
  console.log(`  ok ${checks} - ${message}`);
}

function equal(actual, expected, message) {
  check(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${message} (expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)})`,
  );
}

/** A page that records console errors, page errors and every request to another origin. */
async function openPage(context, allowedOrigins) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (!allowedOrigins.includes(url.origin)) problems.push(`request to another origin: ${request.url()}`);
  });
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return { page, problems };
}

function noProblems(problems, what) {
  check(problems.length === 0, `${what}: no console errors, failed requests or requests to other origins${problems.length ? `\n    ${problems.join("\n    ")}` : ""}`);
}

async function testExamplePage(context) {
  console.log(`# example page: ${EXAMPLE}`);
  const { page, problems } = await openPage(context, [new URL(EXAMPLE).origin]);
  const apiRequests = [];
  const countApi = (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/v1/")) apiRequests.push(url.pathname + url.search);
  };
  page.on("request", countApi);
  await page.goto(EXAMPLE);
  await page.waitForFunction(() => document.body.dataset.state === "ready" || document.body.dataset.state === "error", null, {
    timeout: 15_000,
  });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== "ready") throw new Error(`the page did not load: ${await page.textContent("#status")}`);
  check(true, "the page loaded its content from the API");
  page.off("request", countApi);
  equal(apiRequests.length, 1, `one API request renders the page (${apiRequests.join(", ")})`);

  // The post
  equal(await page.textContent("#post-title"), SEED_TITLE, "post title");
  check(/^\d+ min read$/.test(await page.textContent("#post-reading-time")), "reading time shown");
  check((await page.getAttribute("#post-published", "datetime")) === "2026-04-25T16:00:00Z", "published date in <time datetime>");
  check((await page.textContent("#post-published")).includes("2026"), "published date shown");
  const sectionCount = await page.locator("#post-sections > section").count();
  const headings = await page.locator("#post-sections > section > h2").allTextContents();
  check(sectionCount >= 8, `at least 8 sections, the lead included (got ${sectionCount})`);
  check(headings.length >= 7, `at least 7 section headings (got ${headings.length}: ${headings.join(" | ")})`);
  check(headings.includes("How many sessions you actually need"), "the 'How many sessions you actually need' heading");
  const apiPost = await (await page.request.get(`${API}/v1/posts/${SEED_SLUG}`)).json();
  equal(
    headings,
    apiPost.data.sections.filter((s) => s.heading).map((s) => s.heading),
    "section headings are the API's, in order",
  );
  check((await page.locator("#post-sections .prose ul li").count()) > 0, "section HTML rendered (lists)");
  equal(await page.locator("#toc li").count(), headings.length, "table of contents lists every heading");

  // FAQ accordion
  const faqs = page.locator("#faq-list details");
  equal(await faqs.count(), 4, "4 FAQ entries");
  const second = faqs.nth(1);
  check(!(await second.evaluate((d) => d.open)), "second FAQ entry starts closed");
  await second.locator("summary").click();
  check(await second.evaluate((d) => d.open), "clicking a question opens its answer");
  check((await second.locator(".prose").innerText()).length > 50, "the answer is shown");

  // Condition categories
  equal(await page.locator("#category-list .category").count(), 3, "3 condition categories");
  equal(await page.locator("#category-list .condition").count(), 11, "11 conditions");
  equal(await page.locator("#category-list .condition.red-flag").count(), 3, "3 red flags highlighted");
  equal(
    await page.locator("#category-list .condition.red-flag").evaluateAll((items) => items.map((i) => i.closest(".category").id)),
    ["category-see-a-doctor-first", "category-see-a-doctor-first", "category-see-a-doctor-first"],
    "the red flags are the 'see a doctor first' category's",
  );
  const redFlagBackground = await page
    .locator("#category-list .condition.red-flag")
    .first()
    .evaluate((element) => getComputedStyle(element).backgroundColor);
  const plainBackground = await page
    .locator("#category-list .condition:not(.red-flag)")
    .first()
    .evaluate((element) => getComputedStyle(element).backgroundColor);
  check(redFlagBackground !== plainBackground, `red flags look different (${redFlagBackground} vs ${plainBackground})`);

  // "How many sessions?"
  const ask = async (amount, unit, recurring) => {
    await page.selectOption("#guidance-unit", unit);
    await page.fill("#guidance-amount", String(amount));
    await page.setChecked("#guidance-recurring", recurring);
    return (await page.textContent("#guidance-sessions")).trim();
  };
  equal(await ask(3, "days", false), "1–2 sessions", "3 days: 1–2 sessions");
  equal(await page.getAttribute("#guidance-answer", "data-band"), "acute", "3 days: the acute band");
  equal(await ask(60, "days", false), "2–4 sessions over 2–4 weeks", "60 days: 2–4 sessions over 2–4 weeks");
  equal(await ask(3, "days", true), "4–6 sessions over 4–6 weeks", "3 days but recurring: 4–6 sessions over 4–6 weeks");
  equal(await ask(6, "months", false), "4–6 sessions over 4–6 weeks", "6 months: 4–6 sessions over 4–6 weeks");
  equal(await ask(120, "days", false), "4–6 sessions over 4–6 weeks", "120 days: 4–6 sessions over 4–6 weeks");
  equal(await page.getAttribute("#guidance-answer", "data-band"), "chronic", "120 days: the chronic band");
  check((await page.textContent("#guidance-course")).includes("monthly maintenance"), "chronic: monthly maintenance mentioned");
  check((await page.textContent("#guidance-course")).includes("reassessed"), "chronic: reassessment mentioned");
  check((await page.textContent("#guidance-disclaimer")).includes("not a diagnosis"), "the clinic's disclaimer is shown");

  // Search: highlighted titles render <mark>s; no markup shows as text
  await page.fill("#search-q", "sciatica");
  await page.click("#search-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#search-form").dataset.state === "done", null, { timeout: 10_000 });
  const hitTitles = await page.locator("#search-results .search-hit a").allTextContents();
  check(hitTitles.length > 0, `searching 'sciatica' lists hits (got ${hitTitles.length})`);
  check((await page.locator("#search-results mark").count()) > 0, "matches are highlighted with <mark> elements");
  const apiHits = await (await page.request.get(`${API}/v1/search?q=sciatica&per_page=10`)).json();
  equal(hitTitles, apiHits.data.map((hit) => hit.title), "hit titles read as the API's plain titles");
  check(hitTitles.every((title) => !title.includes("<")), "no markup shown as text in hit titles");

  // Calls to action
  equal(await page.getAttribute("#post-cta", "href"), BOOKING_URL, "the post's CTA links to the booking page");
  check((await page.textContent("#post-cta")).trim().length > 0, "the post's CTA has a label");
  equal(await page.getAttribute("#guidance-cta", "href"), BOOKING_URL, "the guidance CTA links to the booking page");
  equal(await page.getAttribute("#header-cta", "href"), BOOKING_URL, "the header CTA links to the booking page");

  noProblems(problems, "example page");
  await page.screenshot({ path: join(OUT, "example-page.png"), fullPage: true });
  console.log(`  screenshot: ${join(OUT, "example-page.png")}`);
  await page.close();
}

async function testDocs(context) {
  const spec = await (await context.request.get(`${API}/openapi.json`)).json();
  // Swagger UI shows the webhook payload operations (OpenAPI 3.1 `webhooks`) as blocks too.
  const operations = [...Object.values(spec.paths), ...Object.values(spec.webhooks ?? {})].flatMap((item) =>
    Object.entries(item).filter(([method]) => ["get", "put", "post", "delete", "patch"].includes(method)),
  );

  for (const path of ["/docs", "/docs/"]) {
    console.log(`# docs: ${API}${path}`);
    const { page, problems } = await openPage(context, [new URL(API).origin]);
    await page.goto(`${API}${path}`);
    await page.waitForSelector(".opblock-summary", { timeout: 20_000 });
    await page.waitForLoadState("networkidle");
    check(true, `${path}: Swagger UI rendered operations`);
    equal(await page.locator(".opblock").count(), operations.length, `${path}: one operation block per operation in the spec`);
    check(await page.locator("#operations-posts-getPost").isVisible(), `${path}: the getPost operation is listed`);
    check(await page.getByText("List posts", { exact: true }).first().isVisible(), `${path}: 'List posts' is listed`);
    equal((await page.locator(".info .title").innerText()).split("\n")[0].trim(), spec.info.title, `${path}: the spec's title`);
    const server = await page.locator(".servers select").inputValue();
    equal(server, new URL(API).origin, `${path}: "Try it out" targets the server the docs came from`);
    noProblems(problems, `${path}`);
    if (path === "/docs") {
      // Open one operation, so the screenshot shows parameters and a response schema too.
      await page.locator("#operations-posts-getPost .opblock-summary").click();
      await page.waitForSelector("#operations-posts-getPost .parameters", { timeout: 10_000 });
      await page.screenshot({ path: join(OUT, "docs.png"), fullPage: true });
      console.log(`  screenshot: ${join(OUT, "docs.png")}`);
    }
    await page.close();
  }
}

async function testLanding(context) {
  console.log(`# landing page: ${API}/`);
  const { page, problems } = await openPage(context, [new URL(API).origin]);
  await page.goto(`${API}/`);
  const links = await page.locator("a").evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href")));
  for (const href of [
    "/docs",
    "/openapi.json",
    "/v1/posts",
    "/v1/faqs",
    "/v1/condition-categories",
    "/v1/conditions?filter%5Bis_red_flag%5D=true",
    "/v1/guidance",
    "/v1/site",
  ]) {
    check(links.includes(href), `landing page links to ${href}`);
  }
  for (const href of links.filter((h) => h.startsWith("/"))) {
    const response = await page.request.get(`${API}${href}`);
    equal(response.status(), 200, `${href} answers 200`);
  }
  noProblems(problems, "landing page");
  await page.screenshot({ path: join(OUT, "landing.png"), fullPage: true });
  console.log(`  screenshot: ${join(OUT, "landing.png")}`);
  await page.close();
}

mkdirSync(OUT, { recursive: true });
// Playwright gives every launch a fresh, empty profile directory (its own --user-data-dir).
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-CA" });
  await testExamplePage(context);
  await testDocs(context);
  await testLanding(context);
  console.log(`# ${checks} checks passed`);
} catch (error) {
  failed = true;
  console.error(`not ok - ${error.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
