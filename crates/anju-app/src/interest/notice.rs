//! 年度结息通知: once a settlement run finishes, every member with an online
//! account gets a notice in their inbox (and its channel deliveries) naming
//! the interest — and subsidy — credited on 30 June, and where to check it
//! line by line. Sent by the call that finished the run, so a rerun does not
//! send them again.

use super::{Due, YearRules, credited_by};
use crate::{App, AppResult};
use anju_domain::ledger::MemberId;

/// Online accounts read per page.
const USERS_PER_PAGE: u32 = 1_000;

impl App {
    /// Sends the year's notice to every member user credited; returns how many.
    pub(crate) async fn send_interest_notices(&self, rules: &YearRules) -> AppResult<u64> {
        let mut after = 0;
        let mut sent = 0;
        loop {
            let users = self
                .interest_port()
                .member_users_after(after, USERS_PER_PAGE)
                .await?;
            let Some((last, _)) = users.last() else {
                return Ok(sent);
            };
            after = *last;
            for (user_id, member_id) in users {
                let credited = self.credited_on_30_june(MemberId(member_id), rules).await?;
                if credited.is_zero() {
                    continue;
                }
                let (title, body) = notice_text(rules, credited)?;
                self.access()
                    .notify(user_id, "interest", &title, &body)
                    .await?;
                sent += 1;
            }
        }
    }

    async fn credited_on_30_june(&self, member: MemberId, rules: &YearRules) -> AppResult<Due> {
        let last = rules.year.last_day()?;
        credited_by(&self.movements_in(member, last, last).await?)
    }
}

fn notice_text(rules: &YearRules, credited: Due) -> AppResult<(String, String)> {
    let (first, last) = (rules.year.first_day()?, rules.year.last_day()?);
    let title = format!("{} 年度结息通知", rules.year.end_year());
    let subsidy = if credited.subsidy == anju_domain::Fen::ZERO {
        String::new()
    } else {
        format!("，灵活就业利息补贴 {}", credited.subsidy)
    };
    let body = format!(
        "您的住房公积金账户 {first} 至 {last} 结息年度的利息 {}{subsidy} 已于 {last} 计入账户，\
         年利率 {}。可在网上服务大厅“结息明细”逐笔核对积数和利息，或下载账户明细。",
        credited.interest,
        rules
            .spans
            .last()
            .map(|s| s.current_year.to_string())
            .unwrap_or_default(),
    );
    Ok((title, body))
}
