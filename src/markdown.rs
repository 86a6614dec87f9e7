//! Markdown to safe HTML and plain text.
//!
//! Raw HTML in the source is shown as text, never passed through, and links or images with a
//! scheme other than http, https, mailto or tel lose their target, so stored content cannot
//! carry a script to a client, whoever wrote it.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

const SAFE_SCHEMES: [&str; 4] = ["http:", "https:", "mailto:", "tel:"];

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    // A scheme is letters/digits/+-. before the first ':' that comes before any '/', '?' or '#'.
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme || SAFE_SCHEMES.iter().any(|scheme| lower.starts_with(scheme)) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to sanitised HTML and to plain text (blocks separated by blank lines).
pub fn render(markdown: &str) -> Rendered {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let events: Vec<Event<'_>> = events.collect();

    let mut html_out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut html_out, events.iter().cloned());
    Rendered { html: html_out, text: plain_text(&events) }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            // Every block ends a line; empty lines are dropped below.
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table,
            ) => text.push('\n'),
            _ => {}
        }
    }
    // Blocks separated by exactly one blank line.
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("\n\n")
}

pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Minutes to read `words` at 230 words a minute, rounded up, at least 1.
pub fn reading_time_minutes(words: usize) -> i32 {
    const WORDS_PER_MINUTE: usize = 230;
    words.div_ceil(WORDS_PER_MINUTE).max(1) as i32
}

/// A URL- and id-safe slug from a heading: "What the evidence shows" → "what-the-evidence-shows".
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_not_passed_through() {
        let rendered = render("Hello <script>alert(1)</script> **there**\n\n<img src=x onerror=alert(1)>");
        assert!(!rendered.html.contains("<script"), "{}", rendered.html);
        assert!(!rendered.html.contains("<img"), "{}", rendered.html);
        assert!(rendered.html.contains("&lt;script&gt;"));
        assert!(rendered.html.contains("<strong>there</strong>"));
    }

    #[test]
    fn unsafe_link_schemes_are_dropped() {
        let html = render(
            "[a](javascript:alert(1)) [b](JavaScript:x) [c](https://ok.example/x) [d](/rel) [e](data:text/html,x)",
        )
        .html;
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://ok.example/x\""));
        assert!(html.contains("href=\"/rel\""));
    }

    #[test]
    fn plain_text_separates_blocks() {
        let text = render("One *two*.\n\n- a\n- b\n\nThree [link](https://x.example).").text;
        assert_eq!(text, "One two.\n\na\n\nb\n\nThree link.");
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_minutes(0), 1);
        assert_eq!(reading_time_minutes(230), 1);
        assert_eq!(reading_time_minutes(231), 2);
    }

    #[test]
    fn slugify_headings() {
        assert_eq!(slugify("What the evidence shows"), "what-the-evidence-shows");
        assert_eq!(slugify("Is it worth it? Yes!"), "is-it-worth-it-yes");
    }
}
