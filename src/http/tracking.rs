//! Analytics tags on shared links (`?utm_source=newsletter`, `fbclid`, `gclid`, ...) are not
//! parameters of the API: they are dropped from the query string before anything reads it, so
//! they change neither the answer, nor the cache key, nor what a cursor is bound to. Every other
//! unknown parameter stays a 400. The list is exact names, not prefixes, and is documented in the
//! spec's description (`IGNORED`).

/// The ignored names, as the API description lists them.
pub const IGNORED: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "utm_source_platform",
    "utm_creative_format",
    "utm_marketing_tactic",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "yclid",
    "srsltid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
];

fn is_ignored(pair: &str) -> bool {
    let name = pair.split_once('=').map_or(pair, |(name, _)| name);
    IGNORED.contains(&name)
}

/// The query string without the ignored parameters, or `None` when it has none (the usual
/// case, which allocates nothing). Names are compared as sent: `utm%5Fsource` is not ignored.
pub fn without_ignored(query: &str) -> Option<String> {
    if !query.split('&').any(is_ignored) {
        return None;
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !is_ignored(pair)).collect();
    Some(kept.join("&"))
}

#[cfg(test)]
mod tests {
    use super::without_ignored;

    #[test]
    fn only_the_listed_names_are_dropped_and_the_rest_keeps_its_order() {
        assert_eq!(without_ignored("page=2&sort=title"), None);
        assert_eq!(without_ignored("utm_source=news&page=2&fbclid=x&sort=title").as_deref(), Some("page=2&sort=title"));
        assert_eq!(without_ignored("gclid").as_deref(), Some(""));
        assert_eq!(without_ignored("utm_sourcex=1&utm%5Fsource=1"), None);
    }
}
