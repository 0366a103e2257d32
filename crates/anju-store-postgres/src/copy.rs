//! `COPY … FROM STDIN` in text format: rows become tab-separated lines, with
//! backslash escapes for the few characters that need them.

use crate::backend;
use anju_domain::ledger::{Line, NewEntry};
use anju_store::{Fault, ROWS_PER_STATEMENT, StoreError, StoreResult};
use sqlx::PgConnection;
use std::fmt::Write as _;

/// Appends a text field, escaped for COPY text format.
pub(crate) fn push_text(buf: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            _ => buf.push(ch),
        }
    }
}

pub(crate) fn push_opt(buf: &mut String, value: Option<i64>) {
    match value {
        Some(v) => {
            let _ = write!(buf, "{v}");
        }
        None => buf.push_str("\\N"),
    }
}

pub(crate) struct EntryRow<'a> {
    pub id: i64,
    pub entry: &'a NewEntry,
    pub digest: &'a str,
}

pub(crate) async fn copy_entries(
    conn: &mut PgConnection,
    table: &str,
    centre_code: &str,
    booked_at_us: i64,
    rows: &[EntryRow<'_>],
) -> StoreResult<()> {
    let sql = format!(
        "COPY {table} (entry_id, centre_code, business_type, value_date, booked_at_us, \
         idempotency_key, digest, memo, reverses_entry_id, line_count, total_fen) FROM STDIN"
    );
    let mut copy = conn.copy_in_raw(&sql).await.map_err(backend)?;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut buf = String::with_capacity(chunk.len() * 160);
        for r in chunk {
            let e = r.entry;
            let _ = write!(buf, "{}\t", r.id);
            push_text(&mut buf, centre_code);
            let _ = write!(
                buf,
                "\t{}\t{}\t{booked_at_us}\t",
                e.business_type, e.value_date
            );
            push_text(&mut buf, e.idempotency_key.as_str());
            let _ = write!(buf, "\t{}\t", r.digest);
            push_text(&mut buf, &e.memo);
            buf.push('\t');
            push_opt(&mut buf, e.reverses.map(|x| x.0));
            let _ = writeln!(buf, "\t{}\t{}", e.lines.len(), e.total_debit().get());
        }
        copy.send(buf.into_bytes()).await.map_err(backend)?;
    }
    copy.finish().await.map_err(crate::post::write_error)?;
    Ok(())
}

pub(crate) async fn copy_lines(
    conn: &mut PgConnection,
    table: &str,
    rows: &[EntryRow<'_>],
    fault: Option<Fault>,
) -> StoreResult<()> {
    let sql = format!(
        "COPY {table} (entry_id, line_no, gl_code, member_id, employer_id, loan_id, side, \
         amount_fen, value_date) FROM STDIN"
    );
    let lines: Vec<(i64, usize, &Line, &NewEntry)> = rows
        .iter()
        .flat_map(|r| {
            r.entry
                .lines
                .iter()
                .enumerate()
                .map(move |(n, l)| (r.id, n + 1, l, r.entry))
        })
        .collect();
    let mut copy = conn.copy_in_raw(&sql).await.map_err(backend)?;
    for (chunk_no, chunk) in lines.chunks(ROWS_PER_STATEMENT).enumerate() {
        if fault == Some(Fault::AfterLineChunks(chunk_no)) {
            copy.abort("injected fault").await.map_err(backend)?;
            return Err(StoreError::Fault(format!("after {chunk_no} line chunks")));
        }
        let mut buf = String::with_capacity(chunk.len() * 64);
        for (id, n, line, entry) in chunk {
            let (member, employer, loan) = anju_store::rows::subledger_columns(line.subledger);
            let _ = write!(buf, "{id}\t{n}\t");
            push_text(&mut buf, &line.gl_code);
            buf.push('\t');
            push_opt(&mut buf, member);
            buf.push('\t');
            push_opt(&mut buf, employer);
            buf.push('\t');
            push_opt(&mut buf, loan);
            let _ = writeln!(
                buf,
                "\t{}\t{}\t{}",
                line.side.as_str(),
                line.amount.get(),
                entry.value_date
            );
        }
        copy.send(buf.into_bytes()).await.map_err(backend)?;
    }
    copy.finish().await.map_err(crate::post::write_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_copy_text_format_needs() {
        let mut buf = String::new();
        push_text(&mut buf, "a\tb\nc\\d\re 中文");
        assert_eq!(buf, "a\\tb\\nc\\\\d\\re 中文");
        let mut buf = String::new();
        push_opt(&mut buf, None);
        push_opt(&mut buf, Some(-5));
        assert_eq!(buf, "\\N-5");
    }
}
