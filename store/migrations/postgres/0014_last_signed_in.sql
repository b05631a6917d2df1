-- When a session of the user last started (a sign-in, or a role switch within one): what "Dormant"
-- is measured from. Filled from the audit trail's sign-ins for accounts that already exist.
ALTER TABLE users ADD COLUMN last_signed_in_at BIGINT;
UPDATE users SET last_signed_in_at =
    (SELECT MAX(e.at) FROM audit_events e WHERE e.actor_user_id = users.id AND e.action = 'sign_in');
