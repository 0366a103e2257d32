//! 网点与预约 over the JSON API, the twins of `/outlets` and
//! `/member/appointments`: the outlets with the 10-minute service circle,
//! an outlet's slots, and a member's appointments (book, list, cancel).

use crate::api::{JsonBody, answered, body_of, member_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::outlets::{AppointmentRecord, BookingRequest, DaySlots};
use anju_domain::Date;
use anju_domain::outlets::{Coverage, Outlet, clock_text};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

#[derive(Serialize, schemars::JsonSchema)]
pub struct OutletView {
    code: String,
    name: String,
    /// `centre` or `partner_bank`.
    kind: &'static str,
    district: String,
    address: String,
    /// WGS 84 degrees, as decimal text (exact as published).
    lon: String,
    lat: String,
    hours: String,
    /// Catalogue codes of the services taken here.
    services: Vec<String>,
    windows: u16,
    appointment_windows: u16,
    /// False: the address and coordinates are not confirmed (待核实).
    verified: bool,
}

fn degrees(micro: i64) -> String {
    let sign = if micro < 0 { "-" } else { "" };
    let abs = micro.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

fn outlet_view(o: &Outlet) -> OutletView {
    OutletView {
        code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind.code(),
        district: o.district.clone(),
        address: o.address.clone(),
        lon: degrees(o.at.lon_micro),
        lat: degrees(o.at.lat_micro),
        hours: o.hours_text(),
        services: o.services.clone(),
        windows: o.windows,
        appointment_windows: o.appointment_windows,
        verified: o.verified,
    }
}

/// The share of the population grid within ten minutes of an outlet.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CircleView {
    /// 步行 or 驾车.
    mode: &'static str,
    speed_kmh: f64,
    detour_percent: f64,
    minutes: f64,
    covered: i64,
    population: i64,
    /// Tenths of a percent.
    covered_permille: i64,
}

fn circle_view(c: &Coverage) -> CircleView {
    CircleView {
        mode: c.travel.name,
        speed_kmh: c.travel.speed_kmh,
        detour_percent: c.travel.detour_percent,
        minutes: c.travel.minutes,
        covered: c.covered,
        population: c.population,
        covered_permille: c.permille(),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct OutletsView {
    business_date: String,
    outlets: Vec<OutletView>,
    /// Over a synthetic population grid (not census data).
    service_circle: Vec<CircleView>,
}

pub async fn outlets(State(state): State<WebState>) -> Response {
    let today = state.today();
    let result = (|| {
        let outlets = state.app.outlets().outlets(today)?;
        let circle = state.app.outlets().service_circle(today)?;
        Ok(OutletsView {
            business_date: today.to_string(),
            outlets: outlets.iter().map(outlet_view).collect(),
            service_circle: vec![circle_view(&circle.walking), circle_view(&circle.driving)],
        })
    })();
    answered(StatusCode::OK, result)
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct SlotView {
    day: String,
    /// "09:30".
    start: String,
    /// Minutes after midnight, as a booking names the slot.
    slot_min: u16,
    places_left: i64,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct SlotsView {
    outlet: String,
    slots: Vec<SlotView>,
}

fn slot_views(days: &[DaySlots]) -> Vec<SlotView> {
    days.iter()
        .flat_map(|d| {
            d.slots.iter().map(|(start, left)| SlotView {
                day: d.day.to_string(),
                start: clock_text(*start),
                slot_min: *start,
                places_left: *left,
            })
        })
        .collect()
}

pub async fn slots(State(state): State<WebState>, Path(code): Path<String>) -> Response {
    let result = state
        .app
        .outlets()
        .open_slots(&code, state.today())
        .await
        .map(|days| SlotsView {
            outlet: code.clone(),
            slots: slot_views(&days),
        });
    answered(StatusCode::OK, result)
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct AppointmentView {
    appointment_id: i64,
    outlet: String,
    day: String,
    start: String,
    slot_min: u16,
    service: String,
    /// `booked`, `arrived`, `cancelled` or `no_show` (a booked one whose day passed).
    status: &'static str,
}

fn appointment_view(a: &AppointmentRecord, today: Date) -> AppointmentView {
    AppointmentView {
        appointment_id: a.appointment_id,
        outlet: a.outlet_code.clone(),
        day: a.day.to_string(),
        start: clock_text(a.slot_min),
        slot_min: a.slot_min,
        service: a.service_code.clone(),
        status: a.status.on(a.day, today).code(),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct AppointmentsView {
    items: Vec<AppointmentView>,
}

pub async fn my_appointments(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let today = state.today();
    let result = async {
        member_of(&session)?;
        let mine = state
            .app
            .outlets()
            .my_appointments(&session.actor(&context))
            .await?;
        Ok(AppointmentsView {
            items: mine.iter().map(|a| appointment_view(a, today)).collect(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct BookBody {
    outlet: String,
    /// YYYY-MM-DD.
    day: String,
    /// The slot's start in minutes after midnight (540 = 09:00).
    slot_min: u16,
    /// The catalogue code of the service (e.g. TQ01).
    service: String,
}

pub async fn book(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<BookBody>,
) -> Response {
    let expected = r#"{"outlet": "WD01", "day": "2026-12-08", "slot_min": 540, "service": "TQ01"}"#;
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let today = state.today();
    let result = async {
        let request = BookingRequest {
            outlet_code: body.outlet.clone(),
            day: Date::parse(&body.day)?,
            slot_min: body.slot_min,
            service_code: body.service.clone(),
        };
        let booked = state
            .app
            .outlets()
            .book(&session.actor(&context), &request, today)
            .await?;
        Ok(appointment_view(&booked, today))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

pub async fn cancel(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let today = state.today();
    let actor = session.actor(&context);
    let result = async {
        state.app.outlets().cancel(&actor, id, today).await?;
        let mine = state.app.outlets().my_appointments(&actor).await?;
        let cancelled = mine.iter().find(|a| a.appointment_id == id);
        Ok(cancelled.map(|a| appointment_view(a, today)))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TicketBody {
    outlet: String,
    /// The catalogue code of the service (e.g. TQ01).
    service: String,
}

/// A queue number taken online, with the people before it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct TicketView {
    outlet: String,
    day: String,
    number: i64,
    service: String,
    called: bool,
    ahead: i64,
    wait_minutes: u32,
}

pub async fn take_ticket(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<TicketBody>,
) -> Response {
    let body = match body_of(body, r#"{"outlet": "WD01", "service": "TQ01"}"#) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = state
        .app
        .outlets()
        .take_ticket(
            &session.actor(&context),
            &body.outlet,
            &body.service,
            state.today(),
        )
        .await
        .map(|t| TicketView {
            outlet: t.record.outlet_code.clone(),
            day: t.record.day.to_string(),
            number: t.record.number,
            service: t.record.service_code.clone(),
            called: t.record.called,
            ahead: t.ahead,
            wait_minutes: t.wait_minutes,
        });
    answered(StatusCode::CREATED, result)
}
