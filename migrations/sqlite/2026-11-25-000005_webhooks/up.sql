-- Webhooks: subscriptions, the outbox of events (written in the same transaction as the
-- content change that caused them) and one delivery per event and subscription, which the
-- background worker works through in order per subscription.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    -- A JSON array of event patterns: "post.published", "faq.*", "*".
    events          TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- The signing secret ("whsec_" + base64). It signs every delivery, so it cannot be hashed;
    -- it is returned once, when the subscription is created, and never again.
    secret          TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE webhook_events (
    id              INTEGER PRIMARY KEY,
    -- The public id ("evt_…"), sent as `webhook-id`: the same on every retry, so receivers can
    -- drop duplicates.
    public_id       TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    -- The exact JSON body sent to receivers.
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds: retries back off in fractions of a second in tests.
    next_attempt_ms INTEGER NOT NULL,
    last_attempt_at TEXT,
    last_status_code INTEGER,
    last_error      TEXT,
    last_latency_ms INTEGER,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL
);
-- The worker's question: the oldest pending delivery of each subscription.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id DESC);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

-- Posts and FAQ entries scheduled to become public at a future time: when the time comes no
-- write happens, so the worker announces them (`post.published`) from here.
CREATE TABLE webhook_schedule (
    kind            TEXT NOT NULL,
    resource_id     INTEGER NOT NULL,
    due_at          TEXT NOT NULL,
    PRIMARY KEY (kind, resource_id)
);
CREATE INDEX webhook_schedule_by_due ON webhook_schedule (due_at);
