-- Each role assignment carries its organisation's path, so that "is this person in my area?" is
-- answered from one index of the assignments, without reading the organisation of each. The
-- Users search at national scale asks it of thousands of candidates. Triggers keep the copy
-- right whatever writes: a new assignment takes its organisation's path, and an organisation
-- whose path changes (an ODS move re-parents it, and every organisation under it) passes the
-- new path to its assignments. The "C" collation lets LIKE 'prefix%' use the index.
ALTER TABLE role_assignments ADD COLUMN org_path TEXT COLLATE "C";
UPDATE role_assignments a SET org_path = o.path FROM organisations o WHERE o.id = a.organisation_id;
ALTER TABLE role_assignments ALTER COLUMN org_path SET NOT NULL;

CREATE FUNCTION role_assignments_take_org_path() RETURNS trigger AS $$
BEGIN
    NEW.org_path := (SELECT path FROM organisations WHERE id = NEW.organisation_id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER role_assignments_take_org_path BEFORE INSERT OR UPDATE OF organisation_id
    ON role_assignments FOR EACH ROW EXECUTE FUNCTION role_assignments_take_org_path();

CREATE FUNCTION organisations_pass_path_on() RETURNS trigger AS $$
BEGIN
    UPDATE role_assignments SET org_path = NEW.path WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisations_pass_path_on AFTER UPDATE OF path ON organisations
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION organisations_pass_path_on();

-- The area's assignments in path order, with what visibility needs: read without the table.
CREATE INDEX role_assignments_area ON role_assignments (org_path, user_id, origin, status);
