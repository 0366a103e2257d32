//! Contract cases for service quality: complaints move once per state and
//! are counted for K17/K21; a service is rated once and its rectification
//! moves once per state; hotline calls are imported once and counted for K20.

use super::BoxFuture;
use super::cases::d;
use crate::{
    ComplaintCounts, ComplaintRecord, HotlineCallRecord, HotlineCounts, ReviewRecord, Store,
};
use anju_domain::access::Channel;
use anju_domain::quality::{
    CdrCall, ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, RatedService,
    RectificationStatus, Satisfaction, TicketKind,
};
use std::sync::Arc;

fn complaint(id: i64, received_on: &str) -> ComplaintRecord {
    ComplaintRecord {
        complaint_id: id,
        received_on: d(received_on),
        source: ComplaintSource::Hall,
        category: ComplaintCategory::ServiceQuality,
        member_id: Some(7),
        complainant: "王芳".to_string(),
        contact: "13812345678".to_string(),
        subject: "窗口办理时间过长".to_string(),
        detail: "等候两小时".to_string(),
        received_by: "320502199003071230".to_string(),
        status: ComplaintStatus::Received,
        due_on: d("2026-11-17"),
        handler_login: None,
        verified: false,
        outcome: None,
        finding: String::new(),
        reply: String::new(),
        resolved_on: None,
        appeal_reason: String::new(),
        appealed_on: None,
        appeal_handler_login: None,
        call_id: None,
    }
}

pub(super) fn call(id: &str, on: &str, satisfaction: Option<Satisfaction>) -> HotlineCallRecord {
    let call = CdrCall {
        call_id: id.to_string(),
        started_on: d(on),
        started_time: "09:15:02".to_string(),
        caller: "13812345678".to_string(),
        agent: "A017".to_string(),
        duration_s: 185,
        ticket: TicketKind::Consultation,
        satisfaction,
        summary: "问提取条件".to_string(),
    };
    HotlineCallRecord {
        call,
        complaint_id: None,
        imported_by: "clerk01".to_string(),
    }
}

pub fn complaints_move_once_and_are_counted(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let first = complaint(1, "2026-11-02");
        store.insert_complaint(&first).await.expect("insert");
        assert_eq!(store.complaint(1).await.expect("read"), Some(first.clone()));
        let handling = ComplaintRecord {
            status: ComplaintStatus::Handling,
            handler_login: Some("clerk01".to_string()),
            ..first.clone()
        };
        assert!(
            store
                .update_complaint(&handling, ComplaintStatus::Received)
                .await
                .expect("take")
        );
        assert!(
            !store
                .update_complaint(&handling, ComplaintStatus::Received)
                .await
                .expect("again"),
            "a state is left once"
        );
        let resolved = ComplaintRecord {
            status: ComplaintStatus::Resolved,
            verified: true,
            outcome: Some(ComplaintOutcome::Mediated),
            finding: "查实：窗口人手不足".to_string(),
            reply: "已增开窗口并致歉".to_string(),
            resolved_on: Some(d("2026-11-10")),
            ..handling.clone()
        };
        assert!(
            store
                .update_complaint(&resolved, ComplaintStatus::Handling)
                .await
                .expect("resolve")
        );
        assert_eq!(store.complaint(1).await.expect("read"), Some(resolved));
        let unsettled = ComplaintRecord {
            category: ComplaintCategory::Policy,
            member_id: None,
            ..complaint(2, "2026-12-01")
        };
        store.insert_complaint(&unsettled).await.expect("insert");
        let last_year = ComplaintRecord {
            due_on: d("2026-01-15"),
            ..complaint(3, "2025-12-31")
        };
        store.insert_complaint(&last_year).await.expect("last year");
        assert_eq!(
            store
                .complaint_counts(d("2026-01-01"), d("2026-12-31"))
                .await
                .expect("count"),
            ComplaintCounts {
                received: 2,
                mediated: 1,
                verified: 1
            }
        );
        let listed: Vec<i64> = store
            .complaints(10)
            .await
            .expect("list")
            .iter()
            .map(|c| c.complaint_id)
            .collect();
        assert_eq!(
            listed,
            [3, 2, 1],
            "unresolved first by due day, then resolved"
        );
        let mine: Vec<i64> = store
            .member_complaints(7)
            .await
            .expect("mine")
            .iter()
            .map(|c| c.complaint_id)
            .collect();
        assert_eq!(mine, [1, 3]);
    })
}

pub fn a_hotline_call_is_imported_once_and_becomes_one_complaint(
    store: Arc<dyn Store>,
) -> BoxFuture<()> {
    Box::pin(async move {
        let calls = [
            call("C-1", "2026-11-02", Some(Satisfaction::Satisfied)),
            call("C-2", "2026-11-02", Some(Satisfaction::Basic)),
            call("C-3", "2026-11-03", Some(Satisfaction::Dissatisfied)),
            call("C-4", "2026-11-03", None),
        ];
        assert_eq!(store.insert_calls(&calls).await.expect("import"), 4);
        assert_eq!(
            store.insert_calls(&calls).await.expect("again"),
            0,
            "a file imported twice adds nothing"
        );
        assert_eq!(
            store
                .hotline_counts(d("2026-11-01"), d("2026-11-30"))
                .await
                .expect("count"),
            HotlineCounts {
                calls: 4,
                rated: 3,
                satisfied: 2
            }
        );
        let from_call = ComplaintRecord {
            source: ComplaintSource::Hotline,
            call_id: Some("C-3".to_string()),
            ..complaint(9, "2026-11-03")
        };
        store.insert_complaint(&from_call).await.expect("insert");
        let linked = store
            .hotline_call("C-3")
            .await
            .expect("read")
            .expect("call");
        assert_eq!(linked.complaint_id, Some(9));
        let twice = store
            .insert_complaint(&ComplaintRecord {
                complaint_id: 10,
                ..from_call
            })
            .await;
        assert_eq!(
            twice.map_err(|e| e.code()),
            Err(Some("HOTLINE_CALL_HAS_COMPLAINT"))
        );
        assert_eq!(
            store.complaint(10).await.expect("read"),
            None,
            "nothing written"
        );
        let latest: Vec<String> = store
            .hotline_calls(2)
            .await
            .expect("list")
            .into_iter()
            .map(|c| c.call.call_id)
            .collect();
        assert_eq!(latest, ["C-3", "C-4"]);
    })
}

fn review(id: i64, stars: u8, staff: Option<&str>) -> ReviewRecord {
    ReviewRecord {
        review_id: id,
        member_id: 7,
        service: RatedService::Withdrawal,
        service_ref: 100 + id,
        channel: Channel::Counter,
        staff_login: staff.map(str::to_string),
        stars,
        reasons: "等候时间长".to_string(),
        reviewed_on: d("2026-11-20"),
        rectification: (stars <= 2).then_some(RectificationStatus::Open),
        rectification_due: (stars <= 2).then(|| d("2026-11-30")),
        owner_login: None,
        rectification_note: String::new(),
        rectified_on: None,
        follow_up_note: String::new(),
        followed_up_on: None,
        visitor_login: None,
    }
}

pub fn a_service_is_rated_once_and_its_rectification_moves_once(
    store: Arc<dyn Store>,
) -> BoxFuture<()> {
    Box::pin(async move {
        let bad = review(1, 1, Some("clerk01"));
        store.insert_review(&bad).await.expect("rate");
        store
            .insert_review(&review(2, 5, Some("clerk01")))
            .await
            .expect("rate");
        store
            .insert_review(&review(3, 4, None))
            .await
            .expect("rate");
        let again = store
            .insert_review(&ReviewRecord {
                review_id: 4,
                ..bad.clone()
            })
            .await;
        assert_eq!(again.map_err(|e| e.code()), Err(Some("REVIEW_EXISTS")));
        assert_eq!(store.review(1).await.expect("read"), Some(bad.clone()));
        let taken = ReviewRecord {
            rectification: Some(RectificationStatus::Taken),
            owner_login: Some("reviewer01".to_string()),
            ..bad.clone()
        };
        assert!(
            store
                .update_rectification(&taken, RectificationStatus::Open)
                .await
                .expect("take")
        );
        assert!(
            !store
                .update_rectification(&taken, RectificationStatus::Open)
                .await
                .expect("again")
        );
        let rectified = ReviewRecord {
            rectification: Some(RectificationStatus::Rectified),
            rectification_note: "已培训并调整排班".to_string(),
            rectified_on: Some(d("2026-11-25")),
            ..taken
        };
        assert!(
            store
                .update_rectification(&rectified, RectificationStatus::Taken)
                .await
                .expect("rectify")
        );
        assert_eq!(store.review(1).await.expect("read"), Some(rectified));
        let first: Vec<i64> = store
            .reviews(10)
            .await
            .expect("list")
            .iter()
            .map(|r| r.review_id)
            .collect();
        assert_eq!(first[0], 1, "a rectification under way comes first");
        assert_eq!(store.member_reviews(7).await.expect("mine").len(), 3);
        let groups = store
            .review_groups(d("2026-11-01"), d("2026-11-30"))
            .await
            .expect("groups");
        let counter: Vec<(Option<&str>, i64, i64, i64, i64)> = groups
            .iter()
            .map(|g| {
                (
                    g.staff_login.as_deref(),
                    g.reviews,
                    g.stars_total,
                    g.bad,
                    g.rectified,
                )
            })
            .collect();
        assert!(
            counter.contains(&(Some("clerk01"), 2, 6, 1, 1)),
            "{counter:?}"
        );
        assert!(counter.contains(&(None, 1, 4, 0, 0)), "{counter:?}");
    })
}
