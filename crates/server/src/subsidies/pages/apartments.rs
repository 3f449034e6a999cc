//! `/talent-apartments`: the talent apartments of the benefits register
//! (talent office, city bureau, auditors; tenants masked), the talent
//! office's form to record a letting and, beside each active one, the form
//! to end it early (last day, reason, a confirmation tick: the register row
//! ends with it and cannot be reopened). Lettings recorded before the page
//! (register rows only: no name, resident ID or apartment) are listed too,
//! marked as such, and end through the same form, which then also asks the
//! tenant's resident ID to check the row is theirs. A refused form comes back with the
//! problem beside its field and what was typed kept (422).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use anju_domain::Role;

use crate::subsidies::apartments::{
    self, TalentApartment, TalentApartmentEnd, TalentApartmentRequest,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::extract::Path;
use crate::web::field_errors::{split_bilingual, FieldErrors};
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

/// Which form was refused, with what was typed.
enum Failed {
    Record(Fields),
    End(String, Fields),
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/apartments.html")]
struct ApartmentsPage<'a> {
    c: &'a Ctx,
    rows: Vec<TalentApartment>,
    may_act: bool,
    done: Option<String>,
    today: String,
    failed: Option<Failed>,
    errors: FieldErrors,
}

impl ApartmentsPage<'_> {
    fn fields(&self, end: Option<&str>) -> Option<&Fields> {
        match (&self.failed, end) {
            (Some(Failed::Record(f)), None) => Some(f),
            (Some(Failed::End(id, f)), Some(e)) if id == e => Some(f),
            _ => None,
        }
    }

    /// What was typed into the record form's `name`.
    fn typed(&self, name: &str) -> String {
        self.fields(None)
            .and_then(|f| field(f, name))
            .unwrap_or("")
            .to_owned()
    }

    /// The record form's problem with `name`.
    fn err(&self, name: &str) -> Option<&str> {
        self.fields(None)
            .and_then(|_| self.errors.get(name, self.c.lang))
    }

    /// What was typed into letting `id`'s end form (its date defaults to today).
    fn end_typed(&self, id: &str, name: &str) -> String {
        match self.fields(Some(id)) {
            Some(f) => field(f, name).unwrap_or("").to_owned(),
            None if name == "on" => self.today.clone(),
            None => String::new(),
        }
    }

    fn end_err(&self, id: &str, name: &str) -> Option<&str> {
        self.fields(Some(id))
            .and_then(|_| self.errors.get(name, self.c.lang))
    }

    fn status(&self, s: &str) -> &'static str {
        match s {
            "active" => self.c.t("在住", "current"),
            _ => self.c.t("已提前退出", "ended early"),
        }
    }
}

async fn render(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    failed: Option<Failed>,
    errors: FieldErrors,
) -> Response {
    let rows = match apartments::list(st, user).await {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let refused = !errors.is_empty();
    let page = ApartmentsPage {
        rows,
        may_act: user.user.role == Role::TalentOffice,
        done: c.done().map(str::to_owned),
        today: st.clock.today().to_string(),
        failed,
        errors,
        c,
    };
    c.form_page(&page, refused)
}

pub(super) async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/talent-apartments") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    render(&st, &c, &user, None, FieldErrors::new()).await
}

fn date(f: &Fields, name: &str) -> Option<chrono::NaiveDate> {
    field(f, name).and_then(anju_policy::household::parse_iso_date)
}

/// The service's refusal, beside its field (or the first of `fallback`).
fn beside(errors: &mut FieldErrors, e: &ApiError, fallback: &str) {
    let (zh, en) = split_bilingual(&e.message);
    errors.add(e.field.as_deref().unwrap_or(fallback), zh, en);
}

pub(super) async fn record(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/talent-apartments") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = crate::subsidies::cases::staff(&user) {
        return c.error(e);
    }
    let mut errors = FieldErrors::new();
    let text = |n: &str| field(&f, n).unwrap_or("").trim().to_owned();
    for (name, zh, en) in [
        ("name", "请填写承租人姓名", "enter the tenant's name"),
        (
            "resident_id",
            "请填写承租人身份证号码",
            "enter the tenant's resident ID",
        ),
        (
            "apartment",
            "请填写公寓（如 人才公寓A栋502）",
            "enter the apartment",
        ),
    ] {
        if text(name).is_empty() {
            errors.add(name, zh, en);
        }
    }
    let from = date(&f, "from");
    if from.is_none() {
        errors.add(
            "from",
            "请填写入住日期（YYYY-MM-DD）",
            "enter the first day (YYYY-MM-DD)",
        );
    }
    let until = date(&f, "until");
    if !text("until").is_empty() && until.is_none() {
        errors.add("until", "日期应为 YYYY-MM-DD", "a date YYYY-MM-DD");
    }
    if let (Some(from), true) = (from, errors.is_empty()) {
        let r = TalentApartmentRequest {
            resident_id: text("resident_id"),
            from,
            until,
            name: text("name"),
            apartment: text("apartment"),
        };
        match apartments::record(&st, &user, r).await {
            Ok(_) => return done_redirect(&headers, &st, "/talent-apartments", "recorded"),
            Err(e)
                if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN =>
            {
                beside(&mut errors, &e, "resident_id")
            }
            Err(e) => return c.error(e),
        }
    }
    render(&st, &c, &user, Some(Failed::Record(f)), errors).await
}

pub(super) async fn end(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/talent-apartments") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = crate::subsidies::cases::staff(&user) {
        return c.error(e);
    }
    let mut errors = FieldErrors::new();
    let on = date(&f, "on");
    if on.is_none() {
        errors.add(
            "on",
            "请填写退出日期（YYYY-MM-DD）",
            "enter the last day (YYYY-MM-DD)",
        );
    }
    let reason = field(&f, "reason").unwrap_or("").to_owned();
    if reason.trim().is_empty() {
        errors.add(
            "reason",
            "请填写提前退出的原因",
            "give the reason for ending early",
        );
    }
    if !checked(&f, "confirm") {
        errors.add(
            "confirm",
            "请勾选确认：提前退出后登记即终止，不能撤销",
            "tick to confirm: the register entry ends and cannot be reopened",
        );
    }
    if let (Some(on), true) = (on, errors.is_empty()) {
        let rid = field(&f, "resident_id").map(str::to_owned);
        let r = TalentApartmentEnd {
            on,
            reason,
            resident_id: rid,
        };
        match apartments::end(&st, &user, &id, &r).await {
            Ok(_) => return done_redirect(&headers, &st, "/talent-apartments", "ended"),
            Err(e)
                if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN =>
            {
                beside(&mut errors, &e, "on")
            }
            Err(e) => return c.error(e),
        }
    }
    render(&st, &c, &user, Some(Failed::End(id, f)), errors).await
}
