//! The 12329 hotline: calls come from the telephony system's CDR files
//! (`docs/quality.md`) or are entered one at a time; each is a ticket, and a
//! complaint ticket can become a complaint that keeps the call's id.

use super::{ComplaintInput, desk_staff, not_found};
use crate::access::Actor;
use crate::{AppResult, Quality};
use anju_domain::Date;
use anju_domain::quality::{CdrCall, CdrRowError, ComplaintSource, check_call, parse_cdr};
use anju_store::{ComplaintRecord, HotlineCallRecord};

/// Calls a list shows at most.
const CALLS_SHOWN: u32 = 200;

/// What an import did: calls added, calls already there, rows refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrImport {
    pub added: u64,
    pub already_there: u64,
    pub refused: Vec<CdrRowError>,
}

/// A call entered by hand, in the CDR's columns.
pub type CallInput = [String; 8];

fn record_of(call: CdrCall, imported_by: &str) -> HotlineCallRecord {
    HotlineCallRecord {
        call,
        complaint_id: None,
        imported_by: imported_by.to_string(),
    }
}

impl Quality<'_> {
    /// Imports a CDR file: the good rows are taken (a call already there
    /// is not added twice), each bad row is named.
    pub async fn import_cdr(self, actor: &Actor, bytes: &[u8]) -> AppResult<CdrImport> {
        let result = self.try_import(actor, bytes).await;
        self.audited(actor, "hotline.import", "hotline", bytes, result)
            .await
    }

    async fn try_import(self, actor: &Actor, bytes: &[u8]) -> AppResult<CdrImport> {
        let staff = desk_staff(actor)?.login.clone();
        let (calls, refused) = parse_cdr(bytes)?;
        let total = calls.len() as u64;
        let records: Vec<HotlineCallRecord> =
            calls.into_iter().map(|c| record_of(c, &staff)).collect();
        let added = self.quality_port().insert_calls(&records).await?;
        Ok(CdrImport {
            added,
            already_there: total - added,
            refused,
        })
    }

    /// Enters one call by hand (a call the switch did not record).
    pub async fn enter_call(
        self,
        actor: &Actor,
        fields: &CallInput,
    ) -> AppResult<HotlineCallRecord> {
        let result = self.try_enter(actor, fields).await;
        self.audited(
            actor,
            "hotline.enter",
            "hotline",
            fields[0].as_bytes(),
            result,
        )
        .await
    }

    async fn try_enter(self, actor: &Actor, fields: &CallInput) -> AppResult<HotlineCallRecord> {
        let staff = desk_staff(actor)?.login.clone();
        let record = record_of(check_call(fields)?, &staff);
        if self
            .quality_port()
            .insert_calls(std::slice::from_ref(&record))
            .await?
            == 0
        {
            return Err(anju_domain::DomainError::new(
                "HOTLINE_CALL_EXISTS",
                format!("话单 {} 已登记", record.call.call_id),
            )
            .into());
        }
        Ok(record)
    }

    /// Turns a call into a complaint (source 12329热线), once.
    pub async fn call_to_complaint(
        self,
        actor: &Actor,
        call_id: &str,
        input: &ComplaintInput,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let result = self
            .try_call_to_complaint(actor, call_id, input, today)
            .await;
        let target = format!("call:{call_id}");
        self.audited(
            actor,
            "hotline.complaint",
            &target,
            input.subject.as_bytes(),
            result,
        )
        .await
    }

    async fn try_call_to_complaint(
        self,
        actor: &Actor,
        call_id: &str,
        input: &ComplaintInput,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let call = self.call(call_id).await?;
        let input = ComplaintInput {
            source: ComplaintSource::Hotline,
            contact: if input.contact.trim().is_empty() {
                call.call.caller.clone()
            } else {
                input.contact.clone()
            },
            ..input.clone()
        };
        self.try_file(actor, &input, Some(call.call.call_id), today)
            .await
    }

    pub async fn call(self, call_id: &str) -> AppResult<HotlineCallRecord> {
        self.quality_port()
            .hotline_call(call_id)
            .await?
            .ok_or_else(|| not_found("HOTLINE_CALL_NOT_FOUND", format!("话单 {call_id} 不存在")))
    }

    pub async fn hotline_calls(self) -> AppResult<Vec<HotlineCallRecord>> {
        Ok(self.quality_port().hotline_calls(CALLS_SHOWN).await?)
    }
}
