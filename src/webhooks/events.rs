//! Event types and the patterns subscriptions choose them with.
//!
//! An event is `{kind}.{action}`. The actions describe what the public can see, since that is
//! what a site or an app shows: `published` (became visible: created public, published, or a
//! scheduled time came), `updated` (visible before and after, and its representation changed),
//! `unpublished` (visible before, not after) and `deleted` (deleted while visible). Changes to
//! drafts are never announced.

/// The resource kinds events are sent for.
pub const KINDS: &[&str] = &["post", "faq", "condition", "condition_category", "guidance", "tag", "citation", "site"];
pub const ACTIONS: &[&str] = &["published", "updated", "unpublished", "deleted"];
/// Sent by `POST /v1/webhooks/{id}/ping` whatever the subscription's patterns.
pub const PING: &str = "ping";

/// `*`, `{kind}.*` or `{kind}.{action}`.
pub fn is_valid_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((kind, action)) = pattern.split_once('.') else {
        return false;
    };
    KINDS.contains(&kind) && (action == "*" || ACTIONS.contains(&action))
}

pub fn matches(patterns: &[String], event_type: &str) -> bool {
    let kind = event_type.split('.').next().unwrap_or("");
    patterns
        .iter()
        .any(|pattern| pattern == "*" || pattern == event_type || pattern.strip_suffix(".*").is_some_and(|p| p == kind))
}

/// What a change means to the public, from whether the resource was visible before and after.
pub fn action(visible_before: bool, visible_after: bool, deleted: bool) -> Option<&'static str> {
    match (visible_before, visible_after, deleted) {
        (true, _, true) => Some("deleted"),
        (false, true, _) => Some("published"),
        (true, true, _) => Some("updated"),
        (true, false, _) => Some("unpublished"),
        (false, false, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_by_kind_and_action() {
        let patterns = vec!["post.published".to_string(), "faq.*".to_string()];
        assert!(matches(&patterns, "post.published"));
        assert!(!matches(&patterns, "post.updated"));
        assert!(matches(&patterns, "faq.deleted"));
        assert!(!matches(&patterns, "condition.updated"));
        assert!(!matches(&patterns, "faqx.updated"));
        assert!(matches(&["*".to_string()], "guidance.updated"));
        for valid in ["*", "post.*", "condition_category.deleted", "guidance.updated"] {
            assert!(is_valid_pattern(valid), "{valid}");
        }
        for invalid in ["", "post", "post.created", "*.published", "posts.*", "post.*.x", "ping"] {
            assert!(!is_valid_pattern(invalid), "{invalid}");
        }
    }

    #[test]
    fn drafts_are_never_announced() {
        assert_eq!(action(false, false, false), None);
        assert_eq!(action(false, false, true), None);
        assert_eq!(action(false, true, false), Some("published"));
        assert_eq!(action(true, true, false), Some("updated"));
        assert_eq!(action(true, false, false), Some("unpublished"));
        assert_eq!(action(true, false, true), Some("deleted"));
    }
}
