-- Connected services: the applications that sign their users in through Gatehouse with OpenID
-- Connect. A confidential service keeps a secret of which only the SHA-256 hash is kept here; a
-- public one (no secret) proves each code with PKCE alone. Addresses are kept one per line and
-- matched exactly.
CREATE TABLE connected_services (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    backchannel_logout_uri TEXT,
    secret_hash TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The keys that sign tokens (ES256). The private half is encrypted with the key the operator
-- gives in configuration; the public half is published from `signs_from` minus the publishing
-- lead until `retired_at`, so services have it before the first token it signs and after the last.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    public_jwk TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    signs_from BIGINT NOT NULL,
    retired_at BIGINT
);
-- A grant: one sign-in of one person to one service, acting as one role. It lives while the
-- Gatehouse session it was made in lives (the session's id is followed through rotations), the
-- role stays active and the account enabled; `id` is the `sid` the service is told.
CREATE TABLE service_grants (
    id TEXT PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES connected_services (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    assignment_id BIGINT NOT NULL REFERENCES role_assignments (id),
    session_hash TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    ended_at BIGINT,
    ended_reason TEXT
);
CREATE INDEX service_grants_session ON service_grants (session_hash) WHERE ended_at IS NULL;
CREATE INDEX service_grants_live ON service_grants (created_at) WHERE ended_at IS NULL;
-- Authorization codes, hashed, single use, for a minute.
CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES service_grants (id),
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
-- Refresh tokens, hashed. Each is used once: using it gives the next; using it again ends the grant.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES service_grants (id),
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
-- Back-channel logouts to deliver, written with the ending of the grant; a worker posts each
-- (signing its logout token then) and retries with back-off, as the email outbox does.
CREATE TABLE logout_outbox (
    id INTEGER PRIMARY KEY,
    grant_id TEXT NOT NULL,
    service_id BIGINT NOT NULL REFERENCES connected_services (id),
    uri TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX logout_outbox_due ON logout_outbox (next_attempt_at) WHERE sent_at IS NULL;
