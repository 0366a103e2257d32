//! Column mapping shared by the backends (no SQL here): how a line's
//! sub-ledger reference is spread over its three nullable columns and back.

use crate::{StoreError, StoreResult};
use anju_domain::Fen;
use anju_domain::ledger::{Line, MemberId, Side, SubledgerRef};

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
}
