//! Journal entries (凭证) and their lines (分录). An entry is built only through
//! [`NewEntry::new`], which refuses anything unbalanced, empty, on an unknown or
//! parent account, or missing the sub-ledger reference its account needs.

use super::chart::{Subledger, gl_account};
use super::member::MemberId;
use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Lines one entry may carry. A remittance for the largest employer (tens of
/// thousands of staff) is still one entry, so this is generous but finite.
pub const MAX_LINES_PER_ENTRY: usize = 200_000;
const MAX_MEMO_CHARS: usize = 200;
const MAX_KEY_LEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "D",
            Side::Credit => "C",
        }
    }

    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "D" => Ok(Side::Debit),
            "C" => Ok(Side::Credit),
            _ => Err(DomainError::new(
                "SIDE_UNKNOWN",
                format!("借贷方向“{text}”无效"),
            )),
        }
    }

    pub fn opposite(self) -> Self {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

/// The sub-ledger a line belongs to: a member account, an employer or a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubledgerRef {
    Member(MemberId),
    Employer(i64),
    Loan(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub gl_code: String,
    pub subledger: Option<SubledgerRef>,
    pub side: Side,
    /// Always positive; the side says which way it moves.
    pub amount: Fen,
}

impl Line {
    pub fn debit(gl_code: &str, amount: Fen) -> Self {
        Line {
            gl_code: gl_code.to_string(),
            subledger: None,
            side: Side::Debit,
            amount,
        }
    }

    pub fn credit(gl_code: &str, amount: Fen) -> Self {
        Line {
            gl_code: gl_code.to_string(),
            subledger: None,
            side: Side::Credit,
            amount,
        }
    }

    pub fn for_member(mut self, member: MemberId) -> Self {
        self.subledger = Some(SubledgerRef::Member(member));
        self
    }

    pub fn for_loan(mut self, loan_id: i64) -> Self {
        self.subledger = Some(SubledgerRef::Loan(loan_id));
        self
    }

    pub fn for_employer(mut self, employer_id: i64) -> Self {
        self.subledger = Some(SubledgerRef::Employer(employer_id));
        self
    }

    pub fn member(&self) -> Option<MemberId> {
        match self.subledger {
            Some(SubledgerRef::Member(m)) => Some(m),
            _ => None,
        }
    }
}

/// Business types (业务类型): collection codes (C), loan codes (L) from the
/// JGJ/T 320 tables, and fund-management codes (F) of our own. Data, not an enum:
/// regulations add codes.
pub const BUSINESS_TYPES: &[(&str, &str)] = &[
    ("C01", "汇缴"),
    ("C02", "补缴"),
    ("C03", "开户"),
    ("C04", "启封"),
    ("C05", "封存"),
    ("C06", "内部转移"),
    ("C07", "外部转出"),
    ("C08", "外部转入"),
    ("C09", "年终结息"),
    ("C10", "基数调整"),
    ("C11", "部分提取"),
    ("C12", "销户提取"),
    ("C13", "缓缴处理"),
    ("C14", "冻结"),
    ("C15", "解冻"),
    // Local code: the flexible-worker interest subsidy, kept apart from C09
    // so the year's interest and its subsidy can each be checked.
    ("C16", "利息补贴"),
    ("C99", "其他"),
    ("L01", "发放"),
    ("L02", "正常还款"),
    ("L03", "提前还款"),
    ("L04", "逾期还款"),
    ("L05", "公积金提取还款"),
    ("L06", "结清"),
    ("L07", "展期"),
    ("L08", "缩期"),
    ("L09", "核销"),
    ("L99", "其他"),
    ("F01", "增值收益分配"),
    ("F02", "资金存放"),
    // Local code: the year-end transfer of business income and expense into
    // 311, kept apart from F01 so the income statement can leave it out.
    ("F03", "增值收益结转"),
    ("F99", "其他财务业务"),
];

pub fn business_type_name(code: &str) -> DomainResult<&'static str> {
    known_business_type(code).map(|(_, name)| *name)
}

fn known_business_type(code: &str) -> DomainResult<&'static (&'static str, &'static str)> {
    BUSINESS_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .ok_or_else(|| DomainError::new("BUSINESS_TYPE_UNKNOWN", format!("业务类型“{code}”不存在")))
}

/// The caller's key for "this exact command": a replay with the same key returns
/// the first result instead of posting again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let ok = !text.is_empty()
            && text.len() <= MAX_KEY_LEN
            && text.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(IdempotencyKey(text.to_string()))
        } else {
            Err(DomainError::new(
                "IDEMPOTENCY_KEY_FORMAT",
                "幂等键应为1至128个可见ASCII字符",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A balanced journal entry ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub business_type: &'static str,
    /// 起息日: the date interest and balances-as-of use.
    pub value_date: Date,
    pub idempotency_key: IdempotencyKey,
    pub memo: String,
    /// Set on a reversing entry (冲正): the entry it cancels.
    pub reverses: Option<EntryId>,
    pub lines: Vec<Line>,
}

impl NewEntry {
    pub fn new(
        business_type: &str,
        value_date: Date,
        idempotency_key: IdempotencyKey,
        memo: &str,
        lines: Vec<Line>,
    ) -> DomainResult<Self> {
        let business_type = known_business_type(business_type)?.0;
        if memo.chars().count() > MAX_MEMO_CHARS {
            return Err(DomainError::new("MEMO_TOO_LONG", "摘要不能超过200个字符"));
        }
        check_lines(&lines)?;
        Ok(NewEntry {
            business_type,
            value_date,
            idempotency_key,
            memo: memo.to_string(),
            reverses: None,
            lines,
        })
    }

    /// The entry that cancels `original`: every line on the other side, same
    /// value date (so interest is as if the original never happened).
    pub fn reversal_of(
        original_id: EntryId,
        original: &NewEntry,
        idempotency_key: IdempotencyKey,
    ) -> DomainResult<Self> {
        if original.reverses.is_some() {
            return Err(DomainError::new(
                "REVERSAL_OF_REVERSAL",
                "冲正凭证不能再次冲正",
            ));
        }
        let lines = original
            .lines
            .iter()
            .map(|l| Line {
                side: l.side.opposite(),
                ..l.clone()
            })
            .collect();
        let memo = format!("冲正凭证 {}", original_id.0);
        let mut entry = NewEntry::new(
            original.business_type,
            original.value_date,
            idempotency_key,
            &memo,
            lines,
        )?;
        entry.reverses = Some(original_id);
        Ok(entry)
    }

    /// Re-checks an entry whose public fields may have been changed after
    /// `new`: the store calls this before writing anything.
    pub fn validate(&self) -> DomainResult<()> {
        known_business_type(self.business_type)?;
        check_lines(&self.lines)
    }

    pub fn total_debit(&self) -> Fen {
        sum_side(&self.lines, Side::Debit).unwrap_or(Fen::ZERO)
    }

    /// A digest of everything the entry says (not its key), so that a replay
    /// with the same key but different content is recognised and refused.
    pub fn digest(&self) -> String {
        let mut text = String::new();
        let _ = write!(
            text,
            "{}|{}|{}|{:?}|",
            self.business_type,
            self.value_date,
            self.memo,
            self.reverses.map(|e| e.0)
        );
        for line in &self.lines {
            let _ = write!(
                text,
                "{}:{:?}:{}:{};",
                line.gl_code,
                line.subledger,
                line.side.as_str(),
                line.amount.get()
            );
        }
        let hash = Sha256::digest(text.as_bytes());
        hash.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

fn sum_side(lines: &[Line], side: Side) -> DomainResult<Fen> {
    lines
        .iter()
        .filter(|l| l.side == side)
        .try_fold(Fen::ZERO, |acc, l| acc.checked_add(l.amount))
}

fn check_lines(lines: &[Line]) -> DomainResult<()> {
    if lines.len() < 2 {
        return Err(DomainError::new(
            "ENTRY_TOO_FEW_LINES",
            "记账凭证至少需要一借一贷两条分录",
        ));
    }
    if lines.len() > MAX_LINES_PER_ENTRY {
        return Err(DomainError::new("ENTRY_TOO_MANY_LINES", "记账凭证分录过多"));
    }
    for line in lines {
        check_line(line)?;
    }
    let debit = sum_side(lines, Side::Debit)?;
    let credit = sum_side(lines, Side::Credit)?;
    if debit != credit {
        return Err(DomainError::new(
            "ENTRY_UNBALANCED",
            format!("借贷不平衡：借方合计 {debit}，贷方合计 {credit}"),
        ));
    }
    Ok(())
}

fn check_line(line: &Line) -> DomainResult<()> {
    if !line.amount.is_positive() {
        return Err(DomainError::new(
            "LINE_AMOUNT_NOT_POSITIVE",
            "分录金额必须大于零",
        ));
    }
    let account = gl_account(&line.gl_code)?;
    let fits = matches!(
        (account.subledger, line.subledger),
        (Subledger::Member, Some(SubledgerRef::Member(_)))
            | (Subledger::Loan, Some(SubledgerRef::Loan(_)))
            | (Subledger::None, None | Some(SubledgerRef::Employer(_)))
    );

    if !fits {
        return Err(DomainError::new(
            "LINE_SUBLEDGER_MISMATCH",
            format!("科目“{} {}”的分录明细账户不符", account.code, account.name),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> IdempotencyKey {
        IdempotencyKey::parse(k).expect("key")
    }

    fn date() -> Date {
        Date::parse("2026-11-10").expect("date")
    }

    fn remittance(amounts: &[i64]) -> Vec<Line> {
        let total: i64 = amounts.iter().sum();
        let mut lines = vec![Line::debit("101", Fen::new(total))];
        for (i, a) in amounts.iter().enumerate() {
            lines.push(Line::credit("201", Fen::new(*a)).for_member(MemberId(i as i64 + 1)));
        }
        lines
    }

    #[test]
    fn a_balanced_remittance_is_accepted() {
        let entry = NewEntry::new(
            "C01",
            date(),
            key("k1"),
            "2026年11月汇缴",
            remittance(&[100, 250]),
        );
        assert_eq!(entry.map(|e| e.total_debit()), Ok(Fen::new(350)));
    }

    #[test]
    fn refusals() {
        let code = |lines: Vec<Line>| {
            NewEntry::new("C01", date(), key("k"), "", lines)
                .map_err(|e| e.code())
                .err()
        };
        let mut unbalanced = remittance(&[100, 250]);
        unbalanced[0].amount = Fen::new(349);
        assert_eq!(code(unbalanced), Some("ENTRY_UNBALANCED"));
        assert_eq!(
            code(vec![Line::debit("101", Fen::new(1))]),
            Some("ENTRY_TOO_FEW_LINES")
        );
        assert_eq!(
            code(vec![
                Line::debit("101", Fen::new(0)),
                Line::credit("219", Fen::new(0))
            ]),
            Some("LINE_AMOUNT_NOT_POSITIVE")
        );
        assert_eq!(
            code(vec![
                Line::debit("101", Fen::new(5)),
                Line::credit("201", Fen::new(5))
            ]),
            Some("LINE_SUBLEDGER_MISMATCH")
        );
        assert_eq!(
            code(vec![
                Line::debit("121", Fen::new(5)),
                Line::credit("101", Fen::new(5))
            ]),
            Some("LINE_SUBLEDGER_MISMATCH")
        );
        assert_eq!(
            code(vec![
                Line::debit("101", Fen::new(5)).for_member(MemberId(1)),
                Line::credit("219", Fen::new(5))
            ]),
            Some("LINE_SUBLEDGER_MISMATCH")
        );
        assert_eq!(
            code(vec![
                Line::debit("401", Fen::new(5)),
                Line::credit("101", Fen::new(5))
            ]),
            Some("GL_ACCOUNT_NOT_POSTABLE")
        );
        let overflow = vec![
            Line::debit("101", Fen::new(i64::MAX)),
            Line::debit("101", Fen::new(1)),
            Line::credit("219", Fen::new(1)),
        ];
        assert_eq!(code(overflow), Some("AMOUNT_OVERFLOW"));
        assert_eq!(
            NewEntry::new("X01", date(), key("k"), "", remittance(&[1])).map_err(|e| e.code()),
            Err("BUSINESS_TYPE_UNKNOWN")
        );
        assert_eq!(
            NewEntry::new("C01", date(), key("k"), &"长".repeat(201), remittance(&[1]))
                .map_err(|e| e.code()),
            Err("MEMO_TOO_LONG")
        );
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
    }

    #[test]
    fn reversal_mirrors_every_line_and_cannot_be_reversed() {
        let original =
            NewEntry::new("C01", date(), key("k1"), "", remittance(&[100, 250])).expect("entry");
        let reversal = NewEntry::reversal_of(EntryId(7), &original, key("r1")).expect("reversal");
        assert_eq!(reversal.reverses, Some(EntryId(7)));
        assert_eq!(reversal.value_date, original.value_date);
        for (a, b) in original.lines.iter().zip(&reversal.lines) {
            assert_eq!(
                (a.amount, a.subledger, a.side.opposite()),
                (b.amount, b.subledger, b.side)
            );
        }
        assert_eq!(
            NewEntry::reversal_of(EntryId(8), &reversal, key("r2")).map_err(|e| e.code()),
            Err("REVERSAL_OF_REVERSAL")
        );
    }

    #[test]
    fn digest_changes_with_content_not_key() {
        let a = NewEntry::new("C01", date(), key("k1"), "m", remittance(&[100])).expect("a");
        let b = NewEntry::new("C01", date(), key("k2"), "m", remittance(&[100])).expect("b");
        let c = NewEntry::new("C01", date(), key("k1"), "m", remittance(&[101])).expect("c");
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
        assert_eq!(a.digest().len(), 64);
    }
}
