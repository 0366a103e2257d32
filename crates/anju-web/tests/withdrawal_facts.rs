//! The staff queue with a registry down: the application shows where each
//! fact came from and what is still to verify; a clerk records how it was
//! verified, after which a reviewer may approve it — not before.

mod common;

use anju_app::registries::{Registries, RegistryData, SimulatedRegistries};
use anju_domain::access::Role;
use anju_domain::facts::Party;
use anju_domain::withdrawal::WithdrawalStatus;
use common::{open_app, rent_applied, today};
use std::sync::Arc;

#[tokio::test]
async fn a_clerk_verifies_by_hand_what_the_silent_registry_could_not_say() {
    let dir = tempfile::tempdir().expect("dir");
    let sim = Arc::new(SimulatedRegistries::new(RegistryData {
        down: vec![Party::Housing],
        ..RegistryData::default()
    }));
    let app = open_app(&dir, today())
        .await
        .with_registries(Registries::all(sim, true));
    let (h, member, id) = rent_applied(app, dir, "facts-1").await;
    // The API says the same as the page: where each fact came from, and
    // what a person will verify.
    let api = h
        .get(
            "/api/v1/member/withdrawals/eligibility?reason=07&amount_fen=100&months=2",
            &member,
        )
        .await;
    let api: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    assert!(
        api["needs_verification"]
            .as_str()
            .is_some_and(|v| v.contains("不动产登记暂不可用")),
        "{api}"
    );
    assert!(
        api["sources"][0]
            .as_str()
            .is_some_and(|s| s.starts_with("婚姻登记：无在册婚姻")),
        "{api}"
    );
    let listed = h.get("/api/v1/member/withdrawals", &member).await;
    assert!(listed.body.contains("\"verification\""), "{}", listed.body);

    let clerk = h.person("clerk-1", Role::Clerk, None).await;
    let queue = h.get("/staff/withdrawals", &clerk).await;
    for expected in [
        "婚姻登记：无在册婚姻（查询号 SIM-CIVIL-",
        "不动产登记（本人）：不动产登记暂不可用：模拟停机",
        "待人工核验",
        &format!("/staff/withdrawals/{id}/verify"),
    ] {
        assert!(queue.body.contains(expected), "{expected}: {}", queue.body);
    }
    let prepared = h
        .post_form(
            &format!("/staff/withdrawals/{id}/prepare"),
            &clerk,
            "note=材料齐全",
        )
        .await;
    assert!(prepared.body.contains("待复核"), "{}", prepared.body);
    let reviewer = h.person("reviewer-1", Role::Reviewer, None).await;
    let early = h
        .post_form(
            &format!("/staff/withdrawals/{id}/approve"),
            &reviewer,
            "note=同意",
        )
        .await;
    assert!(early.body.contains("须先人工核验"), "{}", early.body);
    let empty = h
        .post_form(&format!("/staff/withdrawals/{id}/verify"), &clerk, "note=")
        .await;
    assert!(
        empty.body.contains("请写明核验所见的证明材料"),
        "{}",
        empty.body
    );
    let verified = h
        .post_form(
            &format!("/staff/withdrawals/{id}/verify"),
            &clerk,
            "note=查验无房证明 WF-2026-0099",
        )
        .await;
    assert!(
        verified.body.contains("已记录人工核验"),
        "{}",
        verified.body
    );
    assert!(
        verified
            .body
            .contains("人工核验：柜员甲（clerk-1）2026-11-29：查验无房证明 WF-2026-0099"),
        "{}",
        verified.body
    );
    let approved = h
        .post_form(
            &format!("/staff/withdrawals/{id}/approve"),
            &reviewer,
            "note=同意",
        )
        .await;
    assert!(approved.body.contains("已到账"), "{}", approved.body);
    let record = h.app.withdrawals().withdrawal(id).await.expect("read");
    assert_eq!(record.status, WithdrawalStatus::Paid);
    assert_eq!(record.verified_by.as_deref(), Some("clerk-1"));
}
