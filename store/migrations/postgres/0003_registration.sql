-- Self-registration, its review, activation links, in-app notifications and the email outbox
-- (issue 3; SPEC §4 flows 1-3, §5, §6).

-- seed 004 §15: "send me notifications" governs emails only.
ALTER TABLE users ADD COLUMN notify_by_email BOOLEAN NOT NULL DEFAULT TRUE;

-- How an assignment came about, the reason shown in Pending Actions' "Role Reason" column, and
-- who decided it (for "already decided by ...").
ALTER TABLE role_assignments ADD COLUMN origin TEXT NOT NULL DEFAULT 'admin'
    CHECK (origin IN ('admin', 'registration', 'invitation', 'request'));
ALTER TABLE role_assignments ADD COLUMN role_reason TEXT;
ALTER TABLE role_assignments ADD COLUMN decided_by BIGINT REFERENCES users (id);
CREATE INDEX role_assignments_origin ON role_assignments (origin, status, created_at);
-- A person has at most one registration under way (pending, or approved and not yet activated
-- or since activated): two racing submissions cannot both write one.
CREATE UNIQUE INDEX role_assignments_one_registration ON role_assignments (user_id)
    WHERE origin = 'registration' AND status IN ('pending', 'active');

-- Links sent by email (SPEC §6): only the SHA-256 of the token is kept; single use, expiring.
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('activation')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

-- In-app notifications; they always show, whatever the email setting.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    assignment_id BIGINT REFERENCES role_assignments (id),
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);
CREATE INDEX notifications_assignment ON notifications (assignment_id);

-- Every email is a row written in the transaction of the change that causes it; a worker sends
-- it. claimed_until is a lease, so two instances never send one row at once.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
