//! Rules of vendors: the GSTIN decides the state code (as for customers), and the
//! registration must agree with the GSTIN and the state.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateVendor, PatchVendor, Vendor, VendorRegistration};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::modules::fields::{diff, optional_text, required_text, Problems};
use crate::modules::iam::service::check_version;
use crate::modules::sales::customers::service::{email, phone, place};
use crate::tenancy::TenantHandle;

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 1000;

/// The registration given, or the one the GSTIN and state imply; refused when they
/// disagree: regular and composition vendors have a GSTIN, the others none, and state
/// `96` is for overseas vendors only.
fn registration(
    given: Option<VendorRegistration>,
    gstin: Option<&str>,
    state_code: &str,
    p: &mut Problems,
) -> Option<VendorRegistration> {
    use VendorRegistration::*;
    let abroad = state_code == "96";
    let r = given.unwrap_or(match (gstin, abroad) {
        (Some(_), _) => Regular,
        (None, true) => Overseas,
        (None, false) => Unregistered,
    });
    let problem = match r {
        Regular | Composition if gstin.is_none() => Some((
            "gstin",
            "required",
            "a regular or composition vendor has a GSTIN",
        )),
        Unregistered | Overseas if gstin.is_some() => Some((
            "registration",
            "invalid_value",
            "a vendor with a GSTIN is registered: regular or composition",
        )),
        Overseas if !abroad => Some((
            "state_code",
            "invalid_value",
            "an overseas vendor's state code is 96 (other countries)",
        )),
        Regular | Composition | Unregistered if abroad => Some((
            "state_code",
            "invalid_value",
            "state code 96 (other countries) is for overseas vendors",
        )),
        _ => None,
    };
    match problem {
        Some((field, code, message)) => {
            p.push(field, code, message);
            None
        }
        None => Some(r),
    }
}

pub fn create(tenant: &Arc<TenantHandle>, req: &CreateVendor, actor: &Actor) -> AppResult<Vendor> {
    let mut p = Problems::new();
    let name = p.check("name", required_text(&req.name, NAME_MAX));
    let fallback = (req.registration == Some(VendorRegistration::Overseas)).then_some("96");
    let place = place(
        req.gstin.as_deref(),
        req.state_code.as_deref(),
        fallback,
        &mut p,
    );
    let reg = place
        .as_ref()
        .and_then(|(g, s)| registration(req.registration, g.as_deref(), s, &mut p));
    let email = email(req.email.as_deref(), &mut p);
    let phone = phone(req.phone.as_deref(), &mut p);
    let address = p.check(
        "billing_address",
        optional_text(req.billing_address.as_deref().unwrap_or(""), ADDRESS_MAX),
    );
    let (
        Some(name),
        Some((gstin, state_code)),
        Some(registration),
        Some(email),
        Some(phone),
        Some(billing_address),
    ) = (name, place, reg, email, phone, address)
    else {
        return Err(p.into_error());
    };
    let now = clock::now_rfc3339();
    let vendor = Vendor {
        id: crate::ids::new_id(),
        name,
        gstin,
        state_code,
        email,
        phone,
        billing_address,
        registration,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    tenant.db.write_blocking(|tx| {
        repo::insert(tx, &vendor)?;
        audit::append(
            tx,
            actor,
            "vendor.created",
            "vendor",
            Some(&vendor.id),
            json!({"name": vendor.name, "gstin": vendor.gstin, "state_code": vendor.state_code,
                   "registration": vendor.registration.as_str()}),
        )?;
        repo::get(tx, &vendor.id)?.ok_or(AppError::NotFound)
    })
}

fn audited(v: &Vendor) -> serde_json::Value {
    json!({"name": v.name, "gstin": v.gstin, "state_code": v.state_code,
           "registration": v.registration.as_str(), "email": v.email, "phone": v.phone,
           "billing_address": v.billing_address})
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    id: &str,
    req: &PatchVendor,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Vendor> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        let mut p = Problems::new();
        let mut after = before.clone();
        if let Some(n) = &req.name {
            after.name = p
                .check("name", required_text(n, NAME_MAX))
                .unwrap_or_default();
        }
        let gstin = match &req.gstin {
            None => before.gstin.clone(),
            Some(g) => g.clone(),
        };
        let fallback = if req.registration == Some(VendorRegistration::Overseas) {
            "96".to_string()
        } else {
            before.state_code.clone()
        };
        if let Some((g, s)) = place(
            gstin.as_deref(),
            req.state_code.as_deref(),
            Some(&fallback),
            &mut p,
        ) {
            after.gstin = g;
            after.state_code = s;
        }
        // A registration left out follows a changed GSTIN (given or cleared).
        let given = req
            .registration
            .or((req.gstin.is_none()).then_some(before.registration));
        if let Some(r) = registration(given, after.gstin.as_deref(), &after.state_code, &mut p) {
            after.registration = r;
        }
        if let Some(e) = &req.email {
            after.email = email(e.as_deref(), &mut p).unwrap_or_default();
        }
        if let Some(x) = &req.phone {
            after.phone = phone(x.as_deref(), &mut p).unwrap_or_default();
        }
        if let Some(a) = &req.billing_address {
            after.billing_address = p
                .check("billing_address", optional_text(a, ADDRESS_MAX))
                .unwrap_or_default();
        }
        p.finish()?;
        repo::update(tx, &after, &now)?;
        audit::append(
            tx,
            actor,
            "vendor.updated",
            "vendor",
            Some(id),
            serde_json::Value::Object(diff(&audited(&before), &audited(&after), &[])),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use VendorRegistration::*;

    fn reg(
        given: Option<VendorRegistration>,
        gstin: bool,
        state: &str,
    ) -> Result<VendorRegistration, String> {
        let mut p = Problems::new();
        let g = gstin.then_some("27AAPFU0939F1ZV");
        match registration(given, g, state, &mut p) {
            Some(r) => Ok(r),
            None => match p.finish() {
                Err(AppError::Validation(v)) => Err(format!("{}:{}", v[0].field, v[0].code)),
                _ => Err(String::new()),
            },
        }
    }

    #[test]
    fn registration_agrees_with_gstin_and_state() {
        assert_eq!(reg(None, true, "27"), Ok(Regular));
        assert_eq!(reg(None, false, "27"), Ok(Unregistered));
        assert_eq!(reg(None, false, "96"), Ok(Overseas));
        assert_eq!(reg(Some(Composition), true, "27"), Ok(Composition));
        assert_eq!(
            reg(Some(Composition), false, "27"),
            Err("gstin:required".into())
        );
        assert_eq!(
            reg(Some(Overseas), false, "27"),
            Err("state_code:invalid_value".into())
        );
        assert_eq!(
            reg(Some(Unregistered), true, "27"),
            Err("registration:invalid_value".into())
        );
        assert_eq!(
            reg(Some(Unregistered), false, "96"),
            Err("state_code:invalid_value".into())
        );
    }
}
