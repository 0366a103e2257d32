//! 服务找人: rules over a member's records that produce dated, explained
//! reminders — sent once each (a reminder's key names what it is about),
//! never to a member who opted out of its kind, and counted (sent, opened,
//! acted on). The rules are pure: the app hands them the facts.

use crate::{Date, Fen};

crate::coded_enum! {
    /// What a reminder is about; a member may opt out of each kind.
    pub enum ReminderKind ("提醒类型", "REMINDER_KIND") {
        InstallmentDue = "installment_due" "还款提醒",
        RentUnused = "rent_unused" "租房提取提示",
        SealedLong = "sealed_long" "封存账户提示",
        CertificateExpiring = "certificate_expiring" "电子证明到期提醒",
        BaseFiling = "base_filing" "年度基数调整提醒",
    }
}

impl ReminderKind {
    /// The kinds members receive (and may opt out of); the others go to
    /// employers' agents.
    pub const FOR_MEMBERS: &'static [ReminderKind] = &[
        ReminderKind::InstallmentDue,
        ReminderKind::RentUnused,
        ReminderKind::SealedLong,
        ReminderKind::CertificateExpiring,
    ];
}

/// Days before an installment's due day that it is reminded of.
pub const INSTALLMENT_NOTICE_DAYS: i64 = 3;
/// Months an account stays sealed before it is pointed out.
pub const SEALED_NOTICE_MONTHS: i64 = 6;

/// A reminder a rule produced: what, about which thing, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub kind: ReminderKind,
    /// Unique per member: the same key is never sent twice.
    pub key: String,
    pub title: String,
    /// The explanation: the facts the rule read.
    pub body: String,
}

/// An installment not paid in full, due within the notice days.
pub fn installment_due(
    loan_id: i64,
    period: i32,
    due: Date,
    owed: Fen,
    today: Date,
) -> Option<Reminder> {
    let days = today.days_until(due);
    if !(0..=INSTALLMENT_NOTICE_DAYS).contains(&days) {
        return None;
    }
    Some(Reminder {
        kind: ReminderKind::InstallmentDue,
        key: format!("installment_due:{loan_id}:{period}"),
        title: format!("贷款 {loan_id} 第 {period} 期将于 {due} 扣款"),
        body: format!(
            "您的住房公积金贷款 {loan_id} 第 {period} 期应于 {due} 还款 {owed}（{days} 天后）。\
             请在扣款日前确保还款银行卡余额充足，逾期将按日计收罚息。"
        ),
    })
}

/// Rent withdrawal allowed by the engine today, but never used this year.
pub fn rent_unused(
    allowed_max: Option<Fen>,
    rent_withdrawals_this_year: usize,
    today: Date,
) -> Option<Reminder> {
    let max = allowed_max.filter(|m| m.is_positive())?;
    if rent_withdrawals_this_year > 0 {
        return None;
    }
    let year = today.year();
    Some(Reminder {
        kind: ReminderKind::RentUnused,
        key: format!("rent_unused:{year}"),
        title: "您可以申请租房提取".to_string(),
        body: format!(
            "按您今天的账户和登记信息（本人及配偶在本市无自有住房），您可以申请租房提取，\
             按 12 个月计最多 {max}；{year} 年您还没有办理过租房提取。可在网上服务大厅“提取”中申请。"
        ),
    })
}

/// An account sealed (封存) for the notice months or more.
pub fn sealed_long(sealed_since: Option<Date>, today: Date) -> Option<Reminder> {
    let since = sealed_since?;
    let months = months_between(since, today);
    if months < SEALED_NOTICE_MONTHS {
        return None;
    }
    Some(Reminder {
        kind: ReminderKind::SealedLong,
        key: format!("sealed_long:{since}"),
        title: "您的公积金账户已封存半年以上".to_string(),
        body: format!(
            "您的住房公积金账户自 {since} 起封存，已满 {months} 个月。重新就业的，请新单位为您办理增员续缴；\
             符合条件的，可以申请提取（见提取规则），异地就业的可以申请转移接续。"
        ),
    })
}

/// Days before a certificate's last valid day that it is reminded of.
pub const CERTIFICATE_NOTICE_DAYS: i64 = 7;
/// Months into a contribution year an employer that has not filed its
/// bases is reminded (July to September).
pub const BASE_FILING_NOTICE_MONTHS: i64 = 3;

/// An e-certificate that stops speaking for the member within the notice
/// days (a revoked one is not reminded of).
pub fn certificate_expiring(
    serial: &str,
    kind_name: &str,
    valid_until: Option<Date>,
    today: Date,
) -> Option<Reminder> {
    let until = valid_until?;
    let days = today.days_until(until);
    if !(0..=CERTIFICATE_NOTICE_DAYS).contains(&days) {
        return None;
    }
    Some(Reminder {
        kind: ReminderKind::CertificateExpiring,
        key: format!("certificate_expiring:{serial}"),
        title: format!("您的{kind_name}将于 {until} 到期"),
        body: format!(
            "您开具的{kind_name}（编号 {serial}）有效期至 {until}（{days} 天后）。\
             如办理贷款、转移等业务仍需使用，请在网上服务大厅“电子证明”中重新开具。"
        ),
    })
}

/// An employer that has not filed this contribution year's bases, in the
/// first months of the year (it starts on 1 July).
pub fn base_filing_due(filed: bool, today: Date) -> Option<Reminder> {
    if filed {
        return None;
    }
    let year = today.contribution_year();
    let start = Date::from_ymd(year, 7, 1).ok()?;
    if months_between(start, today) >= BASE_FILING_NOTICE_MONTHS {
        return None;
    }
    Some(Reminder {
        kind: ReminderKind::BaseFiling,
        key: format!("base_filing:{year}"),
        title: format!("请申报 {year} 年度住房公积金缴存基数"),
        body: format!(
            "{year} 年度（{year}年7月1日起）的缴存基数调整已开始，贵单位尚未申报。\
             请按职工上一年度月平均工资，在单位网上服务大厅“年度基数调整”中申报，\
             新基数按本年度的上下限执行。"
        ),
    })
}

/// Whole months from `from` to `to`: a month counts once its day is
/// reached, or the last day of a month too short to have it (31 August to
/// 28 February is six months).
pub fn months_between(from: Date, to: Date) -> i64 {
    let months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    let month_end = crate::Period::of_date(to)
        .last_day()
        .is_ok_and(|last| last == to);
    if to.day() < from.day() && !month_end {
        months - 1
    } else {
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    #[test]
    fn an_installment_is_reminded_of_in_the_three_days_before_it_is_due() {
        let owed = Fen::new(3_456_78);
        let due = d("2026-12-10");
        assert!(installment_due(7, 12, due, owed, d("2026-12-06")).is_none());
        let r = installment_due(7, 12, due, owed, d("2026-12-07")).expect("three days");
        assert_eq!(r.key, "installment_due:7:12");
        assert!(r.body.contains("¥3,456.78"), "{}", r.body);
        assert!(r.body.contains("3 天后"), "{}", r.body);
        assert!(installment_due(7, 12, due, owed, d("2026-12-10")).is_some());
        assert!(
            installment_due(7, 12, due, owed, d("2026-12-11")).is_none(),
            "overdue is another matter"
        );
    }

    #[test]
    fn rent_is_suggested_once_a_year_to_those_allowed_who_never_used_it() {
        let today = d("2026-12-07");
        let max = Some(Fen::new(18_000_00));
        let r = rent_unused(max, 0, today).expect("suggested");
        assert_eq!(r.key, "rent_unused:2026");
        assert!(r.body.contains("¥18,000.00"), "{}", r.body);
        assert!(rent_unused(max, 1, today).is_none(), "already used");
        assert!(rent_unused(None, 0, today).is_none(), "not allowed");
        assert!(rent_unused(Some(Fen::ZERO), 0, today).is_none());
    }

    #[test]
    fn a_sealed_account_is_pointed_out_after_six_whole_months() {
        assert_eq!(months_between(d("2026-06-08"), d("2026-12-07")), 5);
        assert_eq!(months_between(d("2026-06-07"), d("2026-12-07")), 6);
        assert_eq!(
            months_between(d("2025-12-31"), d("2026-06-30")),
            6,
            "June's last day"
        );
        assert_eq!(months_between(d("2025-08-31"), d("2026-02-28")), 6);
        assert_eq!(months_between(d("2025-08-31"), d("2026-02-27")), 5);
        assert!(sealed_long(Some(d("2026-06-08")), d("2026-12-07")).is_none());
        let r = sealed_long(Some(d("2026-06-07")), d("2026-12-07")).expect("six months");
        assert_eq!(r.key, "sealed_long:2026-06-07");
        assert!(sealed_long(None, d("2026-12-07")).is_none());
    }

    #[test]
    fn a_certificate_is_reminded_of_in_its_last_week_only() {
        let until = Some(d("2026-12-14"));
        let serial = "JC-20260915-0123456789abcdef";
        assert!(certificate_expiring(serial, "缴存证明", until, d("2026-12-06")).is_none());
        let r = certificate_expiring(serial, "缴存证明", until, d("2026-12-07")).expect("7 days");
        assert_eq!(r.key, format!("certificate_expiring:{serial}"));
        assert!(r.body.contains("7 天后"), "{}", r.body);
        assert!(certificate_expiring(serial, "缴存证明", until, d("2026-12-15")).is_none());
        assert!(certificate_expiring(serial, "结清证明", None, d("2026-12-07")).is_none());
    }

    #[test]
    fn an_employer_is_reminded_to_file_bases_from_july_to_september() {
        let r = base_filing_due(false, d("2026-07-01")).expect("the first day");
        assert_eq!(r.key, "base_filing:2026");
        assert!(base_filing_due(false, d("2026-09-30")).is_some());
        assert!(
            base_filing_due(false, d("2026-10-01")).is_none(),
            "three months on"
        );
        assert!(base_filing_due(true, d("2026-07-15")).is_none(), "filed");
        let june = base_filing_due(false, d("2026-06-30"));
        assert!(june.is_none(), "the 2025 year's twelfth month");
    }
}
