//! Business dates. A `Date` is a civil date in China Standard Time held as days
//! since 1970-01-01; the domain never reads the clock — callers pass the business
//! date in. Two yearly cycles matter: the contribution year (缴存年度, 1 July –
//! 30 June, when base limits change) and the interest year (结息年度, which also
//! ends on 30 June, when interest is settled).

use crate::error::{DomainError, DomainResult};
use std::fmt;

/// Dates outside these years are refused: nothing in the fund predates 1900 and
/// nothing is scheduled past 2199 (a 30-year loan taken in 2169 would end then).
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2199;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

impl Date {
    /// A date from its parts, refusing impossible ones (2025-02-29, month 13).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> DomainResult<Self> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        if !valid {
            return Err(bad_date(&format!("{year:04}-{month:02}-{day:02}")));
        }
        Ok(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// Strict ISO form `YYYY-MM-DD`.
    pub fn parse(text: &str) -> DomainResult<Self> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(bad_date(text));
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            bytes[range]
                .iter()
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
        };
        let year = i32::try_from(number(0..4)).map_err(|_| bad_date(text))?;
        Date::from_ymd(year, number(5..7), number(8..10)).map_err(|_| bad_date(text))
    }

    /// Days since 1970-01-01, the storage form.
    pub fn from_epoch_days(days: i32) -> DomainResult<Self> {
        let date = Date { days };
        if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
            Ok(date)
        } else {
            Err(bad_date(&days.to_string()))
        }
    }

    pub fn epoch_days(self) -> i32 {
        self.days
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    pub fn day(self) -> u32 {
        self.ymd().2
    }

    pub fn add_days(self, days: i32) -> DomainResult<Self> {
        let sum = self
            .days
            .checked_add(days)
            .ok_or_else(|| bad_date("overflow"))?;
        Date::from_epoch_days(sum)
    }

    /// The day of the week, 1 (Monday) to 7 (Sunday): 1970-01-01 was a
    /// Thursday.
    pub fn weekday(self) -> u8 {
        // rem_euclid(7) is 0..=6, so the cast cannot truncate.
        (self.days + 3).rem_euclid(7) as u8 + 1
    }

    /// `later − self` in days (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        i64::from(later.days) - i64::from(self.days)
    }

    /// The interest year (结息年度) this date falls in: 1 July – 30 June.
    pub fn interest_year(self) -> InterestYear {
        let (year, month, _) = self.ymd();
        InterestYear {
            end_year: if month >= 7 { year + 1 } else { year },
        }
    }

    /// The contribution year (缴存年度) this date falls in: it starts on 1 July
    /// of the returned year (2025 = 2025-07-01 … 2026-06-30).
    pub fn contribution_year(self) -> i32 {
        let (year, month, _) = self.ymd();
        if month >= 7 { year } else { year - 1 }
    }

    /// The civil date in China (UTC+8, no daylight saving) at a Unix instant.
    pub fn today_from_unix_seconds(unix_seconds: i64) -> Self {
        let china_seconds = unix_seconds + 8 * 3600;
        let days = china_seconds.div_euclid(86_400);
        Date {
            days: i32::try_from(days).unwrap_or(i32::MAX),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// An interest year, named by the calendar year of its 30 June end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InterestYear {
    end_year: i32,
}

impl InterestYear {
    pub fn ending(end_year: i32) -> Self {
        InterestYear { end_year }
    }

    pub fn end_year(self) -> i32 {
        self.end_year
    }

    /// 1 July of the previous calendar year.
    pub fn first_day(self) -> DomainResult<Date> {
        Date::from_ymd(self.end_year - 1, 7, 1)
    }

    /// 30 June, the settlement day.
    pub fn last_day(self) -> DomainResult<Date> {
        Date::from_ymd(self.end_year, 6, 30)
    }

    /// 365, or 366 when the year contains a 29 February.
    pub fn length_days(self) -> DomainResult<i64> {
        Ok(self.first_day()?.days_until(self.last_day()?) + 1)
    }
}

/// A contribution month (缴存年月), `yyyymm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> DomainResult<Self> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=12).contains(&month) {
            Ok(Period { year, month })
        } else {
            Err(bad_period(&format!("{year:04}{month:02}")))
        }
    }

    /// Strict `yyyymm`, e.g. `202611`.
    pub fn parse(text: &str) -> DomainResult<Self> {
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_period(text));
        }
        let value: u32 = text.parse().map_err(|_| bad_period(text))?;
        Period::from_yyyymm(value).map_err(|_| bad_period(text))
    }

    pub fn from_yyyymm(value: u32) -> DomainResult<Self> {
        let year = i32::try_from(value / 100).map_err(|_| bad_period(&value.to_string()))?;
        Period::new(year, value % 100)
    }

    pub fn yyyymm(self) -> u32 {
        // Year is 1900..=2199, so this cannot overflow.
        self.year.unsigned_abs() * 100 + self.month
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn of_date(date: Date) -> Self {
        let (year, month, _) = date.ymd();
        Period { year, month }
    }

    pub fn next(self) -> DomainResult<Self> {
        if self.month == 12 {
            Period::new(self.year + 1, 1)
        } else {
            Period::new(self.year, self.month + 1)
        }
    }

    pub fn previous(self) -> DomainResult<Self> {
        if self.month == 1 {
            Period::new(self.year - 1, 12)
        } else {
            Period::new(self.year, self.month - 1)
        }
    }

    pub fn first_day(self) -> DomainResult<Date> {
        Date::from_ymd(self.year, self.month, 1)
    }

    pub fn last_day(self) -> DomainResult<Date> {
        Date::from_ymd(self.year, self.month, days_in_month(self.year, self.month))
    }

    /// The contribution year this month belongs to (July starts a new one).
    pub fn contribution_year(self) -> i32 {
        if self.month >= 7 {
            self.year
        } else {
            self.year - 1
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
/// era-based formula: 400-year eras of 146,097 days, years starting in March).
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i32::try_from(month).unwrap_or(0);
    let d = i32::try_from(day).unwrap_or(0);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Inverse of `days_from_civil`.
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i32::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

fn bad_date(text: &str) -> DomainError {
    DomainError::new(
        "DATE_FORMAT",
        format!("日期“{text}”不正确：请按 YYYY-MM-DD 填写有效日期"),
    )
}

fn bad_period(text: &str) -> DomainError {
    DomainError::new(
        "PERIOD_FORMAT",
        format!("缴存年月“{text}”不正确：请按 yyyymm 填写，如 202611"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).expect(text)
    }

    #[test]
    fn epoch_and_round_trip() {
        assert_eq!(d("1970-01-01").epoch_days(), 0);
        assert_eq!(d("2000-03-01").epoch_days(), 11_017);
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
        // Every day of 1900..2199 survives parse → days → display.
        let mut date = d("1900-01-01");
        let end = d("2199-12-31");
        while date < end {
            let next = date.add_days(1).expect("next day");
            assert_eq!(Date::parse(&next.to_string()), Ok(next));
            assert_eq!(date.days_until(next), 1);
            date = next;
        }
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in [
            "2025-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-4-1",
            "20240401",
            "",
            "2024-04-01x",
            "1899-12-31",
            "2200-01-01",
            "２０２４-01-01",
        ] {
            assert_eq!(
                Date::parse(bad).map_err(|e| e.code()),
                Err("DATE_FORMAT"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn interest_and_contribution_years() {
        assert_eq!(d("2025-06-30").interest_year(), InterestYear::ending(2025));
        assert_eq!(d("2025-07-01").interest_year(), InterestYear::ending(2026));
        assert_eq!(d("2025-06-30").contribution_year(), 2024);
        assert_eq!(d("2025-07-01").contribution_year(), 2025);
        assert_eq!(InterestYear::ending(2025).length_days(), Ok(365));
        assert_eq!(InterestYear::ending(2024).length_days(), Ok(366));
        assert_eq!(InterestYear::ending(2025).first_day(), Ok(d("2024-07-01")));
    }

    #[test]
    fn periods() {
        let p = Period::parse("202612").expect("period");
        assert_eq!(p.next().map(|p| p.yyyymm()), Ok(202_701));
        assert_eq!(
            Period::parse("202601")
                .and_then(Period::previous)
                .map(|p| p.yyyymm()),
            Ok(202_512)
        );
        assert_eq!(
            Period::parse("202402").and_then(Period::last_day),
            Ok(d("2024-02-29"))
        );
        assert_eq!(
            Period::parse("202606").map(Period::contribution_year),
            Ok(2025)
        );
        assert_eq!(
            Period::parse("202607").map(Period::contribution_year),
            Ok(2026)
        );
        for bad in ["202613", "202600", "20261", "2026-1", "abcdef", "1899012"] {
            assert_eq!(
                Period::parse(bad).map_err(|e| e.code()),
                Err("PERIOD_FORMAT"),
                "{bad}"
            );
        }
    }

    #[test]
    fn china_date_from_instant() {
        // 2026-11-28T16:00:00Z is midnight 2026-11-29 in Beijing.
        assert_eq!(
            Date::today_from_unix_seconds(1_795_881_600).to_string(),
            "2026-11-29"
        );
        assert_eq!(
            Date::today_from_unix_seconds(1_795_881_599).to_string(),
            "2026-11-28"
        );
    }
}
