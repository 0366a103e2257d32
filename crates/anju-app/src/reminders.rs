//! 服务找人 use cases: the daily run that reads each signed-up member's
//! records through the use cases and sends the reminders the rules of
//! `anju_domain::reminders` produce — once each, never of a kind the member
//! opted out of — to their inbox and channels; the member's list and
//! choices; and the figures (sent, opened, acted on) for the quality desk.

use crate::access::Actor;
use crate::{AppResult, Reminders};
use anju_domain::access::duties;
use anju_domain::collection::MemberStatus;
use anju_domain::loan::LoanStatus;
use anju_domain::reminders::{
    BASE_FILING_NOTICE_MONTHS, Reminder, ReminderKind, base_filing_due, certificate_expiring,
    installment_due, months_between, rent_unused, sealed_long,
};
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::{Date, DomainError};
pub use anju_store::{Recipient, ReminderRecord};

/// Members (and employers) read a page at a time by the run.
const MEMBERS_PER_PAGE: u32 = 500;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderRun {
    pub members: u64,
    /// Employers read (in the base filing months only).
    pub employers: u64,
    pub sent: u64,
    /// Due again but sent before (sent once).
    pub already_sent: u64,
    pub opted_out: u64,
    /// Members (or employers) whose records could not be read or whose
    /// reminder could not be sent: counted, and the run goes on.
    pub failed: u64,
}

/// One kind's figures over a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderFigures {
    pub kind: ReminderKind,
    pub sent: i64,
    pub opened: i64,
    /// The member did what it was about (paid, applied, moved on).
    pub acted: i64,
}

fn desk(actor: &Actor) -> AppResult<()> {
    match &actor.principal {
        Some(p) if duties::QUALITY_DESK.contains(&p.role) => Ok(()),
        _ => Err(DomainError::new("ROLE_FORBIDDEN", "提醒统计由柜员、审核员或管理员查看").into()),
    }
}

fn member_of(actor: &Actor) -> AppResult<i64> {
    actor
        .acting_member()
        .ok_or_else(|| DomainError::new("ROLE_FORBIDDEN", "提醒设置由职工本人办理").into())
}

impl Reminders<'_> {
    /// 服务找人: one pass over every member with a sign-in. Only a
    /// scheduled job (or the demo) runs it.
    pub async fn send_reminders(self, actor: &Actor, today: Date) -> AppResult<ReminderRun> {
        if !actor.is_batch_job() {
            return Err(DomainError::new("NOT_PERMITTED", "服务提醒只能由批处理发送").into());
        }
        let mut run = ReminderRun::default();
        let mut after = 0;
        loop {
            let page = self
                .interest_port()
                .member_users_after(after, MEMBERS_PER_PAGE)
                .await?;
            let Some(&(last, _)) = page.last() else {
                break;
            };
            after = last;
            for (user_id, member_id) in page {
                run.members += 1;
                // One member's trouble (a record that does not read, a
                // channel down) must not cost everyone after them theirs.
                if self
                    .remind(user_id, member_id, today, &mut run)
                    .await
                    .is_err()
                {
                    run.failed += 1;
                }
            }
        }
        // Employers' pages that cannot be read are counted like a member's
        // trouble: the members' part of the run stands and is reported.
        if self.remind_employers(today, &mut run).await.is_err() {
            run.failed += 1;
        }
        Ok(run)
    }

    /// The employers that have not filed this contribution year's bases,
    /// in the months they are reminded (none are read outside them).
    async fn remind_employers(self, today: Date, run: &mut ReminderRun) -> AppResult<()> {
        let year = today.contribution_year();
        let start = Date::from_ymd(year, 7, 1)?;
        if months_between(start, today) >= BASE_FILING_NOTICE_MONTHS {
            return Ok(());
        }
        let mut after = 0;
        loop {
            let page = self
                .case_port()
                .employers_not_filed(year, after, MEMBERS_PER_PAGE)
                .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.employer_id;
            for employer in page {
                run.employers += 1;
                if self
                    .remind_employer(employer.employer_id, today, run)
                    .await
                    .is_err()
                {
                    run.failed += 1;
                }
            }
        }
        Ok(())
    }

    async fn remind_employer(
        self,
        employer_id: i64,
        today: Date,
        run: &mut ReminderRun,
    ) -> AppResult<()> {
        let Some(reminder) = base_filing_due(false, today) else {
            return Ok(());
        };
        let agents = self.case_port().employer_user_ids(employer_id).await?;
        if agents.is_empty() {
            // No agent signed up: the counter's list of employers not
            // filed (K05) is how they are reached.
            return Ok(());
        }
        let recipient = Recipient::Employer(employer_id);
        self.deliver(recipient, &agents, reminder, today, run).await
    }

    async fn remind(
        self,
        user_id: i64,
        member_id: i64,
        today: Date,
        run: &mut ReminderRun,
    ) -> AppResult<()> {
        let opted_out = self.reminder_port().opted_out(member_id).await?;
        // The rent rule asks the registries: not for a member who will not
        // get its reminder (switched off, or sent this year already).
        let rent_key = format!("rent_unused:{}", today.year());
        let rent_sent = self
            .reminder_port()
            .member_reminders(member_id)
            .await?
            .iter()
            .any(|r| r.key == rent_key);
        let ask_rent = !rent_sent && !opted_out.contains(&ReminderKind::RentUnused);
        for reminder in self.due_for(member_id, today, ask_rent).await? {
            if opted_out.contains(&reminder.kind) {
                run.opted_out += 1;
                continue;
            }
            let recipient = Recipient::Member(member_id);
            self.deliver(recipient, &[user_id], reminder, today, run)
                .await?;
        }
        Ok(())
    }

    /// Sends a reminder once to the recipient's sign-ins: claimed before
    /// it is sent, so a run stopped between the two leaves it unsent
    /// rather than sends it twice; counted opened by the first's message.
    async fn deliver(
        self,
        recipient: Recipient,
        users: &[i64],
        reminder: Reminder,
        today: Date,
        run: &mut ReminderRun,
    ) -> AppResult<()> {
        let record = ReminderRecord {
            reminder_id: self.posting_port().reserve_ids(1),
            recipient,
            kind: reminder.kind,
            key: reminder.key,
            title: reminder.title,
            body: reminder.body,
            sent_on: today,
            message_id: None,
        };
        if !self.reminder_port().claim_reminder(&record).await? {
            run.already_sent += 1;
            return Ok(());
        }
        // Every sign-in is tried even when one fails, and the first
        // message is linked (to count it opened) before the failure is told.
        let mut first = None;
        let mut failure = None;
        for user_id in users {
            let sent = self
                .access()
                .notify_as(*user_id, "reminder", &record.title, &record.body)
                .await;
            match sent {
                Ok(sent) => first = first.or(sent),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        if let Some(message_id) = first {
            self.reminder_port()
                .reminder_sent_as(&record, message_id)
                .await?;
        }
        match failure {
            Some(e) if first.is_none() => Err(e),
            Some(e) => {
                // Reached some of the employer's agents: sent, and the rest
                // is told to the operator.
                tracing::warn!(reminder = record.key, error = %e, "a reminder reached some sign-ins only");
                run.sent += 1;
                Ok(())
            }
            None => {
                run.sent += 1;
                Ok(())
            }
        }
    }

    /// The reminders the rules produce for a member today.
    pub async fn due_reminders(self, member_id: i64, today: Date) -> AppResult<Vec<Reminder>> {
        self.due_for(member_id, today, true).await
    }

    async fn due_for(
        self,
        member_id: i64,
        today: Date,
        ask_rent: bool,
    ) -> AppResult<Vec<Reminder>> {
        let mut due = Vec::new();
        for item in self.loans().loan_list(member_id).await? {
            if item.loan.status != LoanStatus::Active {
                continue;
            }
            if let Some(next) = &item.next_unpaid {
                let owed = next
                    .principal_fen
                    .checked_add(next.interest_fen)?
                    .checked_sub(next.paid_principal_fen)?
                    .checked_sub(next.paid_interest_fen)?;
                let loan_id = item.loan.loan_id;
                due.extend(installment_due(
                    loan_id,
                    next.period,
                    next.due_date,
                    owed,
                    today,
                ));
            }
        }
        let member = self.member_record(member_id).await?;
        if member.status == MemberStatus::Sealed {
            let since = self.withdrawal_port().member_status_on(member_id).await?;
            due.extend(sealed_long(since, today));
        }
        if member.status == MemberStatus::Active && ask_rent {
            due.extend(self.rent_reminder(member_id, today).await?);
        }
        due.extend(self.certificate_reminders(member_id, today).await?);
        Ok(due)
    }

    /// The member's newest certificate of each kind, when it stops
    /// speaking for them within the notice days (a revoked one, or one
    /// already issued again, is not reminded of).
    async fn certificate_reminders(self, member_id: i64, today: Date) -> AppResult<Vec<Reminder>> {
        let mut due = Vec::new();
        let mut seen = Vec::new();
        for c in self.trust_port().member_certificates(member_id).await? {
            if seen.contains(&c.kind) {
                continue;
            }
            seen.push(c.kind);
            let Some(reminder) =
                certificate_expiring(&c.serial, c.kind.name_zh(), c.valid_until, today)
            else {
                continue;
            };
            if self.trust_port().revocation(&c.serial).await?.is_none() {
                due.push(reminder);
            }
        }
        Ok(due)
    }

    /// Rent: what the withdrawal engine allows today (only when no fact
    /// waits for a person to verify), and whether the member withdrew for
    /// rent this year.
    async fn rent_reminder(self, member_id: i64, today: Date) -> AppResult<Option<Reminder>> {
        let year = self.withdrawals().rent_for_a_year(member_id, today).await?;
        let Some((rent, decision)) = year else {
            return Ok(None);
        };
        let allowed = (decision.allowed && decision.needs_verification.is_none())
            .then_some(decision.max_amount);
        let used = self
            .withdrawals()
            .withdrawals_of(member_id)
            .await?
            .iter()
            .filter(|w| w.reason == rent.code && w.applied_on.year() == today.year())
            .filter(|w| w.status != WithdrawalStatus::Rejected)
            .count();
        Ok(rent_unused(allowed, used, today))
    }

    /// The member's reminders and the kinds they opted out of.
    pub async fn my_reminders(
        self,
        actor: &Actor,
    ) -> AppResult<(Vec<ReminderRecord>, Vec<ReminderKind>)> {
        let member_id = member_of(actor)?;
        let port = self.reminder_port();
        Ok((
            port.member_reminders(member_id).await?,
            port.opted_out(member_id).await?,
        ))
    }

    /// 提醒设置: the kinds the member no longer wants (the others on).
    pub async fn choose_reminders(self, actor: &Actor, unwanted: &[ReminderKind]) -> AppResult<()> {
        let result = async {
            let member_id = member_of(actor)?;
            for kind in ReminderKind::FOR_MEMBERS {
                let out = unwanted.contains(kind);
                self.reminder_port()
                    .set_opt_out(member_id, *kind, out)
                    .await?;
            }
            Ok(())
        }
        .await;
        self.audited(actor, "reminder.choose", "reminder", b"", result)
            .await
    }

    /// Sent, opened and acted on, by kind, for reminders sent in
    /// `[from, to]`; acted on is read from the records as of `today`.
    pub async fn reminder_figures(
        self,
        actor: &Actor,
        from: Date,
        to: Date,
    ) -> AppResult<Vec<ReminderFigures>> {
        desk(actor)?;
        let counts = self.reminder_port().reminder_counts(from, to).await?;
        let sent = self.reminder_port().reminders_between(from, to).await?;
        let mut figures = Vec::with_capacity(counts.len());
        for c in counts {
            let mut acted = 0;
            for r in sent.iter().filter(|r| r.kind == c.kind) {
                acted += i64::from(self.acted_on(r).await?);
            }
            figures.push(ReminderFigures {
                kind: c.kind,
                sent: c.sent,
                opened: c.opened,
                acted,
            });
        }
        Ok(figures)
    }

    /// Whether the recipient did what the reminder was about: the
    /// installment paid, a withdrawal applied for (rent, or any for a
    /// sealed account), the account no longer sealed, the certificate
    /// issued again; the employer's bases filed.
    async fn acted_on(self, r: &ReminderRecord) -> AppResult<bool> {
        let member_id = match r.recipient {
            Recipient::Member(id) => id,
            Recipient::Employer(employer_id) => {
                return self.employer_acted_on(r, employer_id).await;
            }
        };
        let withdrew = |rent_only: bool| async move {
            let rent_code = self.rent_code(r.sent_on)?;
            let applied = self.withdrawals().withdrawals_of(member_id).await?;
            Ok::<bool, crate::AppError>(applied.iter().any(|w| {
                w.applied_on >= r.sent_on && (!rent_only || Some(&w.reason) == rent_code.as_ref())
            }))
        };
        match r.kind {
            ReminderKind::InstallmentDue => {
                let mut parts = r.key.split(':').skip(1);
                let (Some(loan), Some(period)) = (parts.next(), parts.next()) else {
                    return Ok(false);
                };
                let (Ok(loan), Ok(period)) = (loan.parse::<i64>(), period.parse::<i32>()) else {
                    return Ok(false);
                };
                let schedule = self.loans().installments(loan).await?;
                Ok(schedule.iter().any(|i| {
                    i.period == period && i.status == anju_domain::loan::InstallmentStatus::Paid
                }))
            }
            ReminderKind::RentUnused => withdrew(true).await,
            ReminderKind::CertificateExpiring => self.issued_again(r, member_id).await,
            // Sent to employers, never to members.
            ReminderKind::BaseFiling => Ok(false),
            ReminderKind::SealedLong => {
                let member = self.member_record(member_id).await?;
                Ok(member.status != MemberStatus::Sealed || withdrew(false).await?)
            }
        }
    }

    /// The employer filed the year's bases after the reminder.
    async fn employer_acted_on(self, r: &ReminderRecord, employer_id: i64) -> AppResult<bool> {
        let year = r.sent_on.contribution_year();
        let filing = self.case_port().base_filing(employer_id, year).await?;
        Ok(filing.is_some_and(|f| f.filed_on >= r.sent_on))
    }

    /// A certificate of the same kind issued to the member since.
    async fn issued_again(self, r: &ReminderRecord, member_id: i64) -> AppResult<bool> {
        let serial = r.key.trim_start_matches("certificate_expiring:");
        let Some(old) = self.trust_port().certificate(serial).await? else {
            return Ok(false);
        };
        let issued = self.trust_port().member_certificates(member_id).await?;
        Ok(issued
            .iter()
            .any(|c| c.kind == old.kind && c.serial != old.serial && c.issued_on >= r.sent_on))
    }

    fn rent_code(self, day: Date) -> AppResult<Option<String>> {
        Ok(self.policy().at(day)?.rent_reason().map(|r| r.code.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::NewAccount;
    use crate::test_support::{clerk, contribution, d, person, sqlite_app, yuan};
    use anju_domain::Fen;
    use anju_domain::RatePpm;
    use anju_domain::access::{Channel, Role};
    use anju_domain::loan::{InstallmentStatus, Method};
    use anju_store::{InstallmentRecord, MemberRecord};

    fn batch() -> Actor {
        Actor::anonymous(Channel::Batch, "reminders", "local")
    }

    /// Three members, each signed up: 1 active with ¥50,000 (rent allowed,
    /// never used), 2 sealed since 1 June, 3 with a loan due on the 10th.
    async fn centre(dir: &tempfile::TempDir) -> (crate::App, Vec<i64>) {
        let app = sqlite_app(dir, "r.db").await;
        let wage = yuan("10000.00");
        let members = [
            MemberRecord::active(1, "320502199003071230", "王芳", 9, wage, 1),
            MemberRecord::active(2, "320502198801012310", "李明", 9, wage, 1),
            MemberRecord::active(3, "320502198502023319", "张华", 9, wage, 1),
        ];
        app.collection_port()
            .enrol_members(&members, d("2024-07-01"))
            .await
            .expect("enrol");
        for m in 1..=3 {
            let entry = contribution(
                m,
                d("2026-05-10"),
                &format!("seed-{m}"),
                Fen::new(50_000_00),
            );
            app.ledger().post_entry(entry).await.expect("post");
        }
        app.collection()
            .seal_member(&clerk(), 2, d("2026-06-01"))
            .await
            .expect("seal");
        let loan = crate::loan::imported_loan(
            70,
            3,
            yuan("300000.00"),
            240,
            RatePpm::new(26_000).expect("rate"),
            Method::Annuity,
            "62220201000041234",
            d("2026-11-10"),
        );
        let due = InstallmentRecord {
            loan_id: 70,
            period: 1,
            due_date: d("2026-12-10"),
            principal_fen: yuan("1000.00"),
            interest_fen: yuan("650.00"),
            paid_principal_fen: Fen::ZERO,
            paid_interest_fen: Fen::ZERO,
            paid_penalty_fen: Fen::ZERO,
            penalty_owed_fen: Fen::ZERO,
            penalty_from: None,
            status: InstallmentStatus::Due,
            paid_on: None,
        };
        app.loan_port()
            .import_loans(&[loan], &[due])
            .await
            .expect("loan");
        let mut users = Vec::new();
        for (m, id_card) in [
            (1, "320502199003071230"),
            (2, "320502198801012310"),
            (3, "320502198502023319"),
        ] {
            let account = NewAccount {
                login: id_card.to_string(),
                display_name: format!("职工{m}"),
                role: Role::Member,
                password: "correct horse 42".to_string(),
                member_id: Some(m),
                employer_id: None,
                mobile: None,
                email: None,
                totp_secret: None,
            };
            let (user, _) = app
                .access()
                .create_account(account, d("2026-01-01"))
                .await
                .expect("user");
            users.push(user.user_id);
        }
        (app, users)
    }

    #[tokio::test]
    async fn each_rule_reminds_its_member_once_and_respects_the_choice() {
        let dir = tempfile::tempdir().expect("dir");
        let (app, users) = centre(&dir).await;
        let r = app.reminders();
        let today = d("2026-12-07");
        let kinds = |m: i64| async move {
            let due = r.due_reminders(m, today).await.expect("rules");
            due.iter().map(|x| x.kind).collect::<Vec<_>>()
        };
        assert_eq!(kinds(1).await, [ReminderKind::RentUnused]);
        assert_eq!(kinds(2).await, [ReminderKind::SealedLong]);
        let third = kinds(3).await;
        assert!(third.contains(&ReminderKind::InstallmentDue), "{third:?}");

        // Member 3 wants no suggestions of rent.
        let three = person(Role::Member, "320502198502023319", Some(3));
        r.choose_reminders(&three, &[ReminderKind::RentUnused])
            .await
            .expect("choose");
        let refused = r.send_reminders(&clerk(), today).await;
        assert_eq!(refused.expect_err("a job").code(), Some("NOT_PERMITTED"));
        let first = r.send_reminders(&batch(), today).await.expect("run");
        assert_eq!((first.members, first.sent, first.failed), (3, 3, 0));
        // Member 3 switched rent off: the rule was not even asked.
        assert_eq!(first.opted_out, 0);
        let again = r.send_reminders(&batch(), today).await.expect("rerun");
        // Sent once: the installment's and the sealing's are found sent;
        // the year's rent suggestion, sent already, is not even asked.
        assert_eq!((again.sent, again.already_sent), (0, 2), "sent once");

        let inbox = app.access().inbox(users[2], 10).await.expect("inbox");
        assert_eq!(inbox.len(), 1);
        assert!(inbox[0].body.contains("¥1,650.00"), "{}", inbox[0].body);
        let (mine, out) = r.my_reminders(&three).await.expect("mine");
        assert_eq!((mine.len(), out), (1, vec![ReminderKind::RentUnused]));

        // Opened: member 1 reads hers; nothing acted on yet.
        let one_inbox = app.access().inbox(users[0], 10).await.expect("inbox");
        app.access()
            .mark_read(users[0], one_inbox[0].message_id)
            .await
            .expect("read");
        let figures = r
            .reminder_figures(&clerk(), today, today)
            .await
            .expect("figures");
        let of = |k: ReminderKind| figures.iter().find(|f| f.kind == k).cloned().expect("kind");
        let rent = of(ReminderKind::RentUnused);
        assert_eq!((rent.sent, rent.opened, rent.acted), (1, 1, 0));
        // Member 1 then applies for a month's rent: acted on.
        let one = person(Role::Member, "320502199003071230", Some(1));
        let application = crate::test_support::month_of_rent("rent-after-reminder");
        app.withdrawals()
            .apply_withdrawal(&one, 1, application, today)
            .await
            .expect("apply");
        let figures = r
            .reminder_figures(&clerk(), today, today)
            .await
            .expect("figures");
        let rent = figures.iter().find(|f| f.kind == ReminderKind::RentUnused);
        assert_eq!(rent.map(|f| f.acted), Some(1));
        let installment = of(ReminderKind::InstallmentDue);
        assert_eq!(
            (installment.sent, installment.opened, installment.acted),
            (1, 0, 0)
        );
        // Member 3's installment is collected on its due day: acted on.
        app.loans()
            .run_repayments(d("2026-12-10"))
            .await
            .expect("the repayment run");
        let figures = r
            .reminder_figures(&clerk(), today, today)
            .await
            .expect("figures");
        let installment = figures
            .iter()
            .find(|f| f.kind == ReminderKind::InstallmentDue);
        assert_eq!(installment.map(|f| f.acted), Some(1));
        let member = person(Role::Member, "320502199003071230", Some(1));
        assert_eq!(
            r.reminder_figures(&member, today, today)
                .await
                .expect_err("desk only")
                .code(),
            Some("ROLE_FORBIDDEN")
        );
    }

    #[tokio::test]
    async fn a_certificate_and_a_base_filing_are_reminded_of_once_each() {
        let dir = tempfile::tempdir().expect("dir");
        let (app, users) = centre(&dir).await;
        crate::test_support::test_employer(&app, 9, "91320500MA1X000019").await;
        crate::test_support::test_employer(&app, 8, "91320500MA1X000027").await;
        let r = app.reminders();
        // Member 1's contribution certificate of 10 September is valid to
        // 8 December.
        let one = person(Role::Member, "320502199003071230", Some(1));
        let old = app
            .trust()
            .issue_contribution_certificate(&one, 1, d("2026-09-10"))
            .await
            .expect("issue");
        assert_eq!(old.valid_until, Some(d("2026-12-08")));
        let today = d("2026-12-07");
        let due = r.due_reminders(1, today).await.expect("rules");
        let kinds: Vec<ReminderKind> = due.iter().map(|x| x.kind).collect();
        assert!(
            kinds.contains(&ReminderKind::CertificateExpiring),
            "{kinds:?}"
        );
        let run = r.send_reminders(&batch(), today).await.expect("run");
        assert_eq!(run.failed, 0);
        let inbox = app.access().inbox(users[0], 10).await.expect("inbox");
        let notice = inbox.iter().find(|m| m.body.contains(&old.serial));
        assert!(notice.is_some_and(|m| m.body.contains("2026-12-08")));
        // Issued again: acted on, and the newest is not near its end.
        app.trust()
            .issue_contribution_certificate(&one, 1, today)
            .await
            .expect("again");
        let figures = r
            .reminder_figures(&clerk(), today, today)
            .await
            .expect("figures");
        let cert = figures
            .iter()
            .find(|f| f.kind == ReminderKind::CertificateExpiring);
        assert_eq!(cert.map(|f| (f.sent, f.acted)), Some((1, 1)));
        let later = r.due_reminders(1, d("2026-12-08")).await.expect("rules");
        assert!(
            later
                .iter()
                .all(|x| x.kind != ReminderKind::CertificateExpiring),
            "only the newest of a kind is reminded of"
        );

        // Employer 9 with an agent, not filed for 2026: reminded in July,
        // once; employer 8 has no agent and is left to the counter's list.
        let agent = NewAccount {
            login: "agent-9".to_string(),
            display_name: "经办人".to_string(),
            role: Role::EmployerAgent,
            password: "correct horse 42".to_string(),
            member_id: None,
            employer_id: Some(9),
            mobile: None,
            email: None,
            totp_secret: None,
        };
        let (agent, _) = app
            .access()
            .create_account(agent, d("2026-01-01"))
            .await
            .expect("agent");
        let october = r.send_reminders(&batch(), d("2026-10-01")).await;
        assert_eq!(
            october.expect("run").employers,
            0,
            "not read after September"
        );
        let july = r.send_reminders(&batch(), d("2026-07-02")).await;
        let july = july.expect("run");
        assert_eq!((july.employers, july.failed), (2, 0));
        let again = r.send_reminders(&batch(), d("2026-07-03")).await;
        let again = again.expect("rerun");
        assert_eq!((again.sent, again.already_sent), (0, 1), "sent once");
        let inbox = app.access().inbox(agent.user_id, 10).await.expect("inbox");
        assert_eq!(inbox.len(), 1);
        assert!(inbox[0].title.contains("2026 年度"), "{}", inbox[0].title);
        let figures = r
            .reminder_figures(&clerk(), d("2026-07-01"), d("2026-07-31"))
            .await
            .expect("figures");
        let filing = figures.iter().find(|f| f.kind == ReminderKind::BaseFiling);
        assert_eq!(filing.map(|f| (f.sent, f.acted)), Some((1, 0)));
    }
}
