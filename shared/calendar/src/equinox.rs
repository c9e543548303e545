//! 春分の日 and 秋分の日: the law names the equinox day (春分日, 秋分日), which the Cabinet
//! Office announces each February for the following year from the National Astronomical
//! Observatory's ephemeris (暦要項). Ahead of that announcement the day follows from the
//! standard approximation, valid for the years 1980–2099, with `t = year − 1980`:
//!
//! - 春分日 = ⌊20.8431 + 0.242194 · t − ⌊t / 4⌋⌋ March
//! - 秋分日 = ⌊23.2488 + 0.242194 · t − ⌊t / 4⌋⌋ September
//!
//! (0.242194 days is how far the equinox drifts in a year beyond 365 days; ⌊t / 4⌋ takes back
//! the leap days.) It reproduces every announced day of 2000–2026 (tests). The years after the
//! last announcement are a forecast: should an announcement differ, the announcement is right.
//! Computed in millionths of a day, so no rounding of binary floating point can move a day.

/// First year of the formula's range.
const FIRST_YEAR: i32 = 1980;
/// Last year of the formula's range.
const LAST_YEAR: i32 = 2099;

/// Day of March of 春分の日 in `year` (1980–2099; panics outside, which the callers exclude).
pub(crate) fn vernal_equinox_day(year: i32) -> u8 {
    equinox_day(year, 20_843_100)
}

/// Day of September of 秋分の日 in `year` (1980–2099; panics outside, which the callers exclude).
pub(crate) fn autumnal_equinox_day(year: i32) -> u8 {
    equinox_day(year, 23_248_800)
}

/// ⌊c + 0.242194 · t⌋ − ⌊t / 4⌋ with `c` in millionths of a day.
fn equinox_day(year: i32, c_micro_days: i32) -> u8 {
    assert!(
        (FIRST_YEAR..=LAST_YEAR).contains(&year),
        "equinox formula holds for 1980–2099, not {year}"
    );
    let t = year - FIRST_YEAR;
    let day = (c_micro_days + 242_194 * t) / 1_000_000 - t / 4;
    u8::try_from(day).expect("an equinox day of the month")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_stays_within_the_days_the_equinox_can_fall_on() {
        for year in FIRST_YEAR..=LAST_YEAR {
            assert!((19..=21).contains(&vernal_equinox_day(year)), "{year}");
            assert!((22..=24).contains(&autumnal_equinox_day(year)), "{year}");
        }
    }

    #[test]
    #[should_panic(expected = "1980–2099")]
    fn a_year_past_the_formula_is_refused() {
        vernal_equinox_day(2100);
    }
}
