//! What the webhook routes accept and answer, and the payload receivers get.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{events, target};
use crate::validation::Check;

/// A subscription: where to send which events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    #[schema(example = 1)]
    pub id: i32,
    #[schema(example = "https://api.netlify.com/build_hooks/5f1c…")]
    pub url: String,
    /// Event patterns: `post.published`, `faq.*`, `*`.
    #[schema(example = json!(["post.*", "faq.*"]))]
    pub events: Vec<String>,
    pub description: String,
    /// Inactive subscriptions get no new events; their pending deliveries wait.
    pub active: bool,
    /// The signing secret: only in the answer to the creation, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: Option<String>,
    /// Deliveries waiting to be sent or retried.
    pub pending_deliveries: i64,
    pub created_at: String,
    pub updated_at: String,
    pub links: WebhookLinks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookLinks {
    #[serde(rename = "self")]
    #[schema(example = "/v1/webhooks/1")]
    pub self_: String,
    #[schema(example = "/v1/webhooks/1/deliveries")]
    pub deliveries: String,
    /// POST here to send a `ping` event.
    #[schema(example = "/v1/webhooks/1/ping")]
    pub ping: String,
}

impl WebhookLinks {
    pub fn new(id: i32) -> WebhookLinks {
        WebhookLinks {
            self_: format!("/v1/webhooks/{id}"),
            deliveries: format!("/v1/webhooks/{id}/deliveries"),
            ping: format!("/v1/webhooks/{id}/ping"),
        }
    }
}

/// A subscription as written: `POST` takes it whole, `PATCH` a merge patch of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// An `https://` (or `http://`) URL. Private, loopback and link-local addresses are refused
    /// unless the server runs with `WEBHOOK_ALLOW_PRIVATE_TARGETS=true`.
    #[schema(example = "https://example.com/hooks/content")]
    pub url: String,
    /// At least one pattern: `*`, `{kind}.*` or `{kind}.{action}`; kinds `post`, `faq`,
    /// `condition`, `condition_category`, `guidance`, `tag`, `citation`, `site`; actions
    /// `published`, `updated`, `unpublished`, `deleted`.
    #[schema(example = json!(["post.*"]))]
    pub events: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

impl WebhookInput {
    pub fn validate(&self, check: &mut Check, allow_private: bool) {
        if let Err(message) = target::parse(&self.url, allow_private) {
            check.fail("url", message);
        }
        check.that(!self.events.is_empty() && self.events.len() <= 40, "events", || {
            "must list 1 to 40 event patterns".into()
        });
        for (i, pattern) in self.events.iter().enumerate() {
            check.that(events::is_valid_pattern(pattern), &format!("events[{i}]"), || {
                format!(
                    "'{pattern}' is not an event pattern: use '*', '{{kind}}.*' or '{{kind}}.{{action}}' with kinds {} and actions {}",
                    events::KINDS.join(", "),
                    events::ACTIONS.join(", ")
                )
            });
        }
        check.that(self.description.chars().count() <= 500, "description", || "must be at most 500 characters".into());
    }
}

/// One event's delivery to one subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    #[schema(example = 42)]
    pub id: i32,
    /// The event's id (`webhook-id` header), type and time.
    pub event: DeliveredEvent,
    /// `pending` (waiting or retrying), `delivered` (a 2xx answer) or `failed` (gave up).
    #[schema(example = "delivered")]
    pub status: String,
    pub attempts: i32,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    /// The receiver's HTTP status of the last attempt, if it answered.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// How long the last attempt took.
    pub last_latency_ms: Option<i32>,
    pub delivered_at: Option<String>,
    pub created_at: String,
    pub links: DeliveryLinks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveredEvent {
    #[schema(example = "evt_3q2k9x0d7m1b5c8a4e6f")]
    pub id: String,
    #[serde(rename = "type")]
    #[schema(example = "post.published")]
    pub event_type: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryLinks {
    /// POST here to send the event again (a new delivery).
    #[schema(example = "/v1/webhooks/1/deliveries/42/redeliver")]
    pub redeliver: String,
}

/// The JSON body POSTed to receivers. Signed as Standard Webhooks (standardwebhooks.com):
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`,
/// keyed with the base64-decoded part of the secret after `whsec_`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookEvent {
    /// The same on every retry (also sent as `webhook-id`): drop duplicates by it.
    #[schema(example = "evt_3q2k9x0d7m1b5c8a4e6f")]
    pub id: String,
    /// `{kind}.{action}`, or `ping`.
    #[serde(rename = "type")]
    #[schema(example = "post.published")]
    pub event_type: String,
    pub created_at: String,
    /// What changed (absent for `ping`).
    pub resource: Option<EventResource>,
    /// The public representation after the change, as `GET resource.path` answers it; null
    /// for `unpublished`, `deleted` and `ping` (a tombstone: the slug is in `resource`).
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventResource {
    #[serde(rename = "type")]
    #[schema(example = "post")]
    pub kind: String,
    #[schema(example = "is-massage-therapy-worth-it-for-back-pain")]
    pub slug: String,
    /// The slug before this change, when it changed (the old URL now redirects).
    pub previous_slug: Option<String>,
    /// The resource in this API.
    #[schema(example = "/v1/posts/is-massage-therapy-worth-it-for-back-pain")]
    pub path: String,
    /// The public page of a post on the clinic's website (`PUBLIC_SITE_URL`); null for others.
    pub url: Option<String>,
}

crate::envelope!(WebhookResponse, Webhook);
crate::envelope!(WebhookListResponse, Vec<Webhook>);
crate::envelope!(DeliveryResponse, Delivery);
crate::list_envelope!(DeliveryList, Delivery);
