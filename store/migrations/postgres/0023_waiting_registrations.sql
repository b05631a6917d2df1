-- A registration waits for review (or, once approved, for its person to set a password) only
-- while the person's account is still pending. Each assignment carries that fact, so that Home's
-- count and the Pending Actions list are answered from one index of the assignments, without
-- reading the person of each waiting registration: at 1,000,000 users a region has a thousand of
-- them, scattered through the users table. Triggers keep the copy right whatever writes: a new
-- assignment takes its person's state, and a person whose account changes state (activated,
-- disabled, enabled again) passes it to their assignments.
ALTER TABLE role_assignments ADD COLUMN account_pending BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE role_assignments a SET account_pending = TRUE FROM users u
    WHERE u.id = a.user_id AND u.status = 'pending';

CREATE FUNCTION role_assignments_take_account_state() RETURNS trigger AS $$
BEGIN
    NEW.account_pending := EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND status = 'pending');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER role_assignments_take_account_state BEFORE INSERT OR UPDATE OF user_id
    ON role_assignments FOR EACH ROW EXECUTE FUNCTION role_assignments_take_account_state();

CREATE FUNCTION users_pass_account_state_on() RETURNS trigger AS $$
BEGIN
    UPDATE role_assignments SET account_pending = (NEW.status = 'pending') WHERE user_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER users_pass_account_state_on AFTER UPDATE OF status ON users
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION users_pass_account_state_on();

-- The waiting registrations of an area, with the role and the date the list filters and sorts
-- by: only waiting registrations are indexed, and the count and a page's ids are read from this
-- index alone.
DROP INDEX role_assignments_open_registrations;
CREATE INDEX role_assignments_waiting
    ON role_assignments (org_path text_pattern_ops, role_id, created_at, id)
    WHERE origin = 'registration' AND status IN ('pending', 'active') AND account_pending;

-- The planner must know the new column's values to choose this index: without statistics it read
-- every open registration in the country through the index of one registration a person
-- (18 ms at 1,000,000 users, against 1.3 ms from this one), and the few rows this migration
-- changed are too few to wake the autovacuum's analysis of a large table.
ANALYZE role_assignments;
