//! 网点与预约 use cases: the outlets in force (built in from
//! `services/outlets.toml`), each open day's half-hour slots with the places
//! left, a member's booking and cancellation, the desk's day list with
//! check-in (到号), and the 10-minute service circle over the population
//! grid (`services/population-grid.csv`).

use crate::access::Actor;
use crate::service_times::work_calendar;
use crate::{AppResult, Outlets};
use anju_domain::access::duties;
use anju_domain::outlets::{
    AppointmentStatus, Coverage, DRIVING, GridCell, NO_SHOW_WINDOW_DAYS, Outlet, WALKING,
    booking_refusal, coverage, outlets_on, parse_grid, parse_outlets,
};
use anju_domain::{Date, DomainError};
pub use anju_store::{AppointmentRecord, TicketRecord};
use std::sync::OnceLock;

pub const OUTLETS_NAME: &str = "services/outlets.toml (built in)";
pub const OUTLETS: &str = include_str!("../../../services/outlets.toml");
pub const GRID_NAME: &str = "services/population-grid.csv (built in)";
pub const GRID: &str = include_str!("../../../services/population-grid.csv");

/// Every outlet of the built-in file, all dates, read on first use.
pub fn built_in() -> AppResult<&'static [Outlet]> {
    static READ: OnceLock<anju_domain::DomainResult<Vec<Outlet>>> = OnceLock::new();
    let read = READ.get_or_init(|| parse_outlets(OUTLETS_NAME, OUTLETS));
    read.as_deref().map_err(|e| e.clone().into())
}

/// The built-in population grid (synthetic: see the file's header).
pub fn built_in_grid() -> AppResult<&'static [GridCell]> {
    static READ: OnceLock<anju_domain::DomainResult<Vec<GridCell>>> = OnceLock::new();
    let read = READ.get_or_init(|| parse_grid(GRID_NAME, GRID));
    read.as_deref().map_err(|e| e.clone().into())
}

/// An open day's slots with the places left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySlots {
    pub day: Date,
    /// (start minute, places left).
    pub slots: Vec<(u16, i64)>,
}

/// What a member asks to book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    pub outlet_code: String,
    pub day: Date,
    pub slot_min: u16,
    pub service_code: String,
}

/// The 10-minute circle walking and driving.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceCircle {
    pub walking: Coverage,
    pub driving: Coverage,
}

fn member_of(actor: &Actor) -> AppResult<i64> {
    actor
        .acting_member()
        .ok_or_else(|| DomainError::new("ROLE_FORBIDDEN", "预约由缴存职工本人办理").into())
}

fn desk(actor: &Actor) -> AppResult<()> {
    match &actor.principal {
        Some(p) if duties::CASE_DESK.contains(&p.role) => Ok(()),
        _ => Err(DomainError::new("ROLE_FORBIDDEN", "到号登记由柜员、审核员或管理员办理").into()),
    }
}

fn no_appointment(id: i64) -> crate::AppError {
    DomainError::new("APPOINTMENT_NOT_FOUND", format!("预约 {id} 不存在")).into()
}

impl Outlets<'_> {
    /// The outlets in force on `day`, in the file's order.
    pub fn outlets(self, day: Date) -> AppResult<Vec<Outlet>> {
        Ok(outlets_on(built_in()?, day).into_iter().cloned().collect())
    }

    pub fn outlet(self, code: &str, day: Date) -> AppResult<Outlet> {
        self.outlets(day)?
            .into_iter()
            .find(|o| o.code == code)
            .ok_or_else(|| {
                DomainError::new("OUTLET_NOT_FOUND", format!("网点 {code} 不存在")).into()
            })
    }

    /// Whether the outlet is open on `day`: its weekdays, less public
    /// holidays, plus the weekend days worked in their place.
    pub fn is_open(self, outlet: &Outlet, day: Date) -> AppResult<bool> {
        Ok(outlet.open_on(day, work_calendar()?))
    }

    /// The share of the population grid within ten minutes of an outlet in
    /// force on `day` (centre outlets and partner counters alike).
    pub fn service_circle(self, day: Date) -> AppResult<ServiceCircle> {
        let outlets = self.outlets(day)?;
        let all: Vec<&Outlet> = outlets.iter().collect();
        let grid = built_in_grid()?;
        Ok(ServiceCircle {
            walking: coverage(&all, grid, WALKING),
            driving: coverage(&all, grid, DRIVING),
        })
    }

    /// The bookable days from tomorrow on, each with its slots and the
    /// places left.
    pub async fn open_slots(self, code: &str, today: Date) -> AppResult<Vec<DaySlots>> {
        self.outlet(code, today)?;
        let (from, to) = (
            today.add_days(1)?,
            today.add_days(anju_domain::outlets::BOOK_DAYS_AHEAD)?,
        );
        let taken = self.outlet_port().slot_bookings(code, from, to).await?;
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            // The outlet as it will be that day (its entry may change).
            let Ok(outlet) = self.outlet(code, day) else {
                day = day.add_days(1)?;
                continue;
            };
            let capacity = i64::from(outlet.appointment_windows);
            let slots = outlet.slots(day, work_calendar()?);
            if !slots.is_empty() {
                let left = |slot: u16| {
                    let booked = taken
                        .iter()
                        .find(|(d, s, _)| *d == day && *s == slot)
                        .map_or(0, |t| t.2);
                    (capacity - booked).max(0)
                };
                days.push(DaySlots {
                    day,
                    slots: slots.into_iter().map(|s| (s, left(s))).collect(),
                });
            }
            day = day.add_days(1)?;
        }
        Ok(days)
    }

    /// 预约: books a slot for the signed-in member. Refused (nothing
    /// written) outside the booking window, on a closed day or slot, for a
    /// service the outlet does not take, after too many missed
    /// appointments, when the slot is full or the member already has one
    /// that day.
    pub async fn book(
        self,
        actor: &Actor,
        request: &BookingRequest,
        today: Date,
    ) -> AppResult<AppointmentRecord> {
        let result = self.try_book(actor, request, today).await;
        let target = format!("outlet:{}", request.outlet_code);
        self.audited(actor, "appointment.book", &target, b"", result)
            .await
    }

    async fn try_book(
        self,
        actor: &Actor,
        request: &BookingRequest,
        today: Date,
    ) -> AppResult<AppointmentRecord> {
        let member_id = member_of(actor)?;
        // The outlet as in force on the day booked.
        let outlet = self.outlet(&request.outlet_code, request.day)?;
        let since = today.add_days(-NO_SHOW_WINDOW_DAYS)?;
        let missed = self
            .outlet_port()
            .missed_appointments(member_id, since, today)
            .await?;
        let refusal = booking_refusal(
            &outlet,
            request.day,
            request.slot_min,
            &request.service_code,
            today,
            missed,
            work_calendar()?,
        );
        if let Some(refusal) = refusal {
            return Err(refusal.into());
        }
        let now = crate::clock::now_micros();
        let appointment = AppointmentRecord {
            appointment_id: self.posting_port().reserve_ids(1),
            member_id,
            outlet_code: outlet.code.clone(),
            day: request.day,
            slot_min: request.slot_min,
            service_code: request.service_code.clone(),
            status: AppointmentStatus::Booked,
            booked_at_us: now,
            changed_at_us: now,
        };
        let capacity = i64::from(outlet.appointment_windows);
        self.outlet_port()
            .book_appointment(&appointment, capacity)
            .await?;
        Ok(appointment)
    }

    /// The member's appointments, latest first.
    pub async fn my_appointments(self, actor: &Actor) -> AppResult<Vec<AppointmentRecord>> {
        let member_id = member_of(actor)?;
        Ok(self.outlet_port().member_appointments(member_id).await?)
    }

    /// 取消预约: the member cancels their own booking up to the day before.
    pub async fn cancel(self, actor: &Actor, appointment_id: i64, today: Date) -> AppResult<()> {
        let result = self.try_cancel(actor, appointment_id, today).await;
        let target = format!("appointment:{appointment_id}");
        self.audited(actor, "appointment.cancel", &target, b"", result)
            .await
    }

    async fn try_cancel(self, actor: &Actor, appointment_id: i64, today: Date) -> AppResult<()> {
        let member_id = member_of(actor)?;
        let found = self.outlet_port().appointment(appointment_id).await?;
        let Some(a) = found.filter(|a| a.member_id == member_id) else {
            return Err(no_appointment(appointment_id));
        };
        if a.day <= today || a.status != AppointmentStatus::Booked {
            let message = "只能取消明天及以后、尚未到号的预约";
            return Err(DomainError::new("APPOINTMENT_STATE", message).into());
        }
        let now = crate::clock::now_micros();
        let port = self.outlet_port();
        if !port
            .close_appointment(appointment_id, AppointmentStatus::Cancelled, now)
            .await?
        {
            return Err(DomainError::new("APPOINTMENT_STATE", "预约状态已改变").into());
        }
        Ok(())
    }

    /// The desk's list of an outlet's appointments on a day.
    pub async fn day_list(
        self,
        actor: &Actor,
        code: &str,
        day: Date,
    ) -> AppResult<Vec<AppointmentRecord>> {
        desk(actor)?;
        self.outlet(code, day)?;
        Ok(self.outlet_port().outlet_appointments(code, day).await?)
    }

    /// 到号: the desk marks a member who came for today's appointment.
    pub async fn check_in(self, actor: &Actor, appointment_id: i64, today: Date) -> AppResult<()> {
        let result = async {
            desk(actor)?;
            let found = self.outlet_port().appointment(appointment_id).await?;
            let a = found.ok_or_else(|| no_appointment(appointment_id))?;
            if a.day != today {
                let message = "只能为当天的预约登记到号";
                return Err(DomainError::new("APPOINTMENT_STATE", message).into());
            }
            let now = crate::clock::now_micros();
            let port = self.outlet_port();
            if !port
                .close_appointment(appointment_id, AppointmentStatus::Arrived, now)
                .await?
            {
                return Err(DomainError::new("APPOINTMENT_STATE", "预约已取消或已到号").into());
            }
            Ok(())
        }
        .await;
        let target = format!("appointment:{appointment_id}");
        self.audited(actor, "appointment.check_in", &target, b"", result)
            .await
    }
}

/// A queue ticket with how many wait before it and the expected wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub record: TicketRecord,
    pub ahead: i64,
    pub wait_minutes: u32,
}

impl Outlets<'_> {
    fn ticket_of(self, record: TicketRecord, ahead: i64, today: Date) -> AppResult<Ticket> {
        let outlet = self.outlet(&record.outlet_code, today)?;
        let wait_minutes = outlet.expected_wait_minutes(u32::try_from(ahead).unwrap_or(u32::MAX));
        Ok(Ticket {
            record,
            ahead,
            wait_minutes,
        })
    }

    /// 网上取号: the member takes today's next number at an open outlet
    /// for a service it takes; the expected wait is the people before
    /// them over the windows, at the outlet's minutes a client.
    pub async fn take_ticket(
        self,
        actor: &Actor,
        code: &str,
        service: &str,
        today: Date,
    ) -> AppResult<Ticket> {
        let result = async {
            let member_id = member_of(actor)?;
            let outlet = self.outlet(code, today)?;
            if !outlet.open_on(today, work_calendar()?) {
                let message = format!("{}今天不营业", outlet.name);
                return Err(DomainError::new("APPOINTMENT_SLOT", message).into());
            }
            if !outlet.services.iter().any(|s| s == service) {
                let message = format!("{}不办理该事项，请选择其他网点", outlet.name);
                return Err(DomainError::new("APPOINTMENT_SERVICE", message).into());
            }
            let now = crate::clock::now_micros();
            let port = self.queue_port();
            let (record, ahead) = port
                .take_ticket(code, today, member_id, service, now)
                .await?;
            self.ticket_of(record, ahead, today)
        }
        .await;
        self.audited(actor, "queue.take", &format!("outlet:{code}"), b"", result)
            .await
    }

    /// The member's tickets of today.
    pub async fn my_tickets(self, actor: &Actor, today: Date) -> AppResult<Vec<Ticket>> {
        let member_id = member_of(actor)?;
        let held = self.queue_port().member_tickets(member_id, today).await?;
        held.into_iter()
            .map(|(record, ahead)| self.ticket_of(record, ahead, today))
            .collect()
    }

    /// How many wait at an outlet now, and the expected wait for a new
    /// ticket.
    pub async fn queue_now(self, code: &str, today: Date) -> AppResult<(i64, u32)> {
        let outlet = self.outlet(code, today)?;
        let tickets = self.queue_port().tickets(code, today).await?;
        let waiting = tickets.iter().filter(|t| !t.called).count() as i64;
        let wait = outlet.expected_wait_minutes(u32::try_from(waiting).unwrap_or(u32::MAX));
        Ok((waiting, wait))
    }

    /// 叫号: the desk calls the next number at an outlet.
    pub async fn call_next(
        self,
        actor: &Actor,
        code: &str,
        today: Date,
    ) -> AppResult<Option<TicketRecord>> {
        let result = async {
            desk(actor)?;
            self.outlet(code, today)?;
            Ok(self.queue_port().call_next(code, today).await?)
        }
        .await;
        self.audited(actor, "queue.call", &format!("outlet:{code}"), b"", result)
            .await
    }

    /// The day's tickets at an outlet, for the desk.
    pub async fn queue_list(
        self,
        actor: &Actor,
        code: &str,
        today: Date,
    ) -> AppResult<Vec<TicketRecord>> {
        desk(actor)?;
        Ok(self.queue_port().tickets(code, today).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{clerk, d, person, sqlite_app};
    use anju_domain::access::Role;

    fn member(id: i64) -> Actor {
        person(Role::Member, &format!("member-{id}"), Some(id))
    }

    fn request(day: &str, slot_min: u16) -> BookingRequest {
        BookingRequest {
            outlet_code: "WD01".into(),
            day: d(day),
            slot_min,
            service_code: "TQ01".into(),
        }
    }

    #[test]
    fn the_built_in_outlets_and_grid_read_and_the_circle_is_measured() {
        let outlets = outlets_on(built_in().expect("outlets"), d("2026-12-07"));
        assert!(outlets.len() >= 10, "{}", outlets.len());
        let grid = built_in_grid().expect("grid");
        let people: i64 = grid.iter().map(|c| c.population).sum();
        assert!((5_999_000..=6_001_000).contains(&people), "{people}");
        let all: Vec<&Outlet> = outlets.to_vec();
        let walking = coverage(&all, grid, WALKING);
        let driving = coverage(&all, grid, DRIVING);
        // The figures docs/services.md states (synthetic grid, 13 outlets).
        assert_eq!((walking.permille(), driving.permille()), (55, 741));
    }

    #[tokio::test]
    async fn numbers_are_taken_waited_for_and_called() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "q.db").await;
        let o = app.outlets();
        let monday = d("2026-12-07");
        let first = o
            .take_ticket(&member(1), "WD01", "TQ01", monday)
            .await
            .expect("a number");
        assert_eq!(
            (first.record.number, first.ahead, first.wait_minutes),
            (1, 0, 0)
        );
        let second = o
            .take_ticket(&member(2), "WD01", "TQ01", monday)
            .await
            .expect("a number");
        // One before and twelve windows: a window is free for the second.
        assert_eq!(
            (second.record.number, second.ahead, second.wait_minutes),
            (2, 1, 0)
        );
        assert_eq!(o.queue_now("WD01", monday).await.expect("now"), (2, 0));
        let twice = o.take_ticket(&member(1), "WD01", "TQ01", monday).await;
        assert_eq!(twice.expect_err("held").code(), Some("TICKET_EXISTS"));
        let saturday = o
            .take_ticket(&member(3), "WD01", "TQ01", d("2026-12-12"))
            .await;
        assert_eq!(
            saturday.expect_err("closed").code(),
            Some("APPOINTMENT_SLOT")
        );
        let bank = o.take_ticket(&member(3), "YH01", "DK01", monday).await;
        assert_eq!(
            bank.expect_err("not there").code(),
            Some("APPOINTMENT_SERVICE")
        );
        let refused = o.call_next(&member(1), "WD01", monday).await;
        assert_eq!(refused.expect_err("members").code(), Some("ROLE_FORBIDDEN"));
        let called = o.call_next(&clerk(), "WD01", monday).await.expect("call");
        assert_eq!(called.map(|t| t.number), Some(1));
        let mine = o.my_tickets(&member(2), monday).await.expect("mine");
        assert_eq!((mine[0].record.number, mine[0].ahead), (2, 0));
    }

    #[tokio::test]
    async fn a_member_books_sees_cancels_and_is_barred_after_missing_three() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "o.db").await;
        let o = app.outlets();
        let today = d("2026-12-07");
        let days = o.open_slots("WD01", today).await.expect("slots");
        assert_eq!(days[0].day, d("2026-12-08"), "from tomorrow");
        assert_eq!(days[0].slots[0], (540, 2), "two places at 09:00");
        assert_eq!(days.len(), 10, "ten weekdays in the next 14 days");

        let booked = o
            .book(&member(1), &request("2026-12-08", 540), today)
            .await
            .expect("book");
        o.book(&member(2), &request("2026-12-08", 540), today)
            .await
            .expect("second place");
        let full = o.book(&member(3), &request("2026-12-08", 540), today).await;
        assert_eq!(full.expect_err("full").code(), Some("APPOINTMENT_FULL"));
        let days = o.open_slots("WD01", today).await.expect("slots");
        assert_eq!(days[0].slots[0], (540, 0));
        assert_eq!(
            o.book(&clerk(), &request("2026-12-08", 570), today)
                .await
                .expect_err("staff do not book")
                .code(),
            Some("ROLE_FORBIDDEN")
        );

        let mine = o.my_appointments(&member(1)).await.expect("mine");
        assert_eq!(mine, std::slice::from_ref(&booked));
        let theirs = o.cancel(&member(2), booked.appointment_id, today).await;
        assert_eq!(
            theirs.expect_err("not theirs").code(),
            Some("APPOINTMENT_NOT_FOUND")
        );
        o.cancel(&member(1), booked.appointment_id, today)
            .await
            .expect("cancel");
        let days = o.open_slots("WD01", today).await.expect("slots");
        assert_eq!(days[0].slots[0], (540, 1), "the place is free again");

        // Three booked days pass without a visit: the fourth is refused.
        for (day, slot) in [
            ("2026-12-08", 600),
            ("2026-12-09", 600),
            ("2026-12-10", 600),
        ] {
            o.book(&member(9), &request(day, slot), today)
                .await
                .expect("book");
        }
        let later = d("2026-12-11");
        let barred = o.book(&member(9), &request("2026-12-14", 600), later).await;
        assert_eq!(
            barred.expect_err("barred").code(),
            Some("APPOINTMENT_BARRED")
        );
        let listed = o.my_appointments(&member(9)).await.expect("list");
        assert!(
            listed
                .iter()
                .all(|a| a.status.on(a.day, later) == AppointmentStatus::NoShow)
        );

        // The desk checks in today's appointment only.
        let tomorrow = o
            .book(&member(4), &request("2026-12-08", 660), today)
            .await
            .expect("book");
        let early = o.check_in(&clerk(), tomorrow.appointment_id, today).await;
        assert_eq!(
            early.expect_err("not today").code(),
            Some("APPOINTMENT_STATE")
        );
        let on_the_day = d("2026-12-08");
        o.check_in(&clerk(), tomorrow.appointment_id, on_the_day)
            .await
            .expect("arrived");
        let list = o
            .day_list(&clerk(), "WD01", on_the_day)
            .await
            .expect("list");
        let arrived = list
            .iter()
            .find(|a| a.appointment_id == tomorrow.appointment_id);
        assert_eq!(arrived.expect("listed").status, AppointmentStatus::Arrived);
    }
}
