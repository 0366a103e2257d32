//! Staff search over the registry.

use crate::AppResult;
use crate::Collection;
use anju_domain::DomainError;
use anju_store::{EmployerRecord, MemberRecord};

impl Collection<'_> {
    /// Staff search: employers by credit code or name, members by ID number
    /// or name. Pages mask what they show.
    pub async fn search_registry(
        self,
        text: &str,
    ) -> AppResult<(Vec<EmployerRecord>, Vec<MemberRecord>)> {
        let text = text.trim();
        if text.chars().count() < 2 || text.chars().count() > 50 {
            return Err(DomainError::new("SEARCH_TEXT", "请输入2至50个字的查询条件").into());
        }
        let employers = self.case_port().search_employers(text, 50).await?;
        let members = self.case_port().search_members(text, 50).await?;
        Ok((employers, members))
    }
}
