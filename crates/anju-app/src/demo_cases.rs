//! The demo's casework, after the regular history: a sixth employer that
//! stopped paying (its overdue bill opens an enforcement case with a 催缴
//! reminder), a pending deferral application in the reviewers' queue, a paid
//! back payment, and two flexible workers with monthly deposits (K07); and the
//! base filing three employers make before July's bill (K05). Idempotent like
//! the rest.

use crate::access::{Actor, Principal};
use crate::collection::FlexibleSignup;
use crate::demo::demo_employer_uscc;
use crate::{App, AppResult};
use anju_domain::access::{Channel, Role};
use anju_domain::collection::BillKind;
use anju_domain::collection::{
    BackPayRequest, ContributionRates, EmployerRegistration, MemberEnrolment, ReliefApplication,
    ReliefKind,
};
use anju_domain::ids::{IdCardNo, MobileNo};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, Fen, Period, RatePpm};
use anju_store::NewBase;

/// The employer in arrears is demo employer number 5.
const LATE_EMPLOYER: usize = 5;
const LATE_NAME: &str = "苏州示范迟缴贸易有限公司";
/// (ID body, name) of the demo's flexible workers.
const FLEXIBLE: [(&str, &str); 2] = [
    ("32050219880808101", "周自由"),
    ("32050219920202202", "吴灵活"),
];

fn batch() -> Actor {
    Actor::anonymous(Channel::Batch, "demo-seed", "local")
}

/// A counter clerk who is no demo sign-in, so any demo reviewer may decide.
fn counter_clerk() -> Actor {
    let clerk = Principal {
        user_id: 0,
        login: "counter-demo".to_string(),
        display_name: "柜面（演示）".to_string(),
        role: Role::Clerk,
        member_id: None,
        employer_id: None,
    };
    Actor::of(clerk, "demo-seed", "local")
}

pub async fn seed_cases(app: &App, today: Date) -> AppResult<()> {
    let this_month = Period::of_date(today);
    late_employer(app, this_month).await?;
    pending_deferral(app, today, this_month).await?;
    back_payment(app, today, this_month).await?;
    flexible_workers(app, today, this_month).await?;
    app.collection().collection_day(&batch(), today).await?;
    Ok(())
}

async fn late_employer(app: &App, this_month: Period) -> AppResult<()> {
    let uscc = demo_employer_uscc(LATE_EMPLOYER)?;
    if app
        .collection_port()
        .employer_by_uscc(&uscc)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let two_months_ago = this_month.previous()?.previous()?;
    let opened = two_months_ago.first_day()?;
    let rate = RatePpm::parse_percent("7")?;
    let rates = ContributionRates {
        employer: rate,
        member: rate,
    };
    let registration = EmployerRegistration::new(&uscc, LATE_NAME, Some(10), rates)?;
    let employer = app
        .collection()
        .register_employer(&batch(), &registration, opened)
        .await?;
    let people: Vec<MemberEnrolment> = (0..3)
        .map(|n| {
            let id = IdCardNo::complete(&format!("32050219850510{n}3{n}"))?;
            Ok(MemberEnrolment::new(
                id.as_str(),
                ["钱进", "孙立", "郑和"][n],
                "6500.00",
            )?)
        })
        .collect::<AppResult<_>>()?;
    app.collection()
        .enrol_members(&batch(), employer.employer_id, &people, opened)
        .await?;
    // Two months billed, neither paid: the older one is overdue by now.
    for period in [two_months_ago, two_months_ago.next()?] {
        app.collection()
            .generate_bill(&batch(), employer.employer_id, period)
            .await?;
    }
    Ok(())
}

/// Employers 0–2 file this contribution year's bases (last year's wage + 3%)
/// before July's bill, as a real employer would; the seed calls this while
/// it walks the months.
pub async fn file_demo_bases(
    app: &App,
    index: usize,
    employer_id: i64,
    period: Period,
    today: Date,
) -> AppResult<()> {
    let year = today.contribution_year();
    if index >= 3 || period.month() != 7 || period.year() != year {
        return Ok(());
    }
    if app
        .case_port()
        .base_filing(employer_id, year)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let bases: Vec<NewBase> = app
        .collection_port()
        .active_members(employer_id)
        .await?
        .iter()
        .map(|m| NewBase {
            member_id: m.member_id,
            wage_fen: anju_domain::Fen::new(m.wage_fen.get() / 100 * 103),
        })
        .collect();
    let filed_on = Date::from_ymd(year, 7, 3)?.min(today);
    app.collection()
        .file_bases(&batch(), employer_id, year, &bases, filed_on)
        .await?;
    Ok(())
}

/// Employer 3 (a builder) asks to defer three months; a reviewer decides.
async fn pending_deferral(app: &App, today: Date, this_month: Period) -> AppResult<()> {
    let Some(employer) = app
        .collection_port()
        .employer_by_uscc(&demo_employer_uscc(3)?)
        .await?
    else {
        return Ok(());
    };
    if !app
        .collection()
        .reliefs_of(employer.employer_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let from = this_month.next()?;
    let application = ReliefApplication {
        kind: ReliefKind::Deferral,
        from,
        to: from.next()?.next()?,
        rates: None,
        reason: "工程款回收延迟，现金流紧张".to_string(),
        consent: "职代会决议〔2026〕2号".to_string(),
    };
    app.collection()
        .apply_for_relief(&counter_clerk(), employer.employer_id, &application, today)
        .await?;
    Ok(())
}

/// Employer 1 topped up last month for its first member, paid at once.
async fn back_payment(app: &App, today: Date, this_month: Period) -> AppResult<()> {
    let Some(employer) = app
        .collection_port()
        .employer_by_uscc(&demo_employer_uscc(1)?)
        .await?
    else {
        return Ok(());
    };
    let bills = app
        .collection_port()
        .bills_of(employer.employer_id, 5)
        .await?;
    if bills.iter().any(|b| b.kind == BillKind::BackPayment) {
        return Ok(());
    }
    let Some(first) = app
        .collection_port()
        .active_members(employer.employer_id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let request = BackPayRequest {
        member: MemberId(first.member_id),
        wage: Fen::new(first.wage_fen.get() + 500_00),
        rates: None,
    };
    let bill = app
        .collection()
        .create_back_payment(
            &batch(),
            employer.employer_id,
            this_month.previous()?,
            "上月基数少报 500 元",
            &[request],
            today,
        )
        .await?;
    app.collection()
        .pay_bill(&batch(), bill.bill_id, "bank", today)
        .await?;
    Ok(())
}

/// Two flexible workers who signed up three months ago and deposit monthly.
async fn flexible_workers(app: &App, today: Date, this_month: Period) -> AppResult<()> {
    for (body, name) in FLEXIBLE {
        let id = IdCardNo::complete(body)?;
        if app
            .collection_port()
            .member_by_id_card(id.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        let start = this_month.previous()?.previous()?;
        let signup = FlexibleSignup {
            id_card: id,
            name: name.to_string(),
            mobile: MobileNo::parse("13962000000")?,
            monthly: Fen::new(800_00),
            agreed: true,
        };
        let member = app
            .collection()
            .sign_up_flexible(&batch(), &signup, start.first_day()?)
            .await?;
        let mut period = start;
        while period <= this_month {
            let day = period.first_day()?.add_days(4)?.min(today);
            let key = format!("demo-deposit-{period}");
            app.collection()
                .deposit_flexible(
                    &batch(),
                    member.member_id,
                    period,
                    Fen::new(800_00),
                    "ecny",
                    &key,
                    day,
                )
                .await?;
            period = period.next()?;
        }
    }
    Ok(())
}
