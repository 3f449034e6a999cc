//! `POST /acquisition/offers`: the developers' offers file on the page
//! (issue 15), its report of saved, screened and refused rows, and the
//! page again with the error beside the file field when the file cannot
//! be read.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::view::render;
use crate::acquisition::service::{self as svc, OfferImport};
use crate::web::error::ApiError;
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{ctx, read_upload, Ctx, PageQuery};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "acquisition/templates/offers_report.html")]
struct OffersReport<'a> {
    c: &'a Ctx,
    report: &'a OfferImport,
}

/// `POST /acquisition/offers`: the developers' offers file (XLSX or CSV,
/// the template's columns). Good rows are screened and saved; every bad
/// row's problem is listed by row and column. A file that cannot be read
/// at all comes back beside the file field on `/acquisition`.
pub(super) async fn upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let c = ctx(&st, &headers, &PageQuery::default()).await;
    let user = match c.require_user("/acquisition") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    // The role first: nobody else makes the server read an upload.
    if let Err(e) = svc::may_work(&user) {
        return c.error(e);
    }
    let mp = match Multipart::from_request(req, &st).await {
        Ok(mp) => mp,
        Err(e) => {
            let e = ApiError::bad_request("invalid_form", e.body_text()).field("file");
            return render(
                &st,
                &c,
                &user,
                "offers",
                &vec![],
                &FieldErrors::from_api_error(&e),
            )
            .await;
        }
    };
    let result = match read_upload(&user, mp).await {
        Ok(file) => match crate::web::sheets::upload_rows(&file) {
            Ok(rows) => svc::import_offers(&st, &user, &rows).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        // Nothing saved and rows refused: the file as a whole failed.
        Ok(report) => c.form_page(
            &OffersReport {
                c: &c,
                report: &report,
            },
            report.saved == 0 && !report.errors.is_empty(),
        ),
        // An unreadable, empty or too large file: beside the file field.
        Err(e)
            if matches!(
                e.status,
                StatusCode::BAD_REQUEST
                    | StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            let e = e.field("file");
            render(
                &st,
                &c,
                &user,
                "offers",
                &vec![],
                &FieldErrors::from_api_error(&e),
            )
            .await
        }
        Err(e) => c.error(e),
    }
}
