-- The Users section and the audit trail (issue 4; SPEC §3, §4 flows 5 and 13).

-- Users search (seed 003 §2) by the start of first name, last name, email, organisation name, or
-- an exact ODS code: each is a range scan on one of these indexes, never a scan of the table.
-- The email's own unique index serves the email prefix; the code's serves the code.
CREATE INDEX users_first_name_search ON users (lower(first_name));
CREATE INDEX users_last_name_search ON users (lower(last_name));
CREATE INDEX organisations_name_search ON organisations (lower(name));

-- Append-only (SPEC §4 flow 13): the triggers below refuse every change but an insert. User ids
-- carry no foreign key, so that an event outlives a pending registration that is deleted.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    acting_as TEXT,
    action TEXT NOT NULL,
    target_user_id BIGINT,
    organisation_id BIGINT REFERENCES organisations (id),
    reason TEXT,
    origin TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, at);
CREATE INDEX audit_events_target ON audit_events (target_user_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, at);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
