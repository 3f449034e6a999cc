//! The sign-in page and the sign-out button.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use crate::web::auth;
use crate::web::error::ApiError;
use crate::web::forms::{ctx, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

use super::service::do_login;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login_page))
        .route("/logout", post(logout_page))
}

async fn login_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let token = auth::random_token();
    let mut res = c.page(&LoginPage {
        c: &c,
        next: q.next.as_deref().unwrap_or("/work"),
        login_token: &token,
    });
    let secure = auth::secure_request(&headers, st.secure_cookies);
    if let Ok(v) = auth::login_cookie(&token, secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(askama::Template)]
#[template(path = "accounts/templates/login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: &'a str,
    /// The form's `_login` field, matched with the login cookie.
    login_token: &'a str,
}

async fn login_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    // The form must come from our own sign-in page (login CSRF): its
    // `_login` field equals the cookie set with the page.
    let from_our_page = auth::cookie_value(&headers, auth::LOGIN_COOKIE)
        .zip(field(&f, "_login"))
        .is_some_and(|(cookie, given)| !cookie.is_empty() && cookie == given);
    if !from_our_page {
        return c.error(ApiError::forbidden(
            "登录页面已过期或不是从本站打开的，请刷新登录页面后重试 (the sign-in form expired or did not come from this site: reload the sign-in page and try again)",
        ));
    }
    // Where to go afterwards is checked before anything else happens, so
    // a refused `next` signs nobody in and sets no cookie.
    let next = match field(&f, "next").filter(|n| !n.is_empty()) {
        None => "/work",
        Some(n) => match local_path(n) {
            Some(p) => p,
            None => {
                return c.error(
                    ApiError::bad_request(
                        "invalid_next",
                        "登录后要打开的地址无效：只能是本站的页面 (the page to open after signing in must be a page of this site)",
                    )
                    .field("next"),
                )
            }
        },
    };
    let device = auth::cookie_value(&headers, auth::DEVICE_COOKIE);
    match do_login(
        &st,
        ip,
        device.as_deref(),
        field(&f, "username").unwrap_or(""),
        field(&f, "password").unwrap_or(""),
    )
    .await
    {
        Err(e) => c.error(e),
        Ok(s) => {
            let secure = auth::secure_request(&headers, st.secure_cookies);
            (
                // Appended, not inserted: two cookies.
                axum::response::AppendHeaders([
                    (header::SET_COOKIE, auth::session_cookie(&s.token, secure)),
                    (header::SET_COOKIE, auth::device_cookie(&s.device, secure)),
                ]),
                Redirect::to(next),
            )
                .into_response()
        }
    }
}

async fn logout_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    if let Ok(Some(u)) = auth::current_user(&st, &headers).await {
        // Only our own sign-out button (with the session's token) signs out.
        if let Err(e) = auth::check_form_csrf(&u, field(&f, auth::CSRF_FIELD)) {
            let c = ctx(&st, &headers, &q).await;
            return c.error(e);
        }
        let _ = st
            .store
            .accounts()
            .delete_session(&u.session.token_hash)
            .await;
        st.sessions.forget(&u.session.token_hash);
    }
    (
        [(header::SET_COOKIE, auth::clear_cookie())],
        Redirect::to("/"),
    )
        .into_response()
}

/// `next` if it is a path of this site and nothing else: it starts with one
/// `/`, and is made of visible ASCII without backslashes, so no browser can
/// read it as another host (`//evil`, `/\\evil`, `/<TAB>/evil`) and it is a
/// valid `Location` header. Anything else is refused.
pub fn local_path(next: &str) -> Option<&str> {
    let b = next.as_bytes();
    let visible = b.iter().all(|&c| (0x21..0x7f).contains(&c) && c != b'\\');
    let one_slash = b.first() == Some(&b'/') && b.get(1) != Some(&b'/');
    let parses = next.parse::<axum::http::uri::PathAndQuery>().is_ok();
    (visible && one_slash && parses).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_accepted() {
        for ok in [
            "/work",
            "/projects/YQ-2026-01?round=1&application=A-1",
            "/applications/A-2026-000001#x",
        ] {
            assert_eq!(local_path(ok), Some(ok));
        }
        for bad in [
            "//evil.example/phish",
            "/\\evil.example",
            "/\t/evil.example/phish",
            "/\x0b/x",
            "/ /x",
            "https://evil.example/",
            "evil.example",
            "",
            "/项目",
            "/%0d%0aSet-Cookie:x",
        ] {
            if bad == "/%0d%0aSet-Cookie:x" {
                // Percent-encoded bytes stay encoded in the header: harmless.
                assert_eq!(local_path(bad), Some(bad));
            } else {
                assert_eq!(local_path(bad), None, "{bad:?}");
            }
        }
    }
}
