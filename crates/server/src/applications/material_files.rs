//! Files uploaded with an application (issue 12 feature 18; 001 art. 13
//! for Yangquan, 四、(二) of the Loudi plan): the service both the API and
//! the application page call, and the API's handlers.
//!
//! Who sees them follows `anju_domain::declaration_view`: the family, the
//! community, the street and the district bureau see every file; a
//! verifying department sees the files of the materials its facts come
//! from (the city's file says which); the city bureau, the company and
//! auditors see none (403), and whoever may not read the application gets
//! 404. Every staff download is audited; the family's own are not (as its
//! own reads of its declaration are not).

use anju_domain::material_files::{
    self as mf, clean_file_name, may_edit, may_view, FileKind, MaterialList, MAX_FILES,
    MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};
use anju_domain::{declaration_view, DeclarationView, Role};
use anju_store::{MaterialFileRecord, MaterialLimits, NewMaterialFile, StoredApplication};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::applications::service;
use crate::web::apidoc::{self, Binary, Csrf};
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::AppState;

/// The request body the upload routes accept: one file at the limit, plus
/// the form's other fields and the multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 256 * 1024;

/// The deployment's city list of materials, or a 404 saying the city has
/// none configured (anju then takes no files rather than guess a list).
pub fn city_list(st: &AppState) -> ApiResult<&'static MaterialList> {
    mf::for_policy(&st.policy.id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_material_list",
            "本市政策文件未列出申请材料，暂不接收上传 (the city's policy data lists no application materials)",
        )
    })
}

/// What an upload form (page or API) sent.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The page's CSRF field (the API checks the header instead).
    pub csrf: Option<String>,
    /// The material's code.
    pub material: Option<String>,
    /// The file's name and bytes.
    pub file: Option<(String, Vec<u8>)>,
}

/// A body that is no multipart form, in the JSON error envelope.
pub fn multipart_rejection(e: MultipartRejection) -> ApiError {
    ApiError::bad_request(
        "invalid_form",
        format!(
            "请以 multipart/form-data 上传文件 (send the file as multipart/form-data): {}",
            e.body_text()
        ),
    )
    .field("file")
}

fn too_big() -> ApiError {
    ApiError::unprocessable(
        "file_too_large",
        format!(
            "文件超过 {} MB，请缩小后再上传（可用手机“压缩”或扫描为较低分辨率） (the file is over {} MB)",
            MAX_FILE_BYTES / 1024 / 1024,
            MAX_FILE_BYTES / 1024 / 1024
        ),
    )
    .field("file")
}

/// Reads the form part by part, refusing the file as soon as it passes
/// [`MAX_FILE_BYTES`] (422 beside the file field, what was chosen kept).
/// Callers check the user's role first, so nobody else makes the server
/// read an upload.
pub async fn read_form(mut mp: Multipart) -> (UploadForm, Option<ApiError>) {
    let mut form = UploadForm::default();
    loop {
        let part = match mp.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // The body limit cut the stream: the file was too large.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return (form, Some(too_big()))
            }
            Err(e) => {
                return (
                    form,
                    Some(ApiError::bad_request("invalid_form", e.body_text()).field("file")),
                )
            }
        };
        match part.name() {
            Some("_csrf") => form.csrf = part.text().await.ok(),
            Some("material") => form.material = part.text().await.ok(),
            Some("file") => {
                let name = clean_file_name(part.file_name().unwrap_or("file"));
                let mut part = part;
                let mut buf = Vec::new();
                loop {
                    match part.chunk().await {
                        Ok(Some(chunk)) => {
                            buf.extend_from_slice(&chunk);
                            if buf.len() > MAX_FILE_BYTES {
                                return (form, Some(too_big()));
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return (form, Some(too_big()))
                        }
                        Err(e) => {
                            return (
                                form,
                                Some(
                                    ApiError::bad_request("invalid_form", e.body_text())
                                        .field("file"),
                                ),
                            )
                        }
                    }
                }
                if !buf.is_empty() {
                    form.file = Some((name, buf));
                }
            }
            _ => {}
        }
    }
    (form, None)
}

/// The role check made before an upload is read: only those who could
/// ever edit an application's files.
pub fn may_upload_at_all(user: &CurrentUser) -> ApiResult<()> {
    match user.user.role {
        Role::Applicant | Role::Community => Ok(()),
        _ => Err(ApiError::forbidden(
            "只有申请家庭或受理的社区（村）可以上传申请材料 (only the family or the community counter uploads materials)",
        )),
    }
}

/// Loads the application `user` may edit the files of, or why not.
async fn editable(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<StoredApplication> {
    let stored = service::load_visible(st, user, id).await?;
    if !may_edit(&user.actor, &stored.app) {
        return Err(ApiError::conflict(
            "申请已进入审核，材料不能再增删；如需补正，请等待街道退回补正 (the application is under review: materials can be changed only before review or when returned for correction)",
        ));
    }
    Ok(stored)
}

/// Stores one file: the material must be on the city's list, the type is
/// told by the bytes, the limits are checked here (readably) and again in
/// the store's transaction.
pub async fn upload(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    material: Option<&str>,
    file: Option<(String, Vec<u8>)>,
) -> ApiResult<MaterialFileRecord> {
    let stored = editable(st, user, id).await?;
    let list = city_list(st)?;
    let material = material.map(str::trim).unwrap_or("");
    let item = list.item(material).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_material",
            "请选择这份文件是哪一项材料 (choose which material the file is)",
        )
        .field("material")
    })?;
    let (name, bytes) = file.ok_or_else(|| {
        ApiError::unprocessable("required", "请选择要上传的文件 (choose a file)").field("file")
    })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let kind = FileKind::sniff(&bytes).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_file_type",
            "只接收 JPG、PNG 图片或 PDF 文件；此文件的内容不是这几种格式（与文件名无关） (only JPEG, PNG or PDF: this file's content is none of them, whatever its name)",
        )
        .field("file")
    })?;
    let held = st
        .store
        .applications()
        .list_material_files(stored.app.id())
        .await?;
    if held.len() >= MAX_FILES {
        return Err(ApiError::unprocessable(
            "too_many_files",
            format!("每份申请最多上传 {MAX_FILES} 个文件，请先删除多余的文件 (at most {MAX_FILES} files per application)"),
        )
        .field("file"));
    }
    let total: u64 = held.iter().map(|f| f.size_bytes).sum();
    if total + bytes.len() as u64 > MAX_TOTAL_BYTES as u64 {
        return Err(ApiError::unprocessable(
            "materials_too_large",
            format!(
                "每份申请的材料合计不超过 {} MB，请先删除或压缩部分文件 (at most {} MB per application)",
                MAX_TOTAL_BYTES / 1024 / 1024,
                MAX_TOTAL_BYTES / 1024 / 1024
            ),
        )
        .field("file"));
    }
    let now = st.clock.now();
    let size = bytes.len();
    let record = st
        .store
        .applications()
        .add_material_file(
            stored.app.id(),
            &NewMaterialFile {
                material_code: item.code.clone(),
                file_name: name,
                content_type: kind.content_type().to_owned(),
                bytes,
                uploaded_by: user.user.id.clone(),
                uploaded_at: now,
            },
            MaterialLimits {
                max_files: MAX_FILES as u64,
                max_total_bytes: MAX_TOTAL_BYTES as u64,
            },
            audit(
                user,
                now,
                "material.upload".into(),
                format!("application:{}", stored.app.id()),
                json!({"material": item.code, "size": size, "type": kind.content_type()}),
            ),
        )
        .await?;
    Ok(record)
}

/// The files of application `id` that `user` sees, with the application.
/// Readers whose role assesses no declaration (city bureau, company,
/// auditor) get 403.
pub async fn visible(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
) -> ApiResult<(StoredApplication, Vec<MaterialFileRecord>)> {
    let stored = service::load_visible(st, user, id).await?;
    let view = declaration_view(&user.actor);
    if view == DeclarationView::Masked {
        return Err(ApiError::forbidden(
            "你的角色不审查申报材料，不能查看 (your role does not review the declaration's materials)",
        ));
    }
    let list = mf::for_policy(&st.policy.id);
    let files = st
        .store
        .applications()
        .list_material_files(stored.app.id())
        .await?
        .into_iter()
        .filter(|f| {
            list.and_then(|l| l.item(&f.material_code))
                .is_some_and(|item| may_view(view, item))
        })
        .collect();
    Ok((stored, files))
}

/// One file for download; staff downloads are audited. A file the reader
/// may not see is "not found", like an application they may not read.
pub async fn download(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    file: &str,
) -> ApiResult<(MaterialFileRecord, Vec<u8>)> {
    let (stored, files) = visible(st, user, id).await?;
    if !files.iter().any(|f| f.id == file) {
        return Err(ApiError::not_found("材料 (material)"));
    }
    let (record, bytes) = st
        .store
        .applications()
        .load_material_file(stored.app.id(), file)
        .await?
        .ok_or_else(|| ApiError::not_found("材料 (material)"))?;
    if user.user.role != Role::Applicant {
        st.store
            .audit()
            .append_audit(audit(
                user,
                st.clock.now(),
                "material.download".into(),
                format!("application:{}", stored.app.id()),
                json!({"file": record.id, "material": record.material_code}),
            ))
            .await?;
    }
    Ok((record, bytes))
}

/// Deletes a file before review, once the person confirmed.
pub async fn delete(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    file: &str,
    confirmed: bool,
) -> ApiResult<()> {
    // The role first: others learn nothing about the application.
    may_upload_at_all(user)?;
    let stored = editable(st, user, id).await?;
    if !confirmed {
        return Err(ApiError::unprocessable(
            "confirmation_required",
            "请勾选“确认删除此文件”：删除后无法恢复 (tick the confirmation: a deleted file cannot be restored)",
        )
        .field("confirm"));
    }
    let deleted = st
        .store
        .applications()
        .delete_material_file(
            stored.app.id(),
            file,
            audit(
                user,
                st.clock.now(),
                "material.delete".into(),
                format!("application:{}", stored.app.id()),
                json!({"file": file}),
            ),
        )
        .await?;
    if !deleted {
        return Err(ApiError::not_found("材料 (material)"));
    }
    Ok(())
}

/// The response of a download: its own type, as an attachment, never
/// sniffed by the browser.
pub fn file_response(record: &MaterialFileRecord, bytes: Vec<u8>) -> Response {
    let kind = FileKind::from_content_type(&record.content_type);
    let content_type = kind.map_or("application/octet-stream", FileKind::content_type);
    let ascii = format!(
        "material-{}.{}",
        &record.id[..record.id.len().min(8)],
        kind.map_or("bin", FileKind::extension)
    );
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::web::html::url_encode(&record.file_name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

// ------------------------------------------------------------------ API

/// A stored file, as listed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MaterialFile)]
pub struct MaterialFileJson {
    id: String,
    /// Which material of the city's list.
    material: String,
    /// Its name on the city's list (Chinese).
    material_label: String,
    file_name: String,
    /// image/jpeg, image/png or application/pdf (told by the bytes).
    content_type: String,
    size_bytes: u64,
    /// SHA-256 of the file, hex.
    sha256: String,
    uploaded_by: String,
    uploaded_at: String,
}

impl MaterialFileJson {
    fn new(r: &MaterialFileRecord, list: Option<&MaterialList>) -> MaterialFileJson {
        MaterialFileJson {
            id: r.id.clone(),
            material: r.material_code.clone(),
            material_label: list
                .and_then(|l| l.item(&r.material_code))
                .map(|i| i.label.clone())
                .unwrap_or_default(),
            file_name: r.file_name.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
            sha256: r.sha256.clone(),
            uploaded_by: r.uploaded_by.clone(),
            uploaded_at: r.uploaded_at.clone(),
        }
    }
}

/// One material of the city's list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MaterialListItem)]
pub struct MaterialItemJson {
    code: String,
    label: String,
    label_en: String,
}

/// The files the caller sees and the city's list they are tagged from.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MaterialFiles)]
pub struct MaterialFilesJson {
    /// The document and article the list comes from.
    document: String,
    article: String,
    materials: Vec<MaterialItemJson>,
    files: Vec<MaterialFileJson>,
    /// Whether the caller may add or delete files now.
    editable: bool,
    max_files: usize,
    max_file_bytes: usize,
    max_total_bytes: usize,
}

/// A file upload (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)] // documentation of the multipart body
#[schema(as = MaterialUpload)]
struct MaterialUploadSchema {
    /// The material's code on the city's list.
    material: String,
    /// JPEG, PNG or PDF, at most 5 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteQuery {
    /// Must be true: a deleted file cannot be restored.
    #[serde(default)]
    confirm: bool,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_file, remove))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// 申请材料 the application's uploaded files the caller may see, and the city's list.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/materials",
    tag = "applications",
    params(("id" = String, Path, description = "application id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community", "street", "district_bureau", "verifier:public_security", "verifier:civil_affairs", "verifier:natural_resources", "verifier:human_resources", "verifier:provident_fund"]))),
    responses(
        (status = 200, description = "the files", body = MaterialFilesJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn list(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MaterialFilesJson>> {
    let (stored, files) = visible(&st, &user, &id).await?;
    let list = city_list(&st)?;
    Ok(Json(MaterialFilesJson {
        document: list.list.document.clone(),
        article: list.list.article.clone(),
        materials: list
            .items
            .iter()
            .map(|i| MaterialItemJson {
                code: i.code.clone(),
                label: i.label.clone(),
                label_en: i.label_en.clone(),
            })
            .collect(),
        files: files
            .iter()
            .map(|f| MaterialFileJson::new(f, Some(list)))
            .collect(),
        editable: may_edit(&user.actor, &stored.app),
        max_files: MAX_FILES,
        max_file_bytes: MAX_FILE_BYTES,
        max_total_bytes: MAX_TOTAL_BYTES,
    }))
}

/// 上传申请材料 upload a file (JPEG, PNG or PDF; type told by its bytes) before review or when returned for correction.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/materials",
    tag = "applications",
    params(("id" = String, Path, description = "application id"), Csrf),
    request_body(content = MaterialUploadSchema, content_type = "multipart/form-data"),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 201, description = "the stored file", body = MaterialFileJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn create(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    may_upload_at_all(&user)?;
    let mp = mp.map_err(multipart_rejection)?;
    let (form, err) = read_form(mp).await;
    if let Some(e) = err {
        return Err(e);
    }
    let record = upload(&st, &user, &id, form.material.as_deref(), form.file).await?;
    let list = mf::for_policy(&st.policy.id);
    Ok((
        StatusCode::CREATED,
        Json(MaterialFileJson::new(&record, list)),
    )
        .into_response())
}

/// 下载申请材料 one file, as an attachment with its own Content-Type (staff downloads are audited).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/materials/{file}",
    tag = "applications",
    params(("id" = String, Path, description = "application id"), ("file" = String, Path, description = "file id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community", "street", "district_bureau", "verifier:public_security", "verifier:civil_affairs", "verifier:natural_resources", "verifier:human_resources", "verifier:provident_fund"]))),
    responses(
        (status = 200, description = "the file", content(
            (Binary = "image/jpeg"),
            (Binary = "image/png"),
            (Binary = "application/pdf"),
        )),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn get_file(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (record, bytes) = download(&st, &user, &id, &file).await?;
    Ok(file_response(&record, bytes))
}

/// 删除申请材料 delete a file before review (`confirm=true`; audited).
#[utoipa::path(
    delete,
    path = "/api/v1/applications/{id}/materials/{file}",
    tag = "applications",
    params(("id" = String, Path, description = "application id"), ("file" = String, Path, description = "file id"), DeleteQuery, Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn remove(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    delete(&st, &user, &id, &file, q.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}
