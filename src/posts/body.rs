//! A post body is stored as its sections; this renders sections from Markdown on write and
//! assembles the whole body from them on read.

use super::model::{Body, Section, SectionContent, SectionInput};
use crate::markdown::{self, slugify};

/// The anchor of a section without a heading (the lead).
const LEAD_ANCHOR: &str = "introduction";

/// Renders each section and gives it an anchor unique within the post.
pub fn render_sections(inputs: &[SectionInput]) -> Vec<SectionContent> {
    let mut used: Vec<String> = Vec::new();
    inputs
        .iter()
        .enumerate()
        .map(|(position, input)| {
            let base = match &input.heading {
                Some(heading) if !slugify(heading).is_empty() => slugify(heading),
                Some(_) => "section".to_string(),
                None => LEAD_ANCHOR.to_string(),
            };
            let mut anchor = base.clone();
            let mut n = 2;
            while used.contains(&anchor) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            used.push(anchor.clone());
            let rendered = markdown::render(&input.markdown);
            SectionContent {
                position: position as i32,
                anchor,
                heading: input.heading.clone(),
                body_markdown: input.markdown.clone(),
                body_html: rendered.html,
                body_text: rendered.text,
            }
        })
        .collect()
}

pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The whole body: level-2 headings between sections, in all three forms.
pub fn assemble(sections: &[SectionContent]) -> Body {
    let mut markdown = Vec::with_capacity(sections.len());
    let mut html = String::new();
    let mut text = Vec::with_capacity(sections.len());
    for section in sections {
        match &section.heading {
            Some(heading) => {
                markdown.push(format!("## {heading}\n\n{}", section.body_markdown.trim_end()));
                html.push_str(&format!("<h2 id=\"{}\">{}</h2>\n", section.anchor, escape_html(heading)));
                text.push(format!("{heading}\n\n{}", section.body_text));
            }
            None => {
                markdown.push(section.body_markdown.trim_end().to_string());
                text.push(section.body_text.clone());
            }
        }
        html.push_str(&section.body_html);
    }
    Body { markdown: markdown.join("\n\n") + "\n", html, text: text.join("\n\n") }
}

pub fn into_sections(sections: Vec<SectionContent>) -> Vec<Section> {
    sections
        .into_iter()
        .map(|section| Section {
            anchor: section.anchor,
            heading: section.heading,
            markdown: section.body_markdown,
            html: section.body_html,
            text: section.body_text,
        })
        .collect()
}

/// Words in the body, headings included.
pub fn word_count(sections: &[SectionContent]) -> usize {
    sections
        .iter()
        .map(|s| markdown::word_count(&s.body_text) + s.heading.as_deref().map_or(0, markdown::word_count))
        .sum()
}
