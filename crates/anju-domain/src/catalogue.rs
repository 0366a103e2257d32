//! 服务事项清单: the services a member or an employer can ask for, each with
//! who may apply, the materials, the legal basis, the promised time limit
//! and the channels — one list, so every channel applies the same rules.
//! Read from dated data (`services/catalogue.toml`); an entry changes by a
//! new entry with the same code and a later `from`.

use crate::{Date, DomainError, DomainResult};
use serde::Deserialize;

crate::coded_enum! {
    /// The four groups the hall lists services in.
    pub enum ServiceCategory ("事项类别", "CATALOGUE_INVALID") {
        Collection = "collection" "缴存",
        Withdrawal = "withdrawal" "提取",
        Loan = "loan" "贷款",
        General = "general" "综合服务",
    }
}

crate::coded_enum! {
    /// Who may ask for a service.
    pub enum Applicant ("申请对象", "CATALOGUE_INVALID") {
        Individual = "individual" "个人",
        Employer = "employer" "单位",
    }
}

crate::coded_enum! {
    /// Where a service is offered.
    pub enum ServiceChannel ("办理渠道", "CATALOGUE_INVALID") {
        Online = "online" "网上办",
        Counter = "counter" "柜台办",
        Phone = "phone" "电话办（12329）",
        Partner = "partner" "合作平台办",
    }
}

/// One service of the catalogue, as in force from `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub code: String,
    pub name: String,
    pub category: ServiceCategory,
    pub applicants: Vec<Applicant>,
    pub materials: Vec<String>,
    pub basis: String,
    /// Working days from acceptance; 0 is settled on the spot (即时办结).
    pub limit_days: u16,
    pub channels: Vec<ServiceChannel>,
    /// The hall page that performs it; none for counter or partner only.
    pub page: Option<String>,
    /// The routes that perform it, as `METHOD /path`.
    pub routes: Vec<String>,
    pub from: Date,
}

impl CatalogueEntry {
    /// The promised limit as people read it.
    pub fn limit_text(&self) -> String {
        match self.limit_days {
            0 => "即时办结".to_string(),
            days => format!("{days} 个工作日"),
        }
    }
}

/// Every entry of the file, all dates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalogue {
    entries: Vec<CatalogueEntry>,
}

impl Catalogue {
    /// The services in force on `day`: for each code the entry with the
    /// latest `from` not after `day`, in the file's order.
    pub fn on(&self, day: Date) -> Vec<&CatalogueEntry> {
        let mut current: Vec<&CatalogueEntry> = Vec::new();
        for entry in self.entries.iter().filter(|e| e.from <= day) {
            match current.iter_mut().find(|c| c.code == entry.code) {
                Some(c) if c.from < entry.from => *c = entry,
                Some(_) => {}
                None => current.push(entry),
            }
        }
        current
    }

    /// The entry in force on `day` whose routes include `route`
    /// (`METHOD /path`).
    pub fn for_route(&self, route: &str, day: Date) -> Option<&CatalogueEntry> {
        self.on(day)
            .into_iter()
            .find(|e| e.routes.iter().any(|r| r == route))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCatalogue {
    service: Vec<FileEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    code: String,
    name: String,
    category: String,
    applicants: Vec<String>,
    materials: Vec<String>,
    basis: String,
    limit_days: u16,
    channels: Vec<String>,
    page: Option<String>,
    routes: Vec<String>,
    from: String,
}

/// Reads the catalogue file `name` holding `text`; a malformed file or
/// entry is refused naming the entry and the field.
pub fn parse_catalogue(name: &str, text: &str) -> DomainResult<Catalogue> {
    let file: FileCatalogue = toml::from_str(text).map_err(|e| invalid(name, &e.to_string()))?;
    let mut entries = Vec::with_capacity(file.service.len());
    for (i, raw) in file.service.into_iter().enumerate() {
        let at = format!("{name} service[{i}]");
        entries.push(entry(&at, raw)?);
    }
    check_unique(name, &entries)?;
    Ok(Catalogue { entries })
}

fn entry(at: &str, raw: FileEntry) -> DomainResult<CatalogueEntry> {
    let field = |what: &str, why: &str| invalid(&format!("{at}.{what}"), why);
    if !is_code(&raw.code) {
        return Err(field("code", "应为两个大写字母加两位数字，如 TQ01"));
    }
    for (what, text) in [("name", &raw.name), ("basis", &raw.basis)] {
        if text.trim().is_empty() {
            return Err(field(what, "不能为空"));
        }
    }
    if raw.materials.iter().any(|m| m.trim().is_empty()) {
        return Err(field("materials", "材料名称不能为空"));
    }
    if let Some(bad) = raw.routes.iter().find(|r| !is_route(r)) {
        return Err(field(
            "routes",
            &format!("“{bad}”应为 “GET /路径” 或 “POST /路径”"),
        ));
    }
    if raw.page.as_deref().is_some_and(|p| !p.starts_with('/')) {
        return Err(field("page", "应为站内路径，如 /member"));
    }
    let coded = |what: &str, e: DomainError| field(what, e.message());
    Ok(CatalogueEntry {
        category: ServiceCategory::parse(&raw.category).map_err(|e| coded("category", e))?,
        applicants: non_empty(&raw.applicants, Applicant::parse)
            .map_err(|e| coded("applicants", e))?,
        channels: non_empty(&raw.channels, ServiceChannel::parse)
            .map_err(|e| coded("channels", e))?,
        from: Date::parse(&raw.from).map_err(|e| coded("from", e))?,
        code: raw.code,
        name: raw.name,
        materials: raw.materials,
        basis: raw.basis,
        limit_days: raw.limit_days,
        page: raw.page,
        routes: raw.routes,
    })
}

/// At least one value, each a known code.
fn non_empty<T>(codes: &[String], parse: fn(&str) -> DomainResult<T>) -> DomainResult<Vec<T>> {
    if codes.is_empty() {
        return Err(DomainError::new("CATALOGUE_INVALID", "至少填写一项"));
    }
    codes.iter().map(|c| parse(c)).collect()
}

/// One entry per code and day, and a route performs one service.
fn check_unique(name: &str, entries: &[CatalogueEntry]) -> DomainResult<()> {
    for (i, e) in entries.iter().enumerate() {
        let earlier = &entries[..i];
        if earlier.iter().any(|o| o.code == e.code && o.from == e.from) {
            return Err(invalid(
                name,
                &format!("事项 {} 在 {} 重复", e.code, e.from),
            ));
        }
        let shared = earlier
            .iter()
            .filter(|o| o.code != e.code)
            .flat_map(|o| o.routes.iter())
            .find(|r| e.routes.contains(r));
        if let Some(route) = shared {
            return Err(invalid(name, &format!("{route} 同时属于两个事项")));
        }
    }
    Ok(())
}

fn is_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 4
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

fn is_route(route: &str) -> bool {
    match route.split_once(' ') {
        Some((method, path)) => ["GET", "POST"].contains(&method) && path.starts_with('/'),
        None => false,
    }
}

fn invalid(at: &str, why: &str) -> DomainError {
    DomainError::new("CATALOGUE_INVALID", format!("服务事项清单 {at}：{why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[service]]
code = "TQ01"
name = "提取"
category = "withdrawal"
applicants = ["individual"]
materials = ["银行卡"]
basis = "《住房公积金管理条例》第二十五条"
limit_days = 3
channels = ["online", "counter"]
page = "/member/withdrawals"
routes = ["POST /member/withdrawals"]
from = "2026-01-01"
"#;

    fn day(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    #[test]
    fn catalogue_entries_are_read_typed_and_dated() {
        let later = ONE
            .replace("limit_days = 3", "limit_days = 1")
            .replace("2026-01-01", "2027-01-01");
        let catalogue = parse_catalogue("t.toml", &format!("{ONE}{later}")).expect("reads");
        let now = catalogue.on(day("2026-12-07"));
        assert_eq!(now.len(), 1);
        let entry = now[0];
        assert_eq!(entry.category, ServiceCategory::Withdrawal);
        assert_eq!(entry.applicants, [Applicant::Individual]);
        assert_eq!(
            entry.channels,
            [ServiceChannel::Online, ServiceChannel::Counter]
        );
        assert_eq!(entry.limit_text(), "3 个工作日");
        let next_year = catalogue.on(day("2027-01-01"));
        assert_eq!(next_year[0].limit_days, 1, "the later entry replaces it");
        assert!(catalogue.on(day("2025-12-31")).is_empty(), "nothing before");
        let found = catalogue.for_route("POST /member/withdrawals", day("2026-12-07"));
        assert_eq!(found.map(|e| e.code.as_str()), Some("TQ01"));
        assert!(
            catalogue
                .for_route("POST /member/loans", day("2026-12-07"))
                .is_none()
        );
    }

    #[test]
    fn a_malformed_catalogue_is_refused_naming_the_entry_and_field() {
        let refused = |text: String, wanted: &str| {
            let e = parse_catalogue("t.toml", &text).expect_err("refused");
            assert_eq!(e.code(), "CATALOGUE_INVALID");
            assert!(
                e.message().contains(wanted),
                "{} lacks {wanted}",
                e.message()
            );
        };
        refused(ONE.replace("TQ01", "tq1"), "service[0].code");
        refused(
            ONE.replace("\"withdrawal\"", "\"housing\""),
            "service[0].category",
        );
        refused(
            ONE.replace("[\"individual\"]", "[]"),
            "service[0].applicants",
        );
        refused(
            ONE.replace("\"counter\"]", "\"fax\"]"),
            "service[0].channels",
        );
        refused(
            ONE.replace("POST /member", "PUT /member"),
            "service[0].routes",
        );
        refused(ONE.replace("2026-01-01", "2026-13-01"), "service[0].from");
        refused(
            ONE.replace("name = \"提取\"", "name = \" \""),
            "service[0].name",
        );
        refused(ONE.replace("limit_days = 3", "limit_days = -1"), "t.toml");
        refused(ONE.replace("from =", "extra = 1\nfrom ="), "t.toml");
        refused(format!("{ONE}{ONE}"), "TQ01");
        let other = ONE
            .replace("TQ01", "TQ02")
            .replace("2026-01-01", "2026-02-01");
        refused(format!("{ONE}{other}"), "POST /member/withdrawals");
    }
}
