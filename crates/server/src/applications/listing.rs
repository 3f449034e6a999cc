//! What an application list asks for (issue 12 feature 15): search,
//! filters and order, as typed in a query string, checked into a
//! [`ListRequest`] the service turns into the store's filter. One parser for
//! the work page and the API, so both accept and refuse the same things.

use anju_domain::{mask_name, DistrictCode, StatusKind};
use anju_store::{ListOrder, ListSearch};
use chrono::NaiveDate;

use crate::web::error::ApiError;
use crate::web::field_errors::FieldErrors;
use crate::web::AppState;

/// The longest search text: an application number is 24 characters; a
/// name of 40 is the longest the form accepts.
pub const SEARCH_MAX_CHARS: usize = 40;

/// A checked list request. `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRequest {
    pub status: Option<StatusKind>,
    pub district: Option<DistrictCode>,
    pub search: Option<ListSearch>,
    pub category: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub order: ListOrder,
}

impl ListRequest {
    /// Only this state, nothing else.
    pub fn status(status: Option<StatusKind>) -> ListRequest {
        ListRequest {
            status,
            ..ListRequest::default()
        }
    }
}

/// The list's query as typed, every field text (an unknown value is the
/// person's mistake to be told of, not a reason to refuse the page).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawList<'a> {
    pub status: Option<&'a str>,
    pub district: Option<&'a str>,
    pub q: Option<&'a str>,
    pub category: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub sort: Option<&'a str>,
}

/// The codes of the list orders, as `sort=` takes them.
pub const ORDERS: [(ListOrder, &str, &str, &str); 3] = [
    (
        ListOrder::NewestFirst,
        "newest",
        "最新提交在前",
        "Newest first",
    ),
    (
        ListOrder::OldestFirst,
        "oldest",
        "最早提交在前",
        "Oldest first",
    ),
    (
        ListOrder::RecentlyUpdated,
        "updated",
        "最近办理在前",
        "Recently handled first",
    ),
];

/// The code of a status as `status=` takes it.
pub fn status_code(s: StatusKind) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn nonempty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// Checks `raw` against the deployment's policy (its categories). Every
/// problem is reported beside its field; the API refuses a request with
/// any.
pub fn parse(st: &AppState, raw: RawList<'_>) -> Result<ListRequest, FieldErrors> {
    let (out, errors) = parse_lenient(st, raw);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// As [`parse`], but keeping every filter that is right beside the
/// problems with the others: a page shows the list those ask for and says
/// which were not used.
pub fn parse_lenient(st: &AppState, raw: RawList<'_>) -> (ListRequest, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut out = ListRequest::default();
    if let Some(s) = nonempty(raw.status) {
        match StatusKind::ALL.into_iter().find(|k| status_code(*k) == s) {
            Some(k) => out.status = Some(k),
            None => errors.add("status", "没有这个状态", "No such state"),
        }
    }
    if let Some(d) = nonempty(raw.district) {
        match DistrictCode::parse(d) {
            Ok(d) => out.district = Some(d),
            Err(_) => errors.add(
                "district",
                "县（区）代码应为6位数字",
                "A district code has six digits",
            ),
        }
    }
    if let Some(q) = nonempty(raw.q) {
        match search(q) {
            Ok(s) => out.search = Some(s),
            Err((zh, en)) => errors.add("q", zh, en),
        }
    }
    if let Some(c) = nonempty(raw.category) {
        if st.policy.categories.iter().any(|k| k.id == c) {
            out.category = Some(c.to_string());
        } else {
            errors.add(
                "category",
                "本市政策没有这个类别",
                "No such category in this city's policy",
            );
        }
    }
    out.from = date(raw.from, "from", &mut errors);
    out.to = date(raw.to, "to", &mut errors);
    if let (Some(f), Some(t)) = (out.from, out.to) {
        if f > t {
            errors.add(
                "to",
                "结束日期早于开始日期",
                "The end date is before the start date",
            );
            out.to = None;
        }
    }
    if let Some(s) = nonempty(raw.sort) {
        match ORDERS.iter().find(|o| o.1 == s) {
            Some(o) => out.order = o.0,
            None => errors.add("sort", "没有这种排序", "No such order"),
        }
    }
    (out, errors)
}

/// The first problem as the API's 400 answer, naming its field.
pub fn api_error(errors: &FieldErrors) -> ApiError {
    let first = errors.iter().next();
    let message = first.map_or_else(String::new, |e| format!("{} ({})", e.zh, e.en));
    let e = ApiError::bad_request("invalid_filter", message);
    match first {
        Some(f) if !f.field.is_empty() => e.field(&f.field),
        _ => e,
    }
}

fn date(v: Option<&str>, field: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let v = nonempty(v)?;
    match anju_policy::household::parse_iso_date(v) {
        Some(d) => Some(d),
        None => {
            errors.add(
                field,
                format!("日期“{v}”无效，应为 2026-03-01 格式"),
                format!("“{v}” is not a date such as 2026-03-01"),
            );
            None
        }
    }
}

/// What a search text looks for. Only what the list shows can be found
/// (see [`ListSearch`]): an application number (or its beginning), the last
/// four characters of the resident ID, a surname, or a name — a full name
/// typed is masked first and matched against the masked names, so the
/// search never compares full names.
pub fn search(q: &str) -> Result<ListSearch, (String, String)> {
    let q = q.trim();
    if q.chars().count() > SEARCH_MAX_CHARS {
        return Err((
            format!("搜索内容最多{SEARCH_MAX_CHARS}个字"),
            format!("Search for at most {SEARCH_MAX_CHARS} characters"),
        ));
    }
    let chars: Vec<char> = q.chars().collect();
    let is_tail = chars.len() == 4
        && chars[..3].iter().all(char::is_ascii_digit)
        && (chars[3].is_ascii_digit() || chars[3] == 'x' || chars[3] == 'X');
    if is_tail {
        return Ok(ListSearch::IdTail(q.to_ascii_uppercase()));
    }
    let resident_id = chars.len() == 18 && chars[..17].iter().all(char::is_ascii_digit);
    if resident_id {
        return Err((
            "为保护个人信息，列表不按完整身份证号搜索，请输入后4位".to_string(),
            "To protect personal data, lists are not searched by full ID number: type its last four"
                .to_string(),
        ));
    }
    if q.is_ascii() && (q.contains('-') || (q.len() >= 6 && q.bytes().all(|b| b.is_ascii_digit())))
    {
        return Ok(ListSearch::IdPrefix(q.to_ascii_lowercase()));
    }
    if q.bytes().all(|b| b.is_ascii_digit()) {
        return Err((
            "数字请输入身份证号后4位或申请编号（至少前6位）".to_string(),
            "Digits: the ID's last four, or an application number (at least its first six)"
                .to_string(),
        ));
    }
    if q.contains('*') {
        return Ok(ListSearch::MaskedName(q.to_string()));
    }
    if chars.len() == 1 {
        return Ok(ListSearch::Surname(q.to_string()));
    }
    Ok(ListSearch::MaskedName(mask_name(q)))
}

/// A list line's place as a page link carries it (`after=`, `before=`):
/// the time the list's order sorts by, as stored, then `~` and the
/// application number, e.g. `2026-11-30T10:00:00.123456+08:00~A-…`. The
/// time goes first because neither it nor the `~` can occur in the other.
pub fn cursor_text(c: &anju_store::ListCursor) -> String {
    format!("{}~{}", c.at.to_rfc3339(), c.id.as_str())
}

/// Reads [`cursor_text`] back; `None` for anything else (an edited link,
/// which then shows the first page).
pub fn parse_cursor(text: &str) -> Option<anju_store::ListCursor> {
    let (at, id) = text.split_once('~')?;
    Some(anju_store::ListCursor {
        at: anju_domain::Timestamp::parse(at).ok()?,
        id: anju_domain::ApplicationId::new(id).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_finds_only_what_the_list_shows() {
        assert_eq!(search("123x"), Ok(ListSearch::IdTail("123X".into())));
        assert_eq!(search(" 0042 "), Ok(ListSearch::IdTail("0042".into())));
        assert_eq!(
            search("140302-2026"),
            Ok(ListSearch::IdPrefix("140302-2026".into()))
        );
        assert_eq!(search("140302"), Ok(ListSearch::IdPrefix("140302".into())));
        assert_eq!(search("王振国"), Ok(ListSearch::MaskedName("王*国".into())));
        assert_eq!(search("王*国"), Ok(ListSearch::MaskedName("王*国".into())));
        assert_eq!(search("王"), Ok(ListSearch::Surname("王".into())));
        assert!(search("12345").is_err(), "five digits are neither");
        assert!(search("14030219900101123X").is_err(), "never a full ID");
        assert!(search(&"王".repeat(41)).is_err());
    }

    #[test]
    fn a_cursor_reads_back_and_nonsense_does_not() {
        let c = anju_store::ListCursor {
            at: anju_domain::Timestamp::parse("2026-11-30T10:00:00.123456+08:00").expect("time"),
            id: anju_domain::ApplicationId::new("140302-20261130-S0000001").expect("id"),
        };
        let text = cursor_text(&c);
        assert_eq!(
            text,
            "2026-11-30T10:00:00.123456+08:00~140302-20261130-S0000001"
        );
        assert_eq!(parse_cursor(&text), Some(c));
        for bad in ["", "~", "nonsense", "2026-11-30~", "x~140302-1"] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
    }
}
