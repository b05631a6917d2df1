-- Access reviews. A review lists every active role of an area at the moment it starts; its
-- rows are a snapshot (names, organisation, role, payment types, clusters, last sign-in, who
-- granted it), so what the reviewer reads does not change while they review, whatever happens
-- to the roles meanwhile. Each row is marked Keep or End; completing the review ends the roles
-- marked to end and records on each row what became of it.
CREATE TABLE access_reviews (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    started_by BIGINT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    -- What completion does with rows nobody reviewed.
    unreviewed TEXT NOT NULL CHECK (unreviewed IN ('keep', 'end')),
    -- When the starter was last reminded that the review is past its due date.
    reminded_at BIGINT,
    completed_at BIGINT,
    completed_by BIGINT REFERENCES users (id),
    -- A scheduled review starts again this many days after it started (365: every 12 months),
    -- once: `repeated_as` is the review that followed it (0 when it could not start).
    repeat_days INTEGER,
    repeated_as BIGINT,
    -- How many rows the snapshot took: it never changes.
    total INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_reviews_overdue ON access_reviews (due_at) WHERE completed_at IS NULL;
CREATE INDEX access_reviews_repeat ON access_reviews (started_at)
    WHERE repeat_days IS NOT NULL AND repeated_as IS NULL;

-- A review's area: organisations, each with everything below it when `subtree`.
CREATE TABLE access_review_roots (
    review_id BIGINT NOT NULL REFERENCES access_reviews (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    subtree BOOLEAN NOT NULL,
    PRIMARY KEY (review_id, organisation_id)
);
CREATE INDEX access_review_roots_organisation ON access_review_roots (organisation_id);

-- The organisations a review's rows are at, taken with the snapshot: a page finds those outside
-- its viewer's scope among these few rather than joining every row to its organisation.
CREATE TABLE access_review_orgs (
    review_id BIGINT NOT NULL REFERENCES access_reviews (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (review_id, organisation_id)
);

CREATE TABLE access_review_items (
    review_id BIGINT NOT NULL REFERENCES access_reviews (id),
    assignment_id BIGINT NOT NULL REFERENCES role_assignments (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- lower(last name) and lower(first name): the order a review's pages are read in.
    sort_key TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    org_code TEXT NOT NULL,
    org_name TEXT NOT NULL,
    role_name TEXT NOT NULL,
    -- Names, comma-separated; empty: all payment types, or no cluster restriction.
    payment_types TEXT NOT NULL,
    clusters TEXT NOT NULL,
    last_signed_in_at BIGINT,
    -- When the account was last used at the start: its last sign-in, or its making if it never
    -- signed in (what "Dormant" is measured from, as on Users).
    last_used_at BIGINT NOT NULL,
    granted_by TEXT,
    granted_at BIGINT NOT NULL,
    decision TEXT CHECK (decision IN ('keep', 'end')),
    reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    outcome TEXT CHECK (outcome IN ('kept', 'ended', 'already_ended')),
    PRIMARY KEY (review_id, assignment_id)
);
-- A page in reading order (with the last use, for the "not signed in" filter); the same by
-- decision (the progress and its filters) and by organisation (the "by practice" filter, and
-- the review's organisations). A page's keys come from these alone, however deep the page.
CREATE INDEX access_review_items_page ON access_review_items (review_id, sort_key, assignment_id, last_used_at);
CREATE INDEX access_review_items_decision ON access_review_items (review_id, decision, sort_key, assignment_id);
CREATE INDEX access_review_items_org ON access_review_items (review_id, organisation_id, sort_key, assignment_id);
