//! Public holidays (休日) under 国民の祝日に関する法律 as amended, for 2000–2099:
//!
//! - 国民の祝日 (Article 2): fixed dates, the Happy Monday days (成人の日, 海の日, 敬老の日,
//!   体育の日/スポーツの日), the equinox days ([`crate::equinox`]), with their changes: 海の日
//!   on 20 July until 2002 and 敬老の日 on 15 September until 2002; 4/29 みどりの日 until 2006,
//!   then 昭和の日 with みどりの日 on 5/4; 山の日 from 2016; 天皇誕生日 on 12/23 until 2018,
//!   none in 2019, 2/23 from 2020; 体育の日 renamed スポーツの日 from 2020.
//! - The one-off laws: 2019's 即位の日 (5/1) and 即位礼正殿の儀 (10/22), each taken as a
//!   国民の祝日 for substitution and the day-between rule; the Olympic moves of 2020 (海の日
//!   7/23, スポーツの日 7/24, 山の日 8/10) and 2021 (7/22, 7/23, 8/8).
//! - 振替休日 (Article 3(2)): from 2007, a 国民の祝日 on a Sunday makes the next day that is
//!   not a 国民の祝日 a holiday; until 2006, the Monday after it.
//! - 国民の休日 (Article 3(3)): a day between two 国民の祝日 that is not one itself; until
//!   2006, not when it is a Sunday or a 振替休日.
//!
//! The Cabinet Office's list writes "休日" for both kinds of Article 3 day; this calendar
//! names them "振替休日" and "国民の休日". A day both kinds at once is named "振替休日".

use time::{Date, Duration, Month, Weekday};

use crate::equinox::{autumnal_equinox_day, vernal_equinox_day};
use crate::{supported, OutOfRange};

/// The holiday's Japanese name when `date` is a public holiday (a 国民の祝日, a 振替休日 or a
/// 国民の休日), `None` on any other day. Errors outside [`crate::SUPPORTED_YEARS`].
pub fn is_public_holiday(date: Date) -> Result<Option<&'static str>, OutOfRange> {
    supported(date)?;
    Ok(holiday(date))
}

/// [`is_public_holiday`] without the range check, for callers that made it.
pub(crate) fn holiday(date: Date) -> Option<&'static str> {
    if let Some(name) = national_holiday(date) {
        Some(name)
    } else if is_substitute_holiday(date) {
        Some("振替休日")
    } else if is_citizens_holiday(date) {
        Some("国民の休日")
    } else {
        None
    }
}

/// The year the 2005 amendment took effect: 振替休日 after a run of holidays, みどりの日 on 5/4.
const AMENDMENT_2007: i32 = 2007;

/// The 国民の祝日 on `date`, with the one-off days that count as one.
fn national_holiday(date: Date) -> Option<&'static str> {
    use Month::*;
    let year = date.year();
    let day = date.day();
    let is_monday = |n: u8| date.weekday() == Weekday::Monday && (day - 1) / 7 == n - 1;
    let name = match (date.month(), day) {
        (January, 1) => "元日",
        (January, _) if is_monday(2) => "成人の日",
        (February, 11) => "建国記念の日",
        (February, 23) if year >= 2020 => "天皇誕生日",
        (March, d) if d == vernal_equinox_day(year) => "春分の日",
        (April, 29) if year >= AMENDMENT_2007 => "昭和の日",
        (April, 29) => "みどりの日",
        (May, 1) if year == 2019 => "即位の日",
        (May, 3) => "憲法記念日",
        (May, 4) if year >= AMENDMENT_2007 => "みどりの日",
        (May, 5) => "こどもの日",
        (July, d) if d == marine_day(date) => "海の日",
        (July, 24) if year == 2020 => "スポーツの日",
        (July, 23) if year == 2021 => "スポーツの日",
        (August, d) if Some(d) == mountain_day(year) => "山の日",
        (September, 15) if year < 2003 => "敬老の日",
        (September, _) if year >= 2003 && is_monday(3) => "敬老の日",
        (September, d) if d == autumnal_equinox_day(year) => "秋分の日",
        (October, _) if year < 2020 && is_monday(2) => "体育の日",
        (October, _) if year > 2021 && is_monday(2) => "スポーツの日",
        (October, 22) if year == 2019 => "即位礼正殿の儀",
        (November, 3) => "文化の日",
        (November, 23) => "勤労感謝の日",
        (December, 23) if year <= 2018 => "天皇誕生日",
        _ => return None,
    };
    Some(name)
}

/// Day of July of 海の日 in the year of `date` (a July date): 20 July until 2002, the third
/// Monday from 2003, moved for the Olympics in 2020 and 2021.
fn marine_day(date: Date) -> u8 {
    match date.year() {
        2020 => 23,
        2021 => 22,
        year if year < 2003 => 20,
        _ => nth_monday_day(date, 3),
    }
}

/// Day of August of 山の日: none before 2016, 11 August, moved for the Olympics in 2020 and 2021.
fn mountain_day(year: i32) -> Option<u8> {
    match year {
        ..=2015 => None,
        2020 => Some(10),
        2021 => Some(8),
        _ => Some(11),
    }
}

/// Day of the month of the `n`th Monday of the month of `date`.
fn nth_monday_day(date: Date, n: u8) -> u8 {
    let first = date.replace_day(1).expect("every month has a first day");
    let to_monday = (7 + 1 - first.weekday().number_from_monday()) % 7;
    1 + to_monday + 7 * (n - 1)
}

/// 振替休日: `date` is not a 国民の祝日 and follows a Sunday 国民の祝日 — directly until 2006;
/// from 2007 across any run of 国民の祝日 in between.
fn is_substitute_holiday(date: Date) -> bool {
    if national_holiday(date).is_some() {
        return false;
    }
    let mut day = date - Duration::DAY;
    if date.year() < AMENDMENT_2007 {
        return date.weekday() == Weekday::Monday && national_holiday(day).is_some();
    }
    while national_holiday(day).is_some() {
        if day.weekday() == Weekday::Sunday {
            return true;
        }
        day -= Duration::DAY;
    }
    false
}

/// 国民の休日: `date` is not a 国民の祝日 and lies between two. Until 2006 not on a Sunday nor a
/// 振替休日 (which [`holiday`] has already ruled out).
fn is_citizens_holiday(date: Date) -> bool {
    if date.year() < AMENDMENT_2007 && date.weekday() == Weekday::Sunday {
        return false;
    }
    national_holiday(date).is_none()
        && national_holiday(date - Duration::DAY).is_some()
        && national_holiday(date + Duration::DAY).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn nth_monday_counts_from_the_first_of_the_month() {
        // July 2024 starts on a Monday; July 2025 on a Tuesday.
        assert_eq!(nth_monday_day(date!(2024 - 07 - 31), 3), 15);
        assert_eq!(nth_monday_day(date!(2025 - 07 - 31), 3), 21);
        // September 2026 starts on a Tuesday.
        assert_eq!(nth_monday_day(date!(2026 - 09 - 01), 3), 21);
    }

    #[test]
    fn a_monday_after_a_sunday_holiday_is_a_substitute_only_when_it_is_not_a_holiday_itself() {
        // 2025-05-04 (Sunday) みどりの日: 5/5 is こどもの日, so the substitute is 5/6.
        assert_eq!(holiday(date!(2025 - 05 - 05)), Some("こどもの日"));
        assert_eq!(holiday(date!(2025 - 05 - 06)), Some("振替休日"));
        // A Saturday holiday moves nothing: 2021-03-20 春分の日 was a Saturday.
        assert_eq!(holiday(date!(2021 - 03 - 20)), Some("春分の日"));
        assert_eq!(holiday(date!(2021 - 03 - 22)), None);
    }
}
