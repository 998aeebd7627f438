-- migrate: foreign_keys=off
-- Tax documents: the company profile, numbering series, frozen copies of what an issued
-- invoice prints, supply types, credit and debit notes, customer credit.
--
-- `invoices` and `payments` are rebuilt (SQLite cannot change a CHECK in place): debit
-- notes let the amount paid exceed the invoice's own total, and refunds are negative
-- payments. Foreign keys are off while the tables are swapped (the migrator turns them
-- off for this file and runs `PRAGMA foreign_key_check` before committing).

CREATE TABLE company (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    legal_name           TEXT NOT NULL DEFAULT '',
    trade_name           TEXT NOT NULL DEFAULT '',
    pan                  TEXT,
    registered_address   TEXT NOT NULL DEFAULT '',
    bank_account_enc     BLOB,
    bank_account_masked  TEXT,
    bank_ifsc            TEXT,
    bank_name            TEXT,
    upi_id               TEXT,
    invoice_terms        TEXT NOT NULL DEFAULT '',
    e_invoicing          INTEGER NOT NULL DEFAULT 0,
    logo_id              TEXT,
    logo_type            TEXT,
    logo                 BLOB,
    version              INTEGER NOT NULL DEFAULT 1,
    updated_at           TEXT NOT NULL
);
INSERT INTO company (id, updated_at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- A numbering series: one per branch and document type; prefixes unique in the tenant.
CREATE TABLE doc_series (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    doc_type    TEXT NOT NULL CHECK (doc_type IN ('invoice', 'credit_note', 'debit_note')),
    prefix      TEXT NOT NULL UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (branch_id, doc_type)
);

-- The last sequence number used per series and financial year; bumped in the issuing
-- transaction, so a rollback gives the number back.
CREATE TABLE doc_sequences (
    series_id  TEXT NOT NULL REFERENCES doc_series (id),
    fy         TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (series_id, fy)
);

-- Every number ever issued, whatever the document: unique in the tenant.
CREATE TABLE issued_numbers (
    number    TEXT PRIMARY KEY,
    doc_type  TEXT NOT NULL,
    doc_id    TEXT NOT NULL
);
INSERT INTO issued_numbers (number, doc_type, doc_id)
    SELECT number, 'invoice', id FROM invoices WHERE number IS NOT NULL;

ALTER TABLE customers ADD COLUMN registration TEXT NOT NULL DEFAULT 'regular'
    CHECK (registration IN ('regular', 'unregistered', 'sez', 'export'));
ALTER TABLE customers ADD COLUMN credit_balance_paise INTEGER NOT NULL DEFAULT 0
    CHECK (credit_balance_paise >= 0);
UPDATE customers SET registration = 'unregistered' WHERE gstin IS NULL;

CREATE TABLE invoices_new (
    id                   TEXT PRIMARY KEY,
    branch_id            TEXT NOT NULL REFERENCES branches (id),
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    series_id            TEXT REFERENCES doc_series (id),
    number               TEXT UNIQUE,
    fy                   TEXT,
    seq                  INTEGER,
    status               TEXT NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'cancelled')),
    invoice_date         TEXT NOT NULL,
    due_date             TEXT NOT NULL,
    notes                TEXT NOT NULL DEFAULT '',
    supply_type          TEXT NOT NULL DEFAULT 'regular'
                         CHECK (supply_type IN ('regular', 'unregistered', 'sez', 'export')),
    lut                  INTEGER NOT NULL DEFAULT 0,
    reverse_charge       INTEGER NOT NULL DEFAULT 0,
    intra_state          INTEGER NOT NULL,
    place_of_supply      TEXT,
    seller               TEXT,
    buyer                TEXT,
    taxable_total_paise  INTEGER NOT NULL,
    cgst_total_paise     INTEGER NOT NULL,
    sgst_total_paise     INTEGER NOT NULL,
    igst_total_paise     INTEGER NOT NULL,
    round_off_paise      INTEGER NOT NULL,
    grand_total_paise    INTEGER NOT NULL,
    amount_paid_paise    INTEGER NOT NULL DEFAULT 0,
    credited_paise       INTEGER NOT NULL DEFAULT 0,
    debited_paise        INTEGER NOT NULL DEFAULT 0,
    cancel_reason        TEXT,
    issued_at            TEXT,
    cancelled_at         TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (amount_paid_paise >= 0 AND credited_paise >= 0 AND debited_paise >= 0),
    CHECK (amount_paid_paise + credited_paise <= grand_total_paise + debited_paise),
    CHECK (status = 'draft' OR (seller IS NOT NULL AND buyer IS NOT NULL AND place_of_supply IS NOT NULL)),
    UNIQUE (series_id, fy, seq)
);

-- Invoices issued before this migration get copies of the data as it stands now; their
-- seller's legal name is the branch name, which is what their print showed.
INSERT INTO invoices_new (id, branch_id, customer_id, series_id, number, fy, seq, status,
    invoice_date, due_date, notes, supply_type, lut, reverse_charge, intra_state,
    place_of_supply, seller, buyer, taxable_total_paise, cgst_total_paise, sgst_total_paise,
    igst_total_paise, round_off_paise, grand_total_paise, amount_paid_paise, cancel_reason,
    issued_at, cancelled_at, version, created_at, updated_at)
SELECT i.id, i.branch_id, i.customer_id, NULL, i.number, i.fy, i.seq, i.status,
    i.invoice_date, i.due_date, i.notes, c.registration, 0, 0, i.intra_state,
    CASE WHEN i.status = 'draft' THEN NULL ELSE c.state_code END,
    CASE WHEN i.status = 'draft' THEN NULL ELSE json_object(
        'legal_name', b.name, 'trade_name', '', 'gstin', b.gstin, 'address', b.address,
        'state_code', b.state_code, 'pan', NULL) END,
    CASE WHEN i.status = 'draft' THEN NULL ELSE json_object(
        'name', c.name, 'gstin', c.gstin, 'billing_address', c.billing_address,
        'state_code', c.state_code, 'registration', c.registration) END,
    i.taxable_total_paise, i.cgst_total_paise, i.sgst_total_paise, i.igst_total_paise,
    i.round_off_paise, i.grand_total_paise, i.amount_paid_paise, i.cancel_reason,
    i.issued_at, i.cancelled_at, i.version, i.created_at, i.updated_at
FROM invoices i JOIN branches b ON b.id = i.branch_id JOIN customers c ON c.id = i.customer_id;

-- The file-owner trigger names `invoices`; a rename checks every trigger, so it goes
-- while the table is swapped and comes back unchanged.
DROP TRIGGER files_need_owner;
DROP TABLE invoices;
ALTER TABLE invoices_new RENAME TO invoices;
CREATE TRIGGER files_need_owner BEFORE INSERT ON files
WHEN (NEW.entity = 'employee' AND NOT EXISTS (SELECT 1 FROM employees WHERE id = NEW.entity_id))
  OR (NEW.entity = 'invoice' AND NOT EXISTS (SELECT 1 FROM invoices WHERE id = NEW.entity_id))
BEGIN
    SELECT RAISE(ABORT, 'file owner does not exist');
END;
CREATE INDEX invoices_by_status ON invoices (status, id);
CREATE INDEX invoices_by_customer ON invoices (customer_id, id);
CREATE INDEX invoices_by_branch ON invoices (branch_id, id);
CREATE INDEX invoices_by_date ON invoices (invoice_date, id);

CREATE TRIGGER invoices_take_files AFTER DELETE ON invoices
BEGIN
    DELETE FROM files WHERE entity = 'invoice' AND entity_id = OLD.id;
END;

-- What an issued invoice prints never changes: only its payment state, its credit and
-- debit notes and its cancellation may.
CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND (
    NEW.number IS NOT OLD.number OR NEW.fy IS NOT OLD.fy OR NEW.seq IS NOT OLD.seq
    OR NEW.branch_id IS NOT OLD.branch_id OR NEW.customer_id IS NOT OLD.customer_id
    OR NEW.invoice_date IS NOT OLD.invoice_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.notes IS NOT OLD.notes OR NEW.supply_type IS NOT OLD.supply_type
    OR NEW.lut IS NOT OLD.lut OR NEW.reverse_charge IS NOT OLD.reverse_charge
    OR NEW.intra_state IS NOT OLD.intra_state OR NEW.place_of_supply IS NOT OLD.place_of_supply
    OR NEW.seller IS NOT OLD.seller OR NEW.buyer IS NOT OLD.buyer
    OR NEW.taxable_total_paise IS NOT OLD.taxable_total_paise
    OR NEW.cgst_total_paise IS NOT OLD.cgst_total_paise
    OR NEW.sgst_total_paise IS NOT OLD.sgst_total_paise
    OR NEW.igst_total_paise IS NOT OLD.igst_total_paise
    OR NEW.round_off_paise IS NOT OLD.round_off_paise
    OR NEW.grand_total_paise IS NOT OLD.grand_total_paise
    OR NEW.status = 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is frozen');
END;

CREATE TRIGGER invoices_no_delete_issued BEFORE DELETE ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be deleted');
END;

CREATE TRIGGER invoice_lines_frozen_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are frozen');
END;

CREATE TRIGGER invoice_lines_frozen_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are frozen');
END;

CREATE TRIGGER invoice_lines_frozen_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are frozen');
END;

CREATE TABLE payments_new (
    id            TEXT PRIMARY KEY,
    invoice_id    TEXT NOT NULL REFERENCES invoices (id),
    customer_id   TEXT NOT NULL REFERENCES customers (id),
    -- Negative: a refund of customer credit.
    amount_paise  INTEGER NOT NULL CHECK (amount_paise <> 0),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'bank_transfer', 'card', 'cheque', 'credit')),
    reference     TEXT NOT NULL DEFAULT '',
    received_on   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK (amount_paise > 0 OR method <> 'credit')
);
INSERT INTO payments_new (id, invoice_id, customer_id, amount_paise, method, reference,
    received_on, created_by, created_at)
SELECT p.id, p.invoice_id, i.customer_id, p.amount_paise, p.method, p.reference,
    p.received_on, p.created_by, p.created_at
FROM payments p JOIN invoices i ON i.id = p.invoice_id;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_by_invoice ON payments (invoice_id, id);
CREATE INDEX payments_by_customer ON payments (customer_id, id);

-- Credit and debit notes (s. 34, Rule 53): against one issued invoice each.
CREATE TABLE notes (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('credit', 'debit')),
    invoice_id           TEXT NOT NULL REFERENCES invoices (id),
    branch_id            TEXT NOT NULL REFERENCES branches (id),
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    series_id            TEXT REFERENCES doc_series (id),
    number               TEXT UNIQUE,
    fy                   TEXT,
    seq                  INTEGER,
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    note_date            TEXT NOT NULL,
    reason               TEXT NOT NULL CHECK (reason IN ('sales_return', 'post_sale_discount',
                             'deficiency_in_services', 'correction_in_invoice', 'change_in_pos', 'others')),
    taxable_total_paise  INTEGER NOT NULL,
    cgst_total_paise     INTEGER NOT NULL,
    sgst_total_paise     INTEGER NOT NULL,
    igst_total_paise     INTEGER NOT NULL,
    round_off_paise      INTEGER NOT NULL,
    grand_total_paise    INTEGER NOT NULL CHECK (grand_total_paise >= 0),
    applied_paise        INTEGER NOT NULL DEFAULT 0 CHECK (applied_paise >= 0),
    to_credit_paise      INTEGER NOT NULL DEFAULT 0 CHECK (to_credit_paise >= 0),
    place_of_supply      TEXT,
    seller               TEXT,
    buyer                TEXT,
    issued_at            TEXT,
    created_by           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (status = 'draft' OR (number IS NOT NULL AND seller IS NOT NULL AND buyer IS NOT NULL)),
    UNIQUE (series_id, fy, seq)
);
CREATE INDEX notes_by_kind ON notes (kind, id);
CREATE INDEX notes_by_invoice ON notes (invoice_id, id);
CREATE INDEX notes_by_customer ON notes (customer_id, id);

CREATE TABLE note_lines (
    note_id         TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    line_no         INTEGER NOT NULL,
    invoice_line    INTEGER NOT NULL,
    item_id         TEXT NOT NULL,
    description     TEXT NOT NULL,
    hsn_sac         TEXT NOT NULL,
    unit            TEXT NOT NULL,
    -- NULL when the note changes the value only (a discount), not the quantity.
    quantity_milli  INTEGER CHECK (quantity_milli IS NULL OR quantity_milli > 0),
    gst_rate_bp     INTEGER NOT NULL,
    taxable_paise   INTEGER NOT NULL CHECK (taxable_paise >= 0),
    cgst_paise      INTEGER NOT NULL,
    sgst_paise      INTEGER NOT NULL,
    igst_paise      INTEGER NOT NULL,
    PRIMARY KEY (note_id, line_no)
);

CREATE TRIGGER notes_frozen BEFORE UPDATE ON notes
WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued note is frozen');
END;

CREATE TRIGGER notes_no_delete_issued BEFORE DELETE ON notes
WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued note cannot be deleted');
END;

CREATE TRIGGER note_lines_frozen_update BEFORE UPDATE ON note_lines
WHEN (SELECT status FROM notes WHERE id = OLD.note_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued note are frozen');
END;

CREATE TRIGGER note_lines_frozen_delete BEFORE DELETE ON note_lines
WHEN (SELECT status FROM notes WHERE id = OLD.note_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued note are frozen');
END;
