//! A statement of account (a customer's ledger for a period) as A4 PDF: the company and
//! the customer, the period, the opening balance, every entry with its running balance,
//! the closing balance. Built on the same strips and pagination as the tax documents;
//! the table head repeats on every page.

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

use super::layout::{
    draw_shaped, draw_strip, paginate, Align, Canvas, Section, Strip, Style, CONTENT_BOTTOM, GREY,
    MARGIN, PAGE_H, PAGE_W, RULE, SHADE,
};
use super::text::{Fonts, Weight};
use super::PdfError;
use crate::domain::format_indian;

const X0: f32 = MARGIN;
const X1: f32 = PAGE_W - MARGIN;
const ROW: f32 = 13.0;
const CELL: Style = Style::regular(7.5);
const CELL_BOLD: Style = Style::bold(7.5);

/// One entry of the statement.
#[derive(Debug, Clone)]
pub struct StatementEntry {
    pub date: String,
    pub voucher: String,
    pub particulars: String,
    pub debit_paise: i64,
    pub credit_paise: i64,
    /// Debit positive: the customer owes.
    pub balance_paise: i64,
}

#[derive(Debug, Clone)]
pub struct StatementDoc {
    pub company: String,
    pub company_lines: Vec<String>,
    pub party: String,
    pub party_lines: Vec<String>,
    pub from: String,
    pub to: String,
    pub opening_paise: i64,
    pub entries: Vec<StatementEntry>,
    pub closing_paise: i64,
}

/// `₹1,234.00 Dr`; a zero balance is `0.00`.
fn balance(paise: i64) -> String {
    match paise {
        0 => "0.00".into(),
        p if p > 0 => format!("{} Dr", format_indian(p)),
        p => format!("{} Cr", format_indian(-p)),
    }
}

fn amount(paise: i64) -> String {
    if paise == 0 {
        String::new()
    } else {
        format_indian(paise)
    }
}

/// Column right edges (amounts) and left edges (text).
const DATE_X: f32 = X0 + 4.0;
const VOUCHER_X: f32 = X0 + 62.0;
const PARTICULARS_X: f32 = X0 + 122.0;
const DEBIT_R: f32 = X1 - 170.0;
const CREDIT_R: f32 = X1 - 95.0;
const BALANCE_R: f32 = X1 - 4.0;

fn row(fonts: &Fonts, cells: [&str; 6], style: Style, shade: bool) -> Strip {
    let mut c = Canvas::new(fonts);
    if shade {
        c.rect(X0, 0.0, X1 - X0, ROW, Some(SHADE), None);
    }
    let baseline = ROW - 4.0;
    c.text(DATE_X, baseline, cells[0], style, Align::Left);
    c.text(VOUCHER_X, baseline, cells[1], style, Align::Left);
    let width = DEBIT_R - 60.0 - PARTICULARS_X;
    let text = fonts.wrap(cells[2], style.weight, style.size, width, 1);
    c.text(
        PARTICULARS_X,
        baseline,
        text.first().map(String::as_str).unwrap_or(""),
        style,
        Align::Left,
    );
    c.text(DEBIT_R, baseline, cells[3], style, Align::Right);
    c.text(CREDIT_R, baseline, cells[4], style, Align::Right);
    c.text(BALANCE_R, baseline, cells[5], style, Align::Right);
    c.line(X0, ROW, X1, ROW, 0.3, RULE);
    c.into_strip(ROW)
}

fn head(fonts: &Fonts, doc: &StatementDoc) -> Strip {
    let mut c = Canvas::new(fonts);
    let mut y = 0.0;
    c.text(X0, y + 14.0, &doc.company, Style::bold(13.0), Align::Left);
    c.text(
        X1,
        y + 14.0,
        "Statement of account",
        Style::bold(12.0),
        Align::Right,
    );
    y += 20.0;
    for l in &doc.company_lines {
        y += c.paragraph(X0, y, 260.0, l, Style::regular(8.0), Align::Left, 2);
    }
    let mut right = 20.0;
    right += c.paragraph(
        X1 - 220.0,
        right,
        220.0,
        &format!("Period: {} to {}", doc.from, doc.to),
        Style::regular(8.0),
        Align::Right,
        1,
    );
    y = y.max(right) + 10.0;
    c.text(
        X0,
        y + 9.0,
        "To",
        Style::regular(8.0).with_color(GREY),
        Align::Left,
    );
    y += 12.0;
    c.text(X0, y + 9.0, &doc.party, Style::bold(10.0), Align::Left);
    y += 14.0;
    for l in &doc.party_lines {
        y += c.paragraph(X0, y, 320.0, l, Style::regular(8.0), Align::Left, 2);
    }
    c.into_strip(y + 10.0)
}

fn table_head(fonts: &Fonts) -> Strip {
    let mut s = row(
        fonts,
        [
            "Date",
            "Voucher",
            "Particulars",
            "Debit (₹)",
            "Credit (₹)",
            "Balance (₹)",
        ],
        CELL_BOLD,
        true,
    );
    s.keep_with_next = true;
    s
}

/// Renders the statement as A4 PDF bytes.
pub fn render_statement(doc: &StatementDoc) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::get()?;
    let mut strips = vec![table_head(fonts)];
    strips.push(row(
        fonts,
        [
            &doc.from,
            "",
            "Opening balance",
            "",
            "",
            &balance(doc.opening_paise),
        ],
        CELL_BOLD,
        false,
    ));
    let (mut dr, mut cr) = (0i64, 0i64);
    for e in &doc.entries {
        dr += e.debit_paise;
        cr += e.credit_paise;
        strips.push(row(
            fonts,
            [
                &e.date,
                &e.voucher,
                &e.particulars,
                &amount(e.debit_paise),
                &amount(e.credit_paise),
                &balance(e.balance_paise),
            ],
            CELL,
            false,
        ));
    }
    strips.push(row(
        fonts,
        [
            "",
            "",
            "Total for the period",
            &format_indian(dr),
            &format_indian(cr),
            "",
        ],
        CELL_BOLD,
        false,
    ));
    strips.push(row(
        fonts,
        [
            &doc.to,
            "",
            "Closing balance",
            "",
            "",
            &balance(doc.closing_paise),
        ],
        CELL_BOLD,
        true,
    ));
    let sections = vec![
        Section {
            strips: vec![head(fonts, doc)],
            repeat: None,
        },
        Section {
            strips,
            repeat: Some(table_head(fonts)),
        },
    ];
    let continuation = {
        let mut c = Canvas::new(fonts);
        c.text(
            X0,
            10.0,
            &format!(
                "{} - statement of account, {} to {} (continued)",
                doc.party, doc.from, doc.to
            ),
            Style::regular(7.5).with_color(GREY),
            Align::Left,
        );
        c.into_strip(16.0)
    };
    let pages = paginate(&sections, &continuation);
    let count = pages.len();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Statement of account: {}", doc.party))
            .creator("BISMAN ERP".to_string()),
    );
    for (i, placed) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| PdfError::Write("invalid page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for p in placed {
            draw_strip(&mut surface, fonts, p.top, p.strip)?;
        }
        let footer = fonts.shape(&format!("Page {} of {count}", i + 1), Weight::Regular);
        let width = footer.width_em * 7.0;
        draw_shaped(
            &mut surface,
            fonts,
            X1 - width,
            CONTENT_BOTTOM + 16.0,
            7.0,
            GREY,
            &footer,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Write(e.to_string()))
}
