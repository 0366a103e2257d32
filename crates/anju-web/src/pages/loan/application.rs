//! The member's loans and the application: the form, its 试算 (the
//! assessment on request) and the submission.

use super::{CapRow, Refusal, card, form_error, optional_yuan, rate_text, required_yuan};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::pages::fields::{FieldErrors, Said};
use crate::pages::{Layout, failure, no_member_account, render};
use crate::state::WebState;
use anju_app::loan::{CommercialPart, LoanApplication, LoanAssessment, RemoteCertificate};
use anju_app::{AppError, AppResult};
use anju_domain::Coded;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::{self, Method, PropertyKind};
use anju_domain::{DomainError, Fen, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

/// The application form's fields, from the 试算 query or the submission.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct LoanForm {
    #[serde(default)]
    pub co_borrower_id_card: String,
    #[serde(default)]
    pub property_kind: String,
    #[serde(default)]
    pub property_address: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub appraisal: String,
    #[serde(default)]
    pub monthly_income: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub seller_name: String,
    #[serde(default)]
    pub seller_account: String,
    #[serde(default)]
    pub repay_card: String,
    #[serde(default)]
    pub entrusted: Option<String>,
    #[serde(default)]
    pub remote_centre: String,
    #[serde(default)]
    pub remote_certificate_no: String,
    #[serde(default)]
    pub commercial_bank: String,
    #[serde(default)]
    pub commercial_amount: String,
    #[serde(default)]
    pub commercial_rate: String,
    #[serde(default)]
    pub request_key: String,
}
impl LoanForm {
    /// The form a member starts from: a new home, 等额本息. The grade and
    /// first-home status are not asked: they come from the registries.
    pub fn fresh() -> LoanForm {
        LoanForm {
            property_kind: "new".into(),
            method: Method::Annuity.code().into(),
            ..LoanForm::default()
        }
    }

    /// The application the app assesses, or what is wrong with the form as
    /// one refusal (every message joined). For 试算 (`checking`) a blank
    /// amount asks only for the limit, and no card is needed.
    pub fn application(&self, checking: bool) -> Result<LoanApplication, DomainError> {
        self.application_fields(checking).map_err(|errors| {
            errors
                .joined()
                .unwrap_or_else(|| form_error("申请表填写有误".into()))
        })
    }

    /// The application, or every refused field with its message.
    pub fn application_fields(&self, checking: bool) -> Result<LoanApplication, FieldErrors> {
        let mut errors = FieldErrors::default();
        let area = errors.take("area", area_of(&self.area));
        let amount = errors.take("amount", self.amount_of(checking));
        let months = errors.take("months", months_of(&self.months));
        // 组合贷款: its amount and rate are checked when any of it is filled.
        let commercial = if self.has_commercial() {
            let amount = errors.take(
                "commercial_amount",
                required_yuan(&self.commercial_amount, "商业贷款金额"),
            );
            let rate = errors.take("commercial_rate", self.commercial_rate_of());
            amount.zip(rate).map(|(amount, rate)| {
                Some(CommercialPart {
                    bank: self.commercial_bank.trim().to_string(),
                    amount,
                    rate,
                })
            })
        } else {
            Some(None)
        };
        let seller_account = errors.take(
            "seller_account",
            self.card_of(checking, &self.seller_account, "售房人收款账号"),
        );
        let repay_card = errors.take(
            "repay_card",
            self.card_of(checking, &self.repay_card, "还款银行卡号"),
        );
        let property_kind = errors.take("property_kind", kind_of(&self.property_kind));
        let price = errors.take("price", required_yuan(&self.price, "房价"));
        let appraisal = errors.take("appraisal", optional_yuan(&self.appraisal, "评估价"));
        let income = errors.take(
            "monthly_income",
            required_yuan(&self.monthly_income, "家庭月收入"),
        );
        let method = errors.take("method", method_of(&self.method));
        let (
            Some(area),
            Some(amount),
            Some(months),
            Some(commercial),
            Some(seller_account),
            Some(repay_card),
            Some(property_kind),
            Some(price),
            Some(appraisal),
            Some(monthly_income),
            Some(method),
        ) = (
            area,
            amount,
            months,
            commercial,
            seller_account,
            repay_card,
            property_kind,
            price,
            appraisal,
            income,
            method,
        )
        else {
            return Err(errors);
        };
        Ok(LoanApplication {
            request_key: self.request_key.trim().to_string(),
            co_borrower_id_cards: self
                .co_borrower_id_card
                .split([',', '，', ' '])
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            property_kind,
            property_address: self.property_address.trim().to_string(),
            price,
            appraisal,
            area_centi_m2: area,
            monthly_income,
            amount,
            months,
            method,
            seller_name: self.seller_name.trim().to_string(),
            seller_account,
            repay_card,
            entrusted: self.entrusted.is_some(),
            remote: self.remote_of(),
            commercial,
        })
    }

    fn amount_of(&self, checking: bool) -> Result<Fen, DomainError> {
        let amount = optional_yuan(&self.amount, "贷款金额")?;
        match (amount, checking) {
            (Some(amount), _) => Ok(amount),
            (None, true) => Ok(Fen::ZERO),
            (None, false) => Err(DomainError::new("AMOUNT_REQUIRED", "请填写贷款金额")),
        }
    }

    /// A card the bank will use; a 试算 needs none.
    fn card_of(&self, checking: bool, text: &str, label: &str) -> Result<String, DomainError> {
        if checking {
            Ok(String::new())
        } else {
            card(text, label)
        }
    }

    /// The certificate's figures come from the issuing centre, not the form.
    fn remote_of(&self) -> Option<RemoteCertificate> {
        [&self.remote_centre, &self.remote_certificate_no]
            .iter()
            .any(|f| !f.trim().is_empty())
            .then(|| RemoteCertificate {
                centre: self.remote_centre.trim().to_string(),
                certificate_no: self.remote_certificate_no.trim().to_string(),
            })
    }

    /// Whether any of the commercial part (组合贷款) is filled in.
    fn has_commercial(&self) -> bool {
        [
            &self.commercial_bank,
            &self.commercial_amount,
            &self.commercial_rate,
        ]
        .iter()
        .any(|f| !f.trim().is_empty())
    }

    fn commercial_rate_of(&self) -> Result<RatePpm, DomainError> {
        match self.commercial_rate.trim() {
            "" => Err(form_error("请填写商业贷款利率（%）".into())),
            text => RatePpm::parse_percent(text)
                .map_err(|e| DomainError::new(e.code(), format!("商业贷款利率：{}", e.message()))),
        }
    }
}

fn area_of(text: &str) -> Result<i64, DomainError> {
    match text.trim() {
        "" => Ok(0),
        text => Fen::parse(text)
            .map(Fen::get)
            .map_err(|_| form_error("建筑面积须为数字，最多两位小数（如 89.50）".into())),
    }
}

fn months_of(text: &str) -> Result<u32, DomainError> {
    match text.trim() {
        "" => Err(form_error("请填写贷款期限（月）".into())),
        text => text
            .parse::<u32>()
            .map_err(|_| form_error("贷款期限须为整数月数（1–360）".into())),
    }
}

fn kind_of(text: &str) -> Result<PropertyKind, DomainError> {
    PropertyKind::parse(text.trim()).map_err(|_| {
        DomainError::new(
            "PROPERTY_KIND_UNKNOWN",
            "请选择房屋类型（期房、二手房、现房）",
        )
    })
}

fn method_of(text: &str) -> Result<Method, DomainError> {
    match text.trim() {
        "" => Ok(Method::Annuity),
        method => Method::parse(method),
    }
}

pub struct LoanRow {
    pub id: i64,
    pub applied_on: String,
    pub amount: Fen,
    pub months: i32,
    pub method: &'static str,
    pub rate: String,
    pub status: &'static str,
    pub outstanding: Fen,
    pub grade: &'static str,
    pub next_due: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "member_loans.html")]
struct LoansPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<Refusal>,
    errors: FieldErrors,
    loans: Vec<LoanRow>,
    /// Loans naming this member as a co-borrower, waiting for their word.
    awaiting: Vec<ConsentRow>,
    form: LoanForm,
    request_key: String,
    kinds: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
}

pub struct ConsentRow {
    pub id: i64,
    pub applied_on: String,
    pub amount: Fen,
    pub months: i32,
    pub property_address: String,
}

pub struct ScheduleLine {
    pub period: u32,
    pub payment: Fen,
    pub principal: Fen,
    pub interest: Fen,
}

fn line(i: &loan::Installment) -> ScheduleLine {
    ScheduleLine {
        period: i.period,
        payment: i.payment,
        principal: i.principal,
        interest: i.interest,
    }
}

/// 试算: what the assessment says about the form as it stands.
pub struct CheckView {
    pub allowed: bool,
    pub refusals: Vec<String>,
    pub first_home: bool,
    /// The bureau's grade and where every fact came from.
    pub grade: &'static str,
    pub sources: Vec<String>,
    pub caps: Vec<CapRow>,
    pub limit: Fen,
    pub binding: &'static str,
    pub rate: String,
    pub max_months: u32,
    pub balances: Fen,
    pub parties: usize,
    pub months: usize,
    pub first: Option<ScheduleLine>,
    pub last: Option<ScheduleLine>,
    pub total_interest: Fen,
}

pub fn check_view(a: &LoanAssessment) -> AppResult<CheckView> {
    let totals = if a.schedule.is_empty() {
        None
    } else {
        Some(loan::totals(&a.schedule)?)
    };
    Ok(CheckView {
        allowed: a.allowed(),
        refusals: a.eligibility.refusals.clone(),
        first_home: a.eligibility.first_home,
        grade: a.grade.code(),
        sources: a.sources.clone(),
        caps: a
            .limit
            .caps
            .iter()
            .map(|c| CapRow {
                name: c.kind.name(),
                amount: c.amount,
                basis: c.basis.to_string(),
                binding: c.kind == a.limit.binding,
            })
            .collect(),
        limit: a.limit.limit,
        binding: a.limit.binding.name(),
        rate: a.rate.to_string(),
        max_months: a.max_months,
        balances: a.balances,
        parties: a.parties.len(),
        months: a.schedule.len(),
        first: a.schedule.first().map(line),
        last: a.schedule.last().map(line),
        total_interest: totals.map_or(Fen::ZERO, |t| t.interest),
    })
}

#[derive(Template)]
#[template(path = "loan_check.html")]
struct CheckFragment {
    error: Option<Refusal>,
    view: Option<CheckView>,
}

async fn loan_rows(state: &WebState, member_id: i64) -> AppResult<Vec<LoanRow>> {
    let mut rows = Vec::new();
    for item in state.app.loans().loan_list(member_id).await? {
        let (l, next) = (item.loan, item.next_unpaid);
        rows.push(LoanRow {
            id: l.loan_id,
            applied_on: l.applied_on.to_string(),
            amount: l.amount_fen,
            months: l.months,
            method: l.method.name(),
            rate: rate_text(l.rate_ppm.ppm()),
            status: l.status.name_zh(),
            outstanding: l.outstanding_fen,
            grade: if l.status == LoanStatus::Active {
                l.grade.name()
            } else {
                "-"
            },
            next_due: next.map_or_else(
                || "-".to_string(),
                |i| {
                    format!(
                        "{} {}",
                        i.due_date,
                        Fen::new(i.principal_fen.get() + i.interest_fen.get())
                    )
                },
            ),
            note: if l.status == LoanStatus::Rejected {
                l.note.clone()
            } else {
                String::new()
            },
        });
    }
    Ok(rows)
}

async fn loans_page(
    state: &WebState,
    session: &Session,
    form: LoanForm,
    said: Said<Refusal>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(session));
    };
    let (loans, awaited) = match (
        loan_rows(state, member_id).await,
        app.loans().consents_awaited(member_id).await,
    ) {
        (Ok(loans), Ok(awaited)) => (loans, awaited),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(session), e),
    };
    let awaiting = awaited
        .iter()
        .map(|l| ConsentRow {
            id: l.loan_id,
            applied_on: l.applied_on.to_string(),
            amount: l.amount_fen,
            months: l.months,
            property_address: l.property_address.clone(),
        })
        .collect();
    let page = LoansPage {
        layout: Layout::new(app, Some(session)),
        notice: said.notice,
        error: said.error,
        errors: said.errors,
        loans,
        awaiting,
        form,
        request_key: anju_app::access::random_token(),
        kinds: PropertyKind::ALL
            .iter()
            .map(|k| (k.code(), k.name_zh()))
            .collect(),
        methods: [Method::Annuity, Method::EqualPrincipal]
            .into_iter()
            .map(|m| (m.code(), m.name()))
            .collect(),
    };
    render(app, Some(session), page.render())
}

/// 我的贷款: the loans and the application form.
pub async fn member_loans(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let form = LoanForm::fresh();
    loans_page(&state, &session, form, Said::default()).await
}

/// 试算 (a fragment): the assessment of the form as it stands; saves nothing.
pub async fn member_loan_check(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(form): Query<LoanForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let assessed = match form.application(true) {
        Ok(application) => app
            .loans()
            .assess_loan(member_id, &application, state.today())
            .await
            .and_then(|a| check_view(&a)),
        Err(e) => Err(e.into()),
    };
    let fragment = match assessed {
        Ok(view) => CheckFragment {
            error: None,
            view: Some(view),
        },
        Err(AppError::Rejected(e)) => CheckFragment {
            error: Some(Refusal::of(&e)),
            view: None,
        },
        Err(e) => return failure(app, Some(&session), e),
    };
    render(app, Some(&session), fragment.render())
}

/// 提交贷款申请: a refusal names why and writes nothing.
pub async fn member_loan_apply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<LoanForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let result = match form.application_fields(false) {
        Err(errors) => {
            let page = loans_page(&state, &session, form, Said::fields(errors)).await;
            return crate::pages::with_status(page, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        }
        Ok(application) => {
            app.loans()
                .apply_loan(
                    &session.actor(&context),
                    member_id,
                    application,
                    state.today(),
                )
                .await
        }
    };
    match result {
        Ok(l) => {
            let notice = format!(
                "贷款申请已提交（贷款编号 {}，{}，{} 个月），{}。",
                l.loan_id,
                l.amount_fen,
                l.months,
                l.status.name_zh()
            );
            let form = LoanForm::fresh();
            loans_page(&state, &session, form, Said::notice(notice)).await
        }
        Err(AppError::Rejected(e)) => crate::pages::with_status(
            loans_page(&state, &session, form, Said::error(Refusal::of(&e))).await,
            status_of(e.kind()),
        ),
        Err(e) => failure(app, Some(&session), e),
    }
}

/// 共同借款人确认: the co-borrower, signed in as themselves, agrees.
pub async fn member_loan_consent(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let app = &state.app;
    let result = app
        .loans()
        .consent_to_loan(&session.actor(&context), id, state.today())
        .await;
    match result {
        Ok(l) => {
            let notice = format!("您已确认作为贷款 {} 的共同借款人。", l.loan_id);
            loans_page(&state, &session, LoanForm::fresh(), Said::notice(notice)).await
        }
        Err(AppError::Rejected(e)) => {
            let said = Said::error(Refusal::of(&e));
            crate::pages::with_status(
                loans_page(&state, &session, LoanForm::fresh(), said).await,
                status_of(e.kind()),
            )
        }
        Err(e) => failure(app, Some(&session), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> LoanForm {
        LoanForm {
            property_address: "苏州市姑苏区人民路 1 号".into(),
            area: "89.5".into(),
            price: "2000000".into(),
            monthly_income: "20000.00".into(),
            amount: "300000".into(),
            months: "240".into(),
            seller_name: "苏州房产有限公司".into(),
            seller_account: "62220201000041234".into(),
            repay_card: "62220201000041234".into(),
            request_key: "k".into(),
            ..LoanForm::fresh()
        }
    }

    #[test]
    fn the_form_reads_yuan_area_and_the_optional_parts() {
        let a = filled().application(false).expect("application");
        assert_eq!(a.area_centi_m2, 8950);
        assert_eq!(a.price, Fen::new(200_000_000));
        assert!(a.remote.is_none() && a.commercial.is_none());
        let mut form = filled();
        form.commercial_bank = "工商银行".into();
        form.commercial_amount = "100000".into();
        form.commercial_rate = "3.05".into();
        form.remote_centre = "上海市住房公积金管理中心".into();
        form.remote_certificate_no = "SH-ZM-2026-000123".into();
        let a = form.application(false).expect("application");
        assert_eq!(a.commercial.expect("commercial").rate.ppm(), 30_500);
        assert_eq!(
            a.remote.expect("remote").certificate_no,
            "SH-ZM-2026-000123",
            "only the number: the figures come from the centre"
        );
    }

    #[test]
    fn a_bad_card_is_named_and_a_check_needs_no_card() {
        let mut form = filled();
        form.repay_card = "62220201000041235".into();
        let e = form.application(false).expect_err("bad card");
        assert_eq!(e.code(), "BANK_CARD_CHECKSUM");
        assert!(e.message().starts_with("还款银行卡号："), "{}", e.message());
        form.amount = String::new();
        assert_eq!(form.application(true).expect("check").amount, Fen::ZERO);
    }
}
