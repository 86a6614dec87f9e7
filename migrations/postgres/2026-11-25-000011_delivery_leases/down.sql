ALTER TABLE webhook_deliveries DROP COLUMN lease_until_ms;
ALTER TABLE webhook_deliveries DROP COLUMN lease_owner;
