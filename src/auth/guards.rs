//! Request guards that compose: bearer token → tenant → user → (in the handler) permission.
//!
//! `TenantUser` refuses tokens whose password has expired; `AnyTenantUser` accepts them
//! and exists only for `/auth/password` and `/auth/me`.

use std::sync::Arc;

use rocket::request::{FromRequest, Outcome, Request};

use super::jwt::Claims;
use super::{principal, Auth, Principal};
use crate::clock;
use crate::control::sysadmins;
use crate::error::{AppError, AppResult};
use crate::http::fairings::TenantTag;
use crate::http::stash;
use crate::tenancy::{TenantHandle, Tenants};

/// An authenticated user of one tenant, with their permissions.
pub struct AnyTenantUser {
    pub tenant: Arc<TenantHandle>,
    pub principal: Arc<Principal>,
    pub claims: Claims,
    pub ip: String,
    pub request_id: String,
}

/// A tenant user whose password is not expired.
pub struct TenantUser(pub AnyTenantUser);

impl std::ops::Deref for TenantUser {
    type Target = AnyTenantUser;
    fn deref(&self) -> &AnyTenantUser {
        &self.0
    }
}

impl AnyTenantUser {
    pub fn can(&self, permission: &str) -> bool {
        self.principal.permissions.contains(permission)
    }

    /// The permission check every handler starts with.
    pub fn require(&self, permission: &str) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "This action needs the permission '{permission}'."
            )))
        }
    }

    pub fn user_id(&self) -> &str {
        &self.principal.user_id
    }

    /// Branch scope: None means every branch.
    pub fn branch_scope(&self) -> Option<&[String]> {
        if self.principal.branch_ids.is_empty() {
            None
        } else {
            Some(&self.principal.branch_ids)
        }
    }

    pub fn may_access_branch(&self, branch_id: &str) -> bool {
        self.branch_scope()
            .is_none_or(|ids| ids.iter().any(|b| b == branch_id))
    }

    /// Who did it, for audit events.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            actor_id: Some(self.principal.user_id.clone()),
            request_id: Some(self.request_id.clone()),
            ip: Some(self.ip.clone()),
        }
    }
}

fn bearer<'a>(req: &'a Request<'_>) -> Option<&'a str> {
    let h = req.headers().get_one("Authorization")?;
    let (scheme, token) = h.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn verified_claims(req: &Request<'_>, auth: &Auth) -> AppResult<Claims> {
    let token = bearer(req).ok_or(AppError::Unauthorized)?;
    auth.key.verify(token, clock::unix_now()).map_err(|why| {
        tracing::debug!(why, "token rejected");
        AppError::Unauthorized
    })
}

async fn authenticate_tenant_user(req: &Request<'_>) -> AppResult<AnyTenantUser> {
    let auth = req
        .rocket()
        .state::<Arc<Auth>>()
        .ok_or_else(|| AppError::internal("auth state missing"))?;
    let tenants = req
        .rocket()
        .state::<Arc<Tenants>>()
        .ok_or_else(|| AppError::internal("tenants state missing"))?;
    let claims = verified_claims(req, auth)?;
    if claims.scope != "tenant" {
        return Err(AppError::Forbidden(
            "A system administrator token cannot be used on tenant routes.".into(),
        ));
    }
    let slug = claims.tid.clone().ok_or(AppError::Unauthorized)?;
    let tenant = match tenants.active(&slug).await {
        Ok(t) => t,
        Err(AppError::NotFound) => return Err(AppError::Unauthorized),
        Err(e) => return Err(e),
    };
    req.local_cache(|| TenantTag(Some(slug.clone())));

    let revoked = match auth.revoked_cached(&claims.jti, &claims.fam) {
        Some(r) => r,
        None => {
            let (jti, fam) = (claims.jti.clone(), claims.fam.clone());
            let auth2 = Arc::clone(auth);
            rocket::tokio::task::spawn_blocking(move || auth2.is_revoked_blocking(&jti, &fam))
                .await??
        }
    };
    if revoked {
        return Err(AppError::Unauthorized);
    }

    let key = (slug.clone(), claims.sub.clone(), tenant.auth_generation());
    let principal = match auth.cached_principal(&key) {
        Some(p) => p,
        None => {
            let sub = claims.sub.clone();
            let loaded = tenant
                .db
                .read(move |c| principal::load(c, &sub))
                .await?
                .ok_or(AppError::Unauthorized)?;
            let p = Arc::new(loaded);
            auth.cache_principal(key, Arc::clone(&p));
            p
        }
    };
    if !principal.active || principal.token_epoch != claims.ep {
        return Err(AppError::Unauthorized);
    }
    auth.limits.api_tenant.check(&slug)?;
    auth.limits
        .api_user
        .check(&format!("{slug}|{}", principal.user_id))?;
    Ok(AnyTenantUser {
        tenant,
        principal,
        claims,
        ip: crate::http::client_ip::of(req).to_string(),
        request_id: crate::http::problem::request_id(req),
    })
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AnyTenantUser {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match authenticate_tenant_user(req).await {
            Ok(u) => Outcome::Success(u),
            Err(e) => Outcome::Error(stash(req, e)),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for TenantUser {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match authenticate_tenant_user(req).await {
            Ok(u) if u.claims.pwx => Outcome::Error(stash(req, AppError::PasswordExpired)),
            Ok(u) => Outcome::Success(TenantUser(u)),
            Err(e) => Outcome::Error(stash(req, e)),
        }
    }
}

/// An authenticated system administrator.
pub struct SystemAdmin {
    pub id: String,
    pub email: String,
    pub claims: Claims,
}

async fn authenticate_sysadmin(req: &Request<'_>) -> AppResult<SystemAdmin> {
    let auth = req
        .rocket()
        .state::<Arc<Auth>>()
        .ok_or_else(|| AppError::internal("auth state missing"))?;
    let claims = verified_claims(req, auth)?;
    if claims.scope != "system" {
        return Err(AppError::Forbidden(
            "A tenant token cannot be used on system routes.".into(),
        ));
    }
    let auth2 = Arc::clone(auth);
    let c2 = claims.clone();
    let admin =
        rocket::tokio::task::spawn_blocking(move || -> AppResult<Option<sysadmins::SysAdmin>> {
            if auth2.is_revoked_blocking(&c2.jti, &c2.fam)? {
                return Ok(None);
            }
            auth2
                .control
                .read_blocking(|c| sysadmins::find_by_id(c, &c2.sub))
        })
        .await??;
    match admin {
        Some(a) if a.token_epoch == claims.ep => Ok(SystemAdmin {
            id: a.id,
            email: a.email,
            claims,
        }),
        _ => Err(AppError::Unauthorized),
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SystemAdmin {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match authenticate_sysadmin(req).await {
            Ok(a) => Outcome::Success(a),
            Err(e) => Outcome::Error(stash(req, e)),
        }
    }
}
