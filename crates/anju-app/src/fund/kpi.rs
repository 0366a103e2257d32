//! The plan's KPI cockpit (规划指标): the catalogue (data, one file per
//! plan) evaluated for each year of the plan from the year's figures and
//! the dated manual inputs, with who entered each input and when. Inputs
//! are kept as history: the latest per (year, key) is in force.

use super::{finance_staff, is_total_key, same_day_a_year_before, same_day_in};
use crate::Fund;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::fund::{
    self, Inputs, KpiFigures, KpiResult, KpiSource, KpiUnit, PlanCatalogue, Ratio, YearFigures,
};
use anju_domain::{Date, DomainError, Period};
use anju_store::FundInputRecord;

/// Inputs some formulas read besides those the catalogue names (see
/// `anju_domain::fund::FORMULAS`), with what they mean.
pub const FORMULA_INPUTS: &[(&str, &str)] = &[
    ("urban_employed", "城镇从业人员（人，K01 分母）"),
    ("gdp_growth_percent", "当年GDP增速（%，K04 目标）"),
    // K02's baseline is the 2020 figures; the ledger rarely goes back that
    // far, so the year's collection is typed in as a yearly total for 2020
    // (it replaces the computed figure for that whole year).
    (
        "collection",
        "年度汇总：缴存额（元；录入2020年的即 K02 基期）",
    ),
    (
        "flexible_medical_insured",
        "参加医保的灵活就业人员（人，K09 分母）",
    ),
    (
        "online_transactions",
        "线上申请并办结的业务笔数（K18，录入时以录入为准）",
    ),
    (
        "all_transactions",
        "办结的业务笔数（K18，录入时以录入为准）",
    ),
    ("legal_reviewers", "法制审核人员数（K16，录入时以录入为准）"),
    (
        "enforcement_staff",
        "一线执法人员数（K16，录入时以录入为准）",
    ),
    (
        "complaints_received",
        "受理投诉件数（K17、K21，录入时以录入为准）",
    ),
    (
        "complaints_mediated",
        "调处投诉件数（K17，录入时以录入为准）",
    ),
    (
        "complaints_verified",
        "查实的服务质量投诉件数（K21，录入时以录入为准）",
    ),
    (
        "hotline_ratings",
        "12329热线评价总数（K20，录入时以录入为准）",
    ),
    (
        "hotline_satisfied",
        "12329热线满意数（K20，录入时以录入为准）",
    ),
];

/// One year of the plan: its figures and each KPI's standing.
#[derive(Debug, Clone)]
pub struct KpiYear {
    pub year: i32,
    pub figures: YearFigures,
    pub results: Vec<KpiResult>,
}

/// The KPIs computed year-to-date at one month's end (or the business
/// date, for the month under way), against the same days of the year before.
#[derive(Debug, Clone)]
pub struct KpiMonth {
    pub period: Period,
    pub results: Vec<KpiResult>,
}

#[derive(Debug, Clone)]
pub struct KpiCockpit {
    pub catalogue: PlanCatalogue,
    /// The year shown first (the latest evaluated).
    pub year: i32,
    /// Every plan year up to `year`, oldest first.
    pub years: Vec<KpiYear>,
    /// Every input ever entered, by year and key, oldest first.
    pub inputs: Vec<FundInputRecord>,
}

impl App {
    async fn enter_fund_input_inner(
        &self,
        actor: &Actor,
        year: i32,
        key: &str,
        value: &str,
        note: &str,
        today: Date,
    ) -> AppResult<FundInputRecord> {
        let login = finance_staff(actor)?;
        let (key, value) = (key.trim(), value.trim());
        check_input_year(year, today)?;
        self.check_input(key, value)?;
        let record = FundInputRecord {
            input_id: self.posting_port().reserve_ids(1),
            year,
            key: key.to_string(),
            value_text: value.to_string(),
            entered_on: today,
            entered_by: login,
            entered_at_us: crate::clock::now_micros(),
            note: note.trim().chars().take(200).collect(),
        };
        self.fund_port().add_fund_input(&record).await?;
        Ok(record)
    }

    /// A key the catalogue or a formula reads, or a yearly total; a value
    /// that parses for it.
    fn check_input(&self, key: &str, value: &str) -> AppResult<()> {
        if is_total_key(key) {
            let probe = [(key.to_string(), value.to_string())].into();
            fund::apply_totals(&mut YearFigures::default(), &probe)?;
            return Ok(());
        }
        let catalogue = self.fund().plan_catalogue();
        let text_input = catalogue.kpis.iter().any(|k| {
            k.unit == KpiUnit::Grade
                && matches!(&k.source, KpiSource::Input(keys) if keys.iter().any(|i| i == key))
        });
        let known = text_input
            || FORMULA_INPUTS.iter().any(|(k, _)| *k == key)
            || catalogue.kpis.iter().any(|k| {
                k.target_input.as_deref() == Some(key)
                    || matches!(&k.source, KpiSource::Input(keys) if keys.iter().any(|i| i == key))
            });
        if !known {
            return Err(
                DomainError::new("INPUT_KEY", format!("“{key}”不是规划指标的录入项")).into(),
            );
        }
        if text_input {
            if value.is_empty() || value.chars().count() > 20 {
                return Err(DomainError::new("INPUT_VALUE", "请填写评定结果（20 字以内）").into());
            }
            return Ok(());
        }
        Ratio::parse_decimal(value)?;
        Ok(())
    }
}

impl Fund<'_> {
    /// The plan in force: the Suzhou 14th five-year plan's catalogue.
    pub fn plan_catalogue(self) -> PlanCatalogue {
        fund::suzhou_14th()
    }

    /// The cockpit for the plan's years up to `year` (and the business date).
    pub async fn kpi_cockpit(self, year: i32, today: Date) -> AppResult<KpiCockpit> {
        let catalogue = self.plan_catalogue();
        let last = year.min(today.year()).min(catalogue.last_year);
        let mut years = Vec::new();
        // A year that is over grows on the whole baseline year; the year
        // under way on the same part of it.
        let whole = Date::from_ymd(last, 12, 31)?;
        let whole_baseline = self.baseline_figures(&catalogue, whole).await?;
        let part_baseline = self.baseline_figures(&catalogue, today).await?;
        let mut previous = self.year_figures(catalogue.first_year - 1, today).await?;
        for y in catalogue.first_year..=last {
            let figures = self.year_figures(y, today).await?;
            let inputs = self.inputs_in_force(y).await?;
            let baseline = if y == today.year() {
                &part_baseline
            } else {
                &whole_baseline
            };
            let on = KpiFigures {
                year: &figures,
                previous: Some(&previous),
                baseline: baseline.as_ref(),
            };
            let results = fund::evaluate(&catalogue, y, on, &inputs);
            previous = figures.clone();
            years.push(KpiYear {
                year: y,
                figures,
                results,
            });
        }
        Ok(KpiCockpit {
            catalogue,
            year: last,
            years,
            inputs: self.fund_port().fund_inputs(None).await?,
        })
    }

    /// Each month of `year` up to the business date: the KPIs on the year
    /// so far, growth against the same part of the year before.
    pub async fn kpi_months(self, year: i32, today: Date) -> AppResult<Vec<KpiMonth>> {
        let catalogue = self.plan_catalogue();
        let inputs = self.inputs_in_force(year).await?;
        let mut months = Vec::new();
        let mut period = Period::new(year, 1)?;
        while period.year() == year && period.first_day()? <= today {
            let day = period.last_day()?.min(today);
            let figures = self.year_figures(year, day).await?;
            let previous = self
                .year_figures(year - 1, same_day_a_year_before(day)?)
                .await?;
            let baseline = self.baseline_figures(&catalogue, day).await?;
            let on = KpiFigures {
                year: &figures,
                previous: Some(&previous),
                baseline: baseline.as_ref(),
            };
            months.push(KpiMonth {
                period,
                results: fund::evaluate(&catalogue, year, on, &inputs),
            });
            period = period.next()?;
        }
        Ok(months)
    }

    /// The plan's baseline year's figures up to the same day as `day` in
    /// its year (all of it once `day`'s year is over: a typed yearly total
    /// stands in only for a whole year), for growth since the baseline; none
    /// for a day in or before the baseline year.
    pub(crate) async fn baseline_figures(
        self,
        catalogue: &PlanCatalogue,
        day: Date,
    ) -> AppResult<Option<YearFigures>> {
        if day.year() <= catalogue.baseline_year {
            return Ok(None);
        }
        let same_day = same_day_in(day, catalogue.baseline_year)?;
        Ok(Some(
            self.year_figures(catalogue.baseline_year, same_day).await?,
        ))
    }

    /// The latest value of each input of `year`.
    pub async fn inputs_in_force(self, year: i32) -> AppResult<Inputs> {
        let mut inputs = Inputs::new();
        for input in self.fund_port().fund_inputs(Some(year)).await? {
            inputs.insert(input.key, input.value_text);
        }
        Ok(inputs)
    }

    /// Enters a dated manual input (an external figure for a KPI, or a
    /// yearly total) for `year`.
    pub async fn enter_fund_input(
        self,
        actor: &Actor,
        year: i32,
        key: &str,
        value: &str,
        note: &str,
        today: Date,
    ) -> AppResult<FundInputRecord> {
        let result = self
            .enter_fund_input_inner(actor, year, key, value, note, today)
            .await;
        self.audited(
            actor,
            "fund.input",
            &format!("{year}/{key}"),
            value.as_bytes(),
            result,
        )
        .await
    }

    /// Loads published yearly totals (the `fixtures/suzhou-published.toml`
    /// format) as inputs; returns how many were entered.
    pub async fn load_year_totals(
        self,
        actor: &Actor,
        text: &str,
        today: Date,
    ) -> AppResult<usize> {
        let years = fund::parse_year_totals(text)?;
        // Every year first: a file is loaded whole or not at all.
        for (year, _) in &years {
            check_input_year(*year, today)?;
        }
        let mut count = 0;
        for (year, totals) in years {
            for (key, value) in totals {
                self.enter_fund_input(actor, year, &key, &value, "载入年度报告公布数", today)
                    .await?;
                count += 1;
            }
        }
        Ok(count)
    }
}

/// Inputs are for a year from 1990 up to the business date's.
fn check_input_year(year: i32, today: Date) -> AppResult<()> {
    if !(1990..=today.year()).contains(&year) {
        return Err(DomainError::new(
            "INPUT_YEAR",
            format!("年份须在 1990 至 {} 之间", today.year()),
        )
        .into());
    }
    Ok(())
}
