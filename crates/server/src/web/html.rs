//! HTML building blocks: the Chinese/English switch, rendered fragments
//! ([`Markup`]), and (until every page is a template) the old string layout.
//! Pages are plain server-rendered HTML with forms: they work on an old
//! phone with JavaScript off, and large type suits older applicants.

use axum::http::HeaderMap;

use crate::web::auth::cookie_value;

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

/// HTML that anju rendered itself from a template, and so may be placed in
/// another template as it is (askama does not escape it again). The only
/// ways to make one are rendering a template and [`Markup::legacy`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup(String);

impl Markup {
    /// Renders a template (a page section or component).
    pub fn of<T: askama::Template>(t: &T) -> Result<Markup, askama::Error> {
        t.render().map(Markup)
    }

    /// HTML built by hand and escaped with [`esc`] by the caller (pages
    /// not yet moved to templates).
    pub fn legacy(html: String) -> Markup {
        Markup(html)
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

pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:18px;line-height:1.6;color:#1a1a1a;background:#f6f7f9}
header{background:#b71c1c;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:bold;font-size:1.2em;margin-right:auto}
main{max-width:980px;margin:0 auto;padding:1em}
h1{font-size:1.5em;margin:.4em 0}h2{font-size:1.2em;margin:1em 0 .4em}
.card{background:#fff;border-radius:8px;padding:1em;margin:.8em 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
label{display:block;margin:.5em 0 .2em;font-weight:600}input,select,textarea{font-size:1em;padding:.45em;width:100%;max-width:28em;border:1px solid #999;border-radius:4px}
input[type=checkbox]{width:auto;transform:scale(1.3);margin-right:.5em}
button,.button{display:inline-block;font-size:1em;padding:.55em 1.2em;margin:.3em .3em .3em 0;border:0;border-radius:6px;background:#b71c1c;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#546e7a}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:.4em .5em;text-align:left;vertical-align:top}th{background:#eceff1}
.ok{color:#1b5e20}.fail{color:#b71c1c}.muted{color:#666;font-size:.9em}
.banner{padding:.8em 1em;border-radius:6px;margin:.8em 0}.banner.good{background:#e8f5e9}.banner.bad{background:#ffebee}.banner.info{background:#e3f2fd}.banner.warn{background:#fff3e0;border-left:4px solid #e65100}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.2em 1.2em}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}pre{white-space:pre-wrap;background:#eceff1;padding:.6em;border-radius:4px}
form.inline{display:inline-block;margin-right:.4em;vertical-align:top}.cite{color:#37474f;border-bottom:1px dotted #90a4ae;cursor:help}fieldset{border:1px solid #ddd;border-radius:6px;margin:.6em 0}summary{cursor:pointer}ul.home-cards{list-style:none;padding:0;margin:0}ul.home-cards li{margin:.5em 0}
@media print{header,.noprint{display:none}body{background:#fff;font-size:12pt}.card{box-shadow:none}}
"#;

/// A full page. `user` is (display name, role label) when signed in.
pub fn page(lang: Lang, title: &str, user: Option<(&str, &str)>, body: &str) -> String {
    let nav_user = match user {
        Some((name, role)) => format!(
            r#"<a href="/work">{work}</a><span>{name}（{role}）</span><form method="post" action="/logout" style="display:inline"><button class="secondary" id="logout">{out}</button></form>"#,
            work = lang.t("工作台", "Workspace"),
            name = esc(name),
            role = esc(role),
            out = lang.t("退出", "Sign out")
        ),
        None => format!(
            r#"<a href="/login" id="login-link">{}</a>"#,
            lang.t("登录", "Sign in")
        ),
    };
    let other = match lang {
        // With script, the switch keeps the page's other query parameters
        // (e.g. the round and application on the choose page); without, it
        // still switches.
        Lang::Zh => {
            r#"<a href="?lang=en" lang="en" onclick="var u=new URL(location.href);u.searchParams.set('lang','en');location.href=u.href;return false">English</a>"#
        }
        Lang::En => {
            r#"<a href="?lang=zh" lang="zh" onclick="var u=new URL(location.href);u.searchParams.set('lang','zh');location.href=u.href;return false">中文</a>"#
        }
    };
    format!(
        r#"<!doctype html><html lang="{code}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title} — {brand}</title><style>{STYLE}</style></head>
<body><header><a class="brand" href="/">{brand}</a><a href="/self-check">{check}</a><a href="/notices">{notices}</a>{nav_user}{other}</header><main>{body}</main></body></html>"#,
        code = if lang == Lang::Zh { "zh-CN" } else { "en" },
        title = esc(title),
        brand = lang.t(
            "安居 · 阳泉市配售型保障性住房",
            "anju · Yangquan affordable housing"
        ),
        check = lang.t("资格自测", "Self-check"),
        notices = lang.t("公示", "Notices"),
    )
}

/// Percent-encodes `s` (RFC 3986 unreserved characters stay) for a path
/// segment or a query-string value: the one encoder of every page.
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

pub fn banner(kind: &str, text: &str) -> String {
    format!(
        r#"<div class="banner {kind}" role="status">{}</div>"#,
        esc(text)
    )
}
