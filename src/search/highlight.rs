//! Highlights and snippets for PostgreSQL's hits, cut as FTS5's `highlight` and `snippet` cut
//! them: matches between U+0002 and U+0003 (made `<mark>` after escaping), `…` where text is
//! left out. Which words matched comes from the hit's `tsvector` itself (each lexeme's word
//! positions) and the query's lexemes, so nothing is parsed or stemmed again: a word or prefix
//! marks each of its occurrences, a phrase only where its words stand in a row, as in FTS5.

use std::collections::{HashMap, HashSet};

/// Positions of a `tsvector`'s words (1-based, title then body) at which PostgreSQL stores none:
/// it keeps positions up to 16,383, and this one stands for every later word.
const LAST_POSITION: u32 = 16_383;

/// The lexemes of a `tsvector` in its text form (`'deep':1A,5B 'tissu':2`) with their positions.
pub fn lexemes(text: &str) -> HashMap<String, Vec<u32>> {
    let mut found = HashMap::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut lexeme = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    lexeme.push('\'');
                }
                '\'' => break,
                '\\' => lexeme.extend(chars.next()),
                c => lexeme.push(c),
            }
        }
        let mut positions = Vec::new();
        if chars.peek() == Some(&':') {
            chars.next();
            let mut number = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_digit() {
                    number.push(c);
                } else if c == ',' || c == ' ' {
                    positions.extend(number.parse::<u32>().ok());
                    number.clear();
                    if c == ' ' {
                        break;
                    }
                } else if !c.is_ascii_alphabetic() {
                    break;
                }
                chars.next();
            }
            positions.extend(number.parse::<u32>().ok());
        }
        found.insert(lexeme, positions);
    }
    found
}

/// One match: term `term` (its index in the query) at word `first` (0-based, of the title and
/// body's words in a row), `len` words long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    pub term: usize,
    pub first: usize,
    pub len: usize,
}

/// Where a document's words match the terms (each term is its words' lexemes in order, the last
/// one a prefix if the flag says so), in word order. A phrase matches only where its words stand
/// in a row.
pub fn matched(document: &HashMap<String, Vec<u32>>, terms: &[(Vec<String>, bool)]) -> Vec<Instance> {
    let positions_of = |lexeme: &str, prefix: bool| -> HashSet<u32> {
        if prefix {
            document.iter().filter(|(l, _)| l.starts_with(lexeme)).flat_map(|(_, p)| p.iter().copied()).collect()
        } else {
            document.get(lexeme).map(|p| p.iter().copied().collect()).unwrap_or_default()
        }
    };
    let mut found = Vec::new();
    for (term, (words, prefix)) in terms.iter().enumerate() {
        let last = words.len().saturating_sub(1);
        let at: Vec<HashSet<u32>> =
            words.iter().enumerate().map(|(i, word)| positions_of(word, *prefix && i == last)).collect();
        let Some(first) = at.first() else { continue };
        for start in first {
            let end = start + at.len() as u32 - 1;
            if end < LAST_POSITION && (1..at.len()).all(|i| at[i].contains(&(start + i as u32))) {
                found.push(Instance { term, first: *start as usize - 1, len: at.len() });
            }
        }
    }
    found.sort_by_key(|instance| (instance.first, instance.term));
    found
}

/// The instances within words `from..from + count`, renumbered from `from`.
pub fn within(instances: &[Instance], from: usize, count: usize) -> Vec<Instance> {
    instances
        .iter()
        .filter(|i| i.first >= from && i.first + i.len <= from + count)
        .map(|i| Instance { first: i.first - from, ..*i })
        .collect()
}

/// The byte ranges of the text's words (runs of letters and digits), in order.
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
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

/// The text from byte `from` to `to` with the instances marked, each (or a run of overlapping
/// ones) as one mark from its first word to its last, as FTS5 marks a phrase.
fn marked_range(text: &str, spans: &[(usize, usize)], instances: &[Instance], from: usize, to: usize) -> String {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for instance in instances {
        let Some(last) = spans.get(instance.first + instance.len - 1) else { continue };
        let (start, end) = (spans[instance.first].0, last.1);
        match marks.last_mut() {
            Some(mark) if start < mark.1 => mark.1 = mark.1.max(end),
            _ => marks.push((start, end)),
        }
    }
    let mut out = String::new();
    let mut at = from;
    for (start, end) in marks {
        if end <= from || start >= to {
            continue;
        }
        let (start, end) = (start.max(from), end.min(to));
        out.push_str(&text[at..start]);
        out.push('\u{2}');
        out.push_str(&text[start..end]);
        out.push('\u{3}');
        at = end;
    }
    out.push_str(&text[at..to.max(at)]);
    out
}

/// The whole text with its matches marked (FTS5's `highlight`).
pub fn highlight(text: &str, instances: &[Instance]) -> String {
    marked_range(text, &word_spans(text), instances, 0, text.len())
}

/// The words that start a sentence, as FTS5's snippet finds them: the first, and each one
/// after whitespace that follows a '.' or ':'.
fn sentence_starts(text: &str, spans: &[(usize, usize)]) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, (start, _)) in spans.iter().enumerate().skip(1) {
        let before = text[..*start].trim_end_matches([' ', '\t', '\n', '\r']);
        if before.len() < *start && (before.ends_with('.') || before.ends_with(':')) {
            starts.push(i);
        }
    }
    starts
}

/// FTS5's fts5SnippetScore: the score of the window of `words` words from `start` (1000 for
/// each term it has, 1 for each further match) and that window moved to centre its matches.
fn window_score(instances: &[Instance], start: usize, words: usize, total: usize) -> (u32, usize) {
    let mut seen = HashSet::new();
    let (mut score, mut first, mut last) = (0, None, 0);
    for instance in instances.iter().filter(|i| i.first >= start && i.first < start + words) {
        score += if seen.insert(instance.term) { 1000 } else { 1 };
        first.get_or_insert(instance.first);
        last = instance.first + instance.len;
    }
    let first = first.unwrap_or(start) as i64;
    let centred = first - (words as i64 - (last as i64 - first)) / 2;
    let centred = centred.min(total as i64 - words as i64).max(0);
    (score, centred as usize)
}

/// `words` words around the best matches, chosen as FTS5's `snippet` chooses them (the window
/// with the most terms, centred on them, or one starting at a sentence if that scores as well
/// with a bonus), `…` for what is left out before and after.
pub fn snippet(text: &str, instances: &[Instance], words: usize) -> String {
    let spans = word_spans(text);
    if spans.len() <= words {
        return marked_range(text, &spans, instances, 0, text.len());
    }
    let starts = sentence_starts(text, &spans);
    let (mut best_score, mut best_start) = (0, 0);
    for instance in instances {
        let (score, centred) = window_score(instances, instance.first, words, spans.len());
        if score > best_score {
            (best_score, best_start) = (score, centred);
        }
        let sentence = starts.iter().rev().find(|s| **s <= instance.first).copied().unwrap_or(0);
        if sentence < instance.first {
            let (score, _) = window_score(instances, sentence, words, spans.len());
            let score = score + if sentence == 0 { 120 } else { 100 };
            if score > best_score {
                (best_score, best_start) = (score, sentence);
            }
        }
    }
    let end = (best_start + words).min(spans.len());
    let from = if best_start == 0 { 0 } else { spans[best_start].0 };
    let to = if end == spans.len() { text.len() } else { spans[end - 1].1 };
    let mut out = String::new();
    if best_start > 0 {
        out.push('…');
    }
    out.push_str(&marked_range(text, &spans, instances, from, to));
    if end < spans.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{highlight, lexemes, matched, snippet, Instance};

    fn at(term: usize, first: usize, len: usize) -> Instance {
        Instance { term, first, len }
    }

    #[test]
    fn a_tsvectors_text_gives_each_lexeme_its_positions() {
        let document = lexemes("'deep':1A,5B 'it''s':3 'tissu':2A,6B 'x':7");
        assert_eq!(document["deep"], [1, 5]);
        assert_eq!(document["it's"], [3]);
        assert_eq!(document["tissu"], [2, 6]);
        assert_eq!(document["x"], [7]);
    }

    #[test]
    fn words_prefixes_and_phrases_match_as_in_fts5() {
        let document = lexemes("'deep':1,4 'tissu':2,9 'massag':3 'mass':8");
        let term = |words: &[&str], prefix| (words.iter().map(|w| w.to_string()).collect(), prefix);
        assert_eq!(matched(&document, &[term(&["deep"], false)]), [at(0, 0, 1), at(0, 3, 1)]);
        assert_eq!(matched(&document, &[term(&["mass"], true)]), [at(0, 2, 1), at(0, 7, 1)]);
        assert_eq!(matched(&document, &[term(&["deep", "tissu"], false)]), [at(0, 0, 2)], "the phrase only");
        assert_eq!(matched(&document, &[term(&["tissu", "mass"], true)]), [at(0, 1, 2)]);
    }

    #[test]
    fn a_phrase_is_one_mark_and_separate_terms_are_two() {
        let text = "Deep—tissue “massage”, it’s said.";
        assert_eq!(highlight(text, &[at(0, 0, 2)]), "\u{2}Deep—tissue\u{3} “massage”, it’s said.");
        assert_eq!(
            highlight(text, &[at(0, 1, 1), at(1, 2, 1)]),
            "Deep—\u{2}tissue\u{3} “\u{2}massage\u{3}”, it’s said."
        );
        assert_eq!(highlight("café au lait", &[]), "café au lait");
    }

    #[test]
    fn snippets_centre_on_the_matches_or_start_a_sentence_with_ellipses() {
        let text: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let text = text.join(" ");
        let cut = snippet(&text, &[at(0, 30, 1)], 10);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("\u{2}w30\u{3}"), "{cut}");
        assert_eq!(cut.split(' ').count(), 10, "{cut}");
        // A sentence that starts a little before the match is where the snippet starts.
        let sentences = text.replace("w27 ", "w27. ");
        assert!(snippet(&sentences, &[at(0, 30, 1)], 10).starts_with("…w28 w29 \u{2}w30"));
        // Nothing matched in the body: its start.
        let start = snippet(&text, &[], 10);
        assert!(start.starts_with("w0 w1") && start.ends_with("w9…"), "{start}");
        // Short enough: all of it.
        assert_eq!(snippet("A short one.", &[at(0, 1, 1)], 10), "A \u{2}short\u{3} one.");
    }
}
