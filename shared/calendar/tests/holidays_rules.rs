//! The holiday rules through their history (2000–2099): the equinox days the Cabinet Office
//! announced, the law before and after the 2007 amendment, 天皇誕生日 and 山の日, and the
//! supported range.

use calendar::{is_public_holiday, OutOfRange, SUPPORTED_YEARS};
use time::macros::date;
use time::{Date, Duration, Month, Weekday};

fn name(date: Date) -> Option<&'static str> {
    is_public_holiday(date).unwrap()
}

#[test]
fn equinox_days_are_the_announced_ones_2000_to_2026() {
    // (year, 春分の日 in March, 秋分の日 in September) as announced in the official gazette
    // each February for the following year.
    let announced: [(i32, u8, u8); 27] = [
        (2000, 20, 23),
        (2001, 20, 23),
        (2002, 21, 23),
        (2003, 21, 23),
        (2004, 20, 23),
        (2005, 20, 23),
        (2006, 21, 23),
        (2007, 21, 23),
        (2008, 20, 23),
        (2009, 20, 23),
        (2010, 21, 23),
        (2011, 21, 23),
        (2012, 20, 22),
        (2013, 20, 23),
        (2014, 21, 23),
        (2015, 21, 23),
        (2016, 20, 22),
        (2017, 20, 23),
        (2018, 21, 23),
        (2019, 21, 23),
        (2020, 20, 22),
        (2021, 20, 23),
        (2022, 21, 23),
        (2023, 21, 23),
        (2024, 20, 22),
        (2025, 20, 23),
        (2026, 20, 23),
    ];
    for (year, march, september) in announced {
        let spring = Date::from_calendar_date(year, Month::March, march).unwrap();
        let autumn = Date::from_calendar_date(year, Month::September, september).unwrap();
        assert_eq!(name(spring), Some("春分の日"), "{spring}");
        assert_eq!(name(autumn), Some("秋分の日"), "{autumn}");
        // The day before is never the equinox day (it may be another holiday: 敬老の日).
        assert_ne!(name(spring - Duration::DAY), Some("春分の日"), "{spring}");
        assert_ne!(name(autumn - Duration::DAY), Some("秋分の日"), "{autumn}");
    }
}

#[test]
fn before_2003_marine_day_and_respect_for_the_aged_day_had_fixed_dates() {
    assert_eq!(name(date!(2001 - 07 - 20)), Some("海の日"), "a Friday");
    assert_eq!(
        name(date!(2003 - 07 - 21)),
        Some("海の日"),
        "third Monday from 2003"
    );
    assert_eq!(name(date!(2003 - 07 - 20)), None);
    // 2002-09-15 敬老の日 fell on a Sunday: the Monday after was the substitute.
    assert_eq!(name(date!(2002 - 09 - 15)), Some("敬老の日"));
    assert_eq!(name(date!(2002 - 09 - 16)), Some("振替休日"));
    assert_eq!(name(date!(2004 - 09 - 20)), Some("敬老の日"));
    assert_eq!(name(date!(2004 - 09 - 15)), None);
    // 成人の日 and 体育の日 have been Happy Monday days since 2000.
    assert_eq!(name(date!(2000 - 01 - 10)), Some("成人の日"));
    assert_eq!(name(date!(2000 - 01 - 15)), None);
    assert_eq!(name(date!(2000 - 10 - 09)), Some("体育の日"));
    assert_eq!(name(date!(2000 - 10 - 10)), None);
}

#[test]
fn until_2006_april_29_was_greenery_day_and_may_4_a_day_between_holidays() {
    assert_eq!(name(date!(2006 - 04 - 29)), Some("みどりの日"));
    assert_eq!(
        name(date!(2006 - 05 - 04)),
        Some("国民の休日"),
        "a Thursday"
    );
    assert_eq!(
        name(date!(2002 - 05 - 04)),
        Some("国民の休日"),
        "a Saturday"
    );
    // Not on a Sunday: 2003-05-04.
    assert_eq!(name(date!(2003 - 05 - 04)), None);
    // 2007 on: 昭和の日 and みどりの日 on 5/4. 2007-04-29 was a Sunday.
    assert_eq!(name(date!(2007 - 04 - 29)), Some("昭和の日"));
    assert_eq!(name(date!(2007 - 04 - 30)), Some("振替休日"));
    assert_eq!(name(date!(2007 - 05 - 04)), Some("みどりの日"));
}

#[test]
fn from_2007_a_sunday_holiday_moves_past_the_holidays_after_it() {
    // 2008-05-04 みどりの日 (Sunday), 5/5 こどもの日 (Monday): the substitute is Tuesday 5/6.
    assert_eq!(name(date!(2008 - 05 - 05)), Some("こどもの日"));
    assert_eq!(name(date!(2008 - 05 - 06)), Some("振替休日"));
    // 2015-05-03 憲法記念日 (Sunday): the substitute is Wednesday 5/6.
    assert_eq!(name(date!(2015 - 05 - 06)), Some("振替休日"));
}

#[test]
fn a_day_between_respect_for_the_aged_day_and_the_autumn_equinox_is_a_holiday() {
    assert_eq!(name(date!(2009 - 09 - 22)), Some("国民の休日"));
    assert_eq!(name(date!(2015 - 09 - 22)), Some("国民の休日"));
    // Two days apart (2025-09-15 and 9/23): nothing between them is a holiday.
    assert_eq!(name(date!(2025 - 09 - 16)), None);
    assert_eq!(name(date!(2025 - 09 - 22)), None);
}

#[test]
fn the_emperors_birthday_moved_from_december_to_february() {
    // 2018-12-23 was a Sunday.
    assert_eq!(name(date!(2018 - 12 - 23)), Some("天皇誕生日"));
    assert_eq!(name(date!(2018 - 12 - 24)), Some("振替休日"));
    assert_eq!(name(date!(2018 - 02 - 23)), None);
    assert_eq!(name(date!(2019 - 02 - 23)), None);
    assert_eq!(name(date!(2019 - 12 - 23)), None);
    assert_eq!(name(date!(2020 - 12 - 23)), None);
    assert_eq!(name(date!(2020 - 02 - 23)), Some("天皇誕生日"));
}

#[test]
fn mountain_day_starts_in_2016() {
    assert_eq!(name(date!(2015 - 08 - 11)), None);
    assert_eq!(name(date!(2016 - 08 - 11)), Some("山の日"));
    assert_eq!(name(date!(2022 - 08 - 11)), Some("山の日"));
}

#[test]
fn after_the_olympic_years_the_usual_days_return() {
    assert_eq!(name(date!(2022 - 07 - 18)), Some("海の日"));
    assert_eq!(name(date!(2022 - 10 - 10)), Some("スポーツの日"));
    assert_eq!(
        name(date!(2020 - 07 - 20)),
        None,
        "third Monday of July 2020"
    );
    assert_eq!(
        name(date!(2020 - 10 - 12)),
        None,
        "second Monday of October 2020"
    );
    assert_eq!(
        name(date!(2021 - 10 - 11)),
        None,
        "second Monday of October 2021"
    );
}

#[test]
fn dates_outside_2000_to_2099_are_refused() {
    assert_eq!(SUPPORTED_YEARS, 2000..=2099);
    assert_eq!(
        is_public_holiday(date!(1999 - 12 - 31)),
        Err(OutOfRange {
            date: date!(1999 - 12 - 31)
        })
    );
    assert_eq!(
        is_public_holiday(date!(2100 - 01 - 01)),
        Err(OutOfRange {
            date: date!(2100 - 01 - 01)
        })
    );
    assert_eq!(is_public_holiday(date!(2000 - 01 - 01)), Ok(Some("元日")));
    assert_eq!(is_public_holiday(date!(2099 - 12 - 31)), Ok(None));
    let message = is_public_holiday(date!(2100 - 03 - 20))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("2100-03-20") && message.contains("2000–2099"),
        "{message}"
    );
}

/// Holidays of Article 3: the rest are 国民の祝日.
fn is_article_3(name: &str) -> bool {
    name == "振替休日" || name == "国民の休日"
}

#[test]
fn from_2007_every_sunday_holiday_has_its_substitute_and_every_day_between_holidays_is_one() {
    let mut day = date!(2007 - 01 - 01);
    while day < date!(2099 - 12 - 31) {
        let today = name(day);
        let next = name(day + Duration::DAY);
        if today.is_some_and(|n| !is_article_3(n)) && day.weekday() == Weekday::Sunday {
            let mut after = day + Duration::DAY;
            while name(after).is_some_and(|n| !is_article_3(n)) {
                after += Duration::DAY;
            }
            assert_eq!(name(after), Some("振替休日"), "the substitute for {day}");
        }
        if today.is_none() && day > date!(2007 - 01 - 01) {
            let before = name(day - Duration::DAY);
            assert!(
                !(before.is_some_and(|n| !is_article_3(n))
                    && next.is_some_and(|n| !is_article_3(n))),
                "{day} lies between two holidays"
            );
        }
        if today == Some("国民の休日") {
            assert!(
                name(day - Duration::DAY).is_some() && next.is_some(),
                "{day}"
            );
        }
        if today == Some("振替休日") {
            assert_ne!(day.weekday(), Weekday::Sunday, "{day}");
        }
        day += Duration::DAY;
    }
}
