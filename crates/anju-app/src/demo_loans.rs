//! The demo's loans: a loan repaid on time (member 4), a loan whose card
//! the bank refuses, so it is overdue with penalty interest and a grade
//! (member 5), and applications waiting for 初审 (member 6) and for 审批
//! (member 7) — so the queues, the overdue list and K13 have something to
//! show. Member 1 (the printed sign-in) is left free to apply. Seeding
//! twice is once: a member with the demo's request key is skipped.

use crate::access::Actor;
use crate::demo::demo_member_id_card;
use crate::loan::LoanApplication;
use crate::{App, AppResult};
use anju_domain::access::Role;
use anju_domain::loan::Method;
use anju_domain::loan::PropertyKind;
use anju_domain::{Date, Fen, Period};

const REQUEST_KEY: &str = "demo-loan";
const CARD: &str = "62220201000041234";
/// Ends 0000: the deduction simulator's bank refuses it.
const REFUSED_CARD: &str = "62220201000080000";
const SELLER_ACCOUNT: &str = "6222020100009874";

fn person(role: Role, login: &str, member_id: Option<i64>) -> Actor {
    Actor::seeded(role, login, member_id, "demo-seed")
}

/// The same day `months` months before `today` (28th at most).
fn months_before(today: Date, months: u32) -> AppResult<Date> {
    let mut period = Period::of_date(today);
    for _ in 0..months {
        period = period.previous()?;
    }
    Ok(Date::from_ymd(
        period.year(),
        period.month(),
        today.day().min(28),
    )?)
}

fn application(card: &str, amount: &str, months: u32) -> AppResult<LoanApplication> {
    Ok(LoanApplication {
        request_key: REQUEST_KEY.to_string(),
        co_borrower_id_cards: Vec::new(),
        property_kind: PropertyKind::SecondHand,
        property_address: "苏州市吴中区示范花园 8 幢 302 室".to_string(),
        price: Fen::parse("900000.00")?,
        appraisal: None,
        area_centi_m2: 88_00,
        monthly_income: Fen::parse("18000.00")?,
        amount: Fen::parse(amount)?,
        months,
        method: Method::Annuity,
        seller_name: "周卖房".to_string(),
        seller_account: SELLER_ACCOUNT.to_string(),
        repay_card: card.to_string(),
        entrusted: false,
        remote: None,
        commercial: None,
    })
}

pub async fn seed_demo_loans(app: &App, today: Date) -> AppResult<()> {
    let disbursed_on = months_before(today, 4)?;
    let plans = [
        (4, CARD, "200000.00", "active"),
        (5, REFUSED_CARD, "150000.00", "active"),
        (6, CARD, "120000.00", "submitted"),
        (7, CARD, "180000.00", "reviewed"),
    ];
    let mut disbursed = false;
    for (k, card, amount, stage) in plans {
        let id_card = demo_member_id_card(k)?;
        let Some(member) = app
            .collection_port()
            .member_by_id_card(id_card.as_str())
            .await?
        else {
            continue;
        };
        if app
            .loan_port()
            .loan_by_key(member.member_id, REQUEST_KEY)
            .await?
            .is_some()
        {
            continue;
        }
        let day = if stage == "active" {
            disbursed_on
        } else {
            today
        };
        let actor = person(Role::Member, id_card.as_str(), Some(member.member_id));
        let loan = app
            .loans()
            .apply_loan(
                &actor,
                member.member_id,
                application(card, amount, 120)?,
                day,
            )
            .await?;
        if stage == "submitted" {
            continue;
        }
        let id = loan.loan_id;
        app.loans()
            .review_loan(&person(Role::Clerk, "clerk01", None), id, "材料齐全")
            .await?;
        if stage == "reviewed" {
            continue;
        }
        app.loans()
            .approve_loan(&person(Role::Reviewer, "reviewer01", None), id, "同意", day)
            .await?;
        let mortgage = format!("苏(2026)苏州市不动产证明第{id:07}号");
        app.loans()
            .sign_loan_contract(&person(Role::Clerk, "clerk01", None), id, &mortgage, day)
            .await?;
        app.loans()
            .disburse_loan(&person(Role::Finance, "finance01", None), id, day)
            .await?;
        disbursed = true;
    }
    if disbursed {
        // The months since: each due day's run, up to today.
        let mut day = disbursed_on;
        for _ in 0..4 {
            day = crate::loan::next_month(day)?;
            if day <= today {
                app.loans().run_repayments(day).await?;
            }
        }
        app.loans().run_repayments(today).await?;
    }
    Ok(())
}
