//! Properties of `reply_due` over random instants of receipt (any offset) in 2000–2099 and
//! promises of 0–30 business days: the due time is 23:59:59 JST on a business day, returned in
//! UTC, with exactly N business days counted after the JST date of receipt.

use calendar::{business_days_between, is_business_day, reply_due, JST, REPLY_DUE_TIME};
use proptest::prelude::*;
use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// An instant from 2000-01-01 00:00 JST to 2099-06-30 JST (far enough from 2100 for 30
/// business days), written with an offset from −12:00 to +14:00 in quarter hours.
fn received() -> impl Strategy<Value = OffsetDateTime> {
    let first = datetime!(2000-01-01 00:00 +09:00).unix_timestamp();
    let last = datetime!(2099-06-30 23:59:59 +09:00).unix_timestamp();
    (first..=last, -48i32..=56).prop_map(|(t, quarters)| {
        let offset = UtcOffset::from_whole_seconds(quarters * 15 * 60).unwrap();
        OffsetDateTime::from_unix_timestamp(t)
            .unwrap()
            .to_offset(offset)
    })
}

fn business(day: Date) -> bool {
    is_business_day(day).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn due_is_the_end_of_the_nth_business_day_after_receipt(received in received(), n in 0u32..=30) {
        let due = reply_due(received, n).unwrap();
        prop_assert_eq!(due.offset(), UtcOffset::UTC);
        let due_jst = due.to_offset(JST);
        prop_assert_eq!(due_jst.time(), REPLY_DUE_TIME);
        let due_date = due_jst.date();
        prop_assert!(business(due_date), "due on {}, not a business day", due_date);

        // Count, day by day, the business days after the date of receipt through the due date.
        let receipt = received.to_offset(JST).date();
        let mut counted = 0;
        let mut day = receipt;
        while day < due_date {
            day += Duration::DAY;
            counted += u32::from(business(day));
        }
        if n == 0 {
            // Same day: the first business day on or after the date of receipt.
            let mut first = receipt;
            while !business(first) {
                first += Duration::DAY;
            }
            prop_assert_eq!(due_date, first);
        } else {
            prop_assert!(due_date > receipt);
            prop_assert_eq!(counted, n);
            prop_assert_eq!(business_days_between(receipt, due_date), Ok(n));
        }
    }

    #[test]
    fn one_more_business_day_moves_the_due_date_to_the_next_business_day(received in received(), n in 0u32..=29) {
        let due = reply_due(received, n).unwrap().to_offset(JST).date();
        let later = reply_due(received, n + 1).unwrap().to_offset(JST).date();
        if n == 0 && !business(received.to_offset(JST).date()) {
            // Received on a day off: same-day and next-day replies are both due on the next
            // business day.
            prop_assert_eq!(later, due);
            return Ok(());
        }
        prop_assert!(later > due);
        let mut day = due + Duration::DAY;
        while day < later {
            prop_assert!(!business(day), "{} skipped between {} and {}", day, due, later);
            day += Duration::DAY;
        }
    }

    #[test]
    fn the_time_of_day_of_receipt_does_not_matter(received in received(), seconds in 0i64..86_400, n in 0u32..=10) {
        let start_of_day = received.to_offset(JST).replace_time(time::Time::MIDNIGHT);
        let other = start_of_day + Duration::seconds(seconds);
        prop_assert_eq!(reply_due(received, n).unwrap(), reply_due(other, n).unwrap());
    }
}
