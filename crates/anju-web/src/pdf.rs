//! A small PDF writer for statements: text only, A4 portrait, set in
//! STSong-Light — one of the Adobe-GB1 CJK fonts PDF readers supply — so no
//! font is embedded and a year's statement stays a few kilobytes. Text is
//! written as UCS-2 code units through the UniGB-UCS2-H CMap; characters
//! outside the Basic Multilingual Plane print as "?".
//!
//! The layout is a titled table that flows over as many pages as it needs,
//! repeating the column heads and numbering the pages.

use std::fmt::Write as _;

pub(crate) const PAGE_WIDTH: f32 = 595.0;
pub(crate) const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 40.0;
const BODY_SIZE: f32 = 9.0;
const TITLE_SIZE: f32 = 15.0;
const ROW_HEIGHT: f32 = 14.0;

/// A column: its head, where it starts, its width, and whether its text is
/// right-aligned (amounts).
pub struct Column {
    pub head: &'static str,
    pub x: f32,
    pub width: f32,
    pub right: bool,
}

/// A document: a title, a few lines under it, and one table.
pub struct TableDoc<'a> {
    pub title: &'a str,
    pub lines: Vec<String>,
    pub columns: &'a [Column],
    pub rows: Vec<Vec<String>>,
    pub footer: String,
}

/// Renders the document as PDF bytes.
pub fn render(doc: &TableDoc<'_>) -> Vec<u8> {
    let pages = paginate(doc);
    let count = pages.len();
    let contents: Vec<String> = pages
        .iter()
        .enumerate()
        .map(|(i, rows)| page_content(doc, rows, i == 0, i + 1, count))
        .collect();
    assemble(&contents)
}

/// Rows per page: the first page gives room to the title block.
fn paginate<'a>(doc: &'a TableDoc<'_>) -> Vec<&'a [Vec<String>]> {
    let usable = PAGE_HEIGHT - 2.0 * MARGIN - 2.0 * ROW_HEIGHT;
    let per_page = (usable / ROW_HEIGHT) as usize;
    let heading = 3 + doc.lines.len();
    let first = per_page.saturating_sub(heading).max(1);
    let mut pages = vec![&doc.rows[..first.min(doc.rows.len())]];
    let mut rest = &doc.rows[first.min(doc.rows.len())..];
    while !rest.is_empty() {
        let take = per_page.min(rest.len());
        pages.push(&rest[..take]);
        rest = &rest[take..];
    }
    pages
}

fn page_content(
    doc: &TableDoc<'_>,
    rows: &[Vec<String>],
    first: bool,
    number: usize,
    count: usize,
) -> String {
    let mut out = String::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    if first {
        y -= TITLE_SIZE;
        let x = (PAGE_WIDTH - text_width(doc.title, TITLE_SIZE)) / 2.0;
        text(&mut out, TITLE_SIZE, x, y, doc.title);
        y -= ROW_HEIGHT;
        for line in &doc.lines {
            y -= ROW_HEIGHT;
            text(&mut out, BODY_SIZE, MARGIN, y, line);
        }
        y -= ROW_HEIGHT / 2.0;
    }
    y -= ROW_HEIGHT;
    for c in doc.columns {
        cell(&mut out, c, y, c.head);
    }
    rule(&mut out, y - 4.0);
    for row in rows {
        y -= ROW_HEIGHT;
        for (c, value) in doc.columns.iter().zip(row) {
            cell(&mut out, c, y, value);
        }
    }
    let footer = format!("{}    第 {number} / {count} 页", doc.footer);
    text(&mut out, BODY_SIZE - 1.0, MARGIN, MARGIN / 2.0, &footer);
    out
}

fn cell(out: &mut String, column: &Column, y: f32, value: &str) {
    let value = fit(value, column.width);
    let x = if column.right {
        column.x + column.width - text_width(&value, BODY_SIZE)
    } else {
        column.x
    };
    text(out, BODY_SIZE, x, y, &value);
}

/// Cuts text that would not fit its column, marking the cut with "…".
fn fit(value: &str, width: f32) -> String {
    if text_width(value, BODY_SIZE) <= width {
        return value.to_string();
    }
    let mut cut = String::new();
    for ch in value.chars() {
        let mut next = cut.clone();
        next.push(ch);
        next.push('…');
        if text_width(&next, BODY_SIZE) > width {
            break;
        }
        cut.push(ch);
    }
    cut.push('…');
    cut
}

/// Width in points: ASCII is half an em in the font's proportional Latin
/// set, everything else a full em.
pub(crate) fn text_width(value: &str, size: f32) -> f32 {
    value
        .chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum::<f32>()
        * size
}

/// One run of text with its baseline starting at (x, y).
pub(crate) fn text(out: &mut String, size: f32, x: f32, y: f32, value: &str) {
    let _ = writeln!(
        out,
        "BT /F1 {size:.1} Tf {x:.2} {y:.2} Td <{}> Tj ET",
        ucs2_hex(value)
    );
}

fn rule(out: &mut String, y: f32) {
    let _ = writeln!(
        out,
        "0.5 w {MARGIN:.2} {y:.2} m {:.2} {y:.2} l S",
        PAGE_WIDTH - MARGIN
    );
}

/// UCS-2 big-endian hex; characters beyond the BMP become "?".
pub fn ucs2_hex(value: &str) -> String {
    let mut hex = String::with_capacity(value.len() * 4);
    for ch in value.chars() {
        let unit = u16::try_from(u32::from(ch)).unwrap_or(0x3F);
        let _ = write!(hex, "{unit:04X}");
    }
    hex
}

/// UTF-16 big-endian hex, surrogate pairs included: for text strings
/// outside content streams (the document title), which take any character.
fn utf16_hex(value: &str) -> String {
    let mut hex = String::with_capacity(value.len() * 4);
    for unit in value.encode_utf16() {
        let _ = write!(hex, "{unit:04X}");
    }
    hex
}

/// The file: catalog, page tree, the font (Type0 over a CIDFont with its
/// descriptor), then a page and its content stream per page, the
/// cross-reference table and the trailer.
fn assemble(contents: &[String]) -> Vec<u8> {
    assemble_titled(contents, None)
}

/// [`assemble`], with a document information dictionary carrying `title`
/// (what a reader shows in its title bar) when there is one.
pub(crate) fn assemble_titled(contents: &[String], title: Option<&str>) -> Vec<u8> {
    let first_page = 6;
    let kids: Vec<String> = (0..contents.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            contents.len()
        ),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [4 0 R] >>"
            .to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> \
         /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
            .to_string(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
         /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
         /CapHeight 880 /StemV 93 >>"
            .to_string(),
    ];
    for (i, content) in contents.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            first_page + 2 * i + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    if let Some(title) = title {
        objects.push(format!(
            "<< /Title <FEFF{}> /Producer (Anju) >>",
            utf16_hex(title)
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let info = match title {
        Some(_) => format!(" /Info {} 0 R", objects.len()),
        None => String::new(),
    };
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn doc(rows: usize) -> TableDoc<'static> {
        const COLUMNS: &[Column] = &[
            Column {
                head: "起息日",
                x: 40.0,
                width: 60.0,
                right: false,
            },
            Column {
                head: "发生额",
                x: 110.0,
                width: 80.0,
                right: true,
            },
        ];
        TableDoc {
            title: "住房公积金个人账户明细",
            lines: vec!["账号 1".to_string()],
            columns: COLUMNS,
            rows: (0..rows)
                .map(|i| vec![format!("2025-07-{:02}", i % 28 + 1), format!("{i}.00")])
                .collect(),
            footer: "安居".to_string(),
        }
    }

    /// Every cross-reference entry points at its object, and startxref at
    /// the table: what a reader checks before it shows anything.
    pub(crate) fn assert_well_formed(bytes: &[u8]) -> String {
        let text = String::from_utf8(bytes.to_vec()).expect("ascii");
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|t| t.parse().ok())
            .expect("startxref");
        assert!(text[start..].starts_with("xref\n"));
        let entries: Vec<&str> = text[start..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .collect();
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().expect("offset");
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
        text
    }

    #[test]
    fn a_statement_is_a_well_formed_pdf_with_its_text() {
        let text = assert_well_formed(&render(&doc(3)));
        assert!(text.contains(&ucs2_hex("住房公积金个人账户明细")));
        assert!(text.contains(&ucs2_hex("2025-07-03")));
        assert!(text.contains(&ucs2_hex("第 1 / 1 页")));
        assert!(text.contains("/Count 1"));
    }

    #[test]
    fn long_tables_flow_over_pages_with_their_heads() {
        let text = assert_well_formed(&render(&doc(120)));
        assert!(text.contains("/Count 3"), "120 rows take three pages");
        assert_eq!(text.matches(&ucs2_hex("起息日")).count(), 3);
        assert!(text.contains(&ucs2_hex("119.00")));
        assert!(text.contains(&ucs2_hex("第 3 / 3 页")));
    }

    #[test]
    fn text_is_ucs2_and_overlong_cells_are_cut() {
        assert_eq!(ucs2_hex("A元"), "00415143");
        assert_eq!(ucs2_hex("😀"), "003F");
        let cut = fit("灵活就业人员利息补贴支出调整", 50.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, BODY_SIZE) <= 50.0,
            "{cut}"
        );
    }
}
