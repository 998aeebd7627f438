//! From a frozen document to what the PDF prints. Only the issue-time copies are read
//! (seller, buyer, place of supply, lines, totals, terms and payment details), so a
//! later edit of the customer, branch, item or company never changes the print; the
//! logo and the balance due (for the UPI QR) are the current ones.

use crate::domain::parse_iso_date;
use crate::error::{AppError, AppResult};
use crate::modules::company::model::CompanyRow;
use crate::modules::sales::invoices::model::{Buyer, Invoice, InvoiceStatus, Seller};
use crate::modules::sales::notes::model::Note;
use crate::pdf::{CopyLabel, PrintBank, PrintDoc, PrintLine, PrintParty, PrintTotals};

/// Rule 46(i)'s declaration for a zero-rated supply under a letter of undertaking.
pub const LUT_DECLARATION: &str = "Supply meant for export / supply to SEZ unit or SEZ developer for authorised operations under bond or letter of undertaking without payment of integrated tax.";

/// What the current company profile adds to a print: the logo, and the full account
/// number while it is still the account frozen on the document.
pub struct Current {
    pub company: CompanyRow,
    pub bank_account: Option<String>,
    pub logo: Option<Vec<u8>>,
}

/// `2026-06-15` → `15-06-2026`.
pub fn print_date(iso: &str) -> String {
    match parse_iso_date(iso) {
        Ok(d) => format!("{:02}-{:02}-{:04}", d.day(), u8::from(d.month()), d.year()),
        Err(_) => iso.to_string(),
    }
}

fn seller_party(s: &Seller) -> PrintParty {
    PrintParty {
        legal_name: s.legal_name.clone(),
        trade_name: Some(s.trade_name.clone()).filter(|t| !t.trim().is_empty()),
        address: s.address.clone(),
        gstin: s.gstin.clone(),
        state_code: s.state_code.clone(),
        state_name: s.state_name.clone(),
        pan: s.pan.clone(),
    }
}

fn buyer_party(b: &Buyer) -> PrintParty {
    PrintParty {
        legal_name: b.name.clone(),
        trade_name: None,
        address: b.billing_address.clone(),
        gstin: b.gstin.clone(),
        state_code: b.state_code.clone(),
        state_name: b.state_name.clone(),
        pan: None,
    }
}

/// The bank details frozen on the document; the number in full only while the profile
/// still holds that same account (its masked form is unchanged).
fn bank(s: &Seller, now: &Current) -> Option<PrintBank> {
    let frozen = s.bank.as_ref()?;
    let same = now.company.bank_account_masked.as_deref() == Some(frozen.account_number.as_str());
    let account_number = match (&now.bank_account, same) {
        (Some(full), true) => full.clone(),
        _ => frozen.account_number.clone(),
    };
    Some(PrintBank {
        account_number,
        ifsc: frozen.ifsc.clone(),
        bank_name: frozen.bank_name.clone(),
    })
}

fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        // RFC 3986 lets `@` and `/` stand in a query; UPI apps expect `pa=name@bank`.
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The UPI intent for paying `balance` (NPCI's `upi://pay` link).
pub fn upi_uri(vpa: &str, name: &str, balance_paise: i64, number: &str) -> String {
    format!(
        "upi://pay?pa={}&pn={}&am={}.{:02}&tn={}&cu=INR",
        encode(vpa),
        encode(name),
        balance_paise / 100,
        balance_paise % 100,
        encode(number)
    )
}

fn frozen<T>(v: &Option<T>) -> AppResult<&T> {
    v.as_ref()
        .ok_or_else(|| AppError::internal("an issued document without its frozen copies"))
}

pub fn invoice(inv: &Invoice, copy: CopyLabel, now: &Current) -> AppResult<PrintDoc> {
    let seller = frozen(&inv.seller)?;
    let buyer = frozen(&inv.buyer)?;
    let pos = frozen(&inv.place_of_supply)?;
    let number = inv.number.clone().unwrap_or_default();
    let due = inv.balance_due_paise;
    let upi = match (&seller.upi_id, inv.status) {
        (_, InvoiceStatus::Cancelled) => None,
        (Some(vpa), _) if due > 0 => Some(upi_uri(vpa, &seller.legal_name, due, &number)),
        _ => None,
    };
    Ok(PrintDoc {
        title: "Tax Invoice".into(),
        copy,
        number,
        date: print_date(&inv.invoice_date),
        due_date: Some(print_date(&inv.due_date)),
        original_invoice: None,
        reason: None,
        seller: seller_party(seller),
        buyer: buyer_party(buyer),
        place_of_supply: format!("{} - {}", pos.code, pos.name),
        reverse_charge: inv.reverse_charge,
        lines: inv
            .lines
            .iter()
            .map(|l| PrintLine {
                line_no: l.line_no,
                description: l.description.clone(),
                hsn_sac: l.hsn_sac.clone(),
                quantity: l.quantity.to_string(),
                unit: l.unit.clone(),
                unit_price_paise: l.unit_price_paise,
                discount_paise: l.discount_paise,
                taxable_paise: l.taxable_paise,
                gst_rate_bp: l.gst_rate_bp,
                cgst_paise: l.cgst_paise,
                sgst_paise: l.sgst_paise,
                igst_paise: l.igst_paise,
            })
            .collect(),
        totals: PrintTotals {
            taxable_paise: inv.taxable_total_paise,
            cgst_paise: inv.cgst_total_paise,
            sgst_paise: inv.sgst_total_paise,
            igst_paise: inv.igst_total_paise,
            round_off_paise: inv.round_off_paise,
            grand_total_paise: inv.grand_total_paise,
        },
        declaration: inv.lut.then(|| LUT_DECLARATION.to_string()),
        bank: bank(seller, now),
        upi_uri: upi,
        irn: None,
        terms: seller.terms.clone(),
        logo: now.logo.clone(),
        status_mark: (inv.status == InvoiceStatus::Cancelled).then(|| "CANCELLED".to_string()),
        notes: inv.notes.clone(),
    })
}

/// A credit or debit note (Rule 53): the invoice it amends, the reason, its own lines.
pub fn note(n: &Note, inv: &Invoice, copy: CopyLabel, now: &Current) -> AppResult<PrintDoc> {
    let seller = frozen(&n.seller)?;
    let buyer = frozen(&n.buyer)?;
    let pos = frozen(&n.place_of_supply)?;
    Ok(PrintDoc {
        title: n.kind.title().into(),
        copy,
        number: n.number.clone().unwrap_or_default(),
        date: print_date(&n.note_date),
        due_date: None,
        original_invoice: Some((
            n.invoice_number.clone().unwrap_or_default(),
            print_date(&n.invoice_date),
        )),
        reason: Some(n.reason.label().to_string()),
        seller: seller_party(seller),
        buyer: buyer_party(buyer),
        place_of_supply: format!("{} - {}", pos.code, pos.name),
        reverse_charge: inv.reverse_charge,
        lines: n
            .lines
            .iter()
            .map(|l| {
                let orig = inv.lines.iter().find(|o| o.line_no == l.invoice_line);
                PrintLine {
                    line_no: l.line_no,
                    description: l.description.clone(),
                    hsn_sac: l.hsn_sac.clone(),
                    quantity: l.quantity.map(|q| q.to_string()).unwrap_or_default(),
                    unit: if l.quantity.is_some() {
                        l.unit.clone()
                    } else {
                        String::new()
                    },
                    unit_price_paise: match (l.quantity, orig) {
                        (Some(_), Some(o)) => o.unit_price_paise,
                        _ => 0,
                    },
                    discount_paise: 0,
                    taxable_paise: l.taxable_paise,
                    gst_rate_bp: l.gst_rate_bp,
                    cgst_paise: l.cgst_paise,
                    sgst_paise: l.sgst_paise,
                    igst_paise: l.igst_paise,
                }
            })
            .collect(),
        totals: PrintTotals {
            taxable_paise: n.taxable_total_paise,
            cgst_paise: n.cgst_total_paise,
            sgst_paise: n.sgst_total_paise,
            igst_paise: n.igst_total_paise,
            round_off_paise: n.round_off_paise,
            grand_total_paise: n.grand_total_paise,
        },
        declaration: inv.lut.then(|| LUT_DECLARATION.to_string()),
        bank: None,
        upi_uri: None,
        irn: None,
        terms: seller.terms.clone(),
        logo: now.logo.clone(),
        status_mark: None,
        notes: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upi_links_encode_their_parts() {
        assert_eq!(
            upi_uri("kesarfoods@hdfcbank", "Kesar Foods Pvt Ltd", 1_180_050, "MUM/26-27/00001"),
            "upi://pay?pa=kesarfoods@hdfcbank&pn=Kesar%20Foods%20Pvt%20Ltd&am=11800.50&tn=MUM/26-27/00001&cu=INR"
        );
        assert_eq!(print_date("2026-06-05"), "05-06-2026");
    }
}
