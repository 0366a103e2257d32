//! Appointments' SQL, written once for both engines over
//! [`crate::sql::Dialect`].

use crate::outlet::{AppointmentRecord, TicketRecord};
use crate::rows::{coded, stored_date};
use crate::sql::{Conn, Dialect, backend};
use crate::{StoreError, StoreResult};
use anju_domain::Date;
use anju_domain::outlets::AppointmentStatus;

const COLUMNS: &str = "appointment_id, member_id, outlet_code, CAST(day AS TEXT) AS day, \
     slot_min, service_code, status, booked_at_us, changed_at_us";

#[derive(sqlx::FromRow)]
pub struct AppointmentRow {
    appointment_id: i64,
    member_id: i64,
    outlet_code: String,
    day: String,
    slot_min: i32,
    service_code: String,
    status: String,
    booked_at_us: i64,
    changed_at_us: i64,
}

fn slot_of(table: &'static str, minutes: i32) -> StoreResult<u16> {
    u16::try_from(minutes).map_err(|_| StoreError::Corrupt {
        table,
        column: "slot_min",
        value: minutes.to_string(),
    })
}

fn appointment_from(r: AppointmentRow) -> StoreResult<AppointmentRecord> {
    Ok(AppointmentRecord {
        appointment_id: r.appointment_id,
        member_id: r.member_id,
        outlet_code: r.outlet_code,
        day: stored_date(&r.day)?,
        slot_min: slot_of("appointment", r.slot_min)?,
        service_code: r.service_code,
        status: coded("appointment", "status", &r.status, AppointmentStatus::parse)?,
        booked_at_us: r.booked_at_us,
        changed_at_us: r.changed_at_us,
    })
}

#[async_trait::async_trait]
impl<S: Dialect> crate::OutletStore for S
where
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    i32: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn book_appointment(&self, a: &AppointmentRecord, capacity: i64) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        let slot = i32::from(a.slot_min);
        sqlx::query(
            "INSERT INTO appointment_slot (outlet_code, day, slot_min, booked) \
             VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING",
        )
        .bind(a.outlet_code.as_str())
        .bind(S::day(a.day))
        .bind(slot)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        // The appointment goes in before the count rises: a cancellation
        // of the member's other booking that day holds that row first and
        // the slot's second, the same order, so the two cannot deadlock.
        sqlx::query(
            "INSERT INTO appointment (appointment_id, member_id, outlet_code, day, slot_min, \
             service_code, status, booked_at_us, changed_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(a.appointment_id)
        .bind(a.member_id)
        .bind(a.outlet_code.as_str())
        .bind(S::day(a.day))
        .bind(slot)
        .bind(a.service_code.as_str())
        .bind(a.status.code())
        .bind(a.booked_at_us)
        .bind(a.changed_at_us)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "APPOINTMENT_EXISTS",
            "您当天已有预约，如需改约请先取消原预约",
        ))?;
        // The count rises only below capacity: a booking that finds the
        // slot full (after waiting for another's commit) changes nothing.
        let raised = sqlx::query(
            "UPDATE appointment_slot SET booked = booked + 1 \
             WHERE outlet_code = $1 AND day = $2 AND slot_min = $3 AND booked < $4",
        )
        .bind(a.outlet_code.as_str())
        .bind(S::day(a.day))
        .bind(slot)
        .bind(capacity)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if S::affected(&raised) == 0 {
            return Err(StoreError::rejected(
                "APPOINTMENT_FULL",
                "该时段已约满，请选择其他时段或网点",
            ));
        }
        tx.commit().await.map_err(backend)
    }

    async fn appointment(&self, appointment_id: i64) -> StoreResult<Option<AppointmentRecord>> {
        let row: Option<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appointment WHERE appointment_id = $1"
        )))
        .bind(appointment_id)
        .fetch_optional(self.writer())
        .await
        .map_err(backend)?;
        row.map(appointment_from).transpose()
    }

    async fn close_appointment(
        &self,
        appointment_id: i64,
        to: AppointmentStatus,
        at_us: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        let row: Option<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appointment WHERE appointment_id = $1 AND status = 'booked'{}",
            S::ROW_LOCK
        )))
        .bind(appointment_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(booked) = row.map(appointment_from).transpose()? else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE appointment SET status = $1, changed_at_us = $2 \
             WHERE appointment_id = $3 AND status = 'booked'",
        )
        .bind(to.code())
        .bind(at_us)
        .bind(appointment_id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if to == AppointmentStatus::Cancelled {
            sqlx::query(
                "UPDATE appointment_slot SET booked = booked - 1 \
                 WHERE outlet_code = $1 AND day = $2 AND slot_min = $3 AND booked > 0",
            )
            .bind(booked.outlet_code.as_str())
            .bind(S::day(booked.day))
            .bind(i32::from(booked.slot_min))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn member_appointments(&self, member_id: i64) -> StoreResult<Vec<AppointmentRecord>> {
        let rows: Vec<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appointment WHERE member_id = $1 \
             ORDER BY day DESC, slot_min DESC, appointment_id DESC"
        )))
        .bind(member_id)
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, appointment_from)
    }

    async fn outlet_appointments(
        &self,
        outlet_code: &str,
        day: Date,
    ) -> StoreResult<Vec<AppointmentRecord>> {
        let rows: Vec<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appointment WHERE outlet_code = $1 AND day = $2 \
             ORDER BY slot_min, appointment_id"
        )))
        .bind(outlet_code)
        .bind(S::day(day))
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, appointment_from)
    }

    async fn slot_bookings(
        &self,
        outlet_code: &str,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<(Date, u16, i64)>> {
        let rows: Vec<(String, i32, i64)> = sqlx::query_as(
            "SELECT CAST(day AS TEXT), slot_min, booked FROM appointment_slot \
             WHERE outlet_code = $1 AND day >= $2 AND day <= $3 ORDER BY day, slot_min",
        )
        .bind(outlet_code)
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |(day, slot, booked)| {
            Ok((
                stored_date(&day)?,
                slot_of("appointment_slot", slot)?,
                booked,
            ))
        })
    }

    async fn missed_appointments(
        &self,
        member_id: i64,
        since: Date,
        before: Date,
    ) -> StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM appointment WHERE member_id = $1 AND status IN ('booked', 'no_show') \
             AND day >= $2 AND day < $3",
        )
        .bind(member_id)
        .bind(S::day(since))
        .bind(S::day(before))
        .fetch_one(self.writer())
        .await
        .map_err(backend)
    }
}

const TICKET_COLUMNS: &str = "outlet_code, CAST(day AS TEXT) AS day, number, member_id, \
     service_code, called, issued_at_us";

#[derive(sqlx::FromRow)]
pub struct TicketRow {
    outlet_code: String,
    day: String,
    number: i64,
    member_id: i64,
    service_code: String,
    called: bool,
    issued_at_us: i64,
}

fn ticket_from(r: TicketRow) -> StoreResult<TicketRecord> {
    Ok(TicketRecord {
        outlet_code: r.outlet_code,
        day: stored_date(&r.day)?,
        number: r.number,
        member_id: r.member_id,
        service_code: r.service_code,
        called: r.called,
        issued_at_us: r.issued_at_us,
    })
}

/// Tries to call a number this many times when other windows call at once.
const TICKET_ATTEMPTS: usize = 8;

async fn waiting_before<'c, S>(
    conn: &'c mut Conn<S>,
    outlet_code: &str,
    day: Date,
    number: i64,
) -> StoreResult<i64>
where
    S: Dialect,
    &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    bool: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM queue_ticket WHERE outlet_code = $1 AND day = $2 \
         AND called = $3 AND number < $4",
    )
    .bind(outlet_code)
    .bind(S::day(day))
    .bind(false)
    .bind(number)
    .fetch_one(conn)
    .await
    .map_err(backend)?;
    Ok(count)
}

#[async_trait::async_trait]
impl<S: Dialect> crate::QueueStore for S
where
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    bool: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn take_ticket(
        &self,
        outlet_code: &str,
        day: Date,
        member_id: i64,
        service_code: &str,
        at_us: i64,
    ) -> StoreResult<(TicketRecord, i64)> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO queue_counter (outlet_code, day, last_number) VALUES ($1, $2, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind(outlet_code)
        .bind(S::day(day))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        // The counter row is locked until this commits: racing takers get
        // the numbers one after another, none twice, none skipped.
        let number: i64 = sqlx::query_scalar(
            "UPDATE queue_counter SET last_number = last_number + 1 \
             WHERE outlet_code = $1 AND day = $2 RETURNING last_number",
        )
        .bind(outlet_code)
        .bind(S::day(day))
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query(
            "INSERT INTO queue_ticket (outlet_code, day, number, member_id, service_code, \
             called, issued_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(outlet_code)
        .bind(S::day(day))
        .bind(number)
        .bind(member_id)
        .bind(service_code)
        .bind(false)
        .bind(at_us)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "TICKET_EXISTS",
            "您在该网点今天已有未叫到的号",
        ))?;
        let ahead = waiting_before::<S>(&mut *tx, outlet_code, day, number).await?;
        tx.commit().await.map_err(backend)?;
        let ticket = TicketRecord {
            outlet_code: outlet_code.to_string(),
            day,
            number,
            member_id,
            service_code: service_code.to_string(),
            called: false,
            issued_at_us: at_us,
        };
        Ok((ticket, ahead))
    }

    async fn call_next(&self, outlet_code: &str, day: Date) -> StoreResult<Option<TicketRecord>> {
        for _ in 0..TICKET_ATTEMPTS {
            let mut tx = self.writer().begin().await.map_err(backend)?;
            let row: Option<TicketRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE outlet_code = $1 AND day = $2 \
                 AND called = $3 ORDER BY number LIMIT 1{}",
                S::ROW_LOCK
            )))
            .bind(outlet_code)
            .bind(S::day(day))
            .bind(false)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
            let Some(mut ticket) = row.map(ticket_from).transpose()? else {
                return Ok(None);
            };
            let done = sqlx::query(
                "UPDATE queue_ticket SET called = $1 WHERE outlet_code = $2 AND day = $3 \
                 AND number = $4 AND called = $5",
            )
            .bind(true)
            .bind(outlet_code)
            .bind(S::day(day))
            .bind(ticket.number)
            .bind(false)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            // Another window called it first: call the next one.
            if S::affected(&done) == 0 {
                continue;
            }
            tx.commit().await.map_err(backend)?;
            ticket.called = true;
            return Ok(Some(ticket));
        }
        Err(StoreError::Retryable("queue calls contended".into()))
    }

    async fn tickets(&self, outlet_code: &str, day: Date) -> StoreResult<Vec<TicketRecord>> {
        let rows: Vec<TicketRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE outlet_code = $1 AND day = $2 \
             ORDER BY number"
        )))
        .bind(outlet_code)
        .bind(S::day(day))
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, ticket_from)
    }

    async fn member_tickets(
        &self,
        member_id: i64,
        day: Date,
    ) -> StoreResult<Vec<(TicketRecord, i64)>> {
        let rows: Vec<TicketRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE member_id = $1 AND day = $2 \
             ORDER BY outlet_code, number"
        )))
        .bind(member_id)
        .bind(S::day(day))
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        let mut tickets = Vec::with_capacity(rows.len());
        for row in rows {
            let t = ticket_from(row)?;
            let mut conn = self.writer().acquire().await.map_err(backend)?;
            let ahead = if t.called {
                0
            } else {
                waiting_before::<S>(&mut *conn, &t.outlet_code, day, t.number).await?
            };
            tickets.push((t, ahead));
        }
        Ok(tickets)
    }
}
