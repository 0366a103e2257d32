//! 导出规划指标: the KPI table of a year as the cockpit shows it (code,
//! name, the year's value and target in the indicator's unit, its standing,
//! where the value came from) as `.xlsx` or CSV, audited like every export
//! (`crate::export`). Values stay the cockpit's text (`69.76%`, `1.234‰`,
//! `良好`): a KPI's unit is part of what it says.

use super::{KpiCockpit, staff_login};
use crate::access::Actor;
use crate::export::{Cell, Export, Format, Sheet, render};
use crate::{AppResult, Fund};
use anju_domain::access::duties;
use anju_domain::fund::{KpiDef, KpiResult, KpiStatus};
use anju_domain::{Date, DomainError};

const KPI_HEADS: &[&str] = &["编号", "指标", "本年值", "本年目标", "状态", "来源"];

fn kpi_row(def: &KpiDef, result: Option<&KpiResult>) -> Vec<Cell> {
    let value = result
        .and_then(|r| r.value.as_ref())
        .map_or_else(|| "无数据".to_string(), |v| v.text(def.unit));
    let target = result
        .and_then(|r| r.target_this_year.as_ref())
        .map_or_else(|| def.target.text(def.unit), |t| t.text(def.unit));
    let status = result.map_or(KpiStatus::NoData, |r| r.status);
    let source = if result.is_some_and(|r| r.from_input) {
        "录入"
    } else {
        "系统计算"
    };
    vec![
        Cell::text(&def.id),
        Cell::text(&def.name),
        Cell::text(value),
        Cell::text(target),
        Cell::text(status.name()),
        Cell::text(source),
    ]
}

/// The year's table, every KPI of the catalogue in its order; a year the
/// plan has not reached (or is before it) is refused.
fn kpi_sheet(cockpit: &KpiCockpit, year: i32) -> AppResult<Sheet> {
    let Some(shown) = cockpit.years.iter().find(|y| y.year == year) else {
        return Err(
            DomainError::new("YEAR_INVALID", format!("规划指标没有 {year} 年的数据")).into(),
        );
    };
    let rows = cockpit
        .catalogue
        .kpis
        .iter()
        .map(|def| kpi_row(def, shown.results.iter().find(|r| r.id == def.id)))
        .collect();
    Ok(Sheet {
        title: "规划指标",
        file_stem: format!("kpi-{year}"),
        heads: KPI_HEADS,
        rows,
    })
}

impl Fund<'_> {
    /// The KPI table of `year` (the latest year of the plan so far when
    /// none is named), for those who read 资金管理.
    pub async fn export_kpis(
        self,
        actor: &Actor,
        year: Option<i32>,
        today: Date,
        format: Format,
    ) -> AppResult<Export> {
        let result = match staff_login(actor, duties::FUND_VIEWERS) {
            Ok(_) => self.kpi_export(year, today, format).await,
            Err(e) => Err(e),
        };
        let subject = format!(
            "kpi:{}",
            year.map_or_else(|| "latest".to_string(), |y| y.to_string())
        );
        self.audited_export(actor, "export.kpi", &subject, format, result)
            .await
    }

    async fn kpi_export(self, year: Option<i32>, today: Date, format: Format) -> AppResult<Export> {
        // The whole plan so far, as the cockpit reads it, then the year asked.
        let cockpit = self.kpi_cockpit(i32::MAX, today).await?;
        let sheet = kpi_sheet(&cockpit, year.unwrap_or(cockpit.year))?;
        render(&sheet, format)
    }
}
