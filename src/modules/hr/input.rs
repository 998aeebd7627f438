//! Parsing employee requests into checked values. Every field problem of a request is
//! reported at once; sensitive values are never echoed back in messages.

use crate::domain::{
    format_iso_date, parse_iso_date, Aadhaar, AccountNumber, Email, FieldError, Ifsc, Paise, Pan,
    Phone,
};
use crate::error::AppResult;
use crate::modules::fields::{optional_text, required_text, Problems};

use super::model::{BankAccountInput, BankAccountPatch, CreateEmployee, PatchEmployee};

const NAME_MAX: usize = 200;
const TEXT_MAX: usize = 100;
const CODE_MAX: usize = 32;

/// Blank optional strings mean "not given", as an HTML form would send them.
fn present(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

pub(crate) fn employee_code(v: &str) -> Result<String, FieldError> {
    let code = required_text(v, CODE_MAX)?;
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return Err(FieldError::invalid_format(
            "employee code may contain letters, digits and - _ / . only",
        ));
    }
    Ok(code)
}

fn branch_id(v: &str) -> Result<String, FieldError> {
    uuid::Uuid::parse_str(v.trim())
        .map(|u| u.to_string())
        .map_err(|_| FieldError::invalid_format("must be a branch id (UUID)"))
}

fn status(v: &str) -> Result<String, FieldError> {
    match v {
        "active" | "exited" => Ok(v.to_string()),
        _ => Err(FieldError::invalid_value("must be 'active' or 'exited'")),
    }
}

fn date(v: &str) -> Result<String, FieldError> {
    parse_iso_date(v).map(format_iso_date)
}

fn salary(v: i64) -> Result<i64, FieldError> {
    Paise::parse_non_negative(v).map(|p| p.value())
}

/// Checked bank details; `account` and `ifsc` are both present once merged.
#[derive(Debug, Clone)]
pub struct BankChange {
    pub account: Option<AccountNumber>,
    pub ifsc: Option<String>,
    pub bank_name: Option<Option<String>>,
}

/// A checked create request.
#[derive(Debug, Clone)]
pub struct NewEmployee {
    pub employee_code: String,
    pub name: String,
    pub branch_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department: String,
    pub designation: String,
    pub date_of_joining: Option<String>,
    pub pan: Option<Pan>,
    pub aadhaar: Option<Aadhaar>,
    pub bank: Option<BankChange>,
    pub monthly_salary_paise: i64,
    pub status: String,
}

fn bank_input(p: &mut Problems, b: &BankAccountInput) -> Option<BankChange> {
    let account = p.check(
        "bank_account.account_number",
        AccountNumber::parse(&b.account_number),
    );
    let ifsc = p.check("bank_account.ifsc", Ifsc::parse(&b.ifsc));
    let name = match present(b.bank_name.as_deref()) {
        Some(n) => p
            .check("bank_account.bank_name", optional_text(n, TEXT_MAX))
            .map(Some),
        None => Some(None),
    };
    Some(BankChange {
        account: Some(account?),
        ifsc: Some(ifsc?.as_str().to_string()),
        bank_name: Some(name?),
    })
}

pub fn parse_create(req: &CreateEmployee) -> AppResult<NewEmployee> {
    let mut p = Problems::new();
    let code = p.check("employee_code", employee_code(&req.employee_code));
    let name = p.check("name", required_text(&req.name, NAME_MAX));
    let branch = p.check("branch_id", branch_id(&req.branch_id));
    let email = present(req.email.as_deref()).map(|e| p.check("email", Email::parse(e)));
    let phone = present(req.phone.as_deref()).map(|v| p.check("phone", Phone::parse(v)));
    let department = p.check(
        "department",
        optional_text(req.department.as_deref().unwrap_or(""), TEXT_MAX),
    );
    let designation = p.check(
        "designation",
        optional_text(req.designation.as_deref().unwrap_or(""), TEXT_MAX),
    );
    let doj = present(req.date_of_joining.as_deref()).map(|d| p.check("date_of_joining", date(d)));
    let pan = present(req.pan.as_deref()).map(|v| p.check("pan", Pan::parse(v)));
    let aadhaar = present(req.aadhaar.as_deref()).map(|v| p.check("aadhaar", Aadhaar::parse(v)));
    let bank = req.bank_account.as_ref().map(|b| bank_input(&mut p, b));
    let pay = p.check(
        "monthly_salary_paise",
        salary(req.monthly_salary_paise.unwrap_or(0)),
    );
    let st = p.check("status", status(req.status.as_deref().unwrap_or("active")));
    p.finish()?;
    // After `finish`, every `None` below is impossible; `unwrap_or_default` keeps it total.
    Ok(NewEmployee {
        employee_code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        branch_id: branch.unwrap_or_default(),
        email: email.flatten().map(|e| e.as_str().to_string()),
        phone: phone.flatten().map(|v| v.as_str().to_string()),
        department: department.unwrap_or_default(),
        designation: designation.unwrap_or_default(),
        date_of_joining: doj.flatten(),
        pan: pan.flatten(),
        aadhaar: aadhaar.flatten(),
        bank: bank.flatten(),
        monthly_salary_paise: pay.unwrap_or_default(),
        status: st.unwrap_or_default(),
    })
}

/// A checked PATCH: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub employee_code: Option<String>,
    pub name: Option<String>,
    pub branch_id: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub department: Option<String>,
    pub designation: Option<String>,
    pub date_of_joining: Option<Option<String>>,
    pub pan: Option<Option<Pan>>,
    pub aadhaar: Option<Option<Aadhaar>>,
    pub bank: Option<Option<BankChange>>,
    pub monthly_salary_paise: Option<i64>,
    pub status: Option<String>,
}

/// Parses an optional, clearable field: absent → None, null or blank → Some(None).
fn clearable<T>(
    p: &mut Problems,
    field: &str,
    v: &Option<Option<String>>,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Option<Option<T>> {
    match v {
        None => None,
        Some(inner) => match present(inner.as_deref()) {
            None => Some(None),
            Some(s) => p.check(field, parse(s)).map(Some),
        },
    }
}

fn bank_patch(p: &mut Problems, b: &BankAccountPatch) -> Option<BankChange> {
    let account = b
        .account_number
        .as_deref()
        .map(|a| p.check("bank_account.account_number", AccountNumber::parse(a)));
    let ifsc = b
        .ifsc
        .as_deref()
        .map(|i| p.check("bank_account.ifsc", Ifsc::parse(i)));
    let name = clearable(p, "bank_account.bank_name", &b.bank_name, |n| {
        optional_text(n, TEXT_MAX)
    });
    Some(BankChange {
        account: account.flatten(),
        ifsc: ifsc.flatten().map(|i| i.as_str().to_string()),
        bank_name: name,
    })
}

pub fn parse_patch(req: &PatchEmployee) -> AppResult<Changes> {
    let mut p = Problems::new();
    let mut c = Changes {
        employee_code: req
            .employee_code
            .as_deref()
            .and_then(|v| p.check("employee_code", employee_code(v))),
        name: req
            .name
            .as_deref()
            .and_then(|v| p.check("name", required_text(v, NAME_MAX))),
        branch_id: req
            .branch_id
            .as_deref()
            .and_then(|v| p.check("branch_id", branch_id(v))),
        ..Changes::default()
    };
    c.email = clearable(&mut p, "email", &req.email, |v| {
        Email::parse(v).map(|e| e.as_str().to_string())
    });
    c.phone = clearable(&mut p, "phone", &req.phone, |v| {
        Phone::parse(v).map(|x| x.as_str().to_string())
    });
    c.department = req
        .department
        .as_deref()
        .and_then(|v| p.check("department", optional_text(v, TEXT_MAX)));
    c.designation = req
        .designation
        .as_deref()
        .and_then(|v| p.check("designation", optional_text(v, TEXT_MAX)));
    c.date_of_joining = clearable(&mut p, "date_of_joining", &req.date_of_joining, date);
    c.pan = clearable(&mut p, "pan", &req.pan, Pan::parse);
    c.aadhaar = clearable(&mut p, "aadhaar", &req.aadhaar, Aadhaar::parse);
    c.bank = req.bank_account.as_ref().map(|b| match b {
        None => None,
        Some(b) => bank_patch(&mut p, b),
    });
    c.monthly_salary_paise = req
        .monthly_salary_paise
        .and_then(|v| p.check("monthly_salary_paise", salary(v)));
    c.status = req
        .status
        .as_deref()
        .and_then(|v| p.check("status", status(v)));
    p.finish()?;
    Ok(c)
}

/// A lookup key: exactly one of PAN or Aadhaar, in canonical form.
#[derive(Debug, Clone)]
pub enum LookupKey {
    Pan(Pan),
    Aadhaar(Aadhaar),
}

pub fn parse_lookup(pan: Option<&str>, aadhaar: Option<&str>) -> AppResult<LookupKey> {
    let mut p = Problems::new();
    let key = match (pan, aadhaar) {
        (Some(v), None) => p.check("pan", Pan::parse(v)).map(LookupKey::Pan),
        (None, Some(v)) => p
            .check("aadhaar", Aadhaar::parse(v))
            .map(LookupKey::Aadhaar),
        (Some(_), Some(_)) => {
            p.push(
                "aadhaar",
                "invalid_value",
                "give either pan or aadhaar, not both",
            );
            None
        }
        (None, None) => {
            p.push("pan", "required", "give exactly one of pan or aadhaar");
            None
        }
    };
    p.finish()?;
    key.ok_or_else(|| crate::error::AppError::internal("lookup key missing"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn fields_of(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation(v) => v.into_iter().map(|p| p.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn base() -> CreateEmployee {
        CreateEmployee {
            employee_code: "E-1".into(),
            name: "Asha Rao".into(),
            branch_id: "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69".into(),
            email: None,
            phone: None,
            department: None,
            designation: None,
            date_of_joining: None,
            pan: None,
            aadhaar: None,
            bank_account: None,
            monthly_salary_paise: None,
            status: None,
        }
    }

    #[test]
    fn defaults_and_blank_optionals() {
        let mut r = base();
        r.email = Some("  ".into());
        let e = parse_create(&r).expect("valid");
        assert_eq!((e.status.as_str(), e.monthly_salary_paise), ("active", 0));
        assert!(e.email.is_none() && e.pan.is_none());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = base();
        r.pan = Some("ABCD1234F".into());
        r.aadhaar = Some("234123412345".into());
        r.monthly_salary_paise = Some(-1);
        r.status = Some("gone".into());
        r.bank_account = Some(BankAccountInput {
            account_number: "12345678".into(),
            ifsc: "SBIN1234567".into(),
            bank_name: None,
        });
        let fields = fields_of(parse_create(&r).unwrap_err());
        for f in [
            "pan",
            "aadhaar",
            "monthly_salary_paise",
            "status",
            "bank_account.account_number",
            "bank_account.ifsc",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn lookup_needs_exactly_one() {
        assert!(parse_lookup(Some("ABCPE1234F"), None).is_ok());
        assert_eq!(fields_of(parse_lookup(None, None).unwrap_err()), ["pan"]);
        assert_eq!(
            fields_of(parse_lookup(Some("ABCPE1234F"), Some("234123412346")).unwrap_err()),
            ["aadhaar"]
        );
    }
}
