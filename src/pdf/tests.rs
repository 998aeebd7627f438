//! Renders documents and reads them back with poppler (`pdftotext`, `pdfinfo`,
//! `pdftoppm`) and zbar (`zbarimg`). The tools come from `scripts/test-deps.sh`; a
//! missing tool fails the test, it does not skip it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use base64::Engine as _;

use super::*;
use crate::domain::{format_indian, rupees_in_words};

const UPI: &str =
    "upi://pay?pa=kesarfoods@okhdfc&pn=Kesar%20Foods&am=283082.00&tn=KF%2F25-26%2F0042&cu=INR";
const LUT: &str = "Supply meant for export / supply to SEZ unit or SEZ developer for authorised operations under bond or letter of undertaking without payment of integrated tax";

fn seller() -> PrintParty {
    PrintParty {
        legal_name: "Kesar Foods Private Limited".into(),
        trade_name: Some("केसर फूड्स".into()),
        address: "No. 14, 2nd Cross, Peenya Industrial Area\nBengaluru 560058".into(),
        gstin: Some("29AAGCK1234M1Z5".into()),
        state_code: "29".into(),
        state_name: "Karnataka".into(),
        pan: Some("AAGCK1234M".into()),
    }
}

fn buyer() -> PrintParty {
    PrintParty {
        legal_name: "Annapurna Retail LLP".into(),
        trade_name: Some("Annapurna Stores".into()),
        address: "45 MG Road, Mysuru 570001".into(),
        gstin: Some("29AAFFA9876Q1Z3".into()),
        state_code: "29".into(),
        state_name: "Karnataka".into(),
        pan: None,
    }
}

const HSNS: [&str; 5] = ["0910", "1006", "0902", "2106", "9985"];

/// A sale within Karnataka: line i sells 2 units at ₹1,000 × i at 18% (line 1 with a
/// ₹100 discount). Taxable ₹2,39,900.00, CGST = SGST = ₹21,591.00, total ₹2,83,082.00.
fn intra_invoice(lines: usize) -> PrintDoc {
    let mut doc_lines = Vec::new();
    let mut totals = PrintTotals::default();
    for i in 1..=lines as i64 {
        let price = 100_000 * i;
        let discount = if i == 1 { 10_000 } else { 0 };
        let taxable = 2 * price - discount;
        let half = taxable * 900 / 10_000;
        totals.taxable_paise += taxable;
        totals.cgst_paise += half;
        totals.sgst_paise += half;
        doc_lines.push(PrintLine {
            line_no: i,
            description: format!("Kashmiri saffron grade A{i}, 1 g tins"),
            hsn_sac: HSNS[(i as usize - 1) % HSNS.len()].into(),
            quantity: "2".into(),
            unit: "NOS".into(),
            unit_price_paise: price,
            discount_paise: discount,
            taxable_paise: taxable,
            gst_rate_bp: 1800,
            cgst_paise: half,
            sgst_paise: half,
            igst_paise: 0,
        });
    }
    totals.grand_total_paise = totals.taxable_paise + totals.cgst_paise + totals.sgst_paise;
    PrintDoc {
        title: "Tax Invoice".into(),
        copy: CopyLabel::Original,
        number: "KF/25-26/0042".into(),
        date: "03-12-2026".into(),
        due_date: Some("02-01-2027".into()),
        original_invoice: None,
        reason: None,
        seller: seller(),
        buyer: buyer(),
        place_of_supply: "29 - Karnataka".into(),
        reverse_charge: false,
        lines: doc_lines,
        totals,
        declaration: None,
        bank: Some(PrintBank {
            account_number: "50200012345678".into(),
            ifsc: "HDFC0001234".into(),
            bank_name: "HDFC Bank, Peenya".into(),
        }),
        upi_uri: Some(UPI.into()),
        irn: None,
        terms: "Goods once sold will not be taken back. Interest at 18% p.a. on payments after the due date. Subject to Bengaluru jurisdiction.".into(),
        logo: Some(png_1x1()),
        status_mark: None,
        notes: "Thank you for your business.".into(),
    }
}

/// A signed-QR-like payload of e-invoice size (a JWT of about 900 characters).
fn signed_qr() -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"RS256","kid":"B05BB9F1D2B1","typ":"JWT"}"#);
    let body = b64.encode(
        br#"{"data":"{\"SellerGstin\":\"29AAGCK1234M1Z5\",\"BuyerGstin\":\"URP\",\"DocNo\":\"KF/25-26/0043\",\"DocTyp\":\"INV\",\"DocDt\":\"03/12/2026\",\"TotInvVal\":150000.00,\"ItemCnt\":3,\"MainHsnCode\":\"0910\",\"Irn\":\"8f4c3a1e0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f\",\"IrnDt\":\"2026-12-03 11:45:00\"}","iss":"NIC"}"#,
    );
    let signature = b64.encode([0x5a_u8; 256]);
    format!("{header}.{body}.{signature}")
}

/// A zero-rated export under LUT: three lines, IGST head, no tax, with an IRN.
fn export_invoice() -> PrintDoc {
    let mut doc = intra_invoice(3);
    doc.number = "KF/25-26/0043".into();
    doc.buyer = PrintParty {
        legal_name: "Saffron Trading FZE".into(),
        trade_name: None,
        address: "Plot 7, Jebel Ali Free Zone, Dubai, United Arab Emirates".into(),
        gstin: None,
        state_code: "96".into(),
        state_name: "Other Country".into(),
        pan: None,
    };
    doc.place_of_supply = "96 - Other Country".into();
    let mut totals = PrintTotals::default();
    for (i, line) in doc.lines.iter_mut().enumerate() {
        line.taxable_paise = 5_000_000 * (i as i64 + 1);
        line.unit_price_paise = line.taxable_paise / 2;
        line.discount_paise = 0;
        line.cgst_paise = 0;
        line.sgst_paise = 0;
        line.igst_paise = 0;
        totals.taxable_paise += line.taxable_paise;
    }
    totals.grand_total_paise = totals.taxable_paise;
    doc.totals = totals;
    doc.declaration = Some(LUT.into());
    doc.upi_uri = None;
    doc.irn = Some(PrintIrn {
        irn: "8f4c3a1e0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f".into(),
        ack_no: "112610123456789".into(),
        ack_date: "03-12-2026 11:45".into(),
        signed_qr: signed_qr(),
    });
    doc
}

fn png_1x1() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
        .unwrap()
}

/// Runs a tool, failing the test with a hint when it is not installed.
fn run(tool: &str, args: &[&str]) -> String {
    let output = match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(e) => panic!("cannot run {tool} ({e}): install it with scripts/test-deps.sh (poppler-utils, zbar-tools)"),
    };
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Renders into a file in a fresh directory (copied into `$BISMAN_PDF_KEEP`, when set,
/// as `<number>.pdf` to look at).
fn write_pdf(doc: &PrintDoc) -> (tempfile::TempDir, PathBuf) {
    let bytes = render(doc).expect("renders");
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, &bytes).unwrap();
    if let Some(keep) = std::env::var_os("BISMAN_PDF_KEEP") {
        let name = format!("{}-{}.pdf", doc.number.replace('/', "_"), doc.lines.len());
        std::fs::write(Path::new(&keep).join(name), &bytes).unwrap();
    }
    (dir, path)
}

fn text_of(pdf: &Path) -> String {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

fn pages_of(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// The QR codes zbarimg finds on page `page` rendered at 150 dpi.
fn qr_codes(dir: &Path, pdf: &Path, page: usize) -> Vec<String> {
    let prefix = dir.join(format!("page{page}"));
    let n = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = prefix.with_extension("png");
    let out = run("zbarimg", &["--raw", "-q", png.to_str().unwrap()]);
    out.lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
}

#[test]
fn fifteen_line_intra_state_invoice_fits_one_page_with_every_particular() {
    let doc = intra_invoice(15);
    let (dir, pdf) = write_pdf(&doc);
    assert_eq!(pages_of(&pdf), 1);
    let text = text_of(&pdf);
    for needle in [
        "Kesar Foods Private Limited",
        "केसर फूड्स",
        "Peenya Industrial Area",
        "GSTIN: 29AAGCK1234M1Z5",
        "State: Karnataka, Code: 29",
        "PAN: AAGCK1234M",
        "Tax Invoice",
        "Original for recipient",
        "KF/25-26/0042",
        "03-12-2026",
        "02-01-2027",
        "Annapurna Retail LLP",
        "Annapurna Stores",
        "45 MG Road, Mysuru 570001",
        "GSTIN: 29AAFFA9876Q1Z3",
        "Place of Supply: 29 - Karnataka",
        "Tax payable on reverse charge: No",
        "HSN/SAC",
        "CGST",
        "SGST",
        "18%",
        "2 NOS",
        "15,000.00",
        "Kashmiri saffron grade A15",
        // Totals: taxable, each tax, round off, grand total with ₹.
        "2,39,900.00",
        "21,591.00",
        "Round off",
        "₹ 2,83,082.00",
        "Amount in words: Rupees Two Lakh Eighty-Three Thousand Eighty-Two Only",
        "HSN/SAC summary",
        "Bank details",
        "A/c No.: 50200012345678",
        "IFSC: HDFC0001234",
        "Scan to pay ₹2,83,082.00",
        "Terms and conditions",
        "Subject to Bengaluru jurisdiction",
        "Thank you for your business.",
        "For Kesar Foods Private Limited",
        "Authorised signatory",
        "Page 1 of 1",
    ] {
        assert_contains(&text, needle);
    }
    for hsn in HSNS {
        assert_contains(&text, hsn);
    }
    // Within the state: no IGST column.
    assert!(!text.contains("IGST"), "{text}");
    assert_eq!(
        rupees_in_words(doc.totals.grand_total_paise),
        "Rupees Two Lakh Eighty-Three Thousand Eighty-Two Only"
    );
    assert_eq!(format_indian(doc.totals.cgst_paise), "21,591.00");
    assert_eq!(qr_codes(dir.path(), &pdf, 1), vec![UPI.to_string()]);
}

#[test]
fn export_under_lut_shows_igst_declaration_and_irn_qr() {
    let doc = export_invoice();
    let (dir, pdf) = write_pdf(&doc);
    assert_eq!(pages_of(&pdf), 1);
    let text = text_of(&pdf);
    for needle in [
        "Saffron Trading FZE",
        "GSTIN: Unregistered",
        "State: Other Country, Code: 96",
        "Place of Supply: 96 - Other Country",
        "IGST",
        "1,50,000.00",
        "₹ 3,00,000.00",
        "Amount in words: Rupees Three Lakh Only",
        "Declaration",
        "Supply meant for export / supply to SEZ unit or SEZ developer",
        "letter of undertaking without payment of",
        "integrated tax",
        "Ack No.: 112610123456789",
        "Ack Date: 03-12-2026 11:45",
        "0910",
        "1006",
        "0902",
    ] {
        assert_contains(&text, needle);
    }
    // The IRN wraps in its column.
    let squashed: String = text.split_whitespace().collect();
    assert_contains(
        &squashed,
        "IRN:8f4c3a1e0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
    );
    // Zero-rated inter-state supply: the IGST head, no CGST/SGST columns.
    assert!(!text.contains("CGST"), "{text}");
    assert!(!text.contains("SGST"), "{text}");
    assert!(!text.contains("Scan to pay"), "{text}");
    assert_eq!(qr_codes(dir.path(), &pdf, 1), vec![signed_qr()]);
}

#[test]
fn irn_and_upi_qr_codes_both_scan_on_a_full_page() {
    let mut doc = intra_invoice(15);
    doc.irn = export_invoice().irn;
    let (dir, pdf) = write_pdf(&doc);
    assert_eq!(
        pages_of(&pdf),
        1,
        "15 lines with the e-invoice block still fit"
    );
    let mut codes = qr_codes(dir.path(), &pdf, 1);
    codes.sort();
    let mut expected = vec![UPI.to_string(), signed_qr()];
    expected.sort();
    assert_eq!(codes, expected);
}

#[test]
fn forty_lines_flow_onto_more_pages_with_the_heads_repeated() {
    let doc = intra_invoice(40);
    let (_dir, pdf) = write_pdf(&doc);
    let pages = pages_of(&pdf);
    assert!(pages >= 2, "{pages} pages");
    let text = text_of(&pdf);
    for i in 1..=40 {
        assert_contains(&text, &format!("Kashmiri saffron grade A{i},"));
    }
    assert_contains(&text, "(continued)");
    assert_contains(&text, &format!("Page {pages} of {pages}"));
    assert_contains(
        &text,
        &format!("₹ {}", format_indian(doc.totals.grand_total_paise)),
    );

    // A table longer than a page repeats its heads on the next one.
    let doc = intra_invoice(90);
    let (_dir, pdf) = write_pdf(&doc);
    let pages = pages_of(&pdf);
    assert!(pages >= 3, "{pages} pages");
    let text = text_of(&pdf);
    assert!(text.matches("Description").count() >= 2, "{text}");
    for i in [1, 45, 90] {
        assert_contains(&text, &format!("Kashmiri saffron grade A{i},"));
    }
    assert_eq!(text.matches("Authorised signatory").count(), 1);
}

#[test]
fn credit_note_prints_the_amended_invoice_reason_and_status() {
    let mut doc = intra_invoice(2);
    doc.title = "Credit Note".into();
    doc.copy = CopyLabel::Duplicate;
    doc.number = "CN/25-26/0007".into();
    doc.original_invoice = Some(("KF/25-26/0042".into(), "03-12-2026".into()));
    doc.reason = Some("Goods returned damaged in transit".into());
    doc.status_mark = Some("CANCELLED".into());
    doc.reverse_charge = true;
    doc.buyer.gstin = None;
    doc.buyer.trade_name = Some("अन्नपूर्णा किराना स्टोर्स".into());
    let (_dir, pdf) = write_pdf(&doc);
    let text = text_of(&pdf);
    for needle in [
        "Credit Note",
        "Duplicate for transporter",
        "CN/25-26/0007",
        "Original invoice: KF/25-26/0042 dated 03-12-2026",
        "Reason: Goods returned damaged in transit",
        "CANCELLED",
        "Tax payable on reverse charge: Yes",
        "GSTIN: Unregistered",
        "अन्नपूर्णा किराना स्टोर्स",
    ] {
        assert_contains(&text, needle);
    }
}

#[test]
fn inputs_that_cannot_be_drawn_are_errors_not_panics() {
    let mut doc = intra_invoice(1);
    doc.logo = Some(b"GIF89a not a png".to_vec());
    assert!(matches!(render(&doc), Err(PdfError::Logo(_))));
    doc.logo = Some(b"\x89PNG\r\n\x1a\ntruncated".to_vec());
    assert!(matches!(render(&doc), Err(PdfError::Logo(_))));

    let mut doc = intra_invoice(1);
    doc.upi_uri = Some(format!("upi://pay?pa=x@y&tn={}", "x".repeat(5000)));
    assert!(matches!(render(&doc), Err(PdfError::Qr { .. })));

    let mut doc = intra_invoice(2);
    doc.lines[0].taxable_paise = i64::MAX;
    doc.lines[1].taxable_paise = i64::MAX;
    assert_eq!(render(&doc), Err(PdfError::Overflow));

    // Odd but drawable input renders.
    let mut doc = intra_invoice(0);
    doc.seller.legal_name = "x".repeat(3000);
    doc.terms = "word ".repeat(5000);
    doc.notes = "\u{0}\u{7}\t tabs and controls\r\n".into();
    doc.place_of_supply = String::new();
    doc.logo = None;
    doc.totals.grand_total_paise = i64::MIN;
    let (_dir, pdf) = write_pdf(&doc);
    assert!(pages_of(&pdf) >= 2);
}

/// Render time of a 15-line invoice (200 renders): `cargo test --release --lib
/// pdf::tests::render_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn render_timing() {
    let doc = intra_invoice(15);
    render(&doc).unwrap();
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let start = Instant::now();
            let bytes = render(&doc).unwrap();
            assert!(!bytes.is_empty());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    let size = render(&doc).unwrap().len();
    println!(
        "15-line invoice, 200 renders: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} bytes",
        times[99], times[197], times[199], size
    );
}
