-- Several instances on one database: an instance claims a delivery before sending it by
-- writing who holds it and until when (Unix milliseconds). Another instance may take it over
-- only once the lease has run out, which happens only when the holder died mid-delivery.
ALTER TABLE webhook_deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN lease_until_ms INTEGER;
