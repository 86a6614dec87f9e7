/**
 * A typed client for the clinic-content API.
 *
 * The types in `schema.d.ts` are generated from the committed spec (`openapi/openapi.json`) by
 * `npm run generate`; the requests go through openapi-fetch, so every path, parameter, request
 * body and response is checked by the TypeScript compiler.
 *
 * ```ts
 * import { createClinicClient } from "@clinic-content/client";
 *
 * const api = createClinicClient("http://127.0.0.1:8080");
 * const { data, error } = await api.GET("/v1/posts/{slug}", {
 *   params: { path: { slug: "is-massage-therapy-worth-it-for-back-pain" } },
 * });
 * if (error) throw new Error(error.detail);
 * console.log(data.data.title);
 * ```
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
export { jsonLdScript } from "./jsonld.js";

/** The client: `GET`, `POST`, `PATCH`, `PUT`, `DELETE`, ... typed by path. */
export type ClinicClient = Client<paths>;

/** Every schema of the spec by name, e.g. `Schemas["Post"]`. */
export type Schemas = components["schemas"];
export type Post = Schemas["Post"];
export type PostSummary = Schemas["PostSummary"];
export type Section = Schemas["Section"];
export type Faq = Schemas["Faq"];
export type ConditionCategory = Schemas["ConditionCategory"];
export type Condition = Schemas["Condition"];
export type Guidance = Schemas["Guidance"];
export type GuidanceBand = Schemas["GuidanceBand"];
export type Site = Schemas["Site"];
/** A search hit: `title` is plain text; `title_highlighted` and `snippet` are HTML with `<mark>`s. */
export type SearchHit = Schemas["SearchHit"];
/** The RFC 9457 problem document every error response carries. */
export type Problem = Schemas["Problem"];

/**
 * Creates a client for the API at `baseUrl` (e.g. `http://127.0.0.1:8080`, no trailing `/v1`).
 *
 * `token` is a bearer token made with `clinic-content token create`: needed for the write
 * routes; on the read routes it also shows drafts. Leave it out for public reads.
 * `options` are passed to openapi-fetch (a custom `fetch`, extra `headers`, ...).
 */
export function createClinicClient(
  baseUrl: string,
  token?: string,
  options: Omit<ClientOptions, "baseUrl"> = {},
): ClinicClient {
  const headers = new Headers(options.headers as HeadersInit | undefined);
  headers.set("Accept", "application/json, application/problem+json");
  if (token !== undefined && token !== "") {
    headers.set("Authorization", `Bearer ${token}`);
  }
  return createClient<paths>({
    ...options,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    headers: Object.fromEntries(headers.entries()),
  });
}

export default createClinicClient;
