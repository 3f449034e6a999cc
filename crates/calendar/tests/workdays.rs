//! Behaviour of the built-in calendar against the published notices.

use anju_calendar::{Calendar, CalendarError, DayKind};
use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cal() -> &'static Calendar {
    Calendar::builtin()
}

#[test]
fn representative_2026_dates() {
    // (date, working day?, why)
    let cases = [
        (date(2026, 1, 1), false, "元旦, Thursday"),
        (date(2026, 1, 2), false, "元旦, Friday"),
        (date(2026, 1, 3), false, "元旦, Saturday"),
        (date(2026, 1, 4), true, "make-up Sunday after 元旦"),
        (date(2026, 1, 5), true, "ordinary Monday"),
        (date(2026, 2, 14), true, "make-up Saturday before 春节"),
        (date(2026, 2, 15), false, "春节, Sunday"),
        (date(2026, 2, 16), false, "春节, Monday"),
        (date(2026, 2, 20), false, "春节, Friday"),
        (date(2026, 2, 23), false, "春节, Monday"),
        (date(2026, 2, 24), true, "first Tuesday after 春节"),
        (date(2026, 2, 28), true, "make-up Saturday after 春节"),
        (date(2026, 3, 1), false, "ordinary Sunday"),
        (date(2026, 4, 6), false, "清明节, Monday"),
        (date(2026, 5, 1), false, "劳动节, Friday"),
        (date(2026, 5, 5), false, "劳动节, Tuesday"),
        (date(2026, 5, 9), true, "make-up Saturday after 劳动节"),
        (date(2026, 6, 19), false, "端午节, Friday"),
        (date(2026, 9, 20), true, "make-up Sunday before 国庆节"),
        (date(2026, 9, 25), false, "中秋节, Friday"),
        (date(2026, 10, 1), false, "国庆节, Thursday"),
        (date(2026, 10, 7), false, "国庆节, Wednesday"),
        // The 2026 National Day break is 1–7 October; the 8th is an
        // ordinary Thursday.
        (date(2026, 10, 8), true, "Thursday after 国庆节"),
        (date(2026, 10, 10), true, "make-up Saturday after 国庆节"),
        (date(2026, 10, 11), false, "ordinary Sunday"),
    ];
    for (d, expected, why) in cases {
        assert_eq!(cal().is_workday(d), Ok(expected), "{d} ({why})");
    }
}

#[test]
fn every_listed_2026_date_is_honoured() {
    let schedule = cal().schedule(2026).unwrap();
    let mut off = 0;
    let mut work = 0;
    for (d, kind, _) in schedule.days() {
        let expected = kind == DayKind::Work;
        assert_eq!(cal().is_workday(d), Ok(expected), "{d}");
        match kind {
            DayKind::Off => off += 1,
            DayKind::Work => work += 1,
        }
    }
    // 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 1 + 2 + 1 + 2 make-up days.
    assert_eq!((off, work), (33, 6));
}

#[test]
fn unpublished_year_is_an_error() {
    let err = cal().is_workday(date(2027, 3, 1)).unwrap_err();
    assert_eq!(err, CalendarError::YearNotPublished { year: 2027 });
    assert_eq!(
        err.to_string(),
        "2027年的国务院节假日安排通知尚未收录，无法判断工作日 (no State Council holiday notice on file for 2027)"
    );
    assert_eq!(
        cal().is_workday(date(2023, 12, 29)),
        Err(CalendarError::YearNotPublished { year: 2023 })
    );
    assert_eq!(
        cal().add_workdays(date(2027, 1, 4), 0),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
    assert_eq!(
        cal().notice_end(date(2027, 1, 4), 5),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
}

#[test]
fn counting_into_an_unpublished_year_names_that_year() {
    // 2026-12-31 is a Thursday; the next working day would be in 2027.
    assert_eq!(
        cal().add_workdays(date(2026, 12, 31), 0),
        Ok(date(2026, 12, 31))
    );
    assert_eq!(
        cal().add_workdays(date(2026, 12, 31), 1),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
    assert_eq!(
        cal().add_workdays(date(2026, 12, 30), u32::MAX),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
    assert_eq!(
        cal().notice_end(date(2026, 12, 25), 5),
        Ok(date(2026, 12, 31))
    );
    assert_eq!(
        cal().notice_end(date(2026, 12, 25), 6),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
}

#[test]
fn add_workdays_across_new_year() {
    // 2025-12-31 is a Wednesday. 2026-01-01..03 are off and Sunday
    // 2026-01-04 is a make-up working day, so it is the next working day.
    assert_eq!(
        cal().add_workdays(date(2025, 12, 31), 1),
        Ok(date(2026, 1, 4))
    );
    assert_eq!(
        cal().add_workdays(date(2025, 12, 31), 2),
        Ok(date(2026, 1, 5))
    );
    assert_eq!(
        cal().add_workdays(date(2025, 12, 30), 1),
        Ok(date(2025, 12, 31))
    );
    assert_eq!(
        cal().add_workdays(date(2026, 1, 1), 1),
        Ok(date(2026, 1, 4))
    );
    assert_eq!(
        cal().add_workdays(date(2026, 1, 1), 0),
        Ok(date(2026, 1, 1))
    );
}

#[test]
fn notice_end_across_spring_festival() {
    // Starts on Friday 13 Feb: 13, 14 (make-up Saturday), then the break
    // 15–23 Feb, then 24, 25, 26.
    assert_eq!(
        cal().notice_end(date(2026, 2, 13), 5),
        Ok(date(2026, 2, 26))
    );
    // Ten working days from Monday 9 Feb: 9–14, 24–27.
    assert_eq!(
        cal().notice_end(date(2026, 2, 9), 10),
        Ok(date(2026, 2, 27))
    );
    // Starting inside the break: the notice begins on 24 Feb.
    assert_eq!(
        cal().notice_end(date(2026, 2, 15), 1),
        Ok(date(2026, 2, 24))
    );
    assert_eq!(
        cal().notice_end(date(2026, 2, 15), 3),
        Ok(date(2026, 2, 26))
    );
    // 2025 Spring Festival: Sunday 26 Jan is a make-up day, break 28 Jan–4 Feb.
    assert_eq!(
        cal().notice_end(date(2025, 1, 24), 3),
        Ok(date(2025, 1, 27))
    );
    assert_eq!(cal().notice_end(date(2025, 1, 24), 4), Ok(date(2025, 2, 5)));
}

#[test]
fn notice_end_across_national_day() {
    // Monday 28 Sep 2026: 28, 29, 30, then the break 1–7 Oct, then 8, 9.
    assert_eq!(
        cal().notice_end(date(2026, 9, 28), 5),
        Ok(date(2026, 10, 9))
    );
    // Wednesday 30 Sep: 30, 8, 9, 10 (make-up Saturday), 12.
    assert_eq!(
        cal().notice_end(date(2026, 9, 30), 5),
        Ok(date(2026, 10, 12))
    );
    // Starting on a holiday: the notice begins on 8 Oct.
    assert_eq!(
        cal().notice_end(date(2026, 10, 1), 1),
        Ok(date(2026, 10, 8))
    );
    // 2025 combined National Day and Mid-Autumn break, 1–8 Oct.
    assert_eq!(
        cal().notice_end(date(2025, 9, 26), 5),
        Ok(date(2025, 10, 9))
    );
    // 2024: Sunday 29 Sep is a make-up day; start on a Monday.
    assert_eq!(
        cal().notice_end(date(2024, 9, 30), 3),
        Ok(date(2024, 10, 9))
    );
}

#[test]
fn zero_length_notice_is_an_error() {
    let err = cal().notice_end(date(2026, 3, 2), 0).unwrap_err();
    assert_eq!(err, CalendarError::ZeroLengthNotice);
    assert!(err.to_string().starts_with("公示期不能为0个工作日"));
}

#[test]
fn notices_are_on_file() {
    let notice = cal().notice(2026).unwrap();
    assert_eq!(notice.title(), "国务院办公厅关于2026年部分节假日安排的通知");
    assert_eq!(
        notice.url(),
        "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"
    );
    assert!(cal().notice(2027).is_none());
    assert_eq!(cal().years().collect::<Vec<_>>(), [2024, 2025, 2026]);
}

#[test]
fn custom_data_can_be_loaded() {
    let text = "\
year  2030
title 国务院办公厅关于2030年部分节假日安排的通知
url   https://www.gov.cn/example.htm
off  2030-01-01 元旦  # 周二
work 2030-01-05 元旦调休上班  # 周六
";
    let year = Calendar::parse_year(text).unwrap();
    let custom = Calendar::from_years([year]).unwrap();
    assert_eq!(custom.is_workday(date(2030, 1, 1)), Ok(false));
    assert_eq!(custom.is_workday(date(2030, 1, 5)), Ok(true));
    assert_eq!(custom.is_workday(date(2030, 1, 6)), Ok(false));
    assert_eq!(
        custom.add_workdays(date(2029, 12, 31), 1).unwrap_err(),
        CalendarError::YearNotPublished { year: 2029 }
    );
    assert_eq!(
        custom.add_workdays(date(2030, 1, 1), 3),
        Ok(date(2030, 1, 4))
    );
    assert_eq!(
        custom.add_workdays(date(2030, 1, 1), 4),
        Ok(date(2030, 1, 5))
    );
}

/// Any date in the years on file.
fn on_file_date() -> impl Strategy<Value = NaiveDate> {
    let first = date(2024, 1, 1);
    let days = (date(2026, 12, 31) - first).num_days();
    (0..=days).prop_map(move |offset| first + chrono::Duration::days(offset))
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn add_workdays_lands_on_workdays_and_increases(d in on_file_date(), n in 1u32..80) {
        let (Ok(a), Ok(b)) = (cal().add_workdays(d, n), cal().add_workdays(d, n + 1)) else {
            // Counting ran into 2027; covered by its own test.
            return Ok(());
        };
        prop_assert!(cal().is_workday(a).unwrap());
        prop_assert!(d < a && a < b);
        // Exactly n working days in (d, a].
        let counted = d
            .iter_days()
            .skip(1)
            .take_while(|x| *x <= a)
            .filter(|x| cal().is_workday(*x).unwrap())
            .count();
        prop_assert_eq!(counted, n as usize);
    }

    #[test]
    fn notice_end_of_one_day(d in on_file_date()) {
        let workday = cal().is_workday(d).unwrap();
        match cal().notice_end(d, 1) {
            Ok(end) if workday => prop_assert_eq!(end, d),
            Ok(end) => {
                prop_assert!(end > d && cal().is_workday(end).unwrap());
                prop_assert_eq!(Ok(end), cal().add_workdays(d, 1));
            }
            Err(e) => prop_assert_eq!(e, CalendarError::YearNotPublished { year: 2027 }),
        }
    }

    #[test]
    fn ordinary_weekdays_follow_the_weekend_rule(d in on_file_date()) {
        let schedule = cal().schedule(d.year()).unwrap();
        if schedule.day(d).is_none() {
            prop_assert_eq!(cal().is_workday(d), Ok(!is_weekend(d)));
        }
    }
}
