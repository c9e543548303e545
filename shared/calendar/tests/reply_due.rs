//! The due time of a reply promised within N business days: counted from the first business
//! day after the JST date of receipt, due at 23:59:59 JST, returned in UTC.

use calendar::{business_days_between, is_business_day, is_overdue, reply_due, OutOfRange};
use time::macros::{date, datetime};
use time::{OffsetDateTime, UtcOffset};

fn due(received: OffsetDateTime, n: u32) -> OffsetDateTime {
    reply_due(received, n).unwrap()
}

#[test]
fn an_inquiry_on_monday_is_due_on_wednesday() {
    // Given an inquiry on Monday 2026-06-01 at 10:00 JST, when two business days are promised,
    // then Tuesday is the first and Wednesday the second: due 23:59:59 JST = 14:59:59 UTC.
    let received = datetime!(2026-06-01 10:00 +09:00);
    let due_at = due(received, 2);
    assert_eq!(due_at, datetime!(2026-06-03 14:59:59 UTC));
    assert_eq!(due_at.offset(), UtcOffset::UTC);
    assert_eq!(due(received, 1), datetime!(2026-06-02 14:59:59 UTC));
    assert_eq!(
        due(received, 0),
        datetime!(2026-06-01 14:59:59 UTC),
        "same-day reply"
    );
}

#[test]
fn the_weekend_is_not_counted() {
    // Friday 2026-06-05: Monday 6/8 is the first business day, Tuesday 6/9 the second.
    assert_eq!(
        due(datetime!(2026-06-05 09:00 +09:00), 2),
        datetime!(2026-06-09 14:59:59 UTC)
    );
    assert_eq!(
        due(datetime!(2026-06-05 09:00 +09:00), 1),
        datetime!(2026-06-08 14:59:59 UTC)
    );
}

#[test]
fn an_inquiry_on_saturday_is_due_when_one_from_friday_is() {
    let friday_night = due(datetime!(2026-06-05 23:30 +09:00), 2);
    let saturday = due(datetime!(2026-06-06 11:00 +09:00), 2);
    let sunday = due(datetime!(2026-06-07 20:00 +09:00), 2);
    assert_eq!(saturday, datetime!(2026-06-09 14:59:59 UTC));
    assert_eq!(friday_night, saturday);
    assert_eq!(sunday, saturday);
    // A same-day reply to Saturday's inquiry is due at the end of Monday.
    assert_eq!(
        due(datetime!(2026-06-06 11:00 +09:00), 0),
        datetime!(2026-06-08 14:59:59 UTC)
    );
}

#[test]
fn golden_week_is_not_counted() {
    // Thursday 2026-04-30: Friday 5/1 counts; 5/2 Saturday, 5/3 Sunday 憲法記念日,
    // 5/4 みどりの日, 5/5 こどもの日, 5/6 振替休日 do not; Thursday 5/7 is the second.
    assert_eq!(
        due(datetime!(2026-04-30 16:00 +09:00), 2),
        datetime!(2026-05-07 14:59:59 UTC)
    );
    // Friday 2025-05-02: 5/3–5/6 are Saturday, Sunday, こどもの日 and 振替休日.
    assert_eq!(
        due(datetime!(2025-05-02 16:00 +09:00), 1),
        datetime!(2025-05-07 14:59:59 UTC)
    );
}

#[test]
fn the_days_between_holidays_in_september_are_not_counted() {
    // Received on 2026-09-21 敬老の日: 9/22 国民の休日 and 9/23 秋分の日 follow.
    assert_eq!(
        due(datetime!(2026-09-21 12:00 +09:00), 1),
        datetime!(2026-09-24 14:59:59 UTC)
    );
}

#[test]
fn the_year_end_closure_is_not_counted() {
    // Monday 2026-12-28 afternoon: the desk is closed 12/29–1/3 (1/2 and 1/3 are a weekend
    // anyway), so Monday 2027-01-04 is the first business day and Tuesday 1/5 the second.
    let received = datetime!(2026-12-28 15:00 +09:00);
    assert_eq!(due(received, 1), datetime!(2027-01-04 14:59:59 UTC));
    assert_eq!(due(received, 2), datetime!(2027-01-05 14:59:59 UTC));
    // Received during the closure, on a weekday that is no public holiday.
    assert_eq!(
        due(datetime!(2026-12-30 10:00 +09:00), 1),
        datetime!(2027-01-04 14:59:59 UTC)
    );
    // 2025-12-29 to 2026-01-02 are weekdays, all closed.
    assert_eq!(
        due(datetime!(2025-12-26 10:00 +09:00), 1),
        datetime!(2026-01-05 14:59:59 UTC)
    );
}

#[test]
fn the_date_of_receipt_is_the_date_in_japan() {
    // 2026-06-04T14:30Z is Thursday 23:30 JST; an hour later it is Friday 00:30 JST.
    assert_eq!(
        due(datetime!(2026-06-04 14:30 UTC), 1),
        datetime!(2026-06-05 14:59:59 UTC)
    );
    assert_eq!(
        due(datetime!(2026-06-04 15:30 UTC), 1),
        datetime!(2026-06-08 14:59:59 UTC)
    );
    // The same instants written in New York time (UTC−4 in June) give the same due times.
    assert_eq!(
        due(datetime!(2026-06-04 10:30 -04:00), 1),
        datetime!(2026-06-05 14:59:59 UTC)
    );
    assert_eq!(
        due(datetime!(2026-06-04 11:30 -04:00), 1),
        datetime!(2026-06-08 14:59:59 UTC)
    );
    // Early UTC on Monday is already Monday afternoon in Japan: counted from Tuesday.
    assert_eq!(
        due(datetime!(2026-06-01 01:00 UTC), 1),
        datetime!(2026-06-02 14:59:59 UTC)
    );
    // Late Sunday UTC is Monday morning in Japan.
    assert_eq!(
        due(datetime!(2026-05-31 22:00 UTC), 1),
        datetime!(2026-06-02 14:59:59 UTC)
    );
    assert_eq!(
        due(datetime!(2026-05-31 14:00 UTC), 1),
        datetime!(2026-06-01 14:59:59 UTC),
        "Sunday 23:00 JST"
    );
}

#[test]
fn a_reply_is_late_from_the_second_after_the_due_time() {
    let due_at = due(datetime!(2026-06-01 10:00 +09:00), 2);
    assert!(!is_overdue(due_at, datetime!(2026-06-03 10:00 UTC)));
    assert!(!is_overdue(
        due_at,
        datetime!(2026-06-03 23:59:59.999 +09:00)
    ));
    assert!(is_overdue(due_at, datetime!(2026-06-04 00:00 +09:00)));
    assert!(is_overdue(due_at, datetime!(2026-06-05 09:00 +09:00)));
}

#[test]
fn business_days_between_counts_the_days_after_the_first_through_the_last() {
    assert_eq!(
        business_days_between(date!(2026 - 06 - 01), date!(2026 - 06 - 03)),
        Ok(2)
    );
    assert_eq!(
        business_days_between(date!(2026 - 04 - 30), date!(2026 - 05 - 07)),
        Ok(2)
    );
    assert_eq!(
        business_days_between(date!(2026 - 12 - 28), date!(2027 - 01 - 05)),
        Ok(2)
    );
    assert_eq!(
        business_days_between(date!(2026 - 06 - 03), date!(2026 - 06 - 03)),
        Ok(0)
    );
    assert_eq!(
        business_days_between(date!(2026 - 06 - 03), date!(2026 - 06 - 01)),
        Ok(0)
    );
    // A full year: 2026 has 365 days, 104 of them Saturdays and Sundays; 17 of its 18 public
    // holidays fall on weekdays (5/3 is a Sunday), 元日 among them; the closure closes four
    // more weekdays: 1/2, 12/29, 12/30 and 12/31.
    assert_eq!(
        business_days_between(date!(2025 - 12 - 31), date!(2026 - 12 - 31)),
        Ok(365 - 104 - 17 - 4)
    );
}

#[test]
fn the_business_days_of_a_week_with_a_holiday() {
    // 2025-11-24 was the substitute for 勤労感謝の日.
    let week = [
        (date!(2025 - 11 - 22), false),
        (date!(2025 - 11 - 23), false),
        (date!(2025 - 11 - 24), false),
        (date!(2025 - 11 - 25), true),
    ];
    for (day, expected) in week {
        assert_eq!(is_business_day(day), Ok(expected), "{day}");
    }
}

#[test]
fn a_due_date_past_2099_is_refused() {
    // 2099-12-30 is in the closure; the first business day after it lies in 2100.
    let err = reply_due(datetime!(2099-12-30 10:00 +09:00), 1).unwrap_err();
    assert_eq!(
        err,
        OutOfRange {
            date: date!(2100 - 01 - 01)
        }
    );
    assert!(
        reply_due(datetime!(2099-12-25 10:00 +09:00), 1).is_ok(),
        "due 2099-12-28"
    );
    // Received on 1999-12-31 in UTC but on 2000-01-01 in Japan: supported.
    assert_eq!(
        due(datetime!(1999-12-31 20:00 UTC), 1),
        datetime!(2000-01-04 14:59:59 UTC)
    );
    assert!(
        reply_due(datetime!(1999-12-31 14:00 UTC), 1).is_err(),
        "1999-12-31 23:00 JST"
    );
    assert!(is_business_day(date!(2100 - 01 - 04)).is_err());
}
