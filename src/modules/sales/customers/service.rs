//! Rules of customers: a GSTIN decides the state code; contact details are validated.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateCustomer, Customer, PatchCustomer, Registration};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{Email, FieldError, Gstin, Phone, StateCode};
use crate::error::{AppError, AppResult};
use crate::modules::iam::service::check_version;
use crate::modules::sales::common::{blank_as_none, optional_text, required_text, Problems};
use crate::tenancy::TenantHandle;

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 1000;

/// Where a customer (or vendor) is: the GSTIN (if any) and the state code that goes with it.
///
/// With a GSTIN the state is the GSTIN's first two digits and a different explicit
/// state code is refused; without one the explicit code, else `fallback`, is used.
pub fn place(
    gstin: Option<&str>,
    state_code: Option<&str>,
    fallback: Option<&str>,
    p: &mut Problems,
) -> Option<(Option<String>, String)> {
    let gstin = match blank_as_none(gstin) {
        Some(g) => Some(p.check("gstin", Gstin::parse(g))?),
        None => None,
    };
    let given = match blank_as_none(state_code) {
        Some(s) => Some(p.check("state_code", StateCode::parse(s))?),
        None => None,
    };
    match (gstin, given) {
        (Some(g), Some(s)) if g.state_code() != s => {
            p.push(
                "state_code",
                "mismatch",
                format!(
                    "does not match the GSTIN, whose state code is {}",
                    g.state_code().as_str()
                ),
            );
            None
        }
        (Some(g), _) => Some((
            Some(g.as_str().to_string()),
            g.state_code().as_str().to_string(),
        )),
        (None, Some(s)) => Some((None, s.as_str().to_string())),
        (None, None) => match fallback {
            Some(f) => Some((None, f.to_string())),
            None => {
                p.add(
                    "state_code",
                    FieldError::required("required when there is no GSTIN"),
                );
                None
            }
        },
    }
}

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

pub fn email(v: Option<&str>, p: &mut Problems) -> Option<Option<String>> {
    match blank_as_none(v) {
        None => Some(None),
        Some(e) => p
            .check("email", Email::parse(e))
            .map(|e| Some(e.as_str().to_string())),
    }
}

pub fn phone(v: Option<&str>, p: &mut Problems) -> Option<Option<String>> {
    match blank_as_none(v) {
        None => Some(None),
        Some(x) => p
            .check("phone", Phone::parse(x))
            .map(|x| Some(x.as_str().to_string())),
    }
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    req: &CreateCustomer,
    actor: &Actor,
) -> AppResult<Customer> {
    let mut p = Problems::new();
    let name = p.check("name", required_text(&req.name, NAME_MAX));
    // An export customer without a state code is abroad.
    let fallback = (req.registration == Some(Registration::Export)).then_some("96");
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
        // A kept GSTIN keeps its state; a new or cleared one may bring or need a new state.
        let fallback = if req.registration == Some(Registration::Export) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        g: Option<&str>,
        s: Option<&str>,
        f: Option<&str>,
    ) -> Result<(Option<String>, String), Vec<String>> {
        let mut p = Problems::new();
        match place(g, s, f, &mut p) {
            Some(v) if p.is_empty() => Ok(v),
            _ => match p.finish() {
                Err(AppError::Validation(v)) => Err(v
                    .into_iter()
                    .map(|x| format!("{}:{}", x.field, x.code))
                    .collect()),
                _ => Err(vec![]),
            },
        }
    }

    #[test]
    fn state_follows_the_gstin() {
        assert_eq!(
            run(Some("27AAPFU0939F1ZV"), None, None),
            Ok((Some("27AAPFU0939F1ZV".into()), "27".into()))
        );
        assert_eq!(
            run(Some("27AAPFU0939F1ZV"), Some("27"), None).map(|x| x.1),
            Ok("27".into())
        );
        assert_eq!(
            run(Some("27AAPFU0939F1ZV"), Some("29"), None),
            Err(vec!["state_code:mismatch".into()])
        );
        assert_eq!(
            run(Some("27AAPFU0939F1ZW"), None, None),
            Err(vec!["gstin:invalid_checksum".into()])
        );
        assert_eq!(run(None, Some("29"), None), Ok((None, "29".into())));
        assert_eq!(run(Some(""), None, Some("07")), Ok((None, "07".into())));
        assert_eq!(
            run(None, None, None),
            Err(vec!["state_code:required".into()])
        );
        assert_eq!(
            run(None, Some("40"), None),
            Err(vec!["state_code:invalid_value".into()])
        );
    }
}
