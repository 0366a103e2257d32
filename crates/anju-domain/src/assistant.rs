//! 智能客服: what the assistant knows and how it reads a question. The
//! knowledge is articles — the service catalogue's entries, the policy in
//! force on the day written out as text, and the centre's FAQ
//! (`services/faq.toml`) — each naming its source, so every answer says
//! where it comes from. Searching them is the app's (a full-text index);
//! this module keeps the pure parts: the articles, the question's checks,
//! the personal questions a signed-in member's own records answer, and the
//! states of a conversation handed to a person (转人工).

use crate::catalogue::CatalogueEntry;
use crate::policy::{EvidenceKind, Policy, WithdrawalCap, WithdrawalReason};
use crate::{DomainError, DomainResult};
use serde::Deserialize;

/// The longest question the assistant reads (a question, not a document).
pub const QUESTION_MAX_CHARS: usize = 200;
/// The longest reply an agent sends at once.
pub const REPLY_MAX_CHARS: usize = 1000;

crate::coded_enum! {
    /// Where an answer's text comes from.
    pub enum SourceKind ("答案来源", "ASSISTANT_SOURCE") {
        Catalogue = "catalogue" "服务事项清单",
        Policy = "policy" "政策规定",
        Faq = "faq" "常见问题",
        Account = "account" "您的账户",
    }
}

crate::coded_enum! {
    /// A conversation's state: with the assistant, waiting for a person,
    /// answered by one, or ended.
    pub enum ConversationStatus ("会话状态", "CONVERSATION_STATE") {
        Assistant = "assistant" "智能客服",
        Waiting = "waiting" "等待人工",
        Answered = "answered" "人工已回复",
        Closed = "closed" "已结束",
    }
}

crate::coded_enum! {
    /// Who wrote a message of a conversation.
    pub enum MessageAuthor ("发言人", "CONVERSATION_STATE") {
        Member = "member" "我",
        Assistant = "assistant" "智能客服",
        Agent = "agent" "人工客服",
    }
}

/// One thing the assistant knows: a title (with other ways people ask it),
/// the text, and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable: `C-TQ01` (catalogue), `P-LOAN-LIMIT` (policy), `Q07` (FAQ).
    pub id: String,
    pub title: String,
    /// Other phrasings of the question, searched with the title.
    pub also: Vec<String>,
    pub body: String,
    pub kind: SourceKind,
    /// The source as a reader checks it: the catalogue code, the policy
    /// version and its basis, or the FAQ's basis.
    pub source: String,
    /// The page that does or explains it.
    pub link: Option<String>,
}

/// A question as the assistant reads it: spaces collapsed, not empty, not
/// longer than [`QUESTION_MAX_CHARS`].
pub fn question(text: &str) -> DomainResult<String> {
    bounded(
        text,
        QUESTION_MAX_CHARS,
        ("QUESTION_REQUIRED", "请输入您的问题"),
        "QUESTION_TOO_LONG",
    )
}

/// An agent's reply: not empty, not longer than [`REPLY_MAX_CHARS`].
pub fn reply(text: &str) -> DomainResult<String> {
    bounded(
        text,
        REPLY_MAX_CHARS,
        ("REPLY_REQUIRED", "请输入回复内容"),
        "REPLY_TOO_LONG",
    )
}

fn bounded(
    text: &str,
    max_chars: usize,
    (empty_code, empty_message): (&'static str, &'static str),
    long_code: &'static str,
) -> DomainResult<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return Err(DomainError::new(empty_code, empty_message));
    }
    if collapsed.chars().count() > max_chars {
        let message = format!("内容过长，请控制在 {max_chars} 字以内");
        return Err(DomainError::new(long_code, message));
    }
    Ok(collapsed)
}

/// A question about the asker's own account, answered from their records
/// (only when they are signed in as a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalIntent {
    /// 我的余额.
    Balance,
    /// 我能提取多少、为什么不能提取 (read for rent, the everyday reason).
    Withdrawal,
    /// 我下期还款.
    NextInstallment,
}

/// The personal question in `question`, if it asks about the asker's own
/// account ("我…"). Read in this order because a question can name two:
/// "我的余额能提取多少" asks about withdrawing.
pub fn personal_intent(question: &str) -> Option<PersonalIntent> {
    let has = |words: &[&str]| words.iter().any(|w| question.contains(w));
    if !has(&["我", "本人"]) {
        return None;
    }
    if has(&[
        "下期",
        "下个月还",
        "月供",
        "还款日",
        "要还多少",
        "还多少钱",
        "扣多少",
    ]) {
        return Some(PersonalIntent::NextInstallment);
    }
    if has(&[
        "能提",
        "可以提",
        "可提",
        "能取",
        "可以取",
        "提不了",
        "取不了",
        "不能提",
        "不能取",
        "提多少",
        "取多少",
    ]) {
        return Some(PersonalIntent::Withdrawal);
    }
    if has(&["余额", "还有多少", "有多少钱", "多少钱", "账户里"]) {
        return Some(PersonalIntent::Balance);
    }
    None
}

/// The catalogue's entries as articles (`C-<code>`).
pub fn catalogue_articles(entries: &[CatalogueEntry]) -> Vec<Article> {
    entries
        .iter()
        .map(|e| {
            let applicants: Vec<&str> = e.applicants.iter().map(|a| a.name_zh()).collect();
            let channels: Vec<&str> = e.channels.iter().map(|c| c.name_zh()).collect();
            let materials = if e.materials.is_empty() {
                "无需材料".to_string()
            } else {
                e.materials.join("、")
            };
            Article {
                id: format!("C-{}", e.code),
                title: e.name.clone(),
                also: Vec::new(),
                body: format!(
                    "{}（{}）。申请对象：{}。所需材料：{}。办理时限：{}。办理渠道：{}。依据：{}",
                    e.name,
                    e.category.name_zh(),
                    applicants.join("、"),
                    materials,
                    e.limit_text(),
                    channels.join("、"),
                    e.basis
                ),
                kind: SourceKind::Catalogue,
                source: format!("服务事项清单 {}（{} 起）", e.code, e.from),
                link: Some(e.page.clone().unwrap_or_else(|| "/services".to_string())),
            }
        })
        .collect()
}

/// The policy in force on its day, written out: rates, limits and each
/// withdrawal reason's rules, each naming its version and basis.
pub fn policy_articles(policy: &Policy) -> Vec<Article> {
    let mut articles = vec![
        deposit_rate(policy),
        contribution(policy),
        loan_rate(policy),
        loan_limit(policy),
        loan_conditions(policy),
        rent(policy),
        withdrawal_general(policy),
    ];
    articles.extend(policy.withdrawal_reasons.iter().map(reason_article));
    articles
}

/// The line naming a policy version: its section, start and basis, and
/// whether some of its values still wait to be confirmed.
fn policy_source<T>(section: &str, dated: &crate::policy::Dated<T>) -> String {
    let basis = dated.source.as_deref().unwrap_or("本中心规定");
    let unverified = if dated.unverified.is_empty() {
        ""
    } else {
        "；部分数值待核实"
    };
    format!(
        "政策文件 [{section}]，{} 起施行（依据：{basis}{unverified}）",
        dated.effective_from
    )
}

fn policy_article(
    id: &str,
    (title, also): (&str, &[&str]),
    body: String,
    source: String,
    link: &str,
) -> Article {
    Article {
        id: id.to_string(),
        title: title.to_string(),
        also: also.iter().map(|a| a.to_string()).collect(),
        body,
        kind: SourceKind::Policy,
        source,
        link: Some(link.to_string()),
    }
}

fn deposit_rate(policy: &Policy) -> Article {
    let d = &policy.deposit_interest;
    let body = format!(
        "住房公积金存款按年结息，每年6月30日结息，利息计入职工个人账户。当年缴存部分年利率 {}，\
         上年结转部分年利率 {}，按存款余额和实际天数计息（每年按 {} 天计）。",
        d.value.rate_current_year, d.value.rate_brought_forward, d.value.day_basis
    );
    let source = policy_source("deposit_interest", d);
    let title = (
        "住房公积金存款利率和结息",
        &["公积金利息怎么算", "结息时间"][..],
    );
    policy_article("P-DEPOSIT-RATE", title, body, source, "/member/interest")
}

fn contribution(policy: &Policy) -> Article {
    let c = &policy.contribution;
    let body = format!(
        "缴存基数为职工本人上一年度月平均工资，不低于 {}、不高于 {}；单位和职工的缴存比例各为 {} 至 {}，\
         按 {} 递增。单位应在发薪日后 {} 日内汇缴。",
        c.value.base_floor,
        c.value.base_cap,
        c.value.rate_min,
        c.value.rate_max,
        c.value.rate_step,
        c.value.due_days_after_pay_day
    );
    let source = policy_source("contribution", c);
    let title = (
        "缴存基数和缴存比例",
        &["缴存基数上限下限", "公积金交多少", "缴存比例是多少"][..],
    );
    policy_article("P-CONTRIBUTION", title, body, source, "/services")
}

fn loan_rate(policy: &Policy) -> Article {
    let r = &policy.loan_rate;
    let body = format!(
        "个人住房公积金贷款年利率：首套住房五年以下（含五年）{}，五年以上 {}；第二套住房五年以下（含五年）{}，五年以上 {}。",
        r.value.first_home_up_to_5y,
        r.value.first_home_over_5y,
        r.value.second_home_up_to_5y,
        r.value.second_home_over_5y
    );
    let source = policy_source("loan_rate", r);
    let title = ("住房公积金贷款利率", &["公积金贷款利息", "二套房利率"][..]);
    policy_article("P-LOAN-RATE", title, body, source, "/loan/calculator")
}

fn loan_limit(policy: &Policy) -> Article {
    let l = &policy.loan_limit.value;
    let mut body = format!(
        "公积金贷款最高额度：单缴存职工 {}，双缴存职工家庭 {}；额度同时不超过借款人及共同借款人账户余额之和的 {} 倍，\
         月还款额不超过家庭月收入的 {}%。首套住房首付比例不低于 {}%，第二套住房不低于 {}%；贷款期限最长 {} 个月。",
        l.single_cap,
        l.family_cap,
        l.balance_multiple,
        l.income_ratio_percent,
        l.first_home_down_payment_percent,
        l.second_home_down_payment_percent,
        l.max_term_months
    );
    if l.completed_home_bonus_percent > 0 {
        body.push_str(&format!(
            "购买现房的，最高额度可上浮 {}%。",
            l.completed_home_bonus_percent
        ));
    }
    let source = policy_source("loan_limit", &policy.loan_limit);
    let title = (
        "住房公积金贷款额度",
        &["公积金最多能贷多少", "首付比例", "贷款最长多少年"][..],
    );
    policy_article("P-LOAN-LIMIT", title, body, source, "/loan/calculator")
}

fn loan_conditions(policy: &Policy) -> Article {
    let r = &policy.loan_rule.value;
    let body = format!(
        "申请公积金贷款须连续足额缴存满 {} 个月；每个家庭最多使用公积金贷款 {} 次；贷款到期不得晚于法定退休年龄后 {} 年。\
         逾期的，逾期部分按贷款利率加收 {}% 计收罚息。",
        r.min_contribution_months, r.max_loans, r.years_after_retirement, r.penalty_markup_percent
    );
    let source = policy_source("loan_rule", &policy.loan_rule);
    let title = (
        "住房公积金贷款申请条件",
        &["缴存多久可以贷款", "贷款逾期罚息"][..],
    );
    policy_article("P-LOAN-RULE", title, body, source, "/member/loans")
}

fn rent(policy: &Policy) -> Article {
    let r = &policy.rent.value;
    let mut body = format!(
        "租房提取限额：每人每月最高 {}，已婚的夫妻二人合计每月不超过 {}，按所付租金的月数计算，每次最多 12 个月。",
        r.cap_per_person_month, r.cap_couple_month
    );
    if r.multi_child_uplift_percent > 0 {
        body.push_str(&format!(
            "多子女家庭限额上浮 {}%。",
            r.multi_child_uplift_percent
        ));
    }
    let source = policy_source("rent", &policy.rent);
    let title = ("租房提取限额", &["租房每月能提多少"][..]);
    policy_article("P-RENT", title, body, source, "/member/withdrawals")
}

fn withdrawal_general(policy: &Policy) -> Article {
    let w = &policy.withdrawal.value;
    let body = format!(
        "提取款项只付至职工本人的银行卡。单笔超过 {} 的提取须经初审和复核两人审核。法定退休年龄：男 {} 周岁，女 {} 周岁。",
        w.second_approval_above, w.retirement_age_male, w.retirement_age_female
    );
    let source = policy_source("withdrawal", &policy.withdrawal);
    let title = ("提取审核和到账", &["提取多久到账", "提取钱打到哪里"][..]);
    policy_article("P-WITHDRAWAL", title, body, source, "/withdrawal-rules")
}

fn reason_article(r: &WithdrawalReason) -> Article {
    let conditions = r.conditions_zh();
    let documents = if r.documents.is_empty() {
        "无需材料".to_string()
    } else {
        r.documents.join("、")
    };
    let mut body = format!(
        "{}提取：可提取金额以{}为限；所需材料：{}；凭证：{}。",
        r.name,
        r.cap_zh(),
        documents,
        r.evidence_zh()
    );
    if !conditions.is_empty() {
        body.push_str(&format!("条件：{}。", conditions.join("；")));
    }
    if r.closes_account {
        body.push_str("提取后个人账户销户。");
    }
    let unverified = if r.unverified.is_empty() {
        ""
    } else {
        "；部分条件待核实"
    };
    Article {
        id: format!("P-WD-{}", r.code),
        title: format!("{}提取", r.name),
        also: Vec::new(),
        body,
        kind: SourceKind::Policy,
        source: format!(
            "政策文件 [withdrawal_reason {}]，{} 起施行{unverified}",
            r.code, r.effective_from
        ),
        link: Some("/withdrawal-rules".to_string()),
    }
}

impl WithdrawalReason {
    /// The conditions of this reason, in Chinese (the rules page and the
    /// assistant read the same words).
    pub fn conditions_zh(&self) -> Vec<String> {
        let mut conditions = Vec::new();
        let flags = [
            (self.requires_no_home, "本人及配偶在本市无自有住房"),
            (self.at_retirement, "达到法定退休年龄"),
        ];
        conditions.extend(flags.iter().filter(|f| f.0).map(|f| f.1.to_string()));
        if self.sealed_months > 0 {
            conditions.push(format!("账户封存满 {} 个月", self.sealed_months));
        }
        if self.window_months > 0 {
            conditions.push(format!("凭证日期后 {} 个月内", self.window_months));
        }
        if self.per_year > 0 {
            conditions.push(format!("每年最多 {} 次", self.per_year));
        }
        let flags = [
            (self.family_shared, "家庭成员可共用同一凭证，合计不超过费用"),
            (self.flexible_only, "签订协议的灵活就业人员"),
            (self.no_hpf_loan, "无未结清的公积金贷款"),
        ];
        conditions.extend(flags.iter().filter(|f| f.0).map(|f| f.1.to_string()));
        conditions
    }

    /// What caps the amount, in Chinese.
    pub fn cap_zh(&self) -> &'static str {
        match self.cap {
            WithdrawalCap::Balance => "账户余额",
            WithdrawalCap::Evidence => "所证明的费用",
            WithdrawalCap::Rent => "租房月限额 × 月数",
        }
    }

    /// The evidence number it is proved by, in Chinese.
    pub fn evidence_zh(&self) -> &'static str {
        match self.evidence {
            EvidenceKind::None => "—",
            EvidenceKind::Contract => "合同编号（全市仅可使用一次）",
            EvidenceKind::Invoice => "发票号码（全市仅可使用一次）",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaqFile {
    faq: Vec<FaqEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaqEntry {
    id: String,
    question: String,
    #[serde(default)]
    also: Vec<String>,
    answer: String,
    source: String,
    link: Option<String>,
}

/// Reads the FAQ file `name` holding `text`: each entry an id `Qnn`, a
/// question, an answer and its source, ids unique.
pub fn parse_faq(name: &str, text: &str) -> DomainResult<Vec<Article>> {
    let file: FaqFile = toml::from_str(text).map_err(|e| faq_invalid(name, &e.to_string()))?;
    let mut articles: Vec<Article> = Vec::with_capacity(file.faq.len());
    for (i, e) in file.faq.into_iter().enumerate() {
        let at = format!("{name} faq[{i}]");
        let well_formed = e.id.len() == 3
            && e.id.starts_with('Q')
            && e.id[1..].bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(faq_invalid(&at, "id 应为 Q 加两位数字，如 Q07"));
        }
        if [&e.question, &e.answer, &e.source]
            .iter()
            .any(|t| t.trim().is_empty())
        {
            return Err(faq_invalid(&at, "问题、答案和来源都不能为空"));
        }
        if e.link.as_deref().is_some_and(|l| !l.starts_with('/')) {
            return Err(faq_invalid(&at, "link 应为站内路径，如 /member"));
        }
        if articles.iter().any(|a| a.id == e.id) {
            return Err(faq_invalid(&at, &format!("{} 重复", e.id)));
        }
        articles.push(Article {
            id: e.id,
            title: e.question,
            also: e.also,
            body: e.answer,
            kind: SourceKind::Faq,
            source: e.source,
            link: e.link,
        });
    }
    Ok(articles)
}

/// A question of the measured set (`services/assistant-questions.toml`):
/// the articles that answer it, or `none` when it must go unanswered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetQuestion {
    pub text: String,
    #[serde(default)]
    pub expect: Vec<String>,
    #[serde(default)]
    pub none: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    question: Vec<SetQuestion>,
}

/// Reads the question set: each question expects an answer or none, not
/// both.
pub fn parse_question_set(name: &str, text: &str) -> DomainResult<Vec<SetQuestion>> {
    let file: SetFile = toml::from_str(text).map_err(|e| faq_invalid(name, &e.to_string()))?;
    for (i, q) in file.question.iter().enumerate() {
        if q.none != q.expect.is_empty() {
            let why = "每个问题要么列出答案（expect），要么标记为无答案（none），二者只能取一";
            return Err(faq_invalid(&format!("{name} question[{i}]"), why));
        }
    }
    Ok(file.question)
}

fn faq_invalid(at: &str, why: &str) -> DomainError {
    DomainError::new("FAQ_INVALID", format!("常见问题 {at}：{why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_is_trimmed_and_bounded() {
        assert_eq!(
            question("  租房  怎么 提取 ").expect("ok"),
            "租房 怎么 提取"
        );
        assert_eq!(
            question(" \n ").expect_err("empty").code(),
            "QUESTION_REQUIRED"
        );
        let long = "问".repeat(QUESTION_MAX_CHARS + 1);
        assert_eq!(
            question(&long).expect_err("long").code(),
            "QUESTION_TOO_LONG"
        );
        let just = "问".repeat(QUESTION_MAX_CHARS);
        assert!(question(&just).is_ok());
        assert_eq!(reply("").expect_err("empty").code(), "REPLY_REQUIRED");
    }

    #[test]
    fn personal_questions_are_read_by_what_they_ask() {
        let cases = [
            ("我的公积金余额是多少", Some(PersonalIntent::Balance)),
            ("我账户里还有多少钱", Some(PersonalIntent::Balance)),
            ("我能提取多少", Some(PersonalIntent::Withdrawal)),
            ("我的余额能提取多少", Some(PersonalIntent::Withdrawal)),
            ("为什么我不能提取", Some(PersonalIntent::Withdrawal)),
            ("我下期还款多少", Some(PersonalIntent::NextInstallment)),
            ("我的月供什么时候扣", Some(PersonalIntent::NextInstallment)),
            ("公积金余额怎么查", None),
            ("租房提取要什么材料", None),
        ];
        for (q, want) in cases {
            assert_eq!(personal_intent(q), want, "{q}");
        }
    }

    #[test]
    fn the_faq_file_is_checked() {
        let good = "[[faq]]\nid = \"Q01\"\nquestion = \"问\"\nanswer = \"答\"\nsource = \"源\"\n";
        let read = parse_faq("t", good).expect("reads");
        assert_eq!(
            (read[0].id.as_str(), read[0].kind),
            ("Q01", SourceKind::Faq)
        );
        let twice = format!("{good}{good}");
        assert_eq!(
            parse_faq("t", &twice).expect_err("dup").code(),
            "FAQ_INVALID"
        );
        let bad_id = good.replace("Q01", "X1");
        assert_eq!(
            parse_faq("t", &bad_id).expect_err("id").code(),
            "FAQ_INVALID"
        );
        let no_source = good.replace("source = \"源\"", "source = \" \"");
        assert_eq!(
            parse_faq("t", &no_source).expect_err("src").code(),
            "FAQ_INVALID"
        );
        let bad_link = format!("{good}link = \"http://x\"\n");
        assert_eq!(
            parse_faq("t", &bad_link).expect_err("link").code(),
            "FAQ_INVALID"
        );
    }
}
