//! Tenant provisioning and sysadmin sign-in. Used by the HTTP routes, the CLI and `--demo`.

use std::sync::Arc;

use serde_json::json;

use super::model::*;
use crate::audit::{self, Actor};
use crate::auth::sessions::{self, Subject};
use crate::auth::{password, Auth};
use crate::clock;
use crate::control::sysadmins;
use crate::domain::{Email, TenantSlug};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::keys::KeyStore;
use crate::modules::iam::repo as iam_repo;
use crate::tenancy::{TenantHandle, Tenants};

pub struct Provisioned {
    pub handle: Arc<TenantHandle>,
    pub created: CreatedTenant,
    pub owner_id: String,
}

/// Creates a tenant: its file, schema, keys, built-in roles and owner, all or nothing.
pub fn provision_tenant(
    tenants: &Tenants,
    keys: &KeyStore,
    req: &CreateTenant,
    actor: &Actor,
) -> AppResult<Provisioned> {
    let mut problems = Vec::new();
    let slug = TenantSlug::parse(&req.slug)
        .map_err(|e| problems.push(FieldProblem::new("slug", e.code, e.message)))
        .ok();
    let name = crate::modules::fields::required_text(&req.name, 200)
        .map_err(|e| problems.push(FieldProblem::new("name", e.code, e.message)))
        .unwrap_or_default();
    let email = Email::parse(&req.owner_email)
        .map_err(|e| problems.push(FieldProblem::new("owner_email", e.code, e.message)))
        .ok();
    let (password, generated) = match &req.owner_password {
        Some(p) => (p.clone(), false),
        None => (password::generate(), true),
    };
    if let Some(e) = &email {
        if let Err(AppError::Validation(v)) =
            password::check_policy(&password, e.as_str(), "owner_password")
        {
            problems.extend(v);
        }
    }
    let (Some(slug), Some(email), true) = (slug, email, problems.is_empty()) else {
        return Err(AppError::Validation(problems));
    };
    let hash = password::hash(&password)?;
    let owner_id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    let handle = tenants.create_blocking(&slug, &name, |tx| {
        keys.provision_blocking(slug.as_str())?;
        iam_repo::seed_builtin_roles(tx, &now)?;
        iam_repo::insert_user(
            tx,
            &iam_repo::NewUser {
                id: &owner_id,
                email: email.as_str(),
                name: "Owner",
                password_hash: &hash,
                now: &now,
            },
        )?;
        if let Err(missing) = iam_repo::set_user_roles(tx, &owner_id, &["owner".to_string()])? {
            return Err(AppError::internal(format!(
                "built-in role {missing} missing"
            )));
        }
        audit::append(
            tx,
            actor,
            "tenant.created",
            "tenant",
            Some(slug.as_str()),
            json!({"name": name, "owner_email": email.as_str()}),
        )?;
        audit::append(
            tx,
            actor,
            "user.created",
            "user",
            Some(&owner_id),
            json!({"email": email.as_str(), "roles": ["owner"]}),
        )?;
        Ok(())
    })?;
    let record = tenants
        .record_blocking(slug.as_str())?
        .ok_or(AppError::NotFound)?;
    Ok(Provisioned {
        handle,
        created: CreatedTenant {
            tenant: record,
            owner_email: email.to_string(),
            generated_owner_password: generated.then_some(password),
        },
        owner_id,
    })
}

pub fn create_sysadmin(
    auth_control: &crate::db::Database,
    email: &str,
    password: &str,
) -> AppResult<String> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.code, e.message))?;
    password::check_policy(password, email.as_str(), "password")?;
    let hash = password::hash(password)?;
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    auth_control.write_blocking(|tx| sysadmins::insert(tx, &id, email.as_str(), &hash, &now))?;
    Ok(id)
}

pub fn login(auth: &Auth, req: &SystemLogin, ip: &str) -> AppResult<SystemLoginResponse> {
    let email = req.email.trim().to_lowercase();
    auth.limits.login.check(&format!("{ip}|<system>|{email}"))?;
    let admin = if req.password.chars().count() > password::MAX_LEN {
        None
    } else {
        auth.control
            .read_blocking(|c| sysadmins::find_by_email(c, &email))?
    };
    let ok = match &admin {
        Some(a) => password::verify(&req.password, &a.password_hash),
        None => {
            password::verify(&req.password, password::dummy_hash());
            false
        }
    };
    let (Some(admin), true) = (admin, ok) else {
        tracing::warn!(target: "bisman::security", ip, "system login failed");
        return Err(AppError::Unauthorized);
    };
    let subject = Subject {
        scope: "system",
        tenant: None,
        user_id: admin.id.clone(),
        epoch: admin.token_epoch,
        password_expired: false,
    };
    let t = sessions::open(auth, &subject, clock::unix_now())?;
    tracing::info!(target: "bisman::security", admin = %admin.id, "system login");
    Ok(SystemLoginResponse {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        token_type: t.token_type,
        expires_in: t.expires_in,
        refresh_expires_in: t.refresh_expires_in,
        scope: "system",
        password_expired: false,
        user: SystemUser {
            id: admin.id,
            email: admin.email,
        },
    })
}
