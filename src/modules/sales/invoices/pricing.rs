//! Pricing an invoice: resolving its branch, customer and items, then computing every
//! line and the totals with `domain::gst` (the one GST calculator of the appliance).

use rusqlite::Connection;

use super::model::Invoice;
use super::model::Registration;
use super::parse::LineDraft;
use super::repo;
use crate::domain::{invoice_totals, line_tax_with, GstRate, LineInput, LineTax, TaxHeads, Totals};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::modules::sales::common::{in_scope, Problems, Scope};
use crate::modules::sales::{customers, items};

/// A line ready to be computed: the item's details as of now and the numbers.
#[derive(Debug, Clone)]
pub struct LineSpec {
    pub item_id: String,
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    pub input: LineInput,
}

#[derive(Debug, Clone)]
pub struct PricedLine {
    pub spec: LineSpec,
    pub tax: LineTax,
}

/// Who supplies to whom, and so which taxes apply (IGST Act ss. 7, 10, 16).
#[derive(Debug, Clone)]
pub struct Parties {
    pub supply_type: Registration,
    /// The customer's state (`96` abroad).
    pub place_of_supply: String,
    pub heads: TaxHeads,
}

impl Parties {
    /// Within one state: CGST + SGST.
    pub fn intra_state(&self) -> bool {
        self.heads == TaxHeads::Intra
    }
}

/// The taxes of a supply from a branch in `branch_state` to a customer: same state →
/// CGST + SGST, else IGST; SEZ is always inter-state (s. 7(5)(b)) and an export's place
/// of supply is abroad; both are zero-rated under a letter of undertaking (`lut`).
pub fn heads(branch_state: &str, customer_state: &str, reg: Registration, lut: bool) -> TaxHeads {
    match reg {
        _ if lut && reg.zero_ratable() => TaxHeads::ZeroRated,
        Registration::Sez | Registration::Export => TaxHeads::Inter,
        _ if branch_state == customer_state => TaxHeads::Intra,
        _ => TaxHeads::Inter,
    }
}

/// Computes every line and the totals. A line that cannot be computed is reported
/// against the input at fault (`lines[i].discount_paise` or `lines[i].quantity`).
pub fn compute(
    inputs: &[LineInput],
    heads: TaxHeads,
) -> Result<(Vec<LineTax>, Totals), Vec<FieldProblem>> {
    let mut taxes = Vec::with_capacity(inputs.len());
    let mut problems = Vec::new();
    for (i, l) in inputs.iter().enumerate() {
        match line_tax_with(l, heads) {
            Ok(t) => taxes.push(t),
            Err(e) => {
                let field = if e.message.contains("discount") {
                    "discount_paise"
                } else if e.message.contains("unit_price") {
                    "unit_price_paise"
                } else {
                    "quantity"
                };
                problems.push(FieldProblem::new(
                    format!("lines[{i}].{field}"),
                    e.code,
                    e.message,
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let totals =
        invoice_totals(&taxes).map_err(|e| vec![FieldProblem::new("lines", e.code, e.message)])?;
    Ok((taxes, totals))
}

/// Prices specs under the supply's tax heads.
pub fn price(specs: Vec<LineSpec>, heads: TaxHeads) -> AppResult<(Vec<PricedLine>, Totals)> {
    let inputs: Vec<LineInput> = specs.iter().map(|s| s.input).collect();
    let (taxes, totals) = compute(&inputs, heads).map_err(AppError::Validation)?;
    let lines = specs
        .into_iter()
        .zip(taxes)
        .map(|(spec, tax)| PricedLine { spec, tax })
        .collect();
    Ok((lines, totals))
}

/// Looks up the branch (which must be in the user's scope) and the customer. `lut` is
/// for SEZ and export customers only.
pub fn parties(
    c: &Connection,
    scope: &Scope,
    branch_id: &str,
    customer_id: &str,
    lut: bool,
    p: &mut Problems,
) -> AppResult<Option<Parties>> {
    let branch = repo::branch(c, branch_id)?.filter(|_| in_scope(scope, branch_id));
    if branch.is_none() {
        p.push("branch_id", "not_found", "no such branch");
    }
    let customer = customers::repo::get(c, customer_id)?;
    if customer.is_none() {
        p.push("customer_id", "not_found", "no such customer");
    }
    let (Some((_, state)), Some(cust)) = (branch, customer) else {
        return Ok(None);
    };
    if lut && !cust.registration.zero_ratable() {
        p.push(
            "lut",
            "invalid_value",
            "only a supply to an SEZ or an export can be zero-rated under a letter of undertaking",
        );
        return Ok(None);
    }
    Ok(Some(Parties {
        supply_type: cust.registration,
        heads: heads(&state, &cust.state_code, cust.registration, lut),
        place_of_supply: cust.state_code,
    }))
}

/// Reads each line's item: its details, and its unit price when the line has none.
pub fn resolve(
    c: &Connection,
    drafts: &[LineDraft],
    p: &mut Problems,
) -> AppResult<Option<Vec<LineSpec>>> {
    let mut out = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let Some(item) = items::repo::get(c, &d.item_id)? else {
            p.push(format!("lines[{i}].item_id"), "not_found", "no such item");
            continue;
        };
        let rate = GstRate::parse(item.gst_rate_bp).map_err(AppError::internal)?;
        out.push(LineSpec {
            item_id: item.id,
            description: item.name,
            hsn_sac: item.hsn_sac,
            unit: item.unit,
            input: LineInput {
                quantity: d.quantity,
                unit_price_paise: d.unit_price_paise.unwrap_or(item.unit_price_paise),
                discount_paise: d.discount_paise,
                rate,
            },
        });
    }
    Ok((out.len() == drafts.len()).then_some(out))
}

/// The specs of a stored invoice's lines, as they were written.
pub fn specs_of(inv: &Invoice) -> AppResult<Vec<LineSpec>> {
    inv.lines
        .iter()
        .map(|l| {
            Ok(LineSpec {
                item_id: l.item_id.clone(),
                description: l.description.clone(),
                hsn_sac: l.hsn_sac.clone(),
                unit: l.unit.clone(),
                input: LineInput {
                    quantity: l.quantity,
                    unit_price_paise: l.unit_price_paise,
                    discount_paise: l.discount_paise,
                    rate: GstRate::parse(l.gst_rate_bp).map_err(AppError::internal)?,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The supply-type table of IGST Act ss. 7 and 10, branch in Karnataka (29).
    #[test]
    fn supply_types() {
        use Registration::*;
        use TaxHeads::*;
        for (reg, customer_state, lut, expected) in [
            (Regular, "29", false, Intra),
            (Regular, "27", false, Inter),
            (Unregistered, "29", false, Intra),
            (Unregistered, "27", false, Inter),
            (Sez, "29", false, Inter),
            (Sez, "29", true, ZeroRated),
            (Sez, "27", false, Inter),
            (Sez, "27", true, ZeroRated),
            (Export, "96", false, Inter),
            (Export, "96", true, ZeroRated),
        ] {
            assert_eq!(
                heads("29", customer_state, reg, lut),
                expected,
                "{reg:?} {customer_state} {lut}"
            );
        }
    }
    use crate::domain::Quantity;
    use proptest::prelude::*;

    fn input(milli: i64, price: i64, discount: i64, bp: u32) -> Option<LineInput> {
        Some(LineInput {
            quantity: Quantity::from_milli(milli).ok()?,
            unit_price_paise: price,
            discount_paise: discount,
            rate: GstRate::parse(i64::from(bp)).ok()?,
        })
    }

    #[test]
    fn a_bad_line_is_named() {
        let lines = [input(1000, 100, 0, 500), input(1000, 100, 101, 500)];
        let lines: Vec<LineInput> = lines.into_iter().flatten().collect();
        let err = compute(&lines, TaxHeads::Intra).err().unwrap_or_default();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, "lines[1].discount_paise");
        assert_eq!(err[0].code, "out_of_range");
    }

    fn any_line() -> impl Strategy<Value = Option<LineInput>> {
        (
            1i64..=5_000_000,
            0i64..=10_000_000,
            0u8..=100,
            proptest::sample::select(GstRate::ALLOWED_BP.to_vec()),
        )
            .prop_map(|(milli, price, pct, bp)| {
                let discount = (milli * price / 1000) * i64::from(pct) / 100;
                input(milli, price, discount, bp)
            })
    }

    proptest! {
        /// Whatever the lines: totals are the sums of the lines, CGST equals SGST, only
        /// one kind of tax is charged, and the round-off is at most half a rupee.
        #[test]
        fn totals_are_the_sum_of_the_lines(lines in proptest::collection::vec(any_line(), 1..40), intra in any::<bool>()) {
            let lines: Vec<LineInput> = lines.into_iter().flatten().collect();
            prop_assume!(!lines.is_empty());
            let heads = if intra { TaxHeads::Intra } else { TaxHeads::Inter };
            let (taxes, t) = compute(&lines, heads).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(taxes.len(), lines.len());
            prop_assert_eq!(t.taxable_total, taxes.iter().map(|x| x.taxable).sum::<i64>());
            prop_assert_eq!(t.cgst_total, taxes.iter().map(|x| x.cgst).sum::<i64>());
            prop_assert_eq!(t.sgst_total, taxes.iter().map(|x| x.sgst).sum::<i64>());
            prop_assert_eq!(t.igst_total, taxes.iter().map(|x| x.igst).sum::<i64>());
            prop_assert_eq!(t.cgst_total, t.sgst_total);
            if intra { prop_assert_eq!(t.igst_total, 0); } else { prop_assert_eq!(t.cgst_total, 0); }
            prop_assert!(t.round_off.abs() <= 50);
            prop_assert_eq!(t.grand_total % 100, 0);
            prop_assert_eq!(t.grand_total, t.taxable_total + t.cgst_total + t.sgst_total + t.igst_total + t.round_off);
        }
    }
}
