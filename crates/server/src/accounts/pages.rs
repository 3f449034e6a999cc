//! The sign-in page and the sign-out button.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use crate::web::auth::{self};
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
    c.page(&LoginPage {
        c: &c,
        next: q.next.as_deref().unwrap_or("/work"),
    })
}

#[derive(askama::Template)]
#[template(path = "accounts/templates/login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: &'a str,
}

async fn login_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    match do_login(
        &st,
        ip,
        field(&f, "username").unwrap_or(""),
        field(&f, "password").unwrap_or(""),
    )
    .await
    {
        Err(e) => c.error(e),
        Ok((token, _, _)) => {
            // Only local paths: never redirect off-site.
            let next = field(&f, "next")
                .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
                .unwrap_or("/work");
            (
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&token, st.secure_cookies),
                )],
                Redirect::to(next),
            )
                .into_response()
        }
    }
}

async fn logout_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(u)) = auth::current_user(&st, &headers).await {
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
