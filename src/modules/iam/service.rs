//! Rules of identity and access: login, refresh, password change, user and role changes.

use std::sync::Arc;

use serde_json::json;

use super::model::*;
use super::repo;
use crate::audit::{self, Actor};
use crate::auth::sessions::{self, Subject};
use crate::auth::{password, permissions, principal, Auth};
use crate::clock;
use crate::domain::{Email, TenantSlug};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::modules::fields::check_version;
use crate::tenancy::{TenantHandle, Tenants};

fn password_expired(changed_at: &str, max_age_days: u32) -> bool {
    if max_age_days == 0 {
        return false;
    }
    clock::parse_rfc3339(changed_at)
        .is_none_or(|t| clock::now() - t > time::Duration::days(i64::from(max_age_days)))
}

pub fn me_of(p: &principal::Principal, password_expired: bool, backups_missing: bool) -> Me {
    Me {
        id: p.user_id.clone(),
        email: p.email.clone(),
        name: p.name.clone(),
        roles: p.roles.clone(),
        permissions: p.permissions.iter().cloned().collect(),
        branch_ids: p.branch_ids.clone(),
        password_expired,
        backups_not_configured: backups_missing && p.roles.iter().any(|r| r == "owner"),
    }
}

/// Login. Unknown tenant, unknown email, wrong password and deactivated user are one 401,
/// and all of them cost one argon2 verification.
pub fn login(
    auth: &Auth,
    tenants: &Tenants,
    req: &LoginRequest,
    actor: &Actor,
) -> AppResult<LoginResponse> {
    let slug =
        TenantSlug::parse(&req.tenant).map_err(|e| AppError::field("tenant", e.code, e.message))?;
    let email = req.email.trim().to_lowercase();
    let ip = actor.ip.clone().unwrap_or_default();
    auth.limits.login.check(&format!("{ip}|{slug}|{email}"))?;
    if req.password.chars().count() > password::MAX_LEN {
        // Never hash unbounded input; same answer as any other failure.
        password::verify("x", password::dummy_hash());
        return Err(AppError::Unauthorized);
    }
    let tenant = match tenants.active_blocking(slug.as_str()) {
        Ok(t) => Some(t),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let creds = match &tenant {
        Some(t) => {
            t.db.read_blocking(|c| repo::credentials_by_email(c, &email))?
        }
        None => None,
    };
    let ok = match &creds {
        Some(c) => password::verify(&req.password, &c.password_hash) && c.active,
        None => {
            password::verify(&req.password, password::dummy_hash());
            false
        }
    };
    let Some(tenant) = tenant else {
        return Err(AppError::Unauthorized);
    };
    let (Some(creds), true) = (creds, ok) else {
        let user_id = tenant
            .db
            .read_blocking(|c| repo::credentials_by_email(c, &email))?
            .map(|c| c.id);
        tenant.db.write_blocking(|tx| {
            audit::append(
                tx,
                actor,
                "auth.login_failed",
                "user",
                user_id.as_deref(),
                json!({"email": email}),
            )?;
            Ok(())
        })?;
        return Err(AppError::Unauthorized);
    };
    let expired = password_expired(&creds.password_changed_at, auth.password_max_age_days);
    let subject = Subject {
        scope: "tenant",
        tenant: Some(slug.to_string()),
        user_id: creds.id.clone(),
        epoch: creds.token_epoch,
        password_expired: expired,
    };
    let tokens = sessions::open(auth, &subject, clock::unix_now())?;
    let user_actor = Actor {
        actor_id: Some(creds.id.clone()),
        ..actor.clone()
    };
    let p = tenant.db.write_blocking(|tx| {
        audit::append(
            tx,
            &user_actor,
            "auth.login",
            "user",
            Some(&creds.id),
            json!({"password_expired": expired}),
        )?;
        principal::load(tx, &creds.id)
    })?;
    let p = p.ok_or(AppError::Unauthorized)?;
    Ok(LoginResponse {
        tokens,
        password_expired: expired,
        user: me_of(&p, expired, auth.backups_missing),
    })
}

/// Refresh: spends the token and issues the next pair, re-checking the user.
pub fn refresh(auth: &Auth, tenants: &Tenants, token: &str, ip: &str) -> AppResult<LoginResponse> {
    if token.len() > 200 {
        return Err(AppError::Unauthorized);
    }
    // The limit first: a refused (429) request changes nothing, so the client's retry
    // with the same token still works instead of looking like a replay.
    if let Some(user_id) = sessions::owner_of(auth, token)? {
        auth.limits.auth.check(&format!("{ip}|{user_id}"))?;
    }
    let now = clock::unix_now();
    let row = sessions::spend(auth, token, now)?;
    match row.scope.as_str() {
        "tenant" => {
            let slug = row.tenant.clone().ok_or(AppError::Unauthorized)?;
            let tenant = match tenants.active_blocking(&slug) {
                Ok(t) => t,
                Err(AppError::NotFound) => return Err(AppError::Unauthorized),
                Err(e) => return Err(e),
            };
            let creds = tenant
                .db
                .read_blocking(|c| repo::credentials_by_id(c, &row.user_id))?
                .ok_or(AppError::Unauthorized)?;
            if !creds.active {
                return Err(AppError::Unauthorized);
            }
            let expired = password_expired(&creds.password_changed_at, auth.password_max_age_days);
            let subject = Subject {
                scope: "tenant",
                tenant: Some(slug),
                user_id: creds.id.clone(),
                epoch: creds.token_epoch,
                password_expired: expired,
            };
            let tokens = sessions::continue_family(auth, &subject, &row.family_id, now)?;
            let p = tenant
                .db
                .read_blocking(|c| principal::load(c, &creds.id))?
                .ok_or(AppError::Unauthorized)?;
            Ok(LoginResponse {
                tokens,
                password_expired: expired,
                user: me_of(&p, expired, auth.backups_missing),
            })
        }
        _ => {
            let admin = auth
                .control
                .read_blocking(|c| crate::control::sysadmins::find_by_id(c, &row.user_id))?
                .ok_or(AppError::Unauthorized)?;
            let subject = Subject {
                scope: "system",
                tenant: None,
                user_id: admin.id.clone(),
                epoch: admin.token_epoch,
                password_expired: false,
            };
            let tokens = sessions::continue_family(auth, &subject, &row.family_id, now)?;
            Ok(LoginResponse {
                tokens,
                password_expired: false,
                user: Me {
                    id: admin.id,
                    email: admin.email.clone(),
                    name: admin.email,
                    roles: vec!["sysadmin".into()],
                    permissions: vec![],
                    branch_ids: vec![],
                    password_expired: false,
                    backups_not_configured: false,
                },
            })
        }
    }
}

/// Changes the password of the signed-in user; every token they had stops working.
pub fn change_password(
    auth: &Auth,
    tenant: &Arc<TenantHandle>,
    user_id: &str,
    req: &PasswordChange,
    actor: &Actor,
) -> AppResult<()> {
    let creds = tenant
        .db
        .read_blocking(|c| repo::credentials_by_id(c, user_id))?
        .ok_or(AppError::Unauthorized)?;
    if req.current_password.chars().count() > password::MAX_LEN
        || !password::verify(&req.current_password, &creds.password_hash)
    {
        return Err(AppError::field(
            "current_password",
            "invalid",
            "the current password is not correct",
        ));
    }
    let email = tenant
        .db
        .read_blocking(|c| principal::load(c, user_id))?
        .map(|p| p.email)
        .unwrap_or_default();
    password::check_policy(&req.new_password, &email, "new_password")?;
    let recent = tenant
        .db
        .read_blocking(|c| repo::recent_password_hashes(c, user_id, password::HISTORY))?;
    if recent
        .iter()
        .any(|h| password::verify(&req.new_password, h))
    {
        return Err(AppError::field(
            "new_password",
            "password_reused",
            "must differ from your last 5 passwords",
        ));
    }
    let hash = password::hash(&req.new_password)?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        repo::set_password(tx, user_id, &hash, &now)?;
        audit::append(
            tx,
            actor,
            "user.password_changed",
            "user",
            Some(user_id),
            json!({}),
        )?;
        Ok(())
    })?;
    tenant.bump_auth_generation();
    sessions::revoke_user(
        auth,
        Some(&tenant.slug),
        user_id,
        "password change",
        clock::unix_now(),
    )
}

fn validate_role_names(names: &[String], field: &str) -> AppResult<()> {
    if names.len() > 50 {
        return Err(AppError::field(field, "too_long", "at most 50 roles"));
    }
    Ok(())
}

fn validate_branch_ids(ids: &[String]) -> AppResult<Vec<String>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            uuid::Uuid::parse_str(id)
                .map(|u| u.to_string())
                .map_err(|_| {
                    AppError::field(
                        format!("branch_ids[{i}]"),
                        "invalid_format",
                        "must be a branch id (UUID)",
                    )
                })
        })
        .collect()
}

fn validate_name(name: &str, field: &str) -> AppResult<String> {
    crate::modules::fields::required_text(name, 200)
        .map_err(|e| AppError::field(field, e.code, e.message))
}

pub fn create_user(tenant: &Arc<TenantHandle>, req: &CreateUser, actor: &Actor) -> AppResult<User> {
    let mut problems = Vec::new();
    let email = Email::parse(&req.email)
        .map_err(|e| problems.push(FieldProblem::new("email", e.code, e.message)))
        .ok();
    let name = validate_name(&req.name, "name")
        .map_err(|e| {
            if let AppError::Validation(v) = e {
                problems.extend(v)
            }
        })
        .ok();
    if let Some(email) = &email {
        if let Err(AppError::Validation(v)) =
            password::check_policy(&req.password, email.as_str(), "password")
        {
            problems.extend(v);
        }
    }
    validate_role_names(&req.roles, "roles")?;
    let branch_ids = validate_branch_ids(&req.branch_ids)?;
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Validation(problems));
    };
    let hash = password::hash(&req.password)?;
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    let roles = req.roles.clone();
    let user = tenant.db.write_blocking(|tx| {
        repo::insert_user(tx, &repo::NewUser { id: &id, email: email.as_str(), name: &name, password_hash: &hash, now: &now })?;
        if let Err(missing) = repo::set_user_roles(tx, &id, &roles)? {
            return Err(AppError::field("roles", "not_found", format!("no role named '{missing}'")));
        }
        if let Err(missing) = repo::set_user_branches(tx, &id, &branch_ids)? {
            return Err(AppError::field("branch_ids", "not_found", format!("no branch {missing}")));
        }
        audit::append(tx, actor, "user.created", "user", Some(&id), json!({"email": email.as_str(), "name": name, "roles": roles, "branch_ids": branch_ids}))?;
        repo::get_user(tx, &id)?.ok_or(AppError::NotFound)
    })?;
    tenant.bump_auth_generation();
    Ok(user)
}

pub fn patch_user(
    tenant: &Arc<TenantHandle>,
    id: &str,
    req: &PatchUser,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<User> {
    let name = req
        .name
        .as_deref()
        .map(|n| validate_name(n, "name"))
        .transpose()?;
    if let Some(r) = &req.roles {
        validate_role_names(r, "roles")?;
    }
    let branch_ids = req
        .branch_ids
        .as_deref()
        .map(validate_branch_ids)
        .transpose()?;
    let roles = req.roles.clone();
    let id = id.to_string();
    let now = clock::now_rfc3339();
    let user = tenant.db.write_blocking(|tx| {
        let before = repo::get_user(tx, &id)?.ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        let mut changes = serde_json::Map::new();
        if let Some(n) = &name {
            repo::update_user_name(tx, &id, n, &now)?;
            changes.insert("name".into(), json!({"from": before.name, "to": n}));
        }
        if let Some(r) = &roles {
            let was_owner = before.roles.iter().any(|x| x == "owner");
            if let Err(missing) = repo::set_user_roles(tx, &id, r)? {
                return Err(AppError::field(
                    "roles",
                    "not_found",
                    format!("no role named '{missing}'"),
                ));
            }
            if was_owner && repo::active_owner_count(tx)? == 0 {
                return Err(AppError::Conflict(
                    "the last owner cannot lose the owner role".into(),
                ));
            }
            changes.insert("roles".into(), json!({"from": before.roles, "to": r}));
        }
        if let Some(b) = &branch_ids {
            if let Err(missing) = repo::set_user_branches(tx, &id, b)? {
                return Err(AppError::field(
                    "branch_ids",
                    "not_found",
                    format!("no branch {missing}"),
                ));
            }
            changes.insert(
                "branch_ids".into(),
                json!({"from": before.branch_ids, "to": b}),
            );
        }
        repo::touch_user(tx, &id, &now)?;
        let action = if roles.is_some() {
            "user.roles_changed"
        } else {
            "user.updated"
        };
        audit::append(
            tx,
            actor,
            action,
            "user",
            Some(&id),
            serde_json::Value::Object(changes),
        )?;
        repo::get_user(tx, &id)?.ok_or(AppError::NotFound)
    })?;
    tenant.bump_auth_generation();
    Ok(user)
}

pub fn deactivate_user(
    auth: &Auth,
    tenant: &Arc<TenantHandle>,
    id: &str,
    actor: &Actor,
) -> AppResult<User> {
    let id = id.to_string();
    let now = clock::now_rfc3339();
    let user = tenant.db.write_blocking(|tx| {
        let before = repo::get_user(tx, &id)?.ok_or(AppError::NotFound)?;
        if before.status == "deactivated" {
            return Ok(before);
        }
        repo::deactivate_user(tx, &id, &now)?;
        if repo::active_owner_count(tx)? == 0 {
            return Err(AppError::Conflict(
                "the last active owner cannot be deactivated".into(),
            ));
        }
        audit::append(tx, actor, "user.deactivated", "user", Some(&id), json!({}))?;
        repo::get_user(tx, &id)?.ok_or(AppError::NotFound)
    })?;
    tenant.bump_auth_generation();
    sessions::revoke_user(
        auth,
        Some(&tenant.slug),
        &user.id,
        "deactivated",
        clock::unix_now(),
    )?;
    Ok(user)
}

fn validate_permissions(perms: &[String]) -> AppResult<Vec<String>> {
    let mut problems = Vec::new();
    for (i, p) in perms.iter().enumerate() {
        if !permissions::is_known(p) {
            problems.push(FieldProblem::new(
                format!("permissions[{i}]"),
                "unknown_permission",
                format!("'{p}' is not in the catalogue"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let mut v = perms.to_vec();
    v.sort();
    v.dedup();
    Ok(v)
}

fn validate_role_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    let ok = (2..=50).contains(&n.len())
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !ok {
        return Err(AppError::field(
            "name",
            "invalid_format",
            "2–50 characters of a-z, 0-9, _ and -",
        ));
    }
    Ok(n.to_string())
}

pub fn create_role(tenant: &Arc<TenantHandle>, req: &CreateRole, actor: &Actor) -> AppResult<Role> {
    let name = validate_role_name(&req.name)?;
    if permissions::builtin_permissions(&name).is_some() {
        return Err(AppError::Conflict(format!("'{name}' is a built-in role")));
    }
    let perms = validate_permissions(&req.permissions)?;
    let now = clock::now_rfc3339();
    let role = Role {
        id: crate::ids::new_id(),
        name,
        description: req.description.chars().take(500).collect(),
        builtin: false,
        permissions: perms,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    tenant.db.write_blocking(|tx| {
        repo::insert_role(tx, &role)?;
        audit::append(
            tx,
            actor,
            "role.created",
            "role",
            Some(&role.id),
            json!({"name": role.name, "permissions": role.permissions}),
        )?;
        Ok(())
    })?;
    Ok(role)
}

pub fn patch_role(
    tenant: &Arc<TenantHandle>,
    id: &str,
    req: &PatchRole,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Role> {
    let name = req.name.as_deref().map(validate_role_name).transpose()?;
    let perms = req
        .permissions
        .as_deref()
        .map(validate_permissions)
        .transpose()?;
    let description = req.description.clone();
    let id = id.to_string();
    let now = clock::now_rfc3339();
    let role = tenant.db.write_blocking(|tx| {
        let mut role = repo::get_role(tx, &id)?.ok_or(AppError::NotFound)?;
        if role.builtin {
            return Err(AppError::Conflict("built-in roles cannot be changed".into()));
        }
        check_version(if_match, role.version)?;
        let before = role.clone();
        if let Some(n) = name {
            if permissions::builtin_permissions(&n).is_some() {
                return Err(AppError::Conflict(format!("'{n}' is a built-in role")));
            }
            role.name = n;
        }
        if let Some(p) = perms {
            role.permissions = p;
        }
        if let Some(d) = description {
            role.description = d.chars().take(500).collect();
        }
        repo::update_role(tx, &role, &now)?;
        audit::append(
            tx,
            actor,
            "role.updated",
            "role",
            Some(&id),
            json!({"name": {"from": before.name, "to": role.name}, "permissions": {"from": before.permissions, "to": role.permissions}}),
        )?;
        repo::get_role(tx, &id)?.ok_or(AppError::NotFound)
    })?;
    tenant.bump_auth_generation();
    Ok(role)
}

pub fn delete_role(tenant: &Arc<TenantHandle>, id: &str, actor: &Actor) -> AppResult<()> {
    let id = id.to_string();
    tenant.db.write_blocking(|tx| {
        let role = repo::get_role(tx, &id)?.ok_or(AppError::NotFound)?;
        if role.builtin {
            return Err(AppError::Conflict(
                "built-in roles cannot be deleted".into(),
            ));
        }
        if repo::role_in_use(tx, &id)? {
            return Err(AppError::Conflict(
                "the role is assigned to users; remove it from them first".into(),
            ));
        }
        repo::delete_role(tx, &id)?;
        audit::append(
            tx,
            actor,
            "role.deleted",
            "role",
            Some(&id),
            json!({"name": role.name}),
        )?;
        Ok(())
    })?;
    tenant.bump_auth_generation();
    Ok(())
}
