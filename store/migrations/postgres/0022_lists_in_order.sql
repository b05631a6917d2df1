-- The registrations waiting in an area (Home's count and the Pending Actions list), found by the
-- assignment's path: only open registrations are indexed, so an area's are read without reading
-- the rest of the country's. text_pattern_ops: a path prefix is a LIKE, which this serves
-- whatever the database's collation.
CREATE INDEX role_assignments_open_registrations ON role_assignments (org_path text_pattern_ops)
    WHERE origin = 'registration' AND status IN ('pending', 'active');

-- The Users list in its sort orders, read from an index and stopped at the page's end: the
-- name search's indexes are text_pattern_ops, which serve a LIKE prefix but not an ORDER BY, so
-- the regional administrator's list sorted every user in the country for its first ten (1.2 s at
-- 1,000,000 users; 0.6 ms from this index). Email's order comes from its unique index.
CREATE INDEX users_by_last_name ON users (lower(last_name), id);
CREATE INDEX users_by_first_name ON users (lower(first_name), id);
