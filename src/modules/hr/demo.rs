//! Sample employees for `bisman serve --demo`: twenty people across the demo branches,
//! with valid (made-up) PAN, Aadhaar and bank details, created through the service so
//! the numbers are encrypted, indexed and audited as usual.

use std::sync::Arc;

use rusqlite::OptionalExtension;

use super::model::{BankAccountInput, CreateEmployee};
use super::service;
use crate::audit::Actor;
use crate::domain::verhoeff_check_digit;
use crate::error::AppResult;
use crate::keys::KeyStore;
use crate::modules::fields::BranchScope;
use crate::tenancy::TenantHandle;

const PEOPLE: [(&str, &str, &str); 20] = [
    ("Priya Raman", "Accounts", "Accountant"),
    ("Arjun Mehta", "Sales", "Branch Manager"),
    ("Kavya Nair", "Sales", "Sales Executive"),
    ("Rohit Deshpande", "Stores", "Storekeeper"),
    ("Ananya Iyer", "Accounts", "Accounts Assistant"),
    ("Vikram Singh", "Logistics", "Driver"),
    ("Sneha Kulkarni", "HR", "HR Executive"),
    ("Imran Shaikh", "Sales", "Sales Executive"),
    ("Meera Joshi", "Accounts", "Chief Accountant"),
    ("Suresh Patil", "Stores", "Loader"),
    ("Deepa Gowda", "Sales", "Sales Executive"),
    ("Farhan Qureshi", "Logistics", "Dispatch Clerk"),
    ("Lakshmi Reddy", "Admin", "Office Administrator"),
    ("Nikhil Bhosale", "Sales", "Area Manager"),
    ("Pooja Hegde", "HR", "HR Manager"),
    ("Ramesh Yadav", "Stores", "Store Manager"),
    ("Sunita Pawar", "Accounts", "Cashier"),
    ("Tarun Shetty", "Sales", "Sales Trainee"),
    ("Usha Menon", "Admin", "Receptionist"),
    ("Zoya Khan", "Logistics", "Logistics Coordinator"),
];

const IFSC: [(&str, &str); 3] = [
    ("HDFC0000240", "HDFC Bank"),
    ("SBIN0000300", "State Bank of India"),
    ("ICIC0000104", "ICICI Bank"),
];

/// A PAN of an individual (fourth letter `P`), distinct per `n`.
fn pan(n: usize) -> String {
    let l = |k: usize| char::from(b'A' + u8::try_from(k % 26).unwrap_or(0));
    format!(
        "{}{}{}P{}{:04}{}",
        l(n),
        l(n / 26 + 3),
        l(n + 7),
        l(n + 11),
        1000 + n * 37,
        l(n + 5)
    )
}

/// A 12-digit Aadhaar-shaped number with a correct Verhoeff check digit.
fn aadhaar(n: usize) -> String {
    let first11 = format!("{}{:010}", 2 + n % 8, 4_567_123_000 + n * 7_919);
    let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
    let check = verhoeff_check_digit(&digits).unwrap_or(0);
    format!("{first11}{check}")
}

/// Creates the demo employees once (skipped when any employee exists).
pub fn seed(
    t: &Arc<TenantHandle>,
    keys: &KeyStore,
    branches: &[String],
    owner_id: &str,
) -> AppResult<usize> {
    let existing: Option<i64> = t.db.read_blocking(|c| {
        Ok(
            c.query_row("SELECT 1 FROM employees LIMIT 1", [], |r| r.get(0))
                .optional()?,
        )
    })?;
    if existing.is_some() || branches.is_empty() {
        return Ok(0);
    }
    let actor = Actor {
        actor_id: Some(owner_id.to_string()),
        request_id: Some("demo-seed".into()),
        ip: None,
    };
    for (n, (name, department, designation)) in PEOPLE.iter().enumerate() {
        let (ifsc, bank) = IFSC[n % IFSC.len()];
        let email_name = name.to_ascii_lowercase().replace(' ', ".");
        let req = CreateEmployee {
            employee_code: format!("EMP{:03}", n + 1),
            name: (*name).to_string(),
            branch_id: branches[n % branches.len()].clone(),
            email: Some(format!("{email_name}@demo.bisman.local")),
            phone: Some(format!("+91 98{:03} {:05}", 200 + n, 10_000 + n * 311)),
            department: Some((*department).to_string()),
            designation: Some((*designation).to_string()),
            date_of_joining: Some(format!(
                "20{:02}-{:02}-{:02}",
                18 + n % 8,
                1 + n % 12,
                1 + n % 28
            )),
            pan: Some(pan(n)),
            aadhaar: Some(aadhaar(n)),
            bank_account: Some(BankAccountInput {
                account_number: format!("{:014}", 50_100_000_000_000_u64 + n as u64 * 104_729),
                ifsc: ifsc.to_string(),
                bank_name: Some(bank.to_string()),
            }),
            monthly_salary_paise: Some(i64::try_from(18_000 + n * 2_500).unwrap_or(0) * 100),
            status: Some(if n == 19 { "exited" } else { "active" }.to_string()),
        };
        service::create(t, keys, &BranchScope::all(), &req, &actor)?;
    }
    Ok(PEOPLE.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Aadhaar, Pan};

    #[test]
    fn demo_numbers_are_valid_and_distinct() {
        let pans: std::collections::HashSet<String> = (0..20).map(pan).collect();
        let aadhaars: std::collections::HashSet<String> = (0..20).map(aadhaar).collect();
        assert_eq!((pans.len(), aadhaars.len()), (20, 20));
        for p in &pans {
            assert!(Pan::parse(p).is_ok(), "{p}");
        }
        for a in &aadhaars {
            assert!(Aadhaar::parse(a).is_ok(), "{a}");
        }
    }
}
