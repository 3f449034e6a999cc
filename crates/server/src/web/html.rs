//! HTML building blocks: the Chinese/English switch, rendered fragments
//! ([`Markup`]), and (until every page is a template) the old string layout.
//! Pages are plain server-rendered HTML with forms: they work on an old
//! phone with JavaScript off, and large type suits older applicants.

use axum::http::HeaderMap;

use super::cookies::cookie_value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    Zh,
    En,
}

pub const LANG_COOKIE: &str = "anju_lang";

impl Lang {
    /// `?lang=` wins, then the cookie, then Chinese.
    pub fn from_request(headers: &HeaderMap, query_lang: Option<&str>) -> Lang {
        match query_lang.or(cookie_value(headers, LANG_COOKIE).as_deref()) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// HTML that anju rendered itself, and so may be placed in another template
/// as it is (askama does not escape it again). The only ways to make one
/// are rendering a template and [`Markup::from_build`] (a document of this
/// repository rendered when the binary was built).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup(String);

impl Markup {
    /// Renders a template (a page section or component).
    pub fn of<T: askama::Template>(t: &T) -> Result<Markup, askama::Error> {
        t.render().map(Markup)
    }

    /// HTML that `build.rs` rendered from a document of this repository
    /// (raw HTML in it escaped): only a `&'static str` built into the
    /// binary, never anything that arrives at run time.
    pub fn from_build(html: &'static str) -> Markup {
        Markup(html.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for Markup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for Markup {}

/// Percent-encodes `s` (RFC 3986 unreserved characters stay) for a path
/// segment or a query-string value: the one encoder of every page.
/// A stored RFC 3339 time as pages show it: to the minute, in Beijing time
/// (UTC+8, `anju_domain::time`), whatever offset it was written with. Text
/// that is not a time is shown as it is.
pub fn beijing_minute(stored: &str) -> String {
    match anju_domain::Timestamp::parse(stored) {
        Ok(t) => t.to_shanghai().format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => stored.to_string(),
    }
}

pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`url_encode`] (invalid escapes and non-UTF-8 are kept
/// as they are / replaced): reads back a value anju encoded itself.
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A district code in words in the page's language (`140302 城区`), or the
/// code as it stands when it is not one.
pub fn district_name(l: Lang, code: &str) -> String {
    match anju_domain::DistrictCode::parse(code) {
        Ok(d) => match l {
            Lang::Zh => d.describe_zh(),
            Lang::En => d.describe_en(),
        },
        Err(_) => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reverses_encode() {
        for s in ["call_next:3", "已完成 a&b=c", "", "%zz"] {
            assert_eq!(url_decode(&url_encode(s)), s);
        }
        assert_eq!(url_decode("%zz"), "%zz");
    }
}
