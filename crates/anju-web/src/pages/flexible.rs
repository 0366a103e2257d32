//! 灵活就业人员: the public sign-up page (agreement, monthly amount, a sign-in
//! password in one step) and the deposit form on the member's page.

use super::fields::{FieldErrors, SignupInput};
use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::access::Actor;
use anju_app::collection::{AGREEMENT_VERSION, FlexibleSignup};
use anju_app::{App, AppError, AppResult};
use anju_domain::access::Channel;
use anju_domain::ids::{IdCardNo, MobileNo};
use anju_domain::{Fen, Period};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::time::Instant;

#[derive(Template)]
#[template(path = "flexible.html")]
struct SignupPage {
    layout: Layout,
    error: Option<String>,
    errors: FieldErrors,
    notice: Option<String>,
    agreement: &'static str,
    minimum: String,
    person: SignupInput,
    monthly: String,
}

fn signup_page(
    app: &App,
    error: Option<String>,
    errors: FieldErrors,
    form: Option<&SignupForm>,
) -> Response {
    let minimum = app
        .collection()
        .flexible_minimum_on(app.today())
        .map_or_else(|_| "-".to_string(), |m| m.to_string());
    let page = SignupPage {
        layout: Layout::new(app, None),
        error,
        errors,
        notice: None,
        agreement: AGREEMENT_VERSION,
        minimum,
        person: form
            .map(|f| f.person.without_password())
            .unwrap_or_default(),
        monthly: form.map(|f| f.monthly.clone()).unwrap_or_default(),
    };
    render(app, None, page.render())
}

pub async fn signup_form(State(state): State<WebState>) -> Response {
    signup_page(&state.app, None, FieldErrors::default(), None)
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(flatten)]
    person: SignupInput,
    monthly: String,
    #[serde(default)]
    agree: Option<String>,
}

fn parsed(form: &SignupForm) -> AppResult<FlexibleSignup> {
    Ok(FlexibleSignup {
        id_card: IdCardNo::parse(form.person.id_card.trim())?,
        name: form.person.name.trim().to_string(),
        mobile: MobileNo::parse(form.person.mobile.trim())?,
        monthly: anju_domain::collection::parse_wage(&form.monthly)?,
        agreed: form.agree.is_some(),
    })
}

/// The sign-up fields, the monthly amount and the agreement, all at once.
fn flexible_errors(state: &WebState, form: &SignupForm) -> FieldErrors {
    let mut errors = form.person.errors(state);
    errors.take(
        "monthly",
        anju_domain::collection::parse_wage(&form.monthly),
    );
    let agreed = if form.agree.is_some() {
        Ok(())
    } else {
        let message = "请阅读并同意缴存协议";
        Err(anju_domain::DomainError::new("AGREEMENT_REQUIRED", message))
    };
    errors.take("agree", agreed);
    errors
}

/// Whether this 身份证号 already has a sign-in (then the form's password is
/// not used).
async fn has_signin(state: &WebState, id_card: &str) -> bool {
    let Ok(id) = IdCardNo::parse(id_card.trim()) else {
        return false;
    };
    let collection = state.app.collection();
    let new_signin = collection.check_signup_password(&id, "", state.today());
    matches!(new_signin.await, Ok(false))
}

/// Signs the agreement, opens (or continues) the account and sets the
/// sign-in password; limited like registration since it probes ID numbers.
pub async fn signup_submit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Form(form): Form<SignupForm>,
) -> Response {
    let app = &state.app;
    if !state
        .signin_limiter
        .allow(&context.client_addr, Instant::now())
    {
        let message = Some("尝试次数过多，请一分钟后再试".into());
        let page = signup_page(app, message, FieldErrors::default(), Some(&form));
        return crate::pages::with_status(page, StatusCode::TOO_MANY_REQUESTS);
    }
    let mut errors = flexible_errors(&state, &form);
    if errors.of("password").is_some() && has_signin(&state, &form.person.id_card).await {
        // The existing sign-in stays: its password is not asked for again.
        errors.forget("password");
    }
    if !errors.is_empty() {
        let page = signup_page(app, None, errors, Some(&form));
        return crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let actor = Actor::anonymous(Channel::Online, &context.request_id, &context.client_addr);
    let today = state.today();
    // Everything that can refuse is checked before the sign-up writes, so a
    // refused password leaves no half-made account behind.
    let result = async {
        let signup = parsed(&form)?;
        let new_signin = app
            .collection()
            .check_signup_password(&signup.id_card, &form.person.password, today)
            .await?;
        app.collection()
            .sign_up_flexible(&actor, &signup, today)
            .await?;
        if new_signin {
            app.access()
                .register_member_signin(
                    &actor,
                    &form.person.id_card,
                    &form.person.name,
                    &form.person.mobile,
                    &form.person.password,
                    today,
                )
                .await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/signin?as=member").into_response(),
        Err(AppError::Rejected(d)) => crate::pages::with_status(
            signup_page(
                app,
                Some(d.message().to_string()),
                FieldErrors::default(),
                Some(&form),
            ),
            status_of(d.kind()),
        ),
        Err(e) => failure(app, None, e),
    }
}

pub struct DepositRow {
    pub period: i32,
    pub amount: Fen,
    pub paid_on: String,
    pub channel: String,
}

/// The flexible worker's part of the member page.
pub struct FlexiblePanel {
    pub signed_on: String,
    pub monthly: Fen,
    pub minimum: String,
    pub this_month: String,
    pub deposits: Vec<DepositRow>,
    pub channels: Vec<(&'static str, &'static str)>,
    pub request_key: String,
}

pub async fn flexible_panel(app: &App, member_id: i64) -> AppResult<Option<FlexiblePanel>> {
    let Some(agreement) = app.collection().flexible_agreement(member_id).await? else {
        return Ok(None);
    };
    let today = app.today();
    let deposits = app
        .collection()
        .flexible_deposits(member_id)
        .await?
        .iter()
        .map(|d| DepositRow {
            period: d.period,
            amount: d.amount_fen,
            paid_on: d.paid_on.to_string(),
            channel: d.channel.clone(),
        })
        .collect();
    Ok(Some(FlexiblePanel {
        signed_on: agreement.signed_on.to_string(),
        monthly: agreement.monthly_fen,
        minimum: app.collection().flexible_minimum_on(today)?.to_string(),
        this_month: Period::of_date(today).to_string(),
        deposits,
        channels: app
            .payment_adapters()
            .iter()
            .map(|a| (a.channel(), a.name_zh()))
            .collect(),
        request_key: anju_app::access::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(32)
            .collect(),
    }))
}

#[derive(Deserialize)]
pub struct DepositForm {
    period: String,
    amount: String,
    channel: String,
    /// Minted when the page was drawn: a resubmitted form deposits once.
    #[serde(default)]
    request_key: String,
}

/// A flexible worker's deposit; the member page shows the outcome.
pub async fn deposit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<DepositForm>,
) -> Response {
    let app = &state.app;
    let result: AppResult<String> = async {
        let member_id = session
            .principal
            .member_id
            .ok_or_else(|| anju_domain::DomainError::new("MEMBER_SCOPE", "账号未关联个人账户"))?;
        let period = Period::parse(form.period.trim())?;
        let amount = anju_domain::collection::parse_wage(&form.amount)?;
        let deposit = app
            .collection()
            .deposit_flexible(
                &session.actor(&context),
                member_id,
                period,
                amount,
                &form.channel,
                &form.request_key,
                state.today(),
            )
            .await?;
        Ok(format!(
            "{} 缴存 {} 已入账（{}）。",
            deposit.period, deposit.amount_fen, deposit.reference
        ))
    }
    .await;
    match result {
        Ok(notice) => super::people::member_page(&state, &session, Some(notice), None).await,
        Err(AppError::Rejected(d)) => {
            let mut page =
                super::people::member_page(&state, &session, None, Some(d.message().to_string()))
                    .await;
            page = crate::pages::with_status(page, status_of(d.kind()));
            page
        }
        Err(e) => failure(app, Some(&session), e),
    }
}
