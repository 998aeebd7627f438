//! The tax document's page: what goes where (Rule 46 / Rule 53 particulars).

use std::collections::BTreeMap;

use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use qrcode::{Color as QrColor, EcLevel, QrCode};

use super::layout::{
    draw_shaped, draw_strip, draw_watermark, paginate, Align, Canvas, Op, Section, Strip, Style,
    CONTENT_BOTTOM, GREY, MARGIN, PAGE_H, PAGE_W, RED, RULE, SHADE,
};
use super::model::{PrintDoc, PrintLine, PrintParty};
use super::text::{Fonts, Weight};
use super::PdfError;
use crate::domain::{format_indian, rupees_in_words};

const X0: f32 = MARGIN;
const CW: f32 = PAGE_W - 2.0 * MARGIN;
const X1: f32 = X0 + CW;
/// Padding inside table cells, left and right, and top and bottom.
const PAD: f32 = 3.0;
const VPAD: f32 = 2.5;
const BODY: Style = Style::regular(8.0);
const BODY_BOLD: Style = Style::bold(8.0);
const CELL: Style = Style::regular(7.0);
const CELL_BOLD: Style = Style::bold(7.0);
const HEAD: Style = Style::bold(6.8);

/// Renders the document as A4 PDF bytes.
pub fn render(doc: &PrintDoc) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::get()?;
    let logo = doc.logo.as_deref().map(load_logo).transpose()?;
    let heads = TaxHeads::of(doc);

    let first = vec![header(fonts, doc, logo.as_ref()), parties(fonts, doc)?];
    let mut sections = vec![
        Section {
            strips: first,
            repeat: None,
        },
        line_table(fonts, &doc.lines, heads),
        summary(fonts, doc, heads)?,
        Section {
            strips: vec![amount_in_words(fonts, doc.totals.grand_total_paise)],
            repeat: None,
        },
    ];
    if let Some(declaration) = doc.declaration.as_deref().filter(|d| !d.trim().is_empty()) {
        sections.push(text_section(fonts, "Declaration", declaration));
    }
    if !doc.notes.trim().is_empty() {
        sections.push(text_section(fonts, "Notes", &doc.notes));
    }
    if !doc.terms.trim().is_empty() {
        sections.push(text_section(fonts, "Terms and conditions", &doc.terms));
    }
    sections.push(Section {
        strips: vec![closing_block(fonts, doc)?],
        repeat: None,
    });

    let continuation = continuation_header(fonts, doc);
    let pages = paginate(&sections, &continuation);
    let page_count = pages.len();

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.title, doc.number))
            .creator("BISMAN ERP".to_string()),
    );
    let status = doc
        .status_mark
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    for (index, placed) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| PdfError::Write("invalid page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        if let Some(mark) = status {
            draw_watermark(&mut surface, fonts, mark);
        }
        for p in placed {
            draw_strip(&mut surface, fonts, p.top, p.strip)?;
        }
        let footer_style = Style::regular(7.0).with_color(GREY);
        let baseline = CONTENT_BOTTOM + 16.0;
        let left = fonts.shape(&format!("{} {}", doc.title, doc.number), Weight::Regular);
        draw_shaped(
            &mut surface,
            fonts,
            X0,
            baseline,
            footer_style.size,
            GREY,
            &left,
        );
        let right = fonts.shape(
            &format!("Page {} of {}", index + 1, page_count),
            Weight::Regular,
        );
        let width = right.width_em * footer_style.size;
        draw_shaped(
            &mut surface,
            fonts,
            X1 - width,
            baseline,
            footer_style.size,
            GREY,
            &right,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Image(_, _, reason) => PdfError::Logo(reason),
        other => PdfError::Write(other.to_string()),
    })
}

/// Which tax heads the document prints: those with any amount, and else the one the
/// supply attracts (CGST + SGST within the supplier's state, IGST otherwise), so that
/// a zero-rated export still shows its IGST column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TaxHeads {
    cgst_sgst: bool,
    igst: bool,
}

impl TaxHeads {
    fn of(doc: &PrintDoc) -> Self {
        let t = &doc.totals;
        let any_cs = t.cgst_paise != 0
            || t.sgst_paise != 0
            || doc
                .lines
                .iter()
                .any(|l| l.cgst_paise != 0 || l.sgst_paise != 0);
        let any_i = t.igst_paise != 0 || doc.lines.iter().any(|l| l.igst_paise != 0);
        let intra = match (
            leading_number(&doc.place_of_supply),
            leading_number(&doc.seller.state_code),
        ) {
            (Some(pos), Some(seller)) => pos == seller,
            _ => false,
        };
        Self {
            cgst_sgst: any_cs || (!any_i && intra),
            igst: any_i || (!any_cs && !intra),
        }
    }
}

/// The number a text starts with ("29 - Karnataka" → 29).
fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// A rate in basis points as a percentage: 1800 → "18%", 25 → "0.25%".
fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    let (whole, frac) = (bp / 100, bp % 100);
    if frac == 0 {
        format!("{sign}{whole}%")
    } else {
        let frac = format!("{frac:02}");
        format!("{sign}{whole}.{}%", frac.trim_end_matches('0'))
    }
}

fn nonblank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The logo, checked to be a PNG or JPEG.
fn load_logo(bytes: &[u8]) -> Result<Image, PdfError> {
    let data: krilla::Data = bytes.to_vec().into();
    let image = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Image::from_png(data, true)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Image::from_jpeg(data, true)
    } else {
        return Err(PdfError::Logo("not a PNG or JPEG file".into()));
    };
    let image = image.map_err(PdfError::Logo)?;
    let (w, h) = image.size();
    if w == 0 || h == 0 {
        return Err(PdfError::Logo("the image has no pixels".into()));
    }
    Ok(image)
}

/// A QR code's modules, row by row.
struct Qr {
    width: usize,
    dark: Vec<bool>,
}

fn qr(data: &str, what: &'static str) -> Result<Qr, PdfError> {
    // Medium error correction where it fits a modest symbol, low for long payloads
    // (the e-invoice's signed QR) so that the modules stay large enough to scan.
    let level = if data.len() <= 400 {
        EcLevel::M
    } else {
        EcLevel::L
    };
    let code =
        QrCode::with_error_correction_level(data.as_bytes(), level).map_err(|e| PdfError::Qr {
            what,
            reason: e.to_string(),
        })?;
    Ok(Qr {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == QrColor::Dark)
            .collect(),
    })
}

/// Page 1's top: logo, supplier, title, copy, number and date.
fn header(fonts: &Fonts, doc: &PrintDoc, logo: Option<&Image>) -> Strip {
    let mut c = Canvas::new(fonts);
    let right_w = 200.0;
    let mut logo_h: f32 = 0.0;
    let mut left_x = X0;
    if let Some(image) = logo {
        let (w, h) = image.size();
        let (max_w, max_h) = (72.0_f32, 54.0_f32);
        let scale = (max_w / w as f32).min(max_h / h as f32);
        let (w, h) = (w as f32 * scale, h as f32 * scale);
        c.ops.push(Op::Image {
            x: X0,
            y: 0.0,
            w,
            h,
            image: image.clone(),
        });
        logo_h = h;
        left_x = X0 + w + 8.0;
    }
    let left_w = X1 - right_w - 12.0 - left_x;
    let s = &doc.seller;
    let mut y = 0.0;
    y += c.paragraph(
        left_x,
        y,
        left_w,
        &s.legal_name,
        Style::bold(12.5),
        Align::Left,
        2,
    );
    if let Some(trade) = nonblank(s.trade_name.as_deref()) {
        y += c.paragraph(
            left_x,
            y,
            left_w,
            trade,
            Style::bold(9.0).with_color(GREY),
            Align::Left,
            2,
        );
    }
    y += 2.0;
    y += c.paragraph(left_x, y, left_w, &s.address, BODY, Align::Left, 4);
    y += c.paragraph(left_x, y, left_w, &gstin_line(s), BODY_BOLD, Align::Left, 1);
    y += c.paragraph(left_x, y, left_w, &state_line(s), BODY, Align::Left, 1);
    if let Some(pan) = nonblank(s.pan.as_deref()) {
        y += c.paragraph(
            left_x,
            y,
            left_w,
            &format!("PAN: {pan}"),
            BODY,
            Align::Left,
            1,
        );
    }

    let rx = X1 - right_w;
    let mut ry = 0.0;
    ry += c.paragraph(
        rx,
        ry,
        right_w,
        &doc.title,
        Style::bold(16.0),
        Align::Right,
        2,
    );
    ry += c.paragraph(
        rx,
        ry,
        right_w,
        doc.copy.text(),
        Style::regular(8.0).with_color(GREY),
        Align::Right,
        1,
    );
    ry += 4.0;
    ry += c.paragraph(
        rx,
        ry,
        right_w,
        &format!("No.: {}", doc.number),
        Style::bold(9.5),
        Align::Right,
        2,
    );
    ry += c.paragraph(
        rx,
        ry,
        right_w,
        &format!("Date: {}", doc.date),
        Style::regular(9.0),
        Align::Right,
        1,
    );
    if let Some(due) = nonblank(doc.due_date.as_deref()) {
        ry += c.paragraph(
            rx,
            ry,
            right_w,
            &format!("Due date: {due}"),
            Style::regular(9.0),
            Align::Right,
            1,
        );
    }
    if let Some(mark) = nonblank(doc.status_mark.as_deref()) {
        ry += 2.0;
        ry += c.paragraph(
            rx,
            ry,
            right_w,
            mark,
            Style::bold(12.0).with_color(RED),
            Align::Right,
            2,
        );
    }
    let height = y.max(ry).max(logo_h) + 6.0;
    c.line(X0, height - 2.0, X1, height - 2.0, 1.0, RULE);
    c.into_strip(height + 4.0)
}

fn gstin_line(p: &PrintParty) -> String {
    match nonblank(p.gstin.as_deref()) {
        Some(gstin) => format!("GSTIN: {gstin}"),
        None => "GSTIN: Unregistered".to_string(),
    }
}

fn state_line(p: &PrintParty) -> String {
    format!(
        "State: {}, Code: {}",
        p.state_name.trim(),
        p.state_code.trim()
    )
}

/// The recipient and the supply: place of supply, reverse charge, the amended invoice,
/// and the e-invoice's IRN with its signed QR code in a third column when there is one.
fn parties(fonts: &Fonts, doc: &PrintDoc) -> Result<Strip, PdfError> {
    let mut c = Canvas::new(fonts);
    let bar = 13.0;
    let irn_qr = match &doc.irn {
        Some(irn) => Some(qr(&irn.signed_qr, "the e-invoice")?),
        None => None,
    };
    // The QR column: modules of at least 1.1 pt (2.3 px at 150 dpi), a quiet zone of
    // four modules around the symbol.
    let qr_geometry = irn_qr.as_ref().map(|code| {
        let module = (112.0 / code.width as f32).clamp(1.1, 2.0);
        let side = module * code.width as f32;
        (module, side, 4.0 * module)
    });
    let qr_w = qr_geometry.map_or(0.0, |(_, side, quiet)| side + 2.0 * quiet);
    let split = X0
        + if irn_qr.is_some() {
            CW * 0.42
        } else {
            CW * 0.56
        };
    let qr_x = X1 - qr_w;

    c.rect(X0, 0.0, CW, bar, Some(SHADE), None);
    let heading = |c: &mut Canvas, x: f32, text: &str| {
        c.text(x + 5.0, 9.3, text, BODY_BOLD, Align::Left);
    };
    heading(&mut c, X0, "Details of recipient (billed to)");
    heading(&mut c, split, "Details of supply");

    let b = &doc.buyer;
    let (lx, lw) = (X0 + 5.0, split - X0 - 10.0);
    let mut y = bar + 4.0;
    y += c.paragraph(lx, y, lw, &b.legal_name, Style::bold(9.0), Align::Left, 2);
    if let Some(trade) = nonblank(b.trade_name.as_deref()) {
        y += c.paragraph(lx, y, lw, trade, BODY, Align::Left, 2);
    }
    y += c.paragraph(lx, y, lw, &b.address, BODY, Align::Left, 4);
    y += c.paragraph(lx, y, lw, &gstin_line(b), BODY_BOLD, Align::Left, 1);
    y += c.paragraph(lx, y, lw, &state_line(b), BODY, Align::Left, 1);
    if let Some(pan) = nonblank(b.pan.as_deref()) {
        y += c.paragraph(lx, y, lw, &format!("PAN: {pan}"), BODY, Align::Left, 1);
    }

    let (rx, rw) = (split + 5.0, qr_x - split - 10.0);
    let mut ry = bar + 4.0;
    let mut line = |c: &mut Canvas, text: &str, style: Style, max_lines: usize| {
        ry += c.paragraph(rx, ry, rw, text, style, Align::Left, max_lines);
    };
    let place = format!("Place of Supply: {}", doc.place_of_supply.trim());
    line(&mut c, &place, BODY_BOLD, 2);
    let reverse = if doc.reverse_charge { "Yes" } else { "No" };
    line(
        &mut c,
        &format!("Tax payable on reverse charge: {reverse}"),
        BODY,
        2,
    );
    if let Some((number, date)) = &doc.original_invoice {
        let text = format!("Original invoice: {} dated {}", number.trim(), date.trim());
        line(&mut c, &text, BODY, 2);
    }
    if let Some(reason) = nonblank(doc.reason.as_deref()) {
        line(&mut c, &format!("Reason: {reason}"), BODY, 4);
    }
    if let Some(irn) = &doc.irn {
        line(&mut c, "", BODY, 1);
        line(&mut c, "e-Invoice", BODY_BOLD, 1);
        line(&mut c, &format!("IRN: {}", irn.irn.trim()), BODY, 3);
        line(&mut c, &format!("Ack No.: {}", irn.ack_no.trim()), BODY, 1);
        line(
            &mut c,
            &format!("Ack Date: {}", irn.ack_date.trim()),
            BODY,
            1,
        );
    }

    let mut height = y.max(ry) + 4.0;
    if let (Some(code), Some((module, side, quiet))) = (irn_qr, qr_geometry) {
        heading(&mut c, qr_x, "e-Invoice QR code");
        height = height.max(bar + side + 2.0 * quiet);
        c.ops.push(Op::Qr {
            x: qr_x + quiet,
            y: bar + (height - bar - side) / 2.0,
            module,
            width: code.width,
            dark: code.dark,
        });
        c.line(qr_x, 0.0, qr_x, height, 0.6, RULE);
    }
    c.rect(X0, 0.0, CW, height, None, Some((RULE, 0.6)));
    c.line(split, 0.0, split, height, 0.6, RULE);
    Ok(c.into_strip(height + 6.0))
}

/// A table column: heading, width and alignment.
struct Col {
    title: &'static str,
    width: f32,
    align: Align,
}

fn col(title: &'static str, width: f32, align: Align) -> Col {
    Col {
        title,
        width,
        align,
    }
}

/// A table row: cells wrapped in their columns, vertical rules between them.
#[allow(clippy::too_many_arguments)]
fn table_row(
    fonts: &Fonts,
    x: f32,
    cols: &[Col],
    cells: &[String],
    style: Style,
    fill: Option<(u8, u8, u8)>,
    max_lines: usize,
    min_height: f32,
) -> Strip {
    let mut c = Canvas::new(fonts);
    let mut wrapped = Vec::with_capacity(cols.len());
    for (col, cell) in cols.iter().zip(cells) {
        wrapped.push(fonts.wrap(
            cell,
            style.weight,
            style.size,
            col.width - 2.0 * PAD,
            max_lines,
        ));
    }
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let height = (lines as f32 * style.line_height() + 2.0 * VPAD).max(min_height);
    let width: f32 = cols.iter().map(|c| c.width).sum();
    c.rect(x, 0.0, width, height, fill, Some((RULE, 0.5)));
    let mut cx = x;
    for (i, (col, cell_lines)) in cols.iter().zip(&wrapped).enumerate() {
        if i > 0 {
            c.line(cx, 0.0, cx, height, 0.5, RULE);
        }
        let anchor = match col.align {
            Align::Left => cx + PAD,
            Align::Right => cx + col.width - PAD,
            Align::Center => cx + col.width / 2.0,
        };
        for (n, line) in cell_lines.iter().enumerate() {
            let baseline = VPAD + style.ascent() + n as f32 * style.line_height();
            c.text(anchor, baseline, line, style, col.align);
        }
        cx += col.width;
    }
    c.into_strip(height)
}

/// The line items: one strip per line, the heads repeated on every page.
fn line_table(fonts: &Fonts, lines: &[PrintLine], heads: TaxHeads) -> Section {
    let mut cols = vec![
        col("#", 16.0, Align::Center),
        col("Description", 0.0, Align::Left),
        col("HSN/SAC", 42.0, Align::Left),
        col("Qty", 44.0, Align::Right),
        col("Rate (₹)", 50.0, Align::Right),
        col("Discount (₹)", 44.0, Align::Right),
        col("Taxable value (₹)", 56.0, Align::Right),
        col("GST %", 28.0, Align::Right),
    ];
    if heads.cgst_sgst {
        cols.push(col("CGST (₹)", 48.0, Align::Right));
        cols.push(col("SGST (₹)", 48.0, Align::Right));
    }
    if heads.igst {
        cols.push(col("IGST (₹)", 52.0, Align::Right));
    }
    let fixed: f32 = cols.iter().map(|c| c.width).sum();
    cols[1].width = CW - fixed;

    let titles: Vec<String> = cols.iter().map(|c| c.title.to_string()).collect();
    let mut head = table_row(fonts, X0, &cols, &titles, HEAD, Some(SHADE), 3, 0.0);
    head.keep_with_next = true;
    let mut strips = vec![head.clone()];
    for line in lines {
        let mut cells = vec![
            line.line_no.to_string(),
            line.description.clone(),
            line.hsn_sac.clone(),
            format!("{} {}", line.quantity.trim(), line.unit.trim()),
            format_indian(line.unit_price_paise),
            format_indian(line.discount_paise),
            format_indian(line.taxable_paise),
            percent(line.gst_rate_bp),
        ];
        if heads.cgst_sgst {
            cells.push(format_indian(line.cgst_paise));
            cells.push(format_indian(line.sgst_paise));
        }
        if heads.igst {
            cells.push(format_indian(line.igst_paise));
        }
        strips.push(table_row(fonts, X0, &cols, &cells, CELL, None, 30, 0.0));
    }
    Section {
        strips,
        repeat: Some(head),
    }
}

/// Taxable value and tax per HSN/SAC and rate.
#[derive(Debug, Default, Clone, Copy)]
struct HsnSums {
    taxable: i64,
    cgst: i64,
    sgst: i64,
    igst: i64,
}

fn add(a: i64, b: i64) -> Result<i64, PdfError> {
    a.checked_add(b).ok_or(PdfError::Overflow)
}

fn hsn_summary(lines: &[PrintLine]) -> Result<BTreeMap<(String, i64), HsnSums>, PdfError> {
    let mut groups: BTreeMap<(String, i64), HsnSums> = BTreeMap::new();
    for line in lines {
        let sums = groups
            .entry((line.hsn_sac.trim().to_string(), line.gst_rate_bp))
            .or_default();
        sums.taxable = add(sums.taxable, line.taxable_paise)?;
        sums.cgst = add(sums.cgst, line.cgst_paise)?;
        sums.sgst = add(sums.sgst, line.sgst_paise)?;
        sums.igst = add(sums.igst, line.igst_paise)?;
    }
    Ok(groups)
}

/// The HSN/SAC summary on the left and the totals on the right, side by side, one
/// strip per row so that a long summary flows onto the next page.
fn summary(fonts: &Fonts, doc: &PrintDoc, heads: TaxHeads) -> Result<Section, PdfError> {
    let left_w = 322.0;
    let right_x = X0 + left_w + 14.0;
    let right_w = X1 - right_x;
    let row_h = 13.0;

    // HSN/SAC columns, scaled to the left block.
    let mut cols = vec![
        col("HSN/SAC", 1.1, Align::Left),
        col("GST %", 0.65, Align::Right),
        col("Taxable value (₹)", 1.35, Align::Right),
    ];
    if heads.cgst_sgst {
        cols.push(col("CGST (₹)", 1.15, Align::Right));
        cols.push(col("SGST (₹)", 1.15, Align::Right));
    }
    if heads.igst {
        cols.push(col("IGST (₹)", 1.15, Align::Right));
    }
    cols.push(col("Total tax (₹)", 1.2, Align::Right));
    let weight: f32 = cols.iter().map(|c| c.width).sum();
    for c in &mut cols {
        c.width *= left_w / weight;
    }

    let caption = |c: &mut Canvas, totals: bool| {
        c.text(X0, 14.0, "HSN/SAC summary", Style::bold(7.5), Align::Left);
        if totals {
            c.text(right_x, 14.0, "Totals", Style::bold(7.5), Align::Left);
        }
    };
    let titles: Vec<String> = cols.iter().map(|c| c.title.to_string()).collect();
    let head_row = table_row(fonts, X0, &cols, &titles, HEAD, Some(SHADE), 3, 0.0);
    let with_caption = |totals: bool| {
        let mut c = Canvas::new(fonts);
        caption(&mut c, totals);
        let mut strip = c.into_strip(17.0 + head_row.height);
        for op in &head_row.ops {
            strip.ops.push(shift(op, 17.0));
        }
        strip.keep_with_next = true;
        strip
    };

    // The totals, right.
    let t = &doc.totals;
    let mut right_rows: Vec<(String, String, bool)> = vec![(
        "Taxable value".into(),
        format_indian(t.taxable_paise),
        false,
    )];
    if heads.cgst_sgst {
        right_rows.push(("CGST".into(), format_indian(t.cgst_paise), false));
        right_rows.push(("SGST".into(), format_indian(t.sgst_paise), false));
    }
    if heads.igst {
        right_rows.push(("IGST".into(), format_indian(t.igst_paise), false));
    }
    right_rows.push(("Round off".into(), format_indian(t.round_off_paise), false));
    right_rows.push((
        "Grand total".into(),
        format!("₹ {}", format_indian(t.grand_total_paise)),
        true,
    ));

    let grand_row = right_rows.len() - 1;
    let min_h = |i: usize| if i == grand_row { 17.0 } else { row_h };
    let mut left_rows: Vec<Strip> = Vec::new();
    let (mut total_taxable, mut total_tax) = (0_i64, 0_i64);
    for ((hsn, rate), sums) in hsn_summary(&doc.lines)? {
        let tax = add(add(sums.cgst, sums.sgst)?, sums.igst)?;
        total_taxable = add(total_taxable, sums.taxable)?;
        total_tax = add(total_tax, tax)?;
        let mut cells = vec![hsn, percent(rate), format_indian(sums.taxable)];
        if heads.cgst_sgst {
            cells.push(format_indian(sums.cgst));
            cells.push(format_indian(sums.sgst));
        }
        if heads.igst {
            cells.push(format_indian(sums.igst));
        }
        cells.push(format_indian(tax));
        let h = min_h(left_rows.len());
        left_rows.push(table_row(fonts, X0, &cols, &cells, CELL, None, 3, h));
    }
    let mut total_cells = vec![
        "Total".to_string(),
        String::new(),
        format_indian(total_taxable),
    ];
    if heads.cgst_sgst {
        total_cells.push(format_indian(t.cgst_paise));
        total_cells.push(format_indian(t.sgst_paise));
    }
    if heads.igst {
        total_cells.push(format_indian(t.igst_paise));
    }
    total_cells.push(format_indian(total_tax));
    let h = min_h(left_rows.len());
    left_rows.push(table_row(
        fonts,
        X0,
        &cols,
        &total_cells,
        CELL_BOLD,
        None,
        3,
        h,
    ));

    let mut strips = vec![with_caption(true)];
    let count = left_rows.len().max(right_rows.len());
    for i in 0..count {
        let left = left_rows.get(i);
        let right = right_rows.get(i);
        let height = left.map(|s| s.height).unwrap_or(row_h).max(min_h(i));
        let mut c = Canvas::new(fonts);
        if let Some(strip) = left {
            c.ops.extend(strip.ops.iter().cloned());
        }
        if let Some((label, value, grand)) = right {
            let style = if *grand { Style::bold(9.5) } else { CELL };
            let fill = grand.then_some(SHADE);
            c.rect(right_x, 0.0, right_w, height, fill, Some((RULE, 0.5)));
            let baseline = (height + style.size * 0.7) / 2.0;
            c.text(right_x + PAD + 1.0, baseline, label, style, Align::Left);
            c.text(X1 - PAD - 1.0, baseline, value, style, Align::Right);
        }
        strips.push(c.into_strip(height));
    }
    Ok(Section {
        strips,
        repeat: Some(with_caption(false)),
    })
}

/// An op moved down by `dy`.
fn shift(op: &Op, dy: f32) -> Op {
    let mut op = op.clone();
    match &mut op {
        Op::Text { baseline, .. } => *baseline += dy,
        Op::Rect { y, .. } | Op::Image { y, .. } | Op::Qr { y, .. } => *y += dy,
        Op::Line { y1, y2, .. } => {
            *y1 += dy;
            *y2 += dy;
        }
    }
    op
}

fn amount_in_words(fonts: &Fonts, grand_total_paise: i64) -> Strip {
    let mut c = Canvas::new(fonts);
    let text = format!("Amount in words: {}", rupees_in_words(grand_total_paise));
    let h = c.paragraph(X0, 6.0, CW, &text, Style::bold(8.5), Align::Left, 3);
    c.into_strip(h + 10.0)
}

/// A heading and a paragraph, one strip per line so that long text flows on.
fn text_section(fonts: &Fonts, heading: &str, text: &str) -> Section {
    let mut c = Canvas::new(fonts);
    c.text(
        X0,
        4.0 + Style::bold(7.5).ascent(),
        heading,
        Style::bold(7.5),
        Align::Left,
    );
    let mut head = c.into_strip(4.0 + Style::bold(7.5).line_height());
    head.keep_with_next = true;
    let style = Style::regular(7.5);
    let mut strips = vec![head];
    for line in fonts.wrap(text.trim(), style.weight, style.size, CW, 400) {
        let mut c = Canvas::new(fonts);
        c.text(X0, style.ascent(), &line, style, Align::Left);
        strips.push(c.into_strip(style.line_height()));
    }
    Section {
        strips,
        repeat: None,
    }
}

/// The UPI amount (`am=` in rupees) in paise.
fn upi_amount(uri: &str) -> Option<i64> {
    let query = uri.split_once('?')?.1;
    let value = query.split('&').find_map(|kv| kv.strip_prefix("am="))?;
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 13 || frac.len() > 2 || !digits(int) || !digits(frac) {
        return None;
    }
    let rupees: i64 = int.parse().ok()?;
    let paise: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    rupees.checked_mul(100)?.checked_add(paise)
}

/// The last block: bank details, the UPI QR code, the signature.
fn closing_block(fonts: &Fonts, doc: &PrintDoc) -> Result<Strip, PdfError> {
    let mut c = Canvas::new(fonts);
    let top = 8.0;
    let mut left_h: f32 = 0.0;
    let bank_w = 190.0;
    if let Some(bank) = &doc.bank {
        let mut y = top;
        y += c.paragraph(X0, y, bank_w, "Bank details", BODY_BOLD, Align::Left, 1);
        y += c.paragraph(
            X0,
            y,
            bank_w,
            &format!("Bank: {}", bank.bank_name.trim()),
            BODY,
            Align::Left,
            2,
        );
        y += c.paragraph(
            X0,
            y,
            bank_w,
            &format!("A/c No.: {}", bank.account_number.trim()),
            BODY,
            Align::Left,
            1,
        );
        y += c.paragraph(
            X0,
            y,
            bank_w,
            &format!("IFSC: {}", bank.ifsc.trim()),
            BODY,
            Align::Left,
            1,
        );
        left_h = y;
    }

    let mut mid_h: f32 = 0.0;
    if let Some(uri) = nonblank(doc.upi_uri.as_deref()) {
        let code = qr(uri, "the UPI payment")?;
        let module = (72.0 / code.width as f32).clamp(1.2, 2.5);
        let side = module * code.width as f32;
        let quiet = 4.0 * module;
        let mid_w = 150.0;
        let mid_x = X0 + bank_w + 10.0;
        let qx = mid_x + (mid_w - side) / 2.0;
        c.ops.push(Op::Qr {
            x: qx,
            y: top + quiet,
            module,
            width: code.width,
            dark: code.dark,
        });
        let caption = match upi_amount(uri) {
            Some(paise) => format!("Scan to pay ₹{}", format_indian(paise)),
            None => "Scan to pay".to_string(),
        };
        let y = top + side + 2.0 * quiet;
        let h = c.paragraph(
            mid_x,
            y - quiet / 2.0,
            mid_w,
            &caption,
            BODY_BOLD,
            Align::Center,
            2,
        );
        mid_h = y - quiet / 2.0 + h;
    }

    let sig_w = 170.0;
    let sx = X1 - sig_w;
    let mut y = top;
    y += c.paragraph(
        sx,
        y,
        sig_w,
        &format!("For {}", doc.seller.legal_name.trim()),
        BODY_BOLD,
        Align::Right,
        2,
    );
    y += 34.0;
    c.line(sx + 30.0, y, X1, y, 0.6, RULE);
    y += 2.0;
    y += c.paragraph(sx, y, sig_w, "Authorised signatory", BODY, Align::Right, 1);

    let height = left_h.max(mid_h).max(y) + 4.0;
    c.line(X0, 2.0, X1, 2.0, 0.6, RULE);
    Ok(c.into_strip(height))
}

/// The top of every page after the first.
fn continuation_header(fonts: &Fonts, doc: &PrintDoc) -> Strip {
    let mut c = Canvas::new(fonts);
    let style = Style::bold(9.0);
    let seller_w = CW * 0.5;
    let lines = fonts.wrap(
        &doc.seller.legal_name,
        style.weight,
        style.size,
        seller_w,
        1,
    );
    let name = lines.first().map(String::as_str).unwrap_or_default();
    c.text(X0, style.ascent(), name, style, Align::Left);
    let right = format!(
        "{} {} dated {} (continued)",
        doc.title, doc.number, doc.date
    );
    let right_lines = fonts.wrap(&right, Weight::Regular, 8.0, CW * 0.48, 1);
    c.text(
        X1,
        style.ascent(),
        right_lines.first().map(String::as_str).unwrap_or_default(),
        BODY,
        Align::Right,
    );
    c.line(X0, 16.0, X1, 16.0, 0.8, RULE);
    c.into_strip(22.0)
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(percent(1800), "18%");
        assert_eq!(percent(25), "0.25%");
        assert_eq!(percent(150), "1.5%");
        assert_eq!(percent(0), "0%");
        assert_eq!(percent(-1800), "-18%");
    }

    #[test]
    fn upi_amounts() {
        assert_eq!(
            upi_amount("upi://pay?pa=a@b&am=1234.5&cu=INR"),
            Some(123_450)
        );
        assert_eq!(upi_amount("upi://pay?am=10&pa=x"), Some(1_000));
        assert_eq!(upi_amount("upi://pay?am=0.05"), Some(5));
        assert_eq!(upi_amount("upi://pay?pa=a@b"), None);
        assert_eq!(upi_amount("upi://pay?am=1e5"), None);
        assert_eq!(upi_amount("upi://pay?am=1.234"), None);
        assert_eq!(upi_amount("upi://pay?am=-5"), None);
    }

    #[test]
    fn place_of_supply_code() {
        assert_eq!(leading_number("29 - Karnataka"), Some(29));
        assert_eq!(leading_number(" 07-Delhi"), Some(7));
        assert_eq!(leading_number("Karnataka"), None);
    }
}
