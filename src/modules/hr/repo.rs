//! SQL for employees. Only ciphertext, masked forms and blind indexes of the sensitive
//! numbers pass through here.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::AppResult;

/// A stored employee row, sensitive columns as kept on disk.
#[derive(Debug, Clone, Default)]
pub struct EmployeeRow {
    pub id: String,
    pub employee_code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub branch_id: String,
    pub department: String,
    pub designation: String,
    pub date_of_joining: Option<String>,
    pub pan_enc: Option<Vec<u8>>,
    pub pan_masked: Option<String>,
    pub pan_bidx: Option<String>,
    pub aadhaar_enc: Option<Vec<u8>>,
    pub aadhaar_masked: Option<String>,
    pub aadhaar_bidx: Option<String>,
    pub bank_account_enc: Option<Vec<u8>>,
    pub bank_account_masked: Option<String>,
    pub bank_ifsc: Option<String>,
    pub bank_name: Option<String>,
    pub monthly_salary_paise: i64,
    pub status: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, employee_code, name, email, phone, branch_id, department, designation,
    date_of_joining, pan_enc, pan_masked, pan_bidx, aadhaar_enc, aadhaar_masked, aadhaar_bidx,
    bank_account_enc, bank_account_masked, bank_ifsc, bank_name, monthly_salary_paise, status,
    version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<EmployeeRow> {
    Ok(EmployeeRow {
        id: r.get(0)?,
        employee_code: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        branch_id: r.get(5)?,
        department: r.get(6)?,
        designation: r.get(7)?,
        date_of_joining: r.get(8)?,
        pan_enc: r.get(9)?,
        pan_masked: r.get(10)?,
        pan_bidx: r.get(11)?,
        aadhaar_enc: r.get(12)?,
        aadhaar_masked: r.get(13)?,
        aadhaar_bidx: r.get(14)?,
        bank_account_enc: r.get(15)?,
        bank_account_masked: r.get(16)?,
        bank_ifsc: r.get(17)?,
        bank_name: r.get(18)?,
        monthly_salary_paise: r.get(19)?,
        status: r.get(20)?,
        version: r.get(21)?,
        created_at: r.get(22)?,
        updated_at: r.get(23)?,
    })
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<EmployeeRow>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM employees WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// List filters; `scope` is a JSON array of branch ids (None: every branch).
#[derive(Debug, Default, Clone)]
pub struct EmployeeFilter {
    pub scope: Option<String>,
    pub branch_id: Option<String>,
    pub status: Option<String>,
    /// Name prefix, matched case-insensitively (ASCII letters).
    pub name_prefix: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}

fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for ch in prefix.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Keyset page by id (UUIDv7: creation order); returns up to `limit + 1` rows.
pub fn list(c: &Connection, f: &EmployeeFilter) -> AppResult<Vec<EmployeeRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM employees
         WHERE (?1 IS NULL OR branch_id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR branch_id = ?2) AND (?3 IS NULL OR status = ?3)
           AND (?4 IS NULL OR name LIKE ?4 ESCAPE '\\')
           AND (?5 IS NULL OR id > ?5)
         ORDER BY id LIMIT ?6"
    ))?;
    let pattern = f.name_prefix.as_deref().map(like_prefix);
    let rows = stmt.query_map(
        params![
            f.scope,
            f.branch_id,
            f.status,
            pattern,
            f.after,
            f.limit + 1
        ],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which blind index to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexedColumn {
    Pan,
    Aadhaar,
}

/// Exact match on a blind index, within the scope; at most `limit` rows.
pub fn find_by_index(
    c: &Connection,
    column: IndexedColumn,
    bidx: &str,
    scope: Option<&str>,
    limit: u32,
) -> AppResult<Vec<EmployeeRow>> {
    let col = match column {
        IndexedColumn::Pan => "pan_bidx",
        IndexedColumn::Aadhaar => "aadhaar_bidx",
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM employees WHERE {col} = ?1
           AND (?2 IS NULL OR branch_id IN (SELECT value FROM json_each(?2)))
         ORDER BY id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![bidx, scope, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert(c: &Connection, e: &EmployeeRow) -> AppResult<()> {
    c.prepare_cached(&format!(
        "INSERT INTO employees ({COLUMNS}) VALUES
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, 1, ?22, ?22)"
    ))?
    .execute(params![
        e.id,
        e.employee_code,
        e.name,
        e.email,
        e.phone,
        e.branch_id,
        e.department,
        e.designation,
        e.date_of_joining,
        e.pan_enc,
        e.pan_masked,
        e.pan_bidx,
        e.aadhaar_enc,
        e.aadhaar_masked,
        e.aadhaar_bidx,
        e.bank_account_enc,
        e.bank_account_masked,
        e.bank_ifsc,
        e.bank_name,
        e.monthly_salary_paise,
        e.status,
        e.created_at
    ])?;
    Ok(())
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, e: &EmployeeRow, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE employees SET employee_code = ?2, name = ?3, email = ?4, phone = ?5, branch_id = ?6,
         department = ?7, designation = ?8, date_of_joining = ?9, pan_enc = ?10, pan_masked = ?11,
         pan_bidx = ?12, aadhaar_enc = ?13, aadhaar_masked = ?14, aadhaar_bidx = ?15,
         bank_account_enc = ?16, bank_account_masked = ?17, bank_ifsc = ?18, bank_name = ?19,
         monthly_salary_paise = ?20, status = ?21, version = version + 1, updated_at = ?22
         WHERE id = ?1",
    )?
    .execute(params![
        e.id,
        e.employee_code,
        e.name,
        e.email,
        e.phone,
        e.branch_id,
        e.department,
        e.designation,
        e.date_of_joining,
        e.pan_enc,
        e.pan_masked,
        e.pan_bidx,
        e.aadhaar_enc,
        e.aadhaar_masked,
        e.aadhaar_bidx,
        e.bank_account_enc,
        e.bank_account_masked,
        e.bank_ifsc,
        e.bank_name,
        e.monthly_salary_paise,
        e.status,
        now
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_prefix_escapes_wildcards() {
        assert_eq!(like_prefix("As"), "As%");
        assert_eq!(like_prefix("50%_x\\"), "50\\%\\_x\\\\%");
    }
}
