//! The yearly base filing (K05), typed in or from a file.

use crate::Collection;
use crate::access::Actor;
use crate::collection::check_scope;
use crate::{App, AppResult};
use anju_domain::collection::{RowError, parse_base_file};
use anju_domain::{Date, DomainError};
use anju_store::{BaseFilingRecord, EmployerRecord, NewBase};
use std::collections::BTreeMap;

impl App {
    async fn try_file_bases(
        &self,
        actor: &Actor,
        employer_id: i64,
        year: i32,
        bases: &[NewBase],
        today: Date,
    ) -> AppResult<BaseFilingRecord> {
        self.active_employer(employer_id).await?;
        if year != today.contribution_year() {
            return Err(DomainError::new(
                "BASE_YEAR",
                format!(
                    "只能申报本缴存年度（{}年7月起）的基数",
                    today.contribution_year()
                ),
            )
            .into());
        }
        let active = self.collection_port().active_members(employer_id).await?;
        let mut filed: BTreeMap<i64, i64> = BTreeMap::new();
        for b in bases {
            if b.wage_fen <= anju_domain::Fen::ZERO {
                return Err(DomainError::new(
                    "WAGE_NOT_POSITIVE",
                    format!("个人账户 {} 的月平均工资必须大于零", b.member_id),
                )
                .into());
            }
            if filed.insert(b.member_id, b.wage_fen.get()).is_some() {
                return Err(DomainError::new(
                    "BASE_DUPLICATE",
                    format!("个人账户 {} 重复申报", b.member_id),
                )
                .into());
            }
        }
        let missing: Vec<String> = active
            .iter()
            .filter(|m| !filed.contains_key(&m.member_id))
            .map(|m| m.member_id.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::new(
                "BASE_INCOMPLETE",
                format!("以下职工未申报基数：{}", missing.join("、")),
            )
            .into());
        }
        let filing = BaseFilingRecord {
            employer_id,
            year,
            filed_on: today,
            member_count: i32::try_from(bases.len()).unwrap_or(i32::MAX),
            filed_by: actor.recorded_login(),
            applied_via: actor.channel,
        };
        self.case_port().file_bases(&filing, bases).await?;
        Ok(filing)
    }
}

impl Collection<'_> {
    /// 年度基数调整: the employer files each active member's average monthly
    /// wage of last year; the bases apply to bills from 1 July of `year`
    /// (clamped to that year's limits when billed). Every active member must
    /// be filed, all or nothing.
    pub async fn file_bases(
        self,
        actor: &Actor,
        employer_id: i64,
        year: i32,
        bases: &[NewBase],
        today: Date,
    ) -> AppResult<BaseFilingRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_file_bases(actor, employer_id, year, bases, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}/{year}");
        self.audited(actor, "employer.bases.file", &target, b"", result)
            .await
    }

    /// The base filing from a file (CSV or Excel: 身份证号, 月平均工资). Every
    /// row must be an active member of the employer and every active member
    /// must be in the file; any problem files nothing and is reported by row.
    pub async fn file_bases_from_file(
        self,
        actor: &Actor,
        employer_id: i64,
        bytes: &[u8],
        today: Date,
    ) -> AppResult<(Option<BaseFilingRecord>, Vec<RowError>)> {
        check_scope(actor, employer_id)?;
        let file = parse_base_file(bytes)?;
        let mut errors = file.errors;
        let staff = self.staff_by_id_card(employer_id).await?;
        let mut bases = Vec::new();
        for row in &file.valid {
            match staff.get(row.id_card.as_str()) {
                Some(member_id) => bases.push(NewBase {
                    member_id: *member_id,
                    wage_fen: row.wage,
                }),
                None => errors.push(super::not_in_employer(row.row)),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Ok((None, errors));
        }
        let filing = self
            .file_bases(actor, employer_id, today.contribution_year(), &bases, today)
            .await?;
        Ok((Some(filing), Vec::new()))
    }

    /// K05 年基数调整率 for `year`: (employers that filed, contributing employers).
    pub async fn base_filing_counts(self, year: i32) -> AppResult<(i64, i64)> {
        Ok((
            self.case_port().count_base_filings(year).await?,
            self.case_port().count_contributing_employers().await?,
        ))
    }

    pub async fn employers_not_filed(self, year: i32) -> AppResult<Vec<EmployerRecord>> {
        Ok(self.case_port().employers_not_filed(year, 0, 500).await?)
    }
}
