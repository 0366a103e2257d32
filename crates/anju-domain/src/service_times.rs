//! 办件时效: each piece of work a service promises to finish in a time
//! limit (the catalogue's `limit_days`, in working days) is a work item —
//! accepted on a day, due on the limit-th working day after, completed on
//! a day or still open. Measured per service: completed on time or late,
//! open, and open past its due day (overdue work for the console).

use crate::catalogue::CatalogueEntry;
use crate::working_days::WorkCalendar;
use crate::{Date, DomainResult};

crate::coded_enum! {
    /// The kinds of work a time limit runs on, each the work of one
    /// catalogue service.
    pub enum WorkKind ("办件类型", "WORK_KIND_INVALID") {
        Withdrawal = "withdrawal" "提取申请",
        Loan = "loan" "贷款申请",
        Relief = "relief" "缓缴或降比例申请",
        Complaint = "complaint" "投诉",
        HandOver = "hand_over" "转人工咨询",
    }
}

impl WorkKind {
    /// The catalogue service this work belongs to.
    pub fn service_code(self) -> &'static str {
        match self {
            WorkKind::Withdrawal => "TQ01",
            WorkKind::Loan => "DK01",
            WorkKind::Relief => "JC08",
            WorkKind::Complaint => "ZH06",
            WorkKind::HandOver => "ZH07",
        }
    }

    /// The kind of work of a catalogue service, if it is timed.
    pub fn of_service(code: &str) -> Option<WorkKind> {
        use crate::Coded;
        WorkKind::ALL
            .iter()
            .copied()
            .find(|k| k.service_code() == code)
    }
}

/// One piece of work with its promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkItem {
    pub kind: WorkKind,
    /// The application, complaint or conversation it is.
    pub subject_id: i64,
    pub accepted_on: Date,
    pub due_on: Date,
    pub completed_on: Option<Date>,
}

impl WorkItem {
    /// Accepted on `accepted_on` under `entry`'s limit.
    pub fn accepted(
        kind: WorkKind,
        subject_id: i64,
        accepted_on: Date,
        entry: &CatalogueEntry,
        calendar: &WorkCalendar,
    ) -> DomainResult<WorkItem> {
        Ok(WorkItem {
            kind,
            subject_id,
            accepted_on,
            due_on: calendar.due_on(accepted_on, entry.limit_days)?,
            completed_on: None,
        })
    }

    /// Open and past its due day on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.completed_on.is_none() && today > self.due_on
    }

    /// Days past its due day on `today` (0 when not overdue).
    pub fn days_overdue(&self, today: Date) -> i64 {
        if self.is_overdue(today) {
            self.due_on.days_until(today)
        } else {
            0
        }
    }

    /// Completed after its due day.
    pub fn was_late(&self) -> bool {
        self.completed_on.is_some_and(|done| done > self.due_on)
    }
}

/// One timed service's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTimes {
    pub code: String,
    pub name: String,
    pub limit_days: u16,
    pub completed: i64,
    pub on_time: i64,
    pub late: i64,
    pub open: i64,
    pub overdue: i64,
    /// Working days from acceptance to completion: the (upper) median and the
    /// longest of the completed items (`None` when none completed).
    pub median_days: Option<i64>,
    pub longest_days: Option<i64>,
}

impl ServiceTimes {
    /// Share completed on time, in per mille (`None` when none completed).
    pub fn on_time_permille(&self) -> Option<i64> {
        (self.completed > 0).then(|| self.on_time * 1000 / self.completed)
    }
}

/// The figures of every timed service in `entries` (those with a limit),
/// over `items`, on `today`.
pub fn measure(
    entries: &[CatalogueEntry],
    items: &[WorkItem],
    calendar: &WorkCalendar,
    today: Date,
) -> Vec<ServiceTimes> {
    entries
        .iter()
        .filter(|e| e.limit_days > 0)
        .map(|entry| {
            let mine: Vec<&WorkItem> = items
                .iter()
                .filter(|i| i.kind.service_code() == entry.code)
                .collect();
            times_of(entry, &mine, calendar, today)
        })
        .collect()
}

fn times_of(
    entry: &CatalogueEntry,
    items: &[&WorkItem],
    calendar: &WorkCalendar,
    today: Date,
) -> ServiceTimes {
    let mut taken: Vec<i64> = items
        .iter()
        .filter_map(|i| {
            i.completed_on
                .map(|done| calendar.working_days_between(i.accepted_on, done))
        })
        .collect();
    taken.sort_unstable();
    let count = |keep: &dyn Fn(&WorkItem) -> bool| {
        i64::try_from(items.iter().filter(|i| keep(i)).count()).unwrap_or(i64::MAX)
    };
    let late = count(&|i| i.was_late());
    let completed = i64::try_from(taken.len()).unwrap_or(i64::MAX);
    ServiceTimes {
        code: entry.code.clone(),
        name: entry.name.clone(),
        limit_days: entry.limit_days,
        completed,
        on_time: completed - late,
        late,
        open: count(&|i| i.completed_on.is_none()),
        overdue: count(&|i| i.is_overdue(today)),
        median_days: taken.get(taken.len() / 2).copied(),
        longest_days: taken.last().copied(),
    }
}

/// The open items past their due day, the longest overdue first.
pub fn overdue_work(items: &[WorkItem], today: Date) -> Vec<WorkItem> {
    let mut overdue: Vec<WorkItem> = items
        .iter()
        .filter(|i| i.is_overdue(today))
        .copied()
        .collect();
    overdue.sort_by_key(|i| (i.due_on, i.accepted_on, i.subject_id));
    overdue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::parse_catalogue;
    use crate::working_days::parse_work_calendar;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    const CATALOGUE: &str = r#"
[[service]]
code = "TQ01"
name = "住房公积金提取"
category = "withdrawal"
applicants = ["individual"]
materials = ["身份证件"]
basis = "条例第二十四条"
limit_days = 3
channels = ["online"]
routes = []
from = "2026-01-01"

[[service]]
code = "ZH01"
name = "个人注册"
category = "general"
applicants = ["individual"]
materials = ["身份证件"]
basis = "办法"
limit_days = 0
channels = ["online"]
routes = []
from = "2026-01-01"
"#;

    const CALENDAR: &str = r#"
[[year]]
year = 2026
source = "通知"
off = [["2026-10-01", "2026-10-07"]]
on = ["2026-10-10"]
"#;

    fn item(accepted: &str, completed: Option<&str>, id: i64) -> WorkItem {
        let calendar = parse_work_calendar("c", CALENDAR).expect("calendar");
        let catalogue = parse_catalogue("s", CATALOGUE).expect("catalogue");
        let entry = catalogue.on(d("2026-12-01"))[0].clone();
        let mut item = WorkItem::accepted(WorkKind::Withdrawal, id, d(accepted), &entry, &calendar)
            .expect("item");
        item.completed_on = completed.map(d);
        item
    }

    #[test]
    fn work_is_on_time_late_open_or_overdue_by_working_days() {
        let calendar = parse_work_calendar("c", CALENDAR).expect("calendar");
        let catalogue = parse_catalogue("s", CATALOGUE).expect("catalogue");
        let entries: Vec<CatalogueEntry> =
            catalogue.on(d("2026-12-01")).into_iter().cloned().collect();
        let items = [
            // Accepted 30 Sep, due 10 Oct (the holiday does not count):
            // done on the 9th, on time in 2 working days.
            item("2026-09-30", Some("2026-10-09"), 1),
            // Accepted Fri 4 Dec, due Wed 9 Dec: done Thu 10th, late, 4 days.
            item("2026-12-04", Some("2026-12-10"), 2),
            // Accepted Mon 7 Dec, due Thu 10 Dec: open, overdue on the 11th.
            item("2026-12-07", None, 3),
            // Accepted Thu 10 Dec, due Tue 15 Dec: open, not overdue.
            item("2026-12-10", None, 4),
        ];
        assert_eq!(items[0].due_on, d("2026-10-10"));
        let today = d("2026-12-11");
        let figures = measure(&entries, &items, &calendar, today);
        assert_eq!(figures.len(), 1, "only the timed service");
        let tq = &figures[0];
        assert_eq!(
            (tq.completed, tq.on_time, tq.late, tq.open, tq.overdue),
            (2, 1, 1, 2, 1)
        );
        assert_eq!((tq.median_days, tq.longest_days), (Some(4), Some(4)));
        assert_eq!(tq.on_time_permille(), Some(500));
        let overdue = overdue_work(&items, today);
        assert_eq!(
            overdue.iter().map(|i| i.subject_id).collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(overdue[0].days_overdue(today), 1);
        assert_eq!(items[3].days_overdue(today), 0, "not due yet");
        assert!(
            overdue_work(&items, d("2026-12-10")).is_empty(),
            "due that day"
        );
    }

    #[test]
    fn every_kind_names_its_own_service() {
        use crate::Coded;
        for kind in WorkKind::ALL {
            assert_eq!(WorkKind::of_service(kind.service_code()), Some(*kind));
        }
        assert_eq!(WorkKind::of_service("ZH01"), None);
    }
}
