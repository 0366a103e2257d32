//! The yearly report (住房公积金年度报告) in the national template's order
//! (indicators-standards §1.2): organisation, business operation, main
//! financial data, asset risk, social and economic benefits, other matters
//! (the flexible-employment pilot and the plan's KPIs), plus a per-branch
//! table. The model is presentation-ready (labels, values as text) so the
//! page, the PDF and `anju report annual` show the same thing.

use super::{Statements, same_day_a_year_before, year_span};
use crate::Fund;
use crate::withdrawal::WithdrawalIndicators;
use crate::{App, AppResult};
use anju_domain::fund::DistributionStatus;
use anju_domain::fund::indicators::LOAN_REPAYMENT_REASON;
use anju_domain::fund::{KpiFigures, KpiStatus, Ratio, YearFigures, indicators as ind};
use anju_domain::{Date, Fen};
use anju_store::BranchFigures;

/// Suzhou's branches (分中心) and the management department, by the code
/// an employer carries. Not confirmed against the centre's own code table
/// (docs/fund.md says so); members without an employer are the centre's own.
pub const BRANCHES: &[(&str, &str)] = &[
    ("", "未分配分中心（含灵活就业）"),
    ("01", "管理部（市区）"),
    ("02", "张家港分中心"),
    ("03", "常熟分中心"),
    ("04", "太仓分中心"),
    ("05", "昆山分中心"),
    ("06", "吴江分中心"),
    ("07", "吴中分中心"),
    ("08", "相城分中心"),
    ("09", "高新区分中心"),
    ("10", "姑苏分中心"),
];

pub fn branch_name(code: &str) -> String {
    BRANCHES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| format!("分中心 {code}"), |(_, name)| (*name).to_string())
}

/// The report, section by section.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub year: i32,
    pub as_of: Date,
    pub title: String,
    pub centre_name: String,
    pub figures: YearFigures,
    pub previous: Option<YearFigures>,
    pub sections: Vec<ReportSection>,
    pub branches: Vec<BranchRow>,
}

#[derive(Debug, Clone)]
pub struct ReportSection {
    pub heading: String,
    pub parts: Vec<ReportPart>,
}

#[derive(Debug, Clone)]
pub enum ReportPart {
    Heading(String),
    Paragraph(String),
    /// 项目 / 本年 / 上年 / 同比.
    Lines(Vec<ReportLine>),
    Table {
        heads: Vec<String>,
        rows: Vec<Vec<String>>,
        right: Vec<bool>,
    },
}

/// One figure of the report with last year's and the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
}

/// One branch's line of the per-branch table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRow {
    pub code: String,
    pub name: String,
    pub figures: BranchFigures,
}

impl App {
    /// The plan's KPIs for the report's year, its figures as of `to`.
    async fn year_kpis(
        &self,
        to: Date,
        figures: &YearFigures,
        previous: Option<&YearFigures>,
    ) -> AppResult<Vec<anju_domain::fund::KpiResult>> {
        let catalogue = self.fund().plan_catalogue();
        let inputs = self.fund().inputs_in_force(to.year()).await?;
        let baseline = self.fund().baseline_figures(&catalogue, to).await?;
        let on = KpiFigures {
            year: figures,
            previous,
            baseline: baseline.as_ref(),
        };
        Ok(anju_domain::fund::evaluate(
            &catalogue,
            to.year(),
            on,
            &inputs,
        ))
    }

    async fn branch_rows(&self, from: Date, to: Date) -> AppResult<Vec<BranchRow>> {
        Ok(self
            .fund_port()
            .branch_figures(from, to)
            .await?
            .into_iter()
            .map(|figures| BranchRow {
                code: figures.branch_code.clone(),
                name: branch_name(&figures.branch_code),
                figures,
            })
            .collect())
    }
}

impl Fund<'_> {
    /// The report for `year` as of `as_of` (a year not yet ended is
    /// reported to date).
    pub async fn annual_report(self, year: i32, as_of: Date) -> AppResult<AnnualReport> {
        let (from, to) = year_span(year, as_of)?;
        let figures = self.year_figures(year, as_of).await?;
        // The same part of the year before (all of it once `year` is over).
        let previous = Some(
            self.year_figures(year - 1, same_day_a_year_before(to)?)
                .await?,
        );
        let statements = self.statements(from, to).await?;
        let withdrawals = self.withdrawals().withdrawal_indicators(from, to).await?;
        let kpis = self.year_kpis(to, &figures, previous.as_ref()).await?;
        let branches = self.branch_rows(from, to).await?;
        let policy = self.policy();
        let centre_name = policy.centre_name.clone();
        let p = previous.as_ref();
        let sections = vec![
            organisation(&centre_name, &branches),
            operation(&figures, p, &withdrawals),
            finance(&figures, p, &statements),
            risk(&figures, p),
            benefits(&figures, p),
            other(&figures, p, &kpis),
        ];
        Ok(AnnualReport {
            year,
            as_of,
            title: format!("{centre_name}{year}年年度报告"),
            centre_name,
            figures,
            previous,
            sections,
            branches,
        })
    }
}

fn organisation(centre: &str, branches: &[BranchRow]) -> ReportSection {
    let named: Vec<String> = branches
        .iter()
        .filter(|b| !b.code.is_empty())
        .map(|b| b.name.clone())
        .collect();
    ReportSection {
        heading: "一、机构概况".to_string(),
        parts: vec![
            ReportPart::Heading("（一）住房公积金管理委员会".to_string()),
            ReportPart::Paragraph(
                "管理委员会审议通过本年度报告；委员名单与会议情况由中心办公室另行公布。"
                    .to_string(),
            ),
            ReportPart::Heading("（二）住房公积金管理中心".to_string()),
            ReportPart::Paragraph(format!(
                "{centre}实行全市统一管理，本年有业务的机构 {} 个：{}。",
                named.len(),
                if named.is_empty() {
                    "—".to_string()
                } else {
                    named.join("、")
                }
            )),
        ],
    }
}

fn operation(
    f: &YearFigures,
    p: Option<&YearFigures>,
    withdrawals: &WithdrawalIndicators,
) -> ReportSection {
    let share_of = |sum: Fen| {
        share(Ratio::new(
            i128::from(sum.get()),
            i128::from(f.withdrawals_fen),
        ))
    };
    let mut reasons: Vec<Vec<String>> = withdrawals
        .by_reason
        .iter()
        .map(|(code, name, count, sum)| {
            vec![
                code.clone(),
                name.clone(),
                count.to_string(),
                money(sum.get()),
                share_of(*sum),
            ]
        })
        .collect();
    // Repaid straight from the balance: a reason-06 withdrawal the
    // register does not hold, so its count is not known here.
    if withdrawals.repaid_from_balance != Fen::ZERO {
        reasons.push(vec![
            LOAN_REPAYMENT_REASON.to_string(),
            "偿还购房贷款本息（贷款直接扣划公积金）".to_string(),
            "—".to_string(),
            money(withdrawals.repaid_from_balance.get()),
            share_of(withdrawals.repaid_from_balance),
        ]);
    }
    ReportSection {
        heading: "二、业务运行情况".to_string(),
        parts: vec![
            ReportPart::Heading("（一）缴存".to_string()),
            ReportPart::Lines(vec![
                count_line("新开户单位（家）", f, p, |x| x.new_employers),
                count_line("新开户职工（人）", f, p, |x| x.new_members),
                count_line("实缴单位（家）", f, p, |x| x.contributing_employers),
                count_line("实缴职工（人）", f, p, |x| x.contributing_members),
                money_line("缴存额", f, p, |x| x.collection_fen),
                money_line("缴存总额", f, p, |x| x.cumulative_collection_fen),
                money_line("缴存余额", f, p, |x| x.deposit_balance_fen),
            ]),
            ReportPart::Heading("（二）提取".to_string()),
            ReportPart::Lines(vec![
                count_line("提取人数（人）", f, p, |x| x.withdrawers),
                money_line("提取额", f, p, |x| x.withdrawals_fen),
                ratio_line("提取率", f, p, ind::withdrawal_rate),
                ratio_line("住房消费类提取占比", f, p, ind::housing_withdrawal_share),
                money_line("提取总额", f, p, |x| x.cumulative_withdrawals_fen),
            ]),
            ReportPart::Table {
                heads: ["代码", "提取原因", "笔数", "金额", "占比"]
                    .map(String::from)
                    .to_vec(),
                rows: reasons,
                right: vec![false, false, true, true, true],
            },
            ReportPart::Heading("（三）贷款".to_string()),
            ReportPart::Lines(vec![
                count_line("发放个人住房贷款（笔）", f, p, |x| {
                    x.loans_issued_count
                }),
                money_line("发放金额", f, p, |x| x.loans_issued_fen),
                count_line("其中异地贷款（笔）", f, p, |x| {
                    x.remote_loans_count
                }),
                money_line("异地贷款金额", f, p, |x| x.remote_loans_fen),
                money_line("回收贷款本金（含项目贷款）", f, p, |x| {
                    x.loans_repaid_fen
                }),
                money_line("个人住房贷款余额", f, p, |x| x.loan_balance_fen),
                ratio_line("个人住房贷款率（个贷率）", f, p, ind::loan_ratio),
                money_line("项目贷款发放额", f, p, |x| {
                    x.project_loans_issued_fen
                }),
                money_line("项目贷款余额", f, p, |x| x.project_loan_balance_fen),
            ]),
            ReportPart::Heading("（四）购买国债".to_string()),
            ReportPart::Lines(vec![money_line("国债余额", f, p, |x| {
                x.bond_balance_fen
            })]),
            ReportPart::Heading("（五）资金存储".to_string()),
            ReportPart::Lines(vec![money_line(
                "住房公积金存款（银行存款）",
                f,
                p,
                |x| x.fund_bank_deposits_fen,
            )]),
            ReportPart::Heading("（六）资金运用率".to_string()),
            ReportPart::Lines(vec![ratio_line("资金运用率", f, p, ind::utilisation)]),
        ],
    }
}

fn finance(f: &YearFigures, p: Option<&YearFigures>, s: &Statements) -> ReportSection {
    let statement_rows = |lines: &[anju_domain::fund::StatementLine]| {
        lines
            .iter()
            .map(|l| {
                vec![
                    l.gl_code.to_string(),
                    l.name.to_string(),
                    money(l.amount_fen.get()),
                ]
            })
            .collect::<Vec<_>>()
    };
    let heads = || ["科目", "项目", "金额"].map(String::from).to_vec();
    let mut parts = vec![
        ReportPart::Heading("（一）业务收入".to_string()),
        ReportPart::Table {
            heads: heads(),
            rows: statement_rows(&s.income_statement.income),
            right: vec![false, false, true],
        },
        ReportPart::Heading("（二）业务支出".to_string()),
        ReportPart::Table {
            heads: heads(),
            rows: statement_rows(&s.income_statement.expense),
            right: vec![false, false, true],
        },
        ReportPart::Heading("（三）增值收益".to_string()),
        ReportPart::Lines(vec![
            money_line("业务收入", f, p, |x| x.business_income_fen),
            money_line("业务支出", f, p, |x| x.business_expense_fen),
            money_line("增值收益", f, p, ind::value_added_fen),
            ratio_line("增值收益率", f, p, ind::value_added_rate),
        ]),
        ReportPart::Heading("（四）增值收益分配".to_string()),
    ];
    parts.push(match &s.distribution {
        Some(d) => ReportPart::Table {
            heads: ["项目", "金额"].map(String::from).to_vec(),
            rows: vec![
                vec!["提取贷款风险准备金".to_string(), money(d.reserve_fen.get())],
                vec!["提取管理费用".to_string(), money(d.management_fen.get())],
                vec![
                    "提取城市廉租住房（公共租赁住房）建设补充资金".to_string(),
                    money(d.public_rental_fen.get()),
                ],
                vec![
                    "状态".to_string(),
                    if d.status == DistributionStatus::Approved {
                        "已审批入账".to_string()
                    } else {
                        "已编制，待审批".to_string()
                    },
                ],
            ],
            right: vec![false, true],
        },
        None => ReportPart::Paragraph("本年度增值收益分配方案尚未编制。".to_string()),
    });
    ReportSection {
        heading: "三、主要财务数据".to_string(),
        parts,
    }
}

fn risk(f: &YearFigures, p: Option<&YearFigures>) -> ReportSection {
    ReportSection {
        heading: "四、资产风险状况".to_string(),
        parts: vec![
            ReportPart::Heading("（一）个人住房贷款".to_string()),
            ReportPart::Lines(vec![
                money_line("个人住房贷款逾期额", f, p, |x| {
                    x.overdue_principal_fen
                }),
                permille_line("个人住房贷款逾期率", f, p, ind::overdue_rate),
                money_line("贷款风险准备金余额", f, p, |x| x.risk_reserve_fen),
                ratio_line("风险准备金充足率", f, p, ind::reserve_adequacy),
            ]),
        ],
    }
}

fn benefits(f: &YearFigures, p: Option<&YearFigures>) -> ReportSection {
    ReportSection {
        heading: "五、社会经济效益".to_string(),
        parts: vec![ReportPart::Lines(vec![
            ratio_line("住房贡献率", f, p, ind::housing_contribution_rate),
            money_line("住房消费类提取额", f, p, |x| {
                x.housing_withdrawals_fen
            }),
            ratio_line("不见面办理率", f, p, ind::contactless_rate),
        ])],
    }
}

fn other(
    f: &YearFigures,
    p: Option<&YearFigures>,
    kpis: &[anju_domain::fund::KpiResult],
) -> ReportSection {
    let rows = kpis
        .iter()
        .map(|k| {
            vec![
                k.id.clone(),
                k.name.clone(),
                k.value.as_ref().map_or("—".to_string(), |v| v.text(k.unit)),
                k.target_this_year
                    .as_ref()
                    .map_or("—".to_string(), |v| v.text(k.unit)),
                status_text(k.status, k.from_input),
            ]
        })
        .collect();
    ReportSection {
        heading: "六、其他重要事项".to_string(),
        parts: vec![
            ReportPart::Heading("（一）灵活就业人员参加住房公积金制度试点工作进展情况".to_string()),
            ReportPart::Lines(vec![
                count_line("灵活就业缴存人数（人）", f, p, |x| {
                    x.flexible_contributors
                }),
                ratio_line("占单位缴存职工比例", f, p, ind::flexible_share),
            ]),
            ReportPart::Heading("（二）服务质量与行政执法".to_string()),
            ReportPart::Lines(vec![
                count_line("受理投诉（件）", f, p, |x| x.complaints_received),
                count_line("调处投诉（件）", f, p, |x| x.complaints_mediated),
                count_line("查实的服务质量投诉（件）", f, p, |x| {
                    x.complaints_verified
                }),
                count_line("12329热线满意度评价（次）", f, p, |x| {
                    x.hotline_ratings
                }),
                count_line("其中满意及基本满意（次）", f, p, |x| {
                    x.hotline_satisfied
                }),
                count_line("法制审核人员（人）", f, p, |x| x.legal_reviewers),
                count_line("一线执法人员（人）", f, p, |x| x.enforcement_staff),
            ]),
            ReportPart::Heading("（三）“十四五”规划指标完成情况".to_string()),
            ReportPart::Table {
                heads: ["编号", "指标", "本年", "本年目标", "状态"]
                    .map(String::from)
                    .to_vec(),
                rows,
                right: vec![false, false, true, true, false],
            },
        ],
    }
}

fn status_text(status: KpiStatus, from_input: bool) -> String {
    if from_input {
        format!("{}（录入）", status.name())
    } else {
        status.name().to_string()
    }
}

fn count_line(
    label: &str,
    f: &YearFigures,
    p: Option<&YearFigures>,
    get: impl Fn(&YearFigures) -> i64,
) -> ReportLine {
    figure_line(label, f, p, get, grouped)
}

fn money_line(
    label: &str,
    f: &YearFigures,
    p: Option<&YearFigures>,
    get: impl Fn(&YearFigures) -> i64,
) -> ReportLine {
    figure_line(label, f, p, get, money)
}

/// A whole-number figure (a count or fen) shown by `show`, with last
/// year's and the growth.
fn figure_line(
    label: &str,
    f: &YearFigures,
    p: Option<&YearFigures>,
    get: impl Fn(&YearFigures) -> i64,
    show: fn(i64) -> String,
) -> ReportLine {
    let value = get(f);
    let previous = p.map(&get);
    ReportLine {
        label: label.to_string(),
        value: show(value),
        previous: previous.map_or("—".to_string(), show),
        change: change(value, previous),
    }
}

fn ratio_line(
    label: &str,
    f: &YearFigures,
    p: Option<&YearFigures>,
    get: impl Fn(&YearFigures) -> Option<Ratio>,
) -> ReportLine {
    let value = get(f);
    let previous = p.and_then(&get);
    ReportLine {
        label: label.to_string(),
        value: share(value),
        previous: share(previous),
        change: match (value, previous) {
            (Some(v), Some(b)) => points(v, b),
            _ => "—".to_string(),
        },
    }
}

fn permille_line(
    label: &str,
    f: &YearFigures,
    p: Option<&YearFigures>,
    get: impl Fn(&YearFigures) -> Option<Ratio>,
) -> ReportLine {
    let text = |r: Option<Ratio>| r.map_or("—".to_string(), |r| r.permille_text(3));
    ReportLine {
        label: label.to_string(),
        value: text(get(f)),
        previous: text(p.and_then(&get)),
        change: "—".to_string(),
    }
}

fn share(ratio: Option<Ratio>) -> String {
    ratio.map_or("—".to_string(), |r| r.percent_text(2))
}

/// The change in percentage points, rounded once half-up from the exact
/// difference, e.g. "−1.18个百分点".
fn points(value: Ratio, previous: Ratio) -> String {
    let num = value.num * previous.den - previous.num * value.den;
    let den = value.den * previous.den;
    // Hundredths of a percentage point: × 100 (percent) × 100.
    let scaled = num.abs() * 10_000;
    let mut hundredths = scaled / den;
    if (scaled % den) * 2 >= den {
        hundredths += 1;
    }
    let sign = match (num < 0, hundredths) {
        (_, 0) => "",
        (true, _) => "−",
        (false, _) => "+",
    };
    format!("{sign}{}.{:02}个百分点", hundredths / 100, hundredths % 100)
}

fn change(value: i64, previous: Option<i64>) -> String {
    previous
        .and_then(|b| ind::growth(value, b))
        .map_or("—".to_string(), |g| {
            let text = g.percent_text(2);
            if text.starts_with('-') {
                text
            } else {
                format!("+{text}")
            }
        })
}

/// Amounts in 亿元 from 1 亿 up, else in 万元, two decimals half-up.
pub fn money(fen: i64) -> String {
    const YI_FEN: i128 = 10_000_000_000;
    const WAN_FEN: i128 = 1_000_000;
    let (unit, scale) = if i128::from(fen).abs() >= YI_FEN {
        ("亿元", YI_FEN)
    } else {
        ("万元", WAN_FEN)
    };
    let scaled = i128::from(fen).abs() * 100;
    let mut hundredths = scaled / scale;
    if (scaled % scale) * 2 >= scale {
        hundredths += 1;
    }
    let sign = if fen < 0 && hundredths > 0 { "-" } else { "" };
    let whole = i64::try_from(hundredths / 100).unwrap_or(i64::MAX);
    format!("{sign}{}.{:02}{unit}", grouped(whole), hundredths % 100)
}

/// `1,234,567`.
pub fn grouped(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if value < 0 { format!("-{out}") } else { out }
}
