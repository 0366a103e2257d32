//! Column mapping shared by the backends (no SQL here): each backend reads
//! plain tuples with its own SQL and these functions turn them into values, so
//! the two backends cannot map a row differently.

use crate::{LedgerCheck, Movement, MovementPage, StoreError, StoreResult, StoredEntry};
use anju_domain::Fen;
use anju_domain::ledger::{
    EntryId, IdempotencyKey, Line, MemberBalance, MemberId, NewEntry, Side, SubledgerRef,
};

/// `(member_id, employer_id, loan_id)` columns of a line.
pub fn subledger_columns(r: Option<SubledgerRef>) -> (Option<i64>, Option<i64>, Option<i64>) {
    match r {
        Some(SubledgerRef::Member(m)) => (Some(m.0), None, None),
        Some(SubledgerRef::Employer(e)) => (None, Some(e), None),
        Some(SubledgerRef::Loan(l)) => (None, None, Some(l)),
        None => (None, None, None),
    }
}

/// Rebuilds a line from its columns.
pub fn line_from(
    gl_code: &str,
    (member, employer, loan): (Option<i64>, Option<i64>, Option<i64>),
    side: &str,
    amount_fen: i64,
) -> StoreResult<Line> {
    let line = match Side::parse(side).map_err(StoreError::Rejected)? {
        Side::Debit => Line::debit(gl_code, Fen::new(amount_fen)),
        Side::Credit => Line::credit(gl_code, Fen::new(amount_fen)),
    };
    Ok(match (member, employer, loan) {
        (Some(m), _, _) => line.for_member(MemberId(m)),
        (_, Some(e), _) => line.for_employer(e),
        (_, _, Some(l)) => line.for_loan(l),
        _ => line,
    })
}

/// `journal_entry` columns: business_type, value_date, booked_at_us,
/// idempotency_key, memo, reverses_entry_id.
pub type EntryHeadRow = (String, String, i64, String, String, Option<i64>);
/// `posting_line` columns: gl_code, member_id, employer_id, loan_id, side, amount_fen.
pub type LineRow = (String, Option<i64>, Option<i64>, Option<i64>, String, i64);
/// A movement: entry_id, line_no, business_type, value_date, booked_at_us, side,
/// amount_fen, memo.
pub type MovementRow = (i64, i32, String, String, i64, String, i64, String);
/// The check's totals: entries, lines, Σ debit, Σ credit, Σ member balances, GL 201.
pub type CheckTotalsRow = (i64, i64, i64, i64, i64, i64);

/// A date column read back (ISO text on both backends).
pub fn stored_date(text: &str) -> StoreResult<anju_domain::Date> {
    anju_domain::Date::parse(text)
        .map_err(|e| StoreError::Backend(format!("bad stored date {text}: {e}")))
}

/// A coded column (status, kind) read back into its enum; an unknown value
/// is an error naming the table, the column and the value.
pub fn coded<T>(
    table: &'static str,
    column: &'static str,
    text: &str,
    parse: impl FnOnce(&str) -> anju_domain::DomainResult<T>,
) -> StoreResult<T> {
    parse(text).map_err(|_| StoreError::Corrupt {
        table,
        column,
        value: text.to_string(),
    })
}

/// Rebuilds a stored entry; it is re-validated, so a row changed behind the
/// store's back surfaces as an error instead of a wrong entry.
pub fn stored_entry_from(
    id: EntryId,
    head: EntryHeadRow,
    lines: Vec<LineRow>,
) -> StoreResult<StoredEntry> {
    let (business_type, value_date, booked_at_us, key, memo, reverses) = head;
    let lines = lines
        .into_iter()
        .map(|(gl, m, e, l, side, amount)| line_from(&gl, (m, e, l), &side, amount))
        .collect::<StoreResult<Vec<Line>>>()?;
    let key = IdempotencyKey::parse(&key).map_err(StoreError::Rejected)?;
    let mut entry = NewEntry::new(&business_type, stored_date(&value_date)?, key, &memo, lines)
        .map_err(|e| StoreError::Backend(format!("stored entry {} no longer valid: {e}", id.0)))?;
    entry.reverses = reverses.map(EntryId);
    Ok(StoredEntry {
        id,
        booked_at_us,
        entry,
    })
}

/// A page of movements; `next` is set when the page came back full.
pub fn movement_page(rows: Vec<MovementRow>, limit: u32) -> StoreResult<MovementPage> {
    let full = rows.len() == limit as usize;
    let items = rows
        .into_iter()
        .map(
            |(entry_id, line_no, business_type, value_date, booked_at_us, side, amount, memo)| {
                Ok(Movement {
                    entry_id: EntryId(entry_id),
                    line_no,
                    business_type,
                    value_date: stored_date(&value_date)?,
                    booked_at_us,
                    side: Side::parse(&side).map_err(StoreError::Rejected)?,
                    amount: Fen::new(amount),
                    memo,
                })
            },
        )
        .collect::<StoreResult<Vec<Movement>>>()?;
    let next = if full {
        items.last().map(Movement::cursor)
    } else {
        None
    };
    Ok(MovementPage { items, next })
}

/// Assembles the check report from the backend's query results.
pub fn ledger_check_from(
    totals: CheckTotalsRow,
    unbalanced: Vec<i64>,
    incomplete: Vec<i64>,
    gl_mismatches: Vec<(String, i64, i64)>,
    member_mismatches: Vec<(i64, i64, i64)>,
) -> LedgerCheck {
    let (entries, lines, debit, credit, member_total, gl_201) = totals;
    LedgerCheck {
        entries,
        lines,
        unbalanced_entries: unbalanced.into_iter().map(EntryId).collect(),
        incomplete_entries: incomplete.into_iter().map(EntryId).collect(),
        gl_mismatches: gl_mismatches
            .into_iter()
            .map(|(code, stored, lines)| (code, Fen::new(stored), Fen::new(lines)))
            .collect(),
        member_mismatches: member_mismatches
            .into_iter()
            .map(|(m, stored, lines)| (MemberId(m), Fen::new(stored), Fen::new(lines)))
            .collect(),
        member_total: Fen::new(member_total),
        gl_201: Fen::new(gl_201),
        total_debit: Fen::new(debit),
        total_credit: Fen::new(credit),
        loan_book: None,
        day_book_mismatches: Vec::new(),
    }
}

/// A member's stored state: balance, product year, year opening, product.
pub fn member_balance_from(
    (balance, year, opening, product): (i64, i32, i64, i64),
) -> MemberBalance {
    MemberBalance {
        balance: Fen::new(balance),
        year: anju_domain::InterestYear::ending(year),
        year_opening: Fen::new(opening),
        product_fen_days: product,
    }
}

/// A domain value kept in a plain column: money as fen, a rate as ppm.
/// Records hold the domain value; statements bind [`Stored::raw`] and rows are
/// read back through [`cooked`], so an impossible stored rate is an error
/// naming its table and column, never a value.
pub trait Stored: Sized {
    type Raw;
    fn raw(self) -> Self::Raw;
    fn from_raw(raw: Self::Raw) -> Option<Self>;
}

impl Stored for Fen {
    type Raw = i64;
    fn raw(self) -> i64 {
        self.get()
    }
    fn from_raw(raw: i64) -> Option<Self> {
        Some(Fen::new(raw))
    }
}

impl Stored for anju_domain::RatePpm {
    type Raw = i64;
    fn raw(self) -> i64 {
        self.ppm()
    }
    fn from_raw(raw: i64) -> Option<Self> {
        anju_domain::RatePpm::new(raw).ok()
    }
}

impl<T: Stored> Stored for Option<T> {
    type Raw = Option<T::Raw>;
    fn raw(self) -> Option<T::Raw> {
        self.map(T::raw)
    }
    fn from_raw(raw: Option<T::Raw>) -> Option<Self> {
        match raw {
            None => Some(None),
            Some(v) => T::from_raw(v).map(Some),
        }
    }
}

/// A stored column read back into its domain value.
pub fn cooked<T: Stored>(table: &'static str, column: &'static str, raw: T::Raw) -> StoreResult<T>
where
    T::Raw: std::fmt::Debug + Copy,
{
    T::from_raw(raw).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        value: format!("{raw:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip() {
        for r in [
            None,
            Some(SubledgerRef::Member(MemberId(7))),
            Some(SubledgerRef::Employer(8)),
            Some(SubledgerRef::Loan(9)),
        ] {
            let line = line_from("219", subledger_columns(r), "C", 5).expect("line");
            assert_eq!(line.subledger, r);
        }
        assert!(line_from("219", (None, None, None), "X", 5).is_err());
    }

    #[test]
    fn an_unknown_code_names_table_column_and_value() {
        use anju_domain::loan::LoanStatus;
        assert_eq!(
            coded("loan", "status", "active", LoanStatus::parse).expect("known"),
            LoanStatus::Active
        );
        let e = coded("loan", "status", "lost", LoanStatus::parse).expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "stored value not understood: loan.status = “lost”"
        );
    }
}
