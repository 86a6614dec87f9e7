//! Deleting what other content refers to (a tag on posts, a citation backing claims, a category
//! with conditions): one rule for every resource. The delete is a 409 naming the referrers (the
//! first few by slug, and how many), unless it is sent with `?force=true` and every kind of
//! referrer can let go; the resource's `delete` then detaches them.

use super::params::clip;
use crate::error::{ApiError, FieldError};

/// How many referrers of each kind a refusal names.
pub const NAMED: i64 = 5;

/// The content of one kind that refers to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrers {
    /// One of them and several: `("post", "posts")`.
    pub noun: (&'static str, &'static str),
    pub count: i64,
    /// The first `NAMED` slugs, in order.
    pub first: Vec<String>,
    /// Why `?force=true` cannot detach them, when it cannot.
    pub fixed: Option<&'static str>,
}

impl Referrers {
    /// Referrers that `?force=true` detaches.
    pub fn detachable(noun: (&'static str, &'static str), count: i64, first: Vec<String>) -> Referrers {
        Referrers { noun, count, first, fixed: None }
    }

    /// "1 post (a)", "7 posts (a, b, c, d, e and 2 more)".
    fn describe(&self) -> String {
        let noun = if self.count == 1 { self.noun.0 } else { self.noun.1 };
        let mut named = self.first.join(", ");
        let rest = self.count - self.first.len() as i64;
        if rest > 0 {
            named.push_str(&format!(" and {rest} more"));
        }
        format!("{} {noun} ({named})", self.count)
    }
}

/// `?force=true` or `?force=false` (the default); a delete takes no other parameter.
pub fn parse_force(query_string: &str) -> Result<bool, ApiError> {
    let mut force = None;
    let mut errors = Vec::new();
    for (param, value) in form_urlencoded::parse(query_string.as_bytes()) {
        match (param.as_ref(), value.as_ref()) {
            ("", "") => {}
            ("force", _) if force.is_some() => errors.push(FieldError::new("force", "is given more than once")),
            ("force", "true") => force = Some(true),
            ("force", "false") => force = Some(false),
            ("force", other) => {
                force = Some(false);
                errors.push(FieldError::new("force", format!("must be true or false, got '{}'", clip(other))));
            }
            (other, _) => {
                errors.push(FieldError::new(clip(other), "is not a parameter of a delete; parameters: force"))
            }
        }
    }
    if errors.is_empty() {
        Ok(force.unwrap_or(false))
    } else {
        Err(ApiError::bad_params(errors))
    }
}

/// Whether `name` `slug` may be deleted: yes when nothing refers to it, or when `force` is set and
/// every kind of referrer can be detached; otherwise a 409 naming them and what to do.
pub fn check(name: &str, slug: &str, referrers: &[Referrers], force: bool) -> Result<(), ApiError> {
    let referrers: Vec<&Referrers> = referrers.iter().filter(|r| r.count > 0).collect();
    if referrers.is_empty() {
        return Ok(());
    }
    let fixed: Vec<String> = referrers
        .iter()
        .filter_map(|r| r.fixed.map(|why| format!("{} cannot be detached: {why}.", capitalised(r.noun.1))))
        .collect();
    if force && fixed.is_empty() {
        return Ok(());
    }
    let described: Vec<String> = referrers.iter().map(|r| r.describe()).collect();
    let what_to_do = if fixed.is_empty() {
        "Remove it from them first, or delete with ?force=true to detach it from them.".to_string()
    } else {
        fixed.join(" ")
    };
    Err(ApiError::Conflict(format!("The {name} '{slug}' is referred to by {}. {what_to_do}", and_list(&described))))
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts(count: i64) -> Referrers {
        let first = (1..=count.min(NAMED)).map(|n| format!("post-{n}")).collect();
        Referrers::detachable(("post", "posts"), count, first)
    }

    #[test]
    fn nothing_referring_or_a_forced_detach_may_go() {
        assert!(check("tag", "t", &[], false).is_ok());
        assert!(check("tag", "t", &[posts(0)], false).is_ok());
        assert!(check("tag", "t", &[posts(3)], true).is_ok());
    }

    #[test]
    fn a_refusal_names_the_first_referrers_and_counts_the_rest() {
        let faqs = Referrers::detachable(("FAQ entry", "FAQ entries"), 1, vec!["faq-1".into()]);
        let Err(ApiError::Conflict(detail)) = check("tag", "t", &[posts(7), faqs], false) else { panic!("a 409") };
        assert_eq!(
            detail,
            "The tag 't' is referred to by 7 posts (post-1, post-2, post-3, post-4, post-5 and 2 more) and \
             1 FAQ entry (faq-1). Remove it from them first, or delete with ?force=true to detach it from them."
        );
    }

    #[test]
    fn force_cannot_detach_what_is_fixed() {
        let conditions = Referrers {
            noun: ("condition", "conditions"),
            count: 2,
            first: vec!["a".into(), "b".into()],
            fixed: Some("each belongs to a category; move them to another one or delete them first"),
        };
        for force in [false, true] {
            let Err(ApiError::Conflict(detail)) = check("category", "c", &[conditions.clone(), posts(1)], force) else {
                panic!("a 409")
            };
            assert_eq!(
                detail,
                "The category 'c' is referred to by 2 conditions (a, b) and 1 post (post-1). Conditions cannot be \
                 detached: each belongs to a category; move them to another one or delete them first."
            );
        }
    }

    #[test]
    fn force_is_true_or_false_and_the_only_parameter() {
        assert!(!parse_force("").unwrap());
        assert!(parse_force("force=true").unwrap());
        assert!(!parse_force("force=false").unwrap());
        for bad in ["force=1", "force=true&force=true", "forced=true", "force=true&x=1"] {
            assert!(matches!(parse_force(bad), Err(ApiError::BadRequest { .. })), "{bad}");
        }
    }
}
