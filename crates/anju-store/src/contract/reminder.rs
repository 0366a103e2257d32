//! Contract cases for reminders: a key is claimed once per member, the
//! counts read opened from the inbox, and a member's choices toggle.

use super::BoxFuture;
use super::cases::d;
use crate::{Recipient, ReminderRecord, Store};
use anju_domain::reminders::ReminderKind;
use std::sync::Arc;

fn reminder(id: i64, member_id: i64, kind: ReminderKind, key: &str) -> ReminderRecord {
    ReminderRecord {
        reminder_id: id,
        recipient: Recipient::Member(member_id),
        kind,
        key: key.to_string(),
        title: "提醒".to_string(),
        body: "说明".to_string(),
        sent_on: d("2026-12-07"),
        message_id: None,
    }
}

pub fn reminders_are_claimed_once_and_counted(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let rent = reminder(1, 7, ReminderKind::RentUnused, "rent_unused:2026");
        assert!(store.claim_reminder(&rent).await.expect("claim"));
        let again = reminder(2, 7, ReminderKind::RentUnused, "rent_unused:2026");
        assert!(
            !store.claim_reminder(&again).await.expect("twice"),
            "once a member"
        );
        let other = reminder(3, 8, ReminderKind::RentUnused, "rent_unused:2026");
        assert!(store.claim_reminder(&other).await.expect("another member"));
        let due = reminder(4, 7, ReminderKind::InstallmentDue, "installment_due:70:1");
        assert!(store.claim_reminder(&due).await.expect("another key"));
        // No inbox message behind them: sent, none opened.
        store
            .reminder_sent_as(&rent, 999_001)
            .await
            .expect("sent as");
        let day = d("2026-12-07");
        let counts = store.reminder_counts(day, day).await.expect("counts");
        let of = |k: ReminderKind| {
            counts
                .iter()
                .find(|c| c.kind == k)
                .map(|c| (c.sent, c.opened))
        };
        assert_eq!(of(ReminderKind::RentUnused), Some((2, 0)));
        assert_eq!(of(ReminderKind::InstallmentDue), Some((1, 0)));
        let mine = store.member_reminders(7).await.expect("mine");
        assert_eq!(mine.len(), 2);
        assert_eq!(
            mine.iter()
                .find(|r| r.reminder_id == 1)
                .and_then(|r| r.message_id),
            Some(999_001)
        );
        let before = store
            .reminders_between(d("2026-12-01"), d("2026-12-06"))
            .await;
        assert!(before.expect("between").is_empty());

        store
            .set_opt_out(7, ReminderKind::SealedLong, true)
            .await
            .expect("out");
        store
            .set_opt_out(7, ReminderKind::SealedLong, true)
            .await
            .expect("out again");
        assert_eq!(
            store.opted_out(7).await.expect("choices"),
            [ReminderKind::SealedLong]
        );
        store
            .set_opt_out(7, ReminderKind::SealedLong, false)
            .await
            .expect("back in");
        assert!(store.opted_out(7).await.expect("choices").is_empty());
    })
}

pub fn employer_reminders_are_claimed_once_and_counted(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let filing = |id: i64, employer_id: i64| ReminderRecord {
            recipient: Recipient::Employer(employer_id),
            kind: ReminderKind::BaseFiling,
            sent_on: d("2026-07-01"),
            ..reminder(id, 0, ReminderKind::BaseFiling, "base_filing:2026")
        };
        let first = filing(1, 10);
        assert!(store.claim_reminder(&first).await.expect("claim"));
        assert!(
            !store.claim_reminder(&filing(2, 10)).await.expect("twice"),
            "once an employer"
        );
        assert!(store.claim_reminder(&filing(3, 11)).await.expect("another"));
        // A member of the same number keeps a key of their own.
        let rent = ReminderRecord {
            sent_on: d("2026-07-01"),
            ..reminder(4, 10, ReminderKind::RentUnused, "base_filing:2026")
        };
        assert!(store.claim_reminder(&rent).await.expect("member"));
        store
            .reminder_sent_as(&first, 999_002)
            .await
            .expect("sent as");
        let day = d("2026-07-01");
        let counts = store.reminder_counts(day, day).await.expect("counts");
        let of = |k: ReminderKind| counts.iter().find(|c| c.kind == k).map(|c| c.sent);
        assert_eq!(of(ReminderKind::BaseFiling), Some(2));
        assert_eq!(of(ReminderKind::RentUnused), Some(1));
        let sent = store.reminders_between(day, day).await.expect("between");
        assert_eq!(
            sent.iter()
                .map(|r| (r.recipient, r.message_id))
                .collect::<Vec<_>>(),
            [
                (Recipient::Member(10), None),
                (Recipient::Employer(10), Some(999_002)),
                (Recipient::Employer(11), None)
            ]
        );
        let member_ten = store.member_reminders(10).await.expect("mine");
        assert_eq!(
            member_ten.iter().map(|r| r.recipient).collect::<Vec<_>>(),
            [Recipient::Member(10)],
            "the employer's are not the member's"
        );
    })
}
