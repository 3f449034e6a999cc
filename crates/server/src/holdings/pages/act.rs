//! Every holdings form posts here: the action runs through the service,
//! then back to the page it came from with its banner.

use anju_domain::Department;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::holdings::service::{
    self as svc, BuybackRequest, BuybackStepRequest, CampaignRequest, CaseStepRequest,
    ReportRequest,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::Path;
use crate::web::forms::{checked, ctx, done_redirect, field, read_upload, Fields, PageQuery};
use crate::web::html::url_encode;
use crate::web::AppState;

fn opt(f: &Fields, name: &str) -> Option<String> {
    field(f, name).map(str::to_string)
}

fn home_link(p: &str, h: &str) -> String {
    format!("/holdings/homes/{}/{}", url_encode(p), url_encode(h))
}

/// Runs the form's action; returns where to go and the banner's code.
async fn run(st: &AppState, user: &CurrentUser, f: &Fields) -> ApiResult<(String, &'static str)> {
    let text = |n: &str| field(f, n).unwrap_or("").to_string();
    match field(f, "type").unwrap_or("") {
        "campaign_open" => {
            let year = text("year").trim().parse::<i32>().map_err(|_| {
                ApiError::bad_request("invalid_year", "年度应为四位年份 (a four-digit year)")
                    .field("year")
            })?;
            let c = svc::open_campaign(
                st,
                user,
                CampaignRequest {
                    year,
                    district: text("district"),
                    due_on: text("due_on"),
                },
            )
            .await?;
            Ok((
                format!("/holdings/campaigns/{}", url_encode(&c.id)),
                "campaign_open",
            ))
        }
        "report" => {
            let (p, h) = (text("project"), text("home"));
            svc::report(
                st,
                user,
                &p,
                &h,
                ReportRequest {
                    finding: text("finding"),
                    evidence: text("evidence"),
                },
            )
            .await?;
            Ok((home_link(&p, &h), "report"))
        }
        "buyback_apply" => {
            let (p, h) = (text("project"), text("home"));
            if !checked(f, "confirm") {
                return Err(ApiError::bad_request("confirm", "请勾选确认：已知晓须在规定期限内腾退住房 (tick to confirm you know the exit deadline)").field("confirm"));
            }
            let b = svc::apply_buyback(
                st,
                user,
                &p,
                &h,
                BuybackRequest {
                    case: text("case"),
                    reason: text("reason"),
                    applied_on: opt(f, "applied_on"),
                },
            )
            .await?;
            Ok((
                format!("/holdings/buybacks/{}", url_encode(&b.id)),
                "buyback_apply",
            ))
        }
        "buyback_step" => {
            let id = text("id");
            let step = text("step");
            if matches!(
                step.as_str(),
                "stop" | "withdraw" | "pay" | "return_title" | "city_refuse"
            ) && !checked(f, "confirm")
            {
                return Err(ApiError::bad_request(
                    "confirm",
                    "此操作不可撤销，请勾选确认 (this cannot be undone: tick to confirm)",
                )
                .field("confirm"));
            }
            svc::buyback_step(
                st,
                user,
                &id,
                BuybackStepRequest {
                    step,
                    on: opt(f, "on"),
                    note: opt(f, "note"),
                    firm: opt(f, "firm"),
                    qualification_no: opt(f, "qualification_no"),
                    report_no: opt(f, "report_no"),
                    value_yuan: opt(f, "value_yuan"),
                    decoration_yuan: opt(f, "decoration_yuan"),
                    additions_yuan: opt(f, "additions_yuan"),
                    independent: Some(checked(f, "independent")),
                    fees: opt(f, "fees"),
                    certificate_no: opt(f, "certificate_no"),
                    exit_by: opt(f, "exit_by"),
                },
            )
            .await?;
            Ok((
                format!("/holdings/buybacks/{}", url_encode(&id)),
                "buyback_step",
            ))
        }
        "case_step" => {
            let step = text("step");
            if matches!(step.as_str(), "recover" | "dismiss") && !checked(f, "confirm") {
                return Err(ApiError::bad_request(
                    "confirm",
                    "此操作不可撤销，请勾选确认 (this cannot be undone: tick to confirm)",
                )
                .field("confirm"));
            }
            let c = svc::case_step(
                st,
                user,
                &text("id"),
                CaseStepRequest {
                    step,
                    deadline: opt(f, "deadline"),
                    note: opt(f, "note"),
                },
            )
            .await?;
            Ok((home_link(&c.project_id, &c.home_id), "case_step"))
        }
        "tip_triage" => super::tips::triage(st, user, f).await,
        "pool_take" => {
            svc::take_into_project(
                st,
                user,
                &text("id"),
                svc::TakeRequest {
                    project_id: text("project_id"),
                },
            )
            .await?;
            Ok(("/holdings/campaigns#pool-title".to_string(), "pool_take"))
        }
        "pool_rent" => {
            if !checked(f, "confirm") {
                return Err(ApiError::bad_request(
                    "confirm",
                    "转为配租后房源离开房源池，请勾选确认 (the home leaves the pool: tick to confirm)",
                )
                .field("confirm"));
            }
            let r = svc::rent_from_pool(
                st,
                user,
                &text("id"),
                svc::RentRequest {
                    rent_home_id: text("rent_home_id"),
                    address: opt(f, "address"),
                    surveyed_on: text("surveyed_on"),
                    method: text("method"),
                    survey_source: text("survey_source"),
                    comparables: text("comparables"),
                    rent_per_m2_yuan: text("rent_per_m2_yuan"),
                },
            )
            .await?;
            let _ = r;
            Ok(("/holdings/campaigns#pool-title".to_string(), "pool_rent"))
        }
        other => Err(ApiError::bad_request(
            "unknown_action",
            format!("未知的操作 {other} (unknown action)"),
        )
        .field("type")),
    }
}

pub(super) async fn act(State(st): State<AppState>, headers: HeaderMap, req: Request) -> Response {
    let c = ctx(&st, &headers, &PageQuery::default()).await;
    let user = match c.require_user("/holdings") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let f = match Form::<Fields>::from_request(req, &st).await {
        Ok(Form(f)) => f,
        Err(e) => return c.error(ApiError::bad_request("invalid_form", e.body_text())),
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    match run(&st, &user, &f).await {
        Ok((to, code)) => done_redirect(&headers, &st, &to, code),
        Err(e) => refused(&st, &c, &user, &f, e).await,
    }
}

/// A refused form: the forms of a list's rows (a pool home, a tip) are
/// shown again on their page, open, with what was typed and the problem
/// beside its field (HTTP 422); a refusal that no typing can mend (not
/// allowed, no such row) and the other forms get the error page.
async fn refused(
    st: &AppState,
    c: &crate::web::forms::Ctx,
    user: &CurrentUser,
    f: &Fields,
    e: ApiError,
) -> Response {
    use axum::http::StatusCode;
    // A number typed that names nothing (a project, a home) is mended by
    // typing again; a row that is gone is not.
    let mendable = match e.status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => true,
        StatusCode::NOT_FOUND => e.field.as_deref().is_some_and(|f| f != "id"),
        _ => false,
    };
    let id = field(f, "id").unwrap_or("");
    let row = match (field(f, "type").unwrap_or(""), field(f, "step")) {
        ("pool_rent", _) => format!("rent:{id}"),
        ("pool_take", _) => format!("take:{id}"),
        ("tip_triage", Some("attach")) => format!("attach:{id}"),
        ("tip_triage", Some("dismiss")) => format!("dismiss:{id}"),
        _ => return c.error(e),
    };
    if !mendable {
        return c.error(e);
    }
    let form = crate::web::field_errors::RowForm::refused(&row, f, &e);
    if row.starts_with("attach:") || row.starts_with("dismiss:") {
        super::tips::tips_list(st, c, user, false, Some(form)).await
    } else {
        super::views::campaigns(st, c, user, Some(form)).await
    }
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/answers.html")]
struct AnswersPage<'a> {
    c: &'a crate::web::forms::Ctx,
    campaign_id: String,
    department: &'static str,
    report: svc::AnswerReport,
}

/// A department's answer file, uploaded from the campaign page: the
/// result, with every refused row and why, on its own page.
pub(super) async fn upload_answers(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, dept)): Path<(String, String)>,
    mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &PageQuery::default()).await;
    let user = match c.require_user(&format!("/holdings/campaigns/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Some(d) = Department::from_code(&dept) else {
        return c.error(ApiError::not_found("部门 (department)"));
    };
    // The role is checked before the upload is read.
    if let Err(e) = svc::department_of(&user, d) {
        return c.error(e);
    }
    let body = match read_upload(&user, mp).await {
        Ok(b) => b,
        Err(e) => return c.error(e),
    };
    match svc::import_answers(&st, &user, &id, d, &body).await {
        Ok(report) => c.page(&AnswersPage {
            c: &c,
            campaign_id: id,
            department: c.t(d.label_zh(), d.label_en()),
            report,
        }),
        Err(e) => c.error(e),
    }
}
