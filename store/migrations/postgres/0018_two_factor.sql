-- Two-factor sign-in. An authenticator app (TOTP) per person: its secret as base32 text (the
-- server must compute codes from it, so it cannot be a hash), `confirmed_at` empty while it is
-- being set up (a code from the app confirms it), and the last time step a code was accepted at,
-- so that a code is accepted once. Recovery codes are kept only as SHA-256 hashes; each is used
-- once.
CREATE TABLE authenticator_apps (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
-- How the session's person proved who they are (`pwd`, `pwd otp`, ...), and when a second factor
-- was last used on it: what sign-in waits for and what the dangerous actions ask to be recent.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT;
