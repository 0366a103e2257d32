//! The yearly report (住房公积金年度报告) for people: a standalone printable
//! HTML document and a PDF, both from one mapping of
//! [`anju_app::fund::AnnualReport`] onto [`crate::pdf_doc::ReportDoc`], so
//! the staff page, the download and `anju report annual` say the same
//! thing. Figure lines become four-column tables (项目 / 本年 / 上年 /
//! 同比); the per-branch table closes the report with amounts in 万元.

use crate::pdf_doc::{self, Block, ReportDoc, Section};
use anju_app::fund::{AnnualReport, BranchRow, ReportPart, grouped};
use anju_domain::Date;
use askama::Template;

const LINE_HEADS: [&str; 4] = ["项目", "本年", "上年", "同比"];
const BRANCH_HEADS: [&str; 11] = [
    "分中心",
    "实缴单位（家）",
    "实缴职工（人）",
    "缴存额（万元）",
    "提取笔数",
    "提取额（万元）",
    "发放笔数",
    "发放额（万元）",
    "贷款余额（万元）",
    "逾期额（万元）",
    "缴存余额（万元）",
];
const BRANCH_HEADING: &str = "附表：分中心主要业务数据";

/// The report as a standalone HTML document (styles inline, no script),
/// ready to print or save.
pub fn report_html(report: &AnnualReport) -> String {
    let page = AnnualReportPage {
        view: report_view(report),
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "annual report template");
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{0}</title></head><body><p>{0}：报告生成失败。</p></body></html>",
            escape(&report.title)
        )
    })
}

/// The report as PDF bytes.
pub fn report_pdf(report: &AnnualReport) -> Vec<u8> {
    pdf_doc::render_report(&report_doc(report))
}

/// The report as the PDF writer takes it (and the HTML views are made from).
pub fn report_doc(report: &AnnualReport) -> ReportDoc {
    let mut sections: Vec<Section> = report
        .sections
        .iter()
        .map(|s| Section {
            heading: s.heading.clone(),
            blocks: s.parts.iter().map(block_of).collect(),
        })
        .collect();
    sections.push(Section {
        heading: BRANCH_HEADING.to_string(),
        blocks: vec![branch_table(&report.branches)],
    });
    ReportDoc {
        title: report.title.clone(),
        subtitle: subtitle(report),
        sections,
        footer: format!("{} · 数据截至 {}", report.centre_name, report.as_of),
        first_page_marks: String::new(),
    }
}

/// A part of the report as a block: figure lines become a four-column
/// table (项目 / 本年 / 上年 / 同比).
fn block_of(part: &ReportPart) -> Block {
    match part {
        ReportPart::Heading(text) => Block::Heading(text.clone()),
        ReportPart::Paragraph(text) => Block::Paragraph(text.clone()),
        ReportPart::Lines(lines) => Block::Table {
            heads: LINE_HEADS.map(String::from).to_vec(),
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.label.clone(),
                        l.value.clone(),
                        l.previous.clone(),
                        l.change.clone(),
                    ]
                })
                .collect(),
            right: vec![false, true, true, true],
        },
        ReportPart::Table { heads, rows, right } => Block::Table {
            heads: heads.clone(),
            rows: rows.clone(),
            right: right.clone(),
        },
    }
}

/// "2025年度" for a year that has ended, else "2026年1月1日至2026年11月29日".
fn subtitle(report: &AnnualReport) -> String {
    let ended = Date::from_ymd(report.year, 12, 31).is_ok_and(|end| report.as_of >= end);
    if ended {
        format!("{}年度", report.year)
    } else {
        let (y, m, d) = report.as_of.ymd();
        format!("{}年1月1日至{y}年{m}月{d}日（年度未结束）", report.year)
    }
}

/// A branch's figures in the order of `BRANCH_HEADS` after the name.
fn branch_values(b: &BranchRow) -> [i64; 10] {
    let f = &b.figures;
    [
        f.employers,
        f.members,
        f.collection_fen.get(),
        f.withdrawals,
        f.withdrawals_fen.get(),
        f.loans_issued,
        f.loans_issued_fen.get(),
        f.loan_balance_fen.get(),
        f.overdue_principal_fen.get(),
        f.deposit_balance_fen.get(),
    ]
}

/// One row per branch and a 合计 row.
fn branch_table(branches: &[BranchRow]) -> Block {
    let mut rows: Vec<Vec<String>> = branches
        .iter()
        .map(|b| branch_cells(&b.name, branch_values(b)))
        .collect();
    if branches.is_empty() {
        rows.push(
            std::iter::once("本年暂无分中心业务数据".to_string())
                .chain(std::iter::repeat_n("—".to_string(), BRANCH_HEADS.len() - 1))
                .collect(),
        );
    } else {
        let mut total = [0i64; 10];
        for b in branches {
            for (sum, v) in total.iter_mut().zip(branch_values(b)) {
                *sum = sum.saturating_add(v);
            }
        }
        rows.push(branch_cells("合计", total));
    }
    let mut right = vec![true; BRANCH_HEADS.len()];
    right[0] = false;
    Block::Table {
        heads: BRANCH_HEADS.map(String::from).to_vec(),
        rows,
        right,
    }
}

/// Counts grouped, amounts (columns 2, 4, 6–9) in 万元.
fn branch_cells(name: &str, v: [i64; 10]) -> Vec<String> {
    const MONEY: [bool; 10] = [
        false, false, true, false, true, false, true, true, true, true,
    ];
    std::iter::once(name.to_string())
        .chain(
            v.iter()
                .zip(MONEY)
                .map(|(value, money)| if money { wan(*value) } else { grouped(*value) }),
        )
        .collect()
}

/// Fen as 万元 with two decimals, half away from zero, grouped: `1,234.57`.
pub fn wan(fen: i64) -> String {
    const WAN_FEN: i128 = 1_000_000;
    let scaled = i128::from(fen).abs() * 100;
    let mut hundredths = scaled / WAN_FEN;
    if (scaled % WAN_FEN) * 2 >= WAN_FEN {
        hundredths += 1;
    }
    let whole = i64::try_from(hundredths / 100).unwrap_or(i64::MAX);
    let sign = if fen < 0 && hundredths > 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", grouped(whole), hundredths % 100)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A cell of an HTML table.
pub struct Cell {
    pub text: String,
    pub right: bool,
}

/// What a section of the HTML report holds.
pub enum HtmlBlock {
    Heading(String),
    Paragraph(String),
    Table {
        heads: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
    },
}

pub struct HtmlSection {
    pub heading: String,
    pub blocks: Vec<HtmlBlock>,
}

/// The report as the templates show it (the standalone document and the
/// staff page include the same body).
pub struct ReportView {
    pub title: String,
    pub subtitle: String,
    pub footer: String,
    pub sections: Vec<HtmlSection>,
}

pub fn report_view(report: &AnnualReport) -> ReportView {
    let doc = report_doc(report);
    ReportView {
        title: doc.title,
        subtitle: doc.subtitle,
        footer: doc.footer,
        sections: doc
            .sections
            .into_iter()
            .map(|s| HtmlSection {
                heading: s.heading,
                blocks: s.blocks.into_iter().map(html_block).collect(),
            })
            .collect(),
    }
}

fn html_block(block: Block) -> HtmlBlock {
    match block {
        Block::Heading(h) => HtmlBlock::Heading(h),
        Block::Paragraph(p) => HtmlBlock::Paragraph(p),
        Block::Table { heads, rows, right } => {
            let cells = |row: Vec<String>| {
                row.into_iter()
                    .enumerate()
                    .map(|(i, text)| Cell {
                        text,
                        right: right.get(i).copied().unwrap_or(false),
                    })
                    .collect::<Vec<_>>()
            };
            HtmlBlock::Table {
                heads: cells(heads),
                rows: rows.into_iter().map(cells).collect(),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "annual_report.html")]
struct AnnualReportPage {
    view: ReportView,
}

#[cfg(test)]
mod tests {
    use super::{grouped, wan};

    #[test]
    fn amounts_read_in_wan_yuan() {
        assert_eq!(wan(0), "0.00");
        assert_eq!(wan(1_000_000), "1.00");
        assert_eq!(wan(123_456_789_012), "123,456.79");
        assert_eq!(wan(5_000), "0.01");
        assert_eq!(wan(4_999), "0.00");
        assert_eq!(wan(-2_500_000), "-2.50");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-1_000), "-1,000");
        assert_eq!(grouped(999), "999");
    }
}
