//! Turns what a person types into a safe FTS5 query: words (all must match), "quoted phrases",
//! prefixes (`mass*`), exclusions (`-sciatica`) and `OR` between two terms. Every term is
//! quoted for FTS5, so no input can be FTS5 syntax; input this grammar cannot read is an error
//! message for a 400.

const MAX_LENGTH: usize = 200;
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

/// The FTS5 MATCH expression for `input`, or why it cannot be searched.
pub fn to_fts(input: &str) -> Result<String, String> {
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
    let mut positive: Vec<String> = Vec::new();
    let mut negative: Vec<String> = Vec::new();
    let mut pending_or = false;
    for term in &terms {
        let (expression, negated) = match term {
            Term::Or => {
                if positive.is_empty() || pending_or {
                    return Err("OR must stand between two terms".into());
                }
                pending_or = true;
                continue;
            }
            Term::Word { text, prefix, negated } => {
                (format!("{}{}", quote(text), if *prefix { "*" } else { "" }), *negated)
            }
            Term::Phrase { text, negated } => (quote(text), *negated),
        };
        if negated {
            if pending_or {
                return Err("OR cannot join an excluded term".into());
            }
            negative.push(expression);
        } else if pending_or {
            let last = positive.pop().expect("checked above");
            positive.push(format!("({last} OR {expression})"));
            pending_or = false;
        } else {
            positive.push(expression);
        }
    }
    if pending_or {
        return Err("OR must stand between two terms".into());
    }
    if positive.is_empty() {
        return Err(if negative.is_empty() {
            "has no words to search for".into()
        } else {
            "needs at least one term that is not excluded".into()
        });
    }
    let mut fts = format!("({})", positive.join(" AND "));
    for excluded in negative {
        fts.push_str(&format!(" NOT {excluded}"));
    }
    Ok(fts)
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
