//! Refinements to the generated document that are rules across many operations, applied once
//! here instead of repeated on each handler: JSON merge patch bodies derived from the input
//! schemas, the constraints the strict query parser enforces (slug patterns, enums, lengths),
//! and the unauthenticated probes.

use serde_json::{json, Map, Value};

const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// PATCH routes without a create route beside them, and the input each patches.
const PATCHED_INPUTS: &[(&str, &str)] =
    &[("/v1/site", "SiteInput"), ("/v1/guidance/course", "CourseInput"), ("/v1/guidance/{slug}", "BandInput")];

pub fn refine(spec: &mut Value) {
    document_query_language(spec);
    sparse_responses(spec);
    patch_bodies(spec);
    constrain_parameters(spec);
    slug_patterns_in_inputs(spec);
    drop_unreferenced_inputs(spec);
    delivery_errors(spec);
    busy_errors(spec);
    webhook_payload(spec);
    for probe in ["/healthz", "/readyz", "/openapi.json"] {
        if let Some(get) = spec.pointer_mut(&format!("/paths/{}/get", escape(probe))) {
            get["security"] = json!([{}]);
        }
    }
}

fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// `XPatch`: the schema of `XInput` with nothing required; PATCH bodies refer to it.
fn patch_bodies(spec: &mut Value) {
    let mut patched: Vec<(String, String)> =
        PATCHED_INPUTS.iter().map(|(p, i)| (p.to_string(), i.to_string())).collect();
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    for (path, item) in &paths {
        if item.get("patch").is_none() || patched.iter().any(|(p, _)| p == path) {
            continue;
        }
        let collection = path.rsplit_once('/').map(|(c, _)| c).unwrap_or_default();
        let input = paths
            .get(collection)
            .and_then(|c| c.pointer("/post/requestBody/content/application~1json/schema/$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_string);
        if let Some(input) = input {
            patched.push((path.clone(), input));
        }
    }
    for (path, input) in patched {
        let name = format!("{}Patch", input.trim_end_matches("Input").trim_end_matches("Write"));
        let Some(mut schema) = spec["components"]["schemas"].get(&input).cloned() else { continue };
        if let Some(object) = schema.as_object_mut() {
            object.remove("required");
            object.insert(
                "description".into(),
                Value::from(format!(
                    "A JSON merge patch (RFC 7386) of {input}: only the fields to change; null removes an optional field; lists are replaced whole."
                )),
            );
        }
        spec["components"]["schemas"][&name] = schema;
        let body = json!({"$ref": format!("#/components/schemas/{name}")});
        if let Some(request) = spec.pointer_mut(&format!("/paths/{}/patch/requestBody", escape(&path))) {
            request["content"] = json!({
                "application/merge-patch+json": {"schema": body.clone()},
                "application/json": {"schema": body},
            });
        }
    }
}

/// What the query parser enforces, stated in the document.
fn constrain_parameters(spec: &mut Value) {
    let enums: Map<String, Value> = [
        ("filter[region]", json!(["lower_back", "upper_back", "whole_back"])),
        ("filter[response_level]", json!(["strong", "moderate", "refer"])),
        ("filter[type]", json!(["post", "faq", "condition", "guidance"])),
        ("filter[status]", json!(["draft", "scheduled", "published", "archived"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { continue };
            for parameter in parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                let schema = &mut parameter["schema"];
                let slug_like = name == "slug"
                    || [
                        "filter[post]",
                        "filter[tag]",
                        "filter[category]",
                        "filter[condition]",
                        "filter[condition_category]",
                    ]
                    .contains(&name.as_str());
                if slug_like {
                    schema["pattern"] = Value::from(SLUG_PATTERN);
                    schema["maxLength"] = Value::from(100);
                } else if let Some(values) = enums.get(&name) {
                    schema["enum"] = values.clone();
                } else if name == "q" || name == "cursor" {
                    schema["minLength"] = Value::from(1);
                }
            }
        }
    }
}

fn slug_patterns_in_inputs(spec: &mut Value) {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else { return };
    for (name, schema) in schemas.iter_mut() {
        if !(name.ends_with("Input") || name.ends_with("Write") || name.ends_with("Patch")) {
            continue;
        }
        if let Some(slug) = schema.pointer_mut("/properties/slug") {
            slug["pattern"] = Value::from(SLUG_PATTERN);
            slug["maxLength"] = Value::from(100);
        }
    }
}

/// Inputs only ever patched (the site, the course advice) live on as their Patch schemas.
fn drop_unreferenced_inputs(spec: &mut Value) {
    let text = spec.to_string();
    if let Some(schemas) = spec["components"]["schemas"].as_object_mut() {
        schemas
            .retain(|name, _| !name.ends_with("Input") || text.contains(&format!("\"#/components/schemas/{name}\"")));
    }
}

/// The list parameters each resource's `ListSpec` accepts, documented from that one
/// declaration: sort keys, sparse fields, includes, search and every filter with its operators.
fn document_query_language(spec: &mut Value) {
    use crate::http::list_query::{FilterKind, ListSpec};
    let lists: [(&str, &ListSpec); 7] = [
        ("/v1/posts", &crate::posts::handler::LIST),
        ("/v1/faqs", &crate::faqs::handler::LIST),
        ("/v1/conditions", &crate::conditions::handler::CONDITIONS),
        ("/v1/condition-categories", &crate::conditions::handler::CATEGORIES),
        ("/v1/tags", &crate::tags::handler::LIST),
        ("/v1/citations", &crate::citations::handler::LIST),
        ("/v1/webhooks/{id}/deliveries", &crate::webhooks::handler::DELIVERIES),
    ];
    for (path, list) in lists {
        let mut parameters: Vec<Value> = Vec::new();
        if !list.sorts.is_empty() {
            let keys: Vec<&str> = list.sorts.iter().map(|s| s.name).collect();
            let relevance = if list.search.is_some() {
                " With `q`, `relevance` (best first) is the default and may be given."
            } else {
                ""
            };
            parameters.push(json!({
                "name": "sort", "in": "query", "required": false,
                "description": format!("Order by up to two keys, comma-separated; a leading `-` sorts descending; ties are broken by id. Keys: {}. Default `{}`.{relevance}", keys.join(", "), list.default_sort),
                "schema": {"type": "string", "minLength": 1},
                "example": list.default_sort,
            }));
        }
        if !list.fields.is_empty() {
            parameters.push(json!({
                "name": "fields", "in": "query", "required": false,
                "description": format!("Only these fields of each item, comma-separated: {}.", list.fields.join(", ")),
                "schema": {"type": "string", "minLength": 1},
                "example": list.fields.iter().take(2).copied().collect::<Vec<_>>().join(","),
            }));
        }
        if !list.includes.is_empty() {
            let names: Vec<&str> = list.includes.iter().map(|i| i.name).collect();
            parameters.push(json!({
                "name": "include", "in": "query", "required": false,
                "description": format!("Embed related resources in each item, comma-separated: {}. Trim them with `fields[name]=a,b`.", names.join(", ")),
                "schema": {"type": "string", "minLength": 1},
                "example": names[0],
            }));
        }
        if list.search.is_some() {
            parameters.push(json!({
                "name": "q", "in": "query", "required": false,
                "description": "Full-text search: words (all must match), \"quoted phrases\", prefixes (`mass*`), exclusions (`-sciatica`) and `OR` between two terms. Results come best first unless `sort` is given.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                "example": "deep tissue",
            }));
        }
        for filter in list.filters {
            let ops: Vec<&str> = filter.ops.iter().map(|op| op.name()).collect();
            let kind = match filter.kind {
                FilterKind::Slug => "a slug".to_string(),
                FilterKind::Bool => "true or false".to_string(),
                FilterKind::OneOf(values) => format!("one of {}", values.join(", ")),
                FilterKind::Time => "an RFC 3339 time or a date".to_string(),
                FilterKind::Int => "an integer".to_string(),
            };
            let preview =
                if filter.preview_only { " Only with a token (the public sees published content only)." } else { "" };
            let name = format!("filter[{}]", filter.name);
            parameters.push(json!({
                "name": name, "in": "query", "required": false,
                "description": format!("Filter on `{}`: {kind}. Operators: {} (`filter[{}][op]=value`; `in` takes a comma-separated list).{preview}", filter.name, ops.join(", "), filter.name),
                "schema": {"type": "string"},
            }));
        }
        let Some(existing) =
            spec.pointer_mut(&format!("/paths/{}/get/parameters", escape(path))).and_then(Value::as_array_mut)
        else {
            continue;
        };
        for parameter in parameters {
            if !existing.iter().any(|p| p["name"] == parameter["name"]) {
                existing.push(parameter);
            }
        }
    }
    let detail = &crate::posts::handler::DETAIL;
    if let Some(existing) = spec.pointer_mut("/paths/~1v1~1posts~1{slug}/get/parameters").and_then(Value::as_array_mut)
    {
        let names: Vec<&str> = detail.includes.iter().map(|i| i.name).collect();
        existing.push(json!({"name": "fields", "in": "query", "required": false,
            "description": format!("Only these fields, comma-separated: {}.", detail.fields.join(", ")),
            "schema": {"type": "string", "minLength": 1}, "example": "title,sections"}));
        existing.push(json!({"name": "include", "in": "query", "required": false,
            "description": format!("Embed related resources: {}. Trim them with `fields[name]=a,b`.", names.join(", ")),
            "schema": {"type": "string", "minLength": 1}, "example": "faqs"}));
    }
}

/// Answers any route may give because of how it was asked, not what it does: a URL over the
/// limit (414) and too many requests (429, with `Retry-After`).
fn delivery_errors(spec: &mut Value) {
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    spec["components"]["responses"]["TooManyRequests"] = json!({
        "description": "Too many requests from this client for this kind of route; `Retry-After` says when to try again.",
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        "content": {"application/problem+json": {"schema": problem.clone(), "example": {
            "type": "/problems/too-many-requests", "title": "Too Many Requests", "status": 429,
            "detail": "Too many requests: the limit is 120 a minute for this kind of request. Retry after 1 s.",
            "instance": "/v1/search", "code": "too-many-requests", "request_id": "3f9a1c2b7d4e8f60", "errors": []}}}
    });
    spec["components"]["responses"]["UriTooLong"] = json!({
        "description": "The URL is longer than 8 KiB.",
        "content": {"application/problem+json": {"schema": problem.clone()}}
    });
    spec["components"]["responses"]["HeadersTooLarge"] = json!({
        "description": "The request headers are larger than 16 KiB.",
        "content": {"application/problem+json": {"schema": problem}}
    });
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.insert("414".into(), json!({"$ref": "#/components/responses/UriTooLong"}));
                responses.insert("431".into(), json!({"$ref": "#/components/responses/HeadersTooLarge"}));
                responses.insert("429".into(), json!({"$ref": "#/components/responses/TooManyRequests"}));
            }
        }
    }
}

/// Routes that never touch the database, so never answer 503.
const WITHOUT_DATABASE: &[&str] = &["/healthz", "/openapi.json", "/metrics"];

/// Every route that reads or writes the database may find it busy (another process holding
/// the write lock, every pooled connection in use): a 503 with `Retry-After`.
fn busy_errors(spec: &mut Value) {
    let retry_after = json!({"Retry-After": {
        "description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 1}}});
    if let Some(unavailable) = spec.pointer_mut("/components/responses/Unavailable") {
        unavailable["headers"] = retry_after;
    }
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        if WITHOUT_DATABASE.contains(&path.as_str()) {
            continue;
        }
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.insert("503".into(), json!({"$ref": "#/components/responses/Unavailable"}));
            }
        }
    }
}

/// With `fields` (and `fields[name]`), items come without the fields left out, so a 200 from
/// an operation that takes `fields` is either the full envelope or its sparse twin: the same
/// schemas with nothing required.
fn sparse_responses(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object().cloned() else { return };
    let mut wanted: Vec<String> = Vec::new();
    for (path, item) in &paths {
        let Some(get) = item.get("get") else { continue };
        let takes_fields = get["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "fields"));
        let Some(reference) =
            get.pointer("/responses/200/content/application~1json/schema/$ref").and_then(Value::as_str)
        else {
            continue;
        };
        if !takes_fields {
            continue;
        }
        let name = reference.rsplit('/').next().unwrap_or_default().to_string();
        let sparse = format!("{name}Sparse");
        wanted.push(name);
        spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
            json!({"anyOf": [{"$ref": reference}, {"$ref": format!("#/components/schemas/{sparse}")}]});
    }
    // Sparse copies of the envelopes and, one level down, of the schemas they refer to.
    let mut made: Vec<String> = Vec::new();
    while let Some(name) = wanted.pop() {
        if made.contains(&name) {
            continue;
        }
        made.push(name.clone());
        let Some(mut schema) = spec["components"]["schemas"].get(&name).cloned() else { continue };
        let envelope = schema.pointer("/properties/data").is_some();
        if let Some(object) = schema.as_object_mut() {
            if !envelope {
                object.remove("required");
            }
            if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
                for (key, property) in properties.iter_mut() {
                    let target = property
                        .pointer("/items/$ref")
                        .or_else(|| property.get("$ref"))
                        .and_then(Value::as_str)
                        .map(|r| r.rsplit('/').next().unwrap_or_default().to_string());
                    let Some(target) = target else { continue };
                    let sparse_items = if envelope {
                        key == "data"
                    } else {
                        ["Faq", "Condition", "PostCitation"].contains(&target.as_str())
                    };
                    if !sparse_items {
                        continue;
                    }
                    let sparse_ref = json!(format!("#/components/schemas/{target}Sparse"));
                    if property.pointer("/items/$ref").is_some() {
                        property["items"]["$ref"] = sparse_ref;
                    } else {
                        property["$ref"] = sparse_ref;
                    }
                    wanted.push(target);
                }
            }
        }
        spec["components"]["schemas"][format!("{name}Sparse")] = schema;
    }
}

/// What receivers get (OpenAPI 3.1 `webhooks`), so they can generate types for it.
fn webhook_payload(spec: &mut Value) {
    let header = |name: &str, description: &str, example: Value| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}, "example": example})
    };
    spec["webhooks"] = json!({
        "contentEvent": {
            "post": {
                "tags": ["webhooks"],
                "operationId": "receiveContentEvent",
                "security": [{}],
                "summary": "A content event, POSTed to each subscribed URL",
                "description": "Sent when content the public can see is published, updated, unpublished or deleted \
                    (and `ping` on request), signed as Standard Webhooks (standardwebhooks.com). To verify: \
                    base64-decode the secret after `whsec_`, compute HMAC-SHA256 of \
                    `{webhook-id}.{webhook-timestamp}.{raw body}`, base64 it and compare (in constant time) with \
                    the value after `v1,` in `webhook-signature`; reject timestamps more than 5 minutes away. \
                    Events of one subscription arrive one at a time, in order; a failed delivery is retried with \
                    exponential back-off, so drop duplicates by `webhook-id`.",
                "parameters": [
                    header("webhook-id", "The event's id: the same on every retry.", json!("evt_3q2k9x0d7m1b5c8a4e6f")),
                    header("webhook-timestamp", "Unix seconds when this attempt was signed.", json!("1764055200")),
                    header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 signature.",
                        json!("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")),
                ],
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/WebhookEvent"}}}},
                "responses": {"2XX": {"description": "Received. Any other status, or no answer within the timeout, is retried."}}
            }
        }
    });
}
