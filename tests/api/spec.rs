//! A small, strict JSON Schema checker for the subset of OpenAPI 3.1 schema keywords that
//! utoipa generates here. An unknown keyword fails the check instead of passing silently, and
//! an object property the schema does not declare is an error, so the documented types cannot
//! drift from what the server really sends.

use actix_web::http::Method;
use serde_json::Value;

use crate::helpers::TestResponse;

const ANNOTATIONS: &[&str] = &["description", "example", "examples", "format", "title", "default", "deprecated"];

fn resolve<'a>(spec: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("external $ref {reference}"));
    spec.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref {reference}"))
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        other => panic!("unknown JSON Schema type {other}"),
    }
}

/// Appends every violation of `schema` by `value` (at JSON path `at`) to `errors`.
pub fn validate(spec: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        panic!("schema at {at} is not an object: {schema}");
    };
    for (keyword, argument) in schema {
        match keyword.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => validate(spec, resolve(spec, argument.as_str().unwrap()), value, at, errors),
            "type" => {
                let names: Vec<&str> = match argument {
                    Value::String(name) => vec![name.as_str()],
                    Value::Array(names) => names.iter().map(|n| n.as_str().unwrap()).collect(),
                    other => panic!("bad type {other}"),
                };
                if !names.iter().any(|name| type_matches(name, value)) {
                    errors.push(format!("{at}: expected {names:?}, got {value}"));
                }
            }
            "enum" => {
                if !argument.as_array().unwrap().contains(value) {
                    errors.push(format!("{at}: {value} is not one of {argument}"));
                }
            }
            "oneOf" => {
                let matching = argument
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|option| {
                        let mut option_errors = Vec::new();
                        validate(spec, option, value, at, &mut option_errors);
                        option_errors.is_empty()
                    })
                    .count();
                if matching != 1 {
                    errors.push(format!("{at}: {matching} of oneOf {argument} match {value}"));
                }
            }
            "anyOf" => {
                let any = argument.as_array().unwrap().iter().any(|option| {
                    let mut option_errors = Vec::new();
                    validate(spec, option, value, at, &mut option_errors);
                    option_errors.is_empty()
                });
                if !any {
                    errors.push(format!("{at}: none of anyOf {argument} matches {value}"));
                }
            }
            "allOf" => {
                for option in argument.as_array().unwrap() {
                    validate(spec, option, value, at, errors);
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in argument.as_array().unwrap() {
                        if !object.contains_key(name.as_str().unwrap()) {
                            errors.push(format!("{at}: missing required {name}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(object) = value.as_object() {
                    let declared = argument.as_object().unwrap();
                    for (name, field) in object {
                        match declared.get(name) {
                            Some(field_schema) => validate(spec, field_schema, field, &format!("{at}.{name}"), errors),
                            None => errors.push(format!("{at}: property '{name}' is not in the schema")),
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let (Some(object), false) = (value.as_object(), schema.contains_key("properties")) {
                    for (name, field) in object {
                        if argument.is_object() {
                            validate(spec, argument, field, &format!("{at}.{name}"), errors);
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        validate(spec, argument, item, &format!("{at}[{i}]"), errors);
                    }
                }
            }
            "minimum" => {
                if let Some(n) = value.as_f64() {
                    if n < argument.as_f64().unwrap() {
                        errors.push(format!("{at}: {n} is below the minimum {argument}"));
                    }
                }
            }
            "maximum" => {
                if let Some(n) = value.as_f64() {
                    if n > argument.as_f64().unwrap() {
                        errors.push(format!("{at}: {n} is above the maximum {argument}"));
                    }
                }
            }
            other => panic!("the test's schema checker does not understand the keyword '{other}' (at {at})"),
        }
    }
}

/// The spec's path template for a concrete path (`/v1/posts/x` → `/v1/posts/{slug}`).
pub fn template_for<'a>(spec: &'a Value, path: &str) -> Option<&'a str> {
    let path = path.split('?').next().unwrap();
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    let segments: Vec<&str> = path.split('/').collect();
    let paths = spec["paths"].as_object().unwrap();
    let mut candidates: Vec<&str> = paths
        .keys()
        .map(String::as_str)
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| part == segment || (part.starts_with('{') && !segment.is_empty()))
        })
        .collect();
    // A literal segment beats a parameter.
    candidates.sort_by_key(|template| template.matches('{').count());
    candidates.first().copied()
}

/// Checks a response against what the spec documents for its operation.
pub fn check_response(spec: &Value, method: &Method, path: &str, response: &TestResponse) {
    if *method == Method::OPTIONS {
        return; // CORS preflights are HTTP plumbing, not API operations.
    }
    let Some(template) = template_for(spec, path) else {
        // Not an API route: only errors are expected there, and they must be problem documents.
        assert!(
            response.status.is_client_error(),
            "{method} {path} answered {} but is not in the spec",
            response.status
        );
        assert_eq!(response.content_type(), "application/problem+json", "{method} {path}");
        return;
    };
    let operation_method = if *method == Method::HEAD { "get".to_string() } else { method.as_str().to_lowercase() };
    let Some(operation) = spec["paths"][template].get(&operation_method) else {
        // The route exists for other methods: this must be a 405 problem.
        assert_eq!(response.status.as_u16(), 405, "{method} {path}");
        assert_eq!(response.content_type(), "application/problem+json");
        return;
    };
    let status = response.status.as_str();
    let Some(mut documented) = operation["responses"].get(status) else {
        panic!("{method} {path} answered {status}, which the spec does not document for {template}");
    };
    if let Some(reference) = documented.get("$ref") {
        documented = resolve(spec, reference.as_str().unwrap());
    }
    let Some(content) = documented.get("content").and_then(Value::as_object) else {
        assert!(response.body.is_empty(), "{method} {path} {status}: the spec documents no body");
        return;
    };
    if *method == Method::HEAD {
        assert!(response.body.is_empty(), "HEAD {path} sent a body");
        return;
    }
    let content_type = response.content_type();
    let Some(media) = content.get(content_type) else {
        panic!("{method} {path} {status}: content type '{content_type}' is not documented ({:?})", content.keys());
    };
    if response.header("content-encoding").is_some() || !content_type.contains("json") {
        return; // Compressed bodies are checked decompressed by their own tests; non-JSON has no schema here.
    }
    let value: Value = serde_json::from_slice(&response.body).expect("JSON body");
    let mut errors = Vec::new();
    validate(spec, &media["schema"], &value, "$", &mut errors);
    if sparse(path) {
        // Sparse fieldsets (`fields=`, `fields[name]=`) leave out fields the schema requires.
        errors.retain(|error| !error.contains(": missing required "));
    }
    assert!(errors.is_empty(), "{method} {path} {status} violates the spec:\n{}", errors.join("\n"));
}

/// Does the request ask for sparse fields (`fields` or `fields[...]`, in any encoding)?
fn sparse(path: &str) -> bool {
    let Some((_, query)) = path.split_once('?') else {
        return false;
    };
    form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "fields" || name.starts_with("fields["))
}
