//! E-certificates (电子证明): issued from the centre's own records, signed
//! with the centre's current key, logged as a leaf in the same transaction,
//! and offered as a file whose log proof lets anyone check it offline. The
//! public verification page reads them by serial; staff revoke with a
//! reason (the revocation is logged too).

use super::log::{certificate_leaf_hash, checkpoint_of, new_leaf, revocation_leaf_hash};
use super::refused;
use crate::access::{Actor, Principal};
use crate::{AppResult, Trust};
use anju_domain::Date;
use anju_domain::access::{Role, duties};
use anju_domain::ids::IdCardNo;
use anju_domain::ledger::MemberId;
use anju_domain::loan::LoanStatus;
use anju_domain::trust::certificate::{CertificateFile, CertificateKind, LogProof, is_serial};
use anju_domain::trust::keys::{Verdict, hex};
use anju_domain::trust::log::LeafKind;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_store::{CertificateRecord, LoanRecord, RevocationRecord};

/// Where a certificate stands for whoever checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateStatus {
    Valid,
    /// Past its validity: what it said was true on the day it was issued.
    Expired,
    Revoked,
    /// The stored text no longer matches its signature.
    Altered,
}

impl CertificateStatus {
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Expired => "expired",
            CertificateStatus::Revoked => "revoked",
            CertificateStatus::Altered => "altered",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "有效",
            CertificateStatus::Expired => "已过有效期",
            CertificateStatus::Revoked => "已撤销",
            CertificateStatus::Altered => "内容与签名不符",
        }
    }
}

/// A certificate with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateView {
    pub record: CertificateRecord,
    pub revocation: Option<RevocationRecord>,
    pub status: CertificateStatus,
    /// Its place in the log once sequenced.
    pub leaf_index: Option<u64>,
}

/// A certificate about to be issued: what it is, whom and what it is
/// about, what it states, and its serial.
struct Draft {
    kind: CertificateKind,
    member_id: i64,
    subject_ref: String,
    lines: Lines,
    serial: String,
}

/// The facts a certificate states, as (label, value) lines.
pub(super) type Lines = Vec<(&'static str, String)>;

fn not_found(serial: &str) -> crate::AppError {
    refused(
        "CERTIFICATE_NOT_FOUND",
        format!("没有编号为 {serial} 的电子证明"),
    )
}

fn masked_id(id_card: &str) -> String {
    IdCardNo::parse(id_card).map_or_else(|_| "****".to_string(), |id| id.masked())
}

/// A fresh serial: the kind's prefix, the day, 64 random bits.
pub(crate) fn new_serial(kind: CertificateKind, today: Date) -> AppResult<String> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random)
        .map_err(|e| refused("CERTIFICATE_SERIAL", format!("无法生成证明编号：{e}")))?;
    let day = today.to_string().replace('-', "");
    Ok(format!("{}-{day}-{}", kind.prefix(), hex(&random)))
}

/// The member acting for themselves, or staff who may issue for anyone.
fn issuer_for(actor: &Actor, member_id: i64) -> AppResult<&Principal> {
    match &actor.principal {
        Some(p) if p.role == Role::Member && p.member_id == Some(member_id) => Ok(p),
        Some(p) if duties::OPERATIONS.contains(&p.role) => Ok(p),
        _ => Err(refused("ROLE_FORBIDDEN", "只能为本人开具证明")),
    }
}

impl Trust<'_> {
    /// 缴存证明 for a member: account, employer, monthly amount, months of
    /// continuous contribution and balance, as the records hold them today.
    pub async fn issue_contribution_certificate(
        self,
        actor: &Actor,
        member_id: i64,
        today: Date,
    ) -> AppResult<CertificateRecord> {
        let result = async {
            issuer_for(actor, member_id)?;
            let lines = self.account_lines(member_id, today).await?;
            self.issue(
                actor,
                Draft {
                    kind: CertificateKind::Contribution,
                    member_id,
                    subject_ref: String::new(),
                    lines,
                    serial: new_serial(CertificateKind::Contribution, today)?,
                },
                today,
            )
            .await
        }
        .await;
        let target = format!("member:{member_id}");
        self.audited(actor, "certificate.contribution", &target, b"", result)
            .await
    }

    /// 异地贷款职工住房公积金缴存使用证明: the account lines and whether
    /// the member has used an HPF loan, for the centre where they borrow.
    pub async fn issue_remote_loan_certificate(
        self,
        actor: &Actor,
        member_id: i64,
        lending_centre: &str,
        today: Date,
    ) -> AppResult<CertificateRecord> {
        let result = async {
            issuer_for(actor, member_id)?;
            let lending = lending_centre.trim();
            if lending.is_empty() || lending.chars().count() > 60 {
                return Err(refused(
                    "CERTIFICATE_LENDING_CENTRE",
                    "请填写贷款所在地公积金中心（60 字以内）",
                ));
            }
            let mut lines = vec![("致", lending.to_string())];
            lines.extend(self.account_lines(member_id, today).await?);
            let loans = self.loans().loans_of(member_id).await?;
            let active = loans
                .iter()
                .filter(|l| l.status == LoanStatus::Active)
                .count();
            let used = loans
                .iter()
                .filter(|l| matches!(l.status, LoanStatus::Active | LoanStatus::Settled))
                .count();
            lines.push((
                "住房公积金贷款",
                format!("在本中心使用过 {used} 笔，未结清 {active} 笔"),
            ));
            self.issue(
                actor,
                Draft {
                    kind: CertificateKind::RemoteLoanUse,
                    member_id,
                    subject_ref: String::new(),
                    lines,
                    serial: new_serial(CertificateKind::RemoteLoanUse, today)?,
                },
                today,
            )
            .await
        }
        .await;
        let target = format!("member:{member_id}");
        self.audited(actor, "certificate.remote_loan", &target, b"", result)
            .await
    }

    /// 提取证明 for a paid withdrawal.
    pub async fn issue_withdrawal_certificate(
        self,
        actor: &Actor,
        withdrawal_id: i64,
        today: Date,
    ) -> AppResult<CertificateRecord> {
        let result = async {
            let w = self.withdrawals().withdrawal(withdrawal_id).await?;
            issuer_for(actor, w.member_id)?;
            if w.status != WithdrawalStatus::Paid {
                return Err(refused(
                    "CERTIFICATE_NOT_PAID",
                    format!("提取申请 {withdrawal_id} 尚未到账，不能开具提取证明"),
                ));
            }
            let reason = self
                .policy()
                .reasons_at(today)
                .into_iter()
                .find(|r| r.code == w.reason)
                .map_or_else(|| w.reason.clone(), |r| r.name);
            let mut lines = self.person_lines(w.member_id).await?;
            lines.extend([
                ("提取申请号", w.withdrawal_id.to_string()),
                ("提取原因", reason),
                (
                    "申请提取金额",
                    if w.closes_account {
                        format!(
                            "{}（销户提取，实际到账含结息，以银行入账为准）",
                            w.amount_fen
                        )
                    } else {
                        w.amount_fen.to_string()
                    },
                ),
                ("申请日期", w.applied_on.to_string()),
                (
                    "收款银行卡",
                    anju_domain::ids::BankCardNo::parse(&w.bank_card)
                        .map_or_else(|_| "****".to_string(), |c| c.masked()),
                ),
            ]);
            let subject = format!("withdrawal:{withdrawal_id}");
            self.issue(
                actor,
                Draft {
                    kind: CertificateKind::Withdrawal,
                    member_id: w.member_id,
                    subject_ref: subject,
                    lines,
                    serial: new_serial(CertificateKind::Withdrawal, today)?,
                },
                today,
            )
            .await
        }
        .await;
        let target = format!("withdrawal:{withdrawal_id}");
        self.audited(actor, "certificate.withdrawal", &target, b"", result)
            .await
    }

    /// 贷款结清及抵押注销证明 for a settled loan (the settlement issues it).
    pub(crate) async fn issue_release_certificate(
        self,
        loan: &LoanRecord,
        serial: &str,
        today: Date,
    ) -> AppResult<CertificateRecord> {
        let mut lines = self.person_lines(loan.member_id).await?;
        lines.extend([
            ("贷款编号", loan.loan_id.to_string()),
            ("借款合同号", loan.contract_no.clone().unwrap_or_default()),
            (
                "抵押登记证明号",
                loan.mortgage_no.clone().unwrap_or_default(),
            ),
            ("房屋坐落", loan.property_address.clone()),
            ("贷款金额", loan.amount_fen.to_string()),
            (
                "放款日期",
                loan.disbursed_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("结清日期", today.to_string()),
            (
                "说明",
                "该笔贷款本息已全部结清，请不动产登记机构办理抵押注销登记".to_string(),
            ),
        ]);
        let system = Actor::anonymous(anju_domain::access::Channel::Batch, "settle", "local");
        self.issue(
            &system,
            Draft {
                kind: CertificateKind::LoanRelease,
                member_id: loan.member_id,
                subject_ref: format!("loan:{}", loan.loan_id),
                lines,
                serial: serial.to_string(),
            },
            today,
        )
        .await
    }

    async fn person_lines(&self, member_id: i64) -> AppResult<Lines> {
        let member = self
            .collection()
            .member(member_id)
            .await?
            .ok_or_else(|| refused("MEMBER_NOT_FOUND", format!("职工 {member_id} 不存在")))?;
        Ok(vec![
            ("姓名", member.name.clone()),
            ("证件号码", masked_id(&member.id_card)),
            ("个人账号", member_id.to_string()),
        ])
    }

    pub(super) async fn account_lines(&self, member_id: i64, today: Date) -> AppResult<Lines> {
        let member = self
            .collection()
            .member(member_id)
            .await?
            .ok_or_else(|| refused("MEMBER_NOT_FOUND", format!("职工 {member_id} 不存在")))?;
        let employer = match member.employer_id {
            Some(id) => self
                .collection()
                .employer(id)
                .await?
                .map_or_else(|| "-".to_string(), |e| e.name),
            None => "无".to_string(),
        };
        let monthly = match self
            .collection()
            .member_contribution(member_id, today)
            .await?
        {
            Some(c) => format!(
                "{}（单位 {} + 个人 {}，缴存基数 {}）",
                c.total()?,
                c.employer,
                c.member,
                c.base
            ),
            None => "当前未缴存".to_string(),
        };
        let balance = self.ledger().member_balance(MemberId(member_id)).await?;
        let months = self.contribution_months(member_id, today).await?;
        let mut lines = self.person_lines(member_id).await?;
        lines.extend([
            ("账户状态", member.status.name_zh().to_string()),
            ("缴存单位", employer),
            ("月缴存额", monthly),
            ("连续足额缴存", format!("{months} 个月")),
            ("账户余额", format!("{}（截至 {today}）", balance.balance)),
        ]);
        Ok(lines)
    }

    /// Writes, signs and stores a certificate with its log leaf, then
    /// sequences the log so its proof is ready.
    async fn issue(
        &self,
        actor: &Actor,
        draft: Draft,
        today: Date,
    ) -> AppResult<CertificateRecord> {
        let Draft {
            kind,
            member_id,
            subject_ref,
            lines,
            serial,
        } = draft;
        // Valid through the last of its days, the day of issue the first.
        let valid_until = kind
            .valid_days()
            .map(|days| today.add_days(i32::try_from(days).unwrap_or(90) - 1))
            .transpose()?;
        let body = certificate_body(
            kind,
            &self.policy().centre_name,
            &serial,
            &lines,
            today,
            valid_until,
        );
        let (signature_hex, key_id) = self.keys()?.sign(body.as_bytes());
        let ids = self.posting_port().reserve_ids(2);
        let record = CertificateRecord {
            certificate_id: ids,
            serial,
            kind,
            member_id: Some(member_id),
            subject_ref,
            issued_on: today,
            valid_until,
            issued_by: actor.recorded_login(),
            body,
            signature_hex,
            key_id,
        };
        let leaf = new_leaf(
            ids + 1,
            LeafKind::Certificate,
            ids,
            certificate_leaf_hash(&record),
        );
        self.trust_port().insert_certificate(&record, &leaf).await?;
        // The proof is wanted at once. A failed sequencing must not undo an
        // issued certificate: the leaf waits for the serve loop's sequencer
        // (which logs its failures) or the file download, which sequences
        // again.
        let _ = self.sequence().await;
        Ok(record)
    }

    /// A certificate and where it stands, for anyone holding its serial
    /// (the public verification page).
    pub async fn certificate_status(self, serial: &str, today: Date) -> AppResult<CertificateView> {
        let serial = serial.trim();
        if !is_serial(serial) {
            return Err(not_found(serial));
        }
        let record = self
            .trust_port()
            .certificate(serial)
            .await?
            .ok_or_else(|| not_found(serial))?;
        let revocation = self.trust_port().revocation(serial).await?;
        let leaf = self
            .trust_port()
            .leaf_of(LeafKind::Certificate, record.certificate_id)
            .await?;
        let signed = self.keys()?.published().verify(
            record.body.as_bytes(),
            &record.signature_hex,
            &record.key_id,
        );
        // Columns changed behind the signed text (validity, owner, subject)
        // make it as untrustworthy as a changed text.
        let status = if signed != Verdict::Valid || !super::log::certificate_columns_agree(&record)
        {
            CertificateStatus::Altered
        } else if revocation.is_some() {
            CertificateStatus::Revoked
        } else if record.valid_until.is_some_and(|until| until < today) {
            CertificateStatus::Expired
        } else {
            CertificateStatus::Valid
        };
        Ok(CertificateView {
            record,
            revocation,
            status,
            leaf_index: leaf.and_then(|l| l.leaf_index),
        })
    }

    /// A certificate for its holder: the member it is about, or staff.
    pub async fn certificate_for(
        self,
        actor: &Actor,
        serial: &str,
        today: Date,
    ) -> AppResult<CertificateView> {
        let view = self.certificate_status(serial, today).await?;
        match &actor.principal {
            Some(p) if p.role == Role::Member && p.member_id == view.record.member_id => Ok(view),
            Some(p) if Role::STAFF.contains(&p.role) => Ok(view),
            // A release certificate is also for the loan's co-borrowers.
            Some(p) if p.role == Role::Member && self.is_loan_party(actor, &view.record).await => {
                Ok(view)
            }
            // Not theirs: as if it did not exist.
            _ => Err(not_found(serial)),
        }
    }

    async fn is_loan_party(&self, actor: &Actor, record: &CertificateRecord) -> bool {
        let loan_id = record
            .subject_ref
            .strip_prefix("loan:")
            .and_then(|id| id.parse().ok());
        match (record.kind, loan_id) {
            (CertificateKind::LoanRelease, Some(id)) => {
                self.loans().loan_for(actor, id).await.is_ok()
            }
            _ => false,
        }
    }

    /// The certificate as a file with its proof against the latest
    /// checkpoint: what `anju verify` checks offline.
    pub async fn certificate_file(
        self,
        actor: &Actor,
        serial: &str,
        today: Date,
    ) -> AppResult<String> {
        let view = self.certificate_for(actor, serial, today).await?;
        let r = &view.record;
        let proof = self
            .inclusion(LeafKind::Certificate, r.certificate_id)
            .await?;
        let file = CertificateFile {
            body: r.body.clone(),
            signature_hex: r.signature_hex.clone(),
            key_id: r.key_id.clone(),
            proof: Some(LogProof {
                serial: r.serial.clone(),
                leaf_index: proof.leaf_index,
                checkpoint: checkpoint_of(&proof.checkpoint),
                checkpoint_signature_hex: proof.checkpoint.signature_hex.clone(),
                checkpoint_key_id: proof.checkpoint.key_id.clone(),
                path: proof.path,
            }),
        };
        Ok(file.render())
    }

    /// A member's certificates, newest first.
    pub async fn member_certificates(self, member_id: i64) -> AppResult<Vec<CertificateRecord>> {
        Ok(self.trust_port().member_certificates(member_id).await?)
    }

    /// The certificates about one subject (`loan:42`), newest first.
    pub async fn subject_certificates(
        self,
        subject_ref: &str,
    ) -> AppResult<Vec<CertificateRecord>> {
        Ok(self.trust_port().subject_certificates(subject_ref).await?)
    }

    /// The latest certificates issued (the staff console).
    pub async fn latest_certificates(self, limit: u32) -> AppResult<Vec<CertificateRecord>> {
        Ok(self.trust_port().latest_certificates(limit).await?)
    }

    /// Revokes a certificate (a reviewer or manager, with a reason); the
    /// verification page shows it revoked from then on.
    pub async fn revoke_certificate(
        self,
        actor: &Actor,
        serial: &str,
        reason: &str,
        today: Date,
    ) -> AppResult<RevocationRecord> {
        let result = async {
            match &actor.principal {
                Some(p) if duties::CHECKERS.contains(&p.role) => {}
                _ => return Err(refused("ROLE_FORBIDDEN", "电子证明由审核员或管理员撤销")),
            }
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > 200 {
                return Err(refused(
                    "CERTIFICATE_REVOKE_REASON",
                    "请填写撤销原因（200 字以内）",
                ));
            }
            let view = self.certificate_status(serial, today).await?;
            let ids = self.posting_port().reserve_ids(2);
            let revocation = RevocationRecord {
                revocation_id: ids,
                serial: view.record.serial.clone(),
                revoked_on: today,
                reason: reason.to_string(),
                revoked_by: actor.recorded_login(),
            };
            let leaf = new_leaf(
                ids + 1,
                LeafKind::Revocation,
                ids,
                revocation_leaf_hash(&revocation),
            );
            self.trust_port()
                .revoke_certificate(&revocation, &leaf)
                .await?;
            Ok(revocation)
        }
        .await;
        let target = format!("certificate:{}", serial.trim());
        self.audited(
            actor,
            "certificate.revoke",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }
}

/// The signed text: title, issuer, serial, the facts, the dates, and how to
/// check it.
fn certificate_body(
    kind: CertificateKind,
    centre: &str,
    serial: &str,
    lines: &[(&'static str, String)],
    today: Date,
    valid_until: Option<Date>,
) -> String {
    let mut body = format!(
        "{}\n出具机构：{centre}\n证明编号：{serial}\n",
        kind.name_zh()
    );
    for (label, value) in lines {
        // One fact a line: no control character or line separator in a
        // value can start a new-looking line.
        let value: String = value
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        body.push_str(&format!("{label}：{value}\n"));
    }
    body.push_str(&format!("出具日期：{today}\n"));
    if let Some(until) = valid_until {
        body.push_str(&format!("有效期至：{until}\n"));
    }
    body.push_str(&format!(
        "核验方式：扫描二维码或在{centre}网上服务大厅「电子证明核验」输入证明编号；也可凭中心公布的公钥离线核验。\n"
    ));
    body
}
