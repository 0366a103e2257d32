//! Values that cross the storage boundary.

use anju_domain::Date;
use anju_domain::Fen;
use anju_domain::ledger::{EntryId, MemberId, NewEntry, Side};
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Rows a bulk statement carries. Keeps SQLite under its 32,766 bound
/// parameters (11 columns × 1,000) and PostgreSQL COPY buffers near 1 MiB.
pub const ROWS_PER_STATEMENT: usize = 1_000;

/// Test hook: abort the transaction after this many line chunks were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    AfterLineChunks(usize),
}

#[derive(Debug, Clone, Default)]
pub struct PostOptions {
    /// From the policy in force (`ledger.allow_negative_member_balance`).
    pub allow_negative_member_balance: bool,
    pub fault: Option<Fault>,
    /// Accounts to recheck for interest, written in the same transaction
    /// (an existing recheck keeps the earlier day).
    pub rechecks: Vec<(MemberId, Date)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub entry_id: EntryId,
    pub booked_at_us: i64,
    /// True when the idempotency key had already been posted.
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub id: EntryId,
    pub booked_at_us: i64,
    pub entry: NewEntry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlBalance {
    pub gl_code: String,
    pub debit: Fen,
    pub credit: Fen,
}

impl GlBalance {
    /// Debit − credit (assets and expenses are positive when normal).
    pub fn net(&self) -> Fen {
        Fen::new(self.debit.get() - self.credit.get())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MovementCursor {
    pub entry_id: EntryId,
    pub line_no: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub entry_id: EntryId,
    pub line_no: i32,
    pub business_type: String,
    pub value_date: Date,
    pub booked_at_us: i64,
    pub side: Side,
    pub amount: Fen,
    pub memo: String,
}

impl Movement {
    pub fn cursor(&self) -> MovementCursor {
        MovementCursor {
            entry_id: self.entry_id,
            line_no: self.line_no,
        }
    }

    /// Credit to the member positive.
    pub fn signed_amount(&self) -> Fen {
        match self.side {
            Side::Credit => self.amount,
            Side::Debit => Fen::new(-self.amount.get()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementPage {
    pub items: Vec<Movement>,
    /// Present when more may follow.
    pub next: Option<MovementCursor>,
}

/// How many offenders each check lists; the counts stay exact.
pub const CHECK_SAMPLE: i64 = 20;

/// The ledger invariants, re-derived from the posting lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerCheck {
    pub entries: i64,
    pub lines: i64,
    /// Entries whose lines do not balance.
    pub unbalanced_entries: Vec<EntryId>,
    /// Entries whose stored line count differs from the lines found.
    pub incomplete_entries: Vec<EntryId>,
    /// GL accounts whose balance row differs from Σ lines: (code, stored, from lines) as debit − credit.
    pub gl_mismatches: Vec<(String, Fen, Fen)>,
    /// Members whose balance differs from Σ their lines.
    pub member_mismatches: Vec<(MemberId, Fen, Fen)>,
    pub member_total: Fen,
    /// GL 201 from lines, credit − debit.
    pub gl_201: Fen,
    pub total_debit: Fen,
    pub total_credit: Fen,
    /// Σ outstanding principal of active loans and GL 121 + 122 (debit −
    /// credit), when the loan book was checked (the app adds it).
    pub loan_book: Option<(Fen, Fen)>,
    /// GL accounts whose day book (Σ `gl_day`) differs from the balance
    /// row: (code, balance row, day book) as debit − credit (the app adds it).
    pub day_book_mismatches: Vec<(String, Fen, Fen)>,
}

impl LedgerCheck {
    pub fn is_ok(&self) -> bool {
        self.unbalanced_entries.is_empty()
            && self.incomplete_entries.is_empty()
            && self.gl_mismatches.is_empty()
            && self.member_mismatches.is_empty()
            && self.member_total == self.gl_201
            && self.total_debit == self.total_credit
            && self.loan_book.is_none_or(|(book, gl)| book == gl)
            && self.day_book_mismatches.is_empty()
    }

    /// A readable report: one line per invariant with ✓/✗ and the offenders.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
        let _ = writeln!(
            out,
            "ledger check: {} entries, {} lines",
            self.entries, self.lines
        );
        let _ = writeln!(
            out,
            "[{}] every entry balances (Σ debit = Σ credit){}",
            mark(self.unbalanced_entries.is_empty()),
            ids(&self.unbalanced_entries)
        );
        let _ = writeln!(
            out,
            "[{}] every entry has all its lines{}",
            mark(self.incomplete_entries.is_empty()),
            ids(&self.incomplete_entries)
        );
        let _ = writeln!(
            out,
            "[{}] trial balance: Σ debit {} = Σ credit {}",
            mark(self.total_debit == self.total_credit),
            self.total_debit,
            self.total_credit
        );
        let _ = writeln!(
            out,
            "[{}] Σ member balances {} = GL 201 {}",
            mark(self.member_total == self.gl_201),
            self.member_total,
            self.gl_201
        );
        if let Some((book, gl)) = self.loan_book {
            let _ = writeln!(
                out,
                "[{}] Σ loans outstanding {book} = GL 121 + 122 {gl}",
                mark(book == gl)
            );
        }
        let _ = writeln!(
            out,
            "[{}] GL balance rows = Σ lines",
            mark(self.gl_mismatches.is_empty())
        );
        for (code, stored, lines) in &self.gl_mismatches {
            let _ = writeln!(out, "       GL {code}: stored {stored}, lines {lines}");
        }
        let _ = writeln!(
            out,
            "[{}] GL balance rows = Σ the day book (statements)",
            mark(self.day_book_mismatches.is_empty())
        );
        for (code, stored, days) in &self.day_book_mismatches {
            let _ = writeln!(out, "       GL {code}: stored {stored}, day book {days}");
        }
        let _ = writeln!(
            out,
            "[{}] member balances = Σ their lines",
            mark(self.member_mismatches.is_empty())
        );
        for (member, stored, lines) in &self.member_mismatches {
            let _ = writeln!(
                out,
                "       member {}: stored {stored}, lines {lines}",
                member.0
            );
        }
        out
    }
}

fn ids(list: &[EntryId]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = list.iter().map(|e| e.0.to_string()).collect();
    format!(": entries {}", shown.join(", "))
}

/// Table → columns (name, nullable) and index names, both sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogicalSchema {
    pub tables: BTreeMap<String, Vec<(String, bool)>>,
    pub indexes: Vec<String>,
}
