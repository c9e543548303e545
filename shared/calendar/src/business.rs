//! Business days of the support desk: Monday to Friday, except public holidays and the
//! year-end closure ([`YEAR_END_CLOSURE`]).

use time::{Date, Duration, Month, Weekday};

use crate::holidays::holiday;
use crate::{supported, OutOfRange};

/// A span of days closed every year, from `first` to `last` inclusive, each as (month, day of
/// month). When `first` comes after `last` in the year the span runs over the new year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnualClosure {
    pub first: (Month, u8),
    pub last: (Month, u8),
}

impl AnnualClosure {
    /// Whether `date` falls in the span.
    pub fn contains(&self, date: Date) -> bool {
        let key = |(month, day): (Month, u8)| (u8::from(month), day);
        let today = key((date.month(), date.day()));
        let (first, last) = (key(self.first), key(self.last));
        if first <= last {
            first <= today && today <= last
        } else {
            first <= today || today <= last
        }
    }
}

/// The support desk's year-end closure (年末年始休業): 29 December to 3 January inclusive.
pub const YEAR_END_CLOSURE: AnnualClosure = AnnualClosure {
    first: (Month::December, 29),
    last: (Month::January, 3),
};

/// Whether the support desk is closed for the year end on `date` ([`YEAR_END_CLOSURE`]).
/// Holds for any year.
pub fn is_year_end_closure(date: Date) -> bool {
    YEAR_END_CLOSURE.contains(date)
}

/// Whether the support desk works on `date`: not a Saturday or Sunday, not a public holiday,
/// not in the year-end closure. Errors outside [`crate::SUPPORTED_YEARS`].
pub fn is_business_day(date: Date) -> Result<bool, OutOfRange> {
    supported(date)?;
    Ok(business_day(date))
}

/// [`is_business_day`] without the range check, for callers that made it.
pub(crate) fn business_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !is_year_end_closure(date)
        && holiday(date).is_none()
}

/// The number of business days after `after` up to and including `through`; 0 when `through`
/// is not after `after`. Errors when either lies outside [`crate::SUPPORTED_YEARS`].
///
/// A reply due on the Nth business day after the day of receipt has
/// `business_days_between(received, due) == N`.
pub fn business_days_between(after: Date, through: Date) -> Result<u32, OutOfRange> {
    supported(after)?;
    supported(through)?;
    let mut count = 0;
    let mut day = after;
    while day < through {
        day += Duration::DAY;
        count += u32::from(business_day(day));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_closure_runs_over_the_new_year() {
        assert!(!is_year_end_closure(date!(2026 - 12 - 28)));
        assert!(is_year_end_closure(date!(2026 - 12 - 29)));
        assert!(is_year_end_closure(date!(2026 - 12 - 31)));
        assert!(is_year_end_closure(date!(2027 - 01 - 01)));
        assert!(is_year_end_closure(date!(2027 - 01 - 03)));
        assert!(!is_year_end_closure(date!(2027 - 01 - 04)));
        assert!(!is_year_end_closure(date!(2026 - 06 - 15)));
    }

    #[test]
    fn a_span_within_one_year_contains_only_its_days() {
        let obon = AnnualClosure {
            first: (Month::August, 13),
            last: (Month::August, 16),
        };
        assert!(!obon.contains(date!(2026 - 08 - 12)));
        assert!(obon.contains(date!(2026 - 08 - 13)));
        assert!(obon.contains(date!(2026 - 08 - 16)));
        assert!(!obon.contains(date!(2026 - 08 - 17)));
        assert!(!obon.contains(date!(2026 - 01 - 14)));
    }
}
