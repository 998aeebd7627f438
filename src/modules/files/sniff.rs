//! What an upload is, decided by its first bytes (never by its name or the client's
//! `Content-Type`), and what it may be called.

/// The document types the appliance accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
}

impl Kind {
    /// The type from the magic bytes, or `None` for anything else.
    pub fn sniff(data: &[u8]) -> Option<Kind> {
        if data.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
        }
    }

    /// Name endings that agree with this type; the first is the one we add.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
        }
    }
}

/// Why a client's file name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// Separators, `..`, control characters: a name that tries to be a path.
    PathLike,
    /// The name says one type and the content is another (a PNG named `.pdf`).
    WrongExtension { extension: String },
}

/// Longest stored name, in characters.
const MAX_NAME_CHARS: usize = 120;

/// The name to store and send back in `Content-Disposition`. It is only ever a label:
/// files live in `file_chunks`, so no name is used as a path. Names that look like
/// paths are refused rather than silently cut down, so the uploader notices. Without a
/// name, or without an extension, the type's extension is added.
pub fn clean_name(raw: Option<&str>, kind: Kind) -> Result<String, NameProblem> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.contains(['/', '\\']) || raw == "." || raw == ".." || raw.chars().any(|c| c.is_control())
    {
        return Err(NameProblem::PathLike);
    }
    // Quotes and semicolons would need escaping in headers. Spaces are collapsed before
    // leading dots and spaces go, so no dot can surface at the front (".. ..." was
    // "....pdf" until the fuzzer found it).
    let collapsed = raw
        .chars()
        .map(|c| {
            if matches!(c, '"' | ';' | '*' | '?' | '<' | '>' | '|' | ':') {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut name = collapsed.trim_start_matches(['.', ' ']).to_string();
    let ext = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && !e.contains(' ') => {
            Some(e.to_ascii_lowercase())
        }
        _ => None,
    };
    // An ending with a letter in it claims a type ("x.html", "report.v2"); "2024.03" does not.
    let claims_type = |e: &str| {
        e.len() <= 5
            && e.chars().all(|c| c.is_ascii_alphanumeric())
            && e.chars().any(|c| c.is_ascii_alphabetic())
    };
    match ext {
        Some(e) if kind.extensions().contains(&e.as_str()) => {}
        Some(e) if claims_type(&e) => return Err(NameProblem::WrongExtension { extension: e }),
        _ => {
            if name.is_empty() {
                name = "document".into();
            }
            name = format!("{name}.{}", kind.extensions()[0]);
        }
    }
    if name.chars().count() > MAX_NAME_CHARS {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_string())
            .unwrap_or_default();
        let keep: String = name.chars().take(MAX_NAME_CHARS - ext.len() - 1).collect();
        name = format!("{}.{ext}", keep.trim_end());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn sniffs_by_content() {
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(PNG), Some(Kind::Png));
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        for bad in [
            &b"<html><body>"[..],
            b"",
            b"%PD",
            b"GIF89a",
            b"PK\x03\x04",
            b"\x89PNG",
        ] {
            assert_eq!(Kind::sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names() {
        let ok = |raw: Option<&str>, kind| clean_name(raw, kind).unwrap();
        assert_eq!(ok(Some("Salary slip.pdf"), Kind::Pdf), "Salary slip.pdf");
        assert_eq!(ok(Some("scan.PDF"), Kind::Pdf), "scan.PDF");
        assert_eq!(ok(Some("photo.jpeg"), Kind::Jpeg), "photo.jpeg");
        assert_eq!(ok(Some("आधार कार्ड.png"), Kind::Png), "आधार कार्ड.png");
        assert_eq!(ok(Some("  a   b .pdf "), Kind::Pdf), "a b .pdf");
        assert_eq!(ok(None, Kind::Png), "document.png");
        assert_eq!(ok(Some(""), Kind::Pdf), "document.pdf");
        assert_eq!(ok(Some("receipt"), Kind::Jpeg), "receipt.jpg");
        assert_eq!(ok(Some(".hidden.pdf"), Kind::Pdf), "hidden.pdf");
        assert_eq!(ok(Some(".. ..."), Kind::Pdf), "document.pdf");
        assert_eq!(ok(Some(". . scan"), Kind::Png), "scan.png");
        assert_eq!(ok(Some("v1.2 final"), Kind::Pdf), "v1.2 final.pdf");
        assert_eq!(
            ok(Some("Invoice 2024.03"), Kind::Pdf),
            "Invoice 2024.03.pdf"
        );
        assert_eq!(ok(Some("a\"b;c.pdf"), Kind::Pdf), "a_b_c.pdf");
        let long = format!("{}.pdf", "x".repeat(300));
        let cut = ok(Some(&long), Kind::Pdf);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS);
        assert!(cut.ends_with(".pdf"));
    }

    #[test]
    fn refuses_paths_and_lies() {
        for raw in [
            "../../etc/passwd",
            "a/b.pdf",
            "..\\x.pdf",
            "..",
            "a\0.pdf",
            "x\n.pdf",
        ] {
            assert_eq!(
                clean_name(Some(raw), Kind::Pdf),
                Err(NameProblem::PathLike),
                "{raw:?}"
            );
        }
        assert_eq!(
            clean_name(Some("photo.pdf"), Kind::Png),
            Err(NameProblem::WrongExtension {
                extension: "pdf".into()
            })
        );
        assert_eq!(
            clean_name(Some("page.html"), Kind::Pdf),
            Err(NameProblem::WrongExtension {
                extension: "html".into()
            })
        );
    }
}
