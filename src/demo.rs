//! `bisman serve --demo`: a ready demo tenant, created once.

use crate::app::Core;
use crate::audit::Actor;
use crate::cli::Failure;
use crate::modules::system::{model::CreateTenant, service as system};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_EMAIL: &str = "owner@demo.bisman.local";
pub const DEMO_PASSWORD: &str = "Demo-Owner#2026";

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
    let url = format!("http://{}/", core.settings.bind);
    println!("Demo tenant ready. Open {url} and sign in with tenant '{DEMO_SLUG}', email {DEMO_EMAIL}, password {DEMO_PASSWORD}");
    Ok(())
}
