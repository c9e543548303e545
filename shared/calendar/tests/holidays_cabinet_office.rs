//! Every public holiday of 2019–2021 and 2024–2026 against the Cabinet Office's published
//! list (内閣府「国民の祝日について」, and its 昭和30年以降 list for past years): the
//! calendar yields exactly those dates, no more and no fewer, with their names.
//!
//! The Cabinet Office writes "休日" for the days of Article 3(2) and 3(3) and
//! "休日（祝日扱い）" for 2019's two enthronement days; the expected names below say which
//! kind each is.

use calendar::is_public_holiday;
use time::{Date, Duration, Month};

/// (month, day, name) of each published holiday of a year, in date order.
type Published = &'static [(u8, u8, &'static str)];

const Y2024: Published = &[
    (1, 1, "元日"),
    (1, 8, "成人の日"),
    (2, 11, "建国記念の日"),
    (2, 12, "振替休日"),
    (2, 23, "天皇誕生日"),
    (3, 20, "春分の日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (5, 6, "振替休日"),
    (7, 15, "海の日"),
    (8, 11, "山の日"),
    (8, 12, "振替休日"),
    (9, 16, "敬老の日"),
    (9, 22, "秋分の日"),
    (9, 23, "振替休日"),
    (10, 14, "スポーツの日"),
    (11, 3, "文化の日"),
    (11, 4, "振替休日"),
    (11, 23, "勤労感謝の日"),
];

const Y2025: Published = &[
    (1, 1, "元日"),
    (1, 13, "成人の日"),
    (2, 11, "建国記念の日"),
    (2, 23, "天皇誕生日"),
    (2, 24, "振替休日"),
    (3, 20, "春分の日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (5, 6, "振替休日"),
    (7, 21, "海の日"),
    (8, 11, "山の日"),
    (9, 15, "敬老の日"),
    (9, 23, "秋分の日"),
    (10, 13, "スポーツの日"),
    (11, 3, "文化の日"),
    (11, 23, "勤労感謝の日"),
    (11, 24, "振替休日"),
];

const Y2026: Published = &[
    (1, 1, "元日"),
    (1, 12, "成人の日"),
    (2, 11, "建国記念の日"),
    (2, 23, "天皇誕生日"),
    (3, 20, "春分の日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (5, 6, "振替休日"),
    (7, 20, "海の日"),
    (8, 11, "山の日"),
    (9, 21, "敬老の日"),
    (9, 22, "国民の休日"),
    (9, 23, "秋分の日"),
    (10, 12, "スポーツの日"),
    (11, 3, "文化の日"),
    (11, 23, "勤労感謝の日"),
];

/// 2019: the enthronement (即位の日 5/1, with 4/30 and 5/2 between holidays), 即位礼正殿の儀
/// on 10/22, and no 天皇誕生日.
const Y2019: Published = &[
    (1, 1, "元日"),
    (1, 14, "成人の日"),
    (2, 11, "建国記念の日"),
    (3, 21, "春分の日"),
    (4, 29, "昭和の日"),
    (4, 30, "国民の休日"),
    (5, 1, "即位の日"),
    (5, 2, "国民の休日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (5, 6, "振替休日"),
    (7, 15, "海の日"),
    (8, 11, "山の日"),
    (8, 12, "振替休日"),
    (9, 16, "敬老の日"),
    (9, 23, "秋分の日"),
    (10, 14, "体育の日"),
    (10, 22, "即位礼正殿の儀"),
    (11, 3, "文化の日"),
    (11, 4, "振替休日"),
    (11, 23, "勤労感謝の日"),
];

/// 2020: 天皇誕生日 on 2/23 for the first time; the Olympic moves of 海の日, スポーツの日 and
/// 山の日 (none in October).
const Y2020: Published = &[
    (1, 1, "元日"),
    (1, 13, "成人の日"),
    (2, 11, "建国記念の日"),
    (2, 23, "天皇誕生日"),
    (2, 24, "振替休日"),
    (3, 20, "春分の日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (5, 6, "振替休日"),
    (7, 23, "海の日"),
    (7, 24, "スポーツの日"),
    (8, 10, "山の日"),
    (9, 21, "敬老の日"),
    (9, 22, "秋分の日"),
    (11, 3, "文化の日"),
    (11, 23, "勤労感謝の日"),
];

/// 2021: the Olympic moves again; 山の日 on Sunday 8/8 gives 振替休日 8/9.
const Y2021: Published = &[
    (1, 1, "元日"),
    (1, 11, "成人の日"),
    (2, 11, "建国記念の日"),
    (2, 23, "天皇誕生日"),
    (3, 20, "春分の日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (7, 22, "海の日"),
    (7, 23, "スポーツの日"),
    (8, 8, "山の日"),
    (8, 9, "振替休日"),
    (9, 20, "敬老の日"),
    (9, 23, "秋分の日"),
    (11, 3, "文化の日"),
    (11, 23, "勤労感謝の日"),
];

/// Every holiday the calendar yields in `year`, as (month, day, name) in date order.
fn computed(year: i32) -> Vec<(u8, u8, &'static str)> {
    let mut out = Vec::new();
    let mut day = Date::from_calendar_date(year, Month::January, 1).unwrap();
    while day.year() == year {
        if let Some(name) = is_public_holiday(day).unwrap() {
            out.push((u8::from(day.month()), day.day(), name));
        }
        day += Duration::DAY;
    }
    out
}

fn assert_year(year: i32, published: Published) {
    assert_eq!(computed(year), published.to_vec(), "holidays of {year}");
}

#[test]
fn holidays_of_2024_are_the_published_ones() {
    assert_year(2024, Y2024);
}

#[test]
fn holidays_of_2025_are_the_published_ones() {
    assert_year(2025, Y2025);
}

#[test]
fn holidays_of_2026_are_the_published_ones() {
    assert_year(2026, Y2026);
}

#[test]
fn holidays_of_2019_include_the_enthronement_days() {
    assert_year(2019, Y2019);
}

#[test]
fn holidays_of_2020_follow_the_olympic_moves() {
    assert_year(2020, Y2020);
}

#[test]
fn holidays_of_2021_follow_the_olympic_moves() {
    assert_year(2021, Y2021);
}
