-- Invitations (issue 4; seed 003 §3, seed 004 §4; SPEC §4 flow 4). An invitation is a pending
-- role assignment (origin 'invitation') with a link: only the SHA-256 of its token is kept;
-- single use, expiring; resending replaces the token, withdrawing ends it.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    assignment_id BIGINT NOT NULL UNIQUE REFERENCES role_assignments (id),
    invited_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    withdrawn_at BIGINT
);
CREATE INDEX invitations_user ON invitations (user_id);
