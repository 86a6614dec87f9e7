//! Highlights and snippets cut from a text by which of its words matched, for PostgreSQL, whose
//! `ts_headline` marks the matches but would parse the text itself (with the server's locale):
//! it is given `words_only(text)`, which has the text's words at the same character positions,
//! and the marks it returns are carried back onto the text as written. The output is FTS5's:
//! matches between U+0002 and U+0003 (made `<mark>` after escaping), `…` where text is left out.

use crate::http::search_terms::words_only;

/// What `ts_headline` is told to put around a match: characters `words_only` never leaves.
pub const START: char = '[';
pub const STOP: char = ']';

/// The byte ranges of the text's words (runs of letters and digits), in order.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, text.len()));
    }
    spans
}

/// For each word of `text`, whether `highlighted` (`words_only(text)` with START/STOP around
/// matches) marked any of it; none if `highlighted` is not that text.
fn matched(text: &str, highlighted: &str) -> Vec<bool> {
    let spans = word_spans(text);
    let cleaned: Vec<char> = words_only(text).chars().collect();
    let mut marked = Vec::with_capacity(cleaned.len());
    let mut inside = false;
    for c in highlighted.chars() {
        match c {
            START => inside = true,
            STOP => inside = false,
            c if cleaned.get(marked.len()) == Some(&c) => marked.push(inside),
            _ => return vec![false; spans.len()],
        }
    }
    if marked.len() != cleaned.len() {
        return vec![false; spans.len()];
    }
    // Character index of each byte offset, to read the marks of a word's characters.
    let char_at: std::collections::HashMap<usize, usize> =
        text.char_indices().enumerate().map(|(index, (at, _))| (at, index)).collect();
    spans
        .iter()
        .map(|(from, to)| {
            let first = char_at[from];
            let count = text[*from..*to].chars().count();
            marked[first..first + count].iter().any(|m| *m)
        })
        .collect()
}

/// The words from `first` to `last` (inclusive) with the matched ones marked; `from`/`to` are
/// where the text starts and ends around them.
fn marked_range(text: &str, spans: &[(usize, usize)], hits: &[bool], from: usize, to: usize) -> String {
    let mut out = String::new();
    let mut at = from;
    for ((start, end), hit) in spans.iter().zip(hits) {
        if *end <= from || *start >= to {
            continue;
        }
        out.push_str(&text[at..*start]);
        if *hit {
            out.push('\u{2}');
            out.push_str(&text[*start..*end]);
            out.push('\u{3}');
        } else {
            out.push_str(&text[*start..*end]);
        }
        at = *end;
    }
    out.push_str(&text[at..to.max(at)]);
    out
}

/// The whole text, its matches marked (FTS5's `highlight`).
pub fn highlight(text: &str, highlighted: &str) -> String {
    let spans = word_spans(text);
    let hits = matched(text, highlighted);
    marked_range(text, &spans, &hits, 0, text.len())
}

/// `words` words around the best matches (FTS5's `snippet`: the window with the most distinct
/// matched words, centred on them), `…` for what is left out before and after.
pub fn snippet(text: &str, highlighted: &str, words: usize) -> String {
    let spans = word_spans(text);
    let hits = matched(text, highlighted);
    if spans.len() <= words {
        return marked_range(text, &spans, &hits, 0, text.len());
    }
    let lower: Vec<String> = spans.iter().map(|(from, to)| text[*from..*to].to_lowercase()).collect();
    let mut best = (0, 0usize);
    for (position, _) in hits.iter().enumerate().filter(|(_, hit)| **hit) {
        let end = (position + words).min(spans.len());
        let inside: Vec<usize> = (position..end).filter(|i| hits[*i]).collect();
        let mut seen: Vec<&str> = Vec::new();
        let mut score = 0;
        for i in &inside {
            if seen.contains(&lower[*i].as_str()) {
                score += 1;
            } else {
                seen.push(&lower[*i]);
                score += 1000;
            }
        }
        // As FTS5's fts5SnippetScore: the matches' span [first, end) centred in the window.
        let (first, end) = (inside[0], inside[inside.len() - 1] + 1);
        let start = first.saturating_sub((words - (end - first)) / 2).min(spans.len() - words);
        if score > best.0 {
            best = (score, start);
        }
    }
    let start = best.1;
    let end = start + words;
    let from = if start == 0 { 0 } else { spans[start].0 };
    let to = if end == spans.len() { text.len() } else { spans[end - 1].1 };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&marked_range(text, &spans, &hits, from, to));
    if end < spans.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{highlight, snippet};

    #[test]
    fn marks_land_on_the_words_as_written() {
        let text = "Deep—tissue “massage”, it’s said.";
        let from_postgres = "Deep [tissue]  [massage]   it s said ";
        assert_eq!(highlight(text, from_postgres), "Deep—\u{2}tissue\u{3} “\u{2}massage\u{3}”, it’s said.");
    }

    #[test]
    fn output_that_is_not_the_text_marks_nothing() {
        assert_eq!(highlight("café au lait", "[something] else"), "café au lait");
    }

    #[test]
    fn snippets_centre_on_the_matches_with_ellipses() {
        let text: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let text = text.join(" ") + ".";
        let highlighted = text.replace("w30", "[w30]").replace('.', " ");
        let cut = snippet(&text, &highlighted, 10);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("\u{2}w30\u{3}"), "{cut}");
        assert_eq!(cut.split(' ').count(), 10, "{cut}");
        // Nothing matched in the body: its start.
        let start = snippet(&text, &text.replace('.', " "), 10);
        assert!(start.starts_with("w0 w1") && start.ends_with("w9…"), "{start}");
        // Short enough: all of it.
        assert_eq!(snippet("A short one.", "A [short] one ", 10), "A \u{2}short\u{3} one.");
    }
}
