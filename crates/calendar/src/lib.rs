//! Working days in mainland China, per the State Council's annual holiday
//! notices (国务院办公厅关于部分节假日安排的通知).
//!
//! A date is a working day unless the notice for its year makes it a day
//! off; a Saturday or Sunday is a day off unless the notice makes it a
//! make-up working day (调休上班). The notice for a year is only published
//! in the preceding autumn, so for a year without one on file every query
//! fails with [`CalendarError::YearNotPublished`] instead of guessing.
//!
//! The notices are transcribed in `data/YYYY.txt` (format described in
//! `data/README.md`) and compiled into the binary.
//!
//! ```
//! use anju_calendar::Calendar;
//! use chrono::NaiveDate;
//!
//! let cal = Calendar::builtin();
//! let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! // A Sunday that is a make-up working day after New Year 2026.
//! assert!(cal.is_workday(date(2026, 1, 4))?);
//! // A 5-working-day public notice starting on the last day before the
//! // Spring Festival break ends after it (the make-up Saturday counts).
//! assert_eq!(cal.notice_end(date(2026, 2, 13), 5)?, date(2026, 2, 26));
//! # Ok::<(), anju_calendar::CalendarError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod parse;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

pub use parse::{ParseError, ParseErrorKind};

/// The holiday files compiled into the binary, listed explicitly so that the
/// build needs no script. Add a line here when adding `data/YYYY.txt`; a test
/// fails if a data file is missing from this list.
const BUILTIN_FILES: &[(&str, &str)] = &[
    ("2024.txt", include_str!("../data/2024.txt")),
    ("2025.txt", include_str!("../data/2025.txt")),
    ("2026.txt", include_str!("../data/2026.txt")),
];

/// Errors from calendar queries and from loading holiday data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date (or a date reached while counting) lies in a year whose
    /// notice is not on file.
    #[error("{year}年的国务院节假日安排通知尚未收录，无法判断工作日 (no State Council holiday notice on file for {year})")]
    YearNotPublished {
        /// The year without a notice.
        year: i32,
    },
    /// A notice period of zero working days was requested.
    #[error("公示期不能为0个工作日 (a notice period must last at least one working day)")]
    ZeroLengthNotice,
    /// Two holiday files describe the same year.
    #[error("{year}年的节假日安排重复收录 (holiday data for {year} was supplied twice)")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },
    /// A holiday file could not be parsed.
    #[error("节假日数据文件{file}有误 (holiday data file {file} is invalid): {source}")]
    Data {
        /// The file's name.
        file: String,
        /// What is wrong and on which line.
        source: ParseError,
    },
}

/// Whether a date listed in a notice is a day off or a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// An official day off (放假), including weekends inside a holiday span.
    Off,
    /// A make-up working day on a weekend (调休上班).
    Work,
}

/// The State Council notice a year's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    title: String,
    url: String,
}

impl Notice {
    /// The notice's title, e.g. `国务院办公厅关于2026年部分节假日安排的通知`.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Where the notice is published (gov.cn).
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// One year's notice and the dates it changes. Obtained only by parsing, so
/// every date lies in the year and every make-up day is on a weekend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    year: i32,
    notice: Notice,
    days: BTreeMap<NaiveDate, (DayKind, String)>,
}

impl YearSchedule {
    /// The calendar year described.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice this data comes from.
    pub fn notice(&self) -> &Notice {
        &self.notice
    }

    /// What the notice says about `date`, with the holiday's name, or `None`
    /// when it does not mention the date.
    pub fn day(&self, date: NaiveDate) -> Option<(DayKind, &str)> {
        self.days
            .get(&date)
            .map(|(kind, name)| (*kind, name.as_str()))
    }

    /// Every date the notice mentions, in order.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, DayKind, &str)> + '_ {
        self.days
            .iter()
            .map(|(date, (kind, name))| (*date, *kind, name.as_str()))
    }

    fn is_workday(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some((DayKind::Off, _)) => false,
            Some((DayKind::Work, _)) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }
}

/// Working-day arithmetic over the years whose notices are on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
}

impl Calendar {
    /// The calendar compiled into the binary, parsed on first use.
    ///
    /// # Panics
    ///
    /// Only if the compiled-in data files are malformed, which this crate's
    /// tests rule out before release. Use [`Calendar::try_builtin`] to get
    /// the error instead.
    pub fn builtin() -> &'static Calendar {
        match Calendar::try_builtin() {
            Ok(calendar) => calendar,
            // Not an input path: the data is fixed at compile time, and an
            // empty calendar would silently claim every year unpublished.
            Err(e) => panic!("built-in holiday data is broken: {e}"),
        }
    }

    /// Like [`Calendar::builtin`], but reports malformed compiled-in data
    /// as an error.
    pub fn try_builtin() -> Result<&'static Calendar, CalendarError> {
        static BUILTIN: OnceLock<Result<Calendar, CalendarError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Calendar::from_texts(BUILTIN_FILES.iter().copied()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses one year's holiday file (format: `data/README.md`).
    pub fn parse_year(text: &str) -> Result<YearSchedule, ParseError> {
        parse::parse_year(text)
    }

    /// Builds a calendar from parsed years; each year may appear once.
    pub fn from_years(
        years: impl IntoIterator<Item = YearSchedule>,
    ) -> Result<Calendar, CalendarError> {
        let mut map = BTreeMap::new();
        for schedule in years {
            let year = schedule.year;
            if map.insert(year, schedule).is_some() {
                return Err(CalendarError::DuplicateYear { year });
            }
        }
        Ok(Calendar { years: map })
    }

    /// Parses `(file name, contents)` pairs and builds a calendar; parse
    /// errors name the file and line.
    pub fn from_texts<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Calendar, CalendarError> {
        let mut years = Vec::new();
        for (file, text) in files {
            let schedule = parse::parse_year(text).map_err(|source| CalendarError::Data {
                file: file.to_owned(),
                source,
            })?;
            years.push(schedule);
        }
        Calendar::from_years(years)
    }

    /// The years with a notice on file, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// The notice on file for `year`, if any.
    pub fn notice(&self, year: i32) -> Option<&Notice> {
        self.years.get(&year).map(|s| &s.notice)
    }

    /// The full data on file for `year`, if any.
    pub fn schedule(&self, year: i32) -> Option<&YearSchedule> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day.
    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.schedule_for(date.year()).map(|s| s.is_workday(date))
    }

    /// The `n`th working day after `date`, not counting `date` itself.
    /// `n = 0` returns `date` (after checking its year is on file).
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut schedule = self.schedule_for(date.year())?;
        let mut current = date;
        let mut remaining = n;
        while remaining > 0 {
            current = current.succ_opt().ok_or(CalendarError::YearNotPublished {
                year: current.year().saturating_add(1),
            })?;
            if current.year() != schedule.year {
                schedule = self.schedule_for(current.year())?;
            }
            if schedule.is_workday(current) {
                remaining -= 1;
            }
        }
        Ok(current)
    }

    /// The last day of a public notice (公示) lasting `n` working days from
    /// `start`. The start counts when it is a working day; otherwise the
    /// notice's first day is the next working day.
    pub fn notice_end(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroLengthNotice);
        }
        if self.is_workday(start)? {
            self.add_workdays(start, n - 1)
        } else {
            self.add_workdays(start, n)
        }
    }

    fn schedule_for(&self, year: i32) -> Result<&YearSchedule, CalendarError> {
        self.years
            .get(&year)
            .ok_or(CalendarError::YearNotPublished { year })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_parses() {
        let cal = Calendar::try_builtin().unwrap();
        assert_eq!(cal.years().collect::<Vec<_>>(), vec![2024, 2025, 2026]);
        for year in cal.years() {
            let notice = cal.notice(year).unwrap();
            assert_eq!(
                notice.title(),
                format!("国务院办公厅关于{year}年部分节假日安排的通知")
            );
            assert!(notice.url().starts_with("https://www.gov.cn/"));
        }
    }

    #[test]
    fn every_data_file_is_compiled_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".txt"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = BUILTIN_FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, listed, "update BUILTIN_FILES in src/lib.rs");
        for (name, text) in BUILTIN_FILES {
            let year = Calendar::parse_year(text).unwrap().year();
            assert_eq!(
                *name,
                format!("{year}.txt"),
                "file name must match its year"
            );
        }
    }

    #[test]
    fn data_errors_name_file_and_line() {
        let err = Calendar::from_texts([(
            "2030.txt",
            "year 2030\ntitle t\nurl https://x\noff 2030-13-01 x\n",
        )])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "节假日数据文件2030.txt有误 (holiday data file 2030.txt is invalid): 第4行 (line 4): 日期“2030-13-01”无效 (invalid date \"2030-13-01\"; expected YYYY-MM-DD)"
        );
    }

    #[test]
    fn duplicate_year_is_rejected() {
        let text = "year 2030\ntitle t\nurl https://x\noff 2030-01-01 元旦\n";
        let err = Calendar::from_texts([("a.txt", text), ("b.txt", text)]).unwrap_err();
        assert_eq!(err, CalendarError::DuplicateYear { year: 2030 });
    }
}
