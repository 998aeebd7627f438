//! Rules of items: unique SKU, a valid HSN/SAC code, a price of at least zero and a
//! GST rate from the allowed slabs.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateItem, Item, PatchItem};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{FieldError, GstRate, HsnSac, Paise};
use crate::error::{AppError, AppResult};
use crate::modules::fields::check_version;
use crate::modules::sales::common::{required_text, Problems};
use crate::tenancy::TenantHandle;

pub(crate) fn sku(v: &str) -> Result<String, FieldError> {
    let s = required_text(v, 64)?;
    if !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(FieldError::invalid_format(
            "letters, digits and punctuation only, no spaces",
        ));
    }
    Ok(s)
}

fn price(v: i64) -> Result<i64, FieldError> {
    Paise::parse_non_negative(v).map(|p| p.value())
}

fn rate(v: i64) -> Result<i64, FieldError> {
    GstRate::parse(v).map(|r| i64::from(r.bp()))
}

fn hsn(v: &str) -> Result<String, FieldError> {
    HsnSac::parse(v).map(|h| h.as_str().to_string())
}

pub fn create(tenant: &Arc<TenantHandle>, req: &CreateItem, actor: &Actor) -> AppResult<Item> {
    let mut p = Problems::new();
    let fields = (
        p.check("sku", sku(&req.sku)),
        p.check("name", required_text(&req.name, 200)),
        p.check("hsn_sac", hsn(&req.hsn_sac)),
        p.check("unit", required_text(&req.unit, 20)),
        p.check("unit_price_paise", price(req.unit_price_paise)),
        p.check("gst_rate_bp", rate(req.gst_rate_bp)),
    );
    let (
        Some(sku),
        Some(name),
        Some(hsn_sac),
        Some(unit),
        Some(unit_price_paise),
        Some(gst_rate_bp),
    ) = fields
    else {
        return Err(p.into_error());
    };
    let now = clock::now_rfc3339();
    let item = Item {
        id: crate::ids::new_id(),
        sku,
        name,
        hsn_sac,
        unit,
        unit_price_paise,
        gst_rate_bp,
        track_stock: req.track_stock.unwrap_or(false),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    tenant.db.write_blocking(|tx| {
        repo::insert(tx, &item)?;
        audit::append(
            tx,
            actor,
            "item.created",
            "item",
            Some(&item.id),
            json!({"sku": item.sku, "name": item.name, "hsn_sac": item.hsn_sac, "unit": item.unit,
                   "unit_price_paise": item.unit_price_paise, "gst_rate_bp": item.gst_rate_bp,
                   "track_stock": item.track_stock}),
        )?;
        repo::get(tx, &item.id)?.ok_or(AppError::NotFound)
    })
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    id: &str,
    req: &PatchItem,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Item> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        let mut p = Problems::new();
        let mut after = before.clone();
        if let Some(v) = &req.sku {
            after.sku = p.check("sku", sku(v)).unwrap_or_default();
        }
        if let Some(v) = &req.name {
            after.name = p.check("name", required_text(v, 200)).unwrap_or_default();
        }
        if let Some(v) = &req.hsn_sac {
            after.hsn_sac = p.check("hsn_sac", hsn(v)).unwrap_or_default();
        }
        if let Some(v) = &req.unit {
            after.unit = p.check("unit", required_text(v, 20)).unwrap_or_default();
        }
        if let Some(v) = req.unit_price_paise {
            after.unit_price_paise = p.check("unit_price_paise", price(v)).unwrap_or_default();
        }
        if let Some(v) = req.gst_rate_bp {
            after.gst_rate_bp = p.check("gst_rate_bp", rate(v)).unwrap_or_default();
        }
        if let Some(v) = req.track_stock {
            if !v && before.track_stock && crate::modules::stock::moves::holds_stock(tx, id)? {
                p.push(
                    "track_stock",
                    "stock_on_hand",
                    "a branch still holds stock of this item; transfer or sell it first",
                );
            }
            after.track_stock = v;
        }
        p.finish()?;
        repo::update(tx, &after, &now)?;
        audit::append(
            tx,
            actor,
            "item.updated",
            "item",
            Some(id),
            json!({
                "sku": {"from": before.sku, "to": after.sku},
                "name": {"from": before.name, "to": after.name},
                "hsn_sac": {"from": before.hsn_sac, "to": after.hsn_sac},
                "unit": {"from": before.unit, "to": after.unit},
                "unit_price_paise": {"from": before.unit_price_paise, "to": after.unit_price_paise},
                "gst_rate_bp": {"from": before.gst_rate_bp, "to": after.gst_rate_bp},
                "track_stock": {"from": before.track_stock, "to": after.track_stock},
            }),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_rules() {
        assert_eq!(sku(" AB-12/x ").ok(), Some("AB-12/x".into()));
        assert_eq!(sku("A B").map_err(|e| e.code), Err("invalid_format"));
        assert_eq!(price(-1).map_err(|e| e.code), Err("out_of_range"));
        assert_eq!(price(0).ok(), Some(0));
        assert_eq!(rate(1800).ok(), Some(1800));
        assert_eq!(rate(1000).map_err(|e| e.code), Err("invalid_value"));
        assert_eq!(hsn("12345").map_err(|e| e.code), Err("invalid_format"));
        assert_eq!(hsn("998314").ok(), Some("998314".into()));
    }
}
