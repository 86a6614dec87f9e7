// Reference front end for the clinic-content API: plain browser JavaScript, no build step, no
// dependencies. Copy it and keep what you need.
//
// Query parameters of this page:
//   ?api=http://127.0.0.1:8080   the API's base URL (default: this page's own origin; another
//                                origin needs the API to send CORS headers)
//   ?post=SLUG                   the post to show (default: the seed post)
//
// Every request goes through `api()`, which returns the `data` of the `{"data": ...}` envelope
// and turns an `application/problem+json` error into an exception carrying its `detail`.

const params = new URLSearchParams(window.location.search);
const API_BASE = (params.get("api") || window.location.origin).replace(/\/+$/, "");
const POST_SLUG = params.get("post") || "is-massage-therapy-worth-it-for-back-pain";

/** Calls `GET {API_BASE}{path}` with `query` and returns the envelope's `data`. */
async function api(path, query = {}) {
  const url = new URL(API_BASE + path);
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.set(name, String(value));
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    // Every error is an RFC 9457 problem document: { type, title, status, detail, errors[] }.
    const detail = body && body.detail ? body.detail : response.statusText;
    throw new Error(`GET ${url.pathname}${url.search}: ${response.status} ${detail}`);
  }
  return body.data;
}

/** Creates an element with attributes and children (strings become text, never HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * Puts HTML from the API into `element`. The API sanitises every `html` field when the content is
 * seeded (raw HTML in the Markdown is shown as text; links other than http, https, mailto and tel
 * lose their target), and escapes a search hit's `title_highlighted` and `snippet` (their only
 * markup is `<mark>`), which is what makes `innerHTML` acceptable here. Do not do this with HTML
 * from anywhere else, nor with plain-text fields such as a hit's `title`.
 */
function setTrustedApiHtml(element, html) {
  element.innerHTML = html;
  return element;
}

const $ = (id) => document.getElementById(id);

/** "1–2", or "3" when both ends are equal. */
function range({ min, max }) {
  return min === max ? String(min) : `${min}–${max}`;
}

function plural(count, one, many) {
  return count.max === 1 ? one : many;
}

function formatDate(iso, timeZone) {
  if (!iso) return "not yet published";
  return new Intl.DateTimeFormat("en-CA", { dateStyle: "long", timeZone }).format(new Date(iso));
}

// ---------------------------------------------------------------------------------------------
// The post

function renderPost(post, site) {
  $("post-title").textContent = post.title;
  document.title = `${post.meta_title || post.title} · ${site.name}`;
  $("post-reading-time").textContent = `${post.reading_time_minutes} min read`;
  const published = $("post-published");
  published.dateTime = post.published_at || "";
  published.textContent = formatDate(post.published_at, site.timezone);
  $("post-author").textContent = post.author.name;
  $("post-excerpt").textContent = post.excerpt;

  const toc = $("toc");
  const sections = $("post-sections");
  for (const section of post.sections) {
    // The first section is the lead: it has no heading.
    const element = h("section", { id: section.anchor, class: "post-section" });
    if (section.heading) {
      element.append(h("h2", {}, section.heading));
      toc.append(h("li", {}, h("a", { href: `#${section.anchor}` }, section.heading)));
    }
    element.append(setTrustedApiHtml(h("div", { class: "prose" }), section.html));
    sections.append(element);
  }

  const cta = post.cta || { label: "Book now", url: site.booking_url };
  const link = $("post-cta");
  link.textContent = cta.label;
  link.href = cta.url;
  $("post").hidden = false;
}

// ---------------------------------------------------------------------------------------------
// FAQ accordion: native <details>, so it works without any script once rendered

function renderFaqs(faqs) {
  const list = $("faq-list");
  faqs.forEach((faq, index) => {
    list.append(
      h(
        "details",
        { class: "faq", id: `faq-${faq.slug}`, open: index === 0 },
        h("summary", {}, faq.question),
        setTrustedApiHtml(h("div", { class: "prose" }), faq.answer.html),
      ),
    );
  });
  $("faq").hidden = faqs.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Condition categories, each with its conditions; red flags stand out

const RESPONSE_LABELS = { strong: "Responds strongly", moderate: "Partly helps", refer: "See a doctor first" };

function renderCategories(categories) {
  const container = $("category-list");
  for (const category of categories) {
    const items = category.conditions.map((condition) =>
      h(
        "li",
        { class: condition.is_red_flag ? "condition red-flag" : "condition", "data-slug": condition.slug },
        condition.is_red_flag ? h("span", { class: "flag", title: "Red flag" }, "Red flag") : null,
        h("strong", {}, condition.name),
        h("span", { class: "summary" }, condition.summary),
        condition.caveat ? h("span", { class: "caveat" }, condition.caveat) : null,
      ),
    );
    container.append(
      h(
        "div",
        { class: `category level-${category.response_level}`, id: `category-${category.slug}` },
        h("h3", {}, category.name, " ", h("span", { class: "badge" }, RESPONSE_LABELS[category.response_level] || category.response_level)),
        h("p", {}, category.description),
        h("ul", { class: "conditions" }, items),
      ),
    );
  }
  $("conditions").hidden = categories.length === 0;
}

// ---------------------------------------------------------------------------------------------
// "How many sessions?": picks a guidance band by how long the pain has lasted

const DAYS_PER_UNIT = { days: 1, weeks: 7, months: 30 };

/**
 * The band for pain that has lasted `days` days: a band with `includes_recurring` when the pain
 * is recurring, otherwise the one whose `pain_duration` range (inclusive; `max_days` null means
 * no upper bound) holds `days`.
 */
export function pickBand(bands, days, recurring) {
  if (recurring) {
    const band = bands.find((b) => b.includes_recurring);
    if (band) return band;
  }
  return (
    bands.find(
      (b) => days >= b.pain_duration.min_days && (b.pain_duration.max_days == null || days <= b.pain_duration.max_days),
    ) || null
  );
}

/** "4–6 sessions over 4–6 weeks", "1–2 sessions". */
export function describeSessions(band) {
  let text = `${range(band.sessions)} ${plural(band.sessions, "session", "sessions")}`;
  if (band.weeks) text += ` over ${range(band.weeks)} ${plural(band.weeks, "week", "weeks")}`;
  return text;
}

function renderGuidance(guidance) {
  const amount = $("guidance-amount");
  const unit = $("guidance-unit");
  const recurring = $("guidance-recurring");

  const update = () => {
    const value = Number.parseFloat(amount.value);
    const days = Number.isFinite(value) && value >= 0 ? Math.floor(value * DAYS_PER_UNIT[unit.value]) : null;
    const band = days == null && !recurring.checked ? null : pickBand(guidance.bands, days ?? 0, recurring.checked);
    const answer = $("guidance-answer");
    answer.dataset.band = band ? band.slug : "";
    if (!band) {
      $("guidance-band").textContent = "Enter how long you have had the pain.";
      $("guidance-sessions").textContent = "";
      $("guidance-notes").textContent = "";
      $("guidance-course").textContent = "";
      return;
    }
    $("guidance-band").textContent = `${band.name} (${band.duration_label})`;
    $("guidance-sessions").textContent = describeSessions(band);
    $("guidance-notes").textContent = band.notes ? band.notes.charAt(0).toUpperCase() + band.notes.slice(1) : "";
    const course = guidance.course;
    const lines = [`A typical initial course is ${range(course.sessions_per_week)} sessions a week for ${range(course.course_weeks)} weeks.`];
    if (band.reassess_after_course) lines.push("Your progress is reassessed after the initial course.");
    if (band.maintenance_interval) lines.push(`Then ${band.maintenance_interval} maintenance sessions keep the results.`);
    $("guidance-course").textContent = lines.join(" ");
  };

  for (const input of [amount, unit, recurring]) {
    input.addEventListener("input", update);
    input.addEventListener("change", update);
  }
  $("guidance-form").addEventListener("submit", (event) => event.preventDefault());
  update();

  $("guidance-disclaimer").textContent = guidance.disclaimer;
  $("guidance-cta").href = guidance.booking_url;
  $("guidance").hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Search: a hit's `title` is plain text (for text nodes, attributes, `document.title`);
// `title_highlighted` and `snippet` are escaped HTML with the matches in <mark>

const TYPE_LABELS = { post: "Article", faq: "Question", condition: "Condition", guidance: "Sessions" };

/** Where a hit is shown: another post on its own page, the rest on this one. */
function hitLink(hit) {
  if (hit.type === "post") {
    const query = new URLSearchParams(window.location.search);
    query.set("post", hit.slug);
    return `?${query}`;
  }
  return { faq: `#faq-${hit.slug}`, condition: "#conditions", guidance: "#guidance" }[hit.type] || "#";
}

function renderSearch() {
  const form = $("search-form");
  const status = $("search-status");
  const results = $("search-results");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = $("search-q").value.trim();
    if (!q) return;
    form.dataset.state = "busy";
    results.replaceChildren();
    status.textContent = "Searching…";
    try {
      const hits = await api("/v1/search", { q, per_page: 10 });
      status.textContent = hits.length === 0 ? `Nothing found for “${q}”.` : "";
      for (const hit of hits) {
        results.append(
          h(
            "li",
            { class: "search-hit", "data-type": hit.type },
            h("span", { class: "badge" }, TYPE_LABELS[hit.type] || hit.type),
            setTrustedApiHtml(h("a", { href: hitLink(hit), title: hit.title }), hit.title_highlighted),
            setTrustedApiHtml(h("p", { class: "snippet" }), hit.snippet),
          ),
        );
      }
    } catch (error) {
      status.textContent = error.message;
    }
    form.dataset.state = "done";
  });
  $("search").hidden = false;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  $("api-link").href = `${API_BASE}/openapi.json`;
  // One request for the whole page: the post with its FAQ entries, its condition categories in
  // full, the session guidance and the site.
  const post = await api(`/v1/posts/${encodeURIComponent(POST_SLUG)}`, {
    include: "faqs,categories,guidance,site",
  });
  const { site, faqs, categories, guidance } = post;

  $("site-name").textContent = site.name;
  $("site-name").href = site.website_url;
  const headerCta = $("header-cta");
  headerCta.href = site.booking_url;
  headerCta.hidden = false;
  $("site-disclaimer").textContent = site.disclaimer;

  renderPost(post, site);
  renderFaqs(faqs);
  renderCategories(categories);
  renderGuidance(guidance);
  renderSearch();
}

main()
  .then(() => {
    $("status").remove();
    document.body.dataset.state = "ready";
  })
  .catch((error) => {
    const status = $("status");
    status.className = "status error";
    status.textContent = `Could not load the content from ${API_BASE}: ${error.message}`;
    document.body.dataset.state = "error";
    console.error(error);
  })
  .finally(() => $("app").setAttribute("aria-busy", "false"));
