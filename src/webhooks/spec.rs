//! What receivers get, in the OpenAPI document (3.1 `webhooks`), so they can generate types for it.

use serde_json::{json, Value};

pub fn payload(spec: &mut Value) {
    let header = |name: &str, description: &str, example: Value| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}, "example": example})
    };
    spec["webhooks"] = json!({
        "contentEvent": {
            "post": {
                "tags": ["webhooks"],
                "operationId": "receiveContentEvent",
                "security": [{}],
                "summary": "A content event, POSTed to each subscribed URL",
                "description": "Sent when content the public can see is published, updated, unpublished or deleted \
                    (and `ping` on request), signed as Standard Webhooks (standardwebhooks.com). To verify: \
                    base64-decode the secret after `whsec_`, compute HMAC-SHA256 of \
                    `{webhook-id}.{webhook-timestamp}.{raw body}`, base64 it and compare (in constant time) with \
                    the value after `v1,` in `webhook-signature`; reject timestamps more than 5 minutes away. \
                    Events of one subscription arrive one at a time, in order; a failed delivery is retried with \
                    exponential back-off, so drop duplicates by `webhook-id`.",
                "parameters": [
                    header("webhook-id", "The event's id: the same on every retry.", json!("evt_3q2k9x0d7m1b5c8a4e6f")),
                    header("webhook-timestamp", "Unix seconds when this attempt was signed.", json!("1764055200")),
                    header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 signature.",
                        json!("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")),
                ],
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/WebhookEvent"}}}},
                "responses": {"2XX": {"description": "Received. Any other status, or no answer within the timeout, is retried."}}
            }
        }
    });
}
