-- Service Provider Clusters (seeds 000, 001; SPEC §3): a named set of organisations below the
-- organisation that owns it. An assignment restricted to live clusters reaches only their
-- members and the members' descendants. A retired cluster restricts nobody and is kept for audit.
CREATE TABLE clusters (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    short_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The name folded to lower case: unique among the owner's live clusters.
    name_key TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    retired_at BIGINT
);
CREATE UNIQUE INDEX clusters_live_name ON clusters (organisation_id, name_key) WHERE retired_at IS NULL;
CREATE INDEX clusters_owner ON clusters (organisation_id, created_at);

CREATE TABLE cluster_members (
    cluster_id BIGINT NOT NULL REFERENCES clusters (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (cluster_id, organisation_id)
);

CREATE TABLE assignment_clusters (
    assignment_id BIGINT NOT NULL REFERENCES role_assignments (id),
    cluster_id BIGINT NOT NULL REFERENCES clusters (id),
    PRIMARY KEY (assignment_id, cluster_id)
);
CREATE INDEX assignment_clusters_cluster ON assignment_clusters (cluster_id);
