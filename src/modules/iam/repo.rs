//! SQL for users, roles and their links. Functions take a connection and know nothing of HTTP.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Role, User};
use crate::auth::permissions;
use crate::error::AppResult;

pub struct Credentials {
    pub id: String,
    pub password_hash: String,
    pub active: bool,
    pub password_changed_at: String,
    pub token_epoch: i64,
}

pub fn credentials_by_email(c: &Connection, email: &str) -> AppResult<Option<Credentials>> {
    Ok(c.prepare_cached("SELECT id, password_hash, status, password_changed_at, token_epoch FROM users WHERE email = ?1")?
        .query_row([email], |r| {
            Ok(Credentials {
                id: r.get(0)?,
                password_hash: r.get(1)?,
                active: r.get::<_, String>(2)? == "active",
                password_changed_at: r.get(3)?,
                token_epoch: r.get(4)?,
            })
        })
        .optional()?)
}

pub fn credentials_by_id(c: &Connection, id: &str) -> AppResult<Option<Credentials>> {
    Ok(c.prepare_cached("SELECT id, password_hash, status, password_changed_at, token_epoch FROM users WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Credentials {
                id: r.get(0)?,
                password_hash: r.get(1)?,
                active: r.get::<_, String>(2)? == "active",
                password_changed_at: r.get(3)?,
                token_epoch: r.get(4)?,
            })
        })
        .optional()?)
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub now: &'a str,
}

pub fn insert_user(c: &Connection, u: &NewUser<'_>) -> AppResult<()> {
    c.execute(
        "INSERT INTO users (id, email, name, password_hash, password_changed_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
        params![u.id, u.email, u.name, u.password_hash, u.now],
    )?;
    c.execute(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?1, ?2, ?3)",
        params![u.id, u.password_hash, u.now],
    )?;
    Ok(())
}

/// The most recent `n` password hashes (the current one first).
pub fn recent_password_hashes(c: &Connection, user_id: &str, n: usize) -> AppResult<Vec<String>> {
    let mut stmt = c.prepare_cached("SELECT password_hash FROM password_history WHERE user_id = ?1 ORDER BY rowid DESC LIMIT ?2")?;
    let rows = stmt.query_map(params![user_id, n as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets a new password, records it in the history and invalidates every token (epoch + 1).
pub fn set_password(c: &Connection, user_id: &str, hash: &str, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE users SET password_hash = ?2, password_changed_at = ?3, token_epoch = token_epoch + 1,
         version = version + 1, updated_at = ?3 WHERE id = ?1",
        params![user_id, hash, now],
    )?;
    c.execute(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?1, ?2, ?3)",
        params![user_id, hash, now],
    )?;
    Ok(())
}

fn role_ids_by_name(c: &Connection, names: &[String]) -> AppResult<Result<Vec<String>, String>> {
    let mut ids = Vec::new();
    for name in names {
        let id: Option<String> = c
            .prepare_cached("SELECT id FROM roles WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => ids.push(id),
            None => return Ok(Err(name.clone())),
        }
    }
    Ok(Ok(ids))
}

/// Replaces a user's roles. Err(name) when a role does not exist.
pub fn set_user_roles(
    c: &Connection,
    user_id: &str,
    names: &[String],
) -> AppResult<Result<(), String>> {
    let ids = match role_ids_by_name(c, names)? {
        Ok(ids) => ids,
        Err(missing) => return Ok(Err(missing)),
    };
    c.execute("DELETE FROM user_roles WHERE user_id = ?1", [user_id])?;
    for id in ids {
        c.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role_id) VALUES (?1, ?2)",
            params![user_id, id],
        )?;
    }
    Ok(Ok(()))
}

/// Replaces a user's branch scope. Err(id) when a branch does not exist.
pub fn set_user_branches(
    c: &Connection,
    user_id: &str,
    branch_ids: &[String],
) -> AppResult<Result<(), String>> {
    for b in branch_ids {
        if !c
            .prepare_cached("SELECT 1 FROM branches WHERE id = ?1")?
            .exists([b])?
        {
            return Ok(Err(b.clone()));
        }
    }
    c.execute("DELETE FROM user_branches WHERE user_id = ?1", [user_id])?;
    for b in branch_ids {
        c.execute(
            "INSERT OR IGNORE INTO user_branches (user_id, branch_id) VALUES (?1, ?2)",
            params![user_id, b],
        )?;
    }
    Ok(Ok(()))
}

fn names_of(c: &Connection, sql: &str, id: &str) -> AppResult<Vec<String>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn user_from_row(c: &Connection, r: &Row<'_>) -> AppResult<User> {
    let id: String = r.get(0)?;
    Ok(User {
        roles: names_of(c, "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ?1 ORDER BY r.name", &id)?,
        branch_ids: names_of(c, "SELECT branch_id FROM user_branches WHERE user_id = ?1 ORDER BY branch_id", &id)?,
        id,
        email: r.get(1)?,
        name: r.get(2)?,
        status: r.get(3)?,
        password_changed_at: r.get(4)?,
        version: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

const USER_COLUMNS: &str =
    "id, email, name, status, password_changed_at, version, created_at, updated_at";

pub fn get_user(c: &Connection, id: &str) -> AppResult<Option<User>> {
    let mut stmt = c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => Ok(Some(user_from_row(c, r)?)),
        None => Ok(None),
    }
}

/// Keyset page by id (UUIDv7, so creation order), newest last.
pub fn list_users(c: &Connection, after: Option<&str>, limit: u32) -> AppResult<Vec<User>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE (?1 IS NULL OR id > ?1) ORDER BY id LIMIT ?2"
    ))?;
    let mut rows = stmt.query(params![after, limit + 1])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(user_from_row(c, r)?);
    }
    Ok(out)
}

pub fn update_user_name(c: &Connection, id: &str, name: &str, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE users SET name = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, name, now],
    )?;
    Ok(())
}

/// Bumps version (and, for deactivation, the token epoch) after a change.
pub fn touch_user(c: &Connection, id: &str, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE users SET version = version + 1, updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

pub fn deactivate_user(c: &Connection, id: &str, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE users SET status = 'deactivated', token_epoch = token_epoch + 1, version = version + 1, updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Owners left who can sign in (the last one may not lose the role or be deactivated).
pub fn active_owner_count(c: &Connection) -> AppResult<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
         WHERE r.name = 'owner' AND r.builtin = 1 AND u.status = 'active'",
        [],
        |r| r.get(0),
    )?)
}

fn role_from_row(r: &Row<'_>) -> rusqlite::Result<Role> {
    let name: String = r.get(1)?;
    let builtin: bool = r.get(3)?;
    let json: String = r.get(4)?;
    let permissions = match (builtin, permissions::builtin_permissions(&name)) {
        (true, Some(p)) => p.into_iter().map(str::to_string).collect(),
        _ => serde_json::from_str(&json).unwrap_or_default(),
    };
    Ok(Role {
        id: r.get(0)?,
        name,
        description: r.get(2)?,
        builtin,
        permissions,
        version: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

const ROLE_COLUMNS: &str =
    "id, name, description, builtin, permissions, version, created_at, updated_at";

pub fn insert_role(c: &Connection, r: &Role) -> AppResult<()> {
    c.execute(
        "INSERT INTO roles (id, name, description, builtin, permissions, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)",
        params![r.id, r.name, r.description, r.builtin, serde_json::to_string(&r.permissions).unwrap_or_default(), r.created_at],
    )?;
    Ok(())
}

pub fn get_role(c: &Connection, id: &str) -> AppResult<Option<Role>> {
    Ok(
        c.prepare_cached(&format!("SELECT {ROLE_COLUMNS} FROM roles WHERE id = ?1"))?
            .query_row([id], role_from_row)
            .optional()?,
    )
}

pub fn list_roles(c: &Connection, after: Option<&str>, limit: u32) -> AppResult<Vec<Role>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE (?1 IS NULL OR id > ?1) ORDER BY id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![after, limit + 1], role_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn update_role(c: &Connection, r: &Role, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE roles SET name = ?2, description = ?3, permissions = ?4, version = version + 1, updated_at = ?5 WHERE id = ?1",
        params![r.id, r.name, r.description, serde_json::to_string(&r.permissions).unwrap_or_default(), now],
    )?;
    Ok(())
}

pub fn role_in_use(c: &Connection, id: &str) -> AppResult<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM user_roles WHERE role_id = ?1 LIMIT 1")?
            .exists([id])?,
    )
}

pub fn delete_role(c: &Connection, id: &str) -> AppResult<()> {
    c.execute("DELETE FROM roles WHERE id = ?1", [id])?;
    Ok(())
}

/// Inserts the six built-in roles into a new tenant.
pub fn seed_builtin_roles(c: &Connection, now: &str) -> AppResult<()> {
    for name in permissions::BUILTIN_ROLES {
        let perms = permissions::builtin_permissions(name).unwrap_or_default();
        insert_role(
            c,
            &Role {
                id: crate::ids::new_id(),
                name: name.to_string(),
                description: format!("Built-in role {name}"),
                builtin: true,
                permissions: perms.into_iter().map(str::to_string).collect(),
                version: 1,
                created_at: now.to_string(),
                updated_at: now.to_string(),
            },
        )?;
    }
    Ok(())
}
