//! The registries' client against the simulator server over real HTTP on
//! loopback: every port answers what the simulator holds, and every way the
//! far end can fail — down, silent, gone, garbled — is "unknown", never
//! "no".

mod common;

use anju_adapters::{
    HttpRegistries, Simulators, load_registry_data, parse_registry_data, start_simulator,
};
use anju_app::registries::*;
use anju_domain::facts::{LicenceKind, Party, Relation};
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;
use anju_domain::{Date, Fen};
use common::{answering, nobody_listening};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const HUSBAND: &str = "32050219850612001X";
const WIFE: &str = "320502198709030022";
const WIFES_FATHER: &str = "320505196001010018";
const REMOTE_BORROWER: &str = "320583198808080058";

fn id(text: &str) -> IdCardNo {
    IdCardNo::parse(text).expect("id")
}

fn example() -> RegistryData {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/registries-example.toml");
    load_registry_data(&path).expect("the documented example reads")
}

fn client(base: &str, timeout_ms: u64) -> HttpRegistries {
    HttpRegistries::new(base, "320500000000000", Duration::from_millis(timeout_ms)).expect("client")
}

#[tokio::test]
async fn every_port_answers_over_http_what_the_simulator_holds() {
    let sim = Arc::new(SimulatedRegistries::new(example()));
    let server = start_simulator(Simulators::new(sim), "127.0.0.1:0")
        .await
        .expect("serve");
    let registries = client(&server.base_url(), 2_000);
    assert!(!registries.saw_simulator());

    let homes = registries.homes(&id(WIFES_FATHER)).await.expect("homes");
    assert_eq!(homes.homes.len(), 1);
    assert_eq!(
        homes.homes[0].certificate_no,
        "苏(2016)苏州市不动产权第0031234号"
    );
    assert_eq!(
        homes.homes[0].registered_on,
        Date::parse("2016-04-12").expect("d")
    );
    assert!(
        homes.reference.starts_with("SIM-HOUSING-"),
        "{}",
        homes.reference
    );
    assert!(
        registries.saw_simulator(),
        "the simulator's answers are marked"
    );
    assert!(
        registries
            .homes(&id(HUSBAND))
            .await
            .expect("homes")
            .homes
            .is_empty()
    );

    let marriage = registries.marriage(&id(WIFE)).await.expect("marriage");
    let spouse = marriage.spouse.expect("married");
    assert_eq!(
        (spouse.id_card.as_str(), spouse.name.as_str()),
        (HUSBAND, "周建国")
    );
    assert_eq!(spouse.certificate_no, "J320502-2012-001234");
    let single = registries
        .marriage(&id(REMOTE_BORROWER))
        .await
        .expect("marriage");
    assert_eq!(single.spouse, None);

    let relation = |a, b| {
        let registries = &registries;
        async move {
            registries
                .relation(&id(a), &id(b))
                .await
                .expect("relation")
                .relation
        }
    };
    assert_eq!(relation(WIFE, WIFES_FATHER).await, Relation::Parent);
    assert_eq!(relation(WIFES_FATHER, WIFE).await, Relation::Child);
    assert_eq!(relation(WIFE, HUSBAND).await, Relation::Spouse);
    assert_eq!(relation(HUSBAND, WIFES_FATHER).await, Relation::None);

    assert_eq!(
        registries.grade(&id(HUSBAND)).await.expect("grade").grade,
        CreditGrade::A
    );
    assert_eq!(
        registries
            .grade(&id(REMOTE_BORROWER))
            .await
            .expect("grade")
            .grade,
        CreditGrade::B
    );

    let loans = registries
        .outstanding(&id(REMOTE_BORROWER))
        .await
        .expect("loans");
    assert_eq!(loans.loans.len(), 1);
    assert_eq!(loans.loans[0].principal, Fen::new(356_000_00));
    assert_eq!(loans.loans[0].centre, "上海市公积金管理中心");
    assert!(
        registries
            .outstanding(&id(HUSBAND))
            .await
            .expect("loans")
            .loans
            .is_empty()
    );

    let licence = registries
        .licence(LicenceKind::Marriage, "J320502-2012-001234")
        .await
        .expect("licence")
        .licence
        .expect("held");
    assert_eq!(licence.holder.as_str(), HUSBAND);
    let missing = registries
        .licence(LicenceKind::Property, "苏(2099)不存在")
        .await
        .expect("answer");
    assert_eq!(
        missing.licence, None,
        "no such licence is an answer, not an outage"
    );

    let certificate = registries
        .certificate("SH-ZM-2026-000123")
        .await
        .expect("certificate")
        .certificate
        .expect("issued");
    assert_eq!(
        (
            certificate.holder.as_str(),
            certificate.holder_name.as_str(),
            certificate.base,
            certificate.balance,
            certificate.months
        ),
        (
            REMOTE_BORROWER,
            "周敏",
            Fen::new(15_000_00),
            Fen::new(86_000_00),
            36
        )
    );
    assert_eq!(
        registries
            .certificate("SH-ZM-0")
            .await
            .expect("answer")
            .certificate,
        None
    );

    let health = registries.health().await.expect("health");
    assert!(health.simulator);
    assert_eq!(health.parties.len(), 6);
}

#[tokio::test]
async fn a_party_that_is_down_is_unavailable_and_the_others_still_answer() {
    let sim = Arc::new(SimulatedRegistries::new(example()));
    let server = start_simulator(Simulators::new(sim.clone()), "127.0.0.1:0")
        .await
        .expect("serve");
    let registries = client(&server.base_url(), 2_000);
    sim.update(|data| data.down.push(Party::Housing));
    let down = registries.homes(&id(WIFES_FATHER)).await.expect_err("down");
    assert_eq!(down.party, Party::Housing);
    assert!(down.why.contains("HTTP 503"), "{}", down.why);
    assert!(down.to_string().starts_with("不动产登记暂不可用"), "{down}");
    assert!(registries.marriage(&id(WIFE)).await.is_ok());
    let health = registries.health().await.expect("health");
    assert!(!health.parties.contains(&"housing".to_string()));
}

#[tokio::test]
async fn nobody_listening_silence_and_garbage_are_all_unknown() {
    // Nobody listening.
    let gone = nobody_listening().await;
    let refused = client(&gone, 2_000)
        .homes(&id(HUSBAND))
        .await
        .expect_err("refused");
    assert!(refused.why.contains("无法连接"), "{}", refused.why);

    // Silence: accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let silent_url = format!("http://{}", silent.local_addr().expect("addr"));
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let timed_out = client(&silent_url, 200)
        .marriage(&id(HUSBAND))
        .await
        .expect_err("timeout");
    assert_eq!(timed_out.party, Party::CivilAffairs);
    assert_eq!(timed_out.why, "查询超时");
    hold.abort();

    // Garbage: a 200 whose body is not the format.
    let garbled_url = answering(r#"{"reference":"R1","grade":"Z"}"#).await;
    let unread = client(&garbled_url, 2_000)
        .grade(&id(HUSBAND))
        .await
        .expect_err("garbled");
    assert!(unread.why.contains("信用等级无法识别"), "{}", unread.why);
    let unparsed = client(&garbled_url, 2_000)
        .homes(&id(HUSBAND))
        .await
        .expect_err("garbled");
    assert!(unparsed.why.contains("答复无法识别"), "{}", unparsed.why);
}

#[tokio::test]
async fn the_simulator_refuses_a_malformed_question() {
    let sim = Arc::new(SimulatedRegistries::new(RegistryData::default()));
    let server = start_simulator(Simulators::new(sim), "127.0.0.1:0")
        .await
        .expect("serve");
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let body = "{\"id_card\":\"320502198506120011\"}";
    let request = format!(
        "POST /v1/housing/homes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    let mut reply = String::new();
    socket.read_to_string(&mut reply).await.expect("read");
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(reply.contains("x-anju-simulator"), "{reply}");
}

#[test]
fn a_bad_entry_in_a_data_file_is_refused_with_its_place() {
    let bad_id = "[[home]]\nowner = \"320502198506120011\"\ncertificate_no = \"c\"\naddress = \"a\"\nregistered_on = \"2020-01-01\"\n";
    let refused = parse_registry_data(bad_id).expect_err("check digit");
    assert!(refused.starts_with("home[0]:"), "{refused}");
    let bad_party = "down = [\"weather\"]\n";
    assert!(
        parse_registry_data(bad_party)
            .expect_err("party")
            .starts_with("down[0]:")
    );
    let stranger = "colour = \"red\"\n";
    assert!(
        parse_registry_data(stranger).is_err(),
        "unknown keys are refused"
    );
    let loan = "[[hpf_loan]]\nid_card = \"32050219850612001X\"\ncentre = \"c\"\nloan_no = \"n\"\nprincipal = \"12.345\"\n";
    assert!(
        parse_registry_data(loan)
            .expect_err("amount")
            .starts_with("hpf_loan[0]:")
    );
}
