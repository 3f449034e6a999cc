//! The natural-resources department's page for first-home checks
//! (`/property-records`): the talent purchase applications the talent
//! office asked about, each with the full name and resident ID the
//! department searches its register with (the read is audited), and a form
//! to answer with the homes recorded and the query's reference. A refused
//! answer comes back beside its fields with what was typed kept (422).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::subsidies::property_records::{self, PropertyAnswer, PropertyRequest};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::extract::Path;
use crate::web::field_errors::{split_bilingual, FieldErrors};
use crate::web::forms::{ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

use super::cases::programme_label;

pub(crate) struct RequestRow {
    pub id: String,
    pub programme: String,
    pub name: String,
    pub resident_id: String,
    pub asked_at: String,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/property_records.html")]
struct PropertyPage<'a> {
    c: &'a Ctx,
    rows: Vec<RequestRow>,
    done: Option<String>,
    /// The request whose answer was refused, what was typed, and why.
    failed: Option<(String, Fields)>,
    errors: FieldErrors,
}

impl PropertyPage<'_> {
    /// What was typed into `name` on request `id`'s form (after a refusal).
    fn typed(&self, id: &str, name: &str) -> String {
        match &self.failed {
            Some((fid, f)) if fid == id => field(f, name).unwrap_or("").to_owned(),
            _ => String::new(),
        }
    }

    /// The problem with `name` on request `id`'s form.
    fn err(&self, id: &str, name: &str) -> Option<&str> {
        match &self.failed {
            Some((fid, _)) if fid == id => self.errors.get(name, self.c.lang),
            _ => None,
        }
    }
}

async fn render(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    failed: Option<(String, Fields)>,
    errors: FieldErrors,
) -> Response {
    let rows: Vec<PropertyRequest> = match property_records::pending(st, user).await {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let refused = !errors.is_empty();
    let page = PropertyPage {
        rows: rows
            .into_iter()
            .map(|r| RequestRow {
                programme: programme_label(c, &r.programme),
                id: r.id,
                name: r.name,
                resident_id: r.resident_id,
                asked_at: r.asked_at,
            })
            .collect(),
        done: c.done().map(str::to_owned),
        failed,
        errors,
        c,
    };
    c.form_page(&page, refused)
}

pub(super) async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/property-records") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    render(&st, &c, &user, None, FieldErrors::new()).await
}

pub(super) async fn answer(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/property-records") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = property_records::verifier(&user) {
        return c.error(e);
    }
    let mut errors = FieldErrors::new();
    let homes = field(&f, "homes_owned").unwrap_or("").trim();
    let homes_owned = match homes.parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.add(
                "homes_owned",
                "请填写登记住房套数（整数，无房填 0）",
                "enter the homes recorded (a whole number; 0 if none)",
            );
            0
        }
    };
    let a = PropertyAnswer {
        homes_owned,
        reference: field(&f, "reference").unwrap_or("").to_owned(),
        note: field(&f, "note").unwrap_or("").to_owned(),
    };
    for (name, message) in property_records::check(&a) {
        errors.add_bilingual(name, &message);
    }
    if errors.is_empty() {
        match property_records::answer(&st, &user, &id, &a).await {
            Ok(()) => return done_redirect(&headers, &st, "/property-records", "answered"),
            Err(e)
                if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN =>
            {
                let (zh, en) = split_bilingual(&e.message);
                errors.add(e.field.as_deref().unwrap_or("reference"), zh, en);
            }
            Err(e) => return c.error(e),
        }
    }
    render(&st, &c, &user, Some((id, f)), errors).await
}
