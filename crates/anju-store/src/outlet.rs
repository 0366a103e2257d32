//! Storage of appointments at the outlets (网点预约). The outlets
//! themselves are data (`services/outlets.toml`); this port keeps each
//! slot's bookings — counted in the row of the slot, so no slot is booked
//! beyond its capacity however many book at once — and each appointment
//! with its state.

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::outlets::AppointmentStatus;
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub appointment_id: i64,
    pub member_id: i64,
    pub outlet_code: String,
    pub day: Date,
    /// The slot's start, in minutes after midnight.
    pub slot_min: u16,
    /// The catalogue code of the service booked for.
    pub service_code: String,
    /// As stored: a booked one whose day has passed reads as 爽约
    /// (`AppointmentStatus::on`).
    pub status: AppointmentStatus,
    pub booked_at_us: i64,
    pub changed_at_us: i64,
}

#[async_trait]
pub trait OutletStore: Send + Sync {
    /// Books a slot for the member, in one transaction: refused with
    /// `APPOINTMENT_FULL` when the slot already holds `capacity`, and with
    /// `APPOINTMENT_EXISTS` when the member has a booking that day; either
    /// way nothing is written.
    async fn book_appointment(
        &self,
        appointment: &AppointmentRecord,
        capacity: i64,
    ) -> StoreResult<()>;
    async fn appointment(&self, appointment_id: i64) -> StoreResult<Option<AppointmentRecord>>;
    /// Moves a booked appointment to `to` (cancelled frees its place in the
    /// slot); false when it is not booked any more.
    async fn close_appointment(
        &self,
        appointment_id: i64,
        to: AppointmentStatus,
        at_us: i64,
    ) -> StoreResult<bool>;
    /// The member's appointments, latest day first.
    async fn member_appointments(&self, member_id: i64) -> StoreResult<Vec<AppointmentRecord>>;
    /// An outlet's appointments on a day, by slot.
    async fn outlet_appointments(
        &self,
        outlet_code: &str,
        day: Date,
    ) -> StoreResult<Vec<AppointmentRecord>>;
    /// Places taken per slot at an outlet over `[from, to]`: (day, slot, booked).
    async fn slot_bookings(
        &self,
        outlet_code: &str,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<(Date, u16, i64)>>;
    /// Appointments the member booked for a day in `[since, before)` and
    /// never came to (still booked after their day).
    async fn missed_appointments(
        &self,
        member_id: i64,
        since: Date,
        before: Date,
    ) -> StoreResult<i64>;
}

/// A numbered ticket in an outlet's queue (取号), taken online by a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub outlet_code: String,
    pub day: Date,
    /// 1, 2, … a day at each outlet.
    pub number: i64,
    pub member_id: i64,
    pub service_code: String,
    pub called: bool,
    pub issued_at_us: i64,
}

#[async_trait]
pub trait QueueStore: Send + Sync {
    /// Gives the member the next number of the outlet's day; the ticket
    /// and how many wait before it. `TICKET_EXISTS` when the member holds
    /// a ticket there that day not called yet.
    async fn take_ticket(
        &self,
        outlet_code: &str,
        day: Date,
        member_id: i64,
        service_code: &str,
        at_us: i64,
    ) -> StoreResult<(TicketRecord, i64)>;
    /// Calls the lowest number still waiting; none when nobody waits.
    async fn call_next(&self, outlet_code: &str, day: Date) -> StoreResult<Option<TicketRecord>>;
    /// The tickets of the outlet's day, by number.
    async fn tickets(&self, outlet_code: &str, day: Date) -> StoreResult<Vec<TicketRecord>>;
    /// The member's tickets of a day, with how many wait before each.
    async fn member_tickets(
        &self,
        member_id: i64,
        day: Date,
    ) -> StoreResult<Vec<(TicketRecord, i64)>>;
}
