//! Turns what a person types into a safe FTS5 query: words (all must match), "quoted phrases",
//! prefixes (`mass*`), exclusions (`-sciatica`) and `OR` between two terms. Every term is
//! quoted for FTS5, so no input can be FTS5 syntax; input this grammar cannot read is an error
//! message for a 400.

const MAX_LENGTH: usize = 200;

/// PostgreSQL's text search configuration (migrations/postgres): English stemming without stop
/// words, accents folded, as SQLite's `porter unicode61 remove_diacritics 2` tokenizer.
pub const POSTGRES_CONFIG: &str = "clinic_content";

const MAX_TERMS: usize = 16;

#[derive(Debug, PartialEq, Eq)]
enum Term {
    Word { text: String, prefix: bool, negated: bool },
    Phrase { text: String, negated: bool },
    Or,
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn tokens(input: &str) -> Result<Vec<Term>, String> {
    let mut terms = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut phrase = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => phrase.push(c),
                    None => return Err("a quoted phrase is not closed: add the closing \"".into()),
                }
            }
            if !phrase.chars().any(char::is_alphanumeric) {
                return Err("a quoted phrase has no words in it".into());
            }
            terms.push(Term::Phrase { text: phrase, negated });
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        if word == "OR" && !negated {
            terms.push(Term::Or);
            continue;
        }
        let prefix = word.ends_with('*');
        let text: String = word.trim_end_matches('*').to_string();
        if text.contains('*') {
            return Err(format!("'*' may only end a word (as in mass*), not appear inside '{word}'"));
        }
        if !text.chars().any(char::is_alphanumeric) {
            if prefix || negated {
                return Err(format!("'{word}' has no letters or digits to search for"));
            }
            continue; // stray punctuation
        }
        terms.push(Term::Word { text, prefix, negated });
    }
    Ok(terms)
}

/// A readable `q` in both backends' query languages, and as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// For SQLite's FTS5 `MATCH`.
    pub fts: String,
    /// For PostgreSQL's `to_tsquery`: every operand a run of letters and digits, so no input
    /// can be tsquery syntax.
    pub tsquery: String,
    /// Each term that must or may match (not the excluded), as a tsquery of its own: what bm25
    /// adds up (`bm25`).
    pub tsquery_terms: Vec<String>,
    /// The same terms as their words, and whether the last is a prefix: what a hit highlights.
    pub term_words: Vec<(Vec<String>, bool)>,
    /// `q` as given.
    pub q: String,
}

/// What a match needs: every clause (one term, or an OR of terms), and none of the excluded.
struct Parsed {
    all: Vec<Vec<Term>>,
    none: Vec<Term>,
}

/// The words of a text as both backends index it: runs of letters and digits (SQLite's
/// unicode61 tokenizer); everything else separates them.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty())
}

/// The text with every character that is not a letter or a digit made a space, so that
/// PostgreSQL's parser finds exactly the words SQLite's does, character for character (in
/// the C locale it reads every non-ASCII character, dashes and curly quotes too, as a letter).
pub fn words_only(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect()
}

fn parse(input: &str) -> Result<Parsed, String> {
    if input.chars().count() > MAX_LENGTH {
        return Err(format!("must be at most {MAX_LENGTH} characters"));
    }
    if input.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    let terms = tokens(input)?;
    if terms.iter().filter(|t| !matches!(t, Term::Or)).count() > MAX_TERMS {
        return Err(format!("must have at most {MAX_TERMS} terms"));
    }
    let mut all: Vec<Vec<Term>> = Vec::new();
    let mut none: Vec<Term> = Vec::new();
    let mut pending_or = false;
    for term in terms {
        let negated = match &term {
            Term::Or => {
                if all.is_empty() || pending_or {
                    return Err("OR must stand between two terms".into());
                }
                pending_or = true;
                continue;
            }
            Term::Word { negated, .. } | Term::Phrase { negated, .. } => *negated,
        };
        if negated {
            if pending_or {
                return Err("OR cannot join an excluded term".into());
            }
            none.push(term);
        } else if pending_or {
            all.last_mut().expect("checked above").push(term);
            pending_or = false;
        } else {
            all.push(vec![term]);
        }
    }
    if pending_or {
        return Err("OR must stand between two terms".into());
    }
    if all.is_empty() {
        return Err(if none.is_empty() {
            "has no words to search for".into()
        } else {
            "needs at least one term that is not excluded".into()
        });
    }
    Ok(Parsed { all, none })
}

fn fts_term(term: &Term) -> String {
    match term {
        Term::Word { text, prefix, .. } => format!("{}{}", quote(text), if *prefix { "*" } else { "" }),
        Term::Phrase { text, .. } => quote(text),
        Term::Or => String::new(),
    }
}

/// A term's words in a row (`<->`), the last a prefix (`:*`) if the term is one.
fn tsquery_term(term: &Term) -> String {
    let (text, prefix) = match term {
        Term::Word { text, prefix, .. } => (text, *prefix),
        Term::Phrase { text, .. } => (text, false),
        Term::Or => return String::new(),
    };
    let words: Vec<&str> = words(text).collect();
    let last = words.len().saturating_sub(1);
    let rendered: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| format!("{word}{}", if prefix && i == last { ":*" } else { "" }))
        .collect();
    if rendered.len() == 1 {
        rendered.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", rendered.join(" <-> "))
    }
}

impl Parsed {
    fn render(&self, term: fn(&Term) -> String, and: &str, or: &str, not: &str) -> String {
        let clauses: Vec<String> = self
            .all
            .iter()
            .map(|clause| {
                let alternatives: Vec<String> = clause.iter().map(term).collect();
                if alternatives.len() == 1 {
                    alternatives.into_iter().next().unwrap_or_default()
                } else {
                    format!("({})", alternatives.join(or))
                }
            })
            .collect();
        let mut rendered = format!("({})", clauses.join(and));
        for excluded in &self.none {
            rendered.push_str(&format!("{not}{}", term(excluded)));
        }
        rendered
    }
}

/// `q` read in the grammar above, or why it cannot be searched.
pub fn parse_q(input: &str) -> Result<SearchTerms, String> {
    let parsed = parse(input)?;
    Ok(SearchTerms {
        fts: parsed.render(fts_term, " AND ", " OR ", " NOT "),
        tsquery: parsed.render(tsquery_term, " & ", " | ", " & !"),
        tsquery_terms: parsed.all.iter().flatten().map(tsquery_term).collect(),
        term_words: parsed
            .all
            .iter()
            .flatten()
            .filter_map(|term| match term {
                Term::Word { text, prefix, .. } => Some((words(text).map(str::to_string).collect(), *prefix)),
                Term::Phrase { text, .. } => Some((words(text).map(str::to_string).collect(), false)),
                Term::Or => None,
            })
            .collect(),
        q: input.to_string(),
    })
}

/// The FTS5 MATCH expression for `input`, or why it cannot be searched.
pub fn to_fts(input: &str) -> Result<String, String> {
    parse_q(input).map(|terms| terms.fts)
}

#[cfg(test)]
mod tests {
    use super::to_fts;

    #[test]
    fn words_phrases_prefixes_exclusions_and_or() {
        assert_eq!(to_fts("deep tissue").unwrap(), r#"("deep" AND "tissue")"#);
        assert_eq!(to_fts(r#""deep tissue" massage"#).unwrap(), r#"("deep tissue" AND "massage")"#);
        assert_eq!(to_fts("mass*").unwrap(), r#"("mass"*)"#);
        assert_eq!(to_fts("back -sciatica").unwrap(), r#"("back") NOT "sciatica""#);
        assert_eq!(to_fts("disc OR sciatica pain").unwrap(), r#"(("disc" OR "sciatica") AND "pain")"#);
        assert_eq!(to_fts(r#"a"b"#).unwrap_err(), "a quoted phrase is not closed: add the closing \"");
    }

    #[test]
    fn tsquery_has_only_words_and_operators() {
        let tsquery = |q: &str| super::parse_q(q).unwrap().tsquery;
        assert_eq!(tsquery("deep tissue"), "(deep & tissue)");
        assert_eq!(tsquery(r#""deep tissue" massage"#), "((deep <-> tissue) & massage)");
        assert_eq!(tsquery("mass*"), "(mass:*)");
        assert_eq!(tsquery("back -sciatica"), "(back) & !sciatica");
        assert_eq!(tsquery("disc OR sciatica pain"), "((disc | sciatica) & pain)");
        assert_eq!(tsquery("long-standing"), "((long <-> standing))");
        assert_eq!(tsquery("tissue -\"deep tissue\""), "(tissue) & !(deep <-> tissue)");
        assert_eq!(tsquery("pre-mass*"), "((pre <-> mass:*))");
        // tsquery syntax in the input is only separators between words.
        assert_eq!(tsquery("a&b|!c:<->(d)'e'"), "((a <-> b <-> c <-> d <-> e))");
        assert_eq!(tsquery("zébracorn"), "(zébracorn)");
        let terms = super::parse_q("disc OR \"deep tissue\" pain -sciatica").unwrap().tsquery_terms;
        assert_eq!(terms, ["disc", "(deep <-> tissue)", "pain"]);
    }

    #[test]
    fn words_only_keeps_letters_and_digits_in_place() {
        assert_eq!(super::words_only("It’s deep—tissue, 10-15 min."), "It s deep tissue  10 15 min ");
        assert_eq!(super::words("café’s 2x").collect::<Vec<_>>(), ["café", "s", "2x"]);
    }

    #[test]
    fn fts_syntax_is_quoted_not_interpreted() {
        assert_eq!(to_fts("NEAR(a b)").unwrap(), r#"("NEAR(a" AND "b)")"#);
        assert_eq!(to_fts("title:massage").unwrap(), r#"("title:massage")"#);
        assert_eq!(to_fts("a AND b").unwrap(), r#"("a" AND "AND" AND "b")"#);
    }

    #[test]
    fn unreadable_input_is_an_error() {
        for bad in [
            "",
            "   ",
            "a\0b",
            "tab\there",
            "-only",
            "OR a",
            "a OR",
            "a OR OR b",
            "*",
            "ma*ss",
            "\"\"",
            "a OR -b",
            &"x ".repeat(150),
        ] {
            assert!(to_fts(bad).is_err(), "{bad:?}");
        }
    }
}
