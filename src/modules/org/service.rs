//! Rules for branches: code, state and GSTIN validation, branch scope, versions, audit.

use std::sync::Arc;

use serde_json::json;

use super::model::*;
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{BranchCode, Gstin, StateCode};
use crate::error::{AppError, AppResult};
use crate::modules::fields::check_version;
use crate::modules::fields::{diff, optional_text, required_text, BranchScope, Problems};
use crate::tenancy::TenantHandle;

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 1000;

/// An empty GSTIN string means "none", as a form would send it.
fn parse_gstin(p: &mut Problems, raw: Option<&str>) -> Option<Option<Gstin>> {
    match raw.map(str::trim).filter(|g| !g.is_empty()) {
        None => Some(None),
        Some(g) => p.check("gstin", Gstin::parse(g)).map(Some),
    }
}

fn check_gstin_state(p: &mut Problems, gstin: Option<&str>, state_code: &str) {
    if let Some(prefix) = gstin.and_then(|g| g.get(..2)) {
        if prefix != state_code {
            p.push(
                "gstin",
                "state_mismatch",
                format!("the GSTIN belongs to state {prefix}, but state_code is {state_code}"),
            );
        }
    }
}

/// Branch-scoped users cannot create branches: the new one would be outside their scope.
pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    req: &CreateBranch,
    actor: &Actor,
) -> AppResult<Branch> {
    if scope.is_limited() {
        return Err(AppError::Forbidden(
            "A user limited to some branches cannot create branches.".into(),
        ));
    }
    let mut p = Problems::new();
    let code = p.check("code", BranchCode::parse(&req.code));
    let name = p.check("name", required_text(&req.name, NAME_MAX));
    let state = p.check("state_code", StateCode::parse(&req.state_code));
    let address = p.check("address", optional_text(&req.address, ADDRESS_MAX));
    let gstin = parse_gstin(&mut p, req.gstin.as_deref());
    if let (Some(s), Some(Some(g))) = (&state, &gstin) {
        check_gstin_state(&mut p, Some(g.as_str()), s.as_str());
    }
    if state.is_some_and(|s| s.is_abroad()) {
        p.push(
            "state_code",
            "invalid_value",
            "a branch is in India: 96 is for export customers",
        );
    }
    p.finish()?;
    let (Some(code), Some(name), Some(state), Some(address), Some(gstin)) =
        (code, name, state, address, gstin)
    else {
        return Err(AppError::internal("branch validation incomplete"));
    };
    let now = clock::now_rfc3339();
    let branch = Branch {
        id: crate::ids::new_id(),
        code: code.to_string(),
        name,
        state_code: state.to_string(),
        address,
        gstin: gstin.map(|g| g.as_str().to_string()),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    tenant.db.write_blocking(|tx| {
        let mut p = Problems::new();
        crate::modules::company::service::check_branch_gstin(tx, branch.gstin.as_deref(), &mut p)?;
        p.finish()?;
        repo::insert(tx, &branch)?;
        crate::modules::sales::series::service::ensure(tx, &branch.id, &branch.code)?;
        audit::append(
            tx,
            actor,
            "branch.created",
            "branch",
            Some(&branch.id),
            json!({"code": branch.code, "name": branch.name, "state_code": branch.state_code,
                   "address": branch.address, "gstin": branch.gstin}),
        )?;
        Ok(())
    })?;
    Ok(branch)
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    req: &PatchBranch,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Branch> {
    let mut p = Problems::new();
    let code = req
        .code
        .as_deref()
        .and_then(|c| p.check("code", BranchCode::parse(c)));
    let name = req
        .name
        .as_deref()
        .and_then(|n| p.check("name", required_text(n, NAME_MAX)));
    let state = req
        .state_code
        .as_deref()
        .and_then(|s| p.check("state_code", StateCode::parse(s)));
    let address = req
        .address
        .as_deref()
        .and_then(|a| p.check("address", optional_text(a, ADDRESS_MAX)));
    let gstin = match &req.gstin {
        None => None,
        Some(g) => parse_gstin(&mut p, g.as_deref()),
    };
    p.finish()?;
    let id = id.to_string();
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = repo::get(tx, &id)?
            .filter(|b| scope.allows(&b.id))
            .ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        let mut after = before.clone();
        if let Some(c) = code {
            after.code = c.to_string();
        }
        if let Some(n) = name {
            after.name = n;
        }
        if let Some(s) = state {
            after.state_code = s.to_string();
        }
        if let Some(a) = address {
            after.address = a;
        }
        if let Some(g) = gstin {
            after.gstin = g.map(|g| g.as_str().to_string());
        }
        let mut p = Problems::new();
        check_gstin_state(&mut p, after.gstin.as_deref(), &after.state_code);
        if after.state_code == "96" {
            p.push(
                "state_code",
                "invalid_value",
                "a branch is in India: 96 is for export customers",
            );
        }
        if after.gstin != before.gstin {
            crate::modules::company::service::check_branch_gstin(
                tx,
                after.gstin.as_deref(),
                &mut p,
            )?;
        }
        p.finish()?;
        repo::update(tx, &after, &now)?;
        let changes = diff(
            &json!(before),
            &json!(after),
            &["id", "version", "created_at", "updated_at"],
        );
        audit::append(
            tx,
            actor,
            "branch.updated",
            "branch",
            Some(&id),
            serde_json::Value::Object(changes),
        )?;
        repo::get(tx, &id)?.ok_or(AppError::NotFound)
    })
}
