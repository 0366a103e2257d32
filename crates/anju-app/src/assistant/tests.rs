//! The assistant's ranking on Chinese questions, its dated policy answers,
//! personal answers and conversations handed to a person.

use super::*;
use crate::test_support::{clerk, contribution, d, person, sqlite_app, yuan};
use anju_domain::Fen;
use anju_domain::access::Role;
use anju_domain::withdrawal::WithdrawalRequest;
use anju_store::MemberRecord;

fn day() -> Date {
    d("2026-12-07")
}

fn built(on: Date) -> KnowledgeIndex {
    let policy = crate::policy::load_policy(None).expect("policy");
    KnowledgeIndex::build(knowledge(&policy, on).expect("knowledge")).expect("index")
}

fn best(index: &KnowledgeIndex, question: &str) -> String {
    let hits = index.search(question, ANSWERS_SHOWN).expect("search");
    hits.first()
        .map(|h| h.article.id.clone())
        .unwrap_or_default()
}

/// Written before the tuning: 96 of 112 top-1 and 108 top-3 then; the
/// synonyms and dictionary words of `index.rs` brought it to 102 and 110.
/// The floors sit a little below, so a change that costs answers fails.
#[test]
fn the_question_set_is_answered_above_its_floors() {
    let score = score_question_set(&built(day())).expect("scored");
    assert!(score.answerable >= 100, "{} questions", score.answerable);
    let top1_percent = score.top1 * 100 / score.answerable;
    let top3_percent = score.top3 * 100 / score.answerable;
    assert!(
        top1_percent >= 88,
        "top-1 {top1_percent}%: {:#?}",
        score.misses
    );
    assert!(top3_percent >= 95, "top-3 {top3_percent}%");
    // Questions about other things get no answer; one of the set that
    // shares a word with an article ("关系", 劳动关系) still does.
    let refused_percent = score.off_topic_refused * 100 / score.off_topic;
    assert!(
        refused_percent >= 80,
        "{refused_percent}% of off-topic refused"
    );
}

#[test]
fn chinese_is_segmented_into_the_funds_words() {
    let said = words("租房提取要什么材料？");
    for word in ["租房", "提取", "租房提取", "材料"] {
        assert!(said.iter().any(|w| w == word), "{word} in {said:?}");
    }
    for stop in ["要", "什么", "？"] {
        assert!(!said.iter().any(|w| w == stop), "{stop} in {said:?}");
    }
    let said = words("住房公积金缴存基数");
    assert!(said.iter().any(|w| w == "住房公积金"), "{said:?}");
    assert!(said.iter().any(|w| w == "缴存基数"), "{said:?}");
}

#[test]
fn questions_in_other_words_find_the_same_article() {
    let index = built(day());
    // Phrased without the article's words: 取 = 提取, 房租 = 租房.
    assert!(["Q16", "P-WD-07", "P-RENT"].contains(&best(&index, "房租能用公积金付吗").as_str()));
    assert_eq!(best(&index, "公积金贷款利率是多少"), "P-LOAN-RATE");
    assert_eq!(best(&index, "怎么验证电子证明的真假"), "Q44");
    // The words in another order find it too (no phrase query).
    assert_eq!(best(&index, "利率 贷款 公积金"), "P-LOAN-RATE");
    assert!(
        index
            .search("今天天气怎么样", 3)
            .expect("search")
            .is_empty()
    );
    // A question about something else that names the fund finds articles
    // by that word alone; they are not an answer.
    let canteen = "公积金中心食堂几点开饭";
    assert!(!index.search(canteen, 3).expect("search").is_empty());
    let answers = index.answers(canteen, 3, MIN_SCORE).expect("answers");
    assert!(answers.is_empty(), "{answers:?}");
    let rate = index
        .answers("公积金贷款利率", 3, MIN_SCORE)
        .expect("answers");
    assert_eq!(
        rate.first().map(|h| h.article.id.as_str()),
        Some("P-LOAN-RATE")
    );
}

#[test]
fn policy_answers_read_the_policy_in_force_on_the_day() {
    let limit = |on: Date| {
        let index = built(on);
        let article = index.articles().iter().find(|a| a.id == "P-LOAN-LIMIT");
        article.expect("the loan limit article").clone()
    };
    let before = limit(d("2026-05-09"));
    let after = limit(d("2026-05-10"));
    assert!(before.body.contains("¥1,200,000.00"), "{}", before.body);
    assert!(after.body.contains("¥1,500,000.00"), "{}", after.body);
    assert!(after.body.contains("上浮 50%"), "{}", after.body);
    assert!(after.source.contains("2026-05-10"), "{}", after.source);
    assert!(
        after.source.contains("苏州房金〔2026〕24号"),
        "{}",
        after.source
    );
}

#[test]
fn numbers_are_masked_before_a_question_is_kept() {
    assert_eq!(
        redacted("我的身份证320502199003071230能提取吗"),
        "我的身份证******************能提取吗"
    );
    assert_eq!(redacted("12329 电话"), "12329 电话", "five digits stay");
    assert_eq!(redacted("卡号6222020100004123"), "卡号****************");
    assert_eq!(
        redacted("电话 138 1234 5678 找我"),
        "电话 ************* 找我"
    );
    assert_eq!(redacted("手机１３８１２３４５６７８"), "手机***********");
    assert_eq!(redacted("32050219900307123X号"), "******************号");
    for written in [
        "138.1234.5678",
        "138/1234/5678",
        "138–1234–5678",
        "138 - 1234 - 5678",
    ] {
        let masked = redacted(&format!("打{written}"));
        assert!(
            !masked.chars().any(|c| c.is_numeric()),
            "{written} → {masked}"
        );
    }
    assert_eq!(redacted("第 12329 号 3 次"), "第 12329 号 3 次");
}

fn member() -> Actor {
    person(Role::Member, "320502199003071230", Some(1))
}

/// A centre with member 1 (born 1990, single) holding ¥50,000.00.
async fn centre(dir: &tempfile::TempDir) -> crate::App {
    let app = sqlite_app(dir, "a.db").await;
    let wage = yuan("10000.00");
    let record = MemberRecord::active(1, "320502199003071230", "王芳", 9, wage, 1);
    app.collection_port()
        .enrol_members(&[record], d("2024-07-01"))
        .await
        .expect("enrol");
    let entry = contribution(1, d("2026-10-10"), "seed-1", Fen::new(50_000_00));
    app.ledger().post_entry(entry).await.expect("post");
    app
}

#[tokio::test]
async fn a_member_is_answered_from_their_own_records() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let a = app.assistant();
    let balance = a
        .answer(&member(), "我的公积金余额是多少", day())
        .await
        .expect("balance");
    let personal = balance.personal.expect("a personal answer");
    assert_eq!(personal.intent, PersonalIntent::Balance);
    assert!(personal.text.contains("¥50,000.00"), "{}", personal.text);

    let withdrawal = a
        .answer(&member(), "我能提取多少", day())
        .await
        .expect("withdrawal");
    let personal = withdrawal.personal.expect("a personal answer");
    let engine = app
        .withdrawals()
        .withdrawal_eligibility(
            1,
            &WithdrawalRequest {
                reason: "07".into(),
                amount: Fen::new(1),
                months: 12,
                ..WithdrawalRequest::default()
            },
            day(),
        )
        .await
        .expect("engine");
    assert!(engine.allowed, "{engine:?}");
    // Rent: ¥1,500.00 a month for a single member, 12 months.
    assert_eq!(engine.max_amount, yuan("18000.00"));
    assert!(personal.text.contains("¥18,000.00"), "{}", personal.text);

    let loans = a
        .answer(&member(), "我下期还款多少", day())
        .await
        .expect("installment");
    let personal = loans.personal.expect("a personal answer");
    assert!(personal.text.contains("没有还款中"), "{}", personal.text);

    // A visitor asking the same gets only the general answer.
    let visitor = Actor::anonymous(anju_domain::access::Channel::Online, "t", "127.0.0.1");
    let general = a
        .answer(&visitor, "我的公积金余额是多少", day())
        .await
        .expect("visitor");
    assert!(general.personal.is_none());
    assert_eq!(
        general.hits.first().map(|h| h.article.id.as_str()),
        Some("Q03")
    );
}

#[tokio::test]
async fn a_conversation_is_handed_to_a_person_answered_and_ended() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let a = app.assistant();
    assert_eq!(
        a.hand_over(&member(), d("2026-12-01"))
            .await
            .expect_err("nothing asked")
            .code(),
        Some("CONVERSATION_STATE")
    );
    let asked = a
        .ask(&member(), "租房提取要什么材料", day())
        .await
        .expect("ask");
    assert!(!asked.to_person);
    let started = asked.conversation.expect("a conversation");
    assert_eq!(started.status, ConversationStatus::Assistant);
    let waiting = a
        .hand_over(&member(), d("2026-12-01"))
        .await
        .expect("hand over");
    assert_eq!(waiting.status, ConversationStatus::Waiting);
    let queue = a.agent_queue(&clerk()).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(
        a.agent_queue(&member()).await.expect_err("members").code(),
        Some("ROLE_FORBIDDEN")
    );

    // While a person has it, a question goes to them, not the assistant.
    let follow = a
        .ask(&member(), "我已经有房了还能租房提取吗", day())
        .await
        .expect("follow up");
    assert!(follow.to_person);
    let seen = a
        .agent_conversation(&clerk(), started.conversation_id)
        .await
        .expect("read");
    let authors: Vec<MessageAuthor> = seen.messages.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [
            MessageAuthor::Member,
            MessageAuthor::Assistant,
            MessageAuthor::Assistant,
            MessageAuthor::Member
        ]
    );
    assert!(
        seen.messages[1].sources.contains("常见问题") || seen.messages[1].sources.contains("政策")
    );

    let answered = a
        .agent_reply(
            &clerk(),
            started.conversation_id,
            "有自有住房的不能租房提取。",
            false,
            d("2026-12-01"),
        )
        .await
        .expect("reply");
    assert_eq!(
        (answered.status, answered.agent_login.as_deref()),
        (ConversationStatus::Answered, Some("clerk-1"))
    );
    assert_eq!(
        a.agent_reply(
            &clerk(),
            started.conversation_id,
            " ",
            false,
            d("2026-12-01")
        )
        .await
        .expect_err("empty")
        .code(),
        Some("REPLY_REQUIRED")
    );
    let mine = a
        .my_conversation(&member())
        .await
        .expect("mine")
        .expect("open");
    let last = mine.messages.last().expect("messages");
    assert_eq!(
        (last.author, last.text.as_str()),
        (MessageAuthor::Agent, "有自有住房的不能租房提取。")
    );
    // A follow-up waits for the person again (and, said to a person, is
    // not counted as a question the assistant missed); a closing reply
    // ends it.
    a.ask(&member(), "好的，谢谢", day()).await.expect("thanks");
    let missed = a.unanswered_questions(&clerk(), 10).await.expect("missed");
    assert!(missed.is_empty(), "{missed:?}");
    let again = a.agent_queue(&clerk()).await.expect("queue");
    assert_eq!(again[0].status, ConversationStatus::Waiting);
    let closed = a
        .agent_reply(
            &clerk(),
            started.conversation_id,
            "不客气。",
            true,
            d("2026-12-01"),
        )
        .await
        .expect("close");
    assert_eq!(closed.status, ConversationStatus::Closed);
    assert_eq!(
        a.agent_reply(
            &clerk(),
            started.conversation_id,
            "再见",
            false,
            d("2026-12-01")
        )
        .await
        .expect_err("closed")
        .code(),
        Some("CONVERSATION_STATE")
    );
    // The member still reads the closing reply; the next question starts
    // a new conversation.
    let ended = a
        .my_conversation(&member())
        .await
        .expect("mine")
        .expect("kept");
    assert_eq!(ended.record.status, ConversationStatus::Closed);
    assert_eq!(
        ended.messages.last().map(|m| m.text.as_str()),
        Some("不客气。")
    );
    assert!(a.agent_queue(&clerk()).await.expect("queue").is_empty());
    let next = a.ask(&member(), "租房提取", day()).await.expect("again");
    let next = next.conversation.expect("a conversation");
    assert_ne!(next.conversation_id, started.conversation_id);
    assert_eq!(next.status, ConversationStatus::Assistant);
    // Agents read only conversations handed to a person.
    let unseen = a.agent_conversation(&clerk(), next.conversation_id).await;
    assert_eq!(
        unseen.expect_err("not handed over").code(),
        Some("CONVERSATION_NOT_FOUND")
    );
}

#[tokio::test]
async fn questions_with_no_answer_are_counted_for_the_catalogue() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let a = app.assistant();
    let visitor = Actor::anonymous(anju_domain::access::Channel::Online, "t", "127.0.0.1");
    for who in [&visitor, &member()] {
        let asked = a.ask(who, "明天股市会涨吗", day()).await.expect("ask");
        assert!(!asked.answer.answered());
    }
    a.ask(&visitor, "股市行情320502199003071230", day())
        .await
        .expect("ask");
    a.ask(&visitor, "租房提取", day()).await.expect("answered");
    let kept = a.unanswered_questions(&clerk(), 10).await.expect("list");
    let kept: Vec<(&str, i64)> = kept
        .iter()
        .map(|u| (u.question.as_str(), u.asked))
        .collect();
    assert_eq!(
        kept,
        [("明天股市会涨吗", 2), ("股市行情******************", 1)]
    );
    assert_eq!(
        a.ask(&visitor, "   ", day())
            .await
            .expect_err("empty")
            .code(),
        Some("QUESTION_REQUIRED")
    );
}
