//! Service quality's SQL, written once for both engines over
//! [`crate::sql::Dialect`].

use crate::StoreResult;
use crate::quality::{
    ComplaintCounts, ComplaintRecord, HotlineCallRecord, HotlineCounts, ReviewGroup, ReviewRecord,
};
use crate::rows::{coded, stored_date};
use anju_domain::access::Channel;
use anju_domain::quality::{
    CdrCall, ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, RatedService,
    RectificationStatus, Satisfaction, TicketKind,
};

macro_rules! complaint_columns {
    () => {
        "complaint_id, CAST(received_on AS TEXT) AS received_on, source, \
         category, member_id, complainant, contact, subject, detail, received_by, status, \
         CAST(due_on AS TEXT) AS due_on, handler_login, verified, outcome, finding, reply, \
         CAST(resolved_on AS TEXT) AS resolved_on, appeal_reason, \
         CAST(appealed_on AS TEXT) AS appealed_on, appeal_handler_login, call_id"
    };
}

macro_rules! review_columns {
    () => {
        "review_id, member_id, service, service_ref, channel, staff_login, \
         stars, reasons, CAST(reviewed_on AS TEXT) AS reviewed_on, rectification, \
         CAST(rectification_due AS TEXT) AS rectification_due, owner_login, rectification_note, \
         CAST(rectified_on AS TEXT) AS rectified_on, follow_up_note, \
         CAST(followed_up_on AS TEXT) AS followed_up_on, visitor_login"
    };
}

macro_rules! call_columns {
    () => {
        "call_id, CAST(started_on AS TEXT) AS started_on, started_time, \
         caller, agent, duration_s, ticket, satisfaction, summary, complaint_id, imported_by"
    };
}

#[derive(sqlx::FromRow)]
pub struct ComplaintRow {
    complaint_id: i64,
    received_on: String,
    source: String,
    category: String,
    member_id: Option<i64>,
    complainant: String,
    contact: String,
    subject: String,
    detail: String,
    received_by: String,
    status: String,
    due_on: String,
    handler_login: Option<String>,
    verified: bool,
    outcome: Option<String>,
    finding: String,
    reply: String,
    resolved_on: Option<String>,
    appeal_reason: String,
    appealed_on: Option<String>,
    appeal_handler_login: Option<String>,
    call_id: Option<String>,
}

fn opt_date(text: Option<String>) -> StoreResult<Option<anju_domain::Date>> {
    text.as_deref().map(stored_date).transpose()
}

/// A complaint row opened: who complained and how to reach them are sealed
/// at rest.
fn complaint_from(seal: &crate::PersonalSeal, r: ComplaintRow) -> StoreResult<ComplaintRecord> {
    const T: &str = "complaint";
    Ok(ComplaintRecord {
        complaint_id: r.complaint_id,
        received_on: stored_date(&r.received_on)?,
        source: coded(T, "source", &r.source, ComplaintSource::parse)?,
        category: coded(T, "category", &r.category, ComplaintCategory::parse)?,
        member_id: r.member_id,
        complainant: seal.open(
            crate::seal::field(T, "complainant", r.complaint_id),
            &r.complainant,
        )?,
        contact: seal.open(crate::seal::field(T, "contact", r.complaint_id), &r.contact)?,
        subject: r.subject,
        detail: r.detail,
        received_by: r.received_by,
        status: coded(T, "status", &r.status, ComplaintStatus::parse)?,
        due_on: stored_date(&r.due_on)?,
        handler_login: r.handler_login,
        verified: r.verified,
        outcome: r
            .outcome
            .as_deref()
            .map(|o| coded(T, "outcome", o, ComplaintOutcome::parse))
            .transpose()?,
        finding: r.finding,
        reply: r.reply,
        resolved_on: opt_date(r.resolved_on)?,
        appeal_reason: r.appeal_reason,
        appealed_on: opt_date(r.appealed_on)?,
        appeal_handler_login: r.appeal_handler_login,
        call_id: r.call_id,
    })
}

#[derive(sqlx::FromRow)]
pub struct ReviewRow {
    review_id: i64,
    member_id: i64,
    service: String,
    service_ref: i64,
    channel: String,
    staff_login: Option<String>,
    stars: i32,
    reasons: String,
    reviewed_on: String,
    rectification: Option<String>,
    rectification_due: Option<String>,
    owner_login: Option<String>,
    rectification_note: String,
    rectified_on: Option<String>,
    follow_up_note: String,
    followed_up_on: Option<String>,
    visitor_login: Option<String>,
}

fn review_from(r: ReviewRow) -> StoreResult<ReviewRecord> {
    const T: &str = "service_review";
    let stars = u8::try_from(r.stars).map_err(|_| crate::StoreError::Corrupt {
        table: T,
        column: "stars",
        value: r.stars.to_string(),
    })?;
    Ok(ReviewRecord {
        review_id: r.review_id,
        member_id: r.member_id,
        service: coded(T, "service", &r.service, RatedService::parse)?,
        service_ref: r.service_ref,
        channel: coded(T, "channel", &r.channel, Channel::parse)?,
        staff_login: r.staff_login,
        stars,
        reasons: r.reasons,
        reviewed_on: stored_date(&r.reviewed_on)?,
        rectification: r
            .rectification
            .as_deref()
            .map(|s| coded(T, "rectification", s, RectificationStatus::parse))
            .transpose()?,
        rectification_due: opt_date(r.rectification_due)?,
        owner_login: r.owner_login,
        rectification_note: r.rectification_note,
        rectified_on: opt_date(r.rectified_on)?,
        follow_up_note: r.follow_up_note,
        followed_up_on: opt_date(r.followed_up_on)?,
        visitor_login: r.visitor_login,
    })
}

#[derive(sqlx::FromRow)]
pub struct CallRow {
    call_id: String,
    started_on: String,
    started_time: String,
    caller: String,
    agent: String,
    duration_s: i64,
    ticket: String,
    satisfaction: Option<String>,
    summary: String,
    complaint_id: Option<i64>,
    imported_by: String,
}

fn call_from(seal: &crate::PersonalSeal, r: CallRow) -> StoreResult<HotlineCallRecord> {
    const T: &str = "hotline_call";
    let caller = seal.open(crate::seal_sql::caller_field(&r.call_id), &r.caller)?;
    let call = CdrCall {
        call_id: r.call_id,
        started_on: stored_date(&r.started_on)?,
        started_time: r.started_time,
        caller,
        agent: r.agent,
        duration_s: r.duration_s,
        ticket: coded(T, "ticket", &r.ticket, TicketKind::parse)?,
        satisfaction: r
            .satisfaction
            .as_deref()
            .map(|s| coded(T, "satisfaction", s, Satisfaction::parse))
            .transpose()?,
        summary: r.summary,
    };
    Ok(HotlineCallRecord {
        call,
        complaint_id: r.complaint_id,
        imported_by: r.imported_by,
    })
}

#[derive(sqlx::FromRow)]
pub struct GroupRow {
    service: String,
    channel: String,
    staff_login: Option<String>,
    reviews: i64,
    stars_total: i64,
    bad: i64,
    rectified: i64,
}

fn group_from(r: GroupRow) -> StoreResult<ReviewGroup> {
    const T: &str = "service_review";
    Ok(ReviewGroup {
        service: coded(T, "service", &r.service, RatedService::parse)?,
        channel: coded(T, "channel", &r.channel, Channel::parse)?,
        staff_login: r.staff_login,
        reviews: r.reviews,
        stars_total: r.stars_total,
        bad: r.bad,
        rectified: r.rectified,
    })
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::QualityStore for S
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    i32: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    bool: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    Option<S::Date>: for<'q> crate::sql::Arg<'q, S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
    for<'a> Option<&'a str>: crate::sql::Arg<'a, S::Db>,
{
    async fn insert_complaint(&self, c: &ComplaintRecord) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        if let Some(call_id) = &c.call_id {
            let done = sqlx::query(
                "UPDATE hotline_call SET complaint_id = $1 WHERE call_id = $2 AND complaint_id IS NULL",
            )
            .bind(c.complaint_id)
            .bind(call_id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
            if S::affected(&done) == 0 {
                return Err(crate::StoreError::rejected(
                    "HOTLINE_CALL_HAS_COMPLAINT",
                    format!("来电 {call_id} 不存在或已转为投诉"),
                ));
            }
        }
        sqlx::query(
            "INSERT INTO complaint (complaint_id, received_on, source, category, member_id, \
             complainant, contact, subject, detail, received_by, status, due_on, handler_login, \
             verified, outcome, finding, reply, resolved_on, appeal_reason, appealed_on, \
             appeal_handler_login, call_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
        )
        .bind(c.complaint_id)
        .bind(S::day(c.received_on))
        .bind(c.source.code())
        .bind(c.category.code())
        .bind(c.member_id)
        .bind(self.seal().seal(
            crate::seal::field("complaint", "complainant", c.complaint_id),
            c.complainant.as_str(),
        ))
        .bind(self.seal().seal(
            crate::seal::field("complaint", "contact", c.complaint_id),
            c.contact.as_str(),
        ))
        .bind(c.subject.as_str())
        .bind(c.detail.as_str())
        .bind(c.received_by.as_str())
        .bind(c.status.code())
        .bind(S::day(c.due_on))
        .bind(c.handler_login.as_deref())
        .bind(c.verified)
        .bind(c.outcome.map(|o| o.code()))
        .bind(c.finding.as_str())
        .bind(c.reply.as_str())
        .bind(c.resolved_on.map(S::day))
        .bind(c.appeal_reason.as_str())
        .bind(c.appealed_on.map(S::day))
        .bind(c.appeal_handler_login.as_deref())
        .bind(c.call_id.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn complaint(&self, complaint_id: i64) -> StoreResult<Option<ComplaintRecord>> {
        let row: Option<ComplaintRow> = sqlx::query_as(concat!(
            "SELECT ",
            complaint_columns!(),
            " FROM complaint WHERE complaint_id = $1"
        ))
        .bind(complaint_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| complaint_from(self.seal(), r)).transpose()
    }

    async fn complaints(&self, limit: u32) -> StoreResult<Vec<ComplaintRecord>> {
        let rows: Vec<ComplaintRow> = sqlx::query_as(concat!(
            "SELECT ",
            complaint_columns!(),
            " FROM complaint ORDER BY \
             CASE WHEN status = 'resolved' THEN 1 ELSE 0 END, \
             CASE WHEN status = 'resolved' THEN NULL ELSE due_on END, \
             received_on DESC, complaint_id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| complaint_from(self.seal(), r))
    }

    async fn member_complaints(&self, member_id: i64) -> StoreResult<Vec<ComplaintRecord>> {
        let rows: Vec<ComplaintRow> = sqlx::query_as(concat!(
            "SELECT ",
            complaint_columns!(),
            " FROM complaint WHERE member_id = $1 \
             ORDER BY received_on DESC, complaint_id DESC"
        ))
        .bind(member_id)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| complaint_from(self.seal(), r))
    }

    async fn update_complaint(
        &self,
        c: &ComplaintRecord,
        expected: ComplaintStatus,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE complaint SET status = $1, handler_login = $2, verified = $3, outcome = $4, \
             finding = $5, reply = $6, resolved_on = $7, appeal_reason = $8, appealed_on = $9, \
             appeal_handler_login = $10 WHERE complaint_id = $11 AND status = $12",
        )
        .bind(c.status.code())
        .bind(c.handler_login.as_deref())
        .bind(c.verified)
        .bind(c.outcome.map(|o| o.code()))
        .bind(c.finding.as_str())
        .bind(c.reply.as_str())
        .bind(c.resolved_on.map(S::day))
        .bind(c.appeal_reason.as_str())
        .bind(c.appealed_on.map(S::day))
        .bind(c.appeal_handler_login.as_deref())
        .bind(c.complaint_id)
        .bind(expected.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn complaint_counts(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> StoreResult<ComplaintCounts> {
        let (received, mediated, verified): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN outcome IN ('mediated', 'explained') THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN verified THEN 1 ELSE 0 END), 0) \
             FROM complaint WHERE received_on >= $1 AND received_on <= $2",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(ComplaintCounts {
            received,
            mediated,
            verified,
        })
    }

    async fn insert_review(&self, r: &ReviewRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO service_review (review_id, member_id, service, service_ref, channel, \
             staff_login, stars, reasons, reviewed_on, rectification, rectification_due, \
             owner_login, rectification_note, rectified_on, follow_up_note, followed_up_on, \
             visitor_login) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17)",
        )
        .bind(r.review_id)
        .bind(r.member_id)
        .bind(r.service.code())
        .bind(r.service_ref)
        .bind(r.channel.code())
        .bind(r.staff_login.as_deref())
        .bind(i32::from(r.stars))
        .bind(r.reasons.as_str())
        .bind(S::day(r.reviewed_on))
        .bind(r.rectification.map(|s| s.code()))
        .bind(r.rectification_due.map(S::day))
        .bind(r.owner_login.as_deref())
        .bind(r.rectification_note.as_str())
        .bind(r.rectified_on.map(S::day))
        .bind(r.follow_up_note.as_str())
        .bind(r.followed_up_on.map(S::day))
        .bind(r.visitor_login.as_deref())
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend(
            "REVIEW_EXISTS",
            "该事项已评价过",
        ))?;
        Ok(())
    }

    async fn review(&self, review_id: i64) -> StoreResult<Option<ReviewRecord>> {
        let row: Option<ReviewRow> = sqlx::query_as(concat!(
            "SELECT ",
            review_columns!(),
            " FROM service_review WHERE review_id = $1"
        ))
        .bind(review_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(review_from).transpose()
    }

    async fn member_reviews(&self, member_id: i64) -> StoreResult<Vec<ReviewRecord>> {
        let rows: Vec<ReviewRow> = sqlx::query_as(concat!(
            "SELECT ",
            review_columns!(),
            " FROM service_review WHERE member_id = $1 \
             ORDER BY reviewed_on DESC, review_id DESC"
        ))
        .bind(member_id)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, review_from)
    }

    async fn reviews(&self, limit: u32) -> StoreResult<Vec<ReviewRecord>> {
        let rows: Vec<ReviewRow> = sqlx::query_as(concat!(
            "SELECT ",
            review_columns!(),
            " FROM service_review ORDER BY \
             CASE WHEN rectification IN ('open', 'taken', 'rectified') THEN 0 ELSE 1 END, \
             reviewed_on DESC, review_id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, review_from)
    }

    async fn update_rectification(
        &self,
        r: &ReviewRecord,
        expected: RectificationStatus,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE service_review SET rectification = $1, owner_login = $2, \
             rectification_note = $3, rectified_on = $4, follow_up_note = $5, \
             followed_up_on = $6, visitor_login = $7 WHERE review_id = $8 AND rectification = $9",
        )
        .bind(r.rectification.map(|s| s.code()))
        .bind(r.owner_login.as_deref())
        .bind(r.rectification_note.as_str())
        .bind(r.rectified_on.map(S::day))
        .bind(r.follow_up_note.as_str())
        .bind(r.followed_up_on.map(S::day))
        .bind(r.visitor_login.as_deref())
        .bind(r.review_id)
        .bind(expected.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn review_groups(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> StoreResult<Vec<ReviewGroup>> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            "SELECT service, channel, staff_login, COUNT(*) AS reviews, \
             CAST(SUM(stars) AS BIGINT) AS stars_total, \
             COALESCE(SUM(CASE WHEN rectification IS NOT NULL THEN 1 ELSE 0 END), 0) AS bad, \
             COALESCE(SUM(CASE WHEN rectification IN ('rectified', 'followed_up') THEN 1 ELSE 0 END), 0) AS rectified \
             FROM service_review WHERE reviewed_on >= $1 AND reviewed_on <= $2 \
             GROUP BY service, channel, staff_login \
             ORDER BY service, channel, staff_login IS NULL, staff_login",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, group_from)
    }

    async fn insert_calls(&self, calls: &[HotlineCallRecord]) -> StoreResult<u64> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let mut added = 0;
        for record in calls {
            let c = &record.call;
            let done = sqlx::query(
                "INSERT INTO hotline_call (call_id, started_on, started_time, caller, agent, \
                 duration_s, ticket, satisfaction, summary, complaint_id, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (call_id) DO NOTHING",
            )
            .bind(c.call_id.as_str())
            .bind(S::day(c.started_on))
            .bind(c.started_time.as_str())
            .bind(
                self.seal()
                    .seal(crate::seal_sql::caller_field(&c.call_id), &c.caller),
            )
            .bind(c.agent.as_str())
            .bind(c.duration_s)
            .bind(c.ticket.code())
            .bind(c.satisfaction.map(|s| s.code()))
            .bind(c.summary.as_str())
            .bind(record.complaint_id)
            .bind(record.imported_by.as_str())
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
            added += S::affected(&done);
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(added)
    }

    async fn hotline_call(&self, call_id: &str) -> StoreResult<Option<HotlineCallRecord>> {
        let row: Option<CallRow> = sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM hotline_call WHERE call_id = $1"
        ))
        .bind(call_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| call_from(self.seal(), r)).transpose()
    }

    async fn hotline_calls(&self, limit: u32) -> StoreResult<Vec<HotlineCallRecord>> {
        let rows: Vec<CallRow> = sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM hotline_call \
             ORDER BY started_on DESC, started_time DESC, call_id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| call_from(self.seal(), r))
    }

    async fn hotline_counts(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> StoreResult<HotlineCounts> {
        let (calls, rated, satisfied): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN satisfaction IS NOT NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END), 0) \
             FROM hotline_call WHERE started_on >= $1 AND started_on <= $2",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(HotlineCounts {
            calls,
            rated,
            satisfied,
        })
    }
}
