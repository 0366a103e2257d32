//! `anju bench http` (P4): online reads over real HTTP. A fresh database
//! with `members` funded accounts, the web server on a loopback port in this
//! process, one signed-in member per connection (members spread over the
//! table), and for a fixed time each connection asks again as soon as it is
//! answered: first the balance API, then the member home page. One JSON
//! line: per target the requests, requests/s, p50/p99 and the answers that
//! were not 200.
//!
//! Client and server share the process (and its two cores), so the figures
//! are what one machine serves while also generating the load; the peak RSS
//! is the two together.

use crate::bench::{cleanup, fresh_store, peak_rss_mib, round3};
use crate::config::Config;
use anju_app::App;
use anju_app::access::{Actor, NewAccount};
use anju_domain::Date;
use anju_domain::access::Role;
use anju_domain::policy::PolicySet;
use anju_store::Store;
use anyhow::{Context as _, Result, anyhow, bail};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-http-2026";

/// What P4 asks (docs/performance.md).
const TARGETS: [(&str, &str, f64); 2] = [
    ("balance_api", "/api/v1/member/balance", 5.0),
    ("home_page", "/member", 20.0),
];

#[derive(serde::Serialize)]
struct TargetReport {
    target: &'static str,
    path: &'static str,
    requests: u64,
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    p99_target_ms: f64,
    not_ok: u64,
    /// The first answer that was not 200 (a status, or the error).
    first_not_ok: Option<String>,
}

#[derive(serde::Serialize)]
struct HttpReport {
    scenario: &'static str,
    backend: &'static str,
    members: u64,
    connections: u64,
    seconds_each: u64,
    targets: Vec<TargetReport>,
    peak_rss_mib: u64,
}

pub async fn http(
    config: &Config,
    policy: &PolicySet,
    members: u64,
    connections: u64,
    seconds: u64,
) -> Result<()> {
    if connections == 0 || members < connections || seconds == 0 {
        bail!("need connections ≥ 1, members ≥ connections and seconds ≥ 1");
    }
    let fresh = fresh_store(config, &policy.centre_code, "http").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let today = anju_app::clock::today_in_china();
    // The synthetic centre (employers, members) with a month's remittance
    // paid, so the pages have bills, balances and lines to show.
    let spec = crate::seed::spec(
        members,
        anju_app::collection::batch::DEFAULT_SEED,
        "2026-07-01",
    )?;
    crate::seed::seed_with_progress(&app, spec).await?;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "bench", "local");
    let period = anju_domain::Period::new(2026, 7).map_err(|e| anyhow!("{e}"))?;
    app.collection()
        .run_remittances(&batch, period, "bank", &|_| {})
        .await?;
    let people = sign_up(&app, fresh.store.as_ref(), connections, today).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let options = anju_web::WebOptions {
        secure_cookies: false,
        signin_per_minute: u32::MAX,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(anju_web::serve(app.clone(), options, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::try_from(connections)?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut cookies = Vec::new();
    for login in &people {
        cookies.push(sign_in(&client, &base, login).await?);
    }
    eprintln!("{members} members, {connections} signed in; {seconds} s per target");
    let mut targets = Vec::new();
    for (target, path, p99_target_ms) in TARGETS {
        let url = format!("{base}{path}");
        let run = load(&client, &url, &cookies, Duration::from_secs(seconds)).await?;
        targets.push(run.report(target, path, p99_target_ms));
    }
    let _ = stop.send(());
    server.await??;
    let report = HttpReport {
        scenario: "http",
        backend: fresh.backend,
        members,
        connections,
        seconds_each: seconds,
        targets,
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if report.targets.iter().any(|t| t.not_ok > 0) {
        bail!("some answers were not 200");
    }
    Ok(())
}

/// Member accounts for `connections` members spread over the table; their
/// logins (身份证号).
async fn sign_up(
    app: &App,
    store: &dyn Store,
    connections: u64,
    today: Date,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut after = 0;
    loop {
        let page = store.member_states_after(after, 10_000).await?;
        let Some((last, _)) = page.last() else { break };
        after = last.0;
        ids.extend(page.iter().map(|(m, _)| m.0));
    }
    let step = ids.len() / usize::try_from(connections)?;
    let mut logins = Vec::new();
    for member_id in ids
        .iter()
        .step_by(step.max(1))
        .take(usize::try_from(connections)?)
    {
        let member = store.member(*member_id).await?.context("a seeded member")?;
        let account = NewAccount {
            login: member.id_card.clone(),
            display_name: member.name.clone(),
            role: Role::Member,
            password: PASSWORD.to_string(),
            member_id: Some(*member_id),
            employer_id: None,
            mobile: None,
            email: None,
            totp_secret: None,
        };
        app.access().create_account(account, today).await?;
        logins.push(member.id_card);
    }
    Ok(logins)
}

/// Signs a member in through the sign-in form; the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str, login: &str) -> Result<String> {
    // The login (digits and X) and the password need no escaping.
    let form = format!("door=member&login={login}&password={PASSWORD}&totp=&next=");
    let reply = client
        .post(format!("{base}/signin"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form)
        .send()
        .await?;
    reply
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("anju_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .with_context(|| format!("signing {login} in: {}", reply.status()))
}

/// Latencies (ms) of the answers and the count of those not 200.
struct Run {
    latencies_ms: Vec<f64>,
    not_ok: u64,
    first_not_ok: Option<String>,
    seconds: f64,
}

impl Run {
    fn report(
        mut self,
        target: &'static str,
        path: &'static str,
        p99_target_ms: f64,
    ) -> TargetReport {
        self.latencies_ms.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| {
            let i = ((self.latencies_ms.len() as f64) * q) as usize;
            self.latencies_ms
                .get(i.min(self.latencies_ms.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        let requests = self.latencies_ms.len() as u64;
        TargetReport {
            target,
            path,
            requests,
            requests_per_s: (requests as f64 / self.seconds).round(),
            p50_ms: round3(at(0.50)),
            p99_ms: round3(at(0.99)),
            p99_target_ms,
            not_ok: self.not_ok,
            first_not_ok: self.first_not_ok,
        }
    }
}

/// One task per cookie, each asking `url` again as soon as it is answered,
/// until `span` has passed.
async fn load(
    client: &reqwest::Client,
    url: &str,
    cookies: &[String],
    span: Duration,
) -> Result<Run> {
    let started = Instant::now();
    let deadline = started + span;
    let mut tasks = tokio::task::JoinSet::new();
    for cookie in cookies {
        let (client, url, cookie) = (client.clone(), url.to_string(), cookie.clone());
        tasks.spawn(async move {
            let (mut latencies, mut not_ok, mut first) = (Vec::new(), 0u64, None);
            while Instant::now() < deadline {
                let t = Instant::now();
                let reply = client
                    .get(&url)
                    .header(reqwest::header::COOKIE, &cookie)
                    .send()
                    .await;
                let failure = match reply {
                    Ok(r) if r.status() == reqwest::StatusCode::OK => {
                        r.bytes().await.err().map(|e| e.to_string())
                    }
                    Ok(r) => Some(r.status().to_string()),
                    Err(e) => Some(e.to_string()),
                };
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                not_ok += u64::from(failure.is_some());
                first = first.or(failure);
            }
            (latencies, not_ok, first)
        });
    }
    let mut run = Run {
        latencies_ms: Vec::new(),
        not_ok: 0,
        first_not_ok: None,
        seconds: 0.0,
    };
    while let Some(done) = tasks.join_next().await {
        let (latencies, not_ok, first) = done?;
        run.latencies_ms.extend(latencies);
        run.not_ok += not_ok;
        run.first_not_ok = run.first_not_ok.or(first);
    }
    run.seconds = started.elapsed().as_secs_f64();
    Ok(run)
}
