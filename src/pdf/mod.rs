//! Printable GST tax documents (tax invoice, credit note, debit note) as A4 PDF.
//!
//! A pure renderer: [`render`] takes a [`PrintDoc`] that the caller has built from a
//! frozen document and returns the PDF's bytes. No HTTP and no database here.
//!
//! The page carries every Rule 46 particular (Rule 53 for notes): supplier and recipient
//! with GSTIN and state, number and date, place of supply, reverse charge, a line table
//! with HSN/SAC, quantity, rate, discount, taxable value and each tax that applies, the
//! totals with the amount in words (lakh and crore), an HSN/SAC summary, bank details,
//! a UPI QR code, the e-invoice IRN with its signed QR code, terms, the declaration and
//! the signature block. Fifteen lines whose descriptions fit one line each fit on one
//! page, with the UPI and the e-invoice QR codes; more (or taller) content flows onto
//! further pages, strip by strip, with the table heads repeated. Render on a blocking
//! thread: a 15-line invoice takes some tens of milliseconds.
//!
//! # Why these crates
//!
//! - **krilla** (by the typst developers) writes the PDF. It embeds TrueType fonts as
//!   subsets (only the glyphs used, so an invoice is tens of kilobytes while the binary
//!   carries the whole Noto fonts), writes a ToUnicode map for every glyph it is given
//!   with its text, so the text can be copied, searched and read by `pdftotext`, and it
//!   draws PNG and JPEG images. It is maintained, pure Rust, and has no C dependencies.
//!   Its `raster-images` feature is on (the logo); `simple-text` is off: it shapes with
//!   one font only, and it pulls in rustybuzz and ttf-parser, both unmaintained per
//!   RustSec (RUSTSEC-2026-0206, RUSTSEC-2026-0192), which `scripts/audit.sh` denies.
//! - **harfrust** (the HarfBuzz project's maintained Rust port, successor of rustybuzz)
//!   shapes the text. Text is split into runs by font (Noto Sans, with Noto Sans
//!   Devanagari as the fallback for what Noto Sans lacks) and each run is shaped, which
//!   Devanagari needs: conjuncts, half forms, the reordered i-matra. The shaped advances
//!   also give exact widths for wrapping and right-aligned amounts. Version 0.8 and
//!   **skrifa** 0.42 (the character map, for the fallback) use the same read-fonts as
//!   krilla, so there is one font parser in the build.
//! - **qrcode** encodes the UPI and IRN QR codes (no default features: no image crate),
//!   drawn here as filled rectangles, so they stay sharp at any zoom and scan at 150 dpi.
//!
//! The fonts (Noto Sans and Noto Sans Devanagari, regular and bold, SIL OFL 1.1) are in
//! `assets/fonts/`, compiled in with `include_bytes!`; see its README for their source.

mod layout;
mod model;
mod render;
mod statement;
mod text;

#[cfg(test)]
mod tests;

pub use model::{CopyLabel, PrintBank, PrintDoc, PrintIrn, PrintLine, PrintParty, PrintTotals};
pub use render::render;
pub use statement::{render_statement, StatementDoc, StatementEntry};

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// An embedded font could not be parsed (a build problem, not an input one).
    #[error("the embedded font {0} could not be loaded")]
    Font(&'static str),
    /// The logo is not a PNG or JPEG that can be decoded.
    #[error("the logo is not a usable PNG or JPEG image: {0}")]
    Logo(String),
    /// A QR code payload cannot be encoded (too long).
    #[error("the QR code for {what} cannot be made: {reason}")]
    Qr { what: &'static str, reason: String },
    /// Summing the amounts of the HSN/SAC summary left the range of i64.
    #[error("the amounts are too large to add up")]
    Overflow,
    /// krilla could not write the document.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}
