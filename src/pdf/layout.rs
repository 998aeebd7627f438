//! Strips, pages and drawing.
//!
//! The document is laid out as a list of sections, each a list of strips: horizontal
//! bands of the page's width that are never split (a table row, a line of a paragraph,
//! the header). Pagination puts strips on pages top to bottom, starting a new page when
//! the next one does not fit and repeating a section's header strip (the table heads)
//! there. Only then, with the page count known, is anything drawn.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;

use super::text::{Fonts, Shaped, Weight};
use super::PdfError;

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 28.0;
/// Content stops here; the page number sits below.
pub(crate) const CONTENT_BOTTOM: f32 = PAGE_H - MARGIN - 8.0;

pub(crate) type Rgb = (u8, u8, u8);
pub(crate) const BLACK: Rgb = (0, 0, 0);
pub(crate) const GREY: Rgb = (90, 90, 90);
pub(crate) const RULE: Rgb = (150, 150, 150);
pub(crate) const SHADE: Rgb = (232, 236, 242);
pub(crate) const RED: Rgb = (200, 0, 0);

/// How a piece of text looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
}

impl Style {
    pub(crate) const fn regular(size: f32) -> Self {
        Self {
            size,
            weight: Weight::Regular,
            color: BLACK,
        }
    }

    pub(crate) const fn bold(size: f32) -> Self {
        Self {
            size,
            weight: Weight::Bold,
            color: BLACK,
        }
    }

    pub(crate) const fn with_color(self, color: Rgb) -> Self {
        Self { color, ..self }
    }

    /// Distance between baselines of wrapped lines.
    pub(crate) fn line_height(&self) -> f32 {
        self.size * 1.25
    }

    /// From the top of a line box to its baseline.
    pub(crate) fn ascent(&self) -> f32 {
        self.size * 0.95
    }
}

/// Where text sits horizontally against its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// A drawing operation, in points relative to the strip's top left corner.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        color: Rgb,
        shaped: Shaped,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Image,
    },
    Qr {
        x: f32,
        y: f32,
        module: f32,
        width: usize,
        dark: Vec<bool>,
    },
}

/// A band of the page that is never split across pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strip {
    pub height: f32,
    pub ops: Vec<Op>,
    /// Move to the next page together with the strip after this one (headings).
    pub keep_with_next: bool,
}

/// Strips that belong together; `repeat` is drawn first on every page the section
/// continues onto.
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    pub strips: Vec<Strip>,
    pub repeat: Option<Strip>,
}

/// Collects ops for one strip, with text helpers.
pub(crate) struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pub ops: Vec<Op>,
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Self {
        Self {
            fonts,
            ops: Vec::new(),
        }
    }

    /// One line of text at `baseline`; returns its width.
    pub(crate) fn text(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        style: Style,
        align: Align,
    ) -> f32 {
        let shaped = self.fonts.shape(text, style.weight);
        let width = shaped.width_em * style.size;
        let x = match align {
            Align::Left => x,
            Align::Right => x - width,
            Align::Center => x - width / 2.0,
        };
        self.ops.push(Op::Text {
            x,
            baseline,
            size: style.size,
            color: style.color,
            shaped,
        });
        width
    }

    /// Wrapped text in a box of `width` starting at `top`; returns the height used.
    /// `align` is against the box: its left edge, right edge or middle.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn paragraph(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        text: &str,
        style: Style,
        align: Align,
        max_lines: usize,
    ) -> f32 {
        let lines = self
            .fonts
            .wrap(text, style.weight, style.size, width.max(1.0), max_lines);
        let anchor = match align {
            Align::Left => x,
            Align::Right => x + width,
            Align::Center => x + width / 2.0,
        };
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + style.ascent() + i as f32 * style.line_height();
            self.text(anchor, baseline, line, style, align);
        }
        lines.len() as f32 * style.line_height()
    }

    pub(crate) fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    ) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        });
    }

    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        });
    }

    pub(crate) fn into_strip(self, height: f32) -> Strip {
        Strip {
            height,
            ops: self.ops,
            keep_with_next: false,
        }
    }
}

/// A strip placed on a page at `top`.
pub(crate) struct Placed<'a> {
    pub top: f32,
    pub strip: &'a Strip,
}

/// Puts the strips on pages. Every page after the first starts with `continuation`.
pub(crate) fn paginate<'a>(
    sections: &'a [Section],
    continuation: &'a Strip,
) -> Vec<Vec<Placed<'a>>> {
    let top = MARGIN;
    let mut pages: Vec<Vec<Placed<'a>>> = vec![Vec::new()];
    let mut y = top;
    // Nothing is on the page but its headers: moving on to a new page would not help
    // a strip that does not fit (it is drawn cut off instead).
    let mut fresh = true;
    for section in sections {
        for (i, strip) in section.strips.iter().enumerate() {
            let mut need = strip.height;
            if strip.keep_with_next {
                if let Some(next) = section.strips.get(i + 1) {
                    need += next.height;
                }
            }
            if y + need > CONTENT_BOTTOM && !fresh {
                pages.push(Vec::new());
                y = top;
                let page = pages.len() - 1;
                pages[page].push(Placed {
                    top: y,
                    strip: continuation,
                });
                y += continuation.height;
                if i > 0 {
                    if let Some(repeat) = &section.repeat {
                        pages[page].push(Placed {
                            top: y,
                            strip: repeat,
                        });
                        y += repeat.height;
                    }
                }
            }
            let page = pages.len() - 1;
            pages[page].push(Placed { top: y, strip });
            y += strip.height;
            fresh = false;
        }
    }
    pages
}

fn fill_of(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke_of(color: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Stroke::default()
    }
}

/// Draws text whose runs have been shaped, run after run.
pub(crate) fn draw_shaped(
    surface: &mut Surface,
    fonts: &Fonts,
    x: f32,
    baseline: f32,
    size: f32,
    color: Rgb,
    shaped: &Shaped,
) {
    surface.set_stroke(None);
    surface.set_fill(Some(fill_of(color)));
    let mut x = x;
    for run in &shaped.runs {
        if !run.glyphs.is_empty() {
            surface.draw_glyphs(
                Point::from_xy(x, baseline),
                &run.glyphs,
                fonts.pdf_font(run),
                &run.text,
                size,
                false,
            );
        }
        x += run.width_em * size;
    }
}

/// Draws one strip's ops with its top at `top`.
pub(crate) fn draw_strip(
    surface: &mut Surface,
    fonts: &Fonts,
    top: f32,
    strip: &Strip,
) -> Result<(), PdfError> {
    for op in &strip.ops {
        match op {
            Op::Text {
                x,
                baseline,
                size,
                color,
                shaped,
            } => draw_shaped(surface, fonts, *x, top + baseline, *size, *color, shaped),
            Op::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                let Some(rect) = Rect::from_xywh(*x, top + y, *w, *h) else {
                    continue;
                };
                let mut builder = PathBuilder::new();
                builder.push_rect(rect);
                let Some(path) = builder.finish() else {
                    continue;
                };
                surface.set_fill(fill.map(fill_of));
                surface.set_stroke(stroke.map(|(c, w)| stroke_of(c, w)));
                surface.draw_path(&path);
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                let mut builder = PathBuilder::new();
                builder.move_to(*x1, top + y1);
                builder.line_to(*x2, top + y2);
                let Some(path) = builder.finish() else {
                    continue;
                };
                surface.set_fill(None);
                surface.set_stroke(Some(stroke_of(*color, *width)));
                surface.draw_path(&path);
            }
            Op::Image { x, y, w, h, image } => {
                let size =
                    Size::from_wh(*w, *h).ok_or_else(|| PdfError::Logo("has no size".into()))?;
                surface.push_transform(&Transform::from_translate(*x, top + y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
            Op::Qr {
                x,
                y,
                module,
                width,
                dark,
            } => draw_qr(surface, *x, top + y, *module, *width, dark),
        }
    }
    Ok(())
}

/// A QR code as filled rectangles, one per horizontal run of dark modules. The layout
/// leaves the quiet zone (four modules) blank around it.
fn draw_qr(surface: &mut Surface, x: f32, y: f32, module: f32, width: usize, dark: &[bool]) {
    let mut builder = PathBuilder::new();
    for (row, cells) in dark.chunks(width.max(1)).enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if !cells[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < cells.len() && cells[col] {
                col += 1;
            }
            // A hair of overlap so that no seam shows between rows when rasterised.
            if let Some(rect) = Rect::from_xywh(
                x + start as f32 * module,
                y + row as f32 * module,
                (col - start) as f32 * module,
                module + 0.02,
            ) {
                builder.push_rect(rect);
            }
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill_of(BLACK)));
        surface.draw_path(&path);
    }
}

/// A large translucent word across the page (e.g. "CANCELLED").
pub(crate) fn draw_watermark(surface: &mut Surface, fonts: &Fonts, text: &str) {
    let size = 72.0;
    let shaped = fonts.shape(text, Weight::Bold);
    let width = shaped.width_em * size;
    // Shrink a long mark to fit the page's diagonal.
    let size = if width > 640.0 {
        size * 640.0 / width
    } else {
        size
    };
    let width = shaped.width_em * size;
    let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
    surface.push_transform(&Transform::from_rotate_at(-50.0, cx, cy));
    if let Some(opacity) = NormalizedF32::new(0.22) {
        surface.push_opacity(opacity);
        draw_shaped(
            surface,
            fonts,
            cx - width / 2.0,
            cy + size * 0.35,
            size,
            RED,
            &shaped,
        );
        surface.pop();
    }
    surface.pop();
}
