-- Passkeys and security keys (WebAuthn), a person's second factor besides or instead of an
-- authenticator app. `credential_id` is the key's own id (base64url), unique across everyone;
-- `passkey` is the public key and its counters as the WebAuthn library keeps them (JSON): no
-- secret is stored. Each is named by its owner and removable.
CREATE TABLE passkeys (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id);
