-- A tenant's whole ERP. IDs are UUIDv7 text (time-ordered, so keyset pages follow creation order).
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    password_changed_at  TEXT NOT NULL,
    token_epoch          INTEGER NOT NULL DEFAULT 0,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE password_history (
    user_id        TEXT NOT NULL REFERENCES users (id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, created_at);

CREATE TABLE roles (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    description  TEXT NOT NULL DEFAULT '',
    builtin      INTEGER NOT NULL DEFAULT 0,
    permissions  TEXT NOT NULL DEFAULT '[]',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users (id),
    role_id  TEXT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_by_role ON user_roles (role_id);

CREATE TABLE branches (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    state_code  TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    gstin       TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE user_branches (
    user_id    TEXT NOT NULL REFERENCES users (id),
    branch_id  TEXT NOT NULL REFERENCES branches (id),
    PRIMARY KEY (user_id, branch_id)
);

-- PAN, Aadhaar and bank account numbers exist here only as AES-256-GCM ciphertext
-- (*_enc), their masked display form, and an HMAC blind index for exact lookup.
CREATE TABLE employees (
    id                     TEXT PRIMARY KEY,
    employee_code          TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    email                  TEXT,
    phone                  TEXT,
    branch_id              TEXT NOT NULL REFERENCES branches (id),
    department             TEXT NOT NULL DEFAULT '',
    designation            TEXT NOT NULL DEFAULT '',
    date_of_joining        TEXT,
    pan_enc                BLOB,
    pan_masked             TEXT,
    pan_bidx               TEXT,
    aadhaar_enc            BLOB,
    aadhaar_masked         TEXT,
    aadhaar_bidx           TEXT,
    bank_account_enc       BLOB,
    bank_account_masked    TEXT,
    bank_ifsc              TEXT,
    bank_name              TEXT,
    monthly_salary_paise   INTEGER NOT NULL DEFAULT 0 CHECK (monthly_salary_paise >= 0),
    status                 TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'exited')),
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX employees_by_branch ON employees (branch_id, id);
CREATE INDEX employees_by_name ON employees (name COLLATE NOCASE, id);
CREATE INDEX employees_by_pan ON employees (pan_bidx);
CREATE INDEX employees_by_aadhaar ON employees (aadhaar_bidx);

CREATE TABLE customers (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    gstin            TEXT,
    state_code       TEXT NOT NULL,
    email            TEXT,
    phone            TEXT,
    billing_address  TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX customers_by_name ON customers (name COLLATE NOCASE, id);
CREATE INDEX customers_by_gstin ON customers (gstin);

CREATE TABLE items (
    id                TEXT PRIMARY KEY,
    sku               TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    hsn_sac           TEXT NOT NULL,
    unit              TEXT NOT NULL,
    unit_price_paise  INTEGER NOT NULL CHECK (unit_price_paise >= 0),
    gst_rate_bp       INTEGER NOT NULL CHECK (gst_rate_bp IN (0, 25, 300, 500, 1200, 1800, 2800, 4000)),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE invoices (
    id                   TEXT PRIMARY KEY,
    branch_id            TEXT NOT NULL REFERENCES branches (id),
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    number               TEXT UNIQUE,
    fy                   TEXT,
    seq                  INTEGER,
    status               TEXT NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'cancelled')),
    invoice_date         TEXT NOT NULL,
    due_date             TEXT NOT NULL,
    notes                TEXT NOT NULL DEFAULT '',
    intra_state          INTEGER NOT NULL,
    taxable_total_paise  INTEGER NOT NULL,
    cgst_total_paise     INTEGER NOT NULL,
    sgst_total_paise     INTEGER NOT NULL,
    igst_total_paise     INTEGER NOT NULL,
    round_off_paise      INTEGER NOT NULL,
    grand_total_paise    INTEGER NOT NULL,
    amount_paid_paise    INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid_paise >= 0 AND amount_paid_paise <= grand_total_paise),
    cancel_reason        TEXT,
    issued_at            TEXT,
    cancelled_at         TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (branch_id, fy, seq)
);
CREATE INDEX invoices_by_status ON invoices (status, id);
CREATE INDEX invoices_by_customer ON invoices (customer_id, id);
CREATE INDEX invoices_by_branch ON invoices (branch_id, id);
CREATE INDEX invoices_by_date ON invoices (invoice_date, id);

CREATE TABLE invoice_lines (
    invoice_id        TEXT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    item_id           TEXT NOT NULL REFERENCES items (id),
    description       TEXT NOT NULL,
    hsn_sac           TEXT NOT NULL,
    unit              TEXT NOT NULL,
    quantity_milli    INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_paise  INTEGER NOT NULL CHECK (unit_price_paise >= 0),
    discount_paise    INTEGER NOT NULL DEFAULT 0 CHECK (discount_paise >= 0),
    gst_rate_bp       INTEGER NOT NULL,
    taxable_paise     INTEGER NOT NULL,
    cgst_paise        INTEGER NOT NULL,
    sgst_paise        INTEGER NOT NULL,
    igst_paise        INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

-- The last number used per branch and financial year; bumped in the issuing transaction.
CREATE TABLE invoice_sequences (
    branch_id  TEXT NOT NULL REFERENCES branches (id),
    fy         TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (branch_id, fy)
);

CREATE TABLE payments (
    id            TEXT PRIMARY KEY,
    invoice_id    TEXT NOT NULL REFERENCES invoices (id),
    amount_paise  INTEGER NOT NULL CHECK (amount_paise > 0),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'bank_transfer', 'card', 'cheque')),
    reference     TEXT NOT NULL DEFAULT '',
    received_on   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX payments_by_invoice ON payments (invoice_id, id);

CREATE TABLE idempotency_keys (
    user_id          TEXT NOT NULL,
    idem_key         TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    response_status  INTEGER NOT NULL,
    response_body    TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Uploaded documents: metadata here, encrypted content in file_chunks.
CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    entity        TEXT NOT NULL CHECK (entity IN ('employee', 'invoice')),
    entity_id     TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    scan          TEXT NOT NULL CHECK (scan IN ('clean', 'unscanned')),
    chunk_count   INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX files_by_entity ON files (entity, entity_id);

CREATE TABLE file_chunks (
    file_id  TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (file_id, idx)
);

-- Tamper-evident, append-only audit trail: hash = SHA-256(prev_hash || canonical event).
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    request_id  TEXT,
    ip          TEXT,
    changes     TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit_events (entity, entity_id, seq);
CREATE INDEX audit_by_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_by_action ON audit_events (action, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
