//! 智能客服 use cases. Anyone may ask; the answer is the best articles of
//! what the assistant knows (the service catalogue, the policy in force on
//! the day, the FAQ), each with its source. A signed-in member asking about
//! their own account ("我的余额", "我能提取多少", "我下期还多少") is answered
//! from their records through the use cases, never by reading the store.
//! A member's questions and answers are kept as a conversation; "转人工"
//! hands it, with its history, to the quality desk's queue, where an agent
//! answers (the member is told in the inbox). Questions with no answer are
//! counted for the catalogue's owner.

mod index;
#[cfg(test)]
mod tests;

pub use index::{Hit, KnowledgeIndex, words};

use crate::access::{Actor, Principal};
use crate::{AppResult, Assistant};
use anju_domain::access::duties;
use anju_domain::assistant::{
    Article, ConversationStatus, MessageAuthor, PersonalIntent, SourceKind, catalogue_articles,
    parse_faq, personal_intent, policy_articles,
};
use anju_domain::ledger::MemberId;
use anju_domain::loan::LoanStatus;
use anju_domain::policy::PolicySet;
use anju_domain::service_times::WorkKind;
use anju_domain::{Date, DomainError};
pub use anju_store::{ConversationMove, ConversationRecord, MessageRecord, UnansweredRecord};
use std::sync::{Arc, Mutex};

pub const FAQ_NAME: &str = "services/faq.toml (built in)";
pub const FAQ: &str = include_str!("../../../../services/faq.toml");

pub const QUESTION_SET_NAME: &str = "services/assistant-questions.toml (built in)";
pub const QUESTION_SET: &str = include_str!("../../../../services/assistant-questions.toml");

/// How the assistant did on the question set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetScore {
    /// Questions with an answer expected.
    pub answerable: usize,
    /// Of those, the best answer was right / a right one was among three.
    pub top1: usize,
    pub top3: usize,
    /// Questions about something else, and how many got no answer.
    pub off_topic: usize,
    pub off_topic_refused: usize,
    /// Each question whose best answer was wrong, with what was given.
    pub misses: Vec<(String, Option<String>)>,
}

/// Runs the question set against `index` (no personal answers: it
/// measures what the index finds).
pub fn score_question_set(index: &KnowledgeIndex) -> AppResult<SetScore> {
    let set = anju_domain::assistant::parse_question_set(QUESTION_SET_NAME, QUESTION_SET)?;
    let mut score = SetScore::default();
    for q in &set {
        let hits = index.answers(&q.text, ANSWERS_SHOWN, MIN_SCORE)?;
        if q.none {
            score.off_topic += 1;
            score.off_topic_refused += usize::from(hits.is_empty());
            continue;
        }
        score.answerable += 1;
        let right = |h: &Hit| q.expect.contains(&h.article.id);
        if hits.first().is_some_and(right) {
            score.top1 += 1;
        } else {
            let given = hits
                .first()
                .map(|h| format!("{} {}", h.article.id, h.score));
            score.misses.push((q.text.clone(), given));
        }
        score.top3 += usize::from(hits.iter().any(right));
    }
    Ok(score)
}

/// Articles an answer shows: the best, and two related.
pub const ANSWERS_SHOWN: usize = 3;
/// Below this relevance the best article is not an answer (calibrated on
/// the question set: the weakest right answer scores well above it, and
/// questions about other things score below it).
pub const MIN_SCORE: f32 = 4.0;
/// New unanswered questions kept a day at most (visitors cannot fill the
/// table; those already kept are still counted).
pub const NEW_UNANSWERED_PER_DAY: i64 = 500;
/// Conversations the staff queue lists at most.
const QUEUE_LIMIT: u32 = 200;

/// The index of what the assistant knows on a day, built on first use and
/// again when the day changes (the policy in force may have).
#[derive(Default)]
pub struct IndexCache {
    built: Mutex<Option<(Date, Arc<KnowledgeIndex>)>>,
}

/// Everything the assistant knows on `day`: the catalogue, the policy in
/// force and the FAQ, as articles.
pub fn knowledge(policy: &PolicySet, day: Date) -> AppResult<Vec<Article>> {
    let entries: Vec<_> = crate::catalogue::built_in()?
        .on(day)
        .into_iter()
        .cloned()
        .collect();
    let mut articles = catalogue_articles(&entries);
    articles.extend(policy_articles(&policy.at(day)?));
    articles.extend(parse_faq(FAQ_NAME, FAQ)?);
    Ok(articles)
}

/// An answer from the member's own records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalAnswer {
    pub intent: PersonalIntent,
    pub text: String,
    pub link: String,
}

/// What the assistant says to a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: String,
    pub personal: Option<PersonalAnswer>,
    /// The articles found, best first (empty when none is relevant enough).
    pub hits: Vec<Hit>,
}

impl Answer {
    pub fn answered(&self) -> bool {
        self.personal.is_some() || !self.hits.is_empty()
    }

    /// The reply as a conversation keeps it: the answer's text and its
    /// sources, one a line.
    fn as_message(&self) -> (String, String) {
        let mut text = Vec::new();
        let mut sources = Vec::new();
        if let Some(p) = &self.personal {
            text.push(p.text.clone());
            sources.push(SourceKind::Account.name_zh().to_string());
        }
        if let Some(best) = self.hits.first() {
            text.push(format!("{}：{}", best.article.title, best.article.body));
            sources.push(format!(
                "{}：{}",
                best.article.kind.name_zh(),
                best.article.source
            ));
        }
        if text.is_empty() {
            text.push(NO_ANSWER.to_string());
        }
        (text.join("\n"), sources.join("\n"))
    }
}

/// What the assistant says when it knows nothing of the question.
pub const NO_ANSWER: &str = "抱歉，暂时没有找到这个问题的答案。您可以换个说法再问，点击“转人工”由工作人员回复，或拨打 12329 热线。";

/// A question asked, as the member's conversation continues.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub answer: Answer,
    /// The member's conversation (none for a visitor not signed in).
    pub conversation: Option<ConversationRecord>,
    /// The question went to the agent, not the assistant (the conversation
    /// is with a person).
    pub to_person: bool,
}

/// A conversation with its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub record: ConversationRecord,
    pub messages: Vec<MessageRecord>,
}

fn member_of(actor: &Actor) -> Option<i64> {
    actor.acting_member()
}

fn signed_in_member(actor: &Actor) -> AppResult<i64> {
    member_of(actor).ok_or_else(|| {
        DomainError::new("SIGNIN_REQUIRED", "请先以缴存职工身份登录，再转人工").into()
    })
}

fn agent_of(actor: &Actor) -> AppResult<&Principal> {
    match &actor.principal {
        Some(p) if duties::QUALITY_DESK.contains(&p.role) => Ok(p),
        _ => Err(DomainError::new("ROLE_FORBIDDEN", "人工客服由柜员、审核员或管理员办理").into()),
    }
}

/// A conversation's move to the agents' queue (a hand-over, or a member's
/// follow-up to a reply), queued from `now`.
fn to_person(conversation_id: i64, from: ConversationStatus, now: i64) -> ConversationMove {
    ConversationMove {
        conversation_id,
        from,
        to: ConversationStatus::Waiting,
        agent_login: None,
        handed_over_at_us: Some(now),
        at_us: now,
    }
}

fn not_found(conversation_id: i64) -> crate::AppError {
    DomainError::new(
        "CONVERSATION_NOT_FOUND",
        format!("会话 {conversation_id} 不存在"),
    )
    .into()
}

fn moved(conversation_id: i64) -> crate::AppError {
    let message = format!("会话 {conversation_id} 的状态已改变，请刷新后再试");
    DomainError::new("CONVERSATION_STATE", message).into()
}

/// What people put between a number's digits.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '　' | '-' | '－' | '–' | '—' | '‐' | '.' | '．' | '/' | '／' | '_' | '、'
    )
}

/// Numbers of six digits or more (an ID, card or phone number) masked, so
/// a question kept for the catalogue's owner holds nobody's number: digits
/// of any script (full-width too), with the spaces, dashes, dots and
/// slashes people put between them, and an ID number's final X. A date
/// written in digits is masked too: privacy over detail.
pub fn redacted(question: &str) -> String {
    let mut out = String::with_capacity(question.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let digits = run.chars().filter(|c| c.is_numeric()).count();
        if digits >= 6 {
            out.extend(run.chars().map(|_| '*'));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    let chars: Vec<char> = question.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // Separators join digits when a digit follows them (after any
        // further separators): "138 - 1234.5678" is one number.
        let digit_follows = || {
            chars[i + 1..]
                .iter()
                .find(|n| !is_separator(**n))
                .is_some_and(|n| n.is_numeric())
        };
        let joins = is_separator(c) && !run.is_empty() && digit_follows();
        let check_letter = matches!(c, 'X' | 'x' | 'Ｘ') && !run.is_empty();
        if c.is_numeric() || joins || check_letter {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

impl Assistant<'_> {
    /// The index of what the assistant knows on `day`.
    pub fn knowledge_index(self, day: Date) -> AppResult<Arc<KnowledgeIndex>> {
        let mut built = self
            .assistant_cache()
            .built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((on, index)) = built.as_ref()
            && *on == day
        {
            return Ok(index.clone());
        }
        let index = Arc::new(KnowledgeIndex::build(knowledge(self.policy(), day)?)?);
        *built = Some((day, index.clone()));
        Ok(index)
    }

    /// The answer to `question` on `today`, without keeping anything: the
    /// articles found, and for a signed-in member a personal answer.
    pub async fn answer(self, actor: &Actor, question: &str, today: Date) -> AppResult<Answer> {
        let question = anju_domain::assistant::question(question)?;
        let hits = self
            .knowledge_index(today)?
            .answers(&question, ANSWERS_SHOWN, MIN_SCORE)?;
        let personal = match (member_of(actor), personal_intent(&question)) {
            (Some(member_id), Some(intent)) => {
                Some(self.personal_answer(member_id, intent, today).await?)
            }
            _ => None,
        };
        Ok(Answer {
            question,
            personal,
            hits,
        })
    }

    /// 咨询: answers `question`; a signed-in member's question and the
    /// answer join their conversation (to the agent instead when a person
    /// has it). A question with no answer is counted for the catalogue.
    pub async fn ask(self, actor: &Actor, question: &str, today: Date) -> AppResult<Asked> {
        let answer = self.answer(actor, question, today).await?;
        let (conversation, to_person) = match member_of(actor) {
            Some(member_id) => {
                let (record, to_person) = self.converse(member_id, &answer).await?;
                (Some(record), to_person)
            }
            None => (None, false),
        };
        // What is said to a person is not a question the assistant missed;
        // counted only once the conversation is written.
        if !answer.answered() && !to_person {
            self.assistant_port()
                .record_unanswered(&redacted(&answer.question), today, NEW_UNANSWERED_PER_DAY)
                .await?;
        }
        Ok(Asked {
            answer,
            conversation,
            to_person,
        })
    }

    /// Adds the question (and the assistant's answer, unless a person has
    /// the conversation) to the member's open conversation, or starts one;
    /// the conversation as written, and whether it went to a person. Two
    /// first questions at once: the second finds the first's conversation
    /// and joins it.
    async fn converse(
        self,
        member_id: i64,
        answer: &Answer,
    ) -> AppResult<(ConversationRecord, bool)> {
        match self.converse_once(member_id, answer).await {
            Err(e) if e.code() == Some("CONVERSATION_STATE") => {
                self.converse_once(member_id, answer).await
            }
            done => done,
        }
    }

    async fn converse_once(
        self,
        member_id: i64,
        answer: &Answer,
    ) -> AppResult<(ConversationRecord, bool)> {
        let now = crate::clock::now_micros();
        let open = self.assistant_port().open_conversation(member_id).await?;
        let with_person = open.as_ref().is_some_and(|c| {
            matches!(
                c.status,
                ConversationStatus::Waiting | ConversationStatus::Answered
            )
        });
        let conversation_id = open
            .as_ref()
            .map_or_else(|| self.posting_port().reserve_ids(1), |c| c.conversation_id);
        let mut messages = vec![self.message(
            conversation_id,
            MessageAuthor::Member,
            None,
            &answer.question,
            "",
            now,
        )];
        if !with_person {
            let (text, sources) = answer.as_message();
            messages.push(self.message(
                conversation_id,
                MessageAuthor::Assistant,
                None,
                &text,
                &sources,
                now,
            ));
        }
        let Some(record) = open else {
            let record = ConversationRecord {
                conversation_id,
                member_id,
                status: ConversationStatus::Assistant,
                started_at_us: now,
                handed_over_at_us: None,
                agent_login: None,
                updated_at_us: now,
            };
            self.assistant_port()
                .insert_conversation(&record, &messages)
                .await?;
            return Ok((record, false));
        };
        // Written only if the conversation is still as read: a follow-up
        // to a reply waits for the person again; one that an agent or
        // another tab closed meanwhile is refused, not filed away unseen.
        let change = if record.status == ConversationStatus::Answered {
            to_person(conversation_id, record.status, now)
        } else {
            ConversationMove {
                conversation_id,
                from: record.status,
                to: record.status,
                agent_login: None,
                handed_over_at_us: None,
                at_us: now,
            }
        };
        let written = self
            .assistant_port()
            .append_messages(conversation_id, &messages, Some(&change))
            .await?;
        if !written {
            return Err(moved(conversation_id));
        }
        Ok((
            self.conversation_record(conversation_id).await?,
            with_person,
        ))
    }

    fn message(
        self,
        conversation_id: i64,
        author: MessageAuthor,
        agent_login: Option<String>,
        text: &str,
        sources: &str,
        at_us: i64,
    ) -> MessageRecord {
        MessageRecord {
            message_id: self.posting_port().reserve_ids(1),
            conversation_id,
            author,
            agent_login,
            text: text.to_string(),
            sources: sources.to_string(),
            at_us,
        }
    }

    async fn conversation_record(self, conversation_id: i64) -> AppResult<ConversationRecord> {
        self.assistant_port()
            .conversation(conversation_id)
            .await?
            .ok_or_else(|| not_found(conversation_id))
    }

    /// The member's latest conversation with its messages — an ended one
    /// too, so a closing reply can still be read.
    pub async fn my_conversation(self, actor: &Actor) -> AppResult<Option<Conversation>> {
        let member_id = signed_in_member(actor)?;
        let Some(record) = self.assistant_port().latest_conversation(member_id).await? else {
            return Ok(None);
        };
        let messages = self
            .assistant_port()
            .messages(record.conversation_id)
            .await?;
        Ok(Some(Conversation { record, messages }))
    }

    /// 转人工: the member's conversation goes to the quality desk's queue
    /// with its history.
    pub async fn hand_over(self, actor: &Actor, today: Date) -> AppResult<ConversationRecord> {
        let result = self.try_hand_over(actor).await;
        let result = self
            .audited(actor, "assistant.hand_over", "assistant", b"", result)
            .await;
        if let Ok(c) = &result {
            self.clock_work(WorkKind::HandOver, c.conversation_id, today, false, today)
                .await;
        }
        result
    }

    async fn try_hand_over(self, actor: &Actor) -> AppResult<ConversationRecord> {
        let member_id = signed_in_member(actor)?;
        let open = self.assistant_port().open_conversation(member_id).await?;
        let Some(record) = open.filter(|c| c.status == ConversationStatus::Assistant) else {
            let message = "没有可转人工的咨询：请先提出问题，或您的咨询已在人工处理中";
            return Err(DomainError::new("CONVERSATION_STATE", message).into());
        };
        let now = crate::clock::now_micros();
        let note = self.message(
            record.conversation_id,
            MessageAuthor::Assistant,
            None,
            "已为您转人工客服，工作人员将在这里回复您，也会通知到您的消息中心。",
            "",
            now,
        );
        let change = to_person(record.conversation_id, record.status, now);
        let written = self
            .assistant_port()
            .append_messages(record.conversation_id, &[note], Some(&change))
            .await?;
        if !written {
            return Err(moved(record.conversation_id));
        }
        self.conversation_record(record.conversation_id).await
    }

    /// 结束咨询: the member ends the conversation (the next question
    /// starts a new one).
    pub async fn end_conversation(self, actor: &Actor) -> AppResult<()> {
        let member_id = signed_in_member(actor)?;
        let Some(record) = self.assistant_port().open_conversation(member_id).await? else {
            return Ok(());
        };
        self.close(record, None).await
    }

    async fn close(self, record: ConversationRecord, agent: Option<String>) -> AppResult<()> {
        let now = crate::clock::now_micros();
        let change = ConversationMove {
            conversation_id: record.conversation_id,
            from: record.status,
            to: ConversationStatus::Closed,
            agent_login: agent,
            handed_over_at_us: None,
            at_us: now,
        };
        let written = self
            .assistant_port()
            .append_messages(record.conversation_id, &[], Some(&change))
            .await?;
        if written {
            Ok(())
        } else {
            Err(moved(record.conversation_id))
        }
    }

    /// The agents' queue: conversations waiting for a person (oldest
    /// hand-over first), then those answered and not ended.
    pub async fn agent_queue(self, actor: &Actor) -> AppResult<Vec<ConversationRecord>> {
        agent_of(actor)?;
        let mut queue = self
            .assistant_port()
            .conversations_in(ConversationStatus::Waiting, QUEUE_LIMIT)
            .await?;
        queue.extend(
            self.assistant_port()
                .conversations_in(ConversationStatus::Answered, QUEUE_LIMIT)
                .await?,
        );
        Ok(queue)
    }

    /// A conversation as an agent reads it: only one handed to a person
    /// (the rest are between the member and the assistant), and every
    /// read is audited — it can hold the member's balance and affairs.
    pub async fn agent_conversation(
        self,
        actor: &Actor,
        conversation_id: i64,
    ) -> AppResult<Conversation> {
        let result = async {
            agent_of(actor)?;
            let found = self.assistant_port().conversation(conversation_id).await?;
            let Some(record) = found.filter(|c| c.handed_over_at_us.is_some()) else {
                return Err(not_found(conversation_id));
            };
            let messages = self.assistant_port().messages(conversation_id).await?;
            Ok(Conversation { record, messages })
        }
        .await;
        let target = format!("assistant:{conversation_id}");
        self.audited(actor, "assistant.read", &target, b"", result)
            .await
    }

    /// 人工回复: an agent answers a conversation handed over; the member
    /// is told in the inbox. `close` ends it with the reply.
    pub async fn agent_reply(
        self,
        actor: &Actor,
        conversation_id: i64,
        text: &str,
        close: bool,
        today: Date,
    ) -> AppResult<ConversationRecord> {
        let result = self
            .try_agent_reply(actor, conversation_id, text, close)
            .await;
        let target = format!("assistant:{conversation_id}");
        let result = self
            .audited(actor, "assistant.reply", &target, b"", result)
            .await;
        if let Ok(c) = &result {
            // The first answer is ZH07's promise kept.
            let asked_at = c.handed_over_at_us.unwrap_or(c.started_at_us);
            let handed_over_on = crate::clock::date_of_micros(asked_at);
            self.clock_done(WorkKind::HandOver, conversation_id, handed_over_on, today)
                .await;
        }
        result
    }

    async fn try_agent_reply(
        self,
        actor: &Actor,
        conversation_id: i64,
        text: &str,
        close: bool,
    ) -> AppResult<ConversationRecord> {
        let agent = agent_of(actor)?;
        let text = anju_domain::assistant::reply(text)?;
        let record = self.conversation_record(conversation_id).await?;
        if !matches!(
            record.status,
            ConversationStatus::Waiting | ConversationStatus::Answered
        ) {
            let message = "只能回复已转人工、尚未结束的会话";
            return Err(DomainError::new("CONVERSATION_STATE", message).into());
        }
        let now = crate::clock::now_micros();
        let login = agent.login.clone();
        let reply = self.message(
            conversation_id,
            MessageAuthor::Agent,
            Some(login.clone()),
            &text,
            "",
            now,
        );
        let change = ConversationMove {
            conversation_id,
            from: record.status,
            to: if close {
                ConversationStatus::Closed
            } else {
                ConversationStatus::Answered
            },
            agent_login: Some(login),
            handed_over_at_us: None,
            at_us: now,
        };
        let written = self
            .assistant_port()
            .append_messages(conversation_id, &[reply], Some(&change))
            .await?;
        if !written {
            return Err(moved(conversation_id));
        }
        self.access()
            .notify_member(
                record.member_id,
                "service",
                "人工客服已回复您的咨询",
                "请到网上服务大厅“智能客服”查看回复。",
            )
            .await;
        self.conversation_record(conversation_id).await
    }

    /// The questions the assistant could not answer, most asked first, for
    /// the catalogue's owner.
    pub async fn unanswered_questions(
        self,
        actor: &Actor,
        limit: u32,
    ) -> AppResult<Vec<UnansweredRecord>> {
        agent_of(actor)?;
        Ok(self.assistant_port().unanswered(limit).await?)
    }

    async fn personal_answer(
        self,
        member_id: i64,
        intent: PersonalIntent,
        today: Date,
    ) -> AppResult<PersonalAnswer> {
        let (text, link) = match intent {
            PersonalIntent::Balance => (self.balance_text(member_id).await?, "/member"),
            PersonalIntent::Withdrawal => (
                self.withdrawal_text(member_id, today).await?,
                "/member/withdrawals",
            ),
            PersonalIntent::NextInstallment => {
                (self.installment_text(member_id).await?, "/member/loans")
            }
        };
        Ok(PersonalAnswer {
            intent,
            text,
            link: link.to_string(),
        })
    }

    async fn balance_text(self, member_id: i64) -> AppResult<String> {
        let balance = self.ledger().member_balance(MemberId(member_id)).await?;
        Ok(format!(
            "您的住房公积金账户余额为 {}（含本年度已缴存的部分，利息于每年 6 月 30 日结息时计入）。",
            balance.balance
        ))
    }

    /// Whether the member could withdraw for rent today, and how much —
    /// the engine's own answer with its rule, as the application page
    /// would give it.
    async fn withdrawal_text(self, member_id: i64, today: Date) -> AppResult<String> {
        let year = self.withdrawals().rent_for_a_year(member_id, today).await?;
        let Some((rent, decision)) = year else {
            return Ok("本中心目前未开办租房提取，请查看提取规则中的其他提取原因。".to_string());
        };
        Ok(if decision.allowed {
            format!(
                "按您的账户和登记信息，今天申请{}提取（按 12 个月计），最多可提取 {}。{}其他提取原因（购房、退休等）的条件见提取规则。",
                rent.name,
                decision.max_amount,
                verification_note(decision.needs_verification.as_deref())
            )
        } else {
            format!(
                "按您的账户和登记信息，今天不能办理{}提取：{}（规则 {}）。",
                rent.name, decision.rule, decision.code
            )
        })
    }

    async fn installment_text(self, member_id: i64) -> AppResult<String> {
        let loans = self.loans().loan_list(member_id).await?;
        let mut lines: Vec<String> = Vec::new();
        for item in loans.iter().filter(|l| l.loan.status == LoanStatus::Active) {
            let Some(next) = &item.next_unpaid else {
                lines.push(format!("贷款 {} 当前没有待还的期次。", item.loan.loan_id));
                continue;
            };
            lines.push(format!(
                "贷款 {} 第 {} 期应于 {} 还款 {}（本金 {}，利息 {}），请在还款日前保证还款银行卡余额充足。",
                item.loan.loan_id,
                next.period,
                next.due_date,
                next.principal_fen.checked_add(next.interest_fen)?,
                next.principal_fen,
                next.interest_fen
            ));
        }
        Ok(if lines.is_empty() {
            "您目前没有还款中的住房公积金贷款。".to_string()
        } else {
            lines.join("\n")
        })
    }
}

fn verification_note(needs: Option<&str>) -> String {
    match needs {
        Some(what) => format!("其中“{what}”须由工作人员核实。"),
        None => String::new(),
    }
}
