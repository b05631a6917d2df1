-- The organisation tree (SPEC §1). `path` is the materialised path '/1/7/42/' that makes
-- "is X below Y" a prefix test and a scope a range scan on an index.
CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('platform', 'commissioning', 'provider')),
    type_label TEXT NOT NULL,
    parent_id BIGINT REFERENCES organisations (id),
    path TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    contract_type TEXT CHECK (contract_type IN ('GMS', 'PMS', 'APMS')),
    multi_level_approval BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX organisations_path ON organisations (path);
CREATE INDEX organisations_parent ON organisations (parent_id);

-- The role catalogue is data (SPEC §2): filled by the next migration.
CREATE TABLE roles (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    approver_tier BOOLEAN NOT NULL,
    payment_restrictable BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL
);
CREATE TABLE role_holdings (
    role_id BIGINT NOT NULL REFERENCES roles (id),
    org_kind TEXT NOT NULL CHECK (org_kind IN ('platform', 'commissioning', 'provider')),
    description TEXT NOT NULL,
    PRIMARY KEY (role_id, org_kind)
);
CREATE TABLE role_capabilities (
    role_id BIGINT NOT NULL REFERENCES roles (id),
    capability TEXT NOT NULL,
    reach TEXT NOT NULL CHECK (reach IN ('subtree', 'organisation')),
    only_at TEXT CHECK (only_at IN ('platform', 'commissioning', 'provider')),
    PRIMARY KEY (role_id, capability)
);
-- Pairs of roles one user may not hold at one organisation (tier 1 and tier 2, SPEC §2).
CREATE TABLE role_conflicts (
    role_id BIGINT NOT NULL REFERENCES roles (id),
    other_role_id BIGINT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (role_id, other_role_id)
);
CREATE TABLE payment_types (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    password_hash TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE role_assignments (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role_id BIGINT NOT NULL REFERENCES roles (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'withdrawn', 'revoked')),
    reason TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX role_assignments_user ON role_assignments (user_id);
CREATE INDEX role_assignments_org ON role_assignments (organisation_id, status);

CREATE TABLE assignment_payment_types (
    assignment_id BIGINT NOT NULL REFERENCES role_assignments (id),
    payment_type TEXT NOT NULL REFERENCES payment_types (code),
    PRIMARY KEY (assignment_id, payment_type)
);

-- Server-side sessions (SPEC §6): only the SHA-256 of the cookie's token is kept.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    assignment_id BIGINT REFERENCES role_assignments (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The platform root, run by the Service Desk.
INSERT INTO organisations (id, code, name, kind, type_label, parent_id, path, start_date)
VALUES (1, 'GATEHOUSE', 'Gatehouse Service Desk', 'platform', 'Platform', NULL, '/1/', '2026-01-01');
SELECT setval(pg_get_serial_sequence('organisations', 'id'), 1);
