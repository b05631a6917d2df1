-- The registrations waiting in an area (Home's count and the Pending Actions list), found by the
-- assignment's path: an area's open registrations are read without reading the rest of the
-- country's. Not a partial index: SQLite, without statistics, preferred the index of
-- (origin, status, created_at) to a partial index of paths, and so read every open registration
-- in the country; with the path third, this index matches more of the query and wins.
CREATE INDEX role_assignments_open_registrations ON role_assignments (origin, status, org_path);
