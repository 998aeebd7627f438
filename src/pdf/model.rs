//! What the renderer prints: a frozen, already formatted tax document.
//!
//! The caller builds a [`PrintDoc`] from an issued invoice, credit note or debit note
//! (every amount in paise, every date already `dd-mm-yyyy`) and hands it to
//! [`render`](super::render).

/// The supplier or the recipient, as frozen on the document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintParty {
    pub legal_name: String,
    pub trade_name: Option<String>,
    /// Free text; `\n` starts a new line.
    pub address: String,
    /// `None` prints "Unregistered".
    pub gstin: Option<String>,
    /// Two digits, e.g. "29".
    pub state_code: String,
    pub state_name: String,
    pub pan: Option<String>,
}

/// One line of the document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintLine {
    pub line_no: i64,
    pub description: String,
    pub hsn_sac: String,
    /// Already formatted, e.g. "2.5".
    pub quantity: String,
    pub unit: String,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub taxable_paise: i64,
    /// Basis points: 1800 is 18%.
    pub gst_rate_bp: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
}

/// The document's totals, as computed and frozen when it was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrintTotals {
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub round_off_paise: i64,
    pub grand_total_paise: i64,
}

/// The supplier's bank account for payment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintBank {
    pub account_number: String,
    pub ifsc: String,
    pub bank_name: String,
}

/// The e-invoice registration: printed as text with a QR code of `signed_qr`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintIrn {
    pub irn: String,
    pub ack_no: String,
    pub ack_date: String,
    pub signed_qr: String,
}

/// Which of the three copies Rule 48 asks for this print is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CopyLabel {
    #[default]
    Original,
    Duplicate,
    Triplicate,
}

impl CopyLabel {
    /// The words printed under the title.
    pub fn text(self) -> &'static str {
        match self {
            CopyLabel::Original => "Original for recipient",
            CopyLabel::Duplicate => "Duplicate for transporter",
            CopyLabel::Triplicate => "Triplicate for supplier",
        }
    }
}

/// A printable tax invoice, credit note or debit note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintDoc {
    /// "Tax Invoice", "Credit Note", "Debit Note".
    pub title: String,
    pub copy: CopyLabel,
    pub number: String,
    /// Already formatted `dd-mm-yyyy`.
    pub date: String,
    pub due_date: Option<String>,
    /// Notes: (number, date) of the invoice they amend.
    pub original_invoice: Option<(String, String)>,
    /// Notes: the reason text.
    pub reason: Option<String>,
    pub seller: PrintParty,
    pub buyer: PrintParty,
    /// E.g. "29 - Karnataka".
    pub place_of_supply: String,
    pub reverse_charge: bool,
    pub lines: Vec<PrintLine>,
    pub totals: PrintTotals,
    /// The LUT declaration when zero-rated.
    pub declaration: Option<String>,
    pub bank: Option<PrintBank>,
    /// QR payload, e.g. `upi://pay?pa=...&am=...`; printed while a balance is due.
    pub upi_uri: Option<String>,
    /// Printed with a QR code of its `signed_qr` when present.
    pub irn: Option<PrintIrn>,
    pub terms: String,
    /// PNG or JPEG bytes.
    pub logo: Option<Vec<u8>>,
    /// E.g. "CANCELLED", drawn prominently across every page.
    pub status_mark: Option<String>,
    pub notes: String,
}
