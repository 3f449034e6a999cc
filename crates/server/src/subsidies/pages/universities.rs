//! `/universities`: the university lists of 阳政办发〔2022〕39号 二（三） as
//! anju holds them — the shipped entries with their list's source and the
//! talent office's additions, each with its own source, who added it and
//! when (public, read-only; a search narrows them). Signed in as the talent
//! office, the page also adds one entry by form, adds entries by file
//! (template: the Chinese header row, then the codes) with a per-line
//! report, and withdraws a wrong addition with its reason behind a
//! confirmation tick. A refused form comes back with each problem beside
//! its field and what was typed kept (422).

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use anju_domain::Role;
use anju_subsidies::universities::normalise;

use crate::subsidies::universities::{
    self, lists, UniversityAddition, UniversityAdditionRequest, UniversityImportReport,
    UniversityListView,
};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::extract::Path;
use crate::web::field_errors::{split_bilingual, FieldErrors};
use crate::web::forms::{checked, ctx, done_redirect, field, read_upload, Ctx, Fields, PageQuery};
use crate::web::AppState;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    lang: Option<String>,
    /// Narrows the lists to names containing this.
    q: Option<String>,
}

/// Which form was refused, with what was typed.
enum Failed {
    Add(Fields),
    Withdraw(String, Fields),
}

/// One list as shown: the entries matching the search.
struct ListShown {
    list: UniversityListView,
    shipped: Vec<String>,
    additions: Vec<UniversityAddition>,
    total: usize,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/universities.html")]
struct UniversitiesPage<'a> {
    c: &'a Ctx,
    lists: Vec<ListShown>,
    complete: bool,
    q: String,
    may_act: bool,
    done: Option<String>,
    failed: Option<Failed>,
    errors: FieldErrors,
    report: Option<UniversityImportReport>,
    /// (key, Chinese name, English name) for the list choice.
    choices: Vec<(String, String, String)>,
}

impl UniversitiesPage<'_> {
    fn fields(&self, withdraw: Option<&str>) -> Option<&Fields> {
        match (&self.failed, withdraw) {
            (Some(Failed::Add(f)), None) => Some(f),
            (Some(Failed::Withdraw(id, f)), Some(w)) if id == w => Some(f),
            _ => None,
        }
    }

    fn typed(&self, name: &str) -> String {
        self.fields(None)
            .and_then(|f| field(f, name))
            .unwrap_or("")
            .to_owned()
    }

    fn err(&self, name: &str) -> Option<&str> {
        self.fields(None)
            .and_then(|_| self.errors.get(name, self.c.lang))
    }

    fn file_err(&self) -> Option<&str> {
        self.errors.get("file", self.c.lang)
    }

    fn w_typed(&self, id: &str, name: &str) -> String {
        self.fields(Some(id))
            .and_then(|f| field(f, name))
            .unwrap_or("")
            .to_owned()
    }

    fn w_err(&self, id: &str, name: &str) -> Option<&str> {
        self.fields(Some(id))
            .and_then(|_| self.errors.get(name, self.c.lang))
    }

    fn status(&self, s: &str) -> &'static str {
        match s {
            "active" => self.c.t("有效", "in force"),
            _ => self.c.t("已撤回", "withdrawn"),
        }
    }
}

fn matches(q: &str, names: &[String]) -> bool {
    q.is_empty() || names.iter().any(|n| normalise(n).contains(q))
}

#[allow(clippy::too_many_arguments)]
async fn render(
    st: &AppState,
    c: &Ctx,
    q: &str,
    failed: Option<Failed>,
    errors: FieldErrors,
    report: Option<UniversityImportReport>,
    status: Option<StatusCode>,
) -> Response {
    let all = match universities::all(st).await {
        Ok(a) => a,
        Err(e) => return c.error(e),
    };
    let want = normalise(q);
    let shown = all
        .lists
        .into_iter()
        .map(|l| {
            let shipped: Vec<String> = l
                .shipped
                .iter()
                .filter(|names| matches(&want, names))
                .map(|names| names.join(" / "))
                .collect();
            let additions: Vec<UniversityAddition> = l
                .additions
                .iter()
                .filter(|a| matches(&want, &a.names))
                .cloned()
                .collect();
            ListShown {
                total: l.shipped.len()
                    + l.additions.iter().filter(|a| a.status == "active").count(),
                shipped,
                additions,
                list: l,
            }
        })
        .collect();
    let choices = lists()
        .map(|u| {
            u.lists
                .iter()
                .map(|l| (l.key.clone(), l.zh.clone(), l.en.clone()))
                .collect()
        })
        .unwrap_or_default();
    let refused = !errors.is_empty();
    let page = UniversitiesPage {
        lists: shown,
        complete: all.complete,
        q: q.to_owned(),
        may_act: c
            .user
            .as_ref()
            .is_some_and(|u| u.user.role == Role::TalentOffice),
        done: c.done().map(str::to_owned),
        failed,
        errors,
        report,
        choices,
        c,
    };
    let mut res = c.form_page(&page, refused);
    if let Some(s) = status.filter(|_| res.status().is_success()) {
        *res.status_mut() = s;
    }
    res
}

fn page_query(q: &ListQuery) -> PageQuery {
    PageQuery {
        lang: q.lang.clone(),
        ..PageQuery::default()
    }
}

pub(super) async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let c = ctx(&st, &headers, &page_query(&q)).await;
    let search = q.q.clone().unwrap_or_default();
    render(&st, &c, search.trim(), None, FieldErrors::new(), None, None).await
}

pub(super) async fn add(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/universities") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = universities::office(&user) {
        return c.error(e);
    }
    let text = |n: &str| field(&f, n).unwrap_or("").to_owned();
    let r = UniversityAdditionRequest {
        list: text("list"),
        name_zh: text("name_zh"),
        other_names: anju_subsidies::university_additions::split_names(&text("other_names")),
        source_title: text("source_title"),
        source_ref: text("source_ref"),
        effective: text("effective"),
    };
    let mut errors = FieldErrors::new();
    let shipped = match lists() {
        Ok(l) => l,
        Err(e) => return c.error(e),
    };
    match universities::check_request(&r, shipped) {
        Err(problems) => {
            for p in problems {
                errors.add(p.field, p.zh, p.en);
            }
        }
        Ok(_) => match universities::add(&st, &user, &r).await {
            Ok(_) => return done_redirect(&headers, &st, "/universities", "added"),
            Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
                let (zh, en) = split_bilingual(&e.message);
                errors.add(e.field.as_deref().unwrap_or("name_zh"), zh, en);
            }
            Err(e) => return c.error(e),
        },
    }
    render(&st, &c, "", Some(Failed::Add(f)), errors, None, None).await
}

pub(super) async fn import(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/universities") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = universities::office(&user) {
        return c.error(e);
    }
    let body = match read_upload(&user, mp).await {
        Ok(b) => b,
        Err(e) => return c.error(e),
    };
    match universities::import(&st, &user, &body).await {
        Ok(report) => {
            let status = (!report.errors.is_empty()).then_some(StatusCode::UNPROCESSABLE_ENTITY);
            render(&st, &c, "", None, FieldErrors::new(), Some(report), status).await
        }
        Err(e) if e.field.as_deref() == Some("file") => {
            let mut errors = FieldErrors::new();
            errors.add_bilingual("file", &e.message);
            render(&st, &c, "", None, errors, None, None).await
        }
        Err(e) => c.error(e),
    }
}

pub(super) async fn withdraw(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/universities") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = universities::office(&user) {
        return c.error(e);
    }
    let mut errors = FieldErrors::new();
    let reason = field(&f, "reason").unwrap_or("").to_owned();
    if let Some((zh, en)) = universities::reason_problem(&reason) {
        errors.add("reason", zh, en);
    }
    if !checked(&f, "confirm") {
        errors.add(
            "confirm",
            "请勾选确认：撤回后该条不再用于核验，撤回记录保留并公开",
            "tick to confirm: once withdrawn the entry no longer counts; the withdrawal stays on record and public",
        );
    }
    if errors.is_empty() {
        match universities::withdraw(&st, &user, &id, &reason).await {
            Ok(_) => return done_redirect(&headers, &st, "/universities", "withdrawn"),
            Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
                let (zh, en) = split_bilingual(&e.message);
                errors.add(e.field.as_deref().unwrap_or("reason"), zh, en);
            }
            Err(e) => return c.error(e),
        }
    }
    render(
        &st,
        &c,
        "",
        Some(Failed::Withdraw(id, f)),
        errors,
        None,
        None,
    )
    .await
}
