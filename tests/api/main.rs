//! The integration tests: one binary, so it links once.

mod authoring;
mod bounded_reads;
mod conditions;
mod delivery;
mod errors;
mod faqs;
mod guidance;
mod hardening;
mod helpers;
mod http;
mod locking;
mod multi_instance;
mod openapi;
mod operations;
mod posts;
mod querying;
mod recommendation;
mod schema;
mod seed;
mod seo;
mod site_and_health;
mod spec;
mod sync;
mod tags_and_citations;
mod webhooks;
