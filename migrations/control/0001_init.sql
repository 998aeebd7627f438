-- Control database: tenants, system administrators, sessions, key registry.
CREATE TABLE tenants (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE system_admins (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    token_epoch    INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);

-- One family per login; every refresh token of that login belongs to it.
CREATE TABLE token_families (
    id              TEXT PRIMARY KEY,
    scope           TEXT NOT NULL CHECK (scope IN ('tenant', 'system')),
    tenant          TEXT,
    user_id         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    revoked_reason  TEXT
);
CREATE INDEX token_families_by_user ON token_families (tenant, user_id);

-- Refresh tokens are stored only as SHA-256 hashes.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    spent_at    INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

-- Access tokens revoked before their expiry (logout). Pruned after expires_at.
CREATE TABLE revoked_tokens (
    jti         TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL
);

-- Per-tenant data keys, wrapped by the master key. One row per key version.
CREATE TABLE tenant_data_keys (
    tenant      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    wrapped     BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT,
    PRIMARY KEY (tenant, version)
);

-- Per-tenant blind-index keys (not rotated with data keys, so lookups keep working).
CREATE TABLE tenant_index_keys (
    tenant      TEXT PRIMARY KEY,
    wrapped     BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
