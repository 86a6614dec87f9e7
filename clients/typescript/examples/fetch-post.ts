/**
 * Fetches the seed post and prints its title and section headings.
 *
 *   npm run example                              # the API at http://127.0.0.1:8080
 *   npm run example -- http://127.0.0.1:18080    # or another base URL
 *   CLINIC_API=http://127.0.0.1:18080 npm run example
 */
import { createClinicClient, type Problem } from "../src/index.js";

const SLUG = "is-massage-therapy-worth-it-for-back-pain";

async function main(): Promise<void> {
  const baseUrl = process.argv[2] ?? process.env.CLINIC_API ?? "http://127.0.0.1:8080";
  const api = createClinicClient(baseUrl, process.env.CLINIC_TOKEN);

  const { data, error, response } = await api.GET("/v1/posts/{slug}", {
    params: { path: { slug: SLUG } },
  });
  if (error !== undefined) {
    const problem: Problem = error;
    throw new Error(`GET ${response.url}: ${problem.status} ${problem.title}: ${problem.detail}`);
  }

  const post = data.data;
  console.log(post.title);
  console.log(`${post.reading_time_minutes} min read, published ${post.published_at ?? "(not yet)"}`);
  // Typed as full or sparse (a request with `fields` may leave sections out); this one asks for all.
  for (const section of post.sections ?? []) {
    // The lead has no heading.
    if (section.heading != null) {
      console.log(`  - ${section.heading}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
