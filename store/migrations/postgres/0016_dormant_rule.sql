-- Disabling accounts nobody has used for a while. `enabled_at` is when an administrator last
-- enabled the account again: its unused time counts from then, not from its last sign-in, so an
-- account enabled again is not disabled again at once. `dormancy_exempt_reason` is set by the
-- Service Desk for an account the rule must leave alone (a shared on-call account, say).
ALTER TABLE users ADD COLUMN enabled_at BIGINT;
ALTER TABLE users ADD COLUMN dormancy_exempt_reason TEXT;
-- The rule's search: active accounts, not exempt, by when they were last used.
CREATE INDEX users_unused_since ON users (COALESCE(last_signed_in_at, created_at))
    WHERE status = 'active' AND dormancy_exempt_reason IS NULL;
