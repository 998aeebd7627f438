//! Rules of customers: a GSTIN decides the state code; contact details are validated.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateCustomer, Customer, PatchCustomer, Registration};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::modules::fields::check_version;
use crate::modules::fields::Problems;
use crate::modules::parties::{new_contact, patch_contact, Contact, ContactPatch, NewContact};
use crate::tenancy::TenantHandle;

/// The registration given, or the one the GSTIN and state imply; and whether the three
/// agree: `regular`/`sez` need a GSTIN, `export` is state `96` without one, and `96` is
/// only for exports.
fn registration(
    given: Option<Registration>,
    gstin: Option<&str>,
    state_code: &str,
    p: &mut Problems,
) -> Option<Registration> {
    let abroad = state_code == "96";
    let r = given.unwrap_or(match (gstin, abroad) {
        (Some(_), _) => Registration::Regular,
        (None, true) => Registration::Export,
        (None, false) => Registration::Unregistered,
    });
    let problem = match r {
        Registration::Regular | Registration::Sez if gstin.is_none() => {
            Some(("gstin", "required", "a regular or SEZ customer has a GSTIN"))
        }
        Registration::Unregistered if gstin.is_some() => Some((
            "registration",
            "invalid_value",
            "a customer with a GSTIN is registered: regular or sez",
        )),
        Registration::Export if gstin.is_some() => {
            Some(("gstin", "invalid_value", "an export customer has no GSTIN"))
        }
        Registration::Export if !abroad => Some((
            "state_code",
            "invalid_value",
            "an export customer's state code is 96 (other countries)",
        )),
        Registration::Regular | Registration::Sez | Registration::Unregistered if abroad => Some((
            "state_code",
            "invalid_value",
            "state code 96 (other countries) is for export customers",
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

pub fn contact_of(c: &Customer) -> Contact {
    Contact {
        name: c.name.clone(),
        gstin: c.gstin.clone(),
        state_code: c.state_code.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        billing_address: c.billing_address.clone(),
    }
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    req: &CreateCustomer,
    actor: &Actor,
) -> AppResult<Customer> {
    let mut p = Problems::new();
    // An export customer without a state code is abroad.
    let contact = new_contact(
        &NewContact {
            name: &req.name,
            gstin: req.gstin.as_deref(),
            state_code: req.state_code.as_deref(),
            email: req.email.as_deref(),
            phone: req.phone.as_deref(),
            billing_address: req.billing_address.as_deref(),
        },
        req.registration == Some(Registration::Export),
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
    let customer = Customer {
        id: crate::ids::new_id(),
        name,
        gstin,
        state_code,
        email,
        phone,
        billing_address,
        registration,
        credit_balance_paise: 0,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    tenant.db.write_blocking(|tx| {
        repo::insert(tx, &customer)?;
        audit::append(
            tx,
            actor,
            "customer.created",
            "customer",
            Some(&customer.id),
            json!({"name": customer.name, "gstin": customer.gstin, "state_code": customer.state_code,
                   "registration": customer.registration.as_str()}),
        )?;
        repo::get(tx, &customer.id)?.ok_or(AppError::NotFound)
    })
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    id: &str,
    req: &PatchCustomer,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Customer> {
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
            req.registration == Some(Registration::Export),
            &mut p,
        );
        // A registration left out follows a changed GSTIN (given or cleared).
        let given = req
            .registration
            .or((req.gstin.is_none()).then_some(before.registration));
        let mut after = Customer {
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
        let mut changed = Vec::new();
        for (field, differs) in [
            ("name", before.name != after.name),
            ("gstin", before.gstin != after.gstin),
            ("state_code", before.state_code != after.state_code),
            ("registration", before.registration != after.registration),
            ("email", before.email != after.email),
            ("phone", before.phone != after.phone),
            (
                "billing_address",
                before.billing_address != after.billing_address,
            ),
        ] {
            if differs {
                changed.push(field);
            }
        }
        audit::append(
            tx,
            actor,
            "customer.updated",
            "customer",
            Some(id),
            json!({
                "changed": changed,
                "name": {"from": before.name, "to": after.name},
                "gstin": {"from": before.gstin, "to": after.gstin},
                "state_code": {"from": before.state_code, "to": after.state_code},
                "registration": {"from": before.registration.as_str(), "to": after.registration.as_str()},
            }),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}
