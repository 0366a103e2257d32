//! QR codes on e-certificates: the `qrcode` crate encodes; this module
//! draws the modules as an inline SVG for pages and as filled squares in a
//! PDF content stream, each with the four-module quiet zone scanners need.

use qrcode::{Color, EcLevel, QrCode};

/// The dark modules of `text`'s QR code (level M), row by row, and the
/// side; None when the text is too long for any version.
pub struct Modules {
    pub side: usize,
    dark: Vec<bool>,
}

const QUIET: usize = 4;

impl Modules {
    pub fn of(text: &str) -> Option<Modules> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
        Some(Modules {
            side: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    fn dark_cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.dark
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| (i % self.side, i / self.side))
    }

    /// An SVG of `pixels` square, labelled for screen readers.
    pub fn svg(&self, pixels: u32, label: &str) -> String {
        let full = self.side + 2 * QUIET;
        let mut path = String::new();
        for (x, y) in self.dark_cells() {
            path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET, y + QUIET));
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" width=\"{pixels}\" height=\"{pixels}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
            label = attr_escape(label)
        )
    }

    /// PDF operators drawing the code `size` points square with its lower
    /// left corner at (`x`, `y`).
    pub fn pdf_ops(&self, x: f32, y: f32, size: f32) -> String {
        let full = (self.side + 2 * QUIET) as f32;
        let cell = size / full;
        let mut ops = String::from("q 0 g\n");
        for (cx, cy) in self.dark_cells() {
            let left = x + (cx + QUIET) as f32 * cell;
            // PDF's y grows upwards; the code's rows go down.
            let bottom = y + size - (cy + QUIET + 1) as f32 * cell;
            ops.push_str(&format!("{left:.2} {bottom:.2} {cell:.3} {cell:.3} re\n"));
        }
        ops.push_str("f Q\n");
        ops
    }
}

/// The few characters that matter inside an attribute.
pub(crate) fn attr_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verification_link_fits_and_draws_its_finder_patterns() {
        let link = "https://gjj.example.gov.cn/verify/JC-20261207-0123456789abcdef";
        let m = Modules::of(link).expect("fits");
        assert!(
            m.side >= 21 && (m.side - 17).is_multiple_of(4),
            "a QR side: {}",
            m.side
        );
        // The top-left finder pattern: a dark 7×7 ring.
        assert!((0..7).all(|i| m.dark[i] && m.dark[i * m.side]));
        assert!(!m.dark[m.side + 1], "the ring's inside is light");
        let svg = m.svg(160, "核验二维码");
        assert!(svg.starts_with("<svg") && svg.contains("aria-label=\"核验二维码\""));
        assert_eq!(
            svg.matches("h1v1h-1z").count(),
            m.dark.iter().filter(|d| **d).count()
        );
        let ops = m.pdf_ops(400.0, 700.0, 100.0);
        assert_eq!(
            ops.matches(" re\n").count(),
            svg.matches("h1v1h-1z").count()
        );
    }

    #[test]
    fn text_too_long_for_any_version_is_refused() {
        assert!(Modules::of(&"x".repeat(5_000)).is_none());
    }
}
