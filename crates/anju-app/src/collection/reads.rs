//! What the pages and the API read of the register: employers, members,
//! bills and enforcement cases. Lists name their employers with one read
//! for the set, not one per row.

use crate::AppResult;
use crate::Collection;
use anju_domain::Date;
use anju_store::{
    BaseFilingRecord, BillLineRecord, BillRecord, CaseRecord, EmployerRecord, MemberRecord,
};
use std::collections::HashMap;

impl Collection<'_> {
    pub async fn employer(self, employer_id: i64) -> AppResult<Option<EmployerRecord>> {
        Ok(self.collection_port().employer(employer_id).await?)
    }

    /// Those of `employer_ids` that are registered, in one read.
    pub async fn employers_by_ids(self, employer_ids: &[i64]) -> AppResult<Vec<EmployerRecord>> {
        Ok(self
            .collection_port()
            .employers_by_ids(employer_ids)
            .await?)
    }

    /// The names of `employer_ids` that are registered, by id (for lists).
    pub async fn employer_names(self, employer_ids: &[i64]) -> AppResult<HashMap<i64, String>> {
        let found = self.employers_by_ids(employer_ids).await?;
        Ok(found.into_iter().map(|e| (e.employer_id, e.name)).collect())
    }

    pub async fn member(self, member_id: i64) -> AppResult<Option<MemberRecord>> {
        Ok(self.collection_port().member(member_id).await?)
    }

    /// The members with these ids, by id, each once (a page's borrowers or
    /// applicants in one read).
    pub async fn members_by_ids(self, member_ids: &[i64]) -> AppResult<Vec<MemberRecord>> {
        Ok(self.collection_port().members_by_ids(member_ids).await?)
    }

    pub async fn member_by_id_card(self, id_card: &str) -> AppResult<Option<MemberRecord>> {
        Ok(self.collection_port().member_by_id_card(id_card).await?)
    }

    /// The employer's active members, by member id.
    pub async fn active_members(self, employer_id: i64) -> AppResult<Vec<MemberRecord>> {
        Ok(self.collection_port().active_members(employer_id).await?)
    }

    /// The employer's members in any status, by member id, at most `limit`.
    pub async fn members_of(self, employer_id: i64, limit: u32) -> AppResult<Vec<MemberRecord>> {
        Ok(self.case_port().members_of(employer_id, limit).await?)
    }

    /// The employer's newest bills first, at most `limit`.
    pub async fn bills_of(self, employer_id: i64, limit: u32) -> AppResult<Vec<BillRecord>> {
        Ok(self.collection_port().bills_of(employer_id, limit).await?)
    }

    pub async fn bill(self, bill_id: i64) -> AppResult<Option<(BillRecord, Vec<BillLineRecord>)>> {
        Ok(self.collection_port().bill(bill_id).await?)
    }

    /// The employer's base filing (基数申报) for a contribution year.
    pub async fn base_filing(
        self,
        employer_id: i64,
        year: i32,
    ) -> AppResult<Option<BaseFilingRecord>> {
        Ok(self.case_port().base_filing(employer_id, year).await?)
    }

    pub async fn open_case_of(self, employer_id: i64) -> AppResult<Option<CaseRecord>> {
        Ok(self.case_port().open_case_of(employer_id).await?)
    }

    /// The first `limit` employers with an overdue bill as of `today`, each
    /// with its open enforcement case: three reads whatever the count.
    pub async fn overdue_employers(
        self,
        today: Date,
        limit: u32,
    ) -> AppResult<Vec<(EmployerRecord, Option<CaseRecord>)>> {
        let ids = self
            .case_port()
            .overdue_employer_ids(today, 0, limit)
            .await?;
        let employers = self.employers_by_ids(&ids).await?;
        let mut cases: HashMap<i64, CaseRecord> = self
            .case_port()
            .open_cases_of(&ids)
            .await?
            .into_iter()
            .map(|c| (c.employer_id, c))
            .collect();
        Ok(employers
            .into_iter()
            .map(|e| {
                let case = cases.remove(&e.employer_id);
                (e, case)
            })
            .collect())
    }
}
