//! A deterministic generator of large libraries for benchmarks and scale tests: N posts with
//! sections, tags, citations and FAQ entries, from a seed. Words follow a Zipf-like law over a
//! large made-up vocabulary, so searches behave as on real text (common words match much,
//! rare words little).

use std::time::{Duration, Instant};

use crate::db::Conn;
use diesel::prelude::*;

use crate::markdown;
use crate::schema::{citations, faq_tags, faqs, post_citations, post_sections, post_tags, posts, tags};
use crate::search::index;

/// splitmix64: small, fast and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SYLLABLES: [&str; 40] = [
    "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su", "ta", "ve", "wi", "xo",
    "yu", "zan", "bel", "cor", "dun", "fen", "gal", "hol", "jin", "kor", "lum", "mer", "nol", "pra", "rin", "sel",
    "tor", "ul", "vin", "wen", "zor",
];
const VOCABULARY: u64 = 40 * 40 * 40;

/// A made-up word of rank `r` (0 is the most common).
fn word(rank: u64) -> String {
    let (a, b, c) = (rank % 40, (rank / 40) % 40, rank / 1600);
    if rank < 1600 {
        format!("{}{}", SYLLABLES[a as usize], SYLLABLES[b as usize])
    } else {
        format!("{}{}{}", SYLLABLES[a as usize], SYLLABLES[b as usize], SYLLABLES[(c % 40) as usize])
    }
}

/// A word drawn with probability falling as 1/rank.
fn zipf_word(rng: &mut Rng) -> String {
    let rank = ((VOCABULARY as f64).ln() * rng.unit()).exp() as u64 - 1;
    word(rank.min(VOCABULARY - 1))
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut text: Vec<String> = (0..words).map(|_| zipf_word(rng)).collect();
    if let Some(first) = text.first_mut() {
        let mut chars = first.chars();
        *first = chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default();
    }
    text.join(" ") + "."
}

fn paragraph(rng: &mut Rng) -> String {
    (0..3 + rng.below(4))
        .map(|_| {
            let words = 8 + rng.below(12) as usize;
            sentence(rng, words)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn time(rng: &mut Rng) -> String {
    // Spread over three years before 2026-11-01.
    let seconds = 1_793_491_200 - rng.below(3 * 365 * 86_400) as i64;
    crate::clock::format(chrono::DateTime::from_timestamp(seconds, 0).expect("a valid time"))
}

/// Tags a generated library has unless told otherwise.
pub const DEFAULT_TAGS: u32 = 40;

/// How long `generate` holds the write lock at a time. Between two chunks it pauses for longer
/// than a waiting writer's busy handler sleeps between polls (at most 100 ms), so the API's
/// writes (and token use) get the lock in every pause instead of waiting for the whole run.
const CHUNK: Duration = Duration::from_millis(400);
const PAUSE: Duration = Duration::from_millis(120);

/// Leaf pages one step of the search index merge writes: a few tens of milliseconds.
const MERGE_PAGES: i32 = 1000;

/// The first and last id written in one chunk (ids only grow, so they are a range).
#[derive(Default)]
struct Written(Option<(i32, i32)>);

impl Written {
    fn add(&mut self, id: i32) {
        self.0 = Some(self.0.map_or((id, id), |(first, _)| (first, id)));
    }
}

/// Adds `count` generated posts (and `tag_count` tags, 30 citations, FAQ entries with their
/// search index rows), committed in chunks of about `CHUNK` each, then merges the search index
/// and refreshes the planner's statistics. Returns how many posts exist afterwards. An
/// interrupted run keeps the chunks it committed.
pub fn generate(conn: &mut Conn, count: usize, tag_count: usize, seed: u64, now: &str) -> QueryResult<i64> {
    let mut rng = Rng::new(seed);
    let (tag_ids, citation_ids) = crate::db::write_transaction(conn, |conn| {
        let used: i64 = tags::table.filter(tags::slug.eq(format!("topic-{seed}-0"))).count().get_result(conn)?;
        if used > 0 {
            return Err(diesel::result::Error::QueryBuilderError(
                format!("seed {seed} was used on this database already; pass another --seed").into(),
            ));
        }
        let tag_ids: Vec<i32> = (0..tag_count.max(1))
            .map(|i| {
                diesel::insert_into(tags::table)
                    .values((
                        tags::slug.eq(format!("topic-{seed}-{i}")),
                        tags::name.eq(format!("Topic {}", word(i as u64))),
                        tags::created_at.eq(now),
                        tags::updated_at.eq(now),
                    ))
                    .returning(tags::id)
                    .get_result(conn)
            })
            .collect::<QueryResult<_>>()?;
        let citation_ids: Vec<i32> = (0..30)
            .map(|i| {
                diesel::insert_into(citations::table)
                    .values((
                        citations::slug.eq(format!("source-{seed}-{i}")),
                        citations::publisher.eq(format!("Publisher {}", word(i + 100))),
                        citations::title.eq(sentence(&mut rng, 5)),
                        citations::year.eq(2000 + (i % 26) as i32),
                        citations::url.eq(format!("https://example.org/source/{i}")),
                        citations::created_at.eq(now),
                        citations::updated_at.eq(now),
                    ))
                    .returning(citations::id)
                    .get_result(conn)
            })
            .collect::<QueryResult<_>>()?;
        crate::content_state::bump(conn)?;
        Ok((tag_ids, citation_ids))
    })?;

    let mut next = 0;
    while next < count {
        let started = Instant::now();
        crate::db::write_transaction(conn, |conn| {
            let (mut posts, mut faqs) = (Written::default(), Written::default());
            while next < count && (posts.0.is_none() || started.elapsed() < CHUNK) {
                add_post(conn, &mut rng, seed, next, &tag_ids, &citation_ids, &mut posts, &mut faqs)?;
                next += 1;
            }
            for (kind, written) in [(index::Kind::Post, posts), (index::Kind::Faq, faqs)] {
                if let Some((first, last)) = written.0 {
                    index::add_range(conn, kind, first, last)?;
                }
            }
            crate::content_state::bump(conn).map(|_| ())
        })?;
        if next < count {
            std::thread::sleep(PAUSE);
        }
    }
    while crate::db::write_transaction(conn, |conn| index::merge_step(conn, MERGE_PAGES))? {
        std::thread::sleep(PAUSE);
    }
    // Statistics for the query planner, which picks far better plans at this size with them
    // (under a second on 100,000 posts). PostgreSQL also vacuums: it marks the new pages
    // all-visible (index-only scans skip the table again) and leaves autovacuum nothing to do
    // while the first readers arrive.
    let analyze = match conn.dialect() {
        crate::db::Dialect::Sqlite => "ANALYZE",
        crate::db::Dialect::Postgres => "VACUUM (ANALYZE)",
    };
    diesel::sql_query(analyze).execute(conn)?;
    posts::table.count().get_result(conn)
}

/// One generated post (number `i` of this seed) with its sections, tags, citations and FAQ
/// entries.
#[allow(clippy::too_many_arguments)]
fn add_post(
    conn: &mut Conn,
    rng: &mut Rng,
    seed: u64,
    i: usize,
    tag_ids: &[i32],
    citation_ids: &[i32],
    written_posts: &mut Written,
    written_faqs: &mut Written,
) -> QueryResult<()> {
    let sections: Vec<(Option<String>, String)> = (0..2 + rng.below(2))
        .map(|s| {
            let heading = (s > 0).then(|| sentence(rng, 4).trim_end_matches('.').to_string());
            (heading, paragraph(rng))
        })
        .collect();
    let rendered: Vec<markdown::Rendered> = sections.iter().map(|(_, md)| markdown::render(md)).collect();
    // Counted as the write API counts them (`posts::body::word_count`): headings too.
    let words: usize = sections
        .iter()
        .zip(&rendered)
        .map(|((heading, _), r)| markdown::word_count(&r.text) + heading.as_deref().map_or(0, markdown::word_count))
        .sum();
    let published = rng.below(10) != 0;
    let published_at = time(rng);
    let title = sentence(rng, 6).trim_end_matches('.').to_string();
    let post_id: i32 = diesel::insert_into(posts::table)
        .values((
            posts::slug.eq(format!("generated-{seed}-{i}")),
            posts::title.eq(&title),
            posts::excerpt.eq(sentence(rng, 20)),
            posts::status.eq(if published { "published" } else { "draft" }),
            posts::published_at.eq(published.then_some(&published_at)),
            posts::reading_time_minutes.eq(markdown::reading_time_minutes(words)),
            posts::word_count.eq(words as i32),
            posts::created_at.eq(&published_at),
            posts::updated_at.eq(&published_at),
        ))
        .returning(posts::id)
        .get_result(conn)?;
    written_posts.add(post_id);
    for (position, ((heading, md), rendered)) in sections.iter().zip(rendered).enumerate() {
        let anchor = heading.as_deref().map(markdown::slugify).unwrap_or_else(|| "introduction".into());
        diesel::insert_into(post_sections::table)
            .values((
                post_sections::post_id.eq(post_id),
                post_sections::position.eq(position as i32),
                post_sections::anchor.eq(format!("{anchor}-{position}")),
                post_sections::heading.eq(heading),
                post_sections::body_markdown.eq(md),
                post_sections::body_html.eq(rendered.html),
                post_sections::body_text.eq(rendered.text),
            ))
            .execute(conn)?;
    }
    let mut chosen: Vec<i32> = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let tag = tag_ids[rng.below(tag_ids.len() as u64) as usize];
        if !chosen.contains(&tag) {
            diesel::insert_into(post_tags::table)
                .values((
                    post_tags::post_id.eq(post_id),
                    post_tags::tag_id.eq(tag),
                    post_tags::position.eq(chosen.len() as i32),
                ))
                .execute(conn)?;
            chosen.push(tag);
        }
    }
    for position in 0..rng.below(3) {
        let citation = citation_ids[((i as u64 + position * 7) % citation_ids.len() as u64) as usize];
        diesel::insert_into(post_citations::table)
            .values((
                post_citations::post_id.eq(post_id),
                post_citations::citation_id.eq(citation),
                post_citations::position.eq(position as i32),
                post_citations::claim.eq(sentence(rng, 10)),
            ))
            .execute(conn)?;
    }
    let mut faq_words = 0;
    for position in 0..rng.below(3) {
        let answer = paragraph(rng);
        let rendered = markdown::render(&answer);
        let question = sentence(rng, 7).replace('.', "?");
        faq_words += markdown::word_count(&question) + markdown::word_count(&rendered.text);
        let faq_id: i32 = diesel::insert_into(faqs::table)
            .values((
                faqs::slug.eq(format!("generated-{seed}-{i}-q{position}")),
                faqs::post_id.eq(post_id),
                faqs::position.eq(position as i32),
                faqs::question.eq(&question),
                faqs::answer_markdown.eq(&answer),
                faqs::answer_html.eq(rendered.html),
                faqs::answer_text.eq(rendered.text),
                faqs::status.eq(if published { "published" } else { "draft" }),
                faqs::published_at.eq(published.then_some(&published_at)),
                faqs::created_at.eq(&published_at),
                faqs::updated_at.eq(&published_at),
            ))
            .returning(faqs::id)
            .get_result(conn)?;
        written_faqs.add(faq_id);
        diesel::insert_into(faq_tags::table)
            .values((faq_tags::faq_id.eq(faq_id), faq_tags::tag_id.eq(chosen[0])))
            .execute(conn)?;
    }
    // The reading time counts the published FAQ entries too, as the write API computes it.
    if published && faq_words > 0 {
        diesel::update(posts::table.find(post_id))
            .set(posts::reading_time_minutes.eq(markdown::reading_time_minutes(words + faq_words)))
            .execute(conn)?;
    }
    Ok(())
}

/// A word that appears in roughly `share` of generated documents' text, for benchmarks.
pub fn word_of_rank(rank: u64) -> String {
    word(rank)
}
