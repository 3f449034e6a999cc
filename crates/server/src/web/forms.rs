//! What every page handler starts from: the page query (`?lang=`, `?msg=`),
//! submitted form fields, and the page context (language, signed-in user,
//! the language cookie to set).

use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{self, CurrentUser, CSRF_FIELD};
use super::error::ApiError;
use super::html::{banner, esc, page, url_encode, Lang, LANG_COOKIE};
use super::AppState;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub msg: Option<String>,
    pub print: Option<String>,
    pub next: Option<String>,
    pub status: Option<String>,
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
}

pub async fn ctx(st: &AppState, headers: &HeaderMap, q: &PageQuery) -> Ctx {
    let lang = Lang::from_request(headers, q.lang.as_deref());
    let user = auth::current_user(st, headers).await.ok().flatten();
    Ctx {
        lang,
        user,
        set_lang: q.lang.as_ref().map(|l| {
            format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                if l == "en" { "en" } else { "zh" }
            )
        }),
    }
}

impl Ctx {
    pub fn render(&self, title: &str, body: &str) -> Response {
        let user = self
            .user
            .as_ref()
            .map(|u| (u.user.display_name.as_str(), u.user.role.label_zh()));
        let html = Html(page(self.lang, title, user, body));
        match &self.set_lang {
            Some(c) => ([(header::SET_COOKIE, c.clone())], html).into_response(),
            None => html.into_response(),
        }
    }

    pub fn error(&self, e: ApiError) -> Response {
        let status = e.status;
        let body = format!(
            r#"{}<p><a href="javascript:history.back()">{}</a></p>"#,
            banner(
                "bad",
                &format!(
                    "{}{}",
                    e.message,
                    e.field.map(|f| format!("（{f}）")).unwrap_or_default()
                )
            ),
            self.lang.t("返回上一页", "Go back")
        );
        (status, self.render(self.lang.t("出错了", "Error"), &body)).into_response()
    }

    pub fn csrf(&self) -> String {
        self.user
            .as_ref()
            .map(|u| {
                format!(
                    r#"<input type="hidden" name="{CSRF_FIELD}" value="{}">"#,
                    esc(&u.session.csrf_token)
                )
            })
            .unwrap_or_default()
    }

    pub fn require_user(&self, next: &str) -> Result<&CurrentUser, Response> {
        self.user.as_ref().ok_or_else(|| {
            Redirect::to(&format!("/login?next={}", url_encode(next))).into_response()
        })
    }
}
