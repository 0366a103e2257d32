//! What every handler can reach: the application, the sign-in backend, the
//! sign-in rate limiter, the cookie settings and the console's long runs.

use crate::jobs::SettlementSlot;
use crate::limit::RateLimiter;
use anju_app::App;
use anju_app::access::{Authenticator, LocalAuthenticator};
use axum::extract::FromRef;
use std::sync::Arc;

/// Questions one client address may ask the assistant a minute.
pub const ASSISTANT_PER_MINUTE: u32 = 60;

#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub authenticator: Arc<dyn Authenticator>,
    pub signin_limiter: Arc<RateLimiter>,
    /// Questions to the assistant per client address per minute (each may
    /// write: a conversation, an unanswered question).
    pub assistant_limiter: Arc<RateLimiter>,
    pub options: WebOptions,
    /// The yearly settlement started from the staff console.
    pub settlement: Arc<SettlementSlot>,
}

#[derive(Debug, Clone, Copy)]
pub struct WebOptions {
    /// `Secure` on cookies; off only for plain-HTTP local use.
    pub secure_cookies: bool,
    /// Sign-in attempts allowed per client address per minute.
    pub signin_per_minute: u32,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            secure_cookies: true,
            signin_per_minute: 20,
        }
    }
}

impl WebState {
    pub fn new(app: App, options: WebOptions) -> WebState {
        WebState {
            app,
            authenticator: Arc::new(LocalAuthenticator),
            signin_limiter: Arc::new(RateLimiter::per_minute(options.signin_per_minute)),
            assistant_limiter: Arc::new(RateLimiter::per_minute(ASSISTANT_PER_MINUTE)),
            options,
            settlement: Arc::new(SettlementSlot::default()),
        }
    }
}

impl FromRef<WebState> for App {
    fn from_ref(state: &WebState) -> App {
        state.app.clone()
    }
}

impl WebState {
    /// The business date today, by the application's clock.
    pub fn today(&self) -> anju_domain::Date {
        self.app.today()
    }
}
