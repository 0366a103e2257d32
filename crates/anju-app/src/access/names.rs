//! People by name: pages that list who did what show "王敏（经办）", never a
//! login such as `counter-demo`.

use crate::Access;
use crate::AppResult;
use std::collections::{BTreeSet, HashMap};

/// Logins resolved to "display name（role）".
#[derive(Debug, Clone, Default)]
pub struct PeopleNames(HashMap<String, String>);

impl PeopleNames {
    /// The person behind `login`; a login with no account (a system actor
    /// such as the batch channel) is shown as it is, so nothing is hidden.
    pub fn of(&self, login: &str) -> String {
        self.0
            .get(login)
            .cloned()
            .unwrap_or_else(|| login.to_string())
    }
}

impl Access<'_> {
    /// The names of these logins, read in one query.
    pub async fn names_of<'a>(
        self,
        logins: impl IntoIterator<Item = &'a str>,
    ) -> AppResult<PeopleNames> {
        let wanted: BTreeSet<String> = logins
            .into_iter()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if wanted.is_empty() {
            return Ok(PeopleNames::default());
        }
        let wanted: Vec<String> = wanted.into_iter().collect();
        let users = self.access_port().users_by_logins(&wanted).await?;
        let names = users
            .into_iter()
            .map(|u| {
                let name = format!("{}（{}）", u.display_name, u.role.name_zh());
                (u.login, name)
            })
            .collect();
        Ok(PeopleNames(names))
    }
}
