//! 网点与预约 pages: the outlet map (an SVG drawn here from the outlets'
//! coordinates and the population grid, so it needs no tiles and no
//! internet) with the 10-minute service circle; an outlet's slots; a
//! member's appointments; the desk's day list with check-in.

use super::staff_collection::answer;
use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::qr::attr_escape;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::outlets::{AppointmentRecord, BookingRequest, DaySlots, ServiceCircle};
use anju_domain::Date;
use anju_domain::outlets::{Coverage, GridCell, Outlet, OutletKind, Point, clock_text};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use std::fmt::Write as _;

/// The map's width in SVG units; its height follows the outlets' extent.
const MAP_WIDTH: f64 = 800.0;
const MAP_MARGIN: f64 = 24.0;

pub struct OutletRow {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub district: String,
    pub address: String,
    pub hours: String,
    pub services: String,
    pub windows: u16,
    pub verified: bool,
}

fn outlet_row(o: &Outlet) -> OutletRow {
    OutletRow {
        code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind.name_zh(),
        district: o.district.clone(),
        address: o.address.clone(),
        hours: o.hours_text(),
        services: o.services.join("、"),
        windows: o.windows,
        verified: o.verified,
    }
}

pub struct CircleFigure {
    pub mode: &'static str,
    pub assumption: String,
    pub covered: i64,
    pub population: i64,
    pub percent: String,
}

fn circle_figure(c: &Coverage) -> CircleFigure {
    let t = c.travel;
    CircleFigure {
        mode: t.name,
        assumption: format!(
            "{} 公里/小时，道路绕行按直线距离的 {}%，{} 分钟",
            t.speed_kmh, t.detour_percent, t.minutes
        ),
        covered: c.covered,
        population: c.population,
        percent: format!("{}.{}%", c.permille() / 10, c.permille() % 10),
    }
}

/// Projects degrees onto the map: equirectangular, longitude shrunk by
/// the cosine of the middle latitude so distances read true.
struct Projection {
    min_lon: f64,
    max_lat: f64,
    scale: f64,
    shrink: f64,
    height: f64,
}

impl Projection {
    fn over(points: &[Point]) -> Projection {
        let degrees = |p: &Point| (p.lon_micro as f64 / 1e6, p.lat_micro as f64 / 1e6);
        let (mut min_lon, mut max_lon) = (f64::MAX, f64::MIN);
        let (mut min_lat, mut max_lat) = (f64::MAX, f64::MIN);
        for (lon, lat) in points.iter().map(degrees) {
            (min_lon, max_lon) = (min_lon.min(lon), max_lon.max(lon));
            (min_lat, max_lat) = (min_lat.min(lat), max_lat.max(lat));
        }
        let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let span_x = ((max_lon - min_lon) * shrink).max(1e-6);
        let scale = (MAP_WIDTH - 2.0 * MAP_MARGIN) / span_x;
        Projection {
            min_lon,
            max_lat,
            scale,
            shrink,
            height: (max_lat - min_lat) * scale + 2.0 * MAP_MARGIN,
        }
    }

    fn xy(&self, p: Point) -> (f64, f64) {
        let (lon, lat) = (p.lon_micro as f64 / 1e6, p.lat_micro as f64 / 1e6);
        (
            MAP_MARGIN + (lon - self.min_lon) * self.shrink * self.scale,
            MAP_MARGIN + (self.max_lat - lat) * self.scale,
        )
    }
}

/// The SVG: population cells shaded by whether they are within ten
/// minutes walking, driving or neither; outlets as dots with their names.
/// A picture, not controls: the list under it links to each outlet.
fn map_svg(outlets: &[Outlet], grid: &[GridCell], circle: &ServiceCircle) -> String {
    let mut points: Vec<Point> = outlets.iter().map(|o| o.at).collect();
    points.extend(grid.iter().map(|c| c.at));
    let p = Projection::over(&points);
    let cell = 0.01 * p.scale;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {MAP_WIDTH} {:.0}\" class=\"map\" \
         role=\"img\" aria-labelledby=\"map-title\"><title id=\"map-title\">苏州市住房公积金服务网点分布及十分钟服务圈示意图</title>\
         <rect width=\"100%\" height=\"100%\" class=\"map-sea\"/>",
        p.height
    );
    for (i, c) in grid.iter().enumerate() {
        let (x, y) = p.xy(c.at);
        let tier = if circle.walking.minutes.get(i).is_some_and(|m| *m <= 10.0) {
            "walk"
        } else if circle.driving.minutes.get(i).is_some_and(|m| *m <= 10.0) {
            "drive"
        } else {
            "far"
        };
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{cell:.1}\" height=\"{:.1}\" class=\"cell-{tier}\"/>",
            x - cell * p.shrink / 2.0,
            y - cell / 2.0,
            cell * p.shrink
        );
    }
    for o in outlets {
        let (x, y) = p.xy(o.at);
        let class = match o.kind {
            OutletKind::Centre => "outlet-centre",
            OutletKind::PartnerBank => "outlet-bank",
        };
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\" class=\"{class}\"><title>{name}</title></circle>",
            name = attr_escape(&o.name)
        );
        if o.kind == OutletKind::Centre {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"map-label\">{}</text>",
                x + 8.0,
                y + 4.0,
                attr_escape(&o.district)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Template)]
#[template(path = "outlets.html")]
struct OutletsPage {
    layout: Layout,
    map: String,
    circles: Vec<CircleFigure>,
    outlets: Vec<OutletRow>,
}

/// 网点地图: public.
pub async fn outlets_page(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
) -> Response {
    let app = &state.app;
    let session = session.as_deref();
    let today = state.today();
    let loaded = (|| {
        let outlets = app.outlets().outlets(today)?;
        let circle = app.outlets().service_circle(today)?;
        let grid = anju_app::outlets::built_in_grid()?;
        Ok::<_, anju_app::AppError>((outlets, circle, grid))
    })();
    let (outlets, circle, grid) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, session, e),
    };
    let page = OutletsPage {
        layout: Layout::new(app, session),
        map: map_svg(&outlets, grid, &circle),
        circles: vec![
            circle_figure(&circle.walking),
            circle_figure(&circle.driving),
        ],
        outlets: outlets.iter().map(outlet_row).collect(),
    };
    render(app, session, page.render())
}

pub struct DayView {
    pub day: String,
    pub weekday: &'static str,
    pub slots: Vec<(String, u16, i64)>,
}

fn day_view(d: &DaySlots) -> DayView {
    DayView {
        day: d.day.to_string(),
        weekday: ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"]
            [usize::from(d.day.weekday())],
        slots: d
            .slots
            .iter()
            .map(|(start, left)| (clock_text(*start), *start, *left))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "outlet.html")]
struct OutletPage {
    layout: Layout,
    outlet: OutletRow,
    member: bool,
    days: Vec<DayView>,
    services: Vec<(String, String)>,
    open_today: bool,
    waiting: i64,
    expected_wait: u32,
}

/// 网点详情与可预约时段: public; members book from here.
pub async fn outlet_page(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
    Path(code): Path<String>,
) -> Response {
    let app = &state.app;
    let session = session.as_deref();
    let today = state.today();
    let loaded = async {
        let outlet = app.outlets().outlet(&code, today)?;
        let days = app.outlets().open_slots(&code, today).await?;
        let catalogue = app.service_catalogue(today)?;
        let queue = app.outlets().queue_now(&code, today).await?;
        let open_today = app.outlets().is_open(&outlet, today)?;
        Ok::<_, anju_app::AppError>((outlet, days, catalogue, queue, open_today))
    }
    .await;
    let (outlet, days, catalogue, (waiting, expected_wait), open_today) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, session, e),
    };
    let services = outlet
        .services
        .iter()
        .map(|c| {
            let name = catalogue
                .iter()
                .find(|e| &e.code == c)
                .map(|e| e.name.clone());
            (c.clone(), name.unwrap_or_else(|| c.clone()))
        })
        .collect();
    let page = OutletPage {
        layout: Layout::new(app, session),
        member: session.is_some_and(|s| s.principal.member_id.is_some()),
        days: days.iter().map(day_view).collect(),
        services,
        open_today,
        waiting,
        expected_wait,
        outlet: outlet_row(&outlet),
    };
    render(app, session, page.render())
}

pub struct AppointmentRow {
    pub id: i64,
    pub outlet_code: String,
    pub outlet: String,
    pub day: String,
    pub slot: String,
    pub service: String,
    pub status: &'static str,
    pub cancellable: bool,
    pub arrivable: bool,
}

fn appointment_row(state: &WebState, a: &AppointmentRecord, today: Date) -> AppointmentRow {
    let outlet = state
        .app
        .outlets()
        .outlet(&a.outlet_code, today)
        .map_or_else(|_| a.outlet_code.clone(), |o| o.name);
    let status = a.status.on(a.day, today);
    AppointmentRow {
        id: a.appointment_id,
        outlet_code: a.outlet_code.clone(),
        outlet,
        day: a.day.to_string(),
        slot: clock_text(a.slot_min),
        service: a.service_code.clone(),
        status: status.name_zh(),
        cancellable: status == anju_domain::outlets::AppointmentStatus::Booked && a.day > today,
        arrivable: status == anju_domain::outlets::AppointmentStatus::Booked && a.day == today,
    }
}

#[derive(Template)]
#[template(path = "member_appointments.html")]
struct MyAppointmentsPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    appointments: Vec<AppointmentRow>,
    tickets: Vec<TicketRow>,
}

pub struct TicketRow {
    pub number: i64,
    pub outlet: String,
    pub service: String,
    pub called: bool,
    pub ahead: i64,
    pub wait_minutes: u32,
}

fn ticket_row(state: &WebState, t: &anju_app::outlets::Ticket, today: Date) -> TicketRow {
    let outlet = state
        .app
        .outlets()
        .outlet(&t.record.outlet_code, today)
        .map_or_else(|_| t.record.outlet_code.clone(), |o| o.name);
    TicketRow {
        number: t.record.number,
        outlet,
        service: t.record.service_code.clone(),
        called: t.record.called,
        ahead: t.ahead,
        wait_minutes: t.wait_minutes,
    }
}

async fn my_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    (notice, error): (Option<String>, Option<String>),
) -> Response {
    let app = &state.app;
    let today = state.today();
    let actor = session.actor(context);
    let loaded = async {
        let mine = app.outlets().my_appointments(&actor).await?;
        let tickets = app.outlets().my_tickets(&actor, today).await?;
        Ok::<_, anju_app::AppError>((mine, tickets))
    }
    .await;
    let (mine, tickets) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = MyAppointmentsPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        appointments: mine
            .iter()
            .map(|a| appointment_row(state, a, today))
            .collect(),
        tickets: tickets
            .iter()
            .map(|t| ticket_row(state, t, today))
            .collect(),
    };
    render(app, Some(session), page.render())
}

#[derive(Deserialize)]
pub struct TicketForm {
    outlet: String,
    #[serde(default)]
    service: String,
}

/// 网上取号.
pub async fn member_take_ticket(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<TicketForm>,
) -> Response {
    let result = state
        .app
        .outlets()
        .take_ticket(
            &session.actor(&context),
            &form.outlet,
            &form.service,
            state.today(),
        )
        .await
        .map(|t| {
            format!(
                "已取号 {} 号，前面还有 {} 人，预计等候约 {} 分钟。",
                t.record.number, t.ahead, t.wait_minutes
            )
        });
    answer(&state, &session, result, |n, e| {
        my_page(&state, &session, &context, (n, e))
    })
    .await
}

pub async fn member_appointments(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    my_page(&state, &session, &context, (None, None)).await
}

#[derive(Deserialize)]
pub struct BookForm {
    outlet: String,
    /// `YYYY-MM-DD HH:MM`… as the form sends it: "day|minute".
    #[serde(default)]
    slot: String,
    #[serde(default)]
    service: String,
}

fn booking_of(form: &BookForm) -> AppResult<BookingRequest> {
    let invalid = || anju_domain::DomainError::new("APPOINTMENT_SLOT", "请选择预约时段");
    let (day, minute) = form.slot.split_once('|').ok_or_else(invalid)?;
    Ok(BookingRequest {
        outlet_code: form.outlet.clone(),
        day: Date::parse(day)?,
        slot_min: minute.parse().map_err(|_| invalid())?,
        service_code: form.service.clone(),
    })
}

/// 预约.
pub async fn member_book(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<BookForm>,
) -> Response {
    let result = async {
        let request = booking_of(&form)?;
        let booked = state
            .app
            .outlets()
            .book(&session.actor(&context), &request, state.today())
            .await?;
        Ok(format!(
            "已预约 {} {}（预约号 {}），请按时到网点取号。",
            booked.day,
            clock_text(booked.slot_min),
            booked.appointment_id
        ))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        my_page(&state, &session, &context, (n, e))
    })
    .await
}

/// 取消预约.
pub async fn member_cancel_appointment(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let result = state
        .app
        .outlets()
        .cancel(&session.actor(&context), id, state.today())
        .await
        .map(|()| format!("预约 {id} 已取消。"));
    answer(&state, &session, result, |n, e| {
        my_page(&state, &session, &context, (n, e))
    })
    .await
}

#[derive(Deserialize)]
pub struct DeskQuery {
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    day: String,
}

#[derive(Template)]
#[template(path = "staff_outlets.html")]
struct DeskPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    outlets: Vec<(String, String)>,
    outlet: String,
    day: String,
    appointments: Vec<AppointmentRow>,
    /// Today's queue: (number, called), when the day shown is today.
    queue: Option<Vec<(i64, bool)>>,
}

async fn desk_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    query: &DeskQuery,
    (notice, error): (Option<String>, Option<String>),
) -> Response {
    let app = &state.app;
    let today = state.today();
    let loaded = async {
        let outlets = app.outlets().outlets(today)?;
        let code = match query.outlet.trim() {
            "" => outlets.first().map(|o| o.code.clone()).unwrap_or_default(),
            code => code.to_string(),
        };
        let day = match query.day.trim() {
            "" => today,
            day => Date::parse(day)?,
        };
        let actor = session.actor(context);
        let list = app.outlets().day_list(&actor, &code, day).await?;
        let queue = if day == today {
            Some(app.outlets().queue_list(&actor, &code, today).await?)
        } else {
            None
        };
        Ok::<_, anju_app::AppError>((outlets, code, day, list, queue))
    }
    .await;
    let (outlets, code, day, list, queue) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = DeskPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        outlets: outlets
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
        outlet: code,
        day: day.to_string(),
        appointments: list
            .iter()
            .map(|a| appointment_row(state, a, today))
            .collect(),
        queue: queue.map(|q| q.iter().map(|t| (t.number, t.called)).collect()),
    };
    render(app, Some(session), page.render())
}

/// 叫号: the desk calls the outlet's next number.
pub async fn staff_call_next(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(code): Path<String>,
) -> Response {
    let result = state
        .app
        .outlets()
        .call_next(&session.actor(&context), &code, state.today())
        .await
        .map(|called| match called {
            Some(t) => format!("请 {} 号到窗口办理（{}）。", t.number, t.service_code),
            None => "当前没有等候的号。".to_string(),
        });
    let query = DeskQuery {
        outlet: code.clone(),
        day: String::new(),
    };
    answer(&state, &session, result, |n, e| {
        desk_page(&state, &session, &context, &query, (n, e))
    })
    .await
}

/// 网点预约（柜台）: the day's appointments at an outlet.
pub async fn staff_outlets(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Query(query): Query<DeskQuery>,
) -> Response {
    desk_page(&state, &session, &context, &query, (None, None)).await
}

/// 到号.
pub async fn staff_check_in(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(query): Form<DeskQuery>,
) -> Response {
    let result = state
        .app
        .outlets()
        .check_in(&session.actor(&context), id, state.today())
        .await
        .map(|()| format!("预约 {id} 已到号。"));
    answer(&state, &session, result, |n, e| {
        desk_page(&state, &session, &context, &query, (n, e))
    })
    .await
}
