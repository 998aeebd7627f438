//! What customers and vendors share: a name, where they are (a GSTIN and the state that
//! goes with it) and how to reach them. Each kind adds its own registration rules.

use crate::domain::{Email, FieldError, Gstin, Phone, StateCode};
use crate::modules::fields::{optional_text, required_text, Problems};

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 1000;

/// The shared fields of a customer or a vendor, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub gstin: Option<String>,
    pub state_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub billing_address: String,
}

/// The shared fields as a create request gives them.
pub struct NewContact<'a> {
    pub name: &'a str,
    pub gstin: Option<&'a str>,
    pub state_code: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub billing_address: Option<&'a str>,
}

/// The shared fields as a patch gives them: absent stays, `Some(None)` clears.
pub struct ContactPatch<'a> {
    pub name: Option<&'a str>,
    pub gstin: Option<Option<&'a str>>,
    pub state_code: Option<&'a str>,
    pub email: Option<Option<&'a str>>,
    pub phone: Option<Option<&'a str>>,
    pub billing_address: Option<&'a str>,
}

fn blank_as_none(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// Where a party is: the GSTIN (if any) and the state code that goes with it.
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

fn email(v: Option<&str>, p: &mut Problems) -> Option<Option<String>> {
    match blank_as_none(v) {
        None => Some(None),
        Some(e) => p
            .check("email", Email::parse(e))
            .map(|e| Some(e.as_str().to_string())),
    }
}

fn phone(v: Option<&str>, p: &mut Problems) -> Option<Option<String>> {
    match blank_as_none(v) {
        None => Some(None),
        Some(x) => p
            .check("phone", Phone::parse(x))
            .map(|x| Some(x.as_str().to_string())),
    }
}

/// Checks a new party's fields; `abroad` when its registration is for a party outside
/// India, whose state code is then `96` unless given.
pub fn new_contact(req: &NewContact<'_>, abroad: bool, p: &mut Problems) -> Option<Contact> {
    let name = p.check("name", required_text(req.name, NAME_MAX));
    let place = place(req.gstin, req.state_code, abroad.then_some("96"), p);
    let email = email(req.email, p);
    let phone = phone(req.phone, p);
    let address = p.check(
        "billing_address",
        optional_text(req.billing_address.unwrap_or(""), ADDRESS_MAX),
    );
    let (Some(name), Some((gstin, state_code)), Some(email), Some(phone), Some(billing_address)) =
        (name, place, email, phone, address)
    else {
        return None;
    };
    Some(Contact {
        name,
        gstin,
        state_code,
        email,
        phone,
        billing_address,
    })
}

/// Applies a patch: a kept GSTIN keeps its state; a new or cleared one may bring or need
/// a new state (`abroad`: the party becomes one outside India, state `96` by default).
/// Problems are collected in `p`; fields with a problem keep their old value.
pub fn patch_contact(
    before: &Contact,
    req: &ContactPatch<'_>,
    abroad: bool,
    p: &mut Problems,
) -> Contact {
    let mut after = before.clone();
    if let Some(n) = req.name {
        after.name = p
            .check("name", required_text(n, NAME_MAX))
            .unwrap_or_default();
    }
    let gstin = match req.gstin {
        None => before.gstin.as_deref(),
        Some(g) => g,
    };
    let fallback = if abroad {
        "96"
    } else {
        before.state_code.as_str()
    };
    if let Some((g, s)) = place(gstin, req.state_code, Some(fallback), p) {
        after.gstin = g;
        after.state_code = s;
    }
    if let Some(e) = req.email {
        after.email = email(e, p).unwrap_or_default();
    }
    if let Some(x) = req.phone {
        after.phone = phone(x, p).unwrap_or_default();
    }
    if let Some(a) = req.billing_address {
        after.billing_address = p
            .check("billing_address", optional_text(a, ADDRESS_MAX))
            .unwrap_or_default();
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

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
