//! GST arithmetic for invoice lines and invoice totals.
//!
//! Everything is exact integer arithmetic in `i128` on paise and thousandths
//! of a unit; rounding is always half away from zero.

use serde::Serialize;

use super::{FieldError, GstRate, Paise, Quantity};

/// What one invoice line needs for its tax computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: Quantity,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub rate: GstRate,
}

/// The computed amounts of one line, all in paise.
///
/// Serialized with the API's names (`taxable_paise`, `cgst_paise`, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineTax {
    #[serde(rename = "taxable_paise")]
    pub taxable: i64,
    #[serde(rename = "cgst_paise")]
    pub cgst: i64,
    #[serde(rename = "sgst_paise")]
    pub sgst: i64,
    #[serde(rename = "igst_paise")]
    pub igst: i64,
}

/// The totals of an invoice, all in paise.
///
/// Serialized with the API's names (`taxable_total_paise`, ...,
/// `round_off_paise`, `grand_total_paise`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    #[serde(rename = "taxable_total_paise")]
    pub taxable_total: i64,
    #[serde(rename = "cgst_total_paise")]
    pub cgst_total: i64,
    #[serde(rename = "sgst_total_paise")]
    pub sgst_total: i64,
    #[serde(rename = "igst_total_paise")]
    pub igst_total: i64,
    #[serde(rename = "round_off_paise")]
    pub round_off: i64,
    #[serde(rename = "grand_total_paise")]
    pub grand_total: i64,
}

/// `numerator / denominator` rounded to the nearest integer, halves away
/// from zero. `denominator` must be positive (callers pass constants).
fn round_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// `value × numerator ÷ denominator` rounded half away from zero: a share of a line, as
/// when a credit note returns part of its quantity. `denominator` must be positive.
pub fn proportion(value: i64, numerator: i64, denominator: i64) -> Result<i64, FieldError> {
    if denominator <= 0 {
        return Err(FieldError::out_of_range("nothing to take a share of"));
    }
    let v = round_half_away(
        i128::from(value) * i128::from(numerator),
        i128::from(denominator),
    );
    to_paise(v, "the amount exceeds 10^15 paise")
}

fn within_bounds(value: i128) -> bool {
    value.abs() <= i128::from(Paise::MAX_ABS)
}

fn to_paise(value: i128, message: &str) -> Result<i64, FieldError> {
    if !within_bounds(value) {
        return Err(FieldError::out_of_range(message));
    }
    i64::try_from(value).map_err(|_| FieldError::out_of_range(message))
}

/// Computes one line's taxable value and tax.
///
/// `taxable = round(quantity × unit price) − discount`. Within one state the
/// tax is split: `cgst = sgst = round(taxable × rate / 2)`, each rounded on
/// its own. Across states `igst = round(taxable × rate)`. The two may differ
/// by a paisa for the same line; that is intended.
///
/// Errors (messages name the input at fault): a unit price below zero or
/// above 10^15 paise, or a line value above 10^15 paise, is `out_of_range`;
/// a negative discount is `invalid_value`; a discount larger than the line's
/// gross value is `out_of_range`.
pub fn line_tax(line: &LineInput, intra_state: bool) -> Result<LineTax, FieldError> {
    let heads = if intra_state {
        TaxHeads::Intra
    } else {
        TaxHeads::Inter
    };
    line_tax_with(line, heads)
}

/// Which taxes a supply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxHeads {
    /// Within one state: CGST + SGST.
    Intra,
    /// Across states, to an SEZ or abroad with IGST paid: IGST.
    Inter,
    /// Zero-rated under a letter of undertaking (SEZ or export): no tax at all.
    ZeroRated,
}

/// The tax on a taxable value at `rate` under `heads`, rounded half away from zero:
/// `cgst = sgst = round(taxable × rate / 2)`, or `igst = round(taxable × rate)`.
pub fn tax_on(taxable: i64, rate: GstRate, heads: TaxHeads) -> Result<LineTax, FieldError> {
    let t = i128::from(taxable);
    let bp = i128::from(rate.bp());
    let (cgst, sgst, igst) = match heads {
        TaxHeads::Intra => {
            let half = round_half_away(t * bp, 20_000);
            (half, half, 0)
        }
        TaxHeads::Inter => (0, 0, round_half_away(t * bp, 10_000)),
        TaxHeads::ZeroRated => (0, 0, 0),
    };
    let message = "the line's tax exceeds 10^15 paise";
    Ok(LineTax {
        taxable: to_paise(t, "the line's taxable value exceeds 10^15 paise")?,
        cgst: to_paise(cgst, message)?,
        sgst: to_paise(sgst, message)?,
        igst: to_paise(igst, message)?,
    })
}

/// [`line_tax`] for any [`TaxHeads`].
pub fn line_tax_with(line: &LineInput, heads: TaxHeads) -> Result<LineTax, FieldError> {
    if !(0..=Paise::MAX_ABS).contains(&line.unit_price_paise) {
        return Err(FieldError::out_of_range(
            "unit_price_paise must be from 0 to 10^15",
        ));
    }
    if line.discount_paise < 0 {
        return Err(FieldError::invalid_value(
            "discount_paise cannot be negative",
        ));
    }
    let gross = round_half_away(
        i128::from(line.quantity.milli()) * i128::from(line.unit_price_paise),
        1000,
    );
    let discount = i128::from(line.discount_paise);
    if discount > gross {
        return Err(FieldError::out_of_range(
            "discount_paise exceeds the line's value before discount",
        ));
    }
    let taxable = to_paise(
        gross - discount,
        "the line's taxable value exceeds 10^15 paise",
    )?;
    tax_on(taxable, line.rate, heads)
}

/// Adds up the lines and rounds the invoice to the nearest rupee (half away
/// from zero). `round_off = grand_total − sum`, so `|round_off| ≤ 50`.
///
/// Fails with `out_of_range` only if a total exceeds 10^15 paise.
pub fn invoice_totals(lines: &[LineTax]) -> Result<Totals, FieldError> {
    let sum_of = |pick: fn(&LineTax) -> i64| -> i128 {
        lines.iter().map(|line| i128::from(pick(line))).sum()
    };
    let taxable = sum_of(|l| l.taxable);
    let cgst = sum_of(|l| l.cgst);
    let sgst = sum_of(|l| l.sgst);
    let igst = sum_of(|l| l.igst);
    let sum = taxable + cgst + sgst + igst;
    let grand = round_half_away(sum, 100) * 100;
    let message = "the invoice total exceeds 10^15 paise";
    Ok(Totals {
        taxable_total: to_paise(taxable, message)?,
        cgst_total: to_paise(cgst, message)?,
        sgst_total: to_paise(sgst, message)?,
        igst_total: to_paise(igst, message)?,
        round_off: to_paise(grand - sum, message)?,
        grand_total: to_paise(grand, message)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(milli: i64, price: i64, discount: i64, bp: i64) -> LineInput {
        LineInput {
            quantity: Quantity::from_milli(milli).unwrap(),
            unit_price_paise: price,
            discount_paise: discount,
            rate: GstRate::parse(bp).unwrap(),
        }
    }

    fn tax(taxable: i64, cgst: i64, sgst: i64, igst: i64) -> LineTax {
        LineTax {
            taxable,
            cgst,
            sgst,
            igst,
        }
    }

    #[test]
    fn round_half_away_cases() {
        assert_eq!(round_half_away(5, 10), 1);
        assert_eq!(round_half_away(-5, 10), -1);
        assert_eq!(round_half_away(15, 10), 2);
        assert_eq!(round_half_away(-15, 10), -2);
        assert_eq!(round_half_away(14, 10), 1);
        assert_eq!(round_half_away(-14, 10), -1);
        assert_eq!(round_half_away(4, 10), 0);
        assert_eq!(round_half_away(-4, 10), 0);
        assert_eq!(round_half_away(0, 7), 0);
        assert_eq!(round_half_away(-25, 100), 0);
        assert_eq!(round_half_away(-50, 100), -1);
        assert_eq!(round_half_away(250, 100), 3);
        assert_eq!(round_half_away(-250, 100), -3);
        assert_eq!(round_half_away(249, 100), 2);
        assert_eq!(round_half_away(-251, 100), -3);
    }

    /// (name, quantity in thousandths, unit price, discount, rate bp,
    /// intra-state, expected taxable, cgst, sgst, igst). Worked by hand.
    type WorkedLine = (&'static str, i64, i64, i64, i64, bool, i64, i64, i64, i64);

    #[rustfmt::skip]
    const LINES: [WorkedLine; 32] = [
        // qty 1 x 100.00 at 0%: taxable 10000; tax 0
        ("L1",  1000, 10000, 0, 0,    true,  10000, 0, 0, 0),
        // qty 1 x 100.00 at 0.25% intra: 10000*25/20000 = 12.5 -> 13 (half up)
        ("L2",  1000, 10000, 0, 25,   true,  10000, 13, 13, 0),
        // same inter: 10000*25/10000 = 25
        ("L3",  1000, 10000, 0, 25,   false, 10000, 0, 0, 25),
        // qty 2 x 50.50 = 10100 at 3% intra: 10100*300/20000 = 151.5 -> 152
        ("L4",  2000, 5050, 0, 300,   true,  10100, 152, 152, 0),
        // same inter: 3_030_000/10000 = 303
        ("L5",  2000, 5050, 0, 300,   false, 10100, 0, 0, 303),
        // qty 0.333 x 1.00: 33.3 -> 33; 5% intra: 33*500/20000 = 0.825 -> 1
        ("L6",  333, 100, 0, 500,     true,  33, 1, 1, 0),
        // same inter: 16500/10000 = 1.65 -> 2
        ("L7",  333, 100, 0, 500,     false, 33, 0, 0, 2),
        // qty 2.5 x 19.99: 4997.5 -> 4998 (half away); 12% intra: 5_997_600/20000 = 299.88 -> 300
        ("L8",  2500, 1999, 0, 1200,  true,  4998, 300, 300, 0),
        // same inter: 5_997_600/10000 = 599.76 -> 600
        ("L9",  2500, 1999, 0, 1200,  false, 4998, 0, 0, 600),
        // qty 3 x 333.33 = 99999, discount 999 -> 99000; 18% intra: 178_200_000/20000 = 8910
        ("L10", 3000, 33333, 999, 1800, true, 99000, 8910, 8910, 0),
        // same inter: 178_200_000/10000 = 17820
        ("L11", 3000, 33333, 999, 1800, false, 99000, 0, 0, 17820),
        // qty 1 x 100.01 at 28% intra: 28_002_800/20000 = 1400.14 -> 1400
        ("L12", 1000, 10001, 0, 2800, true,  10001, 1400, 1400, 0),
        // same inter: 28_002_800/10000 = 2800.28 -> 2800
        ("L13", 1000, 10001, 0, 2800, false, 10001, 0, 0, 2800),
        // qty 1 x 123.45 at 40% intra: 49_380_000/20000 = 2469
        ("L14", 1000, 12345, 0, 4000, true,  12345, 2469, 2469, 0),
        // same inter: 49_380_000/10000 = 4938
        ("L15", 1000, 12345, 0, 4000, false, 12345, 0, 0, 4938),
        // taxable 50 at 18% intra: 90000/20000 = 4.5 -> 5 each (half up)
        ("L16", 1000, 50, 0, 1800,    true,  50, 5, 5, 0),
        // same inter: 90000/10000 = 9 (cgst+sgst = 10 differs by a paisa: intended)
        ("L17", 1000, 50, 0, 1800,    false, 50, 0, 0, 9),
        // qty 0.5 x 0.01: 0.5 -> 1 (half up on the gross); 5% intra: 500/20000 = 0.025 -> 0
        ("L18", 500, 1, 0, 500,       true,  1, 0, 0, 0),
        // qty 0.001 x 4.99: 0.499 -> 0; 18% inter: 0
        ("L19", 1, 499, 0, 1800,      false, 0, 0, 0, 0),
        // qty 0.001 x 5.00: 0.5 -> 1; 28% inter: 2800/10000 = 0.28 -> 0
        ("L20", 1, 500, 0, 2800,      false, 1, 0, 0, 0),
        // discount equal to the gross: taxable 0, tax 0
        ("L21", 1000, 5000, 5000, 1800, true, 0, 0, 0, 0),
        // qty 1.5 x 3.33: 499.5 -> 500; 5% inter: 250000/10000 = 25
        ("L22", 1500, 333, 0, 500,    false, 500, 0, 0, 25),
        // qty 0.333 x 3000.00 = 99900, discount 1000 -> 98900; 12% intra: 118_680_000/20000 = 5934
        ("L23", 333, 300000, 1000, 1200, true, 98900, 5934, 5934, 0),
        // qty 7 x 1428.57 = 999999; 28% inter: 2_799_997_200/10000 = 279999.72 -> 280000
        ("L24", 7000, 142857, 0, 2800, false, 999999, 0, 0, 280000),
        // qty 12.345 x 0.10: 123.45 -> 123, discount 3 -> 120; 40% intra: 480000/20000 = 24
        ("L25", 12345, 10, 3, 4000,   true,  120, 24, 24, 0),
        // taxable 200 at 0.25% inter: 5000/10000 = 0.5 -> 1 (half up)
        ("L26", 1000, 200, 0, 25,     false, 200, 0, 0, 1),
        // same intra: 5000/20000 = 0.25 -> 0
        ("L27", 1000, 200, 0, 25,     true,  200, 0, 0, 0),
        // taxable 100 at 3% intra: 30000/20000 = 1.5 -> 2
        ("L28", 1000, 100, 0, 300,    true,  100, 2, 2, 0),
        // taxable 25 at 28% intra: 70000/20000 = 3.5 -> 4
        ("L29", 1000, 25, 0, 2800,    true,  25, 4, 4, 0),
        // taxable 25 at 12% intra: 30000/20000 = 1.5 -> 2
        ("L30", 1000, 25, 0, 1200,    true,  25, 2, 2, 0),
        // taxable 10 at 5% inter: 5000/10000 = 0.5 -> 1
        ("L31", 1000, 10, 0, 500,     false, 10, 0, 0, 1),
        // qty 2.5 x 0.01: 2.5 -> 3; 0% inter: 0
        ("L32", 2500, 1, 0, 0,        false, 3, 0, 0, 0),
    ];

    fn line(name: &str) -> LineTax {
        let (_, milli, price, discount, bp, intra, ..) =
            LINES.iter().find(|l| l.0 == name).copied().unwrap();
        line_tax(&input(milli, price, discount, bp), intra).unwrap()
    }

    #[test]
    fn worked_lines() {
        for (name, milli, price, discount, bp, intra, taxable, cgst, sgst, igst) in LINES {
            let got = line_tax(&input(milli, price, discount, bp), intra).unwrap();
            assert_eq!(got, tax(taxable, cgst, sgst, igst), "{name}");
        }
    }

    #[test]
    fn every_rate_is_covered_by_the_table() {
        for bp in GstRate::ALLOWED_BP {
            for intra in [true, false] {
                assert!(
                    LINES.iter().any(|l| l.4 == i64::from(bp) && l.5 == intra),
                    "{bp} {intra}"
                );
            }
        }
    }

    fn totals(names: &[&str]) -> Totals {
        let lines: Vec<LineTax> = names.iter().map(|n| line(n)).collect();
        invoice_totals(&lines).unwrap()
    }

    fn expected(
        taxable_total: i64,
        cgst_total: i64,
        sgst_total: i64,
        igst_total: i64,
        round_off: i64,
        grand_total: i64,
    ) -> Totals {
        Totals {
            taxable_total,
            cgst_total,
            sgst_total,
            igst_total,
            round_off,
            grand_total,
        }
    }

    #[test]
    fn worked_invoices() {
        // I1: L1 + L2: taxable 20000, cgst 13, sgst 13 -> 20026 -> 200.26 -> 200 rupees; round-off -26
        assert_eq!(
            totals(&["L1", "L2"]),
            expected(20000, 13, 13, 0, -26, 20000)
        );
        // I2: L4: 10100 + 152 + 152 = 10404 -> 104.04 -> 104 rupees; round-off -4
        assert_eq!(totals(&["L4"]), expected(10100, 152, 152, 0, -4, 10400));
        // I3: L9: 4998 + 600 = 5598 -> 55.98 -> 56 rupees; round-off +2
        assert_eq!(totals(&["L9"]), expected(4998, 0, 0, 600, 2, 5600));
        // I4: one line 1 x 0.50 at 0%: 50 -> 0.50 -> 1 rupee (half up); round-off +50
        let half = line_tax(&input(1000, 50, 0, 0), true).unwrap();
        assert_eq!(
            invoice_totals(&[half]).unwrap(),
            expected(50, 0, 0, 0, 50, 100)
        );
        // I5: L12 + L14: taxable 22346, cgst 3869, sgst 3869 -> 30084 -> 300.84 -> 301; +16
        assert_eq!(
            totals(&["L12", "L14"]),
            expected(22346, 3869, 3869, 0, 16, 30100)
        );
        // I6: no lines: all zero
        assert_eq!(invoice_totals(&[]).unwrap(), Totals::default());
        // I7: L3 + L5 + L7 + L13: taxable 30134, igst 25+303+2+2800 = 3130 -> 33264 -> 333; +36
        assert_eq!(
            totals(&["L3", "L5", "L7", "L13"]),
            expected(30134, 0, 0, 3130, 36, 33300)
        );
        // I8: L23 + L25: taxable 99020, cgst 5958, sgst 5958 -> 110936 -> 1109.36 -> 1109; -36
        assert_eq!(
            totals(&["L23", "L25"]),
            expected(99020, 5958, 5958, 0, -36, 110900)
        );
        // I9: 1 x 10.50 at 0%: 1050 -> 10.50 -> 11 rupees; round-off +50
        let half = line_tax(&input(1000, 1050, 0, 0), false).unwrap();
        assert_eq!(
            invoice_totals(&[half]).unwrap(),
            expected(1050, 0, 0, 0, 50, 1100)
        );
        // I10: L16 + L17 mixed on purpose: 50+50 taxable, cgst 5, sgst 5, igst 9 -> 119 -> 1.19 -> 1; -19
        assert_eq!(totals(&["L16", "L17"]), expected(100, 5, 5, 9, -19, 100));
    }

    #[test]
    fn serializes_with_api_names() {
        let t = serde_json::to_value(line("L2")).unwrap();
        assert_eq!(
            t,
            serde_json::json!({"taxable_paise": 10000, "cgst_paise": 13, "sgst_paise": 13, "igst_paise": 0})
        );
        let t = serde_json::to_value(totals(&["L9"])).unwrap();
        assert_eq!(t["grand_total_paise"], 5600);
        assert_eq!(t["round_off_paise"], 2);
        assert_eq!(t["taxable_total_paise"], 4998);
        assert_eq!(t["igst_total_paise"], 600);
    }

    #[test]
    fn rejects_bad_lines() {
        let code = |milli, price, discount| {
            line_tax(&input(milli, price, discount, 1800), true)
                .unwrap_err()
                .code
        };
        assert_eq!(code(1000, 5000, 5001), "out_of_range");
        assert_eq!(code(1000, 5000, -1), "invalid_value");
        assert_eq!(code(1000, -1, 0), "out_of_range");
        assert_eq!(code(1000, Paise::MAX_ABS + 1, 0), "out_of_range");
        // 1e9 units x 10^15 paise: gross 10^24, far above the bound.
        assert_eq!(code(1_000_000_000_000, Paise::MAX_ABS, 0), "out_of_range");
        // The same line discounted back under the bound is fine.
        let big = input(2000, Paise::MAX_ABS, Paise::MAX_ABS, 4000);
        assert_eq!(
            line_tax(&big, false).unwrap(),
            tax(Paise::MAX_ABS, 0, 0, 400_000_000_000_000)
        );
    }

    #[test]
    fn totals_beyond_the_bound_are_refused() {
        let max = tax(Paise::MAX_ABS, 0, 0, 0);
        assert_eq!(invoice_totals(&[max]).unwrap().grand_total, Paise::MAX_ABS);
        let over = tax(1, 0, 0, 0);
        assert_eq!(
            invoice_totals(&[max, over]).unwrap_err().code,
            "out_of_range"
        );
    }

    fn any_line() -> impl Strategy<Value = (LineInput, bool)> {
        (
            1i64..=10_000_000,
            0i64..=100_000_000,
            0u32..=100,
            proptest::sample::select(GstRate::ALLOWED_BP.to_vec()),
            any::<bool>(),
        )
            .prop_map(|(milli, price, discount_pct, bp, intra)| {
                // Gross rounds down at most half a paisa, so stay within the truncated gross.
                let gross_floor = milli * price / 1000;
                let discount = gross_floor * i64::from(discount_pct) / 100;
                (input(milli, price, discount, i64::from(bp)), intra)
            })
    }

    proptest! {
        #[test]
        fn invoice_properties(lines in proptest::collection::vec(any_line(), 0..30)) {
            let taxes: Vec<LineTax> = lines
                .iter()
                .map(|(l, intra)| line_tax(l, *intra).unwrap())
                .collect();
            for t in &taxes {
                prop_assert_eq!(t.cgst, t.sgst);
                prop_assert!(t.taxable >= 0 && t.cgst >= 0 && t.igst >= 0);
                prop_assert!(t.igst == 0 || t.cgst == 0);
            }
            let totals = invoice_totals(&taxes).unwrap();
            prop_assert_eq!(totals.taxable_total, taxes.iter().map(|t| t.taxable).sum::<i64>());
            prop_assert_eq!(totals.cgst_total, taxes.iter().map(|t| t.cgst).sum::<i64>());
            prop_assert_eq!(totals.sgst_total, taxes.iter().map(|t| t.sgst).sum::<i64>());
            prop_assert_eq!(totals.igst_total, taxes.iter().map(|t| t.igst).sum::<i64>());
            prop_assert_eq!(totals.cgst_total, totals.sgst_total);
            prop_assert!(totals.round_off.abs() <= 50);
            prop_assert_eq!(totals.grand_total % 100, 0);
            let sum = totals.taxable_total + totals.cgst_total + totals.sgst_total + totals.igst_total;
            prop_assert_eq!(totals.grand_total, sum + totals.round_off);
        }

        #[test]
        fn split_tax_is_within_a_paisa_of_integrated_tax(line in any_line()) {
            let (l, _) = line;
            let intra = line_tax(&l, true).unwrap();
            let inter = line_tax(&l, false).unwrap();
            prop_assert_eq!(intra.taxable, inter.taxable);
            prop_assert!((intra.cgst + intra.sgst - inter.igst).abs() <= 1);
        }

        #[test]
        fn any_line_input_never_panics(
            milli in 1i64..=1_000_000_000_000,
            price in any::<i64>(),
            discount in any::<i64>(),
            bp in proptest::sample::select(GstRate::ALLOWED_BP.to_vec()),
            intra in any::<bool>(),
        ) {
            let _ = line_tax(&input(milli, price, discount, i64::from(bp)), intra);
        }

        #[test]
        fn round_half_away_matches_float_on_small_values(n in -1_000_000i128..1_000_000, d in 1i128..1000) {
            let exact = n as f64 / d as f64;
            let expected = exact.abs().round() * exact.signum();
            // Values this small are exact enough in f64 to serve as an oracle.
            prop_assert_eq!(round_half_away(n, d) as f64, expected);
        }
    }
}
