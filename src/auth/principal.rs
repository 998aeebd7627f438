//! Who a tenant user is for authorisation: status, token epoch, roles, permissions and
//! branch scope, read from the tenant file.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};

use super::permissions;
use crate::error::AppResult;

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub token_epoch: i64,
    pub password_changed_at: String,
    pub roles: Vec<String>,
    pub permissions: BTreeSet<String>,
    /// Empty means every branch.
    pub branch_ids: Vec<String>,
}

/// Loads a user with their effective permissions (built-in roles from code, custom ones from the table).
pub fn load(conn: &Connection, user_id: &str) -> AppResult<Option<Principal>> {
    let row = conn
        .prepare_cached("SELECT id, email, name, status, token_epoch, password_changed_at FROM users WHERE id = ?1")?
        .query_row([user_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((id, email, name, status, token_epoch, password_changed_at)) = row else {
        return Ok(None);
    };
    let mut roles = Vec::new();
    let mut perms = BTreeSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT r.name, r.builtin, r.permissions FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ?1 ORDER BY r.name",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (role, builtin, json) = row?;
        match (builtin, permissions::builtin_permissions(&role)) {
            (true, Some(p)) => perms.extend(p.into_iter().map(str::to_string)),
            _ => {
                let list: Vec<String> = serde_json::from_str(&json).unwrap_or_default();
                perms.extend(list.into_iter().filter(|p| permissions::is_known(p)));
            }
        }
        roles.push(role);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT branch_id FROM user_branches WHERE user_id = ?1 ORDER BY branch_id",
    )?;
    let branch_ids = stmt
        .query_map([user_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(Some(Principal {
        user_id: id,
        email,
        name,
        active: status == "active",
        token_epoch,
        password_changed_at,
        roles,
        permissions: perms,
        branch_ids,
    }))
}
