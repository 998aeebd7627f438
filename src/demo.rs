//! `bisman serve --demo`: a ready demo tenant, created once.

use crate::app::Core;
use crate::audit::Actor;
use crate::cli::Failure;
use crate::error::AppError;
use crate::modules::hr::demo as people;
use crate::modules::iam::repo as iam;
use crate::modules::sales::demo as sales;
use crate::modules::system::{model::CreateTenant, service as system};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_EMAIL: &str = "owner@demo.bisman.local";
pub const DEMO_PASSWORD: &str = "Demo-Kesar#2026";

pub fn ensure(core: &Core) -> Result<(), Failure> {
    if core.tenants.record_blocking(DEMO_SLUG)?.is_none() {
        let req = CreateTenant {
            slug: DEMO_SLUG.into(),
            name: "Demo Traders Pvt Ltd".into(),
            owner_email: DEMO_EMAIL.into(),
            owner_password: Some(DEMO_PASSWORD.into()),
        };
        system::provision_tenant(&core.tenants, &core.keys, &req, &Actor::system(None))?;
    }
    seed_sales(core)?;
    seed_people(core)?;
    let url = format!("http://{}/", core.settings.bind);
    println!("Demo tenant ready. Open {url} and sign in with tenant '{DEMO_SLUG}', email {DEMO_EMAIL}, password {DEMO_PASSWORD}");
    Ok(())
}

fn demo_owner_id(core: &Core) -> Result<String, Failure> {
    let tenant = core.tenants.open_blocking(DEMO_SLUG)?;
    let owner = tenant
        .db
        .read_blocking(|c| iam::credentials_by_email(c, DEMO_EMAIL))?
        .ok_or_else(|| AppError::internal("the demo owner is missing"))?;
    Ok(owner.id)
}

/// Twenty employees across the demo branches, once.
fn seed_people(core: &Core) -> Result<(), Failure> {
    let tenant = core.tenants.open_blocking(DEMO_SLUG)?;
    let branches = sales::ensure_branches(&tenant)?;
    let n = people::seed(&tenant, &core.keys, &branches, &demo_owner_id(core)?)?;
    if n > 0 {
        println!("Demo people: {n} employees with encrypted PAN, Aadhaar and bank details");
    }
    Ok(())
}

/// Branches, customers, items, invoices and payments, once (skipped when customers exist).
fn seed_sales(core: &Core) -> Result<(), Failure> {
    let tenant = core.tenants.open_blocking(DEMO_SLUG)?;
    let owner = demo_owner_id(core)?;
    if let Some(s) = sales::seed(&tenant, &core.keys, &owner)? {
        println!(
            "Demo sales data: company profile, {} customers, {} items, {} invoices, {} credit and debit notes, {} payments",
            s.customers, s.items, s.invoices, s.notes, s.payments
        );
    }
    let branches = sales::ensure_branches(&tenant)?;
    let journals = crate::modules::books::demo::seed(&tenant, &owner, &branches)?;
    if journals > 0 {
        println!("Demo books: every document posted, opening balances and {journals} manual journals (rent, salaries, electricity, bank charges)");
    }
    if let Some(p) = crate::modules::purchases::demo::seed(&tenant, &owner, &branches)? {
        println!(
            "Demo purchases: {} vendors, {} bills posted (one reverse charge, one with blocked credit), {} vendor payments; {} goods kept in stock with a transfer, sales and a return",
            p.vendors, p.bills, p.payments, p.stocked
        );
    }
    Ok(())
}
