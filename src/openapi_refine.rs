//! Refinements to the generated document that are rules across many operations, applied once
//! here instead of repeated on each handler: JSON merge patch bodies derived from the input
//! schemas, the list parameters and the constraints the strict query parser enforces (slug
//! patterns, enums, lengths), from the routes' own list declarations.

use serde_json::{json, Value};

use crate::http::list_query::{DetailSpec, FilterKind, ListSpec};

const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// A route that takes the query language, and what it accepts.
#[derive(Clone, Copy)]
pub enum Listed {
    List(&'static str, &'static ListSpec),
    Detail(&'static str, &'static DetailSpec),
}

pub fn refine(spec: &mut Value, lists: &[Listed]) {
    document_query_language(spec, lists);
    sparse_responses(spec, &trimmable(lists));
    patch_bodies(spec);
    constrain_parameters(spec, lists);
    slug_patterns_in_inputs(spec);
    drop_unreferenced_inputs(spec);
    delivery_errors(spec);
    busy_errors(spec);
}

fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// `XPatch`: the schema of `XInput` with nothing required; a PATCH whose body is `XInput` is
/// given `XPatch` instead, as merge patch or JSON.
fn patch_bodies(spec: &mut Value) {
    let mut patched: Vec<(String, String)> = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let input = item
            .pointer("/patch/requestBody/content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().find_map(|media| media.pointer("/schema/$ref")))
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next());
        if let Some(input) = input {
            patched.push((path.clone(), input.to_string()));
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

/// What the query parser enforces, stated in the document: slugs' pattern, and each list's
/// filters by their kind (one of some values, or a slug).
fn constrain_parameters(spec: &mut Value, lists: &[Listed]) {
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let filters = lists.iter().find_map(|listed| match listed {
            Listed::List(listed, list) if listed == path => Some(list.filters),
            _ => None,
        });
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { continue };
            for parameter in parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                let kind = filters
                    .into_iter()
                    .flatten()
                    .find(|filter| name.strip_prefix("filter[").and_then(|n| n.strip_suffix(']')) == Some(filter.name))
                    .map(|filter| filter.kind);
                let schema = &mut parameter["schema"];
                match kind {
                    _ if name == "slug" => slug_schema(schema),
                    Some(FilterKind::Slug) => slug_schema(schema),
                    Some(FilterKind::OneOf(values)) => schema["enum"] = json!(values),
                    _ if name == "q" || name == "cursor" => schema["minLength"] = Value::from(1),
                    _ => {}
                }
            }
        }
    }
}

fn slug_schema(schema: &mut Value) {
    schema["pattern"] = Value::from(SLUG_PATTERN);
    schema["maxLength"] = Value::from(100);
}

fn slug_patterns_in_inputs(spec: &mut Value) {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else { return };
    for (name, schema) in schemas.iter_mut() {
        if !(name.ends_with("Input") || name.ends_with("Write") || name.ends_with("Patch")) {
            continue;
        }
        if let Some(slug) = schema.pointer_mut("/properties/slug") {
            slug_schema(slug);
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
/// declaration: sort keys, sparse fields, includes, search and every filter with its operators;
/// and a detail route's `fields` and `include`.
fn document_query_language(spec: &mut Value, lists: &[Listed]) {
    for listed in lists {
        let (path, list) = match *listed {
            Listed::List(path, list) => (path, list),
            Listed::Detail(path, detail) => {
                document_detail(spec, path, detail);
                continue;
            }
        };
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
}

fn document_detail(spec: &mut Value, path: &str, detail: &DetailSpec) {
    let pointer = format!("/paths/{}/get/parameters", escape(path));
    if let Some(existing) = spec.pointer_mut(&pointer).and_then(Value::as_array_mut) {
        let names: Vec<&str> = detail.includes.iter().map(|i| i.name).collect();
        existing.push(json!({"name": "fields", "in": "query", "required": false,
            "description": format!(
                "Only these fields, comma-separated: {}.{}",
                detail.fields.join(", "),
                if detail.fields.iter().any(|f| f.contains('.')) {
                    " A field `parent.child` keeps `parent` with only the children named (in each item of a list): \
                     `fields=title,sections.heading,sections.html` is the body in one form."
                } else {
                    ""
                }
            ),
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
        "description": "Too many requests for this kind of route (reads, searches, writes) from this client: its \
    address, or its token when the request carries a valid one (tokens have their own, larger budget; a malformed, \
    unknown or revoked token counts against the address). `Retry-After` says when to try again; every answer \
    carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`.",
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

/// Properties whose own fields a query may trim: includes with `fields[name]`, and the parents
/// of `parent.child` fields.
fn trimmable(lists: &[Listed]) -> Vec<&'static str> {
    let mut names = Vec::new();
    for listed in lists {
        let (fields, includes) = match listed {
            Listed::List(_, spec) => (spec.fields, spec.includes),
            Listed::Detail(_, spec) => (spec.fields, spec.includes),
        };
        names.extend(includes.iter().filter(|include| !include.fields.is_empty()).map(|include| include.name));
        names.extend(fields.iter().filter_map(|field| field.split_once('.')).map(|(parent, _)| parent));
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// With `fields` (and `fields[name]`), items come without the fields left out, so a 200 from
/// an operation that takes `fields` is either the full envelope or its sparse twin: the same
/// schemas with nothing required, and so are the `trimmable` properties' schemas.
fn sparse_responses(spec: &mut Value, trimmable: &[&str]) {
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
                    let sparse_items = if envelope { key == "data" } else { trimmable.contains(&key.as_str()) };
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
