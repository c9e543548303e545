//! The due time of a reply the support desk promises "within N business days" (N営業日以内).
//!
//! The rule: take the date of receipt in JST (the time of day does not matter); the reply is
//! due on the Nth business day after that date, at 23:59:59 JST ([`REPLY_DUE_TIME`]). The
//! first business day after the date of receipt is the first day counted, whether the
//! inquiry came in on a business day or not, so an inquiry received on a Saturday is due
//! when one received late on the Friday before is. N = 0 is a same-day reply: due at the end
//! of the date of receipt when it is a business day, else of the next business day (so for an
//! inquiry received on a day off, N = 0 and N = 1 fall due together).

use time::macros::{offset, time};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use crate::business::business_day;
use crate::{supported, OutOfRange};

/// Japan Standard Time, UTC+9 (Japan has no daylight saving time).
pub const JST: UtcOffset = offset!(+9);

/// The time of day, JST, that a reply is due on its due date: the day's last whole second.
pub const REPLY_DUE_TIME: Time = time!(23:59:59);

/// When a reply promised within `business_days` business days of `received` is due, in UTC.
///
/// `received` may carry any offset; it is read in JST. The due time is [`REPLY_DUE_TIME`] on the
/// `business_days`th business day after the JST date of receipt (N = 0: the date of receipt
/// itself if a business day, else the next business day). For example, within 2 business days:
///
/// - received Monday 2026-06-01 10:00 JST → due Wednesday 2026-06-03 23:59:59 JST
///   (2026-06-03T14:59:59Z);
/// - received Friday 2026-06-05 23:30 JST, or any time on Saturday 6/6 or Sunday 6/7 → due
///   Tuesday 2026-06-09 23:59:59 JST;
/// - received 2026-06-05T15:30Z, which is Saturday 00:30 JST → due Tuesday 6/9 as well;
/// - received Thursday 2026-04-30 → 5/1 (Friday) is the first business day, 5/2–5/6 are a
///   weekend and Golden Week, 5/7 is the second: due 2026-05-07 23:59:59 JST;
/// - received Monday 2026-12-28 15:00 JST → the desk is closed 12/29–1/3, so 1/4 and 1/5
///   count: due 2027-01-05 23:59:59 JST.
///
/// Errors when the date of receipt or the due date lies outside [`crate::SUPPORTED_YEARS`].
///
/// ```
/// use calendar::reply_due;
/// use time::macros::datetime;
///
/// let due = |received| reply_due(received, 2).unwrap();
/// assert_eq!(due(datetime!(2026-06-01 10:00 +09:00)), datetime!(2026-06-03 14:59:59 UTC));
/// assert_eq!(due(datetime!(2026-06-05 23:30 +09:00)), datetime!(2026-06-09 14:59:59 UTC));
/// assert_eq!(due(datetime!(2026-06-06 12:00 +09:00)), datetime!(2026-06-09 14:59:59 UTC));
/// assert_eq!(due(datetime!(2026-06-05 15:30 UTC)), datetime!(2026-06-09 14:59:59 UTC));
/// assert_eq!(due(datetime!(2026-04-30 16:00 +09:00)), datetime!(2026-05-07 14:59:59 UTC));
/// assert_eq!(due(datetime!(2026-12-28 15:00 +09:00)), datetime!(2027-01-05 14:59:59 UTC));
/// ```
pub fn reply_due(
    received: OffsetDateTime,
    business_days: u32,
) -> Result<OffsetDateTime, OutOfRange> {
    let mut day = supported(received.to_offset(JST).date())?;
    if business_days == 0 {
        while !business_day(day) {
            day = next_day(day)?;
        }
    } else {
        let mut counted = 0;
        while counted < business_days {
            day = next_day(day)?;
            counted += u32::from(business_day(day));
        }
    }
    Ok(day
        .with_time(REPLY_DUE_TIME)
        .assume_offset(JST)
        .to_offset(UtcOffset::UTC))
}

/// Whether a reply at `now` misses `due`. `due` is the last whole second allowed, so the reply
/// is late from the next second on: for a due time from [`reply_due`], from 00:00:00 JST the
/// day after the due date.
pub fn is_overdue(due: OffsetDateTime, now: OffsetDateTime) -> bool {
    now >= due + Duration::SECOND
}

/// The day after `day`, when the calendar knows it.
fn next_day(day: Date) -> Result<Date, OutOfRange> {
    supported(day + Duration::DAY)
}
