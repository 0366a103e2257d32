use super::*;
use crate::policy::PolicySet;

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn yuan(text: &str) -> Fen {
    Fen::parse(text).expect("amount")
}

fn policy() -> PolicySet {
    crate::test_support::suzhou()
}

/// A member in good standing with ¥20,000.00, born 1990, male.
fn facts() -> MemberFacts {
    MemberFacts {
        status: MemberStatus::Active,
        status_since: None,
        balance: yuan("20000.00"),
        held: Fen::ZERO,
        born: d("1990-03-07"),
        male: true,
        flexible: false,
        blacklisted: None,
        home: HomeFact::NoneOwned,
        has_hpf_loan: false,
        this_year_for_reason: 0,
        rent_drawn_recent: Fen::ZERO,
        spouse_rent_drawn_recent: None,
        evidence_drawn: Fen::ZERO,
        evidence_used: false,
        evidence_used_outside_family: false,
        evidence_family_unverified: None,
        evidence_not_theirs: None,
    }
}

fn request(reason: &str, amount: &str) -> WithdrawalRequest {
    WithdrawalRequest {
        reason: reason.to_string(),
        amount: yuan(amount),
        months: 1,
        ..WithdrawalRequest::default()
    }
}

fn decide_on(today: &str, facts: &MemberFacts, request: &WithdrawalRequest) -> Decision {
    let set = policy();
    let policy = set.at(d(today)).expect("policy in force");
    let reason = policy.withdrawal_reason(&request.reason).expect("reason");
    let rules = RulesInForce {
        reason,
        withdrawal: &policy.withdrawal.value,
        rent: &policy.rent.value,
    };
    decide(d(today), &rules, facts, request).expect("decision")
}

/// Each row: a boundary, what the engine must say, and the code that decides.
#[test]
fn boundaries_per_reason() {
    let today = "2026-11-29";
    let sealed = |since: &str| MemberFacts {
        status: MemberStatus::Sealed,
        status_since: Some(d(since)),
        ..facts()
    };
    let purchase = |contract_date: &str, used: bool| {
        let r = WithdrawalRequest {
            evidence_no: Some("SZ-2026-001".into()),
            evidence_date: Some(d(contract_date)),
            evidence_amount: Some(yuan("300000.00")),
            ..request("01", "10000.00")
        };
        let f = MemberFacts {
            evidence_used: used,
            evidence_drawn: if used { yuan("5000.00") } else { Fen::ZERO },
            ..facts()
        };
        (f, r)
    };
    let cases: Vec<(&str, MemberFacts, WithdrawalRequest, bool, &str)> = vec![
        (
            "rent ¥1,500.00 for a month",
            facts(),
            request("07", "1500.00"),
            true,
            "ELIGIBLE",
        ),
        (
            "rent ¥1,500.01 for a month",
            facts(),
            request("07", "1500.01"),
            false,
            "AMOUNT_OVER_CAP",
        ),
        (
            "rent for a year ¥18,000.00",
            facts(),
            WithdrawalRequest {
                months: 12,
                ..request("07", "18000.00")
            },
            true,
            "ELIGIBLE",
        ),
        (
            "rent when owning a home",
            MemberFacts {
                home: HomeFact::Owned {
                    whose: "配偶".to_string(),
                    certificate: "苏(2019)苏州市不动产权第0012345号".to_string(),
                },
                ..facts()
            },
            request("07", "100.00"),
            false,
            "OWNS_HOME",
        ),
        (
            "leaving, sealed 5 months",
            sealed("2026-06-29"),
            request("05", "0"),
            false,
            "SEALED_TOO_SHORT",
        ),
        (
            "leaving, sealed 6 months",
            sealed("2026-05-29"),
            request("05", "20000.00"),
            true,
            "ELIGIBLE",
        ),
        (
            "leaving, not sealed",
            facts(),
            request("05", "0"),
            false,
            "SEALED_TOO_SHORT",
        ),
        {
            let (f, r) = purchase("2025-11-30", false);
            (
                "purchase 11 months 30 days after the contract",
                f,
                r,
                true,
                "ELIGIBLE",
            )
        },
        {
            let (f, r) = purchase("2025-11-29", false);
            (
                "purchase 12 months after the contract",
                f,
                r,
                false,
                "WINDOW_PASSED",
            )
        },
        {
            let (f, r) = purchase("2026-10-01", true);
            (
                "purchase on a contract a family member used",
                f,
                r,
                true,
                "ELIGIBLE",
            )
        },
        (
            "a second use of an invoice",
            MemberFacts {
                evidence_used: true,
                evidence_drawn: yuan("100.00"),
                ..facts()
            },
            WithdrawalRequest {
                evidence_no: Some("FP-1".into()),
                evidence_amount: Some(yuan("5000.00")),
                ..request("11", "100.00")
            },
            false,
            "EVIDENCE_USED",
        ),
        (
            "retirement at 36",
            facts(),
            request("03", "20000.00"),
            false,
            "NOT_RETIRED",
        ),
        (
            "retirement at 60, the whole balance",
            MemberFacts {
                born: d("1966-11-29"),
                ..facts()
            },
            request("03", "20000.00"),
            true,
            "ELIGIBLE",
        ),
        (
            "retirement must take everything",
            MemberFacts {
                born: d("1966-11-29"),
                ..facts()
            },
            request("03", "100.00"),
            false,
            "CLOSING_TAKES_ALL",
        ),
        (
            "flexible free withdrawal, not flexible",
            facts(),
            request("13", "1.00"),
            false,
            "NOT_FLEXIBLE_WORKER",
        ),
        (
            "flexible free withdrawal, all of it",
            MemberFacts {
                flexible: true,
                ..facts()
            },
            request("13", "20000.00"),
            true,
            "ELIGIBLE",
        ),
        (
            "elevator with an HPF loan",
            MemberFacts {
                has_hpf_loan: true,
                ..facts()
            },
            request("10", "1.00"),
            false,
            "HPF_LOAN_OUTSTANDING",
        ),
        (
            "frozen account",
            MemberFacts {
                status: MemberStatus::Frozen,
                ..facts()
            },
            request("07", "1.00"),
            false,
            "ACCOUNT_FROZEN",
        ),
        (
            "blacklisted",
            MemberFacts {
                blacklisted: Some("骗提（2026-01-05 至 2029-01-04）".into()),
                ..facts()
            },
            request("07", "1.00"),
            false,
            "BLACKLISTED",
        ),
        (
            "property fee twice in a year",
            MemberFacts {
                this_year_for_reason: 1,
                ..facts()
            },
            request("12", "1.00"),
            false,
            "WITHDRAWAL_FREQUENCY",
        ),
        (
            "held money is not available",
            MemberFacts {
                held: yuan("19000.00"),
                flexible: true,
                ..facts()
            },
            request("13", "1000.01"),
            false,
            "AMOUNT_OVER_CAP",
        ),
    ];
    for (name, facts, request, allowed, code) in cases {
        let decision = decide_on(today, &facts, &request);
        assert_eq!(
            (decision.allowed, decision.code),
            (allowed, code),
            "{name}: {}",
            decision.rule
        );
        assert!(!decision.rule.is_empty(), "{name}: a rule is named");
    }
}

#[test]
fn the_rule_names_the_cap_and_the_answer_carries_the_maximum() {
    let decision = decide_on("2026-11-29", &facts(), &request("07", "0"));
    assert!(decision.allowed);
    assert_eq!(decision.max_amount, yuan("1500.00"));
    assert!(
        decision.rule.contains("每人每月最高 ¥1,500.00"),
        "{}",
        decision.rule
    );
    let drawn = MemberFacts {
        rent_drawn_recent: yuan("1000.00"),
        ..facts()
    };
    let decision = decide_on("2026-11-29", &drawn, &request("07", "600.00"));
    assert_eq!(
        (decision.code, decision.max_amount),
        ("AMOUNT_OVER_CAP", yuan("500.00"))
    );
    assert!(
        decision.rule.contains("已提取 ¥1,000.00"),
        "{}",
        decision.rule
    );
}

#[test]
fn a_family_shares_the_evidence_up_to_the_expense() {
    let r = WithdrawalRequest {
        evidence_no: Some("SZ-1".into()),
        evidence_date: Some(d("2026-10-01")),
        evidence_amount: Some(yuan("30000.00")),
        ..request("01", "0")
    };
    let f = MemberFacts {
        evidence_used: true,
        evidence_drawn: yuan("25000.00"),
        ..facts()
    };
    let decision = decide_on("2026-11-29", &f, &r);
    assert_eq!(decision.max_amount, yuan("5000.00"), "{}", decision.rule);
    // Before 2026-05-10 a contract served one withdrawal.
    let early = WithdrawalRequest {
        evidence_date: Some(d("2026-03-01")),
        ..r.clone()
    };
    assert_eq!(decide_on("2026-04-01", &f, &early).code, "EVIDENCE_USED");
    // Someone the registers show no family tie to used it: refused.
    let stranger = MemberFacts {
        evidence_used_outside_family: true,
        ..f.clone()
    };
    let refused = decide_on("2026-11-29", &stranger, &r);
    assert_eq!(refused.code, "EVIDENCE_USED");
    assert!(
        refused.rule.contains("配偶、父母、子女"),
        "{}",
        refused.rule
    );
    // The registers were silent: allowed only after a person verifies.
    let silent = MemberFacts {
        evidence_family_unverified: Some("民政登记暂不可用：查询超时".into()),
        ..f
    };
    let pending = decide_on(
        "2026-11-29",
        &silent,
        &WithdrawalRequest {
            amount: yuan("100.00"),
            ..r
        },
    );
    assert!(pending.allowed, "{}", pending.rule);
    assert!(
        pending
            .needs_verification
            .is_some_and(|v| v.contains("亲属关系") && v.contains("查询超时"))
    );
}

#[test]
fn large_amounts_need_a_second_approver() {
    let rich = MemberFacts {
        balance: yuan("50000.00"),
        flexible: true,
        ..facts()
    };
    let at = decide_on("2026-11-29", &rich, &request("13", "10000.00"));
    let above = decide_on("2026-11-29", &rich, &request("13", "10000.01"));
    assert!(!at.needs_second_approval && above.needs_second_approval);
}

#[test]
fn months_are_whole_once_the_day_is_reached() {
    assert_eq!(months_between(d("2026-05-29"), d("2026-11-29")), 6);
    assert_eq!(months_between(d("2026-05-30"), d("2026-11-29")), 5);
    assert_eq!(months_between(d("2025-12-31"), d("2026-01-30")), 0);
    assert_eq!(months_between(d("2025-12-31"), d("2026-01-31")), 1);
}

#[test]
fn rent_months_outside_one_to_twelve_are_an_error_not_a_panic() {
    let set = policy();
    let policy = set.at(d("2026-11-29")).expect("policy");
    let rules = RulesInForce {
        reason: policy.withdrawal_reason("07").expect("rent"),
        withdrawal: &policy.withdrawal.value,
        rent: &policy.rent.value,
    };
    let bad = WithdrawalRequest {
        months: 13,
        ..request("07", "1.00")
    };
    let err = decide(d("2026-11-29"), &rules, &facts(), &bad).expect_err("refused");
    assert_eq!(err.code(), "RENT_MONTHS");
}

fn rent_decision(rent: &RentRules, facts: &MemberFacts, months: i64, amount: &str) -> Decision {
    let set = policy();
    let policy = set.at(d("2026-11-29")).expect("policy in force");
    let rules = RulesInForce {
        reason: policy.withdrawal_reason("07").expect("rent"),
        withdrawal: &policy.withdrawal.value,
        rent,
    };
    let request = WithdrawalRequest {
        months,
        ..request("07", amount)
    };
    decide(d("2026-11-29"), &rules, facts, &request).expect("decision")
}

#[test]
fn the_couple_cap_counts_what_the_spouse_drew_in_the_same_months() {
    let set = policy();
    let suzhou = set.at(d("2026-11-29")).expect("policy").rent.value.clone();
    let married = MemberFacts {
        spouse_rent_drawn_recent: Some(yuan("1500.00")),
        ..facts()
    };
    // Suzhou: ¥1,500 a person, ¥3,000 a couple — the spouse's month leaves
    // this member their own ¥1,500.
    let decision = rent_decision(&suzhou, &married, 1, "1500.00");
    assert!(decision.allowed, "{}", decision.rule);
    assert!(
        decision.rule.contains("夫妻合计每月最高 ¥3,000.00")
            && decision.rule.contains("配偶已提取 ¥1,500.00"),
        "{}",
        decision.rule
    );
    // A household cap below two persons' caps binds: ¥2,000 a couple, the
    // spouse drew ¥1,500 of it, ¥500 is left.
    let tight = RentRules {
        cap_couple_month: yuan("2000.00"),
        ..suzhou.clone()
    };
    let decision = rent_decision(&tight, &married, 1, "600.00");
    assert_eq!(
        (decision.code, decision.max_amount),
        ("AMOUNT_OVER_CAP", yuan("500.00"))
    );
    // Over twelve months the caps scale: 12 × ¥2,000 − ¥1,500 = ¥22,500,
    // above the member's own 12 × ¥1,500 = ¥18,000, which binds.
    let decision = rent_decision(&tight, &married, 12, "18000.01");
    assert_eq!(decision.max_amount, yuan("18000.00"));
    // Single: no couple cap in the basis.
    let decision = rent_decision(&suzhou, &facts(), 1, "1500.00");
    assert!(
        decision.allowed && !decision.rule.contains("夫妻"),
        "{}",
        decision.rule
    );
}

#[test]
fn a_home_the_registry_could_not_check_needs_a_person_to_verify() {
    let unknown = MemberFacts {
        home: HomeFact::Unknown {
            why: "住房登记查询超时".to_string(),
        },
        ..facts()
    };
    let decision = decide_on("2026-11-29", &unknown, &request("07", "1000.00"));
    assert!(decision.allowed, "{}", decision.rule);
    let what = decision.needs_verification.expect("verification asked for");
    assert!(
        what.contains("住房登记查询超时") && what.contains("人工核验"),
        "{what}"
    );
    // A reason that does not ask about homes does not wait for the registry.
    let illness = WithdrawalRequest {
        evidence_no: Some("INV-2026-1".into()),
        evidence_amount: Some(yuan("800.00")),
        ..request("09", "500.00")
    };
    let decision = decide_on("2026-11-29", &unknown, &illness);
    assert!(decision.allowed, "{}", decision.rule);
    assert_eq!(decision.needs_verification, None);
    // Owning a home names whose and the certificate.
    let owned = MemberFacts {
        home: HomeFact::Owned {
            whose: "配偶".to_string(),
            certificate: "苏(2019)苏州市不动产权第0012345号".to_string(),
        },
        ..facts()
    };
    let decision = decide_on("2026-11-29", &owned, &request("07", "1000.00"));
    assert_eq!(decision.code, "OWNS_HOME");
    assert!(
        decision
            .rule
            .contains("配偶名下有房（苏(2019)苏州市不动产权第0012345号）"),
        "{}",
        decision.rule
    );
}

#[test]
fn a_property_certificate_in_someone_elses_name_is_refused() {
    let r = WithdrawalRequest {
        evidence_no: Some("苏(2026)苏州市不动产权第0070002号".into()),
        evidence_date: Some(d("2026-10-20")),
        evidence_amount: Some(yuan("300000.00")),
        ..request("01", "1000.00")
    };
    let f = MemberFacts {
        evidence_not_theirs: Some("3205**********0018".into()),
        ..facts()
    };
    let decision = decide_on("2026-11-29", &f, &r);
    assert_eq!(decision.code, "EVIDENCE_NOT_THEIRS");
    assert!(
        decision.rule.contains("权利人为3205**********0018"),
        "{}",
        decision.rule
    );
    assert!(decide_on("2026-11-29", &facts(), &r).allowed);
}
