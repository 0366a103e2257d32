//! 异地贷款开户: the public page where a person who contributes at another
//! centre opens a loan-only account here on that centre's certificate, with
//! a sign-in, then applies for a loan like any member.

use crate::context::RequestContext;
use crate::error::status_of;
use crate::pages::fields::{FieldErrors, SignupInput};
use crate::pages::{Layout, failure, render, with_status};
use crate::state::WebState;
use anju_app::AppError;
use anju_app::access::Actor;
use anju_app::loan::{RemoteCertificate, RemoteSignup};
use anju_domain::access::Channel;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize, Default)]
pub struct RemoteAccountForm {
    #[serde(flatten)]
    person: SignupInput,
    centre: String,
    certificate_no: String,
}

#[derive(Template)]
#[template(path = "register_remote.html")]
struct RemoteAccountPage<'a> {
    layout: Layout,
    error: Option<String>,
    errors: FieldErrors,
    /// Who signs up (the shared sign-up fields).
    person: &'a SignupInput,
    form: &'a RemoteAccountForm,
}

fn page(
    state: &WebState,
    error: Option<String>,
    errors: FieldErrors,
    form: &RemoteAccountForm,
) -> Response {
    let page = RemoteAccountPage {
        layout: Layout::new(&state.app, None),
        error,
        errors,
        person: &form.person,
        form,
    };
    render(&state.app, None, page.render())
}

pub async fn remote_account_form(State(state): State<WebState>) -> Response {
    page(
        &state,
        None,
        FieldErrors::default(),
        &RemoteAccountForm::default(),
    )
}

/// The sign-up fields and the certificate's two, all at once.
fn form_errors(state: &WebState, form: &RemoteAccountForm) -> FieldErrors {
    let mut errors = form.person.errors(state);
    let filled = |text: &str, message: &str| {
        if text.trim().is_empty() {
            Err(anju_domain::DomainError::new("FORM_INVALID", message))
        } else {
            Ok(())
        }
    };
    errors.take("centre", filled(&form.centre, "请填写缴存地公积金中心"));
    errors.take(
        "certificate_no",
        filled(&form.certificate_no, "请填写缴存使用证明编号"),
    );
    errors
}

/// Opens the account; limited like registration since it probes ID numbers.
pub async fn remote_account_submit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Form(form): Form<RemoteAccountForm>,
) -> Response {
    if !state
        .signin_limiter
        .allow(&context.client_addr, Instant::now())
    {
        let message = Some("尝试次数过多，请一分钟后再试".into());
        let busy = page(&state, message, FieldErrors::default(), &form);
        return with_status(busy, StatusCode::TOO_MANY_REQUESTS);
    }
    let errors = form_errors(&state, &form);
    if !errors.is_empty() {
        let refused = page(&state, None, errors, &form);
        return with_status(refused, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let actor = Actor::anonymous(Channel::Online, &context.request_id, &context.client_addr);
    let signup = RemoteSignup {
        id_card: form.person.id_card.clone(),
        name: form.person.name.clone(),
        mobile: form.person.mobile.clone(),
        password: form.person.password.clone(),
        certificate: RemoteCertificate {
            centre: form.centre.clone(),
            certificate_no: form.certificate_no.clone(),
        },
    };
    let result = state
        .app
        .loans()
        .open_remote_account(&actor, &signup, state.today())
        .await;
    match result {
        Ok(_) => Redirect::to("/signin?as=member").into_response(),
        Err(AppError::Rejected(d)) => with_status(
            page(
                &state,
                Some(d.message().to_string()),
                FieldErrors::default(),
                &form,
            ),
            status_of(d.kind()),
        ),
        Err(e) => failure(&state.app, None, e),
    }
}
