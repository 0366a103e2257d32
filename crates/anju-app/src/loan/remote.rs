//! 异地贷款开户: a person who contributes at another centre and buys a home
//! here opens a loan-only account (status 07 异地贷款) on that centre's
//! certificate (异地缴存使用证明), confirmed through the `CentreCertificates`
//! port. The holder's ID number and name and the 缴存基数 are the issuing
//! centre's, not the form's. The account takes no contributions and pays no
//! withdrawals; it holds the person's loans and online sign-in. When an
//! employer here enrols the person it becomes an ordinary account.

use super::RemoteCertificate;
use crate::access::Actor;
use crate::{App, AppResult, Loans};
use anju_domain::collection::MemberStatus;
use anju_domain::ids::{IdCardNo, MobileNo};
use anju_domain::{Date, DomainError};
use anju_store::UserRecord;

/// What the person types on the 异地贷款开户 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSignup {
    pub id_card: String,
    pub name: String,
    pub mobile: String,
    pub password: String,
    pub certificate: RemoteCertificate,
}

impl Loans<'_> {
    /// Opens the loan-only account and its sign-in. Nothing is written
    /// unless the issuing centre confirms the certificate is this person's;
    /// a sign-up that stopped after the account was opened resumes.
    pub async fn open_remote_account(
        self,
        actor: &Actor,
        signup: &RemoteSignup,
        today: Date,
    ) -> AppResult<UserRecord> {
        let result = self.try_open_remote_account(signup, today).await;
        let target = IdCardNo::parse(signup.id_card.trim())
            .map_or_else(|_| "-".to_string(), |i| format!("member:{}", i.masked()));
        let payload = signup.certificate.certificate_no.trim().as_bytes();
        self.audited(actor, "loan.remote_account", &target, payload, result)
            .await
    }
}

impl App {
    async fn try_open_remote_account(
        &self,
        s: &RemoteSignup,
        today: Date,
    ) -> AppResult<UserRecord> {
        let id_card = IdCardNo::parse(s.id_card.trim())?;
        MobileNo::parse(s.mobile.trim())?;
        // The same password rule as every online sign-up, before anything
        // is written (a person who already has a sign-in is refused below).
        self.collection()
            .check_signup_password(&id_card, &s.password, today)
            .await?;
        let check = self.check_certificate(&id_card, &s.certificate).await?;
        let certificate = check
            .outcome
            .map_err(|why| DomainError::new("REMOTE_CERTIFICATE_REFUSED", why))?;
        if certificate.holder_name != s.name.trim() {
            return Err(DomainError::new(
                "REMOTE_CERTIFICATE_REFUSED",
                "姓名与缴存使用证明上的缴存人姓名不一致",
            )
            .into());
        }
        match self
            .collection_port()
            .member_by_id_card(id_card.as_str())
            .await?
        {
            // The base column holds the base the issuing centre certified:
            // nothing is contributed here.
            None => {
                let status = MemberStatus::RemoteBorrower;
                let (id_card, name) = (id_card.as_str(), &certificate.holder_name);
                self.open_account_without_employer(id_card, name, status, certificate.base, today)
                    .await?;
            }
            Some(m) if m.status == MemberStatus::RemoteBorrower => {}
            Some(_) => {
                return Err(DomainError::new(
                    "MEMBER_EXISTS",
                    "您在本中心已有住房公积金账户，请通过“个人注册”开通网上服务后申请贷款",
                )
                .into());
            }
        }
        self.try_register_member_signin(
            id_card.as_str(),
            &certificate.holder_name,
            s.mobile.trim(),
            &s.password,
            today,
        )
        .await
    }
}
