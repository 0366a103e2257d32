//! 网点: the centre's service outlets and the partner banks' counters, as
//! dated data (`services/outlets.toml`) — address, coordinates, opening
//! days and hours, the services each takes, its windows — with the rules of
//! an appointment (预约) by half-hour slot, and the 10-minute service
//! circle (十分钟服务圈): the share of a population grid within ten minutes
//! of an outlet, walking or driving, at stated speeds.
//!
//! Geometry is in floating point (distances, minutes): it is not money.

use crate::working_days::WorkCalendar;
use crate::{Date, DomainError, DomainResult};
use serde::Deserialize;

/// A slot's length: appointments are by the half hour.
pub const SLOT_MINUTES: u16 = 30;
/// How far ahead a member may book: from tomorrow to 14 days out.
pub const BOOK_DAYS_AHEAD: i32 = 14;
/// Appointments missed (爽约) in the last 90 days that bar booking.
pub const NO_SHOWS_BARRING: i64 = 3;
/// The window no-shows are counted over, in days.
pub const NO_SHOW_WINDOW_DAYS: i32 = 90;

crate::coded_enum! {
    /// Whose counter it is.
    pub enum OutletKind ("网点类型", "OUTLETS_INVALID") {
        Centre = "centre" "中心服务网点",
        PartnerBank = "partner_bank" "合作银行网点",
    }
}

crate::coded_enum! {
    /// An appointment's state as stored; a booked one whose day has passed
    /// without a check-in reads as 爽约 (see [`AppointmentStatus::on`]).
    pub enum AppointmentStatus ("预约状态", "APPOINTMENT_STATE") {
        Booked = "booked" "已预约",
        Arrived = "arrived" "已到号",
        Cancelled = "cancelled" "已取消",
        NoShow = "no_show" "爽约",
    }
}

impl AppointmentStatus {
    /// The state as of `today` for an appointment on `day`.
    pub fn on(self, day: Date, today: Date) -> AppointmentStatus {
        match self {
            AppointmentStatus::Booked if day < today => AppointmentStatus::NoShow,
            other => other,
        }
    }
}

/// A point, in millionths of a degree (WGS 84), kept exact as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub lon_micro: i64,
    pub lat_micro: i64,
}

impl Point {
    fn degrees(self) -> (f64, f64) {
        (self.lon_micro as f64 / 1e6, self.lat_micro as f64 / 1e6)
    }

    /// Great-circle distance in kilometres (haversine, mean earth radius).
    pub fn km_to(self, other: Point) -> f64 {
        const EARTH_KM: f64 = 6_371.0;
        let (lon1, lat1) = self.degrees();
        let (lon2, lat2) = other.degrees();
        let (dlat, dlon) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
        let a = (dlat / 2.0).sin().powi(2)
            + lat1.to_radians().cos() * lat2.to_radians().cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_KM * a.sqrt().asin()
    }
}

/// Degrees written as decimal text ("120.585316", at most six decimals)
/// into millionths, exactly.
pub fn micro_degrees(text: &str, limit: i64) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 6 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<6}").parse().ok()?;
    let value = whole.checked_mul(1_000_000)?.checked_add(fraction)?;
    let value = if negative { -value } else { value };
    (value.abs() <= limit * 1_000_000).then_some(value)
}

/// An outlet as in force from `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlet {
    pub code: String,
    pub name: String,
    pub kind: OutletKind,
    pub district: String,
    pub address: String,
    pub at: Point,
    /// Days open, 1 (Monday) to 7 (Sunday).
    pub open_days: Vec<u8>,
    /// Minutes after midnight.
    pub opens_min: u16,
    pub closes_min: u16,
    /// Catalogue codes of the services taken here.
    pub services: Vec<String>,
    /// Windows serving the queue, and how many of them take appointments
    /// (each slot's capacity).
    pub windows: u16,
    pub appointment_windows: u16,
    /// Minutes a client takes at a window, on average (the expected wait).
    pub minutes_per_client: u16,
    /// The address and coordinates were checked against the centre's
    /// published list; when not, pages say 待核实.
    pub verified: bool,
    pub from: Date,
}

impl Outlet {
    /// Open on `day`: its listed weekdays, closed on public holidays, and
    /// open on a weekend day worked in a holiday's place (调休) when it
    /// opens on working days.
    pub fn open_on(&self, day: Date, calendar: &WorkCalendar) -> bool {
        if calendar.is_holiday(day) {
            return false;
        }
        if calendar.is_worked_weekend(day) {
            return self.open_days.iter().any(|d| (1..=5).contains(d));
        }
        self.open_days.contains(&day.weekday())
    }

    /// The appointment slots of an open day, by start minute.
    pub fn slots(&self, day: Date, calendar: &WorkCalendar) -> Vec<u16> {
        if !self.open_on(day, calendar) || self.appointment_windows == 0 {
            return Vec::new();
        }
        (self.opens_min..self.closes_min.saturating_sub(SLOT_MINUTES - 1))
            .step_by(usize::from(SLOT_MINUTES))
            .collect()
    }

    pub fn hours_text(&self) -> String {
        let days: Vec<&str> = self
            .open_days
            .iter()
            .map(|d| ["", "一", "二", "三", "四", "五", "六", "日"][usize::from(*d)])
            .collect();
        format!(
            "周{} {}–{}",
            days.join("、"),
            clock_text(self.opens_min),
            clock_text(self.closes_min)
        )
    }

    /// Minutes a client waits behind `ahead` others: every window takes
    /// one, so each full round of windows ahead costs a client's minutes
    /// (with fewer ahead than windows, one is free now).
    pub fn expected_wait_minutes(&self, ahead: u32) -> u32 {
        let windows = u32::from(self.windows.max(1));
        ahead / windows * u32::from(self.minutes_per_client)
    }
}

/// "09:30".
pub fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Why a member may not book `slot_min` at `outlet` on `day` (today being
/// `today`), or none: the day within the booking window and open, the slot
/// one of the day's, the service one the outlet takes, and the member not
/// barred by missed appointments.
pub fn booking_refusal(
    outlet: &Outlet,
    day: Date,
    slot_min: u16,
    service: &str,
    today: Date,
    recent_no_shows: i64,
    calendar: &WorkCalendar,
) -> Option<DomainError> {
    let ahead = today.days_until(day);
    if !(1..=i64::from(BOOK_DAYS_AHEAD)).contains(&ahead) {
        let message = format!("可预约明天起 {BOOK_DAYS_AHEAD} 天内的日期");
        return Some(DomainError::new("APPOINTMENT_DAY", message));
    }
    if !outlet.slots(day, calendar).contains(&slot_min) {
        let message = format!("{} {day} 不营业或没有该时段", outlet.name);
        return Some(DomainError::new("APPOINTMENT_SLOT", message));
    }
    if !outlet.services.iter().any(|s| s == service) {
        let message = format!("{}不办理该事项，请选择其他网点", outlet.name);
        return Some(DomainError::new("APPOINTMENT_SERVICE", message));
    }
    if recent_no_shows >= NO_SHOWS_BARRING {
        let message = format!(
            "近 {NO_SHOW_WINDOW_DAYS} 天内爽约 {recent_no_shows} 次，暂不能网上预约，请直接到网点取号"
        );
        return Some(DomainError::new("APPOINTMENT_BARRED", message));
    }
    None
}

/// A cell of a population grid: its centre and the people living in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridCell {
    pub at: Point,
    pub population: i64,
}

/// How people reach an outlet: a speed, a detour over the straight line
/// (streets are not straight), and the minutes that count as near.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    pub name: &'static str,
    pub speed_kmh: f64,
    pub detour_percent: f64,
    pub minutes: f64,
}

/// Walking at 5 km/h, driving at 30 km/h (urban average); streets 30 %
/// longer than the straight line.
pub const WALKING: Travel = Travel {
    name: "步行",
    speed_kmh: 5.0,
    detour_percent: 130.0,
    minutes: 10.0,
};
pub const DRIVING: Travel = Travel {
    name: "驾车",
    speed_kmh: 30.0,
    detour_percent: 130.0,
    minutes: 10.0,
};

impl Travel {
    /// Minutes to cover `km` of straight line.
    pub fn minutes_for(&self, km: f64) -> f64 {
        km * self.detour_percent / 100.0 / self.speed_kmh * 60.0
    }
}

/// The cells within the travel time of their nearest outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub travel: Travel,
    pub population: i64,
    pub covered: i64,
    /// Per cell (in the grid's order): minutes to the nearest outlet.
    pub minutes: Vec<f64>,
}

impl Coverage {
    /// The covered share in tenths of a percent (rounded half up).
    pub fn permille(&self) -> i64 {
        if self.population == 0 {
            return 0;
        }
        (self.covered * 1000 * 2 + self.population) / (self.population * 2)
    }
}

pub fn coverage(outlets: &[&Outlet], grid: &[GridCell], travel: Travel) -> Coverage {
    let mut covered = 0;
    let mut minutes = Vec::with_capacity(grid.len());
    for cell in grid {
        let nearest = outlets
            .iter()
            .map(|o| travel.minutes_for(cell.at.km_to(o.at)))
            .fold(f64::INFINITY, f64::min);
        if nearest <= travel.minutes {
            covered += cell.population;
        }
        minutes.push(nearest);
    }
    Coverage {
        travel,
        population: grid.iter().map(|c| c.population).sum(),
        covered,
        minutes,
    }
}

/// Reads a population grid: CSV `lon,lat,population` with that header.
pub fn parse_grid(name: &str, text: &str) -> DomainResult<Vec<GridCell>> {
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    if lines.next().map(str::trim) != Some("lon,lat,population") {
        return Err(outlets_invalid(name, "首行应为 lon,lat,population"));
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let at = |why: &str| outlets_invalid(&format!("{name} 第 {} 行", i + 2), why);
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let [lon, lat, population] = fields[..] else {
                return Err(at("应有三列"));
            };
            Ok(GridCell {
                at: Point {
                    lon_micro: micro_degrees(lon, 180).ok_or_else(|| at("经度无效"))?,
                    lat_micro: micro_degrees(lat, 90).ok_or_else(|| at("纬度无效"))?,
                },
                population: population
                    .parse()
                    .ok()
                    .filter(|p: &i64| *p >= 0)
                    .ok_or_else(|| at("人口应为非负整数"))?,
            })
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutletFile {
    outlet: Vec<FileOutlet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOutlet {
    code: String,
    name: String,
    kind: String,
    district: String,
    address: String,
    lon: String,
    lat: String,
    open_days: Vec<u8>,
    opens: String,
    closes: String,
    services: Vec<String>,
    windows: u16,
    appointment_windows: u16,
    minutes_per_client: u16,
    verified: bool,
    from: String,
}

fn minutes_of(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Reads the outlets file: codes unique per day, coordinates and hours
/// valid, at least one window.
pub fn parse_outlets(name: &str, text: &str) -> DomainResult<Vec<Outlet>> {
    let file: OutletFile =
        toml::from_str(text).map_err(|e| outlets_invalid(name, &e.to_string()))?;
    let mut outlets: Vec<Outlet> = Vec::with_capacity(file.outlet.len());
    for (i, raw) in file.outlet.into_iter().enumerate() {
        let at = format!("{name} outlet[{i}]");
        let bad = |why: &str| outlets_invalid(&at, why);
        let (opens, closes) = (minutes_of(&raw.opens), minutes_of(&raw.closes));
        let (Some(opens_min), Some(closes_min)) = (opens, closes) else {
            return Err(bad("营业时间应为 HH:MM"));
        };
        if opens_min >= closes_min || raw.open_days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(bad("营业时间或营业日无效"));
        }
        if raw.windows == 0 || raw.appointment_windows > raw.windows {
            return Err(bad("窗口数至少为 1，预约窗口不多于窗口数"));
        }
        let outlet = Outlet {
            kind: OutletKind::parse(&raw.kind).map_err(|e| bad(e.message()))?,
            at: Point {
                lon_micro: micro_degrees(&raw.lon, 180).ok_or_else(|| bad("经度无效"))?,
                lat_micro: micro_degrees(&raw.lat, 90).ok_or_else(|| bad("纬度无效"))?,
            },
            from: Date::parse(&raw.from).map_err(|e| bad(e.message()))?,
            code: raw.code,
            name: raw.name,
            district: raw.district,
            address: raw.address,
            open_days: raw.open_days,
            opens_min,
            closes_min,
            services: raw.services,
            windows: raw.windows,
            appointment_windows: raw.appointment_windows,
            minutes_per_client: raw.minutes_per_client,
            verified: raw.verified,
        };
        if outlets
            .iter()
            .any(|o| o.code == outlet.code && o.from == outlet.from)
        {
            return Err(bad(&format!("{} 重复", outlet.code)));
        }
        outlets.push(outlet);
    }
    Ok(outlets)
}

/// The outlets in force on `day`: for each code the latest `from` not after it.
pub fn outlets_on(all: &[Outlet], day: Date) -> Vec<&Outlet> {
    let mut current: Vec<&Outlet> = Vec::new();
    for outlet in all.iter().filter(|o| o.from <= day) {
        match current.iter_mut().find(|c| c.code == outlet.code) {
            Some(c) if c.from < outlet.from => *c = outlet,
            Some(_) => {}
            None => current.push(outlet),
        }
    }
    current
}

fn outlets_invalid(at: &str, why: &str) -> DomainError {
    DomainError::new("OUTLETS_INVALID", format!("网点数据 {at}：{why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    fn outlet(lon: &str, lat: &str) -> Outlet {
        Outlet {
            code: "WD01".into(),
            name: "测试网点".into(),
            kind: OutletKind::Centre,
            district: "姑苏区".into(),
            address: "测试路 1 号".into(),
            at: Point {
                lon_micro: micro_degrees(lon, 180).expect("lon"),
                lat_micro: micro_degrees(lat, 90).expect("lat"),
            },
            open_days: vec![1, 2, 3, 4, 5],
            opens_min: 9 * 60,
            closes_min: 17 * 60,
            services: vec!["TQ01".into()],
            windows: 4,
            appointment_windows: 2,
            minutes_per_client: 12,
            verified: true,
            from: d("2026-01-01"),
        }
    }

    #[test]
    fn degrees_are_read_exactly_and_weekdays_counted_from_a_thursday() {
        assert_eq!(micro_degrees("120.585316", 180), Some(120_585_316));
        assert_eq!(micro_degrees("-0.5", 90), Some(-500_000));
        assert_eq!(micro_degrees("31.3", 90), Some(31_300_000));
        for bad in ["", "1.2345678", "91", "abc", "1e3", "-"] {
            assert_eq!(micro_degrees(bad, 90), None, "{bad}");
        }
        assert_eq!(d("1970-01-01").weekday(), 4);
        assert_eq!(d("2026-12-07").weekday(), 1, "a Monday");
        assert_eq!(d("2026-12-13").weekday(), 7);
    }

    #[test]
    fn outlets_close_on_holidays_and_open_on_the_weekends_worked() {
        let calendar = crate::working_days::parse_work_calendar(
            "t",
            r#"
[[year]]
year = 2026
source = "通知"
off = [["2026-10-01", "2026-10-07"]]
on = ["2026-10-10"]
"#,
        )
        .expect("calendar");
        let o = outlet("120.6", "31.3");
        assert!(!o.open_on(d("2026-10-05"), &calendar), "a Monday off");
        assert!(o.open_on(d("2026-10-10"), &calendar), "a Saturday worked");
        assert!(!o.open_on(d("2026-10-11"), &calendar), "an ordinary Sunday");
        assert!(o.open_on(d("2026-10-09"), &calendar));
        assert_eq!(o.slots(d("2026-10-10"), &calendar).len(), 16);
        let weekend_only = Outlet {
            open_days: vec![6, 7],
            ..o
        };
        assert!(!weekend_only.open_on(d("2026-10-10"), &calendar));
        assert!(
            !weekend_only.open_on(d("2026-10-03"), &calendar),
            "a holiday"
        );
    }

    #[test]
    fn slots_run_by_the_half_hour_on_open_days() {
        let o = outlet("120.6", "31.3");
        let none = WorkCalendar::default();
        let monday = o.slots(d("2026-12-07"), &none);
        assert_eq!(monday.len(), 16, "09:00 to 16:30");
        assert_eq!((monday[0], monday[15]), (540, 990));
        assert!(o.slots(d("2026-12-12"), &none).is_empty(), "Saturday");
        assert_eq!(o.hours_text(), "周一、二、三、四、五 09:00–17:00");
        assert_eq!(o.expected_wait_minutes(0), 0);
        assert_eq!(o.expected_wait_minutes(3), 0, "a window is free");
        assert_eq!(
            o.expected_wait_minutes(5),
            12,
            "one full round of four windows"
        );
        assert_eq!(o.expected_wait_minutes(8), 24);
    }

    #[test]
    fn a_booking_is_refused_for_each_rule() {
        let o = outlet("120.6", "31.3");
        let today = d("2026-12-07");
        let none = WorkCalendar::default();
        let code = |day: &str, slot: u16, service: &str, missed: i64| {
            booking_refusal(&o, d(day), slot, service, today, missed, &none).map(|e| e.code())
        };
        assert_eq!(code("2026-12-08", 540, "TQ01", 0), None);
        assert_eq!(code("2026-12-07", 540, "TQ01", 0), Some("APPOINTMENT_DAY"));
        assert_eq!(code("2026-12-22", 540, "TQ01", 0), Some("APPOINTMENT_DAY"));
        assert_eq!(code("2026-12-21", 540, "TQ01", 0), None, "14 days out");
        assert_eq!(code("2026-12-12", 540, "TQ01", 0), Some("APPOINTMENT_SLOT"));
        assert_eq!(code("2026-12-08", 545, "TQ01", 0), Some("APPOINTMENT_SLOT"));
        assert_eq!(
            code("2026-12-08", 1020, "TQ01", 0),
            Some("APPOINTMENT_SLOT")
        );
        assert_eq!(
            code("2026-12-08", 540, "DK01", 0),
            Some("APPOINTMENT_SERVICE")
        );
        assert_eq!(
            code("2026-12-08", 540, "TQ01", 3),
            Some("APPOINTMENT_BARRED")
        );
        let status = AppointmentStatus::Booked;
        assert_eq!(status.on(d("2026-12-06"), today), AppointmentStatus::NoShow);
        assert_eq!(status.on(today, today), AppointmentStatus::Booked);
    }

    /// A hand-checked grid around one outlet at (120.6, 31.3): a cell due
    /// north by 0.005° of latitude is 0.556 km away (6371 km × 0.005 ×
    /// π/180), walked in 0.556 × 1.3 / 5 × 60 = 8.67 minutes; 0.01° north
    /// is 1.112 km, 17.3 minutes walking, 2.9 driving; 0.05° north is
    /// 5.56 km, 14.5 minutes driving.
    #[test]
    fn the_ten_minute_circle_on_a_small_grid() {
        let o = outlet("120.6", "31.3");
        let cell = |lat: &str, population| GridCell {
            at: Point {
                lon_micro: 120_600_000,
                lat_micro: micro_degrees(lat, 90).expect("lat"),
            },
            population,
        };
        let grid = [
            cell("31.3", 1_000),
            cell("31.305", 2_000),
            cell("31.31", 3_000),
            cell("31.35", 4_000),
        ];
        let walking = coverage(&[&o], &grid, WALKING);
        assert_eq!((walking.covered, walking.population), (3_000, 10_000));
        assert_eq!(walking.permille(), 300);
        assert!(
            (walking.minutes[1] - 8.672).abs() < 0.01,
            "{:?}",
            walking.minutes
        );
        assert!(
            (walking.minutes[2] - 17.344).abs() < 0.01,
            "{:?}",
            walking.minutes
        );
        let driving = coverage(&[&o], &grid, DRIVING);
        assert_eq!(driving.covered, 6_000);
        assert!(
            (driving.minutes[3] - 14.454).abs() < 0.01,
            "{:?}",
            driving.minutes
        );
        assert_eq!(driving.permille(), 600);
    }

    #[test]
    fn a_grid_file_is_checked() {
        let good = "lon,lat,population\n120.6,31.3,10\n";
        assert_eq!(parse_grid("g", good).expect("reads").len(), 1);
        for bad in [
            "lat,lon,population\n",
            "lon,lat,population\n120.6,31.3\n",
            "lon,lat,population\n120.6,91,1\n",
            "lon,lat,population\n120.6,31.3,-1\n",
        ] {
            let e = parse_grid("g", bad).expect_err(bad);
            assert_eq!(e.code(), "OUTLETS_INVALID");
        }
    }
}
