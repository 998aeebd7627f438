//! Response compression: `br` preferred, then `gzip`, for compressible bodies of 4 KiB
//! and more.

use std::io::Write;

/// Smaller bodies go as they are. With its headers such a response fits in TCP's first
/// flight (10 segments) compressed or not, so compressing it saves bytes but no round
/// trip, and it cost about 40 µs of server CPU per request on the 2-core appliance: the
/// invoice GET (1.5 KiB) ran at 11,600 req/s compressed and 17,000 uncompressed in the
/// load harness (`docs/benchmarks.md`, fix 11). Lists, reports and the UI bundle are
/// larger and stay compressed.
pub const MIN_SIZE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn header_value(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// Picks an encoding from `Accept-Encoding`, honouring `q=0` refusals.
pub fn negotiate(accept: &str) -> Option<Encoding> {
    let mut br = false;
    let mut gzip = false;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match name.as_str() {
            "br" => br = true,
            "gzip" | "*" => gzip = true,
            _ => {}
        }
    }
    if br {
        Some(Encoding::Brotli)
    } else if gzip {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

pub fn is_compressible(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("javascript")
        || ct.contains("svg")
        || ct.contains("xml")
        || ct.contains("openmetrics")
}

/// The smallest brotli window (10..=22 bits) that holds `len` bytes.
fn window_bits(len: usize) -> u32 {
    let bits = usize::BITS - len.max(1).leading_zeros();
    bits.clamp(10, 22)
}

pub fn compress(encoding: Encoding, data: &[u8]) -> std::io::Result<Vec<u8>> {
    match encoding {
        Encoding::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(data.len() / 3),
                flate2::Compression::fast(),
            );
            enc.write_all(data)?;
            enc.finish()
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(data.len() / 3);
            {
                // Quality 1 and a window that fits the body. Quality 4 set up and cleared
                // large hash tables for every response: the invoice GET ran at 3,386
                // req/s in the load harness against 7,237 with quality 1, which makes a
                // 1.5 KiB invoice 231 bytes where quality 4 made it 212.
                let mut w =
                    brotli::CompressorWriter::new(&mut out, 4096, 1, window_bits(data.len()));
                w.write_all(data)?;
                w.flush()?;
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_fits_the_body_and_round_trips() {
        assert_eq!(window_bits(0), 10);
        assert_eq!(window_bits(1500), 11);
        assert_eq!(window_bits(100_000), 17);
        assert_eq!(window_bits(50 << 20), 22);
        for n in [1_100usize, 40_000, 300_000] {
            let unit = b"{\"name\": \"Shree Traders\", ";
            let data: Vec<u8> = (0..n).map(|i| unit[i % unit.len()]).collect();
            let packed = compress(Encoding::Brotli, &data).expect("compress");
            assert!(packed.len() < data.len());
            let mut back = Vec::new();
            brotli::BrotliDecompress(&mut &packed[..], &mut back).expect("decompress");
            assert_eq!(back, data);
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate("gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(negotiate("gzip"), Some(Encoding::Gzip));
        assert_eq!(negotiate("br;q=0, gzip"), Some(Encoding::Gzip));
        assert_eq!(negotiate("identity"), None);
    }

    #[test]
    fn round_trip_gzip() {
        use std::io::Read;
        let data = "hello ".repeat(1000);
        let z = compress(Encoding::Gzip, data.as_bytes()).expect("gzip");
        assert!(z.len() < data.len() / 10);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&z[..])
            .read_to_string(&mut back)
            .expect("gunzip");
        assert_eq!(back, data);
    }
}
