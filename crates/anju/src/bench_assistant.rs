//! `anju bench assistant`: the assistant (智能客服) over its question set
//! (`services/assistant-questions.toml`), printing one JSON line — the hit
//! rates (top-1, top-3, off-topic refused), the time to build the index
//! (the first build loads jieba's dictionary), and the latency of an
//! answer: the index's search alone, and the whole `ask` use case for a
//! visitor on a fresh database (an unanswered question is written).

use crate::bench::{cleanup, fresh_store, peak_rss_mib, round3};
use crate::config::Config;
use anju_app::App;
use anju_app::access::Actor;
use anju_app::assistant::{ANSWERS_SHOWN, KnowledgeIndex, MIN_SCORE, knowledge};
use anju_domain::access::Channel;
use anju_domain::assistant::parse_question_set;
use anju_domain::policy::PolicySet;
use anyhow::Result;
use std::time::Instant;

#[derive(serde::Serialize)]
struct Latency {
    answers: u64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(serde::Serialize)]
struct AssistantReport {
    scenario: &'static str,
    backend: &'static str,
    articles: usize,
    questions: usize,
    top1: usize,
    top3: usize,
    answerable: usize,
    top1_percent: f64,
    top3_percent: f64,
    off_topic_refused: usize,
    off_topic: usize,
    first_build_ms: f64,
    rebuild_ms: f64,
    search: Latency,
    ask: Latency,
    peak_rss_mib: u64,
}

fn latency(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((ms.len() as f64 - 1.0) * q).round() as usize;
        ms.get(i).copied().unwrap_or(0.0)
    };
    Latency {
        answers: ms.len() as u64,
        p50_ms: round3(at(0.50)),
        p99_ms: round3(at(0.99)),
        max_ms: round3(ms.last().copied().unwrap_or(0.0)),
    }
}

pub async fn assistant(config: &Config, policy: &PolicySet, rounds: u32) -> Result<()> {
    let fresh = fresh_store(config, &policy.centre_code, "assistant").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let today = anju_app::clock::today_in_china();
    let started = Instant::now();
    let index = KnowledgeIndex::build(knowledge(policy, today)?)?;
    let first_build_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let index_again = KnowledgeIndex::build(knowledge(policy, today)?)?;
    let rebuild_ms = started.elapsed().as_secs_f64() * 1e3;
    drop(index_again);
    let score = anju_app::assistant::score_question_set(&index)?;
    let set = parse_question_set(
        anju_app::assistant::QUESTION_SET_NAME,
        anju_app::assistant::QUESTION_SET,
    )?;

    let mut search_ms = Vec::new();
    for _ in 0..rounds {
        for q in &set {
            let started = Instant::now();
            index.answers(&q.text, ANSWERS_SHOWN, MIN_SCORE)?;
            search_ms.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    let visitor = Actor::anonymous(Channel::Online, "bench-assistant", "bench");
    let mut ask_ms = Vec::new();
    for _ in 0..rounds {
        for q in &set {
            let started = Instant::now();
            app.assistant().ask(&visitor, &q.text, today).await?;
            ask_ms.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    let percent = |n: usize, of: usize| round3(n as f64 * 100.0 / of.max(1) as f64);
    let report = AssistantReport {
        scenario: "assistant",
        backend: fresh.backend,
        articles: index.articles().len(),
        questions: set.len(),
        top1: score.top1,
        top3: score.top3,
        answerable: score.answerable,
        top1_percent: percent(score.top1, score.answerable),
        top3_percent: percent(score.top3, score.answerable),
        off_topic_refused: score.off_topic_refused,
        off_topic: score.off_topic,
        first_build_ms: round3(first_build_ms),
        rebuild_ms: round3(rebuild_ms),
        search: latency(search_ms),
        ask: latency(ask_ms),
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
