-- GSTR-2B statements as imported: one per recipient GSTIN and return period (a new
-- import of the same period replaces the old one). Reconciliation with the bills is
-- computed when read, so it follows corrections to the books.

CREATE TABLE gstr2b_imports (
    id            TEXT PRIMARY KEY,
    gstin         TEXT NOT NULL,
    -- MMYYYY, as the portal writes it.
    period        TEXT NOT NULL,
    generated_on  TEXT,
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    UNIQUE (gstin, period)
);

CREATE TABLE gstr2b_documents (
    import_id       TEXT NOT NULL REFERENCES gstr2b_imports (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    supplier_gstin  TEXT NOT NULL,
    supplier_name   TEXT NOT NULL,
    invoice_no      TEXT NOT NULL,
    invoice_no_key  TEXT NOT NULL,
    invoice_date    TEXT NOT NULL,
    fy              TEXT NOT NULL,
    taxable_paise   INTEGER NOT NULL,
    cgst_paise      INTEGER NOT NULL,
    sgst_paise      INTEGER NOT NULL,
    igst_paise      INTEGER NOT NULL,
    value_paise     INTEGER NOT NULL,
    reverse_charge  INTEGER NOT NULL,
    itc_available   INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;
