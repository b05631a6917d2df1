-- Issue 9: the Users search tests, for each matching user, whether they hold an assignment in
-- the viewer's scope. With the organisation in the index that test reads the index alone, not
-- each assignment row too (a fifth of the search's time over 100,000 users). Not on PostgreSQL:
-- there the planner took the wider index as a reason to probe it once per organisation in scope,
-- and the Users page of a small database took five times as long.
DROP INDEX role_assignments_user;
CREATE INDEX role_assignments_user ON role_assignments (user_id, organisation_id);
