-- Each role assignment carries its organisation's path, so that "is this person in my area?" is
-- answered from one index of the assignments, without reading the organisation of each. The
-- Users search at national scale asks it of thousands of candidates. Triggers keep the copy
-- right whatever writes: a new assignment takes its organisation's path, and an organisation
-- whose path changes (an ODS move re-parents it, and every organisation under it) passes the
-- new path to its assignments.
ALTER TABLE role_assignments ADD COLUMN org_path TEXT NOT NULL DEFAULT '';
UPDATE role_assignments SET org_path = (SELECT path FROM organisations o WHERE o.id = role_assignments.organisation_id);

CREATE TRIGGER role_assignments_take_org_path AFTER INSERT ON role_assignments
BEGIN
    UPDATE role_assignments SET org_path = (SELECT path FROM organisations WHERE id = NEW.organisation_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER role_assignments_move_org_path AFTER UPDATE OF organisation_id ON role_assignments
BEGIN
    UPDATE role_assignments SET org_path = (SELECT path FROM organisations WHERE id = NEW.organisation_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER organisations_pass_path_on AFTER UPDATE OF path ON organisations
    WHEN OLD.path IS NOT NEW.path
BEGIN
    UPDATE role_assignments SET org_path = NEW.path WHERE organisation_id = NEW.id;
END;

-- A person's assignments with their areas and what visibility needs: read without the table.
CREATE INDEX role_assignments_user_area ON role_assignments (user_id, org_path, origin, status);
