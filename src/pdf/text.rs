//! The embedded fonts, shaping with font fallback, measuring and wrapping.
//!
//! Text is split into runs by font: a character that Noto Sans lacks (Devanagari)
//! goes to Noto Sans Devanagari, and spaces and joiners stay with the run they are in,
//! so a Hindi name shapes as one run (conjuncts, matras, reordering). Each run is shaped
//! once with harfrust and drawn as glyphs with its text, so that krilla can write the
//! ToUnicode map and copy-paste and `pdftotext` give the text back.

use std::ops::Range;
use std::sync::OnceLock;

use harfrust::{script, Direction, FontRef, ShapeOptions, ShapePlan, ShaperData, UnicodeBuffer};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

use super::PdfError;

static NOTO_SANS_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
static NOTO_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
static NOTO_DEVANAGARI_REGULAR: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf");
static NOTO_DEVANAGARI_BOLD: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansDevanagari-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// Which family a run is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Latin,
    Devanagari,
}

/// One face: the font krilla embeds, and what harfrust shapes it with.
struct Face {
    pdf: Font,
    font: FontRef<'static>,
    shaper_data: ShaperData,
    charmap: Charmap<'static>,
    plan: ShapePlan,
    script: harfrust::Script,
    units_per_em: f32,
    /// An empty glyph that does not advance (the zero-width space's), if any.
    zero_width: Option<GlyphId>,
}

impl Face {
    fn load(
        data: &'static [u8],
        script: harfrust::Script,
        name: &'static str,
    ) -> Result<Self, PdfError> {
        let pdf = Font::new(data.into(), 0).ok_or(PdfError::Font(name))?;
        let font = FontRef::from_index(data, 0).map_err(|_| PdfError::Font(name))?;
        let shaper_data = ShaperData::new(&font);
        let (plan, units_per_em) = {
            let shaper = shaper_data.shaper(&font).build();
            let plan = ShapePlan::new(&shaper, Direction::LeftToRight, Some(script), None, &[]);
            (plan, shaper.units_per_em() as f32)
        };
        if units_per_em <= 0.0 {
            return Err(PdfError::Font(name));
        }
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let zero_width = ['\u{200B}', '\u{FEFF}', '\u{200D}', '\u{200C}']
            .into_iter()
            .filter_map(|c| charmap.map(c))
            .find(|g| {
                g.to_u32() != 0
                    && metrics.advance_width(*g) == Some(0.0)
                    && metrics
                        .bounds(*g)
                        .is_none_or(|b| b.x_min == b.x_max && b.y_min == b.y_max)
            })
            .map(|g| GlyphId::new(g.to_u32()));
        Ok(Self {
            pdf,
            font,
            shaper_data,
            charmap,
            plan,
            script,
            units_per_em,
            zero_width,
        })
    }

    fn has(&self, c: char) -> bool {
        self.charmap.map(c).is_some_and(|g| g.to_u32() != 0)
    }
}

/// The four embedded faces, loaded once per process.
pub(crate) struct Fonts {
    latin: [Face; 2],
    devanagari: [Face; 2],
}

static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();

impl Fonts {
    /// The embedded fonts (parsed on first use).
    pub(crate) fn get() -> Result<&'static Fonts, PdfError> {
        FONTS
            .get_or_init(Fonts::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            latin: [
                Face::load(NOTO_SANS_REGULAR, script::LATIN, "NotoSans-Regular")?,
                Face::load(NOTO_SANS_BOLD, script::LATIN, "NotoSans-Bold")?,
            ],
            devanagari: [
                Face::load(
                    NOTO_DEVANAGARI_REGULAR,
                    script::DEVANAGARI,
                    "NotoSansDevanagari-Regular",
                )?,
                Face::load(
                    NOTO_DEVANAGARI_BOLD,
                    script::DEVANAGARI,
                    "NotoSansDevanagari-Bold",
                )?,
            ],
        })
    }

    fn face(&self, family: Family, weight: Weight) -> &Face {
        let i = match weight {
            Weight::Regular => 0,
            Weight::Bold => 1,
        };
        match family {
            Family::Latin => &self.latin[i],
            Family::Devanagari => &self.devanagari[i],
        }
    }

    /// The krilla font a shaped run is drawn with.
    pub(crate) fn pdf_font(&self, run: &ShapedRun) -> Font {
        self.face(run.family, run.weight).pdf.clone()
    }

    /// Splits `text` into runs of one family: Latin when Noto Sans has the character,
    /// else Devanagari when Noto Sans Devanagari has it (else Latin, which draws the
    /// missing-glyph box). Spaces and joiners stay in the run they are in.
    fn runs(&self, text: &str, weight: Weight) -> Vec<(Range<usize>, Family)> {
        let latin = self.face(Family::Latin, weight);
        let devanagari = self.face(Family::Devanagari, weight);
        let mut runs: Vec<(Range<usize>, Family)> = Vec::new();
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let neutral = c.is_whitespace() || matches!(c, '\u{200C}' | '\u{200D}');
            let family = match runs.last() {
                Some((_, current)) if neutral => *current,
                _ if is_devanagari(c) || (!latin.has(c) && devanagari.has(c)) => Family::Devanagari,
                _ => Family::Latin,
            };
            match runs.last_mut() {
                Some((range, current)) if *current == family => range.end = end,
                _ => runs.push((i..end, family)),
            }
        }
        runs
    }

    /// Shapes one line of text (control characters become spaces).
    pub(crate) fn shape(&self, text: &str, weight: Weight) -> Shaped {
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut runs = Vec::new();
        let mut width_em = 0.0;
        for (range, family) in self.runs(&clean, weight) {
            let run_text = &clean[range];
            let run = self.shape_run(run_text, family, weight);
            width_em += run.width_em;
            runs.push(run);
        }
        Shaped { runs, width_em }
    }

    fn shape_run(&self, text: &str, family: Family, weight: Weight) -> ShapedRun {
        let face = self.face(family, weight);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(face.script);
        let shaper = face.shaper_data.shaper(&face.font).build();
        let output = shaper.shape(buffer, ShapeOptions::new().plan(Some(&face.plan)));
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let upem = face.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width_em = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // The cluster runs to the next glyph with another cluster (clusters only grow
            // left to right).
            let end = infos[i + 1..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|c| *c != start)
                .unwrap_or(text.len());
            let advance = pos.x_advance as f32 / upem;
            width_em += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start.min(end)..end.max(start),
                None,
            ));
        }
        ShapedRun {
            family,
            weight,
            text: text.to_string(),
            glyphs: bracket_clusters(glyphs, face.zero_width),
            width_em,
        }
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, weight: Weight, size: f32) -> f32 {
        self.shape(text, weight).width_em * size
    }

    /// Breaks `text` into lines no wider than `max_width` points: at `\n`, then between
    /// words, and inside a word too long for a line. With more than `max_lines` lines the
    /// last one kept ends in "…".
    pub(crate) fn wrap(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let space = self.width(" ", weight, size);
        let mut lines: Vec<String> = Vec::new();
        for paragraph in text.split('\n') {
            // Most cells and lines fit as they are: one shaping instead of one per word.
            let whole: String = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if self.width(&whole, weight, size) <= max_width {
                lines.push(whole);
                if lines.len() > max_lines {
                    break;
                }
                continue;
            }
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split_whitespace() {
                let word_width = self.width(word, weight, size);
                if !line.is_empty() && line_width + space + word_width <= max_width {
                    line.push(' ');
                    line.push_str(word);
                    line_width += space + word_width;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_width <= max_width {
                    line.push_str(word);
                    line_width = word_width;
                } else {
                    let mut pieces = self.break_word(word, weight, size, max_width);
                    let last = pieces.pop().unwrap_or_default();
                    lines.extend(pieces);
                    line_width = self.width(&last, weight, size);
                    line = last;
                }
            }
            lines.push(line);
            if lines.len() > max_lines {
                break;
            }
        }
        // Blank lines at the end say nothing.
        while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines.max(1));
            if let Some(last) = lines.last_mut() {
                *last = self.ellipsize(last, weight, size, max_width);
            }
        }
        lines
    }

    /// Splits a word wider than `max_width` at character boundaries.
    fn break_word(&self, word: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut width = 0.0;
        for c in word.chars() {
            let mut buf = [0u8; 4];
            let w = self.width(c.encode_utf8(&mut buf), weight, size);
            if !piece.is_empty() && width + w > max_width {
                pieces.push(std::mem::take(&mut piece));
                width = 0.0;
            }
            piece.push(c);
            width += w;
        }
        pieces.push(piece);
        pieces
    }

    /// `line` shortened until it fits with "…" after it.
    fn ellipsize(&self, line: &str, weight: Weight, size: f32, max_width: f32) -> String {
        let mut text = line.trim_end().to_string();
        loop {
            let candidate = format!("{text}…");
            if text.is_empty() || self.width(&candidate, weight, size) <= max_width {
                return candidate;
            }
            text.pop();
            text = text.trim_end().to_string();
        }
    }
}

/// Brackets each cluster of several glyphs (a consonant with its matra or virama, a
/// half form with its consonant) with an invisible zero-width glyph at its start and
/// one at its end.
///
/// krilla writes such a cluster as one `/ActualText` span (right: no glyph maps to a
/// single character there), and poppler (pdftotext) boxes a span from where its first
/// glyph is drawn to where its last one ends. A cluster often ends with a mark drawn
/// back over its consonant, so the box ended early and `pdftotext` saw a gap: "के सर"
/// for "केसर", "फूड् स" for "फूड्स". The two markers make the box the cluster's
/// advance exactly.
fn bracket_clusters(glyphs: Vec<KrillaGlyph>, marker: Option<GlyphId>) -> Vec<KrillaGlyph> {
    let Some(marker) = marker else {
        return glyphs;
    };
    let multi = glyphs
        .windows(2)
        .any(|pair| pair[0].text_range == pair[1].text_range);
    if !multi {
        return glyphs;
    }
    let mark = |range: Range<usize>| KrillaGlyph::new(marker, 0.0, 0.0, 0.0, 0.0, range, None);
    let mut out = Vec::with_capacity(glyphs.len() + 8);
    let mut start = 0;
    while start < glyphs.len() {
        let range = glyphs[start].text_range.clone();
        let mut end = start + 1;
        while end < glyphs.len() && glyphs[end].text_range == range {
            end += 1;
        }
        if end - start > 1 {
            out.push(mark(range.clone()));
            out.extend_from_slice(&glyphs[start..end]);
            out.push(mark(range));
        } else {
            out.push(glyphs[start].clone());
        }
        start = end;
    }
    out
}

/// U+0900–U+097F Devanagari, U+A8E0–U+A8FF Devanagari Extended, U+1CD0–U+1CFF Vedic
/// Extensions.
fn is_devanagari(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' | '\u{1CD0}'..='\u{1CFF}')
}

/// A run of text shaped with one face.
#[derive(Debug, Clone)]
pub(crate) struct ShapedRun {
    family: Family,
    weight: Weight,
    pub(crate) text: String,
    pub(crate) glyphs: Vec<KrillaGlyph>,
    /// Advance width in ems.
    pub(crate) width_em: f32,
}

/// A line of text shaped into runs.
#[derive(Debug, Clone)]
pub(crate) struct Shaped {
    pub(crate) runs: Vec<ShapedRun>,
    /// Advance width in ems.
    pub(crate) width_em: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devanagari_runs_fall_back_and_keep_spaces() {
        let fonts = Fonts::get().unwrap();
        let shaped = fonts.shape("Kesar (केसर फूड्स) ₹5", Weight::Regular);
        let texts: Vec<(&str, Family)> = shaped
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.family))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Kesar (", Family::Latin),
                ("केसर फूड्स", Family::Devanagari),
                (") ₹5", Family::Latin),
            ]
        );
        // No missing glyphs: Noto Sans has ₹, Noto Sans Devanagari the Hindi.
        for run in &shaped.runs {
            assert!(
                run.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0),
                "{run:?}"
            );
        }
        // Clusters of several glyphs (consonant + matra, consonant + virama) come
        // bracketed by zero-width markers, and the run still measures the same.
        let hindi = &shaped.runs[1];
        let marker = fonts.face(Family::Devanagari, Weight::Regular).zero_width;
        let marker = marker.expect("Noto Sans Devanagari has an empty zero-width space glyph");
        let markers = hindi.glyphs.iter().filter(|g| g.glyph_id == marker).count();
        assert_eq!(markers, 6, "{hindi:?}"); // के, फू, ड्
        assert_eq!(hindi.glyphs[0].glyph_id, marker);
        assert_eq!(hindi.glyphs[0].text_range, 0..6);
        let total: f32 = hindi.glyphs.iter().map(|g| g.x_advance).sum();
        assert!((total - hindi.width_em).abs() < 1e-6);
    }

    #[test]
    fn wrap_breaks_between_words_and_inside_long_ones() {
        let fonts = Fonts::get().unwrap();
        let lines = fonts.wrap(
            "one two three four five six seven",
            Weight::Regular,
            10.0,
            60.0,
            10,
        );
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "one two three four five six seven");
        for line in &lines {
            assert!(fonts.width(line, Weight::Regular, 10.0) <= 60.0, "{line}");
        }
        let long = "x".repeat(200);
        let lines = fonts.wrap(&long, Weight::Regular, 10.0, 60.0, 100);
        assert_eq!(lines.concat(), long);
        let capped = fonts.wrap(&long, Weight::Regular, 10.0, 60.0, 2);
        assert_eq!(capped.len(), 2);
        assert!(capped[1].ends_with('…'));
        assert_eq!(fonts.wrap("", Weight::Regular, 10.0, 60.0, 3), vec![""]);
        assert_eq!(
            fonts.wrap("a\nb", Weight::Regular, 10.0, 60.0, 3),
            vec!["a", "b"]
        );
    }
}
