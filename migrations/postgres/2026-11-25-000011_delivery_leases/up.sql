-- Several instances on one database: who holds a delivery and until when (Unix milliseconds).
ALTER TABLE webhook_deliveries ADD COLUMN lease_owner TEXT COLLATE "C";
ALTER TABLE webhook_deliveries ADD COLUMN lease_until_ms BIGINT;
