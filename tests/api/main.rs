//! The integration tests: one binary, so it links once.

mod authoring;
mod conditions;
mod delivery;
mod errors;
mod faqs;
mod guidance;
mod helpers;
mod http;
mod openapi;
mod operations;
mod posts;
mod querying;
mod schema;
mod seed;
mod site_and_health;
mod spec;
mod tags_and_citations;
