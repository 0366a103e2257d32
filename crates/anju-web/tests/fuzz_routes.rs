//! Every route of the table, called by someone it admits with input nobody
//! would send: odd path parameters, stray query fields, wild form and JSON
//! bodies. Nothing may answer 5xx; an API refusal is a problem body with a
//! stable code (never axum's plain text). The inputs come from a seeded
//! generator, so a failure names its request and repeats; `ANJU_FUZZ_ROUNDS`
//! raises the rounds per route (4 by default, for CI).

mod common;

use anju_app::access::NewAccount;
use anju_domain::Coded as _;
use anju_domain::access::Role;
use anju_web::auth::Access;
use anju_web::routes::table;
use axum::http::Method;
use common::{Client, Web, enc};
use std::collections::HashMap;

/// A small, seeded xorshift generator: the same requests every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        let n = from.len() as u64;
        from[usize::try_from(self.next() % n).unwrap_or(0)]
    }
}

const VALUES: &[&str] = &[
    "",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999",
    "1e308",
    "NaN",
    "12.345",
    "-0.01",
    "202613",
    "2026-02-30",
    "2026-11-29",
    "320502199003071230",
    "32050219900307123X",
    "6222020100009874",
    "abc",
    "😀",
    "%00",
    "'; DROP TABLE app_user; --",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "true",
    "xlsx",
    "csv",
    "yjs",
    "annuity",
    "07",
];

const FIELDS: &[&str] = &[
    "period",
    "from",
    "to",
    "year",
    "format",
    "amount",
    "months",
    "price",
    "reason",
    "limit",
    "offset",
    "take_valid",
    "kind",
    "id_card",
    "name",
    "wage",
    "channel",
    "card",
    "member_id",
    "stars",
    "service",
    "service_ref",
    "category",
    "subject",
    "detail",
    "grantee",
    "scope",
    "purpose",
    "days",
    "partner",
    "expires_on",
    "grace_days",
    "approve",
    "entry_id",
    "index",
    "size",
    "q",
    "serial",
    "employer_id",
    "pay_day",
    "employer_rate",
    "member_rate",
    "consent",
];

/// The path with each `{param}` replaced by something odd.
fn path_with(path: &str, dice: &mut Dice) -> String {
    path.split('/')
        .map(|part| {
            if part.starts_with('{') {
                enc(dice.pick(&["1", "0", "-7", "abc", "99999999999999999999", "😀", "JC-1"]))
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn pairs(dice: &mut Dice) -> Vec<(String, String)> {
    let n = dice.next() % 6;
    (0..n)
        .map(|_| (dice.pick(FIELDS).to_string(), dice.pick(VALUES).to_string()))
        .collect()
}

fn form_of(pairs: &[(String, String)]) -> String {
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    joined.join("&")
}

/// A JSON body: an object of the pairs (numbers where they parse), or junk.
fn json_of(pairs: &[(String, String)], dice: &mut Dice) -> String {
    match dice.next() % 4 {
        0 => dice
            .pick(&["", "{", "[]", "null", "\"x\"", "{\"a\":"])
            .to_string(),
        _ => {
            let map: serde_json::Map<String, serde_json::Value> = pairs
                .iter()
                .map(|(k, v)| {
                    let value = v
                        .parse::<i64>()
                        .map(serde_json::Value::from)
                        .unwrap_or_else(|_| serde_json::Value::from(v.clone()));
                    (k.clone(), value)
                })
                .collect();
            serde_json::Value::Object(map).to_string()
        }
    }
}

/// A signed-in client per role (a partner by its token), on the demo centre.
async fn clients(h: &Web) -> HashMap<Role, Client> {
    let mut clients = HashMap::new();
    for &role in Role::ALL {
        let login = format!("fuzz-{}", role.code());
        let login = if role == Role::Member {
            anju_app::demo::demo_member_id_card(1)
                .expect("id")
                .as_str()
                .to_string()
        } else {
            login
        };
        let token = h
            .create_account(NewAccount {
                member_id: (role == Role::Member).then_some(1),
                employer_id: (role == Role::EmployerAgent).then_some(1),
                ..common::account(&login, role)
            })
            .await;
        let client = match token {
            Some(token) => Client::bearer(&format!("{login}.{token}")),
            None => h.sign_in(&login, role).await,
        };
        clients.insert(role, client);
    }
    clients
}

/// Someone the route admits: its first role, a member where anyone may come.
fn admitted(access: Access) -> Role {
    match access {
        Access::Roles(roles) => roles.first().copied().unwrap_or(Role::Member),
        Access::Public | Access::SignedIn => Role::Member,
    }
}

#[tokio::test]
async fn no_route_answers_5xx_to_odd_input() {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app(&dir, common::today()).await;
    anju_app::demo::seed(&app, common::today())
        .await
        .expect("demo");
    let h = Web::new(app, dir);
    let clients = clients(&h).await;
    let rounds: u64 = std::env::var("ANJU_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4);
    let mut dice = Dice(0x5eed_a11c_e5a5_0001);
    let mut sent = 0;
    let mut by_class: HashMap<u16, usize> = HashMap::new();
    for (spec, _) in table() {
        // Signing out ends the session the other calls use.
        if spec.path == "/signout" || spec.path.ends_with(".pdf") {
            continue;
        }
        let client = &clients[&admitted(spec.access)];
        for _ in 0..rounds {
            let path = path_with(spec.path, &mut dice);
            let fields = pairs(&mut dice);
            let query = form_of(&pairs(&mut dice));
            let target = if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{query}")
            };
            let api = spec.path.starts_with("/api/");
            let body = match (spec.method.clone(), api) {
                (Method::GET, _) => String::new(),
                (_, true) => json_of(&fields, &mut dice),
                (_, false) => format!("_csrf={}&{}", client.csrf, form_of(&fields)),
            };
            let key = format!("fuzz-{sent}");
            let mut extra = vec![("idempotency-key", key.as_str())];
            if client.cookie.is_some() {
                extra.push(("x-csrf-token", client.csrf.as_str()));
            }
            let reply = h
                .send(spec.method.clone(), &target, client, &body, &extra)
                .await;
            sent += 1;
            *by_class.entry(reply.status.as_u16() / 100).or_default() += 1;
            let what = format!("{} {target} {body:?}", spec.method);
            assert!(
                !reply.status.is_server_error(),
                "{what}: {} {}",
                reply.status,
                reply.body
            );
            if api && reply.status.is_client_error() {
                let problem = reply.content_type().contains("json");
                assert!(
                    problem && !reply.code().is_empty(),
                    "{what}: {}",
                    reply.body
                );
            }
        }
    }
    eprintln!("fuzzed {sent} requests, none answered 5xx; by class: {by_class:?}");
    assert!(sent >= 4 * 150, "{sent}");
}
