//! The query strings of routes that take their own few parameters rather than the list
//! language (`list_query`): each parameter at most once, and one wording for the usual mistakes.

use crate::error::FieldError;

/// Visits the parameters of `query_string` in order, each once, and returns every problem:
/// stray `&`s are passed over, a parameter given again is "given more than once" (and not
/// visited), and whatever `visit` finds wrong with a parameter is kept in its place.
pub fn each_once(query_string: &str, mut visit: impl FnMut(&str, &str) -> Result<(), FieldError>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (param, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if param.is_empty() && value.is_empty() {
            continue;
        }
        if seen.iter().any(|p| *p == param) {
            errors.push(FieldError::new(param.as_ref(), "is given more than once"));
            continue;
        }
        seen.push(param.to_string());
        if let Err(error) = visit(&param, &value) {
            errors.push(error);
        }
    }
    errors
}

/// At most 60 characters of what the client sent, to quote it in a message.
pub fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

/// A count from 1 to `max`, written as plain digits.
pub fn limit(field: &str, value: &str, max: i64) -> Result<i64, FieldError> {
    match value.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) && !value.starts_with('+') => Ok(n),
        _ => Err(FieldError::new(field, format!("must be an integer from 1 to {max}, got '{}'", clip(value)))),
    }
}

/// A parameter the route does not take; `parameters` names those it does.
pub fn unknown(param: &str, parameters: &str) -> FieldError {
    FieldError::new(clip(param), format!("is not a parameter of this resource; parameters: {parameters}"))
}
