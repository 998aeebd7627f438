-- Books: an Indian chart of accounts, journals whose balance the database enforces, and
-- per-account per-day totals maintained on posting so reports never scan the journal.
-- Existing issued documents are posted by the Rust step that runs after this file, in
-- the same transaction (`modules::books::posting::backfill`).

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    type        TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    parent_id   TEXT REFERENCES accounts (id),
    is_group    INTEGER NOT NULL CHECK (is_group IN (0, 1)),
    -- The accounts the posting rules use; NULL for accounts a user added.
    system_key  TEXT UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX accounts_by_parent ON accounts (parent_id, code);

-- The chart every tenant starts with (Tally's groups, named as Indian accountants do).
CREATE TEMP TABLE chart_seed (code TEXT, name TEXT, type TEXT, parent TEXT, is_group INTEGER, key TEXT);
INSERT INTO chart_seed VALUES
    ('1000', 'Assets', 'asset', NULL, 1, 'assets'),
    ('1100', 'Current Assets', 'asset', '1000', 1, 'current_assets'),
    ('1110', 'Cash-in-hand', 'asset', '1100', 0, 'cash'),
    ('1120', 'Bank Accounts', 'asset', '1100', 1, 'bank_accounts'),
    ('1121', 'Bank', 'asset', '1120', 0, 'bank'),
    ('1130', 'Sundry Debtors', 'asset', '1100', 0, 'sundry_debtors'),
    ('1140', 'Stock-in-hand', 'asset', '1100', 0, 'stock'),
    ('1150', 'Loans and Advances (Asset)', 'asset', '1100', 0, 'advances'),
    ('1200', 'Fixed Assets', 'asset', '1000', 1, 'fixed_assets'),
    ('1210', 'Furniture and Fixtures', 'asset', '1200', 0, NULL),
    ('1220', 'Computers', 'asset', '1200', 0, NULL),
    ('2000', 'Liabilities', 'liability', NULL, 1, 'liabilities'),
    ('2100', 'Current Liabilities', 'liability', '2000', 1, 'current_liabilities'),
    ('2110', 'Sundry Creditors', 'liability', '2100', 0, 'sundry_creditors'),
    ('2120', 'Duties and Taxes', 'liability', '2100', 1, 'duties_and_taxes'),
    ('2121', 'Output CGST', 'liability', '2120', 0, 'output_cgst'),
    ('2122', 'Output SGST', 'liability', '2120', 0, 'output_sgst'),
    ('2123', 'Output IGST', 'liability', '2120', 0, 'output_igst'),
    ('2124', 'Input CGST', 'liability', '2120', 0, 'input_cgst'),
    ('2125', 'Input SGST', 'liability', '2120', 0, 'input_sgst'),
    ('2126', 'Input IGST', 'liability', '2120', 0, 'input_igst'),
    ('2127', 'CGST Payable (Reverse Charge)', 'liability', '2120', 0, 'rcm_cgst'),
    ('2128', 'SGST Payable (Reverse Charge)', 'liability', '2120', 0, 'rcm_sgst'),
    ('2129', 'IGST Payable (Reverse Charge)', 'liability', '2120', 0, 'rcm_igst'),
    ('2130', 'Provisions', 'liability', '2100', 0, NULL),
    ('2200', 'Loans (Liability)', 'liability', '2000', 1, 'loans'),
    ('2210', 'Unsecured Loans', 'liability', '2200', 0, NULL),
    ('3000', 'Equity', 'equity', NULL, 1, 'equity'),
    ('3100', 'Capital Account', 'equity', '3000', 0, 'capital'),
    ('3200', 'Retained Earnings', 'equity', '3000', 0, 'retained_earnings'),
    ('4000', 'Income', 'income', NULL, 1, 'income'),
    ('4100', 'Sales Accounts', 'income', '4000', 1, 'sales_accounts'),
    ('4101', 'Sales - Nil Rated and Exempt', 'income', '4100', 0, 'sales_0'),
    ('4102', 'Sales @ 0.25%', 'income', '4100', 0, 'sales_25'),
    ('4103', 'Sales @ 3%', 'income', '4100', 0, 'sales_300'),
    ('4104', 'Sales @ 5%', 'income', '4100', 0, 'sales_500'),
    ('4105', 'Sales @ 12%', 'income', '4100', 0, 'sales_1200'),
    ('4106', 'Sales @ 18%', 'income', '4100', 0, 'sales_1800'),
    ('4107', 'Sales @ 28%', 'income', '4100', 0, 'sales_2800'),
    ('4108', 'Sales @ 40%', 'income', '4100', 0, 'sales_4000'),
    ('4109', 'Sales - Zero Rated (Exports and SEZ)', 'income', '4100', 0, 'sales_zero_rated'),
    ('4200', 'Indirect Incomes', 'income', '4000', 1, 'indirect_incomes'),
    ('4210', 'Interest Received', 'income', '4200', 0, NULL),
    ('4220', 'Discount Received', 'income', '4200', 0, NULL),
    ('5000', 'Expenses', 'expense', NULL, 1, 'expenses'),
    ('5100', 'Purchase Accounts', 'expense', '5000', 1, 'purchase_accounts'),
    ('5110', 'Purchases', 'expense', '5100', 0, 'purchases'),
    ('5200', 'Direct Expenses', 'expense', '5000', 1, 'direct_expenses'),
    ('5210', 'Freight Inward', 'expense', '5200', 0, NULL),
    ('5220', 'Wages', 'expense', '5200', 0, NULL),
    ('5300', 'Indirect Expenses', 'expense', '5000', 1, 'indirect_expenses'),
    ('5310', 'Rent', 'expense', '5300', 0, NULL),
    ('5320', 'Salaries', 'expense', '5300', 0, NULL),
    ('5330', 'Bank Charges', 'expense', '5300', 0, 'bank_charges'),
    ('5340', 'Electricity', 'expense', '5300', 0, NULL),
    ('5350', 'Office Expenses', 'expense', '5300', 0, NULL),
    ('5360', 'Round Off', 'expense', '5300', 0, 'round_off');

INSERT INTO accounts (id, code, name, type, parent_id, is_group, system_key, created_at, updated_at)
SELECT lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)),
           substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random()) % 4, 1),
           substr(hex(randomblob(2)), 2), hex(randomblob(6)))),
       code, name, type, NULL, is_group, key,
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM chart_seed ORDER BY code;
UPDATE accounts SET parent_id = (
    SELECT p.id FROM chart_seed s JOIN accounts p ON p.code = s.parent WHERE s.code = accounts.code);
DROP TABLE chart_seed;

-- A group's children share its type; only leaves take postings.
CREATE TRIGGER accounts_parent_rules BEFORE INSERT ON accounts
WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM accounts p WHERE p.id = NEW.parent_id AND p.is_group = 1 AND p.type = NEW.type)
BEGIN
    SELECT RAISE(ABORT, 'an account''s parent must be a group of the same type');
END;

CREATE TRIGGER accounts_fixed_shape BEFORE UPDATE ON accounts
WHEN NEW.type IS NOT OLD.type OR NEW.is_group IS NOT OLD.is_group
    OR NEW.parent_id IS NOT OLD.parent_id OR NEW.system_key IS NOT OLD.system_key
BEGIN
    SELECT RAISE(ABORT, 'an account''s type, parent and kind cannot change');
END;

CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
BEGIN
    SELECT RAISE(ABORT, 'accounts are never deleted');
END;

CREATE TABLE books_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- Nothing dated on or before it can be posted.
    lock_date   TEXT,
    updated_at  TEXT NOT NULL
);
INSERT INTO books_settings (id, lock_date, updated_at)
VALUES (1, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Financial years closed into Retained Earnings (a year without income or expense is
-- closed too, with no journal); a closed year stays locked.
CREATE TABLE closed_years (
    fy            TEXT PRIMARY KEY,
    last_day      TEXT NOT NULL,
    profit_paise  INTEGER NOT NULL,
    journal_id    TEXT,
    closed_by     TEXT NOT NULL,
    closed_at     TEXT NOT NULL
);

-- A journal is written unsealed, its lines added, then sealed by one UPDATE; the seal
-- trigger refuses an unbalanced journal or a locked date, and adds it to ledger_days.
CREATE TABLE journals (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL UNIQUE,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('document', 'manual', 'reversal', 'closing')),
    narration    TEXT NOT NULL,
    source_type  TEXT,
    source_id    TEXT,
    reverses_id  TEXT UNIQUE REFERENCES journals (id),
    total_paise  INTEGER NOT NULL DEFAULT 0 CHECK (total_paise >= 0),
    sealed       INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK ((source_type IS NULL) = (source_id IS NULL)),
    UNIQUE (source_type, source_id)
);
CREATE INDEX journals_by_date ON journals (date, seq);

CREATE TABLE journal_lines (
    journal_id    TEXT NOT NULL REFERENCES journals (id),
    line_no       INTEGER NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    debit_paise   INTEGER NOT NULL DEFAULT 0,
    credit_paise  INTEGER NOT NULL DEFAULT 0,
    party_type    TEXT CHECK (party_type IN ('customer', 'vendor')),
    party_id      TEXT,
    branch_id     TEXT REFERENCES branches (id),
    -- The journal's date and sequence, copied so a ledger is one index range.
    date          TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    PRIMARY KEY (journal_id, line_no),
    CHECK ((debit_paise > 0 AND credit_paise = 0) OR (credit_paise > 0 AND debit_paise = 0)),
    CHECK ((party_type IS NULL) = (party_id IS NULL))
) WITHOUT ROWID;
CREATE INDEX lines_by_account ON journal_lines (account_id, date, seq, line_no);
CREATE INDEX lines_by_party ON journal_lines (party_type, party_id, date, seq, line_no);

CREATE TRIGGER journal_lines_open_journal BEFORE INSERT ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'journal_sealed: a posted journal cannot take lines')
    WHERE (SELECT sealed FROM journals WHERE id = NEW.journal_id) IS NOT 0;
    SELECT RAISE(ABORT, 'group_account: a group account cannot take postings')
    WHERE (SELECT is_group FROM accounts WHERE id = NEW.account_id) IS NOT 0;
END;

CREATE TRIGGER journal_lines_immutable_update BEFORE UPDATE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'journal lines are immutable; post a reversal');
END;

CREATE TRIGGER journal_lines_immutable_delete BEFORE DELETE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'journal lines are immutable; post a reversal');
END;

CREATE TRIGGER journals_immutable BEFORE UPDATE ON journals
WHEN OLD.sealed = 1 OR NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq OR NEW.date IS NOT OLD.date
    OR NEW.kind IS NOT OLD.kind OR NEW.source_id IS NOT OLD.source_id
    OR NEW.reverses_id IS NOT OLD.reverses_id
BEGIN
    SELECT RAISE(ABORT, 'a posted journal is immutable; post a reversal');
END;

CREATE TRIGGER journals_no_delete BEFORE DELETE ON journals
BEGIN
    SELECT RAISE(ABORT, 'journals are never deleted; post a reversal');
END;

CREATE TRIGGER journals_seal_check BEFORE UPDATE OF sealed ON journals
WHEN NEW.sealed = 1 AND OLD.sealed = 0
BEGIN
    SELECT RAISE(ABORT, 'journal_unbalanced: debits must equal credits')
    WHERE (SELECT COUNT(*) FROM journal_lines WHERE journal_id = NEW.id) < 2
       OR (SELECT SUM(debit_paise) FROM journal_lines WHERE journal_id = NEW.id)
          <> (SELECT SUM(credit_paise) FROM journal_lines WHERE journal_id = NEW.id)
       OR (SELECT SUM(debit_paise) FROM journal_lines WHERE journal_id = NEW.id) <> NEW.total_paise;
    SELECT RAISE(ABORT, 'period_locked: the date is on or before the lock date')
    WHERE NEW.date <= (SELECT lock_date FROM books_settings WHERE id = 1);
END;

-- Per account, branch ('' for none) and day: what every report reads.
CREATE TABLE ledger_days (
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    branch_id     TEXT NOT NULL,
    day           TEXT NOT NULL,
    -- 1 for year-closing entries, which the profit and loss leaves out.
    closing       INTEGER NOT NULL,
    debit_paise   INTEGER NOT NULL,
    credit_paise  INTEGER NOT NULL,
    PRIMARY KEY (account_id, branch_id, day, closing)
) WITHOUT ROWID;
CREATE INDEX ledger_days_by_day ON ledger_days (day, account_id);

CREATE TRIGGER journals_sealed_totals AFTER UPDATE OF sealed ON journals
WHEN NEW.sealed = 1 AND OLD.sealed = 0
BEGIN
    INSERT INTO ledger_days (account_id, branch_id, day, closing, debit_paise, credit_paise)
    SELECT account_id, COALESCE(branch_id, ''), NEW.date, NEW.kind = 'closing',
           SUM(debit_paise), SUM(credit_paise)
    FROM journal_lines WHERE journal_id = NEW.id
    GROUP BY account_id, COALESCE(branch_id, '')
    ON CONFLICT (account_id, branch_id, day, closing) DO UPDATE SET
        debit_paise = debit_paise + excluded.debit_paise,
        credit_paise = credit_paise + excluded.credit_paise;
END;

CREATE TRIGGER ledger_days_no_delete BEFORE DELETE ON ledger_days
BEGIN
    SELECT RAISE(ABORT, 'ledger totals follow the journal and are never deleted');
END;
