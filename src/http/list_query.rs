//! The strict query-string parser shared by every list endpoint.
//!
//! Each resource declares the filters it accepts once (a `ListSpec`); anything else in the
//! query string (an unknown parameter, an unknown filter, an operator other than those allowed,
//! a malformed or repeated value) is a 400 that names the parameter and lists what is allowed.
//! Every problem in the query is reported at once.

use utoipa::IntoParams;

use super::pagination::{PageRequest, MAX_PER_PAGE};
use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// A slug of a related resource.
    Slug,
    Bool,
    /// One of a fixed set of values.
    OneOf(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct FilterSpec {
    pub name: &'static str,
    pub kind: FilterKind,
}

/// What a list endpoint accepts besides `page` and `per_page`.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    pub filters: &'static [FilterSpec],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    Text(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: &'static str,
    pub value: FilterValue,
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: PageRequest,
    pub filters: Vec<Filter>,
}

/// `page` and `per_page`, as documented in the OpenAPI spec (parsing is done by `ListQuery`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageParams {
    /// The page number, from 1.
    #[param(minimum = 1, default = 1, example = 1)]
    page: Option<i64>,
    /// Items per page, from 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20, example = 20)]
    per_page: Option<i64>,
}

const SLUG_MAX: usize = 100;

fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= SLUG_MAX
        && value
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn parse_positive(field: &str, value: &str, max: Option<i64>) -> Result<i64, FieldError> {
    let message = match max {
        Some(max) => format!("must be an integer from 1 to {max}"),
        None => "must be an integer of at least 1".to_string(),
    };
    match value.parse::<i64>() {
        Ok(n) if n >= 1 && max.is_none_or(|max| n <= max) => Ok(n),
        _ => Err(FieldError::new(field, format!("{message}, got '{value}'"))),
    }
}

impl ListSpec {
    fn allowed_parameters(&self) -> String {
        let mut names = vec!["page".to_string(), "per_page".to_string()];
        names.extend(self.filters.iter().map(|f| format!("filter[{}]", f.name)));
        names.join(", ")
    }

    fn filter_names(&self) -> String {
        if self.filters.is_empty() {
            return "none".to_string();
        }
        let names: Vec<String> = self.filters.iter().map(|f| format!("filter[{}]", f.name)).collect();
        names.join(", ")
    }

    fn parse_filter_value(spec: &FilterSpec, param: &str, raw: &str) -> Result<FilterValue, FieldError> {
        match spec.kind {
            FilterKind::Slug if is_slug(raw) => Ok(FilterValue::Text(raw.to_string())),
            FilterKind::Slug => Err(FieldError::new(
                param,
                format!("must be a slug (lower-case letters, digits and single hyphens), got '{raw}'"),
            )),
            FilterKind::Bool => match raw {
                "true" => Ok(FilterValue::Bool(true)),
                "false" => Ok(FilterValue::Bool(false)),
                _ => Err(FieldError::new(param, format!("must be true or false, got '{raw}'"))),
            },
            FilterKind::OneOf(values) if values.contains(&raw) => Ok(FilterValue::Text(raw.to_string())),
            FilterKind::OneOf(values) => {
                Err(FieldError::new(param, format!("must be one of {}, got '{raw}'", values.join(", "))))
            }
        }
    }
}

/// Splits `filter[name]` or `filter[name][op]` into (name, op).
fn filter_parts(param: &str) -> Option<(&str, Option<&str>)> {
    let inner = param.strip_prefix("filter[")?;
    let (name, rest) = inner.split_once(']')?;
    if rest.is_empty() {
        return Some((name, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some((name, Some(op)))
}

impl ListQuery {
    pub fn parse(query_string: &str, spec: &ListSpec) -> Result<ListQuery, ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut page = PageRequest::default();
        let mut filters = Vec::new();

        for (param, value) in form_urlencoded::parse(query_string.as_bytes()) {
            if param.is_empty() && value.is_empty() {
                continue; // a stray '&'
            }
            if seen.contains(&param.to_string()) {
                errors.push(FieldError::new(param.as_ref(), "is given more than once"));
                continue;
            }
            seen.push(param.to_string());
            match param.as_ref() {
                "page" => match parse_positive("page", &value, None) {
                    Ok(n) => page.page = n,
                    Err(error) => errors.push(error),
                },
                "per_page" => match parse_positive("per_page", &value, Some(MAX_PER_PAGE)) {
                    Ok(n) => page.per_page = n,
                    Err(error) => errors.push(error),
                },
                other => match filter_parts(other) {
                    Some((name, op)) => match spec.filters.iter().find(|f| f.name == name) {
                        None => errors.push(FieldError::new(
                            other,
                            format!("is not a filter of this list; filters: {}", spec.filter_names()),
                        )),
                        Some(_) if op.is_some_and(|op| op != "eq") => errors.push(FieldError::new(
                            other,
                            format!("the operator '{}' is not supported; operators: eq", op.unwrap_or_default()),
                        )),
                        Some(filter) => match ListSpec::parse_filter_value(filter, other, &value) {
                            Ok(value) => filters.push(Filter { field: filter.name, value }),
                            Err(error) => errors.push(error),
                        },
                    },
                    None => errors.push(FieldError::new(
                        other,
                        format!("is not a parameter of this list; parameters: {}", spec.allowed_parameters()),
                    )),
                },
            }
        }

        if errors.is_empty() {
            return Ok(ListQuery { page, filters });
        }
        let detail = if errors.len() == 1 {
            format!("The parameter '{}' {}.", errors[0].field, errors[0].message)
        } else {
            format!(
                "{} query parameters are invalid: {}.",
                errors.len(),
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", ")
            )
        };
        Err(ApiError::BadRequest { detail, errors })
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.filters.iter().find_map(|f| match (&f.value, f.field == field) {
            (FilterValue::Text(value), true) => Some(value.as_str()),
            _ => None,
        })
    }

    pub fn boolean(&self, field: &str) -> Option<bool> {
        self.filters.iter().find_map(|f| match (&f.value, f.field == field) {
            (FilterValue::Bool(value), true) => Some(*value),
            _ => None,
        })
    }

    /// The filters re-encoded in a canonical order, for pagination links.
    pub fn filters_query(&self) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for filter in &self.filters {
            let value = match &filter.value {
                FilterValue::Text(text) => text.clone(),
                FilterValue::Bool(flag) => flag.to_string(),
            };
            serializer.append_pair(&format!("filter[{}]", filter.field), &value);
        }
        serializer.finish()
    }
}
