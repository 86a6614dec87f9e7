//! Checks a library document before anything is written, with the same field rules as the
//! write API (the same code), reporting every problem at once with its place in the document:
//! `validate` on the document alone, `validate_against` on what it meets in the database.

use std::collections::{HashMap, HashSet};

use crate::db::Conn;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::format::{Library, FORMAT_VERSION};
use crate::error::FieldError;
use crate::guidance::write::coverage;
use crate::posts::write::check_redirects;
use crate::schema::posts;
use crate::validation::{Check, Kind, References};

/// References resolved within the document itself.
struct InDocument {
    tags: HashSet<String>,
    citations: HashSet<String>,
    categories: HashSet<String>,
    posts: HashSet<String>,
}

impl References for InDocument {
    fn exists(&mut self, kind: Kind, slug: &str) -> bool {
        match kind {
            Kind::Tag => self.tags.contains(slug),
            Kind::Citation => self.citations.contains(slug),
            Kind::ConditionCategory => self.categories.contains(slug),
            Kind::Post => self.posts.contains(slug),
        }
    }
}

/// An old slug redirects to one post: two posts of the document may not both claim it (each
/// sync would move it to the other, so no run would be the last to write).
fn claimed_twice(library: &Library) -> Vec<FieldError> {
    let mut claimed: HashMap<&str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, post) in library.posts.iter().enumerate() {
        for (j, old) in post.redirect_from.iter().enumerate().filter(|(_, old)| **old != post.slug) {
            match claimed.get(old.as_str()) {
                Some(&first) if first != i => errors.push(FieldError::new(
                    format!("posts[{i}].redirect_from[{j}]"),
                    format!("'{old}' already redirects to posts[{first}] ('{}')", library.posts[first].slug),
                )),
                _ => {
                    claimed.insert(old, i);
                }
            }
        }
    }
    errors
}

/// What the document cannot know: an old slug it lists is the live slug of a post in the
/// database that the document does not hold (the write API refuses the same). Run inside the
/// sync's transaction, before anything is written.
pub fn validate_against(conn: &mut Conn, library: &Library) -> QueryResult<Vec<FieldError>> {
    let in_document: HashSet<&str> = library.posts.iter().map(|p| p.slug.as_str()).collect();
    let mut errors = Vec::new();
    for (i, post) in library.posts.iter().enumerate() {
        let mut check = Check::new(format!("posts[{i}]"));
        check_redirects(&mut check, post, &mut |old| {
            // Posts of the document were checked by `validate`.
            if in_document.contains(old) {
                return Ok(false);
            }
            diesel::select(exists(posts::table.filter(posts::slug.eq(old)))).get_result(conn)
        })?;
        errors.extend(check.errors);
    }
    Ok(errors)
}

pub fn validate(library: &Library) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut root = Check::new("");
    root.that(library.format_version == FORMAT_VERSION, "format_version", || {
        format!("{} is not supported (expected {FORMAT_VERSION})", library.format_version)
    });
    root.distinct("tags", library.tags.iter().map(|t| t.slug.as_str()));
    root.distinct("citations", library.citations.iter().map(|c| c.slug.as_str()));
    root.distinct("condition_categories", library.condition_categories.iter().map(|c| c.slug.as_str()));
    root.distinct(
        "conditions",
        library.condition_categories.iter().flat_map(|c| c.conditions.iter().map(|c| c.slug.as_str())),
    );
    root.distinct("guidance.bands", library.guidance.bands.iter().map(|b| b.slug.as_str()));
    root.distinct("posts", library.posts.iter().map(|p| p.slug.as_str()));
    root.distinct("faqs", library.faqs.iter().map(|f| f.slug.as_str()));
    for problem in coverage(&library.guidance.bands) {
        root.fail("guidance.bands", problem);
    }
    errors.extend(root.errors);

    let mut refs = InDocument {
        tags: library.tags.iter().map(|t| t.slug.clone()).collect(),
        citations: library.citations.iter().map(|c| c.slug.clone()).collect(),
        categories: library.condition_categories.iter().map(|c| c.slug.clone()).collect(),
        posts: library.posts.iter().map(|p| p.slug.clone()).collect(),
    };
    let mut run = |prefix: String, validate: &mut dyn FnMut(&mut Check, &mut InDocument)| {
        let mut check = Check::new(prefix);
        validate(&mut check, &mut refs);
        errors.extend(check.errors);
    };
    run("site".into(), &mut |check, _| library.site.validate(check));
    for (i, tag) in library.tags.iter().enumerate() {
        run(format!("tags[{i}]"), &mut |check, _| tag.validate(check));
    }
    for (i, citation) in library.citations.iter().enumerate() {
        run(format!("citations[{i}]"), &mut |check, _| citation.validate(check));
    }
    for (i, category) in library.condition_categories.iter().enumerate() {
        run(format!("condition_categories[{i}]"), &mut |check, _| category.fields().validate(check));
        for (j, condition) in category.conditions.iter().enumerate() {
            run(format!("condition_categories[{i}].conditions[{j}]"), &mut |check, _| {
                condition.validate(check, &category.response_level)
            });
        }
    }
    for (i, band) in library.guidance.bands.iter().enumerate() {
        run(format!("guidance.bands[{i}]"), &mut |check, _| band.validate(check));
    }
    run("guidance.course".into(), &mut |check, _| library.guidance.course.validate(check));
    for (i, post) in library.posts.iter().enumerate() {
        run(format!("posts[{i}]"), &mut |check, refs| {
            post.validate(check, refs);
            let _ = check_redirects(check, post, &mut |old| Ok(refs.posts.contains(old)));
        });
    }
    for (i, faq) in library.faqs.iter().enumerate() {
        run(format!("faqs[{i}]"), &mut |check, refs| faq.validate(check, refs));
    }
    errors.extend(claimed_twice(library));
    errors
}
