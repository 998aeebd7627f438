//! Pricing a bill: resolving its vendor, branch, items and accounts, then computing the
//! lines with the invoices' calculator (`sales::invoices::pricing::compute`) and the
//! bill's own totals: what the vendor is owed and the input tax credit.

use rusqlite::{Connection, OptionalExtension};

use super::model::Itc;
use super::parse::{Head, LineDraft, Target};
use crate::domain::{invoice_totals, GstRate, LineInput, LineTax, TaxHeads};
use crate::error::{AppError, AppResult};
use crate::modules::books::posting::system_account;
use crate::modules::fields::{BranchScope, Problems};
use crate::modules::purchases::vendors::{model::Vendor, repo as vendors};
use crate::modules::sales::invoices::pricing::compute;
use crate::modules::sales::invoices::repo::branch as branch_state;
use crate::modules::sales::items::repo as items;

/// Accounts a bill line may not charge: money, receivables and stock move only through
/// their own documents.
const NOT_A_COST: &[&str] = &["cash", "bank", "sundry_debtors", "stock", "advances"];

/// A line ready to be computed.
#[derive(Debug, Clone)]
pub struct LineSpec {
    pub item_id: Option<String>,
    pub account_id: String,
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    pub input: LineInput,
    pub itc: Itc,
}

#[derive(Debug, Clone)]
pub struct PricedLine {
    pub spec: LineSpec,
    pub tax: LineTax,
}

/// A bill's totals, all in paise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BillTotals {
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub round_off: i64,
    /// Owed to the vendor: taxable value + tax (only taxable value under reverse
    /// charge), rounded to the rupee.
    pub grand_total: i64,
    pub itc_cgst: i64,
    pub itc_sgst: i64,
    pub itc_igst: i64,
}

/// Within the branch's state CGST + SGST, else IGST (an overseas vendor is inter-state,
/// IGST Act s. 5(3)/s. 7(4)).
pub fn heads(branch_state: &str, vendor: &Vendor) -> TaxHeads {
    if vendor.state_code == branch_state {
        TaxHeads::Intra
    } else {
        TaxHeads::Inter
    }
}

/// The vendor and the branch (which must be in the user's scope) and the tax heads.
pub fn parties(
    c: &Connection,
    scope: &BranchScope,
    head: &Head,
    p: &mut Problems,
) -> AppResult<Option<(Vendor, TaxHeads)>> {
    let branch = branch_state(c, &head.branch_id)?.filter(|_| scope.allows(&head.branch_id));
    if branch.is_none() {
        p.push("branch_id", "not_found", "no such branch");
    }
    let vendor = vendors::get(c, &head.vendor_id)?;
    if vendor.is_none() {
        p.push("vendor_id", "not_found", "no such vendor");
    }
    let (Some((_, state)), Some(vendor)) = (branch, vendor) else {
        return Ok(None);
    };
    let heads = heads(&state, &vendor);
    Ok(Some((vendor, heads)))
}

fn account_line(
    c: &Connection,
    id: &str,
) -> AppResult<Result<String, (&'static str, &'static str)>> {
    // An asset account qualifies only under Fixed Assets (not a bank or a receivable).
    let row: Option<(String, bool, String, Option<String>)> = c
        .query_row(
            "WITH RECURSIVE up(id, parent_id, key) AS (
                 SELECT id, parent_id, system_key FROM accounts WHERE id = ?1
                 UNION ALL
                 SELECT a.id, a.parent_id, a.system_key FROM accounts a JOIN up ON a.id = up.parent_id)
             SELECT name, is_group,
                 CASE WHEN type = 'asset' AND NOT EXISTS (SELECT 1 FROM up WHERE key = 'fixed_assets')
                      THEN 'current_asset' ELSE type END,
                 system_key
             FROM accounts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(match row {
        None => Err(("not_found", "no such account")),
        Some((_, true, _, _)) => Err((
            "group_account",
            "a group account cannot take postings; choose an account under it",
        )),
        Some((_, _, kind, key))
            if !matches!(kind.as_str(), "expense" | "asset")
                || key.as_deref().is_some_and(|k| NOT_A_COST.contains(&k)) =>
        {
            Err((
                "invalid_value",
                "a bill line is charged to an expense or a fixed-asset account",
            ))
        }
        Some((name, ..)) => Ok(name),
    })
}

/// Reads each line's item or account: defaults for description, HSN/SAC, unit and rate.
pub fn resolve(
    c: &Connection,
    drafts: &[LineDraft],
    p: &mut Problems,
) -> AppResult<Option<Vec<LineSpec>>> {
    let purchases = system_account(c, "purchases")?;
    // Goods kept in stock are an asset until sold (perpetual stock).
    let stock = system_account(c, "stock")?;
    let mut out = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let (item_id, account_id, name, hsn, unit, rate) = match &d.target {
            Target::Item(id) => {
                let Some(item) = items::get(c, id)? else {
                    p.push(format!("lines[{i}].item_id"), "not_found", "no such item");
                    continue;
                };
                let rate = GstRate::parse(item.gst_rate_bp).map_err(AppError::internal)?;
                let account = if item.track_stock { &stock } else { &purchases };
                (
                    Some(item.id),
                    account.clone(),
                    item.name,
                    item.hsn_sac,
                    item.unit,
                    Some(rate),
                )
            }
            Target::Account(id) => match account_line(c, id)? {
                Ok(name) => (None, id.clone(), name, String::new(), String::new(), None),
                Err((code, message)) => {
                    p.push(format!("lines[{i}].account_id"), code, message);
                    continue;
                }
            },
        };
        let Some(rate) = d.rate.or(rate) else {
            continue; // parse::line reported it
        };
        out.push(LineSpec {
            item_id,
            account_id,
            description: d.description.clone().unwrap_or(name),
            hsn_sac: d.hsn_sac.clone().unwrap_or(hsn),
            unit,
            input: LineInput {
                quantity: d.quantity,
                unit_price_paise: d.unit_price_paise,
                discount_paise: d.discount_paise,
                rate,
            },
            itc: d.itc,
        });
    }
    Ok((out.len() == drafts.len()).then_some(out))
}

/// A vendor that is not a regular taxpayer issues no tax invoice, so its bill carries
/// GST only when the tax is ours to pay (reverse charge).
pub fn check_rates(vendor: &Vendor, reverse_charge: bool, specs: &[LineSpec], p: &mut Problems) {
    if reverse_charge || vendor.registration.charges_gst() {
        return;
    }
    for (i, s) in specs.iter().enumerate() {
        if s.input.rate.bp() != 0 {
            p.push(
                format!("lines[{i}].gst_rate_bp"),
                "invalid_value",
                format!(
                    "a {} vendor charges no GST: use rate 0, or mark the bill reverse charge if the tax is yours to pay",
                    vendor.registration.as_str()
                ),
            );
        }
    }
}

/// Computes every line and the bill's totals.
pub fn price(
    specs: Vec<LineSpec>,
    heads: TaxHeads,
    reverse_charge: bool,
) -> AppResult<(Vec<PricedLine>, BillTotals)> {
    let inputs: Vec<LineInput> = specs.iter().map(|s| s.input).collect();
    let (taxes, totals) = compute(&inputs, heads).map_err(AppError::Validation)?;
    let lines: Vec<PricedLine> = specs
        .into_iter()
        .zip(taxes)
        .map(|(spec, tax)| PricedLine { spec, tax })
        .collect();
    let owed = if reverse_charge {
        // The supplier charges no tax; what we owe them is the taxable value, rounded.
        let untaxed: Vec<LineTax> = lines
            .iter()
            .map(|l| LineTax {
                taxable: l.tax.taxable,
                ..LineTax::default()
            })
            .collect();
        invoice_totals(&untaxed).map_err(|e| AppError::field("lines", e.code, e.message))?
    } else {
        totals
    };
    let credit = |pick: fn(&LineTax) -> i64| -> i64 {
        lines
            .iter()
            .filter(|l| l.spec.itc == Itc::Eligible)
            .map(|l| pick(&l.tax))
            .sum()
    };
    Ok((
        lines.clone(),
        BillTotals {
            taxable: totals.taxable_total,
            cgst: totals.cgst_total,
            sgst: totals.sgst_total,
            igst: totals.igst_total,
            round_off: owed.round_off,
            grand_total: owed.grand_total,
            itc_cgst: credit(|t| t.cgst),
            itc_sgst: credit(|t| t.sgst),
            itc_igst: credit(|t| t.igst),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Quantity;

    fn spec(paise: i64, bp: i64, itc: Itc) -> LineSpec {
        LineSpec {
            item_id: None,
            account_id: "a".into(),
            description: "x".into(),
            hsn_sac: String::new(),
            unit: String::new(),
            input: LineInput {
                quantity: Quantity::from_milli(1000).unwrap_or_else(|e| panic!("{e:?}")),
                unit_price_paise: paise,
                discount_paise: 0,
                rate: GstRate::parse(bp).unwrap_or_else(|e| panic!("{e:?}")),
            },
            itc,
        }
    }

    #[test]
    fn credit_only_on_eligible_lines() {
        let (_, t) = price(
            vec![
                spec(100_000, 1800, Itc::Eligible),
                spec(50_050, 1200, Itc::Blocked),
            ],
            TaxHeads::Intra,
            false,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((t.cgst, t.sgst), (9_000 + 3_003, 9_000 + 3_003));
        assert_eq!((t.itc_cgst, t.itc_sgst, t.itc_igst), (9_000, 9_000, 0));
        // 1000.00 + 500.50 + 180.00 + 60.06 = 1740.56 → 1741.00
        assert_eq!((t.grand_total, t.round_off), (174_100, 44));
    }

    #[test]
    fn reverse_charge_owes_the_taxable_value() {
        let (_, t) = price(
            vec![spec(100_040, 500, Itc::Eligible)],
            TaxHeads::Inter,
            true,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t.igst, 5_002);
        assert_eq!(t.itc_igst, 5_002);
        assert_eq!((t.grand_total, t.round_off), (100_000, -40));
    }
}
