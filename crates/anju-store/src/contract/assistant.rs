//! Contract cases for the assistant: a conversation's messages come back
//! in order and opened (sealed at rest), it moves once from each state
//! even when two agents answer at once, and unanswered questions are
//! counted one row a question.

use super::BoxFuture;
use super::cases::d;
use crate::{ConversationMove, ConversationRecord, MessageRecord, Store};
use anju_domain::assistant::{ConversationStatus, MessageAuthor};
use std::sync::Arc;

fn message(id: i64, author: MessageAuthor, text: &str) -> MessageRecord {
    MessageRecord {
        message_id: id,
        conversation_id: 10,
        author,
        agent_login: (author == MessageAuthor::Agent).then(|| "clerk01".to_string()),
        text: text.to_string(),
        sources: String::new(),
        at_us: id,
    }
}

fn hand_over(from: ConversationStatus, agent: Option<&str>, at_us: i64) -> ConversationMove {
    ConversationMove {
        conversation_id: 10,
        from,
        to: if agent.is_some() {
            ConversationStatus::Answered
        } else {
            ConversationStatus::Waiting
        },
        agent_login: agent.map(str::to_string),
        handed_over_at_us: agent.is_none().then_some(at_us),
        at_us,
    }
}

pub fn conversations_move_once_and_keep_their_messages(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let started = ConversationRecord {
            conversation_id: 10,
            member_id: 7,
            status: ConversationStatus::Assistant,
            started_at_us: 1,
            handed_over_at_us: None,
            agent_login: None,
            updated_at_us: 1,
        };
        let first = [
            message(11, MessageAuthor::Member, "租房提取要什么材料"),
            message(12, MessageAuthor::Assistant, "无需材料"),
        ];
        store
            .insert_conversation(&started, &first)
            .await
            .expect("start");
        assert_eq!(
            store.open_conversation(7).await.expect("open"),
            Some(started.clone())
        );
        assert_eq!(store.open_conversation(8).await.expect("other"), None);

        let over = hand_over(ConversationStatus::Assistant, None, 5);
        let note = [message(13, MessageAuthor::Assistant, "已转人工")];
        assert!(
            store
                .append_messages(10, &note, Some(&over))
                .await
                .expect("over")
        );
        // The same move again finds the conversation moved and writes nothing.
        let again = [message(14, MessageAuthor::Assistant, "又转人工")];
        assert!(
            !store
                .append_messages(10, &again, Some(&over))
                .await
                .expect("again")
        );
        let waiting = store
            .conversations_in(ConversationStatus::Waiting, 10)
            .await
            .expect("queue");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].handed_over_at_us, Some(5));

        // Two agents answer at once: one reply lands.
        let replies = [("clerk01", 21), ("clerk02", 22)].map(|(agent, id)| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut reply = message(id, MessageAuthor::Agent, agent);
                reply.agent_login = Some(agent.to_string());
                let answer = hand_over(ConversationStatus::Waiting, Some(agent), id);
                store.append_messages(10, &[reply], Some(&answer)).await
            })
        });
        let mut landed = 0;
        for reply in replies {
            landed += usize::from(reply.await.expect("join").expect("reply"));
        }
        assert_eq!(landed, 1, "one agent's reply lands");
        let messages = store.messages(10).await.expect("messages");
        let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert_eq!(&texts[..3], ["租房提取要什么材料", "无需材料", "已转人工"]);
        let answered = store.conversation(10).await.expect("read").expect("kept");
        assert_eq!(answered.status, ConversationStatus::Answered);
        assert_eq!(answered.agent_login.as_deref(), Some(texts[3]));
        assert_eq!(
            answered.handed_over_at_us,
            Some(5),
            "kept from the hand-over"
        );

        let closing = ConversationMove {
            conversation_id: 10,
            from: ConversationStatus::Answered,
            to: ConversationStatus::Closed,
            agent_login: None,
            handed_over_at_us: None,
            at_us: 30,
        };
        let closed = store.append_messages(10, &[], Some(&closing)).await;
        assert!(closed.expect("close"));
        assert_eq!(store.open_conversation(7).await.expect("open"), None);
        let ended = store.latest_conversation(7).await.expect("latest");
        let ended = ended.expect("kept");
        assert_eq!(ended.status, ConversationStatus::Closed);
        assert_eq!(
            ended.handed_over_at_us,
            Some(5),
            "the hand-over stays recorded"
        );

        // One conversation open per member: a second start is refused.
        let second = ConversationRecord {
            conversation_id: 40,
            ..started.clone()
        };
        store
            .insert_conversation(&second, &[])
            .await
            .expect("a new one");
        let third = ConversationRecord {
            conversation_id: 41,
            ..started
        };
        let refused = store.insert_conversation(&third, &[]).await;
        assert_eq!(
            refused.err().and_then(|e| e.code()),
            Some("CONVERSATION_STATE")
        );
    })
}

pub fn unanswered_questions_are_counted_once_each(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        for (question, day) in [
            ("股市会涨吗", "2026-12-01"),
            ("怎么办护照", "2026-12-02"),
            ("股市会涨吗", "2026-12-05"),
        ] {
            let kept = store.record_unanswered(question, d(day), 1).await;
            assert!(kept.expect("count"), "{question}");
        }
        // One new question a day: a second new one on 2 December is left
        // out, while one already kept is still counted (5 December).
        let left_out = store.record_unanswered("彩票", d("2026-12-02"), 1).await;
        assert!(!left_out.expect("count"));
        let first_that_day = store.record_unanswered("天气", d("2026-12-06"), 1).await;
        assert!(first_that_day.expect("count"));
        let kept = store.unanswered(10).await.expect("list");
        let kept: Vec<(&str, i64, String, String)> = kept
            .iter()
            .map(|u| {
                let (first, last) = (u.first_on.to_string(), u.last_on.to_string());
                (u.question.as_str(), u.asked, first, last)
            })
            .collect();
        assert_eq!(
            kept,
            [
                ("股市会涨吗", 2, "2026-12-01".into(), "2026-12-05".into()),
                ("天气", 1, "2026-12-06".into(), "2026-12-06".into()),
                ("怎么办护照", 1, "2026-12-02".into(), "2026-12-02".into()),
            ]
        );
    })
}
