//! The application's materials (issue 12 feature 18): the files uploaded
//! with it, listed on the application page for those who review it, and
//! their own page to upload, download and delete (before review, with a
//! confirmation). Everything goes through `material_files`, like the API.

use anju_domain::material_files::{may_edit, MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use anju_store::{MaterialFileRecord, StoredApplication};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};

use crate::applications::material_files::{self as service, UPLOAD_BODY_LIMIT};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::{url_encode, Lang, Markup};
use crate::web::AppState;

/// One file as listed.
pub(super) struct FileRow {
    id: String,
    material: String,
    name: String,
    size: String,
    kind: &'static str,
    uploaded_at: String,
}

/// A material of the city's list, as an option.
struct MaterialOpt {
    code: String,
    label: String,
    selected: bool,
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn rows(l: Lang, st: &AppState, files: &[MaterialFileRecord]) -> Vec<FileRow> {
    let list = anju_domain::material_files::for_policy(&st.policy.id);
    files
        .iter()
        .map(|f| FileRow {
            id: f.id.clone(),
            material: list
                .and_then(|li| li.item(&f.material_code))
                .map(|i| l.t(&i.label, &i.label_en).to_owned())
                .unwrap_or_else(|| l.t("其他材料", "other material").to_owned()),
            name: f.file_name.clone(),
            size: size_text(f.size_bytes),
            kind: match f.content_type.as_str() {
                "application/pdf" => "PDF",
                "image/png" => "PNG",
                _ => "JPG",
            },
            uploaded_at: crate::web::html::beijing_minute(&f.uploaded_at),
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "applications/templates/materials_section.html")]
struct Section<'a> {
    c: &'a Ctx,
    id: &'a str,
    heading: String,
    files: Vec<FileRow>,
    editable: bool,
}

/// The materials card of the application page, for readers who see
/// materials (None for the others: their page says nothing of files).
pub(super) async fn section(
    c: &Ctx,
    st: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Option<Markup>, ApiError> {
    let (stored, files) = match service::visible(st, user, id).await {
        Ok(v) => v,
        Err(e) if e.status == axum::http::StatusCode::FORBIDDEN => return Ok(None),
        Err(e) => return Err(e),
    };
    let Ok(list) = service::city_list(st) else {
        return Ok(None);
    };
    let page = Section {
        c,
        id,
        heading: heading(c.lang, list),
        files: rows(c.lang, st, &files),
        editable: may_edit(&user.actor, &stored.app),
    };
    Markup::of(&page)
        .map(Some)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// "申请材料（阳政办发〔2026〕2号 第十三条）": the deployment's own document.
pub(crate) fn heading(l: Lang, list: &anju_domain::material_files::MaterialList) -> String {
    format!(
        "{}（{} {}）",
        l.t("申请材料", "Materials"),
        list.list.document,
        list.list.article
    )
}

#[derive(askama::Template)]
#[template(path = "applications/templates/materials.html")]
struct MaterialsPage<'a> {
    c: &'a Ctx,
    id: &'a str,
    done: Option<&'static str>,
    heading: String,
    quote: String,
    files: Vec<FileRow>,
    editable: bool,
    materials: Vec<MaterialOpt>,
    limits: String,
    errors: &'a FieldErrors,
}

impl MaterialsPage<'_> {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name, self.c.lang)
    }
}

async fn page(
    c: &Ctx,
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    chosen: Option<&str>,
    errors: &FieldErrors,
) -> Response {
    let (stored, files): (StoredApplication, Vec<MaterialFileRecord>) =
        match service::visible(st, user, id).await {
            Ok(v) => v,
            Err(e) => return c.error(e),
        };
    let list = match service::city_list(st) {
        Ok(l) => l,
        Err(e) => return c.error(e),
    };
    let l = c.lang;
    let done = match c.done() {
        Some("material_uploaded") => Some(l.t("文件已上传。", "The file was uploaded.")),
        Some("material_deleted") => Some(l.t("文件已删除。", "The file was deleted.")),
        _ => None,
    };
    let p = MaterialsPage {
        c,
        id,
        done,
        heading: heading(l, list),
        quote: list.list.quote.clone(),
        files: rows(l, st, &files),
        editable: may_edit(&user.actor, &stored.app),
        materials: list
            .items
            .iter()
            .map(|i| MaterialOpt {
                code: i.code.clone(),
                label: l.t(&i.label, &i.label_en).to_owned(),
                selected: chosen == Some(i.code.as_str()),
            })
            .collect(),
        limits: match l {
            Lang::Zh => format!(
                "可上传 JPG、PNG 图片或 PDF 文件；每个文件不超过 {} MB，每份申请最多 {MAX_FILES} 个文件、合计不超过 {} MB。",
                MAX_FILE_BYTES / 1024 / 1024,
                MAX_TOTAL_BYTES / 1024 / 1024
            ),
            Lang::En => format!(
                "JPEG, PNG or PDF; at most {} MB a file, {MAX_FILES} files and {} MB per application.",
                MAX_FILE_BYTES / 1024 / 1024,
                MAX_TOTAL_BYTES / 1024 / 1024
            ),
        },
        errors,
    };
    c.form_page(&p, !errors.is_empty())
}

async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}/materials")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    page(&c, &st, &user, &id, None, &FieldErrors::new()).await
}

async fn upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}/materials")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = service::may_upload_at_all(&user) {
        return c.error(e);
    }
    let mp = match mp {
        Ok(mp) => mp,
        Err(e) => return c.error(service::multipart_rejection(e)),
    };
    let (form, err) = service::read_form(mp).await;
    // A body cut short may have lost the token: a too-large file is said
    // beside the field only to the session whose token came first.
    if let Err(e) = auth::check_form_csrf(&user, form.csrf.as_deref()) {
        return c.error(e);
    }
    let result = match err {
        Some(e) => Err(e),
        None => service::upload(&st, &user, &id, form.material.as_deref(), form.file).await,
    };
    match result {
        Ok(_) => done_redirect(
            &headers,
            &st,
            &format!("/applications/{}/materials", url_encode(&id)),
            "material_uploaded",
        ),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors = FieldErrors::new();
            errors.add_bilingual(e.field.as_deref().unwrap_or("file"), &e.message);
            page(&c, &st, &user, &id, form.material.as_deref(), &errors).await
        }
        Err(e) => c.error(e),
    }
}

async fn download(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}/materials")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match service::download(&st, &user, &id, &file).await {
        Ok((record, bytes)) => service::file_response(&record, bytes),
        Err(e) => c.error(e),
    }
}

async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}/materials")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    match service::delete(&st, &user, &id, &file, checked(&f, "confirm")).await {
        Ok(()) => done_redirect(
            &headers,
            &st,
            &format!("/applications/{}/materials", url_encode(&id)),
            "material_deleted",
        ),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors = FieldErrors::new();
            errors.add_bilingual(&format!("confirm-{file}"), &e.message);
            page(&c, &st, &user, &id, None, &errors).await
        }
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/materials",
            get(show)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/applications/{id}/materials/{file}", get(download))
        .route("/applications/{id}/materials/{file}/delete", post(delete))
}
