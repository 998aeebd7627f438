//! Rules of the chart: new accounts go under a group and take its type; system accounts
//! may be renamed but never change shape; nothing is deleted (postings refer to it).

use std::sync::Arc;

use serde_json::json;

use super::model::{Account, CreateAccount, PatchAccount};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::FieldError;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::modules::fields::check_version;
use crate::modules::fields::{required_text, Problems};
use crate::tenancy::TenantHandle;

fn code_of(v: &str) -> Result<String, FieldError> {
    let v = v.trim();
    let ok = !v.is_empty()
        && v.len() <= 10
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !v.starts_with('-');
    if ok {
        Ok(v.to_string())
    } else {
        Err(FieldError::invalid_format(
            "1 to 10 letters, digits or hyphens, e.g. 5370",
        ))
    }
}

pub fn list(t: &Arc<TenantHandle>) -> AppResult<Vec<Account>> {
    t.db.read_blocking(repo::list)
}

pub fn get(t: &Arc<TenantHandle>, id: &str) -> AppResult<Account> {
    t.db.read_blocking(|c| repo::get(c, id)?.ok_or(AppError::NotFound))
}

pub fn create(t: &Arc<TenantHandle>, req: &CreateAccount, actor: &Actor) -> AppResult<Account> {
    let mut p = Problems::new();
    let code = p.check("code", code_of(&req.code));
    let name = p.check("name", required_text(&req.name, 100));
    let parent_id = p.check("parent_id", ids::parse_ref(&req.parent_id, "an account id"));
    let (Some(code), Some(name), Some(parent_id)) = (code, name, parent_id) else {
        return Err(p.into_error());
    };
    let now = clock::now_rfc3339();
    t.db.write_blocking(|tx| {
        let parent = repo::get(tx, &parent_id)?
            .ok_or_else(|| AppError::field("parent_id", "not_found", "no such account"))?;
        if !parent.is_group {
            return Err(AppError::field(
                "parent_id",
                "not_a_group",
                "accounts go under a group account",
            ));
        }
        if req.account_type.is_some_and(|ty| ty != parent.account_type) {
            return Err(AppError::field(
                "type",
                "invalid_value",
                format!("must be the parent's type, {}", parent.account_type.as_str()),
            ));
        }
        let account = Account {
            id: ids::new_id(),
            code,
            name,
            account_type: parent.account_type,
            parent_id: Some(parent.id),
            is_group: req.is_group,
            system_key: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        repo::insert(tx, &account)?;
        audit::append(
            tx,
            actor,
            "account.created",
            "account",
            Some(&account.id),
            json!({"code": account.code, "name": account.name, "type": account.account_type.as_str(),
                   "parent_id": account.parent_id, "is_group": account.is_group}),
        )?;
        Ok(account)
    })
}

pub fn patch(
    t: &Arc<TenantHandle>,
    id: &str,
    req: &PatchAccount,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Account> {
    let mut p = Problems::new();
    let code = req.code.as_deref().map(|c| p.check("code", code_of(c)));
    let name = req
        .name
        .as_deref()
        .map(|n| p.check("name", required_text(n, 100)));
    p.finish()?;
    let now = clock::now_rfc3339();
    t.db.write_blocking(|tx| {
        let before = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        let code = code.flatten().unwrap_or_else(|| before.code.clone());
        let name = name.flatten().unwrap_or_else(|| before.name.clone());
        repo::rename(tx, id, &code, &name, &now)?;
        let after = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        audit::append(
            tx,
            actor,
            "account.updated",
            "account",
            Some(id),
            json!({"code": {"from": before.code, "to": after.code},
                   "name": {"from": before.name, "to": after.name}}),
        )?;
        Ok(after)
    })
}
