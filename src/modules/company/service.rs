//! Rules of the company profile: text limits, PAN (and every branch GSTIN carrying it),
//! the bank account encrypted like employees' accounts, a UPI address, the logo.

use std::sync::Arc;

use serde_json::json;

use super::model::{CompanyRow, PutCompany};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::crypto::TenantKeys;
use crate::domain::{AccountNumber, FieldError, Ifsc, Pan};
use crate::error::{AppError, AppResult};
use crate::keys::KeyStore;
use crate::modules::fields::check_version;
use crate::modules::fields::{diff, optional_text, required_text, Problems};
use crate::modules::hr::crypt::{self, Secret};
use crate::tenancy::TenantHandle;

/// The company's bank account number: one row (id `1`) of `company`.
pub const ACCOUNT: Secret = Secret {
    table: "company",
    column: "bank_account",
    field: "bank.account_number",
    enc_column: "bank_account_enc",
};
pub const ROW_ID: &str = "1";

/// Largest logo accepted (a logo is printed at about 3 × 2 cm).
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// A UPI virtual payment address: `handle@provider`.
pub fn upi_id(v: &str) -> Result<String, FieldError> {
    let v = v.trim();
    let ok_handle = |s: &str| {
        (2..=256).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    let ok_provider =
        |s: &str| (2..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    match v.split_once('@') {
        Some((h, p)) if ok_handle(h) && ok_provider(p) => Ok(v.to_string()),
        _ => Err(FieldError::invalid_format(
            "a UPI ID is handle@provider, e.g. kesarfoods@hdfcbank",
        )),
    }
}

/// The PAN check of a branch GSTIN: characters 3–12 are the company PAN, when it has one.
pub fn check_branch_gstin(
    c: &rusqlite::Connection,
    gstin: Option<&str>,
    p: &mut Problems,
) -> AppResult<()> {
    let company = repo::get(c)?;
    if let (Some(g), Some(pan)) = (gstin, company.pan.as_deref()) {
        if g.get(2..12) != Some(pan) {
            p.push(
                "gstin",
                "pan_mismatch",
                format!("a GSTIN of this company carries its PAN {pan} in characters 3 to 12"),
            );
        }
    }
    Ok(())
}

/// The stored bank account number in full, for printing.
pub fn bank_account(keys: &TenantKeys, row: &CompanyRow) -> AppResult<Option<String>> {
    match &row.bank_account_enc {
        None => Ok(None),
        Some(blob) => crypt::open(keys, ROW_ID, ACCOUNT, blob)
            .map(|v| Some(v.to_string()))
            .map_err(|e| AppError::internal(format!("company bank account: {e}"))),
    }
}

struct Checked {
    legal_name: String,
    trade_name: String,
    pan: Option<Pan>,
    address: String,
    bank: Option<(Option<AccountNumber>, Ifsc, String)>,
    upi_id: Option<String>,
    terms: String,
}

fn check(req: &PutCompany) -> AppResult<Checked> {
    let mut p = Problems::new();
    let legal_name = p.check("legal_name", required_text(&req.legal_name, 200));
    let trade_name = p.check(
        "trade_name",
        optional_text(req.trade_name.as_deref().unwrap_or(""), 200),
    );
    let pan = match req.pan.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(v) => p.check("pan", Pan::parse(v)).map(Some),
    };
    let address = p.check(
        "registered_address",
        optional_text(req.registered_address.as_deref().unwrap_or(""), 1000),
    );
    let bank = match &req.bank {
        None => Some(None),
        Some(b) => {
            // The masked value sent back means "keep the stored number".
            let number = if b.account_number.contains('*') {
                Some(None)
            } else {
                p.check(
                    "bank.account_number",
                    AccountNumber::parse(&b.account_number),
                )
                .map(Some)
            };
            let ifsc = p.check("bank.ifsc", Ifsc::parse(&b.ifsc));
            let name = p.check("bank.bank_name", required_text(&b.bank_name, 100));
            match (number, ifsc, name) {
                (Some(n), Some(i), Some(m)) => Some(Some((n, i, m))),
                _ => None,
            }
        }
    };
    let upi = match req
        .upi_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(None),
        Some(v) => p.check("upi_id", upi_id(v)).map(Some),
    };
    let terms = p.check(
        "invoice_terms",
        optional_text(req.invoice_terms.as_deref().unwrap_or(""), 2000),
    );
    match (legal_name, trade_name, pan, address, bank, upi, terms) {
        (
            Some(legal_name),
            Some(trade_name),
            Some(pan),
            Some(address),
            Some(bank),
            Some(upi_id),
            Some(terms),
        ) => Ok(Checked {
            legal_name,
            trade_name,
            pan,
            address,
            bank,
            upi_id,
            terms,
        }),
        _ => Err(p.into_error()),
    }
}

/// What the audit trail keeps of a profile: everything but the account number.
fn audit_view(r: &CompanyRow) -> serde_json::Value {
    json!({"legal_name": r.legal_name, "trade_name": r.trade_name, "pan": r.pan,
           "registered_address": r.registered_address, "bank_account": r.bank_account_masked,
           "bank_ifsc": r.bank_ifsc, "bank_name": r.bank_name, "upi_id": r.upi_id,
           "invoice_terms": r.invoice_terms, "e_invoicing": r.e_invoicing})
}

pub fn put(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    req: &PutCompany,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<CompanyRow> {
    let checked = check(req)?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = repo::get(tx)?;
        check_version(if_match, before.version)?;
        if let Some(pan) = &checked.pan {
            let wrong = repo::branches_not_matching(tx, pan.as_str())?;
            if !wrong.is_empty() {
                return Err(AppError::field(
                    "pan",
                    "pan_mismatch",
                    format!(
                        "the GSTIN of branch {} does not carry this PAN in characters 3 to 12",
                        wrong.join(", ")
                    ),
                ));
            }
        }
        let mut after = before.clone();
        after.legal_name = checked.legal_name.clone();
        after.trade_name = checked.trade_name.clone();
        after.pan = checked.pan.as_ref().map(|p| p.as_str().to_string());
        after.registered_address = checked.address.clone();
        after.upi_id = checked.upi_id.clone();
        after.invoice_terms = checked.terms.clone();
        after.e_invoicing = req.e_invoicing.unwrap_or(false);
        match &checked.bank {
            None => {
                after.bank_account_enc = None;
                after.bank_account_masked = None;
                after.bank_ifsc = None;
                after.bank_name = None;
            }
            Some((number, ifsc, name)) => {
                match number {
                    Some(n) => {
                        let ring = keys.ring_for_write_blocking(&tenant.slug)?;
                        let sealed = crypt::seal(&ring, ROW_ID, ACCOUNT, n.as_str())?;
                        after.bank_account_enc = Some(sealed.enc);
                        after.bank_account_masked = Some(sealed.masked);
                    }
                    None if before.bank_account_enc.is_none() => {
                        return Err(AppError::field(
                            "bank.account_number",
                            "required",
                            "no account number is stored yet; give it in full",
                        ))
                    }
                    None => {}
                }
                after.bank_ifsc = Some(ifsc.as_str().to_string());
                after.bank_name = Some(name.clone());
            }
        }
        repo::update(tx, &after, &now)?;
        let changes = diff(&audit_view(&before), &audit_view(&after), &[]);
        audit::append(
            tx,
            actor,
            "company.updated",
            "company",
            None,
            serde_json::Value::Object(changes),
        )?;
        repo::get(tx)
    })
}

/// Stores a PNG or JPEG logo (judged by its bytes).
pub fn put_logo(tenant: &Arc<TenantHandle>, data: Vec<u8>, actor: &Actor) -> AppResult<CompanyRow> {
    use crate::modules::files::sniff::Kind;
    let kind = match Kind::sniff(&data) {
        Some(k @ (Kind::Png | Kind::Jpeg)) => k,
        _ => {
            return Err(AppError::UnsupportedMediaType(
                "a logo is a PNG or JPEG image".into(),
            ))
        }
    };
    if data.len() > LOGO_MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "a logo is at most {LOGO_MAX_BYTES} bytes"
        )));
    }
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data));
    tenant.db.write_blocking(|tx| {
        repo::set_logo(tx, &id, kind.mime(), &data, &now)?;
        audit::append(
            tx,
            actor,
            "company.logo_updated",
            "company",
            None,
            json!({"logo_file_id": id, "content_type": kind.mime(), "size": data.len(), "sha256": sha}),
        )?;
        repo::get(tx)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upi_ids() {
        assert!(upi_id("kesarfoods@hdfcbank").is_ok());
        assert!(upi_id(" a.b-c_d@ybl ").is_ok());
        for bad in [
            "kesar",
            "@hdfc",
            "k@",
            "k@x",
            "a b@hdfc",
            "a@b@c",
            "a@hdfc.bank",
        ] {
            assert!(upi_id(bad).is_err(), "{bad}");
        }
    }
}
