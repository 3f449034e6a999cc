//! The public tip line's pages: `/tips` (the form, for anyone; the receipt
//! after sending), `/tips/status` (a receipt number's status), and the
//! company's `/holdings/tips` (triage). The public form is protected as
//! the sign-in form is: a random value set as a cookie with the page must
//! come back in the form (another site cannot read it).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::Form;

use crate::holdings::service::{self as svc, TipReceipt, TipRequest, TipStatus, TIP_KINDS};
use crate::web::auth::{self, ClientIp};
use crate::web::error::ApiError;
use crate::web::field_errors::{FieldErrors, RowForm, RowForms};
use crate::web::forms::{ctx, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

/// The cookie the tip form's token rides in (sent back to `/tips` only).
const TIP_COOKIE: &str = "anju_tip";

fn tip_cookie(token: &str, secure: bool) -> String {
    format!(
        "{TIP_COOKIE}={token}; Path=/tips; HttpOnly; SameSite=Strict; Max-Age=7200{}",
        if secure { "; Secure" } else { "" }
    )
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/tip_form.html")]
struct TipFormPage<'a> {
    c: &'a Ctx,
    token: &'a str,
    form: TipRequest,
    errors: FieldErrors,
    kinds: Vec<(&'static str, &'static str)>,
    today: chrono::NaiveDate,
    /// After sending: the receipt.
    receipt: Option<TipReceipt>,
    /// A refusal that belongs to no field (too many tips, an expired form).
    refused: Option<String>,
}

impl TipFormPage<'_> {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name, self.c.lang)
    }
}

fn kinds(c: &Ctx) -> Vec<(&'static str, &'static str)> {
    TIP_KINDS
        .iter()
        .map(|(k, zh, en)| (*k, c.t(zh, en)))
        .collect()
}

fn form_page(st: &AppState, headers: &HeaderMap, c: &Ctx, page: TipFormPage<'_>) -> Response {
    let mut res = c.page(&page);
    let secure = auth::secure_request(headers, st.secure_cookies);
    if let Ok(v) = tip_cookie(page.token, secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub(super) async fn tip_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let token = auth::random_token();
    let page = TipFormPage {
        c: &c,
        token: &token,
        form: TipRequest::default(),
        errors: FieldErrors::new(),
        kinds: kinds(&c),
        today: st.clock.today(),
        receipt: None,
        refused: None,
    };
    form_page(&st, &headers, &c, page)
}

pub(super) async fn tip_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let from_our_page = auth::cookie_value(&headers, TIP_COOKIE)
        .zip(field(&f, "_tip"))
        .is_some_and(|(cookie, given)| !cookie.is_empty() && cookie == given);
    let text = |n: &str| field(&f, n).unwrap_or("").to_string();
    let opt = |n: &str| field(&f, n).map(str::to_string);
    let form = TipRequest {
        kind: text("kind"),
        address: text("address"),
        project_id: opt("project_id"),
        home_id: opt("home_id"),
        seen_on: text("seen_on"),
        what: text("what"),
        contact: opt("contact"),
    };
    let token = auth::random_token();
    let mut page = TipFormPage {
        c: &c,
        token: &token,
        form: TipRequest::default(),
        errors: FieldErrors::new(),
        kinds: kinds(&c),
        today: st.clock.today(),
        receipt: None,
        refused: None,
    };
    if !from_our_page {
        page.refused = Some(
            c.t(
                "表单已过期或不是从本站打开的，请重新填写。",
                "The form expired or did not come from this site: please fill it in again.",
            )
            .to_string(),
        );
        page.form = form;
        return form_page(&st, &headers, &c, page);
    }
    match svc::submit_tip(&st, ip, &form).await {
        Ok(r) => page.receipt = Some(r),
        Err((e, errors)) => {
            if errors.is_empty() {
                page.refused = Some(
                    FieldErrors::from_api_error(&e)
                        .get("", c.lang)
                        .unwrap_or("")
                        .to_string(),
                );
            }
            page.errors = errors;
            page.form = form;
        }
    }
    form_page(&st, &headers, &c, page)
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/tip_status.html")]
struct TipStatusPage<'a> {
    c: &'a Ctx,
    receipt: String,
    status: Option<TipStatus>,
    not_found: bool,
}

#[derive(serde::Deserialize)]
pub(super) struct StatusQuery {
    receipt: Option<String>,
    lang: Option<String>,
}

pub(super) async fn tip_status_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<StatusQuery>,
) -> Response {
    let c = crate::web::forms::ctx_for_lang(&st, &headers, q.lang).await;
    let receipt = q.receipt.unwrap_or_default().trim().to_string();
    let (status, not_found) = if receipt.is_empty() {
        (None, false)
    } else {
        match svc::tip_status(&st, &receipt).await {
            Ok(s) => (Some(s), false),
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => (None, true),
            Err(e) => return c.error(e),
        }
    };
    c.page(&TipStatusPage {
        c: &c,
        receipt,
        status,
        not_found,
    })
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/tips.html")]
struct TipsPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    tips: Vec<anju_store::holdings::TipRecord>,
    all: bool,
    /// A refused triage form (its row: `attach:<tip>` or `dismiss:<tip>`).
    failed: Option<RowForm>,
}

impl RowForms for TipsPage<'_> {
    fn refused_form(&self) -> Option<&RowForm> {
        self.failed.as_ref()
    }
    fn row_lang(&self) -> crate::web::html::Lang {
        self.c.lang
    }
}

impl TipsPage<'_> {
    fn attach_kept(&self, id: &str, name: &str) -> &str {
        self.kept(&format!("attach:{id}"), name)
    }
    fn attach_err(&self, id: &str, name: &str) -> Option<&str> {
        self.row_err(&format!("attach:{id}"), name)
    }
    fn dismiss_kept(&self, id: &str, name: &str) -> &str {
        self.kept(&format!("dismiss:{id}"), name)
    }
    fn dismiss_err(&self, id: &str, name: &str) -> Option<&str> {
        self.row_err(&format!("dismiss:{id}"), name)
    }
    fn open(&self, id: &str) -> bool {
        self.row_open(&format!("attach:{id}")) || self.row_open(&format!("dismiss:{id}"))
    }
    fn kind(&self, k: &str) -> &'static str {
        TIP_KINDS
            .iter()
            .find(|(c, _, _)| *c == k)
            .map_or("", |(_, zh, en)| self.c.t(zh, en))
    }
    fn status(&self, s: &str) -> &'static str {
        match s {
            "attached" => self.c.t("已并入年度核查", "attached to the campaign"),
            "dismissed" => self.c.t("不予采纳", "dismissed"),
            _ => self.c.t("待处理", "waiting"),
        }
    }
}

pub(super) async fn tips_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/holdings/tips") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let all = q.status.as_deref() == Some("all");
    tips_list(&st, &c, &user, all, None).await
}

/// The triage page; with `failed`, the tip's refused form open with what
/// was typed and its problem (HTTP 422).
pub(super) async fn tips_list(
    st: &AppState,
    c: &Ctx,
    user: &crate::web::auth::CurrentUser,
    all: bool,
    failed: Option<RowForm>,
) -> Response {
    let status = if failed.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    match svc::tips(st, user, all).await {
        Ok(tips) => {
            let mut res = c.page(&TipsPage {
                c,
                done: c.done().map(|d| super::views::done_label(c.lang, d)),
                tips,
                all,
                failed,
            });
            if res.status().is_success() {
                *res.status_mut() = status;
            }
            res
        }
        Err(e) => c.error(e),
    }
}

/// The triage form's action (from `/holdings/act`).
pub(super) async fn triage(
    st: &AppState,
    user: &crate::web::auth::CurrentUser,
    f: &Fields,
) -> Result<(String, &'static str), ApiError> {
    let text = |n: &str| field(f, n).unwrap_or("").to_string();
    let opt = |n: &str| field(f, n).map(str::to_string);
    let step = text("step");
    if step == "dismiss" && !crate::web::forms::checked(f, "confirm") {
        return Err(ApiError::bad_request(
            "confirm",
            "不予采纳后不能恢复，请勾选确认 (a dismissal cannot be undone: tick to confirm)",
        )
        .field("confirm"));
    }
    svc::triage_tip(
        st,
        user,
        &text("id"),
        svc::TriageRequest {
            step: step.clone(),
            project_id: opt("project_id"),
            home_id: opt("home_id"),
            finding: opt("finding"),
            note: text("note"),
        },
    )
    .await?;
    Ok((
        "/holdings/tips".to_string(),
        if step == "attach" {
            "tip_attach"
        } else {
            "tip_dismiss"
        },
    ))
}
