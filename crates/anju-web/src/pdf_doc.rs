//! A sectioned report as PDF — the yearly report: a centred title and
//! subtitle, then sections of sub-headings, paragraphs and tables flowing
//! over A4 pages numbered "第 n 页 / 共 m 页".
//!
//! Set like the statements of [`crate::pdf`]: STSong-Light through the
//! UniGB-UCS2-H CMap, no font embedded (a reader substitutes an installed
//! CJK font). The font has no bold, so headings are set larger and drawn
//! filled and stroked. Paragraphs wrap to the page width — a CJK character
//! is a full em, ASCII half — keeping ASCII words whole and closing
//! punctuation off the start of a line. Tables take column widths in
//! proportion to their longest cells (bounded), wrap overlong cells, are
//! ruled as three-line tables and repeat their head row on every page they
//! reach; a row never splits.

use crate::pdf::{PAGE_HEIGHT, PAGE_WIDTH, assemble_titled, text, text_width};
use std::fmt::Write as _;

/// The report.
#[derive(Debug, Clone, Default)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
    /// Printed at the foot of every page, left of the page number.
    pub footer: String,
    /// PDF operators drawn on the first page over the flow (an
    /// e-certificate's QR code); empty for none.
    pub first_page_marks: String,
}

/// A numbered part, e.g. "二、业务运行情况".
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// What a section holds, in order.
#[derive(Debug, Clone)]
pub enum Block {
    /// A sub-heading, e.g. "（一）缴存".
    Heading(String),
    /// Running text, wrapped to the page width with a two-em first-line
    /// indent; a "\n" starts a new line.
    Paragraph(String),
    /// A table; `right` says per column whether its cells are right-aligned
    /// (amounts), missing entries meaning left.
    Table {
        heads: Vec<String>,
        rows: Vec<Vec<String>>,
        right: Vec<bool>,
    },
}

const MARGIN_X: f32 = 56.0;
/// Where the first line of a page starts (its top).
const TOP: f32 = PAGE_HEIGHT - 56.0;
/// Nothing but the footer goes below this.
const BOTTOM: f32 = 56.0;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const FOOTER_Y: f32 = 28.0;

const TITLE_SIZE: f32 = 18.0;
const SUBTITLE_SIZE: f32 = 11.0;
const SECTION_SIZE: f32 = 14.0;
const HEADING_SIZE: f32 = 11.5;
const BODY_SIZE: f32 = 10.5;
/// Line height as a multiple of the type size, for text outside tables.
const LEADING: f32 = 1.65;
const TABLE_SIZE: f32 = 9.0;
const TABLE_LINE: f32 = 12.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;
const FOOTER_SIZE: f32 = 8.0;

/// Renders the report as PDF bytes.
pub fn render_report(doc: &ReportDoc) -> Vec<u8> {
    let title = Some(doc.title.as_str()).filter(|t| !t.is_empty());
    assemble_titled(&layout(doc), title)
}

/// The content stream of every page, footers included.
fn layout(doc: &ReportDoc) -> Vec<String> {
    let mut flow = Flow::new();
    title_block(&mut flow, doc);
    for section in &doc.sections {
        heading(&mut flow, &section.heading, SECTION_SIZE, 14.0);
        for block in &section.blocks {
            match block {
                Block::Heading(h) => heading(&mut flow, h, HEADING_SIZE, 8.0),
                Block::Paragraph(p) => paragraph(&mut flow, p),
                Block::Table { heads, rows, right } => table(&mut flow, heads, rows, right),
            }
        }
    }
    let mut pages = flow.finish();
    if let Some(first) = pages.first_mut() {
        first.push_str(&doc.first_page_marks);
    }
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        footer(page, &doc.footer, i + 1, count);
    }
    pages
}

/// The page being filled: the finished pages, this page's content and the
/// top of the next thing on it.
struct Flow {
    pages: Vec<String>,
    out: String,
    y: f32,
}

impl Flow {
    fn new() -> Self {
        Flow {
            pages: Vec::new(),
            out: String::new(),
            y: TOP,
        }
    }

    fn at_top(&self) -> bool {
        self.y >= TOP
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.out));
        self.y = TOP;
    }

    /// Makes room for something `height` tall after a gap of `before`
    /// (dropped at the top of a page), turning the page if it would not fit.
    fn start(&mut self, before: f32, height: f32) {
        if self.at_top() {
            return;
        }
        if self.y - before - height < BOTTOM {
            self.new_page();
        } else {
            self.y -= before;
        }
    }

    /// Turns the page unless a line `height` tall still fits.
    fn need(&mut self, height: f32) {
        if !self.at_top() && self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.pages.push(self.out);
        self.pages
    }
}

/// The baseline that centres a line of type `size` in a line box `line`
/// tall whose top is at `top`: CJK glyphs sit about 0.36 em above it.
fn baseline(top: f32, line: f32, size: f32) -> f32 {
    top - line / 2.0 - 0.36 * size
}

/// Text drawn filled and stroked: the bold the font does not have.
fn bold(out: &mut String, size: f32, x: f32, y: f32, value: &str) {
    let _ = write!(out, "q {:.2} w 2 Tr ", size * 0.035);
    text(out, size, x, y, value);
    out.push_str("Q\n");
}

fn title_block(flow: &mut Flow, doc: &ReportDoc) {
    let line = TITLE_SIZE * 1.5;
    for l in wrap(&doc.title, TITLE_SIZE, WIDTH, WIDTH) {
        let x = MARGIN_X + (WIDTH - text_width(&l, TITLE_SIZE)) / 2.0;
        bold(
            &mut flow.out,
            TITLE_SIZE,
            x,
            baseline(flow.y, line, TITLE_SIZE),
            &l,
        );
        flow.y -= line;
    }
    let line = SUBTITLE_SIZE * LEADING;
    for l in wrap(&doc.subtitle, SUBTITLE_SIZE, WIDTH, WIDTH) {
        let x = MARGIN_X + (WIDTH - text_width(&l, SUBTITLE_SIZE)) / 2.0;
        text(
            &mut flow.out,
            SUBTITLE_SIZE,
            x,
            baseline(flow.y, line, SUBTITLE_SIZE),
            &l,
        );
        flow.y -= line;
    }
    if flow.y < TOP {
        flow.y -= 10.0;
    }
}

/// A heading kept together with two lines of what follows it.
fn heading(flow: &mut Flow, value: &str, size: f32, before: f32) {
    let line = size * 1.6;
    let lines = wrap(value, size, WIDTH, WIDTH);
    let keep = 2.0 * BODY_SIZE * LEADING;
    flow.start(before, lines.len() as f32 * line + keep);
    for l in lines {
        bold(
            &mut flow.out,
            size,
            MARGIN_X,
            baseline(flow.y, line, size),
            &l,
        );
        flow.y -= line;
    }
}

fn paragraph(flow: &mut Flow, value: &str) {
    let line = BODY_SIZE * LEADING;
    let indent = 2.0 * BODY_SIZE;
    let lines = wrap(value, BODY_SIZE, WIDTH - indent, WIDTH);
    // No single first line left at the foot of a page.
    flow.start(4.0, lines.len().min(2) as f32 * line);
    for (i, l) in lines.iter().enumerate() {
        flow.need(line);
        let x = if i == 0 { MARGIN_X + indent } else { MARGIN_X };
        text(
            &mut flow.out,
            BODY_SIZE,
            x,
            baseline(flow.y, line, BODY_SIZE),
            l,
        );
        flow.y -= line;
    }
}

/// A table's geometry: where each column starts and how wide it is.
struct Grid {
    x: Vec<f32>,
    width: Vec<f32>,
}

/// Widths in proportion to each column's longest cell (head included),
/// each bounded to between two characters and half the page, scaled to fill
/// the page width.
fn grid(heads: &[String], rows: &[Vec<String>]) -> Grid {
    let columns = rows.iter().map(Vec::len).fold(heads.len(), usize::max);
    let least = 2.0 * TABLE_SIZE + 2.0 * CELL_PAD_X;
    let most = WIDTH / 2.0;
    let natural: Vec<f32> = (0..columns)
        .map(|c| {
            let longest = heads
                .get(c)
                .into_iter()
                .chain(rows.iter().filter_map(|r| r.get(c)))
                .map(|v| text_width(v, TABLE_SIZE))
                .fold(0.0, f32::max);
            (longest + 2.0 * CELL_PAD_X).clamp(least, most)
        })
        .collect();
    let scale = WIDTH / natural.iter().sum::<f32>().max(1.0);
    let width: Vec<f32> = natural.iter().map(|w| w * scale).collect();
    let x = width
        .iter()
        .scan(MARGIN_X, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    Grid { x, width }
}

/// A row's cells, each wrapped to its column, and the row's height.
fn wrap_row(grid: &Grid, cells: &[String]) -> (Vec<Vec<String>>, f32) {
    let wrapped: Vec<Vec<String>> = grid
        .width
        .iter()
        .enumerate()
        .map(|(c, w)| {
            let inner = w - 2.0 * CELL_PAD_X;
            wrap(
                cells.get(c).map_or("", String::as_str),
                TABLE_SIZE,
                inner,
                inner,
            )
        })
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
    (wrapped, lines as f32 * TABLE_LINE + 2.0 * CELL_PAD_Y)
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

fn draw_row(
    out: &mut String,
    grid: &Grid,
    cells: &[Vec<String>],
    top: f32,
    align: &dyn Fn(usize) -> Align,
    head: bool,
) {
    for (c, lines) in cells.iter().enumerate() {
        for (i, l) in lines.iter().enumerate() {
            let inner = grid.width[c] - 2.0 * CELL_PAD_X;
            let x = grid.x[c]
                + CELL_PAD_X
                + match align(c) {
                    Align::Left => 0.0,
                    Align::Centre => (inner - text_width(l, TABLE_SIZE)) / 2.0,
                    Align::Right => inner - text_width(l, TABLE_SIZE),
                };
            let y = baseline(
                top - CELL_PAD_Y - i as f32 * TABLE_LINE,
                TABLE_LINE,
                TABLE_SIZE,
            );
            if head {
                bold(out, TABLE_SIZE, x, y, l);
            } else {
                text(out, TABLE_SIZE, x, y, l);
            }
        }
    }
}

fn rule(out: &mut String, y: f32, weight: f32) {
    let _ = writeln!(
        out,
        "{weight:.2} w {MARGIN_X:.2} {y:.2} m {:.2} {y:.2} l S",
        MARGIN_X + WIDTH
    );
}

/// A three-line table: a heavy rule over the head, a light one under it and
/// a heavy one under the last row on each page; rows that do not fit go to
/// the next page under the head again.
fn table(flow: &mut Flow, heads: &[String], rows: &[Vec<String>], right: &[bool]) {
    let grid = grid(heads, rows);
    let (head_cells, head_height) = wrap_row(&grid, heads);
    let body: Vec<(Vec<Vec<String>>, f32)> = rows.iter().map(|r| wrap_row(&grid, r)).collect();
    let first = body.first().map_or(0.0, |b| b.1);
    let align = |c: usize| {
        if right.get(c).copied().unwrap_or(false) {
            Align::Right
        } else {
            Align::Left
        }
    };
    let draw_head = |flow: &mut Flow| {
        rule(&mut flow.out, flow.y, 1.0);
        draw_row(
            &mut flow.out,
            &grid,
            &head_cells,
            flow.y,
            &|_| Align::Centre,
            true,
        );
        flow.y -= head_height;
        rule(&mut flow.out, flow.y, 0.5);
    };
    flow.start(6.0, head_height + first);
    draw_head(flow);
    let mut on_page = 0;
    for (cells, height) in &body {
        if on_page > 0 && flow.y - height < BOTTOM {
            rule(&mut flow.out, flow.y, 1.0);
            flow.new_page();
            draw_head(flow);
            on_page = 0;
        }
        draw_row(&mut flow.out, &grid, cells, flow.y, &align, false);
        flow.y -= height;
        on_page += 1;
    }
    rule(&mut flow.out, flow.y, 1.0);
    flow.y -= 8.0;
}

fn footer(out: &mut String, note: &str, number: usize, count: usize) {
    let _ = writeln!(
        out,
        "0.3 w {MARGIN_X:.2} {:.2} m {:.2} {:.2} l S",
        FOOTER_Y + 12.0,
        MARGIN_X + WIDTH,
        FOOTER_Y + 12.0
    );
    if !note.is_empty() {
        text(out, FOOTER_SIZE, MARGIN_X, FOOTER_Y, note);
    }
    let page = format!("第 {number} 页 / 共 {count} 页");
    let x = MARGIN_X + WIDTH - text_width(&page, FOOTER_SIZE);
    text(out, FOOTER_SIZE, x, FOOTER_Y, &page);
}

/// Characters a line must not start with: they stay with what they follow.
const NO_START: &str = "，。、；：？！）》」』】〕〉”’…—·%‰,.;:?!)]}";
/// Characters a line must not end with: they go with what they precede.
const NO_END: &str = "（《「『【〔〈“‘([{";

fn no_start(token: &str) -> bool {
    token.chars().next().is_some_and(|c| NO_START.contains(c))
}

fn no_end(token: &str) -> bool {
    token.chars().last().is_some_and(|c| NO_END.contains(c))
}

/// Break units: a run of printable ASCII other than the space (a word or a
/// number), a single space, or any other single character.
fn tokens(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (i, c) in value.char_indices() {
        let in_word = c.is_ascii() && c != ' ';
        match (word, in_word) {
            (None, true) => word = Some(i),
            (Some(_), true) => {}
            (Some(start), false) => {
                out.push(&value[start..i]);
                word = None;
                out.push(&value[i..i + c.len_utf8()]);
            }
            (None, false) => out.push(&value[i..i + c.len_utf8()]),
        }
    }
    if let Some(start) = word {
        out.push(&value[start..]);
    }
    out
}

/// Wraps `value` at type `size` into lines at most `first` points wide for
/// the first line and `width` for the rest. Lines break between CJK
/// characters and at spaces, never inside an ASCII word unless the word is
/// wider than a line; a closing mark never starts a line nor an opening one
/// ends it (the character before moves down with it). "\n" breaks a line.
pub(crate) fn wrap(value: &str, size: f32, first: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let limit = |n: usize| if n == 0 { first } else { width };
    let fits = |w: f32, n: usize| w <= limit(n) + 0.01;
    let line_width = |line: &[&str]| line.iter().map(|t| text_width(t, size)).sum::<f32>();
    let flush = |lines: &mut Vec<String>, line: &mut Vec<&str>| {
        while line.last() == Some(&" ") {
            line.pop();
        }
        lines.push(line.concat());
        line.clear();
    };
    for hard in value.split('\n') {
        let mut line: Vec<&str> = Vec::new();
        let mut w = 0.0;
        let start = lines.len();
        for token in tokens(hard) {
            let tw = text_width(token, size);
            if token == " " && line.is_empty() {
                continue;
            }
            if fits(w + tw, lines.len()) {
                line.push(token);
                w += tw;
                continue;
            }
            if token == " " {
                flush(&mut lines, &mut line);
                w = 0.0;
                continue;
            }
            if !line.is_empty() {
                let mut carry: Vec<&str> = Vec::new();
                if no_start(token) {
                    while line.len() > 1 {
                        let Some(last) = line.pop() else { break };
                        carry.insert(0, last);
                        if !no_start(last) {
                            break;
                        }
                    }
                }
                while line.len() > 1 && line.last().is_some_and(|t| no_end(t)) {
                    if let Some(last) = line.pop() {
                        carry.insert(0, last);
                    }
                }
                flush(&mut lines, &mut line);
                line = carry;
                w = line_width(&line);
                if fits(w + tw, lines.len()) {
                    line.push(token);
                    w += tw;
                    continue;
                }
                if !line.is_empty() {
                    flush(&mut lines, &mut line);
                }
            }
            // Alone on its line and still too wide: a long ASCII word, cut
            // where it must be.
            let mut rest = token;
            while !fits(text_width(rest, size), lines.len()) {
                let mut cut = 0;
                let mut used = 0.0;
                for (i, c) in rest.char_indices() {
                    let cw = text_width(&rest[i..i + c.len_utf8()], size);
                    if cut > 0 && !fits(used + cw, lines.len()) {
                        break;
                    }
                    used += cw;
                    cut = i + c.len_utf8();
                }
                if cut >= rest.len() {
                    break;
                }
                lines.push(rest[..cut].to_string());
                rest = &rest[cut..];
            }
            line = vec![rest];
            w = text_width(rest, size);
        }
        if !line.is_empty() || lines.len() == start {
            flush(&mut lines, &mut line);
        }
    }
    if lines.len() == 1 && lines[0].is_empty() {
        lines.clear();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::tests::assert_well_formed;
    use crate::pdf::ucs2_hex;

    fn shown(value: &str) -> String {
        format!("<{}> Tj", ucs2_hex(value))
    }

    #[test]
    fn cjk_is_a_full_em_and_ascii_half() {
        let cjk = wrap(&"住".repeat(25), 10.0, 100.0, 100.0);
        assert_eq!(
            cjk.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        // Twice as many ASCII characters fit; a word wider than the line is cut.
        let ascii = wrap(&"8".repeat(50), 10.0, 100.0, 100.0);
        assert_eq!(
            ascii.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [20, 20, 10]
        );
        // Words stay whole, spaces at a break go, CJK breaks anywhere.
        assert_eq!(
            wrap("hello world 你好世界朋友", 10.0, 60.0, 60.0),
            ["hello world", "你好世界朋友"]
        );
        assert_eq!(
            wrap("缴存额1,234.56亿元", 10.0, 60.0, 60.0),
            ["缴存额", "1,234.56亿元"]
        );
        for l in wrap(&"缴存 HPF 2025 年度报告。".repeat(9), 10.5, 200.0, 300.0) {
            assert!(text_width(&l, 10.5) <= 300.01, "{l}");
        }
    }

    #[test]
    fn first_lines_indent_explicit_breaks_and_punctuation() {
        let indented = wrap(&"中".repeat(20), 10.0, 80.0, 100.0);
        assert_eq!(
            indented
                .iter()
                .map(|l| l.chars().count())
                .collect::<Vec<_>>(),
            [8, 10, 2]
        );
        // The full stop does not start a line: the character before it moves down.
        assert_eq!(
            wrap("一二三四五六七八九十。", 10.0, 100.0, 100.0),
            ["一二三四五六七八九", "十。"]
        );
        // An opening bracket does not end one.
        assert_eq!(
            wrap("一二三四五六七八（九）", 10.0, 90.0, 90.0),
            ["一二三四五六七八", "（九）"]
        );
        assert_eq!(wrap("甲\n乙", 10.0, 100.0, 100.0), ["甲", "乙"]);
        assert!(wrap("", 10.0, 100.0, 100.0).is_empty());
    }

    #[test]
    fn columns_follow_their_longest_cells_within_bounds() {
        let heads = vec!["项目".to_string(), "金额".to_string(), "备注".to_string()];
        let rows = vec![vec![
            "住房公积金缴存额".to_string(),
            "1.00".to_string(),
            "很".repeat(200),
        ]];
        let g = grid(&heads, &rows);
        assert!((g.width.iter().sum::<f32>() - WIDTH).abs() < 0.01);
        assert!(g.width[0] > g.width[1]);
        assert!(g.width[2] > g.width[0]);
        // The long note is capped at half the page before scaling, so the
        // others keep room.
        assert!(g.width[0] >= text_width("住房公积金缴存额", TABLE_SIZE));
        assert!((g.x[1] - (g.x[0] + g.width[0])).abs() < 0.01);
    }

    fn report(rows: usize) -> ReportDoc {
        ReportDoc {
            title: "住房公积金年度报告".to_string(),
            subtitle: "安居".to_string(),
            sections: vec![Section {
                heading: "一、业务运行情况".to_string(),
                blocks: vec![
                    Block::Heading("（一）缴存".to_string()),
                    Block::Paragraph("本年缴存额持续增长。".repeat(30)),
                    Block::Table {
                        heads: vec!["单位".to_string(), "缴存额（万元）".to_string()],
                        rows: (0..rows)
                            .map(|i| vec![format!("单位{i}号"), format!("{i}.00")])
                            .collect(),
                        right: vec![false, true],
                    },
                ],
            }],
            footer: "苏州市住房公积金管理中心".to_string(),
            first_page_marks: String::new(),
        }
    }

    /// Every baseline on the page, from the "x y Td" of each text run.
    fn baselines(page: &str) -> Vec<f32> {
        page.lines()
            .filter_map(|l| l.split(" Td").next().filter(|_| l.contains(" Td")))
            .filter_map(|l| l.split_whitespace().last()?.parse().ok())
            .collect()
    }

    #[test]
    fn long_tables_split_over_pages_under_a_repeated_head() {
        let pages = layout(&report(150));
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let head = shown("缴存额（万元）");
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(page.matches(&head).count(), 1, "page {}", i + 1);
            let footer = shown(&format!("第 {} 页 / 共 {} 页", i + 1, pages.len()));
            assert!(page.contains(&footer), "page {}", i + 1);
            for y in baselines(page) {
                assert!((FOOTER_Y - 0.01..=TOP).contains(&y), "page {} y {y}", i + 1);
                assert!(y == FOOTER_Y || y >= BOTTOM, "page {} y {y}", i + 1);
            }
        }
        let all = pages.concat();
        for i in 0..150 {
            assert_eq!(
                all.matches(&shown(&format!("单位{i}号"))).count(),
                1,
                "row {i}"
            );
        }
        // Rows run in order across the page breaks.
        let second = &pages[1];
        let last_on_first = (0..150)
            .rev()
            .find(|i| pages[0].contains(&shown(&format!("单位{i}号"))))
            .expect("rows on page 1");
        assert!(second.contains(&shown(&format!("单位{}号", last_on_first + 1))));
    }

    #[test]
    fn a_report_is_a_well_formed_pdf_with_bold_headings_and_a_title() {
        let text = assert_well_formed(&render_report(&report(3)));
        assert!(text.contains("/Count 1"));
        assert!(text.contains(&ucs2_hex("住房公积金年度报告")));
        assert!(text.contains("2 Tr"), "headings drawn filled and stroked");
        assert!(text.contains("/Info ") && text.contains("/Title <FEFF"));
        assert!(text.contains(&ucs2_hex("第 1 页 / 共 1 页")));
        let empty = assert_well_formed(&render_report(&ReportDoc::default()));
        assert!(empty.contains("/Count 1") && !empty.contains("/Info "));
    }
}
