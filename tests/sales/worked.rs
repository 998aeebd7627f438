//! At least thirty invoices priced over the API and compared with figures worked out
//! outside the code under test: a table of literals (computed with decimal arithmetic,
//! rounding halves away from zero), itself re-checked here by a small integer oracle.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

/// One line: GST rate (bp), quantity as JSON text, unit price (None = the item's),
/// discount, and the expected [taxable, cgst, sgst, igst].
struct L {
    rate: i64,
    qty: &'static str,
    price: Option<i64>,
    discount: i64,
    expect: [i64; 4],
}

/// An invoice: same state or not, its lines, and the expected totals
/// [taxable, cgst, sgst, igst, round_off, grand_total].
struct Case {
    name: &'static str,
    intra: bool,
    lines: &'static [L],
    totals: [i64; 6],
}

/// The unit price of the item of each rate.
const DEFAULT_PRICE: [(i64, i64); 8] = [
    (0, 10000),
    (25, 250000),
    (300, 5050),
    (500, 333),
    (1200, 1999),
    (1800, 4999),
    (2800, 10001),
    (4000, 12345),
];

// Some workings by hand:
// - "0.25% intra half paisa up": 10000 × 25 / 20000 = 12.5 → 13 each; 10026 → ₹100, −26.
// - "12% intra 2.5 x 19.99": 2.5 × 1999 = 4997.5 → 4998; 4998 × 1200 / 20000 = 299.88 → 300
//   each; 5598 → ₹56, +2.
// - "18% intra 4.5 paise each half": 50 × 1800 / 20000 = 4.5 → 5 each; 60 → ₹1, +40.
// - "round off +50 exactly half rupee": 50 paise → ₹1 (half away from zero), +50.
// - "5% intra 0.333 x 1.00": 0.333 × 100 = 33.3 → 33; 33 × 500 / 20000 = 0.825 → 1 each;
//   35 → ₹0, −35.
#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "zero rate, one unit", intra: true, lines: &[
        L { rate: 0, qty: "1", price: None, discount: 0, expect: [10000, 0, 0, 0] },
    ], totals: [10000, 0, 0, 0, 0, 10000] },
    Case { name: "0.25% intra half paisa up", intra: true, lines: &[
        L { rate: 25, qty: "1", price: Some(10000), discount: 0, expect: [10000, 13, 13, 0] },
    ], totals: [10000, 13, 13, 0, -26, 10000] },
    Case { name: "0.25% inter", intra: false, lines: &[
        L { rate: 25, qty: "1", price: Some(10000), discount: 0, expect: [10000, 0, 0, 25] },
    ], totals: [10000, 0, 0, 25, -25, 10000] },
    Case { name: "3% intra 2 x 50.50", intra: true, lines: &[
        L { rate: 300, qty: "2", price: None, discount: 0, expect: [10100, 152, 152, 0] },
    ], totals: [10100, 152, 152, 0, -4, 10400] },
    Case { name: "3% inter 2 x 50.50", intra: false, lines: &[
        L { rate: 300, qty: "2", price: None, discount: 0, expect: [10100, 0, 0, 303] },
    ], totals: [10100, 0, 0, 303, -3, 10400] },
    Case { name: "5% intra 0.333 x 1.00", intra: true, lines: &[
        L { rate: 500, qty: "0.333", price: Some(100), discount: 0, expect: [33, 1, 1, 0] },
    ], totals: [33, 1, 1, 0, -35, 0] },
    Case { name: "5% inter 0.333 x 1.00", intra: false, lines: &[
        L { rate: 500, qty: "0.333", price: Some(100), discount: 0, expect: [33, 0, 0, 2] },
    ], totals: [33, 0, 0, 2, -35, 0] },
    Case { name: "12% intra 2.5 x 19.99 half paisa gross", intra: true, lines: &[
        L { rate: 1200, qty: "2.5", price: None, discount: 0, expect: [4998, 300, 300, 0] },
    ], totals: [4998, 300, 300, 0, 2, 5600] },
    Case { name: "12% inter 2.5 x 19.99", intra: false, lines: &[
        L { rate: 1200, qty: "2.5", price: None, discount: 0, expect: [4998, 0, 0, 600] },
    ], totals: [4998, 0, 0, 600, 2, 5600] },
    Case { name: "18% intra discount", intra: true, lines: &[
        L { rate: 1800, qty: "3", price: Some(33333), discount: 999, expect: [99000, 8910, 8910, 0] },
    ], totals: [99000, 8910, 8910, 0, -20, 116800] },
    Case { name: "18% inter discount", intra: false, lines: &[
        L { rate: 1800, qty: "3", price: Some(33333), discount: 999, expect: [99000, 0, 0, 17820] },
    ], totals: [99000, 0, 0, 17820, -20, 116800] },
    Case { name: "28% intra", intra: true, lines: &[
        L { rate: 2800, qty: "1", price: None, discount: 0, expect: [10001, 1400, 1400, 0] },
    ], totals: [10001, 1400, 1400, 0, -1, 12800] },
    Case { name: "28% inter", intra: false, lines: &[
        L { rate: 2800, qty: "1", price: None, discount: 0, expect: [10001, 0, 0, 2800] },
    ], totals: [10001, 0, 0, 2800, -1, 12800] },
    Case { name: "40% intra", intra: true, lines: &[
        L { rate: 4000, qty: "1", price: None, discount: 0, expect: [12345, 2469, 2469, 0] },
    ], totals: [12345, 2469, 2469, 0, 17, 17300] },
    Case { name: "40% inter", intra: false, lines: &[
        L { rate: 4000, qty: "1", price: None, discount: 0, expect: [12345, 0, 0, 4938] },
    ], totals: [12345, 0, 0, 4938, 17, 17300] },
    Case { name: "18% intra 4.5 paise each half", intra: true, lines: &[
        L { rate: 1800, qty: "1", price: Some(50), discount: 0, expect: [50, 5, 5, 0] },
    ], totals: [50, 5, 5, 0, 40, 100] },
    Case { name: "round off +50 exactly half rupee", intra: true, lines: &[
        L { rate: 0, qty: "1", price: Some(50), discount: 0, expect: [50, 0, 0, 0] },
    ], totals: [50, 0, 0, 0, 50, 100] },
    Case { name: "round off down", intra: true, lines: &[
        L { rate: 0, qty: "1", price: Some(20026), discount: 0, expect: [20026, 0, 0, 0] },
    ], totals: [20026, 0, 0, 0, -26, 20000] },
    Case { name: "round off up", intra: false, lines: &[
        L { rate: 1200, qty: "2.5", price: None, discount: 0, expect: [4998, 0, 0, 600] },
    ], totals: [4998, 0, 0, 600, 2, 5600] },
    Case { name: "discount equal to gross", intra: true, lines: &[
        L { rate: 1800, qty: "1", price: Some(5000), discount: 5000, expect: [0, 0, 0, 0] },
        L { rate: 0, qty: "1", price: Some(100), discount: 0, expect: [100, 0, 0, 0] },
    ], totals: [100, 0, 0, 0, 0, 100] },
    Case { name: "tiny quantity 0.001", intra: false, lines: &[
        L { rate: 2800, qty: "0.001", price: Some(500), discount: 0, expect: [1, 0, 0, 0] },
        L { rate: 1800, qty: "0.001", price: Some(499), discount: 0, expect: [0, 0, 0, 0] },
    ], totals: [1, 0, 0, 0, -1, 0] },
    Case { name: "1.005 x 2.675 style", intra: true, lines: &[
        L { rate: 500, qty: "1.005", price: Some(199), discount: 0, expect: [200, 5, 5, 0] },
    ], totals: [200, 5, 5, 0, -10, 200] },
    Case { name: "12.345 units", intra: true, lines: &[
        L { rate: 4000, qty: "12.345", price: Some(10), discount: 3, expect: [120, 24, 24, 0] },
    ], totals: [120, 24, 24, 0, 32, 200] },
    Case { name: "every rate intra", intra: true, lines: &[
        L { rate: 0, qty: "1", price: None, discount: 0, expect: [10000, 0, 0, 0] },
        L { rate: 25, qty: "1", price: None, discount: 0, expect: [250000, 313, 313, 0] },
        L { rate: 300, qty: "1", price: None, discount: 0, expect: [5050, 76, 76, 0] },
        L { rate: 500, qty: "1", price: None, discount: 0, expect: [333, 8, 8, 0] },
        L { rate: 1200, qty: "1", price: None, discount: 0, expect: [1999, 120, 120, 0] },
        L { rate: 1800, qty: "1", price: None, discount: 0, expect: [4999, 450, 450, 0] },
        L { rate: 2800, qty: "1", price: None, discount: 0, expect: [10001, 1400, 1400, 0] },
        L { rate: 4000, qty: "1", price: None, discount: 0, expect: [12345, 2469, 2469, 0] },
    ], totals: [294727, 4836, 4836, 0, 1, 304400] },
    Case { name: "every rate inter", intra: false, lines: &[
        L { rate: 0, qty: "2.5", price: None, discount: 0, expect: [25000, 0, 0, 0] },
        L { rate: 25, qty: "0.333", price: None, discount: 0, expect: [83250, 0, 0, 208] },
        L { rate: 300, qty: "7", price: None, discount: 10, expect: [35340, 0, 0, 1060] },
        L { rate: 500, qty: "1.5", price: None, discount: 0, expect: [500, 0, 0, 25] },
        L { rate: 1200, qty: "3", price: None, discount: 0, expect: [5997, 0, 0, 720] },
        L { rate: 1800, qty: "0.75", price: None, discount: 0, expect: [3749, 0, 0, 675] },
        L { rate: 2800, qty: "2", price: None, discount: 1, expect: [20001, 0, 0, 5600] },
        L { rate: 4000, qty: "1.25", price: None, discount: 0, expect: [15431, 0, 0, 6172] },
    ], totals: [189268, 0, 0, 14460, -28, 203700] },
    Case { name: "large amount inter", intra: false, lines: &[
        L { rate: 2800, qty: "7", price: Some(142857), discount: 0, expect: [999999, 0, 0, 280000] },
    ], totals: [999999, 0, 0, 280000, 1, 1280000] },
    Case { name: "large quantity intra", intra: true, lines: &[
        L { rate: 1800, qty: "1000", price: Some(123456), discount: 100000, expect: [123356000, 11102040, 11102040, 0] },
    ], totals: [123356000, 11102040, 11102040, 0, 20, 145560100] },
    Case { name: "mixed discounts intra", intra: true, lines: &[
        L { rate: 1200, qty: "0.333", price: Some(300000), discount: 1000, expect: [98900, 5934, 5934, 0] },
        L { rate: 500, qty: "2.5", price: Some(1), discount: 0, expect: [3, 0, 0, 0] },
        L { rate: 25, qty: "1", price: Some(200), discount: 0, expect: [200, 0, 0, 0] },
    ], totals: [99103, 5934, 5934, 0, 29, 111000] },
    Case { name: "3% intra half paisa", intra: true, lines: &[
        L { rate: 300, qty: "1", price: Some(100), discount: 0, expect: [100, 2, 2, 0] },
        L { rate: 2800, qty: "1", price: Some(25), discount: 0, expect: [25, 4, 4, 0] },
        L { rate: 1200, qty: "1", price: Some(25), discount: 0, expect: [25, 2, 2, 0] },
    ], totals: [150, 8, 8, 0, 34, 200] },
    Case { name: "5% inter half paisa", intra: false, lines: &[
        L { rate: 500, qty: "1", price: Some(10), discount: 0, expect: [10, 0, 0, 1] },
        L { rate: 25, qty: "1", price: Some(200), discount: 0, expect: [200, 0, 0, 1] },
    ], totals: [210, 0, 0, 2, -12, 200] },
    Case { name: "price override zero", intra: true, lines: &[
        L { rate: 1800, qty: "4", price: Some(0), discount: 0, expect: [0, 0, 0, 0] },
        L { rate: 500, qty: "1", price: Some(9999), discount: 0, expect: [9999, 250, 250, 0] },
    ], totals: [9999, 250, 250, 0, 1, 10500] },
    Case { name: "1.5 x 3.33 gross half paisa", intra: false, lines: &[
        L { rate: 500, qty: "1.5", price: Some(333), discount: 0, expect: [500, 0, 0, 25] },
    ], totals: [500, 0, 0, 25, -25, 500] },
    Case { name: "many small lines intra", intra: true, lines: &[
        L { rate: 1800, qty: "0.333", price: Some(3), discount: 0, expect: [1, 0, 0, 0] },
        L { rate: 1800, qty: "0.667", price: Some(3), discount: 0, expect: [2, 0, 0, 0] },
        L { rate: 1800, qty: "1.001", price: Some(1), discount: 0, expect: [1, 0, 0, 0] },
        L { rate: 2800, qty: "0.5", price: Some(1), discount: 0, expect: [1, 0, 0, 0] },
    ], totals: [5, 0, 0, 0, -5, 0] },
    Case { name: "notes and round down inter", intra: false, lines: &[
        L { rate: 1800, qty: "2", price: Some(12345), discount: 45, expect: [24645, 0, 0, 4436] },
        L { rate: 1200, qty: "1.25", price: Some(8000), discount: 0, expect: [10000, 0, 0, 1200] },
    ], totals: [34645, 0, 0, 5636, 19, 40300] },
];

/// Thousandths of a unit from decimal text, without floating point.
fn milli(text: &str) -> i128 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut f = frac.to_string();
    while f.len() < 3 {
        f.push('0');
    }
    whole.parse::<i128>().expect("whole") * 1000 + f.parse::<i128>().expect("frac")
}

/// n / d rounded half up, for n ≥ 0 (every amount in the table is non-negative).
fn half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

fn price_of(l: &L) -> i64 {
    l.price.unwrap_or_else(|| {
        DEFAULT_PRICE
            .iter()
            .find(|(r, _)| *r == l.rate)
            .expect("rate")
            .1
    })
}

fn oracle(case: &Case) -> (Vec<[i64; 4]>, [i64; 6]) {
    let mut lines = Vec::new();
    for l in case.lines {
        let taxable =
            half_up(milli(l.qty) * i128::from(price_of(l)), 1000) - i128::from(l.discount);
        let rate = i128::from(l.rate);
        let t = if case.intra {
            let h = half_up(taxable * rate, 20_000);
            [taxable, h, h, 0]
        } else {
            [taxable, 0, 0, half_up(taxable * rate, 10_000)]
        };
        lines.push(t.map(|x| i64::try_from(x).expect("fits")));
    }
    let sum = |i: usize| lines.iter().map(|l| l[i]).sum::<i64>();
    let all = sum(0) + sum(1) + sum(2) + sum(3);
    let grand = i64::try_from(half_up(i128::from(all), 100) * 100).expect("fits");
    let totals = [sum(0), sum(1), sum(2), sum(3), grand - all, grand];
    (lines, totals)
}

#[test]
fn the_table_agrees_with_an_independent_oracle() {
    assert!(CASES.len() >= 30);
    let mut rates: Vec<(i64, bool)> = Vec::new();
    let (mut up, mut down) = (false, false);
    for case in CASES {
        let (lines, totals) = oracle(case);
        let expected: Vec<[i64; 4]> = case.lines.iter().map(|l| l.expect).collect();
        assert_eq!(lines, expected, "{}", case.name);
        assert_eq!(totals, case.totals, "{}", case.name);
        rates.extend(case.lines.iter().map(|l| (l.rate, case.intra)));
        up |= case.totals[4] > 0;
        down |= case.totals[4] < 0;
    }
    for (rate, _) in DEFAULT_PRICE {
        assert!(
            rates.contains(&(rate, true)) && rates.contains(&(rate, false)),
            "{rate}"
        );
    }
    assert!(up && down, "round-off both ways");
}

#[test]
fn worked_invoices_over_the_api() {
    let shop = Shop::open("worked");
    let local = shop.customer("Local Traders", "27");
    let res = shop.app.post(
        &shop.owner,
        "/api/v1/customers",
        &json!({"name": "Bengaluru Buyers", "gstin": GSTIN_29}),
    );
    let outside = id_of(&json_of(res, 201));
    let items: Vec<(i64, String)> = DEFAULT_PRICE
        .iter()
        .map(|(rate, price)| (*rate, shop.item(&format!("R{rate}"), *price, *rate)))
        .collect();
    let item_of = |rate: i64| {
        items
            .iter()
            .find(|(r, _)| *r == rate)
            .expect("item")
            .1
            .clone()
    };
    for case in CASES {
        let lines: Vec<Value> = case
            .lines
            .iter()
            .map(|l| {
                let qty: Value = serde_json::from_str(l.qty).expect("qty");
                let mut v = json!({"item_id": item_of(l.rate), "quantity": qty});
                if let Some(p) = l.price {
                    v["unit_price_paise"] = json!(p);
                }
                if l.discount > 0 {
                    v["discount_paise"] = json!(l.discount);
                }
                v
            })
            .collect();
        let customer = if case.intra { &local } else { &outside };
        let inv = shop.draft_on(
            &shop.mum,
            customer,
            "2026-06-15",
            "2026-07-15",
            json!(lines),
        );
        assert_eq!(inv["intra_state"], case.intra, "{}", case.name);
        assert_eq!(inv["status"], "draft");
        assert!(inv["number"].is_null());
        let got_lines = inv["lines"].as_array().expect("lines");
        assert_eq!(got_lines.len(), case.lines.len(), "{}", case.name);
        for (i, (got, l)) in got_lines.iter().zip(case.lines).enumerate() {
            let g = ["taxable_paise", "cgst_paise", "sgst_paise", "igst_paise"]
                .map(|k| got[k].as_i64().expect(k));
            assert_eq!(g, l.expect, "{} line {i}", case.name);
            assert_eq!(
                got["unit_price_paise"],
                price_of(l),
                "{} line {i}",
                case.name
            );
            assert_eq!(got["gst_rate_bp"], l.rate);
        }
        let t = [
            "taxable_total_paise",
            "cgst_total_paise",
            "sgst_total_paise",
            "igst_total_paise",
            "round_off_paise",
            "grand_total_paise",
        ]
        .map(|k| inv[k].as_i64().expect(k));
        assert_eq!(t, case.totals, "{}", case.name);
        assert_eq!(inv["amount_paid_paise"], 0);
        assert_eq!(inv["balance_due_paise"], case.totals[5], "{}", case.name);
    }
}
