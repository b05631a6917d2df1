-- A role may end by itself on a date (a locum's cover, a secondment): `ends_at` is the instant its
-- access ends, in seconds since the epoch; NULL for a role without an end. A request after that
-- instant is refused at once (the session's read compares it); the sweep then marks the role
-- ended: status 'revoked', `decided_at` = `ends_at`, `decided_by` NULL, which lists read as
-- "Expired".
ALTER TABLE role_assignments ADD COLUMN ends_at BIGINT;
-- The sweep finds the roles whose time is up, and the next end, through this index alone.
CREATE INDEX role_assignments_ends ON role_assignments (ends_at) WHERE status = 'active' AND ends_at IS NOT NULL;
