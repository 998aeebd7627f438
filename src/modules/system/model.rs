use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::control::tenants::TenantRecord;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemLogin {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemLoginResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_expires_in: i64,
    /// Always `system`.
    pub scope: &'static str,
    pub password_expired: bool,
    pub user: SystemUser,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemUser {
    pub id: String,
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    pub slug: String,
    pub name: String,
    pub owner_email: String,
    /// Optional: without it a password is generated and returned once.
    pub owner_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTenant {
    #[serde(flatten)]
    pub tenant: TenantRecord,
    pub owner_email: String,
    /// Present only when the password was generated; shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_owner_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantList {
    pub items: Vec<TenantRecord>,
    pub next_cursor: Option<String>,
}
