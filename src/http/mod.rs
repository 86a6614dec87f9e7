//! HTTP plumbing shared by every resource: request ids and problem rendering, the strict
//! list-query parser, pagination, and JSON responses with ETags.

pub mod bm25;
pub mod cache;
pub mod changes;
pub mod cors;
pub mod cursor;
pub mod envelope;
pub mod forwarded;
pub mod list_query;
pub mod normalize;
pub mod pagination;
pub mod params;
pub mod prepared;
pub mod rate_limit;
pub mod read;
pub mod referrers;
pub mod request_id;
pub mod respond;
pub mod routes;
pub mod search_terms;
pub mod select;
pub mod tracking;
pub mod write;
