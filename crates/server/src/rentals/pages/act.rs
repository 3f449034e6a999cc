//! Every rentals form posts here: the action runs through the service,
//! then back to the page it came from with its banner.

use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::rentals::service::{
    self as svc, AdjustmentRequest, AnswerRequest, ChargeRequest, CloseRequest, ExitRequest,
    NewHomeRequest, OfferRequest, PaymentRequest, RenewRequest, SurveyRequest,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, ctx, done_redirect, field, Fields, PageQuery};
use crate::web::html::url_encode;
use crate::web::AppState;

fn opt(f: &Fields, name: &str) -> Option<String> {
    field(f, name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn lease_link(id: &str) -> String {
    format!("/rentals/leases/{}", url_encode(id))
}

fn survey(f: &Fields) -> SurveyRequest {
    let text = |n: &str| field(f, n).unwrap_or("").to_string();
    SurveyRequest {
        effective_from: opt(f, "effective_from"),
        surveyed_on: text("surveyed_on"),
        method: text("method"),
        source: text("survey_source"),
        comparables: text("comparables"),
        rent_per_m2_yuan: text("rent_per_m2_yuan"),
    }
}

/// Runs the form's action; returns where to go and the banner's code.
async fn run(st: &AppState, user: &CurrentUser, f: &Fields) -> ApiResult<(String, &'static str)> {
    let text = |n: &str| field(f, n).unwrap_or("").to_string();
    let id = text("id");
    match field(f, "type").unwrap_or("") {
        "home_add" => {
            let h = svc::add_home(
                st,
                user,
                NewHomeRequest {
                    id: text("home_id"),
                    district: text("district"),
                    address: text("address"),
                    area_m2: text("area_m2"),
                    rooms: text("rooms"),
                    source: text("source"),
                    approval_ref: opt(f, "approval_ref"),
                    pool_ref: opt(f, "pool_ref"),
                    purchase_yuan: opt(f, "purchase_yuan"),
                    appraisal_yuan: opt(f, "appraisal_yuan"),
                    survey: survey(f),
                },
            )
            .await?;
            Ok((format!("/rentals/homes/{}", url_encode(&h.id)), "home_add"))
        }
        "survey_add" => {
            svc::add_survey(st, user, &id, survey(f)).await?;
            Ok((format!("/rentals/homes/{}", url_encode(&id)), "survey_add"))
        }
        "offer" => {
            svc::offer(
                st,
                user,
                OfferRequest {
                    home_id: text("home_id"),
                    application_id: text("application_id"),
                },
            )
            .await?;
            Ok(("/rentals#offers".into(), "offer"))
        }
        "answer" => {
            let accept = match field(f, "accept") {
                Some("yes") => true,
                Some("no") => false,
                _ => {
                    return Err(ApiError::bad_request(
                        "required",
                        "请选择接受或拒绝 (choose accept or refuse)",
                    )
                    .field("accept"))
                }
            };
            let years = match opt(f, "years") {
                None => None,
                Some(y) => Some(y.parse::<u32>().map_err(|_| {
                    ApiError::bad_request("invalid_years", "年限应为整数 (whole years)")
                        .field("years")
                })?),
            };
            let lease = svc::answer(
                st,
                user,
                &id,
                AnswerRequest {
                    accept,
                    starts_on: opt(f, "starts_on"),
                    cycle: opt(f, "cycle"),
                    years,
                    deposit_yuan: opt(f, "deposit_yuan"),
                    note: opt(f, "note"),
                },
            )
            .await?;
            Ok((
                lease
                    .map(|l| lease_link(&l.id))
                    .unwrap_or_else(|| "/rentals#offers".into()),
                "answer",
            ))
        }
        "renew" => {
            let l = svc::renew(
                st,
                user,
                &id,
                RenewRequest {
                    cycle: opt(f, "cycle"),
                    years: None,
                },
            )
            .await?;
            Ok((lease_link(&l.id), "renew"))
        }
        "exit" => {
            svc::exit_notice(
                st,
                user,
                &id,
                ExitRequest {
                    ground: text("ground"),
                    notified_on: opt(f, "notified_on"),
                    reason: text("reason"),
                },
            )
            .await?;
            Ok((lease_link(&id), "exit"))
        }
        "close" => {
            svc::close(
                st,
                user,
                &id,
                CloseRequest {
                    vacated_on: opt(f, "vacated_on"),
                    serious: opt(f, "serious"),
                    confirm: checked(f, "confirm"),
                },
            )
            .await?;
            Ok((lease_link(&id), "close"))
        }
        "pay" => {
            svc::pay(
                st,
                user,
                &id,
                PaymentRequest {
                    amount_yuan: text("amount_yuan"),
                    paid_on: opt(f, "paid_on"),
                    reference: opt(f, "reference"),
                },
            )
            .await?;
            Ok((lease_link(&id), "pay"))
        }
        "adjust" => {
            svc::adjust(
                st,
                user,
                &id,
                AdjustmentRequest {
                    amount_yuan: text("amount_yuan"),
                    reason: text("reason"),
                    approver: text("approver"),
                },
            )
            .await?;
            Ok((lease_link(&id), "adjust"))
        }
        "charge" => {
            svc::charge_month(
                st,
                user,
                ChargeRequest {
                    month: text("month"),
                },
            )
            .await?;
            Ok(("/rentals#leases".into(), "charge"))
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
    let user = match c.require_user("/rentals") {
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
        Err(e) => c.error(e),
    }
}
