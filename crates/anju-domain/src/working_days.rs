//! Working days (工作日): Monday to Friday, less the public holidays, plus
//! the weekend days worked in their place (调休), as the State Council
//! arranges them each year (`services/working-days.toml`). The service
//! catalogue's time limits count these days from the day after acceptance.
//! A year the file does not list is counted by weekends alone, and says so.

use crate::{Date, DomainError, DomainResult};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// One year's arrangement: the days off and the weekend days worked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct YearArrangement {
    off: BTreeSet<Date>,
    on: BTreeSet<Date>,
    source: String,
}

/// The working-day calendar: the years whose arrangement is known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearArrangement>,
}

impl WorkCalendar {
    /// Whether the arrangement of `year` is known (otherwise its holidays
    /// are not counted).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The notice a year's arrangement copies.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.source.as_str())
    }

    /// A public holiday of a known year (放假, the weekend days of the
    /// holiday included).
    pub fn is_holiday(&self, day: Date) -> bool {
        self.years
            .get(&day.year())
            .is_some_and(|year| year.off.contains(&day))
    }

    /// A weekend day worked in a holiday's place (调休上班).
    pub fn is_worked_weekend(&self, day: Date) -> bool {
        self.years
            .get(&day.year())
            .is_some_and(|year| year.on.contains(&day))
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        let weekend = day.weekday() >= 6;
        match self.years.get(&day.year()) {
            Some(year) if year.on.contains(&day) => true,
            Some(year) if year.off.contains(&day) => false,
            _ => !weekend,
        }
    }

    /// The last day a service accepted on `accepted_on` with a limit of
    /// `limit_days` working days may be completed: the limit-th working day
    /// after acceptance (0: the day itself, 即时办结).
    pub fn due_on(&self, accepted_on: Date, limit_days: u16) -> DomainResult<Date> {
        let mut day = accepted_on;
        let mut left = limit_days;
        while left > 0 {
            day = day.add_days(1)?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Working days from `from` to `to`: those after `from` up to and
    /// including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            match day.add_days(1) {
                Ok(next) => day = next,
                Err(_) => break,
            }
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCalendar {
    year: Vec<FileYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileYear {
    year: i32,
    source: String,
    off: Vec<[String; 2]>,
    on: Vec<String>,
}

/// Reads the calendar file `name` holding `text`: every day must fall in
/// its year, a range must run forward, a day worked must be a weekend day
/// not also off, and a year is listed once.
pub fn parse_work_calendar(name: &str, text: &str) -> DomainResult<WorkCalendar> {
    let file: FileCalendar = toml::from_str(text).map_err(|e| invalid(name, &e.to_string()))?;
    let mut years = BTreeMap::new();
    for raw in file.year {
        let at = format!("{name} year {}", raw.year);
        let year = raw.year;
        if years.insert(year, arrangement(&at, raw)?).is_some() {
            return Err(invalid(&at, "年份重复"));
        }
    }
    Ok(WorkCalendar { years })
}

fn arrangement(at: &str, raw: FileYear) -> DomainResult<YearArrangement> {
    if raw.source.trim().is_empty() {
        return Err(invalid(at, "source 不能为空"));
    }
    let day = |text: &str| -> DomainResult<Date> {
        let day = Date::parse(text).map_err(|_| invalid(at, &format!("日期 {text} 无效")))?;
        if day.year() != raw.year {
            return Err(invalid(at, &format!("{text} 不在该年度")));
        }
        Ok(day)
    };
    let mut off = BTreeSet::new();
    for [first, last] in &raw.off {
        let (mut current, last) = (day(first)?, day(last)?);
        if last < current {
            return Err(invalid(at, &format!("区间 {first} 至 {last} 倒置")));
        }
        while current <= last {
            off.insert(current);
            current = current.add_days(1)?;
        }
    }
    let mut on = BTreeSet::new();
    for text in &raw.on {
        let worked = day(text)?;
        if worked.weekday() < 6 || off.contains(&worked) {
            return Err(invalid(
                at,
                &format!("调休上班日 {text} 应为周末且不在放假区间"),
            ));
        }
        on.insert(worked);
    }
    Ok(YearArrangement {
        off,
        on,
        source: raw.source,
    })
}

fn invalid(at: &str, why: &str) -> DomainError {
    DomainError::new("CALENDAR_INVALID", format!("节假日安排 {at}：{why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[year]]
year = 2026
source = "国务院办公厅关于2026年部分节假日安排的通知"
off = [["2026-10-01", "2026-10-07"], ["2026-09-25", "2026-09-27"]]
on = ["2026-09-20", "2026-10-10"]
"#;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    fn calendar() -> WorkCalendar {
        parse_work_calendar("t.toml", FILE).expect("reads")
    }

    #[test]
    fn holidays_are_off_and_the_weekends_worked_in_their_place_are_on() {
        let calendar = calendar();
        assert!(!calendar.is_working_day(d("2026-10-05")), "a Monday off");
        assert!(
            calendar.is_working_day(d("2026-10-10")),
            "a Saturday worked"
        );
        assert!(calendar.is_working_day(d("2026-09-20")), "a Sunday worked");
        assert!(
            !calendar.is_working_day(d("2026-10-11")),
            "an ordinary Sunday"
        );
        assert!(
            calendar.is_working_day(d("2026-10-09")),
            "an ordinary Friday"
        );
        assert!(calendar.covers(2026) && !calendar.covers(2027));
        assert!(!calendar.is_working_day(d("2027-01-02")), "weekends only");
        assert!(
            calendar.is_working_day(d("2027-01-01")),
            "unknown year: a Friday"
        );
    }

    #[test]
    fn a_limit_counts_working_days_after_acceptance() {
        let calendar = calendar();
        // Accepted Wednesday 30 September: 1 Oct to 7 Oct off, then Thursday
        // 8, Friday 9, Saturday 10 (worked).
        assert_eq!(
            calendar.due_on(d("2026-09-30"), 3).expect("due"),
            d("2026-10-10")
        );
        assert_eq!(
            calendar.due_on(d("2026-09-30"), 0).expect("due"),
            d("2026-09-30")
        );
        // Accepted Friday 4 December 2026 with 3 days: Mon 7, Tue 8, Wed 9.
        assert_eq!(
            calendar.due_on(d("2026-12-04"), 3).expect("due"),
            d("2026-12-09")
        );
        assert_eq!(
            calendar.working_days_between(d("2026-09-30"), d("2026-10-10")),
            3
        );
        assert_eq!(
            calendar.working_days_between(d("2026-12-04"), d("2026-12-04")),
            0
        );
        assert_eq!(
            calendar.working_days_between(d("2026-12-09"), d("2026-12-04")),
            0
        );
    }

    #[test]
    fn a_malformed_arrangement_is_refused_naming_the_year() {
        let refused = |text: String| {
            let e = parse_work_calendar("t.toml", &text).expect_err("refused");
            assert_eq!(e.code(), "CALENDAR_INVALID");
            assert!(e.message().contains("year 2026"), "{}", e.message());
        };
        refused(FILE.replace("\"2026-10-10\"]", "\"2026-10-09\"]"));
        refused(FILE.replace(
            "[\"2026-10-01\", \"2026-10-07\"]",
            "[\"2026-10-07\", \"2026-10-01\"]",
        ));
        refused(FILE.replace("2026-09-25", "2025-09-25"));
        refused(FILE.replace(
            "source = \"国务院办公厅关于2026年部分节假日安排的通知\"",
            "source = \" \"",
        ));
        refused(format!("{FILE}{FILE}"));
    }
}
