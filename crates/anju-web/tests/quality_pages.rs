//! 服务质量 pages over HTTP: a member rates a refused withdrawal one star;
//! the clerk who refused it can neither read nor handle the review; a
//! reviewer takes and rectifies it; a manager visits; the member reads the
//! follow-up. A complaint filed in the hall is answered and appealed, and
//! a CDR file uploaded on the console gives K20.

mod common;

use anju_app::access::Actor;
use anju_domain::access::Role;
use axum::http::{Method, StatusCode};
use common::{Client, Web, form_body};

const CDR: &[u8] = include_bytes!("../../../fixtures/hotline-cdr-2026-11.csv");

/// 王芳's rent application, refused at the counter by clerk01; the harness,
/// her client and the withdrawal's id.
async fn refused_rent() -> (Web, Client, i64) {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app(&dir, common::today()).await;
    let (h, member, id) = common::rent_applied(app, dir, "q-1").await;
    let clerk = Actor::seeded(Role::Clerk, "clerk01", None, "t");
    h.app
        .withdrawals()
        .reject_withdrawal(&clerk, id, "租房合同未备案", common::today())
        .await
        .expect("reject");
    (h, member, id)
}

#[tokio::test]
async fn a_one_star_review_is_rectified_visited_and_seen_by_the_member() {
    let (h, member, withdrawal_id) = refused_rent().await;
    let page = h.get("/member/service", &member).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("住房公积金提取 {withdrawal_id}")),
        "{}",
        page.body
    );

    let id = withdrawal_id.to_string();
    let no_stars = form_body(&[
        ("service", "withdrawal"),
        ("service_ref", &id),
        ("reasons", ""),
    ]);
    let refused = h.post_form("/member/reviews", &member, &no_stars).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("请选择 1 至 5 星"),
        "{}",
        refused.body
    );
    let one_star = form_body(&[
        ("service", "withdrawal"),
        ("service_ref", &id),
        ("stars", "1"),
        ("reasons", "拒绝前没有告知需要备案"),
    ]);
    let rated = h.post_form("/member/reviews", &member, &one_star).await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    assert!(rated.body.contains("前完成整改并回访您"), "{}", rated.body);
    let review_id = h.app.quality().member_reviews(1).await.expect("r")[0].review_id;
    let review = format!("/staff/quality/reviews/{review_id}");

    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let console = h.get("/staff/quality", &clerk).await;
    assert!(
        !console.body.contains(&review),
        "the rated clerk is not shown it"
    );
    assert_eq!(h.get(&review, &clerk).await.status, StatusCode::FORBIDDEN);

    let reviewer = h.person("reviewer01", Role::Reviewer, None).await;
    let step = format!("{review}/step");
    let taken = h
        .post_form(&step, &reviewer, &form_body(&[("next", "taken")]))
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let fix = form_body(&[("next", "rectified"), ("note", "拒绝前电话告知，窗口培训")]);
    assert_eq!(
        h.post_form(&step, &reviewer, &fix).await.status,
        StatusCode::OK
    );
    let visit = form_body(&[("next", "followed_up"), ("note", "电话回访：职工表示满意")]);
    let by_owner = h.post_form(&step, &reviewer, &visit).await;
    assert_eq!(
        by_owner.status,
        StatusCode::FORBIDDEN,
        "the visit is by someone else"
    );
    let manager = h.person("manager01", Role::Manager, None).await;
    let visited = h.post_form(&step, &manager, &visit).await;
    assert_eq!(visited.status, StatusCode::OK, "{}", visited.body);
    assert!(
        visited.body.contains("id=\"rectification-status\">已回访"),
        "{}",
        visited.body
    );

    let mine = h.get("/member/service", &member).await.body;
    for shown in [
        "已回访",
        "拒绝前电话告知，窗口培训",
        "电话回访：职工表示满意",
        "1 星",
    ] {
        assert!(mine.contains(shown), "{shown}: {mine}");
    }
    assert!(!mine.contains("name=\"service_ref\""), "rated once");
}

#[tokio::test]
async fn a_hall_complaint_is_answered_and_appealed_to_someone_else() {
    let (h, member, _) = refused_rent().await;
    let complaint = form_body(&[
        ("category", "service_quality"),
        ("subject", "窗口等候时间过长"),
        ("detail", "园区网点等候两小时"),
        ("contact", "13812345678"),
    ]);
    let filed = h.post_form("/member/complaints", &member, &complaint).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert!(filed.body.contains("投诉已受理"), "{}", filed.body);
    let id = h.app.quality().member_complaints(1).await.expect("c")[0].complaint_id;
    let path = format!("/staff/quality/complaints/{id}");

    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let listed = h.get("/staff/quality", &clerk).await;
    assert!(listed.body.contains(&path), "{}", listed.body);
    let resolve = form_body(&[
        ("outcome", "explained"),
        ("verified", "1"),
        ("finding", "调取叫号记录，属实"),
        ("reply", "已增开窗口并致歉"),
    ]);
    let untaken = h
        .post_form(&format!("{path}/resolve"), &clerk, &resolve)
        .await;
    assert_eq!(untaken.status, StatusCode::FORBIDDEN);
    let take = h.post_form(&format!("{path}/take"), &clerk, "").await;
    assert_eq!(take.status, StatusCode::OK, "{}", take.body);
    let done = h
        .post_form(&format!("{path}/resolve"), &clerk, &resolve)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("解释答复（查实）"), "{}", done.body);

    let page = h.get("/member/service", &member).await.body;
    assert!(page.contains("已增开窗口并致歉"), "{page}");
    let appeal = form_body(&[("reason", "问题没有解决")]);
    let appealed = h
        .post_form(&format!("/member/complaints/{id}/appeal"), &member, &appeal)
        .await;
    assert_eq!(appealed.status, StatusCode::OK, "{}", appealed.body);
    assert!(
        appealed.body.contains("将由其他工作人员"),
        "{}",
        appealed.body
    );
    let same = h.post_form(&format!("{path}/take"), &clerk, "").await;
    assert_eq!(same.status, StatusCode::FORBIDDEN, "{}", same.body);
    assert!(same.body.contains("复核须由原承办人以外的人员办理"));
}

/// A multipart body with the CSRF token and one file.
fn upload(csrf: &str, file: &[u8]) -> (String, String) {
    let boundary = "anju-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cdr.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let body = String::from_utf8(body).expect("the fixture is UTF-8");
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_cdr_upload_names_its_bad_row_and_gives_k20() {
    let (h, _, _) = refused_rent().await;
    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let (content_type, body) = upload(&clerk.csrf, CDR);
    let reply = h
        .send(
            Method::POST,
            "/staff/quality/hotline",
            &clerk,
            &body,
            &[("content-type", &content_type)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains("新增 11 条，已有 0 条，有误 1 行"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("第 13 行 started_at"), "{}", reply.body);
    assert!(
        reply.body.contains("id=\"k20\">80.00%（8 / 10）"),
        "{}",
        reply.body
    );
    let (content_type, body) = upload("forged", CDR);
    let forged = h
        .send(
            Method::POST,
            "/staff/quality/hotline",
            &clerk,
            &body,
            &[("content-type", &content_type)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// The API twins of 评价与投诉: the same use cases, idempotent POSTs.
#[tokio::test]
async fn the_api_rates_and_complains_once_per_key() {
    let (h, member, withdrawal_id) = refused_rent().await;
    let post = |path: String, key: &'static str, body: String| {
        let (h, member) = (&h, &member);
        async move {
            let headers = [
                ("idempotency-key", key),
                ("x-csrf-token", member.csrf.as_str()),
            ];
            h.send(Method::POST, &path, member, &body, &headers).await
        }
    };
    let complaints = || "/api/v1/member/complaints".to_string();
    let reviews = || "/api/v1/member/reviews".to_string();
    let overview = h.get("/api/v1/member/service", &member).await;
    assert_eq!(overview.status, StatusCode::OK);
    let listed: serde_json::Value = serde_json::from_str(&overview.body).expect("json");
    assert_eq!(listed["rateable"][0]["service_ref"], withdrawal_id);

    let complaint = r#"{"category":"service_quality","subject":"窗口等候过长","detail":"两小时"}"#;
    let filed = post(complaints(), "c-1", complaint.to_string()).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let again = post(complaints(), "c-1", complaint.to_string()).await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (StatusCode::CREATED, filed.body.as_str())
    );
    assert_eq!(
        h.app.quality().member_complaints(1).await.expect("c").len(),
        1,
        "once"
    );
    let other = complaint.replace("两小时", "三小时");
    let conflict = post(complaints(), "c-1", other).await;
    assert_eq!(conflict.code(), "IDEMPOTENCY_CONFLICT", "{}", conflict.body);

    let rating = |stars: i64| {
        format!(
            r#"{{"service":"withdrawal","service_ref":{withdrawal_id},"stars":{stars},"reasons":"拒绝前没有告知"}}"#
        )
    };
    let six = post(reviews(), "r-6", rating(6)).await;
    assert_eq!(six.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(six.code(), "REVIEW_STARS_INVALID");
    let one = post(reviews(), "r-1", rating(1)).await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.body);
    let review: serde_json::Value = serde_json::from_str(&one.body).expect("json");
    assert_eq!(review["rectification"], "open");
    let id = serde_json::from_str::<serde_json::Value>(&filed.body).expect("json")["complaint_id"]
        .as_i64()
        .expect("id");
    let appeal = format!("/api/v1/member/complaints/{id}/appeal");
    let early = post(appeal, "a-1", r#"{"reason":"没有解决"}"#.to_string()).await;
    assert_eq!(early.code(), "COMPLAINT_NOT_RESOLVED", "{}", early.body);
}

/// A call the switch did not record is entered on the console, with the
/// file's checks; a bad number is refused and nothing is written.
#[tokio::test]
async fn a_call_is_entered_by_hand() {
    let (h, _, _) = refused_rent().await;
    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let call = |caller: &str| {
        form_body(&[
            ("call_id", "SZ12329-MANUAL-0001"),
            ("started_at", "2026-11-28T09:30"),
            ("caller", caller),
            ("agent", "A017"),
            ("duration_s", "95"),
            ("ticket", "consultation"),
            ("satisfaction", "basic"),
            ("summary", "交换机故障期间的来电"),
        ])
    };
    let refused = h
        .post_form("/staff/quality/calls", &clerk, &call("138-12"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("来电号码应为 3–20 位数字"),
        "{}",
        refused.body
    );
    assert!(
        h.app
            .quality()
            .hotline_calls()
            .await
            .expect("calls")
            .is_empty()
    );
    let entered = h
        .post_form("/staff/quality/calls", &clerk, &call("13812345678"))
        .await;
    assert_eq!(entered.status, StatusCode::OK, "{}", entered.body);
    assert!(
        entered.body.contains("来电 SZ12329-MANUAL-0001 已登记"),
        "{}",
        entered.body
    );
    let stored = h
        .app
        .quality()
        .call("SZ12329-MANUAL-0001")
        .await
        .expect("call");
    assert_eq!(stored.call.started_time, "09:30:00");
    let twice = h
        .post_form("/staff/quality/calls", &clerk, &call("13812345678"))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
}
