//! Liquidity monitoring and early warning (流动性监测预警): the balance
//! indicators on a business date against the dated thresholds; a check
//! raises an alert per indicator out of bounds (one open alert each, kept
//! while it stays out), clears those back in bounds, and people
//! acknowledge alerts with a note.

use super::FundAlertRecord;
use super::{Position, credit_side, staff_login};
use crate::Fund;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::duties;
use anju_domain::fund::{self, Alert, Snapshot, Thresholds, YearFigures};
use anju_domain::{Date, DomainError};

/// How many alerts the cockpit lists (open ones first).
const ALERT_LIST: u32 = 100;

/// The cockpit: the indicators, the thresholds, what fires now and the
/// alert history.
#[derive(Debug, Clone)]
pub struct LiquidityView {
    pub as_of: Date,
    pub figures: YearFigures,
    pub snapshot: Snapshot,
    pub thresholds: Thresholds,
    pub firing: Vec<Alert>,
    pub alerts: Vec<FundAlertRecord>,
}

impl App {
    async fn check_liquidity_inner(&self, today: Date) -> AppResult<Vec<Alert>> {
        let view = self.fund().liquidity(today).await?;
        // An alert whose level changed (a warning turned critical) is
        // cleared and raised again at its new level.
        let kept: Vec<String> = view
            .firing
            .iter()
            .filter(|a| {
                !view.alerts.iter().any(|open| {
                    open.cleared_on.is_none()
                        && open.indicator == a.indicator
                        && open.level != a.level.name()
                })
            })
            .map(|a| a.indicator.to_string())
            .collect();
        self.fund_port().clear_fund_alerts(&kept, today).await?;
        let mut raised = Vec::new();
        for alert in &view.firing {
            let record = FundAlertRecord {
                alert_id: self.posting_port().reserve_ids(1),
                indicator: alert.indicator.to_string(),
                level: alert.level.name().to_string(),
                value_ppm: alert.value_ppm,
                threshold_ppm: alert.threshold_ppm,
                message: alert.message.clone(),
                raised_on: today,
                cleared_on: None,
                acknowledged_by: None,
                acknowledged_at_us: None,
                ack_note: None,
            };
            if self.fund_port().raise_fund_alert(&record).await? {
                raised.push(alert.clone());
            }
        }
        Ok(raised)
    }

    async fn acknowledge_alert_inner(
        &self,
        actor: &Actor,
        alert_id: i64,
        note: &str,
    ) -> AppResult<()> {
        let login = staff_login(actor, duties::FUND_WATCH)?;
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 200 {
            return Err(DomainError::new("ALERT_NOTE", "请填写处置说明（200 字以内）").into());
        }
        let at_us = crate::clock::now_micros();
        if self
            .fund_port()
            .acknowledge_fund_alert(alert_id, &login, at_us, note)
            .await?
        {
            Ok(())
        } else {
            Err(DomainError::new("ALERT_NOT_OPEN", "该预警不存在或已确认").into())
        }
    }
}

impl Fund<'_> {
    /// The balance indicators at the end of `day` (no flows: cheap enough
    /// for every page view).
    pub async fn balance_figures(self, day: Date) -> AppResult<YearFigures> {
        let position = self.position_at(day).await?;
        let project = self.loan_port().project_principal_at(day).await?;
        Ok(balances_of(&position, day.year(), project))
    }

    pub async fn liquidity(self, today: Date) -> AppResult<LiquidityView> {
        let figures = self.balance_figures(today).await?;
        let snapshot = fund::snapshot(&figures);
        let thresholds = self.policy().at(today)?.fund_rule.value.thresholds();
        let firing = fund::check(&snapshot, &thresholds);
        Ok(LiquidityView {
            as_of: today,
            figures,
            snapshot,
            thresholds,
            firing,
            alerts: self.fund_port().fund_alerts(ALERT_LIST).await?,
        })
    }

    /// Records what fires on `today` as alerts and clears the rest; run by
    /// the daily job and from the cockpit. Returns the alerts newly raised.
    pub async fn check_liquidity(self, actor: &Actor, today: Date) -> AppResult<Vec<Alert>> {
        // The daily job runs on the batch channel without a person.
        let allowed = if actor.is_batch_job() {
            Ok(())
        } else {
            staff_login(actor, duties::FUND_WATCH).map(|_| ())
        };
        let result = match allowed {
            Ok(()) => self.check_liquidity_inner(today).await,
            Err(e) => Err(e),
        };
        self.audited(
            actor,
            "fund.liquidity.check",
            &today.to_string(),
            b"",
            result,
        )
        .await
    }

    /// A risk manager, finance or a manager acknowledges an alert.
    pub async fn acknowledge_alert(
        self,
        actor: &Actor,
        alert_id: i64,
        note: &str,
    ) -> AppResult<()> {
        let result = self.acknowledge_alert_inner(actor, alert_id, note).await;
        self.audited(
            actor,
            "fund.alert.acknowledge",
            &alert_id.to_string(),
            note.as_bytes(),
            result,
        )
        .await
    }
}

/// The balance fields of [`YearFigures`] from GL balances at the end of a
/// day and the project loans' (121, 122) principal that same day: GL 121 +
/// 122 carry both products, and the indicators (个贷率, K13 逾期率, K14, K15)
/// are the personal book's — its balance and its overdue principal.
pub(super) fn balances_of(position: &Position, year: i32, project: (i64, i64)) -> YearFigures {
    let asset = |code: &str| -credit_side(position, code).get();
    let (project_performing, project_overdue) = project;
    YearFigures {
        year,
        deposit_balance_fen: credit_side(position, "201").get(),
        fund_bank_deposits_fen: asset("101"),
        loan_balance_fen: asset("121") + asset("122") - project_performing - project_overdue,
        project_loan_balance_fen: project_performing + project_overdue,
        bond_balance_fen: asset("124"),
        overdue_principal_fen: asset("122") - project_overdue,
        risk_reserve_fen: credit_side(position, "301").get(),
        ..YearFigures::default()
    }
}
