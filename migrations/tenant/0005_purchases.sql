-- Purchases: vendors, purchase bills (frozen once posted, like invoices) and vendor
-- payments. Bills post to the books in the transaction that posts them.

CREATE TABLE vendors (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    gstin            TEXT,
    state_code       TEXT NOT NULL,
    email            TEXT,
    phone            TEXT,
    billing_address  TEXT NOT NULL DEFAULT '',
    registration     TEXT NOT NULL
                     CHECK (registration IN ('regular', 'composition', 'unregistered', 'overseas')),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((gstin IS NULL) = (registration IN ('unregistered', 'overseas')))
);
CREATE INDEX vendors_by_name ON vendors (name COLLATE NOCASE, id);
CREATE INDEX vendors_by_gstin ON vendors (gstin);

CREATE TABLE bills (
    id                     TEXT PRIMARY KEY,
    vendor_id              TEXT NOT NULL REFERENCES vendors (id),
    branch_id              TEXT NOT NULL REFERENCES branches (id),
    supplier_invoice_no    TEXT NOT NULL,
    -- Upper-cased letters and digits only: `INV-001`, `INV/001` and `inv001` are one number.
    invoice_no_key         TEXT NOT NULL,
    supplier_invoice_date  TEXT NOT NULL,
    posting_date           TEXT NOT NULL,
    due_date               TEXT NOT NULL,
    -- The supplier invoice's financial year, e.g. 2026-27.
    fy                     TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'posted', 'partially_paid', 'paid', 'cancelled')),
    reverse_charge         INTEGER NOT NULL DEFAULT 0 CHECK (reverse_charge IN (0, 1)),
    intra_state            INTEGER NOT NULL CHECK (intra_state IN (0, 1)),
    notes                  TEXT NOT NULL DEFAULT '',
    -- The vendor as the bill was posted (name, GSTIN, state, registration); NULL on drafts.
    vendor                 TEXT,
    taxable_total_paise    INTEGER NOT NULL,
    cgst_total_paise       INTEGER NOT NULL,
    sgst_total_paise       INTEGER NOT NULL,
    igst_total_paise       INTEGER NOT NULL,
    round_off_paise        INTEGER NOT NULL,
    grand_total_paise      INTEGER NOT NULL CHECK (grand_total_paise >= 0),
    itc_cgst_paise         INTEGER NOT NULL,
    itc_sgst_paise         INTEGER NOT NULL,
    itc_igst_paise         INTEGER NOT NULL,
    amount_paid_paise      INTEGER NOT NULL DEFAULT 0,
    -- vendor | FY | invoice_no_key while posted; NULL for drafts and cancelled bills, so
    -- the unique index refuses a second posted bill of one supplier invoice, also when
    -- two are posted at once.
    duplicate_key          TEXT UNIQUE,
    cancel_reason          TEXT,
    posted_at              TEXT,
    cancelled_at           TEXT,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK (amount_paid_paise >= 0 AND amount_paid_paise <= grand_total_paise),
    CHECK (status = 'draft' OR vendor IS NOT NULL),
    CHECK ((duplicate_key IS NOT NULL) = (status IN ('posted', 'partially_paid', 'paid')))
);
CREATE INDEX bills_by_status ON bills (status, id);
CREATE INDEX bills_by_vendor ON bills (vendor_id, id);
CREATE INDEX bills_by_branch ON bills (branch_id, id);
CREATE INDEX bills_by_date ON bills (posting_date, id);
CREATE INDEX bills_by_invoice_no ON bills (vendor_id, fy, invoice_no_key);

CREATE TABLE bill_lines (
    bill_id           TEXT NOT NULL REFERENCES bills (id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    item_id           TEXT REFERENCES items (id),
    -- Where the cost goes: Purchases for items, the chosen account otherwise.
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    description       TEXT NOT NULL,
    hsn_sac           TEXT NOT NULL,
    unit              TEXT NOT NULL,
    quantity_milli    INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_paise  INTEGER NOT NULL CHECK (unit_price_paise >= 0),
    discount_paise    INTEGER NOT NULL DEFAULT 0 CHECK (discount_paise >= 0),
    gst_rate_bp       INTEGER NOT NULL,
    itc               TEXT NOT NULL CHECK (itc IN ('eligible', 'ineligible', 'blocked')),
    taxable_paise     INTEGER NOT NULL,
    cgst_paise        INTEGER NOT NULL,
    sgst_paise        INTEGER NOT NULL,
    igst_paise        INTEGER NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);

-- What a posted bill says is frozen: only its payment state and cancellation move.
CREATE TRIGGER bills_frozen BEFORE UPDATE ON bills
WHEN OLD.status <> 'draft' AND (
       NEW.vendor_id IS NOT OLD.vendor_id OR NEW.branch_id IS NOT OLD.branch_id
    OR NEW.supplier_invoice_no IS NOT OLD.supplier_invoice_no
    OR NEW.supplier_invoice_date IS NOT OLD.supplier_invoice_date
    OR NEW.posting_date IS NOT OLD.posting_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.reverse_charge IS NOT OLD.reverse_charge OR NEW.intra_state IS NOT OLD.intra_state
    OR NEW.notes IS NOT OLD.notes OR NEW.vendor IS NOT OLD.vendor
    OR NEW.taxable_total_paise IS NOT OLD.taxable_total_paise
    OR NEW.cgst_total_paise IS NOT OLD.cgst_total_paise
    OR NEW.sgst_total_paise IS NOT OLD.sgst_total_paise
    OR NEW.igst_total_paise IS NOT OLD.igst_total_paise
    OR NEW.round_off_paise IS NOT OLD.round_off_paise
    OR NEW.grand_total_paise IS NOT OLD.grand_total_paise
    OR NEW.itc_cgst_paise IS NOT OLD.itc_cgst_paise
    OR NEW.itc_sgst_paise IS NOT OLD.itc_sgst_paise
    OR NEW.itc_igst_paise IS NOT OLD.itc_igst_paise
    OR NEW.status = 'draft')
BEGIN
    SELECT RAISE(ABORT, 'a posted bill is frozen');
END;

CREATE TRIGGER bills_no_delete_posted BEFORE DELETE ON bills
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted bill is never deleted');
END;

CREATE TRIGGER bill_lines_frozen_update BEFORE UPDATE ON bill_lines
WHEN (SELECT status FROM bills WHERE id = OLD.bill_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted bill is frozen');
END;

CREATE TRIGGER bill_lines_frozen_delete BEFORE DELETE ON bill_lines
WHEN (SELECT status FROM bills WHERE id = OLD.bill_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted bill is frozen');
END;

CREATE TRIGGER bill_lines_frozen_insert BEFORE INSERT ON bill_lines
WHEN (SELECT status FROM bills WHERE id = NEW.bill_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted bill is frozen');
END;

CREATE TABLE vendor_payments (
    id            TEXT PRIMARY KEY,
    bill_id       TEXT NOT NULL REFERENCES bills (id),
    vendor_id     TEXT NOT NULL REFERENCES vendors (id),
    amount_paise  INTEGER NOT NULL CHECK (amount_paise > 0),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'bank_transfer', 'card', 'cheque')),
    reference     TEXT NOT NULL DEFAULT '',
    paid_on       TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX vendor_payments_by_bill ON vendor_payments (bill_id, id);
CREATE INDEX vendor_payments_by_vendor ON vendor_payments (vendor_id, id);

CREATE TRIGGER vendor_payments_immutable BEFORE UPDATE ON vendor_payments
BEGIN
    SELECT RAISE(ABORT, 'a vendor payment is never changed; record a reversing entry');
END;

CREATE TRIGGER vendor_payments_no_delete BEFORE DELETE ON vendor_payments
BEGIN
    SELECT RAISE(ABORT, 'a vendor payment is never deleted');
END;
