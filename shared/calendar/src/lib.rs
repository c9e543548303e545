//! Kyocho's business calendar for Japan: public holidays under 国民の祝日に関する法律, the
//! support desk's year-end closure, business days, and the due time of a reply promised
//! "within N business days". Japan Standard Time (UTC+9, no daylight saving) throughout.
//! Pure: no I/O, no clock.
//!
//! The calendar knows the years [`SUPPORTED_YEARS`] (2000–2099): the holiday rules are
//! written out for the law as amended up to 2021, and the equinox formula holds to 2099.
//! A date outside them is an [`OutOfRange`] error, never a guess.
//!
//! ```
//! use calendar::{is_business_day, is_public_holiday, reply_due};
//! use time::macros::{date, datetime};
//!
//! assert_eq!(is_public_holiday(date!(2026 - 09 - 22)), Ok(Some("国民の休日")));
//! assert_eq!(is_business_day(date!(2026 - 09 - 24)), Ok(true));
//! // Received on Friday evening: Monday is the first business day, Tuesday the second.
//! let due = reply_due(datetime!(2026-06-05 18:30 +09:00), 2).unwrap();
//! assert_eq!(due, datetime!(2026-06-09 14:59:59 UTC));
//! ```

mod business;
mod equinox;
mod holidays;
mod reply;

use std::fmt;
use std::ops::RangeInclusive;

use time::Date;

pub use business::{
    business_days_between, is_business_day, is_year_end_closure, AnnualClosure, YEAR_END_CLOSURE,
};
pub use holidays::is_public_holiday;
pub use reply::{is_overdue, reply_due, JST, REPLY_DUE_TIME};

/// The calendar years, inclusive, for which the calendar answers.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 2000..=2099;

/// A date outside [`SUPPORTED_YEARS`]: the calendar does not know its holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The first date met that lies outside the supported years.
    pub date: Date,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is outside the years {}–{} that the business calendar knows",
            self.date,
            SUPPORTED_YEARS.start(),
            SUPPORTED_YEARS.end()
        )
    }
}

impl std::error::Error for OutOfRange {}

/// `Ok(date)` when its year is supported.
fn supported(date: Date) -> Result<Date, OutOfRange> {
    if SUPPORTED_YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(OutOfRange { date })
    }
}
