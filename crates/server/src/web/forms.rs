//! What every page handler starts from: the page query (`?lang=`), submitted
//! form fields, and the page context (language, signed-in user, the
//! language cookie to set, what the last action did).

use axum::extract::Multipart;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{self, CurrentUser, CSRF_FIELD};
use super::cookies::{clear_done_cookie, cookie_value, done_cookie, secure_request, DONE_COOKIE};
use super::error::ApiError;
use super::html::{url_decode, url_encode, Lang, LANG_COOKIE};
use super::sheets::check_upload_size;
use super::state::AppState;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub print: Option<String>,
    pub next: Option<String>,
    pub status: Option<String>,
    /// A keyset page of a paged list (see `web::paging`): after or before
    /// a line, or the last page, and the first line's number.
    pub after: Option<String>,
    pub before: Option<String>,
    pub last: Option<String>,
    pub row: Option<String>,
    /// The draft an application form resumes (`/apply?draft=`).
    pub draft: Option<String>,
}

pub type Fields = Vec<(String, String)>;

pub fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

pub fn checked(f: &Fields, name: &str) -> bool {
    field(f, name).is_some_and(|v| v == "on" || v == "true" || v == "1")
}

/// The page context: language, signed-in user, and the Set-Cookie for a language switch.
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    set_lang: Option<String>,
    /// The session could not be looked up because the database is away:
    /// a page that needs the user answers 503, not a sign-in redirect.
    database_away: bool,
    /// What the action that redirected here did (its code), from the
    /// done cookie; see [`done_redirect`].
    done: Option<String>,
    /// Whether the page showed `done`, and so clears the cookie.
    done_shown: std::sync::atomic::AtomicBool,
    /// The deployment's programme, Chinese and English (`阳泉市配售型保障性住房`):
    /// a Loudi deployment is not headed with Yangquan's.
    pub programme: (String, String),
}

/// The deployment's city (`阳泉市`) from its policy file's issuer (or
/// title); empty when neither names a city.
pub fn deployment_city(policy: &anju_policy::Policy) -> &str {
    let issuer = policy.issued_by.as_deref().unwrap_or(&policy.title);
    issuer
        .find('市')
        .map(|i| &issuer[..i + '市'.len_utf8()])
        .unwrap_or("")
}

/// `阳泉市配售型保障性住房` from the policy file: the city from its issuer,
/// the programme's name from its title.
fn programme(policy: &anju_policy::Policy) -> (String, String) {
    let city = deployment_city(policy);
    let programme = if policy.title.contains("配售型") {
        "配售型保障性住房"
    } else {
        "保障性住房"
    };
    let city_en = policy
        .title_en
        .as_deref()
        .and_then(|t| t.split_whitespace().next())
        .unwrap_or("");
    (
        format!("{city}{programme}"),
        format!("{city_en} affordable housing"),
    )
}

/// After an action: back to `location`, and what was done (`code`, e.g.
/// `street_pass` or `call_next:3`) said once there. The code rides in a
/// short-lived cookie that the page clears as it shows the banner, so the
/// banner appears after this redirect only, not on every later visit.
pub fn done_redirect(headers: &HeaderMap, st: &AppState, location: &str, code: &str) -> Response {
    let secure = secure_request(headers, st.secure_cookies);
    (
        [(header::SET_COOKIE, done_cookie(&url_encode(code), secure))],
        Redirect::to(location),
    )
        .into_response()
}

pub async fn ctx(st: &AppState, headers: &HeaderMap, q: &PageQuery) -> Ctx {
    let lang = Lang::from_request(headers, q.lang.as_deref());
    let (user, database_away) = match auth::current_user(st, headers).await {
        Ok(user) => (user, false),
        Err(e) => (
            None,
            e.status == axum::http::StatusCode::SERVICE_UNAVAILABLE,
        ),
    };
    let done = cookie_value(headers, DONE_COOKIE)
        .map(|v| url_decode(&v))
        .filter(|v| !v.is_empty());
    Ctx {
        lang,
        user,
        database_away,
        done,
        done_shown: std::sync::atomic::AtomicBool::new(false),
        programme: programme(&st.policy),
        set_lang: q.lang.as_ref().map(|l| {
            format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                if l == "en" { "en" } else { "zh" }
            )
        }),
    }
}

/// The page context for a room whose query carries only the language
/// beside its own fields (holdings, rentals).
pub async fn ctx_for_lang(st: &AppState, headers: &HeaderMap, lang: Option<String>) -> Ctx {
    ctx(
        st,
        headers,
        &PageQuery {
            lang,
            ..Default::default()
        },
    )
    .await
}

/// The error page: the message (Chinese first, English in parentheses) and
/// the field at fault.
#[derive(askama::Template)]
#[template(path = "web/templates/error.html")]
struct ErrorPage<'a> {
    c: &'a Ctx,
    /// In the page's language. The field at fault is a request's
    /// internal name (`members[0].id_number`): it is for machines (the
    /// JSON envelope), not shown.
    message: &'a str,
}

impl Ctx {
    /// Text in the page's language: Chinese and English side by side where
    /// the page is written.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// A message written the anju way (`中文 (English)`, see
    /// [`split_bilingual`](super::bilingual::split_bilingual)) in the
    /// page's language only: an error, an import's row error, a rule's
    /// reason.
    pub fn say(&self, message: &str) -> String {
        let (zh, en) = super::bilingual::split_bilingual(message);
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A role's name in the page's language.
    pub fn role_label(&self, role: &anju_domain::Role) -> &'static str {
        match self.lang {
            Lang::Zh => role.label_zh(),
            Lang::En => role.label_en(),
        }
    }

    /// Who is signed in, as the header shows it: the account's name and
    /// its role in the page's language. A name that already ends with its
    /// role in brackets (`市保障房公司（实施主体）`) has that suffix taken
    /// off first, so the role is said once and in the page's language.
    pub fn signed_in_as(&self, name: &str, role: &anju_domain::Role) -> String {
        let zh = role.label_zh();
        let base = [format!("（{zh}）"), format!("({zh})")]
            .iter()
            .find_map(|suffix| name.trim_end().strip_suffix(suffix.as_str()))
            .unwrap_or(name)
            .trim_end();
        match self.lang {
            Lang::Zh => format!("{base}（{zh}）"),
            Lang::En => format!("{base} ({})", role.label_en()),
        }
    }

    /// The signed-in session's CSRF token (empty when signed out), for a
    /// form's hidden `_csrf` field.
    pub fn csrf_token(&self) -> &str {
        self.user
            .as_ref()
            .map(|u| u.session.csrf_token.as_str())
            .unwrap_or("")
    }

    /// A rendered page, with the language cookie when `?lang=` chose one.
    pub fn page<T: askama::Template>(&self, t: &T) -> Response {
        match t.render() {
            Ok(html) => self.respond(Html(html)),
            Err(e) => ApiError::internal(format!("页面生成失败 (page rendering failed): {e}"))
                .into_response(),
        }
    }

    /// A form's page: 422 when the form was refused (its errors shown beside
    /// the fields, what was typed kept), 200 otherwise.
    pub fn form_page<T: askama::Template>(&self, t: &T, refused: bool) -> Response {
        let mut res = self.page(t);
        if refused && res.status().is_success() {
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        }
        res
    }

    /// What the action that redirected here did (its code), for the page's
    /// banner; the page that asks clears the cookie, so it is said once.
    pub fn done(&self) -> Option<&str> {
        self.done_shown
            .store(self.done.is_some(), std::sync::atomic::Ordering::Relaxed);
        self.done.as_deref()
    }

    fn respond(&self, html: Html<String>) -> Response {
        let mut res = html.into_response();
        let mut set = |v: String| {
            if let Ok(v) = header::HeaderValue::from_str(&v) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        };
        if let Some(c) = &self.set_lang {
            set(c.clone());
        }
        if self.done_shown.load(std::sync::atomic::Ordering::Relaxed) {
            set(clear_done_cookie());
        }
        res
    }

    /// The error page, with the error's status.
    pub fn error(&self, e: ApiError) -> Response {
        let message = self.say(&e.message);
        let page = self.page(&ErrorPage {
            c: self,
            message: &message,
        });
        let mut res = (e.status, page).into_response();
        if let Some((name, value)) = e.retry_after_header() {
            res.headers_mut().insert(name, value);
        }
        res
    }

    /// The signed-in user, or the redirect to the sign-in page that the
    /// handler returns as it is.
    #[allow(clippy::result_large_err)] // the Err is the handler's own response
    pub fn require_user(&self, next: &str) -> Result<&CurrentUser, Response> {
        if self.database_away {
            return Err(self.error(ApiError::database_unavailable()));
        }
        self.user.as_ref().ok_or_else(|| {
            Redirect::to(&format!("/login?next={}", url_encode(next))).into_response()
        })
    }
}

/// The file of an upload form (`multipart/form-data` with `_csrf` and
/// `file`), read part by part and refused as soon as it passes
/// [`super::sheets::limits::UPLOAD_BYTES`]; the form's CSRF token is checked before the
/// file is returned. Callers check the user's role *before* calling this,
/// so nobody else makes the server read an upload.
pub async fn read_upload(user: &CurrentUser, mut mp: Multipart) -> Result<Vec<u8>, ApiError> {
    let mut csrf = None;
    let mut file: Option<Vec<u8>> = None;
    loop {
        let part = match mp.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::bad_request("invalid_form", e.body_text()).field("file"))
            }
        };
        match part.name() {
            Some(CSRF_FIELD) => csrf = part.text().await.ok(),
            Some("file") => {
                let mut part = part;
                let mut buf = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(|e| {
                    ApiError::bad_request("invalid_form", e.body_text()).field("file")
                })? {
                    buf.extend_from_slice(&chunk);
                    check_upload_size(&buf)?;
                }
                file = Some(buf);
            }
            _ => {}
        }
    }
    auth::check_form_csrf(user, csrf.as_deref())?;
    file.filter(|f| !f.is_empty()).ok_or_else(|| {
        ApiError::bad_request("required", "请选择要上传的文件 (choose a file)").field("file")
    })
}
