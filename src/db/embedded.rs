//! The migrations compiled into the binary.

use super::migrate::{Migration, Migrator, Step};

static CONTROL: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/control/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "alert_notifications",
        sql: include_str!("../../migrations/control/0002_alert_notifications.sql"),
    },
];

static TENANT: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/tenant/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "file_owners",
        sql: include_str!("../../migrations/tenant/0002_file_owners.sql"),
    },
    Migration {
        version: 3,
        name: "tax_documents",
        sql: include_str!("../../migrations/tenant/0003_tax_documents.sql"),
    },
    Migration {
        version: 4,
        name: "books",
        sql: include_str!("../../migrations/tenant/0004_books.sql"),
    },
    Migration {
        version: 5,
        name: "purchases",
        sql: include_str!("../../migrations/tenant/0005_purchases.sql"),
    },
    Migration {
        version: 6,
        name: "stock",
        sql: include_str!("../../migrations/tenant/0006_stock.sql"),
    },
    Migration {
        version: 7,
        name: "gstr2b",
        sql: include_str!("../../migrations/tenant/0007_gstr2b.sql"),
    },
];

/// Books start with every document already issued posted, in migration 4's transaction.
static TENANT_STEPS: &[Step] = &[Step {
    version: 4,
    run: crate::modules::books::posting::backfill,
}];

pub static CONTROL_MIGRATIONS: Migrator = Migrator::new(CONTROL);
pub static TENANT_MIGRATIONS: Migrator = Migrator::with_steps(TENANT, TENANT_STEPS);

#[cfg(test)]
mod tests {
    use super::*;

    /// A tenant file from before tax documents (migrations 1–2) with an issued invoice, a
    /// draft, a payment and an invoice document, taken to the current schema.
    #[test]
    fn tax_documents_migration_keeps_history() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut c = crate::db::connection::open_writer(&dir.path().join("tenant.db"))?;
        Migrator::new(&TENANT[..2]).apply(&mut c)?;
        c.execute_batch(
            "INSERT INTO branches (id, code, name, state_code, address, gstin, created_at, updated_at)
               VALUES ('b1', 'BLR', 'Bengaluru branch', '29', 'MG Road', NULL, 't', 't');
             INSERT INTO customers (id, name, gstin, state_code, billing_address, created_at, updated_at)
               VALUES ('c1', 'Asha Stores', NULL, '29', 'Jayanagar', 't', 't'),
                      ('c2', 'Deccan Traders', '29AAGCB7383J1Z4', '29', 'Hebbal', 't', 't');
             INSERT INTO items (id, sku, name, hsn_sac, unit, unit_price_paise, gst_rate_bp, created_at, updated_at)
               VALUES ('i1', 'PEN', 'Pen', '9608', 'nos', 1000, 1800, 't', 't');
             INSERT INTO invoices (id, branch_id, customer_id, number, fy, seq, status, invoice_date, due_date,
                 intra_state, taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise,
                 round_off_paise, grand_total_paise, amount_paid_paise, issued_at, created_at, updated_at)
               VALUES ('v1', 'b1', 'c1', 'BLR/2026-27/000057', '2026-27', 57, 'partially_paid', '2026-06-01',
                 '2026-06-30', 1, 1000, 90, 90, 0, 20, 1200, 500, 't', 't', 't'),
                      ('v2', 'b1', 'c2', NULL, NULL, NULL, 'draft', '2026-06-02', '2026-06-30',
                 1, 1000, 90, 90, 0, 20, 1200, 0, NULL, 't', 't');
             INSERT INTO invoice_lines (invoice_id, line_no, item_id, description, hsn_sac, unit, quantity_milli,
                 unit_price_paise, discount_paise, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise)
               VALUES ('v1', 1, 'i1', 'Pen', '9608', 'nos', 1000, 1000, 0, 1800, 1000, 90, 90, 0),
                      ('v2', 1, 'i1', 'Pen', '9608', 'nos', 1000, 1000, 0, 1800, 1000, 90, 90, 0);
             INSERT INTO payments (id, invoice_id, amount_paise, method, received_on, created_by, created_at)
               VALUES ('p1', 'v1', 500, 'upi', '2026-06-05', 'u', 't');
             INSERT INTO files (id, entity, entity_id, filename, content_type, size, sha256, scan, chunk_count,
                 created_by, created_at)
               VALUES ('f1', 'invoice', 'v1', 'po.pdf', 'application/pdf', 1, 'x', 'unscanned', 0, 'u', 't');",
        )?;
        let report = TENANT_MIGRATIONS.apply(&mut c)?;
        assert_eq!(
            report.pending,
            vec![
                (3, "tax_documents".to_string()),
                (4, "books".to_string()),
                (5, "purchases".to_string()),
                (6, "stock".to_string()),
                (7, "gstr2b".to_string())
            ]
        );
        let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        assert_eq!(fk, 1, "foreign keys are on again");
        // The issued invoice keeps its number, its figures and its payment...
        let (number, paid, status, seller, buyer, pos): (String, i64, String, String, String, String) = c
            .query_row(
                "SELECT number, amount_paid_paise, status, seller, buyer, place_of_supply FROM invoices WHERE id = 'v1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?;
        assert_eq!(
            (number.as_str(), paid, status.as_str()),
            ("BLR/2026-27/000057", 500, "partially_paid")
        );
        // ...and gets the copies of what it printed then.
        let seller: serde_json::Value = serde_json::from_str(&seller)?;
        let buyer: serde_json::Value = serde_json::from_str(&buyer)?;
        assert_eq!(seller["legal_name"], "Bengaluru branch");
        assert_eq!(buyer["name"], "Asha Stores");
        assert_eq!(buyer["registration"], "unregistered");
        assert_eq!(pos, "29");
        let draft_seller: Option<String> =
            c.query_row("SELECT seller FROM invoices WHERE id = 'v2'", [], |r| {
                r.get(0)
            })?;
        assert!(draft_seller.is_none());
        let regs: Vec<String> = c
            .prepare("SELECT registration FROM customers ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        assert_eq!(regs, ["unregistered", "regular"]);
        let (lines, pay_customer, numbers, docs): (i64, String, i64, i64) = c.query_row(
            "SELECT (SELECT count(*) FROM invoice_lines), (SELECT customer_id FROM payments),
                    (SELECT count(*) FROM issued_numbers WHERE number = 'BLR/2026-27/000057'),
                    (SELECT count(*) FROM files)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        assert_eq!(
            (lines, pay_customer.as_str(), numbers, docs),
            (2, "c1", 1, 1)
        );
        // The swapped tables are wired as before: keys, the file-owner trigger, freezing.
        let violations: i64 =
            c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        assert_eq!(violations, 0);
        assert!(c
            .execute(
                "INSERT INTO files (id, entity, entity_id, filename, content_type, size, sha256, scan, chunk_count,
                   created_by, created_at) VALUES ('f2', 'invoice', 'nope', 'x.pdf', 'application/pdf', 1, 'x',
                   'unscanned', 0, 'u', 't')",
                [],
            )
            .is_err());
        assert!(c
            .execute(
                "UPDATE invoices SET grand_total_paise = 1 WHERE id = 'v1'",
                []
            )
            .is_err());
        assert!(c
            .execute("INSERT INTO invoice_lines (invoice_id, line_no, item_id, description, hsn_sac, unit,
                quantity_milli, unit_price_paise, discount_paise, gst_rate_bp, taxable_paise, cgst_paise,
                sgst_paise, igst_paise) VALUES ('nope', 1, 'i1', 'x', '9608', 'nos', 1, 1, 0, 0, 1, 0, 0, 0)", [])
            .is_err(), "invoice_lines still refers to invoices");
        c.execute("DELETE FROM invoices WHERE id = 'v2'", [])?;
        // Migration 4 posted the issued invoice and its payment (not the draft): the books
        // agree with the sales registers from the first day.
        let posted: Vec<(String, String, i64)> = c
            .prepare("SELECT source_type, source_id, total_paise FROM journals WHERE sealed = 1 ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        assert_eq!(
            posted,
            vec![
                ("invoice".to_string(), "v1".to_string(), 1200),
                ("payment".to_string(), "p1".to_string(), 500)
            ]
        );
        let balances: Vec<(String, i64)> = c
            .prepare(
                "SELECT a.system_key, SUM(d.debit_paise) - SUM(d.credit_paise) FROM ledger_days d
                 JOIN accounts a ON a.id = d.account_id GROUP BY a.system_key ORDER BY a.system_key",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let expect = [
            ("bank", 500),
            ("output_cgst", -90),
            ("output_sgst", -90),
            ("round_off", -20),
            ("sales_1800", -1000),
            ("sundry_debtors", 700),
        ];
        assert_eq!(balances, expect.map(|(k, v)| (k.to_string(), v)).to_vec());
        Ok(())
    }
}
