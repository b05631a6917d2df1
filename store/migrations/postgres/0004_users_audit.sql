-- The Users section and the audit trail (issue 4; SPEC §3, §4 flows 5 and 13).

-- Users search (seed 003 §2) by the start of first name, last name, email, organisation name, or
-- an exact ODS code: each is an index range scan (text_pattern_ops lets LIKE 'abc%' use the
-- index whatever the database's collation), never a scan of the table.
CREATE INDEX users_first_name_search ON users (lower(first_name) text_pattern_ops);
CREATE INDEX users_last_name_search ON users (lower(last_name) text_pattern_ops);
CREATE INDEX users_email_search ON users (email text_pattern_ops);
CREATE INDEX organisations_name_search ON organisations (lower(name) text_pattern_ops);

-- Append-only (SPEC §4 flow 13): the trigger below refuses every change but an insert. User ids
-- carry no foreign key, so that an event outlives a pending registration that is deleted.
CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
