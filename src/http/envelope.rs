//! Named envelopes for the OpenAPI document: `{"data": T}` and a list page, declared by each
//! resource beside its types (`crate::envelope!(PostResponse, Post)`). What is served is
//! `respond::Data<T>` and `pagination::ListPage<T>`; these only give the spec a schema of that
//! shape under a name of its own (`PostResponse`, `PostList`), as generated clients know them.

/// Declares `{"data": T}` for the spec.
#[macro_export]
macro_rules! envelope {
    ($name:ident, $inner:ty) => {
        #[doc = concat!("`{\"data\": ", stringify!($inner), "}`")]
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            pub data: $inner,
        }
    };
}

/// Declares `{"data": [T], "meta": ..., "links": ...}` for the spec.
#[macro_export]
macro_rules! list_envelope {
    ($name:ident, $item:ty) => {
        #[doc = concat!("A page of ", stringify!($item), " with pagination.")]
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            pub data: Vec<$item>,
            pub meta: $crate::http::pagination::ListMeta,
            pub links: $crate::http::pagination::ListLinks,
        }
    };
}
