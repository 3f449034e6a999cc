//! Drafts of the application form (issue 12 feature 19): saving the form
//! without submitting, "我的草稿" on the workspace, deleting one (with a
//! confirmation), and carrying a self-check's facts into the form.
//!
//! From the self-check ("用这些信息申请"): a signed-in family or clerk gets a
//! draft made of the facts checked, and the form opens on it. A visitor who
//! is not signed in must sign in first; the facts then ride in a cookie
//! (`anju_check`: HttpOnly, SameSite=Lax, path `/apply`, one hour, at most
//! [`CARRY_MAX`] bytes) through the sign-in, and the form opens prefilled
//! with them once signed in, the cookie cleared. The cookie holds only what
//! the visitor typed into the public self-check (no names, no ID numbers:
//! that form has none), stays in the visitor's own browser, and is never
//! stored by anju until the visitor saves or submits.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use crate::applications::drafts;
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::cookies::{cookie_value, secure_request};
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::{url_decode, url_encode, Markup};
use crate::web::AppState;

use super::apply::apply_page;

/// The cookie that carries a visitor's self-check through the sign-in.
const CARRY_COOKIE: &str = "anju_check";
/// Largest self-check carried (a cookie must stay under 4 KB).
const CARRY_MAX: usize = 3000;

/// Fields of the self-check that are not facts.
const NOT_FACTS: [&str; 2] = ["_csrf", "draft"];

/// A draft as listed.
struct DraftRow {
    id: String,
    /// What the family typed as the applicant's name, or a placeholder.
    name: String,
    updated: String,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/drafts_section.html")]
struct Section<'a> {
    c: &'a Ctx,
    rows: Vec<DraftRow>,
    /// The draft whose deletion was not confirmed.
    unconfirmed: Option<&'a str>,
}

/// "我的草稿" for the workspace of a family or a community clerk (None for
/// other roles).
pub(super) async fn section(
    c: &Ctx,
    st: &AppState,
    user: &CurrentUser,
    unconfirmed: Option<&str>,
) -> Option<Markup> {
    if drafts::may_draft(user).is_err() {
        return None;
    }
    let list = drafts::list(st, user).await.ok()?;
    let l = c.lang;
    let rows = list
        .iter()
        .map(|d| {
            let f = drafts::fields_of(d).fields;
            DraftRow {
                id: d.id.clone(),
                name: f
                    .get("a_name")
                    .map(|n| n.chars().take(20).collect::<String>())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| l.t("（未填姓名）", "(no name yet)").to_owned()),
                updated: crate::web::html::beijing_minute(&d.updated_at),
            }
        })
        .collect();
    Markup::of(&Section {
        c,
        rows,
        unconfirmed,
    })
    .ok()
}

async fn save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let result = async {
        let body = drafts::body_of(&f)?;
        drafts::save(&st, &user, field(&f, "draft"), &body).await
    }
    .await;
    match result {
        Ok(id) => done_redirect(
            &headers,
            &st,
            &format!("/apply?draft={}", url_encode(&id)),
            "draft_saved",
        ),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors = FieldErrors::new();
            errors.add_bilingual("draft", &e.message);
            apply_page(&c, &st, &f, &errors, None)
        }
        Err(e) => c.error(e),
    }
}

async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/work") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    match drafts::delete(&st, &user, &id, checked(&f, "confirm")).await {
        Ok(()) => done_redirect(&headers, &st, "/work", "draft_deleted"),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            // Back to the workspace, the refusal beside the draft's box.
            done_redirect(
                &headers,
                &st,
                "/work#drafts",
                &format!("draft_unconfirmed:{id}"),
            )
        }
        Err(e) => c.error(e),
    }
}

/// The self-check's facts, without what is not a fact.
fn facts(f: &Fields) -> Fields {
    f.iter()
        .filter(|(k, v)| !NOT_FACTS.contains(&k.as_str()) && !v.is_empty())
        .cloned()
        .collect()
}

fn encode(f: &Fields) -> String {
    f.iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn decode(s: &str) -> Fields {
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (url_decode(k), url_decode(v)))
        .collect()
}

/// "用这些信息申请" on the self-check result.
async fn from_self_check(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let carried = facts(&f);
    // Signed in (with this session's token): the facts become a draft now.
    if let Some(user) = c.user.as_ref() {
        if drafts::may_draft(user).is_ok()
            && auth::check_form_csrf(user, field(&f, CSRF_FIELD)).is_ok()
        {
            let saved = async {
                let body = drafts::body_of(&carried)?;
                drafts::save(&st, user, None, &body).await
            }
            .await;
            return match saved {
                Ok(id) => done_redirect(
                    &headers,
                    &st,
                    &format!("/apply?draft={}", url_encode(&id)),
                    "draft_from_check",
                ),
                Err(e) => c.error(e),
            };
        }
    }
    // Not signed in: carry the facts through the sign-in in a cookie.
    let value = encode(&carried);
    let secure = secure_request(&headers, st.secure_cookies);
    let mut res = Redirect::to(&format!(
        "/login?next={}",
        url_encode("/apply/from-self-check")
    ))
    .into_response();
    if value.len() <= CARRY_MAX {
        let cookie = format!(
            "{CARRY_COOKIE}={}; Path=/apply; HttpOnly; SameSite=Lax; Max-Age=3600{}",
            url_encode(&value),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = header::HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// After signing in: the form prefilled with the carried facts (nothing
/// stored until the family saves or submits), the cookie cleared.
async fn carried_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply/from-self-check") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = drafts::may_draft(&user) {
        return c.error(e);
    }
    let f = cookie_value(&headers, CARRY_COOKIE)
        .map(|v| facts(&decode(&url_decode(&v))))
        .unwrap_or_default();
    let l = c.lang;
    let notice = if f.is_empty() {
        l.t(
            "没有找到自测信息（可能已超过一小时），请直接填写。",
            "The self-check's facts were not found (older than an hour?): please fill in the form.",
        )
    } else {
        l.t(
            "已带入自测时填写的信息，请补填姓名和身份证号码，然后保存草稿或提交。",
            "The self-check's facts are filled in: add names and ID numbers, then save or submit.",
        )
    };
    let mut res = apply_page(&c, &st, &f, &FieldErrors::new(), Some(notice));
    let secure = secure_request(&headers, st.secure_cookies);
    let clear = format!(
        "{CARRY_COOKIE}=; Path=/apply; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = header::HeaderValue::from_str(&clear) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/apply/draft", post(save))
        .route(
            "/apply/from-self-check",
            get(carried_form).post(from_self_check),
        )
        .route("/drafts/{id}/delete", post(delete))
}
