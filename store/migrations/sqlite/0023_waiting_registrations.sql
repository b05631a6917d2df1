-- A registration waits for review (or, once approved, for its person to set a password) only
-- while the person's account is still pending. Each assignment carries that fact, so that Home's
-- count and the Pending Actions list are answered from one index of the assignments, without
-- reading the person of each waiting registration: at 1,000,000 users a region has a thousand of
-- them, scattered through the users table. Triggers keep the copy right whatever writes: a new
-- assignment takes its person's state, and a person whose account changes state (activated,
-- disabled, enabled again) passes it to their assignments.
ALTER TABLE role_assignments ADD COLUMN account_pending BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE role_assignments SET account_pending =
    EXISTS (SELECT 1 FROM users u WHERE u.id = role_assignments.user_id AND u.status = 'pending');

CREATE TRIGGER role_assignments_take_account_state AFTER INSERT ON role_assignments
BEGIN
    UPDATE role_assignments SET account_pending =
        EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND status = 'pending')
        WHERE id = NEW.id;
END;
CREATE TRIGGER role_assignments_move_account_state AFTER UPDATE OF user_id ON role_assignments
BEGIN
    UPDATE role_assignments SET account_pending =
        EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND status = 'pending')
        WHERE id = NEW.id;
END;
CREATE TRIGGER users_pass_account_state_on AFTER UPDATE OF status ON users
    WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE role_assignments SET account_pending = (NEW.status = 'pending') WHERE user_id = NEW.id;
END;

-- The waiting registrations of an area, with the role and the date the list filters and sorts
-- by: the count and a page's ids are read from this index alone.
DROP INDEX role_assignments_open_registrations;
CREATE INDEX role_assignments_waiting
    ON role_assignments (origin, account_pending, status, org_path, role_id, created_at);
