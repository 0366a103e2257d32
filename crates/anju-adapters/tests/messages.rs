//! The message gateway's client: through the simulator a delivery is
//! `simulated`, through a gateway that says so it is `sent`, and a gateway
//! that cannot be reached leaves a `failed` delivery on the record while
//! the inbox message stands.

mod common;

use anju_adapters::{HttpChannel, Simulators, start_simulator};
use anju_app::App;
use anju_app::access::{ChannelAdapter, NewAccount, SimulatedEmail, SimulatedSms};
use anju_app::policy::load_policy;
use anju_app::registries::{RegistryData, SimulatedRegistries};
use anju_domain::Date;
use anju_domain::access::{DeliveryStatus, Role};
use common::{answering, nobody_listening};
use std::sync::Arc;
use std::time::Duration;

fn gateway(base: &str, simulated: bool) -> HttpChannel {
    HttpChannel::new(
        Box::new(SimulatedSms),
        base,
        Duration::from_secs(2),
        simulated,
    )
    .expect("client")
}

#[tokio::test]
async fn a_delivery_records_what_the_gateway_said() {
    let sims = Simulators::new(Arc::new(SimulatedRegistries::new(RegistryData::default())));
    let server = start_simulator(sims, "127.0.0.1:0").await.expect("serve");
    let simulated = gateway(&server.base_url(), true);
    assert_eq!(
        simulated.send("13800138000", "【住房公积金】测试").await,
        DeliveryStatus::Simulated
    );
    assert_eq!(simulated.simulator(), Some("短信"));
    let real = answering(r#"{"status":"sent"}"#).await;
    assert_eq!(
        gateway(&real, false).send("13800138000", "x").await,
        DeliveryStatus::Sent
    );
    assert_eq!(
        gateway(&real, false).simulator(),
        None,
        "a real gateway has no banner"
    );
    let odd = answering(r#"{"status":"queued-maybe"}"#).await;
    assert_eq!(
        gateway(&odd, false).send("13800138000", "x").await,
        DeliveryStatus::Failed
    );
}

#[tokio::test]
async fn an_unreachable_gateway_fails_the_delivery_not_the_message() {
    let gone = nobody_listening().await;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let app = App::open_sqlite(&url, "320500000000000", load_policy(None).expect("policy"))
        .await
        .expect("app");
    let channels: Vec<Box<dyn ChannelAdapter>> = vec![
        Box::new(gateway(&gone, false)),
        Box::new(
            HttpChannel::new(
                Box::new(SimulatedEmail),
                &gone,
                Duration::from_secs(2),
                false,
            )
            .expect("client"),
        ),
    ];
    let app = app.with_channels(channels);
    let (user, _) = app
        .access()
        .create_account(
            NewAccount {
                login: "320502199003071230".into(),
                display_name: "王芳".into(),
                role: Role::Member,
                password: "anju-test-2026".into(),
                member_id: None,
                employer_id: None,
                mobile: Some("13800138000".into()),
                email: Some("wangfang@example.cn".into()),
                totp_secret: None,
            },
            Date::parse("2026-11-29").expect("date"),
        )
        .await
        .expect("account");
    app.access()
        .notify(
            user.user_id,
            "withdrawal",
            "提取款已付至您的银行卡",
            "申请 1 已付款。",
        )
        .await
        .expect("notify");
    let inbox = app.access().inbox(user.user_id, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "the inbox message stands");
    let deliveries = app
        .access()
        .deliveries(user.user_id, 10)
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 2);
    assert!(
        deliveries
            .iter()
            .all(|d| d.status == DeliveryStatus::Failed)
    );
    assert!(
        deliveries.iter().any(|d| d.address == "138****8000"),
        "the record keeps the masked address: {deliveries:?}"
    );
}
