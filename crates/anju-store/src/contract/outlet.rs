//! Contract cases for appointments: a slot is never booked beyond its
//! capacity when many book at once, a member holds one booking a day, and
//! a cancelled booking frees its place once.

use super::BoxFuture;
use super::cases::d;
use crate::{AppointmentRecord, Store, StoreError};
use anju_domain::outlets::AppointmentStatus;
use std::sync::Arc;

fn booking(id: i64, member_id: i64, day: &str, slot_min: u16) -> AppointmentRecord {
    AppointmentRecord {
        appointment_id: id,
        member_id,
        outlet_code: "WD01".to_string(),
        day: d(day),
        slot_min,
        service_code: "TQ01".to_string(),
        status: AppointmentStatus::Booked,
        booked_at_us: id,
        changed_at_us: id,
    }
}

fn code(result: Result<(), StoreError>) -> Option<&'static str> {
    result.err().and_then(|e| e.code())
}

pub fn a_slot_is_never_booked_beyond_capacity(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        const CAPACITY: i64 = 3;
        let attempts: Vec<_> = (0..24)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let a = booking(100 + i, 1_000 + i, "2026-12-08", 540);
                    store.book_appointment(&a, CAPACITY).await
                })
            })
            .collect();
        let (mut booked, mut full) = (0, 0);
        for attempt in attempts {
            match code(attempt.await.expect("join")) {
                None => booked += 1,
                Some("APPOINTMENT_FULL") => full += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((booked, full), (3, 21));
        let day = d("2026-12-08");
        let counted = store.slot_bookings("WD01", day, day).await.expect("slots");
        assert_eq!(counted, [(day, 540, 3)]);
        let listed = store.outlet_appointments("WD01", day).await.expect("list");
        assert_eq!(
            listed.len(),
            3,
            "only the bookings that got a place are kept"
        );

        // One booking a member a day; refused, it takes no place.
        let member = listed[0].member_id;
        let twice = booking(200, member, "2026-12-08", 570);
        assert_eq!(
            code(store.book_appointment(&twice, CAPACITY).await),
            Some("APPOINTMENT_EXISTS")
        );
        let at_570 = store.slot_bookings("WD01", day, day).await.expect("slots");
        assert_eq!(at_570, [(day, 540, 3)], "the refused booking left nothing");

        // A cancellation frees its place once; arriving keeps it.
        let first = listed[0].appointment_id;
        let cancelled = AppointmentStatus::Cancelled;
        assert!(
            store
                .close_appointment(first, cancelled, 9)
                .await
                .expect("cancel")
        );
        assert!(
            !store
                .close_appointment(first, cancelled, 9)
                .await
                .expect("again")
        );
        let second = listed[1].appointment_id;
        let arrived = AppointmentStatus::Arrived;
        assert!(
            store
                .close_appointment(second, arrived, 9)
                .await
                .expect("arrive")
        );
        assert_eq!(
            store.slot_bookings("WD01", day, day).await.expect("slots"),
            [(day, 540, 2)]
        );
        let again = booking(201, 5_000, "2026-12-08", 540);
        store
            .book_appointment(&again, CAPACITY)
            .await
            .expect("a freed place");
        let kept = store.appointment(first).await.expect("read").expect("kept");
        assert_eq!(kept.status, AppointmentStatus::Cancelled);
        assert_eq!(
            store.member_appointments(member).await.expect("mine").len(),
            1
        );
        // The member may book again that day once theirs is cancelled.
        store
            .book_appointment(&booking(202, member, "2026-12-08", 570), CAPACITY)
            .await
            .expect("rebook");

        // Missed: still booked after its day.
        let missed = listed[2].member_id;
        let count = store
            .missed_appointments(missed, d("2026-09-01"), d("2026-12-09"))
            .await
            .expect("missed");
        assert_eq!(count, 1);
        let before = store
            .missed_appointments(missed, d("2026-09-01"), d("2026-12-08"))
            .await
            .expect("not yet");
        assert_eq!(before, 0, "not missed before its day has passed");
    })
}

pub fn queue_numbers_are_given_once_and_called_in_order(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let day = d("2026-12-08");
        let takers: Vec<_> = (0..20)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(
                    async move { store.take_ticket("WD01", day, 100 + i, "TQ01", i).await },
                )
            })
            .collect();
        let mut numbers = Vec::new();
        for taker in takers {
            let (ticket, ahead) = taker.await.expect("join").expect("a number");
            assert!(
                ahead < ticket.number,
                "{ahead} before number {}",
                ticket.number
            );
            numbers.push(ticket.number);
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=20).collect::<Vec<i64>>(), "each number once");
        let twice = store.take_ticket("WD01", day, 100, "TQ01", 99).await;
        assert_eq!(twice.err().and_then(|e| e.code()), Some("TICKET_EXISTS"));
        // Another outlet, or another day, counts from 1.
        let (elsewhere, ahead) = store
            .take_ticket("WD02", day, 100, "TQ01", 99)
            .await
            .expect("another outlet");
        assert_eq!((elsewhere.number, ahead), (1, 0));

        let first = store.call_next("WD01", day).await.expect("call");
        assert_eq!(first.map(|t| (t.number, t.called)), Some((1, true)));
        let second = store.call_next("WD01", day).await.expect("call");
        assert_eq!(second.map(|t| t.number), Some(2));
        let listed = store.tickets("WD01", day).await.expect("list");
        let called: Vec<i64> = listed
            .iter()
            .filter(|t| t.called)
            .map(|t| t.number)
            .collect();
        assert_eq!(called, [1, 2]);
        let last = listed.last().expect("tickets");
        let mine = store
            .member_tickets(last.member_id, day)
            .await
            .expect("mine");
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].0.number, mine[0].1),
            (20, 17),
            "17 still wait before 20"
        );
        for _ in 3..=20 {
            store
                .call_next("WD01", day)
                .await
                .expect("call")
                .expect("one");
        }
        assert_eq!(store.call_next("WD01", day).await.expect("call"), None);
        // Called, the member may take a new number.
        let (again, ahead) = store
            .take_ticket("WD01", day, 100, "TQ01", 100)
            .await
            .expect("a new number");
        assert_eq!((again.number, ahead), (21, 0));
    })
}
