use super::*;

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn rules() -> ServiceRules {
    ServiceRules {
        complaint_days: 15,
        appeal_days: 15,
        rectification_days: 10,
        follow_up_days: 5,
        bad_review_max_stars: 2,
    }
}

fn code<T>(result: DomainResult<T>) -> Option<&'static str> {
    result.err().map(|e| e.code())
}

#[test]
fn a_complaint_is_due_in_the_policys_days_and_overdue_the_day_after() {
    let due = complaint_due(d("2026-11-02"), &rules()).expect("due");
    assert_eq!(due, d("2026-11-17"));
    assert!(!is_overdue(ComplaintStatus::Handling, due, d("2026-11-17")));
    assert!(is_overdue(ComplaintStatus::Handling, due, d("2026-11-18")));
    assert!(is_overdue(ComplaintStatus::Appealed, due, d("2026-11-18")));
    assert!(!is_overdue(ComplaintStatus::Resolved, due, d("2026-12-30")));
}

#[test]
fn an_appeal_comes_once_within_the_days_to_someone_else() {
    let resolved = Some(d("2026-11-10"));
    let r = rules();
    assert_eq!(
        code(check_appeal(
            ComplaintStatus::Resolved,
            resolved,
            false,
            d("2026-11-25"),
            &r
        )),
        None
    );
    assert_eq!(
        code(check_appeal(
            ComplaintStatus::Resolved,
            resolved,
            false,
            d("2026-11-26"),
            &r
        )),
        Some("COMPLAINT_APPEAL_LATE")
    );
    assert_eq!(
        code(check_appeal(
            ComplaintStatus::Resolved,
            resolved,
            true,
            d("2026-11-12"),
            &r
        )),
        Some("COMPLAINT_APPEALED")
    );
    assert_eq!(
        code(check_appeal(
            ComplaintStatus::Handling,
            None,
            false,
            d("2026-11-12"),
            &r
        )),
        Some("COMPLAINT_NOT_RESOLVED")
    );
    assert_eq!(
        code(check_handler(ComplaintStatus::Appealed, Some("a01"), "a01")),
        Some("COMPLAINT_APPEAL_SAME_HANDLER")
    );
    assert_eq!(
        code(check_handler(ComplaintStatus::Appealed, Some("a01"), "b02")),
        None
    );
    assert_eq!(
        code(check_handler(ComplaintStatus::Resolved, Some("a01"), "b02")),
        Some("COMPLAINT_RESOLVED")
    );
}

#[test]
fn one_or_two_stars_open_a_rectification_due_in_ten_days() {
    assert_eq!(code(check_stars(0)), Some("REVIEW_STARS_INVALID"));
    assert_eq!(code(check_stars(6)), Some("REVIEW_STARS_INVALID"));
    assert_eq!(check_stars(5), Ok(5));
    let on = d("2026-11-20");
    assert_eq!(
        rectification_due(1, on, &rules()),
        Ok(Some(d("2026-11-30")))
    );
    assert_eq!(
        rectification_due(2, on, &rules()),
        Ok(Some(d("2026-11-30")))
    );
    assert_eq!(rectification_due(3, on, &rules()), Ok(None));
    assert_eq!(
        follow_up_due(d("2026-11-25"), &rules()),
        Ok(d("2026-11-30"))
    );
}

#[test]
fn a_rectification_is_taken_rectified_by_its_owner_and_visited_by_another() {
    use RectificationStatus::*;
    let step =
        |from, to, owner, actor| check_rectification_step(from, to, Some("clerk01"), owner, actor);
    assert_eq!(
        code(step(Open, Taken, None, "clerk01")),
        Some("RECTIFICATION_OWN_REVIEW")
    );
    assert_eq!(code(step(Open, Taken, None, "rev01")), None);
    assert_eq!(
        code(step(Open, Rectified, None, "rev01")),
        Some("RECTIFICATION_STEP_ORDER")
    );
    assert_eq!(
        code(step(Taken, Rectified, Some("rev01"), "mgr01")),
        Some("RECTIFICATION_NOT_OWNER")
    );
    assert_eq!(code(step(Taken, Rectified, Some("rev01"), "rev01")), None);
    assert_eq!(
        code(step(Rectified, FollowedUp, Some("rev01"), "rev01")),
        Some("RECTIFICATION_VISIT_BY_OWNER")
    );
    assert_eq!(
        code(step(Rectified, FollowedUp, Some("rev01"), "mgr01")),
        None
    );
    assert_eq!(
        code(step(FollowedUp, FollowedUp, Some("rev01"), "mgr01")),
        Some("RECTIFICATION_DONE")
    );
}

#[test]
fn survey_answers_and_outcomes_count_as_the_kpis_say() {
    assert!(Satisfaction::Satisfied.is_satisfied() && Satisfaction::Basic.is_satisfied());
    assert!(!Satisfaction::Dissatisfied.is_satisfied());
    assert!(ComplaintOutcome::Mediated.is_mediated() && ComplaintOutcome::Explained.is_mediated());
    assert!(!ComplaintOutcome::NotMediated.is_mediated());
}

const HEADER: &str = "call_id,started_at,caller,agent,duration_s,ticket,satisfaction,summary\n";

#[test]
fn a_cdr_file_takes_good_rows_and_names_each_bad_one() {
    let file = format!(
        "\u{feff}{HEADER}\
         C-001,2026-11-02 09:15:02,13812345678,A017,185,consultation,satisfied,问提取条件\n\
         C-002,2026-11-02 09:20:00,051265001234,A017,42,complaint,,\"投诉窗口态度, 要求回电\"\n\
         C-003,2026-11-02 25:00:00,13812345678,A018,10,consultation,basic,\n\
         C-004,2026-11-02 10:00:00,138-1234,A018,10,consultation,basic,\n\
         C-005,2026-11-02 10:00:00,13812345678,A018,-3,consultation,basic,\n\
         C-006,2026-11-02 10:00:00,13812345678,A018,30,visit,basic,\n\
         C-007,2026-11-02 10:00:00,13812345678,A018,30,handover,great,\n\
         C-008,2026-11-02 10:00:00\n"
    );
    let (calls, errors) = parse_cdr(file.as_bytes()).expect("parsed");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].started_on, d("2026-11-02"));
    assert_eq!(calls[0].started_time, "09:15:02");
    assert_eq!(calls[0].satisfaction, Some(Satisfaction::Satisfied));
    assert_eq!(calls[1].satisfaction, None, "the caller skipped the survey");
    assert_eq!(calls[1].summary, "投诉窗口态度, 要求回电");
    assert_eq!(calls[1].ticket, TicketKind::Complaint);
    let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        named,
        [
            (4, "started_at"),
            (5, "caller"),
            (6, "duration_s"),
            (7, "ticket"),
            (8, "satisfaction"),
            (9, "")
        ]
    );
}

#[test]
fn a_cdr_file_with_another_header_or_encoding_is_refused_whole() {
    assert_eq!(code(parse_cdr(b"id,time\n1,2\n")), Some("CDR_HEADER"));
    assert_eq!(code(parse_cdr(&[0xff, 0xfe, 0x00])), Some("CDR_ENCODING"));
    let empty = parse_cdr(HEADER.as_bytes()).expect("empty");
    assert!(empty.0.is_empty() && empty.1.is_empty());
}
