// Diesel table definitions, kept in step with `migrations/sqlite/` (checked by tests/api/schema.rs).

diesel::table! {
    site (id) {
        id -> Integer,
        name -> Text,
        short_name -> Text,
        description -> Text,
        city -> Text,
        region -> Text,
        region_code -> Text,
        country -> Text,
        country_code -> Text,
        timezone -> Text,
        website_url -> Text,
        booking_url -> Text,
        disclaimer -> Text,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    tags (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    citations (id) {
        id -> Integer,
        slug -> Text,
        publisher -> Text,
        title -> Text,
        year -> Nullable<Integer>,
        url -> Text,
        accessed_on -> Nullable<Text>,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        slug -> Text,
        title -> Text,
        excerpt -> Text,
        status -> Text,
        published_at -> Nullable<Text>,
        reading_time_minutes -> Integer,
        word_count -> Integer,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        canonical_url -> Nullable<Text>,
        cta_label -> Nullable<Text>,
        cta_url -> Nullable<Text>,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    post_sections (id) {
        id -> Integer,
        post_id -> Integer,
        position -> Integer,
        anchor -> Text,
        heading -> Nullable<Text>,
        body_markdown -> Text,
        body_html -> Text,
        body_text -> Text,
    }
}

diesel::table! {
    post_key_points (id) {
        id -> Integer,
        post_id -> Integer,
        kind -> Text,
        position -> Integer,
        text -> Text,
    }
}

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    post_citations (post_id, citation_id) {
        post_id -> Integer,
        citation_id -> Integer,
        position -> Integer,
        claim -> Text,
    }
}

diesel::table! {
    condition_categories (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        description -> Text,
        response_level -> Text,
        position -> Integer,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    conditions (id) {
        id -> Integer,
        slug -> Text,
        category_id -> Integer,
        position -> Integer,
        name -> Text,
        summary -> Text,
        caveat -> Nullable<Text>,
        region -> Text,
        is_red_flag -> Bool,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    post_condition_categories (post_id, category_id) {
        post_id -> Integer,
        category_id -> Integer,
    }
}

diesel::table! {
    faqs (id) {
        id -> Integer,
        slug -> Text,
        post_id -> Nullable<Integer>,
        position -> Integer,
        question -> Text,
        answer_markdown -> Text,
        answer_html -> Text,
        answer_text -> Text,
        status -> Text,
        published_at -> Nullable<Text>,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    faq_tags (faq_id, tag_id) {
        faq_id -> Integer,
        tag_id -> Integer,
    }
}

diesel::table! {
    guidance_bands (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        duration_label -> Text,
        pain_duration_min_days -> Integer,
        pain_duration_max_days -> Nullable<Integer>,
        includes_recurring -> Bool,
        sessions_min -> Integer,
        sessions_max -> Integer,
        weeks_min -> Nullable<Integer>,
        weeks_max -> Nullable<Integer>,
        reassess_after_course -> Bool,
        maintenance_interval -> Nullable<Text>,
        notes -> Text,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    guidance_course (id) {
        id -> Integer,
        sessions_per_week_min -> Integer,
        sessions_per_week_max -> Integer,
        course_weeks_min -> Integer,
        course_weeks_max -> Integer,
        maintenance_interval -> Text,
        frequency_notes -> Text,
        maintenance_notes -> Text,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::joinable!(post_sections -> posts (post_id));
diesel::joinable!(post_key_points -> posts (post_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::joinable!(post_citations -> posts (post_id));
diesel::joinable!(post_citations -> citations (citation_id));
diesel::joinable!(conditions -> condition_categories (category_id));
diesel::joinable!(post_condition_categories -> posts (post_id));
diesel::joinable!(post_condition_categories -> condition_categories (category_id));
diesel::joinable!(faqs -> posts (post_id));
diesel::joinable!(faq_tags -> faqs (faq_id));
diesel::joinable!(faq_tags -> tags (tag_id));

diesel::allow_tables_to_appear_in_same_query!(
    site,
    tags,
    citations,
    posts,
    post_sections,
    post_key_points,
    post_tags,
    post_citations,
    condition_categories,
    conditions,
    post_condition_categories,
    faqs,
    faq_tags,
    guidance_bands,
    guidance_course,
);

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        name -> Text,
        scope -> Text,
        lookup -> Text,
        token_hash -> Binary,
        created_at -> Text,
        last_used_at -> Nullable<Text>,
        revoked_at -> Nullable<Text>,
    }
}

diesel::table! {
    post_redirects (old_slug) {
        old_slug -> Text,
        post_id -> Integer,
        created_at -> Text,
    }
}

diesel::table! {
    content_version (id) {
        id -> Integer,
        version -> BigInt,
        changed_at -> Text,
    }
}

diesel::joinable!(post_redirects -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(post_redirects, posts);

diesel::table! {
    service_secrets (name) {
        name -> Text,
        value -> Binary,
    }
}

diesel::table! {
    change_log (seq) {
        seq -> Integer,
        resource -> Text,
        resource_id -> Integer,
        slug -> Text,
        op -> Text,
        visible_from -> Nullable<Text>,
        parent_id -> Nullable<Integer>,
        at -> Text,
    }
}

diesel::table! {
    red_flag_symptoms (symptom) {
        symptom -> Text,
        condition_slug -> Text,
        label -> Text,
        position -> Integer,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Integer,
        url -> Text,
        events -> Text,
        description -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Integer,
        public_id -> Text,
        #[sql_name = "type"]
        event_type -> Text,
        payload -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Integer,
        webhook_id -> Integer,
        event_id -> Integer,
        status -> Text,
        attempts -> Integer,
        next_attempt_ms -> BigInt,
        last_attempt_at -> Nullable<Text>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_latency_ms -> Nullable<Integer>,
        delivered_at -> Nullable<Text>,
        created_at -> Text,
        lease_owner -> Nullable<Text>,
        lease_until_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    webhook_schedule (kind, resource_id) {
        kind -> Text,
        resource_id -> Integer,
        due_at -> Text,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_events, webhook_deliveries);

diesel::table! {
    /// The post list's columns once per tag of each post, kept by triggers (read by the post
    /// list's SQL when it is filtered by a tag; never written by the application).
    tagged_posts (id, tag_id) {
        tag_id -> Integer,
        id -> Integer,
        status -> Text,
        published_at -> Nullable<Text>,
        updated_at -> Text,
        title -> Text,
        reading_time_minutes -> Integer,
    }
}

diesel::table! {
    /// The post's visibility columns once per citation of each post, kept by triggers (read to
    /// count and pick a citation's claims; never written by the application).
    cited_posts (citation_id, id) {
        citation_id -> Integer,
        id -> Integer,
        status -> Text,
        published_at -> Nullable<Text>,
    }
}
