//! Rules for employees: branch scope, encryption of the sensitive numbers, masking,
//! audited reveal, blind-index lookup, versions.

use std::sync::Arc;

use serde_json::json;

use super::crypt::{self, Secret, AADHAAR, ACCOUNT, PAN};
use super::input::{self, BankChange, Changes, LookupKey, NewEmployee};
use super::model::*;
use super::repo::{self, EmployeeRow, IndexedColumn};
use crate::audit::{self, Actor};
use crate::clock;
use crate::crypto::{CryptoError, TenantKeys};
use crate::error::{AppError, AppResult};
use crate::keys::KeyStore;
use crate::modules::fields::check_version;
use crate::modules::fields::{diff, BranchScope};
use crate::modules::org::repo as branches;
use crate::tenancy::TenantHandle;

/// At most this many employees answer one lookup.
pub const LOOKUP_LIMIT: u32 = 200;

/// The response form of a row: sensitive numbers masked.
pub fn masked(r: &EmployeeRow) -> Employee {
    Employee {
        id: r.id.clone(),
        employee_code: r.employee_code.clone(),
        name: r.name.clone(),
        email: r.email.clone(),
        phone: r.phone.clone(),
        branch_id: r.branch_id.clone(),
        department: r.department.clone(),
        designation: r.designation.clone(),
        date_of_joining: r.date_of_joining.clone(),
        pan: r.pan_masked.clone(),
        aadhaar: r.aadhaar_masked.clone(),
        bank_account: r.bank_account_masked.as_ref().map(|m| BankAccount {
            account_number: m.clone(),
            ifsc: r.bank_ifsc.clone().unwrap_or_default(),
            bank_name: r.bank_name.clone(),
        }),
        monthly_salary_paise: r.monthly_salary_paise,
        status: r.status.clone(),
        version: r.version,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    }
}

/// What an audit event may say about a row: the masked form without bookkeeping.
fn audit_view(r: &EmployeeRow) -> serde_json::Value {
    let mut v = json!(masked(r));
    if let Some(o) = v.as_object_mut() {
        for k in ["id", "version", "created_at", "updated_at"] {
            o.remove(k);
        }
    }
    v
}

/// A branch the caller may use, or a 422 that does not tell hidden from missing.
fn check_branch(c: &rusqlite::Connection, scope: &BranchScope, id: &str) -> AppResult<()> {
    if scope.allows(id) && branches::exists(c, id)? {
        Ok(())
    } else {
        Err(AppError::field(
            "branch_id",
            "not_found",
            "no branch with this id",
        ))
    }
}

fn set_pan(
    row: &mut EmployeeRow,
    keys: &TenantKeys,
    pan: Option<&crate::domain::Pan>,
) -> AppResult<()> {
    match pan {
        Some(p) => {
            let s = crypt::seal(keys, &row.id, PAN, p.as_str())?;
            row.pan_enc = Some(s.enc);
            row.pan_masked = Some(s.masked);
            row.pan_bidx = Some(crypt::index(keys, PAN, p.as_str()));
        }
        None => (row.pan_enc, row.pan_masked, row.pan_bidx) = (None, None, None),
    }
    Ok(())
}

fn set_aadhaar(
    row: &mut EmployeeRow,
    keys: &TenantKeys,
    aadhaar: Option<&crate::domain::Aadhaar>,
) -> AppResult<()> {
    match aadhaar {
        Some(a) => {
            let s = crypt::seal(keys, &row.id, AADHAAR, a.as_str())?;
            row.aadhaar_enc = Some(s.enc);
            row.aadhaar_masked = Some(s.masked);
            row.aadhaar_bidx = Some(crypt::index(keys, AADHAAR, a.as_str()));
        }
        None => (row.aadhaar_enc, row.aadhaar_masked, row.aadhaar_bidx) = (None, None, None),
    }
    Ok(())
}

/// Merges bank details onto the row; after merging, number and IFSC must both exist.
fn set_bank(row: &mut EmployeeRow, keys: &TenantKeys, bank: Option<&BankChange>) -> AppResult<()> {
    let Some(b) = bank else {
        row.bank_account_enc = None;
        row.bank_account_masked = None;
        row.bank_ifsc = None;
        row.bank_name = None;
        return Ok(());
    };
    if let Some(a) = &b.account {
        let s = crypt::seal(keys, &row.id, ACCOUNT, a.as_str())?;
        row.bank_account_enc = Some(s.enc);
        row.bank_account_masked = Some(s.masked);
    }
    if let Some(i) = &b.ifsc {
        row.bank_ifsc = Some(i.clone());
    }
    if let Some(n) = &b.bank_name {
        row.bank_name = n.clone();
    }
    if row.bank_account_enc.is_none() {
        return Err(AppError::field(
            "bank_account.account_number",
            "required",
            "a bank account needs its account number",
        ));
    }
    if row.bank_ifsc.is_none() {
        return Err(AppError::field(
            "bank_account.ifsc",
            "required",
            "a bank account needs its IFSC",
        ));
    }
    Ok(())
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    req: &CreateEmployee,
    actor: &Actor,
) -> AppResult<Employee> {
    let n: NewEmployee = input::parse_create(req)?;
    let now = clock::now_rfc3339();
    let mut row = EmployeeRow {
        id: crate::ids::new_id(),
        employee_code: n.employee_code,
        name: n.name,
        email: n.email,
        phone: n.phone,
        branch_id: n.branch_id,
        department: n.department,
        designation: n.designation,
        date_of_joining: n.date_of_joining,
        monthly_salary_paise: n.monthly_salary_paise,
        status: n.status,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
        ..EmployeeRow::default()
    };
    tenant.db.write_blocking(|tx| {
        // Encrypt under the write lock with the current version (see ring_for_write_blocking).
        let ring = keys.ring_for_write_blocking(&tenant.slug)?;
        set_pan(&mut row, &ring, n.pan.as_ref())?;
        set_aadhaar(&mut row, &ring, n.aadhaar.as_ref())?;
        if n.bank.is_some() {
            set_bank(&mut row, &ring, n.bank.as_ref())?;
        }
        check_branch(tx, scope, &row.branch_id)?;
        repo::insert(tx, &row)?;
        audit::append(
            tx,
            actor,
            "employee.created",
            "employee",
            Some(&row.id),
            audit_view(&row),
        )?;
        Ok(())
    })?;
    Ok(masked(&row))
}

/// Applies checked changes to a copy of the row (encrypting new sensitive values).
fn apply(before: &EmployeeRow, c: &Changes, keys: &TenantKeys) -> AppResult<EmployeeRow> {
    let mut row = before.clone();
    if let Some(v) = &c.employee_code {
        row.employee_code = v.clone();
    }
    if let Some(v) = &c.name {
        row.name = v.clone();
    }
    if let Some(v) = &c.branch_id {
        row.branch_id = v.clone();
    }
    if let Some(v) = &c.email {
        row.email = v.clone();
    }
    if let Some(v) = &c.phone {
        row.phone = v.clone();
    }
    if let Some(v) = &c.department {
        row.department = v.clone();
    }
    if let Some(v) = &c.designation {
        row.designation = v.clone();
    }
    if let Some(v) = &c.date_of_joining {
        row.date_of_joining = v.clone();
    }
    if let Some(v) = &c.pan {
        set_pan(&mut row, keys, v.as_ref())?;
    }
    if let Some(v) = &c.aadhaar {
        set_aadhaar(&mut row, keys, v.as_ref())?;
    }
    if let Some(v) = &c.bank {
        set_bank(&mut row, keys, v.as_ref())?;
    }
    if let Some(v) = c.monthly_salary_paise {
        row.monthly_salary_paise = v;
    }
    if let Some(v) = &c.status {
        row.status = v.clone();
    }
    Ok(row)
}

/// Masked before/after of every changed field. A new PAN, Aadhaar or account number is
/// listed even when its last four characters (all the event may show) did not change.
fn changes_of(before: &EmployeeRow, after: &EmployeeRow, c: &Changes) -> serde_json::Value {
    let (b, a) = (audit_view(before), audit_view(after));
    let mut out = diff(&b, &a, &[]);
    let touched = [
        ("pan", c.pan.is_some()),
        ("aadhaar", c.aadhaar.is_some()),
        (
            "bank_account",
            c.bank
                .as_ref()
                .is_some_and(|x| x.as_ref().is_none_or(|x| x.account.is_some())),
        ),
    ];
    for (k, set) in touched {
        if set && !out.contains_key(k) {
            out.insert(k.to_string(), json!({"from": b[k], "to": a[k]}));
        }
    }
    serde_json::Value::Object(out)
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    id: &str,
    req: &PatchEmployee,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Employee> {
    let changes = input::parse_patch(req)?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let ring = keys.ring_for_write_blocking(&tenant.slug)?;
        let before = visible(tx, scope, id)?;
        check_version(if_match, before.version)?;
        let after = apply(&before, &changes, &ring)?;
        if changes.branch_id.is_some() {
            check_branch(tx, scope, &after.branch_id)?;
        }
        repo::update(tx, &after, &now)?;
        let event = changes_of(&before, &after, &changes);
        audit::append(tx, actor, "employee.updated", "employee", Some(id), event)?;
        repo::get(tx, id)?
            .as_ref()
            .map(masked)
            .ok_or(AppError::NotFound)
    })
}

/// The row, if it exists and lies in the caller's scope; otherwise 404.
fn visible(c: &rusqlite::Connection, scope: &BranchScope, id: &str) -> AppResult<EmployeeRow> {
    repo::get(c, id)?
        .filter(|r| scope.allows(&r.branch_id))
        .ok_or(AppError::NotFound)
}

pub fn get(c: &rusqlite::Connection, scope: &BranchScope, id: &str) -> AppResult<Employee> {
    visible(c, scope, id).map(|r| masked(&r))
}

/// Decrypts one value. A ciphertext naming a key version we have not loaded makes us
/// reload the ring once (a rotation by another process). Any other failure means the
/// blob does not belong to this row: we refuse, never guess.
fn open_one(
    keys: &KeyStore,
    ring: &mut Arc<TenantKeys>,
    row: &EmployeeRow,
    s: Secret,
    blob: &[u8],
) -> AppResult<String> {
    let mut result = crypt::open(ring, &row.id, s, blob);
    if let Err(CryptoError::UnknownKeyVersion(_)) = result {
        keys.forget(ring.tenant());
        *ring = keys.ring_blocking(ring.tenant())?;
        result = crypt::open(ring, &row.id, s, blob);
    }
    match result {
        Ok(v) => Ok(v.to_string()),
        Err(e) => {
            tracing::error!(tenant = ring.tenant(), employee = %row.id, field = s.field, error = %e,
                "stored sensitive value failed to decrypt");
            Err(AppError::Conflict(format!(
                "The stored {} of this employee failed its integrity check and cannot be shown. \
                 Re-enter it with PATCH; the operator should investigate.",
                s.field
            )))
        }
    }
}

/// Full values for a caller with `hr.employees:reveal`, recorded as one
/// `employee.reveal` event naming the fields (never their values).
pub fn reveal(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    id: &str,
    actor: &Actor,
) -> AppResult<Employee> {
    let mut ring = keys.ring_blocking(&tenant.slug)?;
    tenant.db.write_blocking(|tx| {
        let row = visible(tx, scope, id)?;
        let mut out = masked(&row);
        let mut fields = Vec::new();
        if let Some(blob) = &row.pan_enc {
            out.pan = Some(open_one(keys, &mut ring, &row, PAN, blob)?);
            fields.push(PAN.field);
        }
        if let Some(blob) = &row.aadhaar_enc {
            out.aadhaar = Some(open_one(keys, &mut ring, &row, AADHAAR, blob)?);
            fields.push(AADHAAR.field);
        }
        if let (Some(blob), Some(bank)) = (&row.bank_account_enc, out.bank_account.as_mut()) {
            bank.account_number = open_one(keys, &mut ring, &row, ACCOUNT, blob)?;
            fields.push(ACCOUNT.field);
        }
        audit::append(
            tx,
            actor,
            "employee.reveal",
            "employee",
            Some(id),
            json!({"fields": fields}),
        )?;
        Ok(out)
    })
}

/// Exact match by PAN or Aadhaar through the blind index; nothing is decrypted.
pub fn lookup(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    req: &LookupRequest,
) -> AppResult<Vec<Employee>> {
    let key = input::parse_lookup(req.pan.as_deref(), req.aadhaar.as_deref())?;
    let ring = keys.ring_blocking(&tenant.slug)?;
    let (column, bidx) = match &key {
        LookupKey::Pan(p) => (IndexedColumn::Pan, crypt::index(&ring, PAN, p.as_str())),
        LookupKey::Aadhaar(a) => (
            IndexedColumn::Aadhaar,
            crypt::index(&ring, AADHAAR, a.as_str()),
        ),
    };
    let scope = scope.sql_param();
    let rows = tenant
        .db
        .read_blocking(|c| repo::find_by_index(c, column, &bidx, scope.as_deref(), LOOKUP_LIMIT))?;
    Ok(rows.iter().map(masked).collect())
}
