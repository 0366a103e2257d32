//! Bank reconciliation (对账). Each payment channel's daily file lists what the
//! bank (or the e-CNY operator) says it collected; reconciling it against the
//! receipts booked in the ledger names every difference.
//!
//! File format (UTF-8 CSV, one header line, one line per collection):
//! `reference,channel,amount,paid_on` — the channel's own payment reference,
//! `bank` or `ecny`, the amount in yuan (`1234.56`), and the value date
//! (`YYYY-MM-DD`).

use super::RowError;
use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use std::collections::BTreeMap;

/// One collection, as a channel's file or our ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    pub reference: String,
    pub channel: String,
    pub amount: Fen,
    pub paid_on: Date,
}

/// What reconciling found. Empty difference lists mean the day balances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub matched: usize,
    /// In the channel's file but not booked by us.
    pub unbooked: Vec<Collected>,
    /// Booked by us but absent from the channel's file.
    pub unconfirmed: Vec<Collected>,
    /// Same reference, different amount or date: (channel's, ours).
    pub mismatched: Vec<(Collected, Collected)>,
}

impl Reconciliation {
    pub fn balances(&self) -> bool {
        self.unbooked.is_empty() && self.unconfirmed.is_empty() && self.mismatched.is_empty()
    }
}

const HEADER: [&str; 4] = ["reference", "channel", "amount", "paid_on"];

/// Parses a channel's file; bad lines are reported, good ones returned.
pub fn parse_reconciliation_file(bytes: &[u8]) -> DomainResult<(Vec<Collected>, Vec<RowError>)> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| DomainError::new("FILE_ENCODING", "对账文件须为 UTF-8 编码"))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| DomainError::new("FILE_FORMAT", "无法读取对账文件表头"))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers != HEADER {
        return Err(DomainError::new(
            "FILE_COLUMN_MISSING",
            "对账文件表头应为：reference,channel,amount,paid_on",
        ));
    }
    let (mut lines, mut errors) = (Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let parsed = record
            .map_err(|_| DomainError::new("ROW_FORMAT", "该行格式无法识别"))
            .and_then(|r| {
                let cell = |i: usize| r.get(i).unwrap_or("").to_string();
                if cell(0).is_empty() {
                    return Err(DomainError::new("REFERENCE_MISSING", "缺少支付流水号"));
                }
                Ok(Collected {
                    reference: cell(0),
                    channel: cell(1),
                    amount: Fen::parse(&cell(2))?,
                    paid_on: Date::parse(&cell(3))?,
                })
            });
        match parsed {
            Ok(line) => lines.push(line),
            Err(e) => errors.push(RowError {
                row,
                column: "-".into(),
                code: e.code(),
                message: e.message().to_string(),
            }),
        }
    }
    Ok((lines, errors))
}

/// Matches by reference: equal amount and date count as matched.
pub fn reconcile(channel_file: &[Collected], booked: &[Collected]) -> Reconciliation {
    let mut ours: BTreeMap<&str, &Collected> =
        booked.iter().map(|c| (c.reference.as_str(), c)).collect();
    let mut result = Reconciliation::default();
    for theirs in channel_file {
        match ours.remove(theirs.reference.as_str()) {
            Some(mine) if mine.amount == theirs.amount && mine.paid_on == theirs.paid_on => {
                result.matched += 1
            }
            Some(mine) => result.mismatched.push((theirs.clone(), mine.clone())),
            None => result.unbooked.push(theirs.clone()),
        }
    }
    result.unconfirmed = ours.into_values().cloned().collect();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(reference: &str, fen: i64, date: &str) -> Collected {
        Collected {
            reference: reference.into(),
            channel: "bank".into(),
            amount: Fen::new(fen),
            paid_on: Date::parse(date).expect("date"),
        }
    }

    #[test]
    fn names_every_difference() {
        let file = b"reference,channel,amount,paid_on\nB1,bank,100.00,2026-11-18\nB2,bank,50.00,2026-11-18\nB3,bank,7.00,2026-11-18\nbad,bank,1.2.3,2026-11-18\n";
        let (lines, errors) = parse_reconciliation_file(file).expect("parsed");
        assert_eq!(lines.len(), 3);
        assert_eq!((errors[0].row, errors[0].code), (5, "AMOUNT_FORMAT"));
        let booked = [
            c("B1", 100_00, "2026-11-18"),
            c("B2", 50_01, "2026-11-18"),
            c("B9", 1_00, "2026-11-18"),
        ];
        let r = reconcile(&lines, &booked);
        assert_eq!(r.matched, 1);
        assert_eq!(r.mismatched.len(), 1);
        assert_eq!(
            r.unbooked
                .iter()
                .map(|c| c.reference.as_str())
                .collect::<Vec<_>>(),
            vec!["B3"]
        );
        assert_eq!(
            r.unconfirmed
                .iter()
                .map(|c| c.reference.as_str())
                .collect::<Vec<_>>(),
            vec!["B9"]
        );
        assert!(!r.balances());
        assert!(reconcile(&booked, &booked).balances());
        assert_eq!(
            parse_reconciliation_file(b"ref,amount\n")
                .map_err(|e| e.code())
                .err(),
            Some("FILE_COLUMN_MISSING")
        );
    }
}
