//! Parser for the plain-text holiday files in `data/` (format: data/README.md).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::{DayKind, Notice, YearSchedule};

/// Years a holiday file may describe. The lower bound is the founding of the
/// PRC's national holiday system; the upper bound keeps every date inside
/// chrono's range with room for date arithmetic.
const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1949..=9999;

/// A mistake in a holiday file, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行 (line {line}): {kind}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a line of a holiday file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The first word is not `year`, `title`, `url`, `off` or `work`.
    #[error("无法识别的关键字“{word}” (unknown keyword {word:?}; expected year, title, url, off or work)")]
    UnknownKeyword {
        /// The unrecognised first word.
        word: String,
    },
    /// A keyword with nothing after it.
    #[error("“{keyword}”后缺少内容 ({keyword:?} needs a value)")]
    MissingValue {
        /// The keyword.
        keyword: &'static str,
    },
    /// A header line given twice.
    #[error("“{keyword}”重复出现，首次在第{first_line}行 ({keyword:?} given twice, first on line {first_line})")]
    DuplicateHeader {
        /// The keyword.
        keyword: &'static str,
        /// Where it first appeared.
        first_line: usize,
    },
    /// A header line is missing (reported at the first date line, or at the
    /// end of the file).
    #[error("缺少“{keyword}”行，应写在所有日期之前 (missing {keyword:?} line; it must come before the dates)")]
    MissingHeader {
        /// The keyword.
        keyword: &'static str,
    },
    /// A header line after the first date line.
    #[error("“{keyword}”行应写在所有日期之前 ({keyword:?} line must come before the first date)")]
    HeaderAfterDates {
        /// The keyword.
        keyword: &'static str,
    },
    /// The `year` value is not a number in range.
    #[error(
        "年份“{text}”无效 (invalid year {text:?}; expected a four-digit year from 1949 to 9999)"
    )]
    InvalidYear {
        /// The text given.
        text: String,
    },
    /// The `url` value does not look like a web address.
    #[error("通知网址“{text}”无效 (invalid notice URL {text:?}; expected http:// or https://)")]
    InvalidUrl {
        /// The text given.
        text: String,
    },
    /// A date that is not `YYYY-MM-DD` or not a real date.
    #[error("日期“{text}”无效 (invalid date {text:?}; expected YYYY-MM-DD)")]
    InvalidDate {
        /// The text given.
        text: String,
    },
    /// A date line without a holiday name.
    #[error("日期后缺少节日名称 (missing holiday name after the date)")]
    MissingName,
    /// A date outside the year named in the header.
    #[error("日期{date}不在{year}年内 (date {date} is not in {year}, the year of this file)")]
    DateOutsideYear {
        /// The date given.
        date: NaiveDate,
        /// The header's year.
        year: i32,
    },
    /// The same date listed twice.
    #[error("日期{date}重复出现，首次在第{first_line}行 (date {date} listed twice, first on line {first_line})")]
    DuplicateDate {
        /// The date given.
        date: NaiveDate,
        /// Where it first appeared.
        first_line: usize,
    },
    /// A make-up working day on Monday–Friday, which would change nothing and
    /// is almost certainly a typo in the date.
    #[error("调休上班日{date}不是周末 (make-up working day {date} is a {weekday}, not a Saturday or Sunday)")]
    MakeupOnWeekday {
        /// The date given.
        date: NaiveDate,
        /// Its weekday.
        weekday: Weekday,
    },
    /// The file names no dates at all.
    #[error("文件中没有任何放假或上班日期 (the file lists no off or work dates)")]
    NoDates,
}

/// Header values with the line each came from.
#[derive(Default)]
struct Header {
    year: Option<(i32, usize)>,
    title: Option<(String, usize)>,
    url: Option<(String, usize)>,
}

impl Header {
    /// The complete header, or the first missing keyword.
    fn complete(&self) -> Result<(i32, Notice), ParseErrorKind> {
        let (year, _) = self
            .year
            .ok_or(ParseErrorKind::MissingHeader { keyword: "year" })?;
        let (title, _) = self
            .title
            .as_ref()
            .ok_or(ParseErrorKind::MissingHeader { keyword: "title" })?;
        let (url, _) = self
            .url
            .as_ref()
            .ok_or(ParseErrorKind::MissingHeader { keyword: "url" })?;
        Ok((
            year,
            Notice {
                title: title.clone(),
                url: url.clone(),
            },
        ))
    }
}

/// Strips a comment: `#` at the start or after whitespace. A `#` glued to
/// other text (as in a URL fragment) is kept.
fn strip_comment(line: &str) -> &str {
    let mut prev_is_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_is_space {
            return &line[..i];
        }
        prev_is_space = c.is_whitespace();
    }
    line
}

/// Splits off the first whitespace-separated word.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

fn set_once<T>(
    slot: &mut Option<(T, usize)>,
    keyword: &'static str,
    value: T,
    line: usize,
) -> Result<(), ParseErrorKind> {
    if let Some((_, first_line)) = slot {
        return Err(ParseErrorKind::DuplicateHeader {
            keyword,
            first_line: *first_line,
        });
    }
    *slot = Some((value, line));
    Ok(())
}

fn parse_year_value(text: &str) -> Result<i32, ParseErrorKind> {
    let invalid = || ParseErrorKind::InvalidYear {
        text: text.to_owned(),
    };
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let year: i32 = text.parse().map_err(|_| invalid())?;
    if YEAR_RANGE.contains(&year) {
        Ok(year)
    } else {
        Err(invalid())
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, ParseErrorKind> {
    // Insist on the zero-padded form so every file reads the same way.
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let parsed = if well_formed {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    } else {
        None
    };
    parsed.ok_or_else(|| ParseErrorKind::InvalidDate {
        text: text.to_owned(),
    })
}

/// Parses one year's holiday file.
pub(crate) fn parse_year(text: &str) -> Result<YearSchedule, ParseError> {
    // Windows editors (Notepad) may save UTF-8 with a byte-order mark.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut header = Header::default();
    // Once the first date line is seen the header is frozen.
    let mut frozen: Option<(i32, Notice)> = None;
    let mut days: BTreeMap<NaiveDate, (DayKind, String, usize)> = BTreeMap::new();
    let mut last_line = 1;

    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        last_line = line;
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        let at = |kind| ParseError { line, kind };
        let (keyword, rest) = split_word(content);
        match keyword {
            "year" | "title" | "url" if frozen.is_some() => {
                // Headers after dates would make the file hard to read, and
                // the dates above were already checked against the year.
                let keyword = match keyword {
                    "year" => "year",
                    "title" => "title",
                    _ => "url",
                };
                return Err(at(ParseErrorKind::HeaderAfterDates { keyword }));
            }
            "year" => {
                let (value, extra) = split_word(rest);
                if value.is_empty() {
                    return Err(at(ParseErrorKind::MissingValue { keyword: "year" }));
                }
                if !extra.is_empty() {
                    return Err(at(ParseErrorKind::InvalidYear {
                        text: rest.to_owned(),
                    }));
                }
                let year = parse_year_value(value).map_err(at)?;
                set_once(&mut header.year, "year", year, line).map_err(at)?;
            }
            "title" => {
                if rest.is_empty() {
                    return Err(at(ParseErrorKind::MissingValue { keyword: "title" }));
                }
                set_once(&mut header.title, "title", rest.to_owned(), line).map_err(at)?;
            }
            "url" => {
                if rest.is_empty() {
                    return Err(at(ParseErrorKind::MissingValue { keyword: "url" }));
                }
                let looks_like_url = (rest.starts_with("https://") || rest.starts_with("http://"))
                    && !rest.contains(char::is_whitespace);
                if !looks_like_url {
                    return Err(at(ParseErrorKind::InvalidUrl {
                        text: rest.to_owned(),
                    }));
                }
                set_once(&mut header.url, "url", rest.to_owned(), line).map_err(at)?;
            }
            "off" | "work" => {
                let (kind, keyword) = if keyword == "off" {
                    (DayKind::Off, "off")
                } else {
                    (DayKind::Work, "work")
                };
                let year = match &frozen {
                    Some((year, _)) => *year,
                    None => {
                        let complete = header.complete().map_err(at)?;
                        let year = complete.0;
                        frozen = Some(complete);
                        year
                    }
                };
                let (date_text, name) = split_word(rest);
                if date_text.is_empty() {
                    return Err(at(ParseErrorKind::MissingValue { keyword }));
                }
                let date = parse_date(date_text).map_err(at)?;
                if name.is_empty() {
                    return Err(at(ParseErrorKind::MissingName));
                }
                if date.year() != year {
                    return Err(at(ParseErrorKind::DateOutsideYear { date, year }));
                }
                let weekday = date.weekday();
                if kind == DayKind::Work && !matches!(weekday, Weekday::Sat | Weekday::Sun) {
                    return Err(at(ParseErrorKind::MakeupOnWeekday { date, weekday }));
                }
                if let Some((_, _, first_line)) = days.get(&date) {
                    return Err(at(ParseErrorKind::DuplicateDate {
                        date,
                        first_line: *first_line,
                    }));
                }
                days.insert(date, (kind, name.to_owned(), line));
            }
            other => {
                return Err(at(ParseErrorKind::UnknownKeyword {
                    word: other.to_owned(),
                }))
            }
        }
    }

    let at_end = |kind| ParseError {
        line: last_line,
        kind,
    };
    let (year, notice) = match frozen {
        Some(done) => done,
        None => {
            // Report a missing header before complaining about missing dates.
            header.complete().map_err(at_end)?;
            return Err(at_end(ParseErrorKind::NoDates));
        }
    };
    Ok(YearSchedule {
        year,
        notice,
        days: days
            .into_iter()
            .map(|(date, (kind, name, _))| (date, (kind, name)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "year 2030\ntitle 国务院办公厅关于2030年部分节假日安排的通知\nurl https://www.gov.cn/x.htm\n";

    fn err(text: &str) -> ParseError {
        match parse_year(text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e,
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn minimal_file() {
        let text = format!("{HEADER}off 2030-01-01 元旦\nwork 2030-01-05 元旦调休上班 # 周六\n");
        let y = parse_year(&text).unwrap();
        assert_eq!(y.year(), 2030);
        assert_eq!(y.notice().url(), "https://www.gov.cn/x.htm");
        assert_eq!(y.day(ymd(2030, 1, 1)), Some((DayKind::Off, "元旦")));
        assert_eq!(
            y.day(ymd(2030, 1, 5)),
            Some((DayKind::Work, "元旦调休上班"))
        );
        assert_eq!(y.day(ymd(2030, 1, 2)), None);
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# heading\n\n   # indented\nyear 2030 # trailing\ntitle T#1\nurl https://a.b/c#frag\noff 2030-01-01 元旦\n";
        let y = parse_year(text).unwrap();
        assert_eq!(y.notice().title(), "T#1");
        assert_eq!(y.notice().url(), "https://a.b/c#frag");
    }

    #[test]
    fn windows_line_endings_and_bom() {
        let text = format!(
            "\u{FEFF}# 注释\r\n{}off 2030-01-01 元旦\r\n",
            HEADER.replace('\n', "\r\n")
        );
        let y = parse_year(&text).unwrap();
        assert_eq!(y.notice().url(), "https://www.gov.cn/x.htm");
        assert_eq!(y.day(ymd(2030, 1, 1)), Some((DayKind::Off, "元旦")));
    }

    #[test]
    fn errors_name_their_line() {
        let e = err(&format!("{HEADER}\noff 2030-02-30 春节\n"));
        assert_eq!(e.line, 5);
        assert_eq!(
            e.kind,
            ParseErrorKind::InvalidDate {
                text: "2030-02-30".into()
            }
        );
        assert!(e.to_string().starts_with("第5行 (line 5): "), "{e}");
    }

    #[test]
    fn every_error_kind() {
        let cases: Vec<(String, usize, ParseErrorKind)> = vec![
            (
                format!("{HEADER}holiday 2030-01-01 x\n"),
                4,
                ParseErrorKind::UnknownKeyword {
                    word: "holiday".into(),
                },
            ),
            (
                "year\n".into(),
                1,
                ParseErrorKind::MissingValue { keyword: "year" },
            ),
            (
                "year 2030\ntitle\n".into(),
                2,
                ParseErrorKind::MissingValue { keyword: "title" },
            ),
            (
                format!("{HEADER}year 2031\n"),
                4,
                ParseErrorKind::DuplicateHeader {
                    keyword: "year",
                    first_line: 1,
                },
            ),
            (
                "year 2030\nurl https://x\noff 2030-01-01 元旦\n".into(),
                3,
                ParseErrorKind::MissingHeader { keyword: "title" },
            ),
            (
                "year 2030\ntitle t\n".into(),
                2,
                ParseErrorKind::MissingHeader { keyword: "url" },
            ),
            (
                "year 30\n".into(),
                1,
                ParseErrorKind::InvalidYear { text: "30".into() },
            ),
            (
                "year 1900\n".into(),
                1,
                ParseErrorKind::InvalidYear {
                    text: "1900".into(),
                },
            ),
            (
                "year 2030\ntitle t\nurl www.gov.cn\n".into(),
                3,
                ParseErrorKind::InvalidUrl {
                    text: "www.gov.cn".into(),
                },
            ),
            (
                format!("{HEADER}off 2030-1-1 元旦\n"),
                4,
                ParseErrorKind::InvalidDate {
                    text: "2030-1-1".into(),
                },
            ),
            (
                format!("{HEADER}off 2030-01-01\n"),
                4,
                ParseErrorKind::MissingName,
            ),
            (
                format!("{HEADER}off\n"),
                4,
                ParseErrorKind::MissingValue { keyword: "off" },
            ),
            (
                format!("{HEADER}off 2029-12-31 元旦\n"),
                4,
                ParseErrorKind::DateOutsideYear {
                    date: ymd(2029, 12, 31),
                    year: 2030,
                },
            ),
            (
                format!("{HEADER}off 2030-01-01 元旦\noff 2030-01-01 元旦\n"),
                5,
                ParseErrorKind::DuplicateDate {
                    date: ymd(2030, 1, 1),
                    first_line: 4,
                },
            ),
            (
                format!("{HEADER}work 2030-01-07 调休\n"),
                4,
                ParseErrorKind::MakeupOnWeekday {
                    date: ymd(2030, 1, 7),
                    weekday: Weekday::Mon,
                },
            ),
            (HEADER.into(), 3, ParseErrorKind::NoDates),
            (
                String::new(),
                1,
                ParseErrorKind::MissingHeader { keyword: "year" },
            ),
        ];
        for (text, line, kind) in cases {
            let e = err(&text);
            assert_eq!((e.line, &e.kind), (line, &kind), "{text}");
            // Every message is bilingual: Chinese, then English in brackets.
            let msg = e.to_string();
            assert!(msg.contains(" (") && msg.ends_with(')'), "{msg}");
        }
    }

    #[test]
    fn header_after_dates_is_rejected() {
        let e = err(&format!("{HEADER}off 2030-01-01 元旦\ntitle again\n"));
        assert_eq!(e.line, 5);
        assert_eq!(
            e.kind,
            ParseErrorKind::HeaderAfterDates { keyword: "title" }
        );
    }
}
