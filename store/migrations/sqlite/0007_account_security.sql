-- Account security (issue 8; SPEC §6; seed 004 §6-8, §14).

-- Lock-out: consecutive failed sign-ins. An attempt is counted (reserved) before its password is
-- checked, so parallel guesses cannot exceed the limit; a success sets the count back to 0.
-- locked_at is set when the limit is reached and cleared only by the Service Desk.
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_at BIGINT;
CREATE INDEX users_locked ON users (locked_at);

-- Forgotten-password links: only the SHA-256 of the token is kept; single use, 1 hour. A new
-- request replaces the unused links before it.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

