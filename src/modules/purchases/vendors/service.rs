//! Rules of vendors: the GSTIN decides the state code (as for customers), and the
//! registration must agree with the GSTIN and the state.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateVendor, PatchVendor, Vendor, VendorRegistration};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::modules::fields::check_version;
use crate::modules::fields::{diff, Problems};
use crate::modules::parties::{new_contact, patch_contact, Contact, ContactPatch, NewContact};
use crate::tenancy::TenantHandle;

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

fn contact_of(v: &Vendor) -> Contact {
    Contact {
        name: v.name.clone(),
        gstin: v.gstin.clone(),
        state_code: v.state_code.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        billing_address: v.billing_address.clone(),
    }
}

pub fn create(tenant: &Arc<TenantHandle>, req: &CreateVendor, actor: &Actor) -> AppResult<Vendor> {
    let mut p = Problems::new();
    let contact = new_contact(
        &NewContact {
            name: &req.name,
            gstin: req.gstin.as_deref(),
            state_code: req.state_code.as_deref(),
            email: req.email.as_deref(),
            phone: req.phone.as_deref(),
            billing_address: req.billing_address.as_deref(),
        },
        req.registration == Some(VendorRegistration::Overseas),
        &mut p,
    );
    let reg = contact
        .as_ref()
        .and_then(|c| registration(req.registration, c.gstin.as_deref(), &c.state_code, &mut p));
    let (Some(contact), Some(registration)) = (contact, reg) else {
        return Err(p.into_error());
    };
    let Contact {
        name,
        gstin,
        state_code,
        email,
        phone,
        billing_address,
    } = contact;
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
        let contact = patch_contact(
            &contact_of(&before),
            &ContactPatch {
                name: req.name.as_deref(),
                gstin: req.gstin.as_ref().map(Option::as_deref),
                state_code: req.state_code.as_deref(),
                email: req.email.as_ref().map(Option::as_deref),
                phone: req.phone.as_ref().map(Option::as_deref),
                billing_address: req.billing_address.as_deref(),
            },
            req.registration == Some(VendorRegistration::Overseas),
            &mut p,
        );
        // A registration left out follows a changed GSTIN (given or cleared).
        let given = req
            .registration
            .or((req.gstin.is_none()).then_some(before.registration));
        let mut after = Vendor {
            name: contact.name.clone(),
            gstin: contact.gstin.clone(),
            state_code: contact.state_code.clone(),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            billing_address: contact.billing_address.clone(),
            ..before.clone()
        };
        if let Some(r) = registration(given, after.gstin.as_deref(), &after.state_code, &mut p) {
            after.registration = r;
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
