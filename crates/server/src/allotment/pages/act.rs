//! Every allotment form posts here: the action runs through the service, then back to the page.

use anju_allotment::{AbsentRule, Fen, HomesFile, PlanTerms, RoundWindow};
use anju_domain::Role;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;

use crate::allotment::service::common::city;
use crate::allotment::service::{
    self as svc, CallRequest, ContractForm, DrawRequest, Frozen, PlanRequest, TitleRequest,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, done_redirect, field, read_upload, Ctx, Fields};
use crate::web::html::url_encode;
use crate::web::AppState;

use super::common::*;
use super::verify::*;

// ------------------------------------------------------------------ actions

/// Where to go after an action, and what to say.
pub(super) struct Done {
    pub(super) msg: &'static str,
    pub(super) n: Option<usize>,
    /// The family's choose page instead of the project page.
    pub(super) choose: Option<(u8, String)>,
    pub(super) anchor: Option<String>,
}

impl Done {
    fn new(msg: &'static str) -> Done {
        Done {
            msg,
            n: None,
            choose: None,
            anchor: None,
        }
    }

    /// What the page's banner says: the code, and how many families.
    fn code(&self) -> String {
        match self.n {
            Some(n) => format!("{}:{n}", self.msg),
            None => self.msg.to_string(),
        }
    }

    fn location(&self, pid: &str) -> String {
        let anchor = self
            .anchor
            .as_deref()
            .map(|a| format!("#{a}"))
            .unwrap_or_default();
        match &self.choose {
            Some((r, app)) => format!(
                "/projects/{}/choose?round={r}&application={}",
                url_encode(pid),
                url_encode(app),
            ),
            None => format!("/projects/{}{anchor}", url_encode(pid)),
        }
    }
}

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
    req: Request,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/projects/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        return match Multipart::from_request(req, &st).await {
            Ok(mp) => upload_homes(&st, &c, &user, &id, mp).await,
            Err(e) => c.error(ApiError::bad_request("invalid_form", e.body_text()).field("file")),
        };
    }
    let f = match Form::<Fields>::from_request(req, &st).await {
        Ok(Form(f)) => f,
        Err(e) => return c.error(ApiError::bad_request("invalid_form", e.body_text())),
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let ty = field(&f, "type").unwrap_or("");
    if ty == "open_round" {
        return match open_round(&st, &user, &id, &f).await {
            Ok(fr) => frozen_page(&c, &id, &fr),
            Err(e) => c.error(e),
        };
    }
    match run_action(&st, &user, &id, ty, &f).await {
        Ok(done) => done_redirect(&headers, &st, &done.location(&id), &done.code()),
        Err(e) => c.error(e),
    }
}

pub(super) fn text(f: &Fields, name: &str) -> String {
    field(f, name).unwrap_or("").to_string()
}

pub(super) fn version_of(f: &Fields) -> ApiResult<i64> {
    field(f, "version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_version",
                "表单缺少版本号，请刷新后重试 (version missing; reload)",
            )
            .field("version")
        })
}

pub(super) fn round_of(f: &Fields) -> ApiResult<u8> {
    parse_round(field(f, "round").unwrap_or(""))
}

pub(super) async fn run_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    match ty {
        "save_plan" => {
            svc::save_plan(st, user, id, plan_from_form(f)?).await?;
            Ok(Done::new("save_plan"))
        }
        "plan_submit" | "plan_approve" | "plan_return" | "plan_publish" => {
            plan_action(st, user, id, ty, f).await
        }
        "draw" | "request_redraw" | "approve_redraw" | "start_selection" | "call_next"
        | "close_round" => round_action(st, user, id, ty, f).await,
        "absent" | "decline" | "choose" | "give_up" | "sign" => {
            call_action(st, user, id, ty, f).await
        }
        "expire_overdue" => {
            let n = svc::expire_overdue(st, user, id).await?;
            Ok(Done {
                n: Some(n),
                ..Done::new("expire_overdue")
            })
        }
        "register_title" | "dealing" => home_action(st, user, id, ty, f).await,
        other => Err(ApiError::bad_request(
            "unknown_action",
            format!("未知的操作 {other} (unknown action)"),
        )
        .field("type")),
    }
}

pub(super) async fn plan_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let (step, msg) = match ty {
        "plan_submit" => ("submit", "plan_submit"),
        "plan_approve" => ("approve", "plan_approve"),
        "plan_return" => ("return", "plan_return"),
        _ => ("publish", "plan_publish"),
    };
    let step = svc::plan_step_of(step, &text(f, "reason"))?;
    svc::plan_step(st, user, id, step, version_of(f)?).await?;
    Ok(Done::new(msg))
}

pub(super) async fn round_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let r = round_of(f)?;
    let mut n = None;
    let msg = match ty {
        "draw" => {
            svc::draw(
                st,
                user,
                id,
                r,
                DrawRequest {
                    reveal: text(f, "reveal"),
                    notary: text(f, "notary"),
                },
            )
            .await?;
            "draw"
        }
        "request_redraw" => {
            svc::request_redraw(st, user, id, r, &text(f, "reason")).await?;
            "request_redraw"
        }
        "approve_redraw" => {
            svc::approve_redraw(st, user, id, r).await?;
            "approve_redraw"
        }
        "start_selection" => {
            svc::set_round(st, user, id, r, svc::round_target("selecting")?).await?;
            "start_selection"
        }
        "call_next" => {
            let count = field(f, "count")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_count",
                        "叫号户数应为1–200的整数 (count must be a whole number 1-200)",
                    )
                    .field("count")
                })?;
            n = Some(svc::call_next(st, user, id, r, count).await?.len());
            "call_next"
        }
        _ => {
            svc::set_round(st, user, id, r, svc::round_target("closed")?).await?;
            "close_round"
        }
    };
    Ok(Done {
        n,
        anchor: Some(format!("round-{r}")),
        ..Done::new(msg)
    })
}

pub(super) async fn call_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let r = round_of(f)?;
    let application_id = text(f, "application_id");
    let app = application_id.clone();
    let (req, msg) = match ty {
        "absent" => (CallRequest::Absent { application_id }, "absent"),
        "decline" => (CallRequest::Decline { application_id }, "decline"),
        "choose" => {
            // Choosing starts the signing clock: not signing in time is an
            // abandonment with a ban, so the page asks first.
            if !checked(f, "confirm") {
                let (zh, en) = city(st).abandonment_words();
                return Err(ApiError::bad_request(
                    "confirmation_required",
                    format!(
                        "选定房源须勾选确认：选定后须按期签约，{zh}（{}） (tick the confirmation: {en})",
                        city(st).abandonment().short()
                    ),
                )
                .field("confirm"));
            }
            (
                CallRequest::Choose {
                    application_id,
                    home_id: text(f, "home_id"),
                },
                "choose",
            )
        }
        "give_up" => {
            if !checked(f, "confirm") {
                let (zh, en) = city(st).abandonment_words();
                return Err(ApiError::bad_request(
                    "confirmation_required",
                    format!(
                        "弃购须勾选确认：{zh}（{}） (tick the confirmation: {en})",
                        city(st).abandonment().short()
                    ),
                )
                .field("confirm"));
            }
            (CallRequest::GiveUp { application_id }, "give_up")
        }
        _ => {
            let contract = ContractForm {
                contract_no: text(f, "contract_no"),
                down_payment: text(f, "down_payment"),
                provident_fund_loan: text(f, "provident_fund_loan"),
                commercial_loan: text(f, "commercial_loan"),
            };
            (
                CallRequest::Sign {
                    application_id,
                    contract,
                },
                "sign",
            )
        }
    };
    svc::call_step(st, user, id, r, req).await?;
    let choose = (user.user.role == Role::Applicant).then_some((r, app));
    Ok(Done {
        choose,
        anchor: Some(format!("round-{r}")),
        ..Done::new(msg)
    })
}

pub(super) async fn home_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let home = text(f, "home_id");
    let msg = if ty == "register_title" {
        let registered_on = field(f, "registered_on")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        svc::register_title(
            st,
            user,
            id,
            &home,
            TitleRequest {
                certificate_no: text(f, "certificate_no"),
                registered_on,
            },
        )
        .await?;
        "register_title"
    } else {
        svc::dealing(st, user, id, &home, &text(f, "dealing")).await?;
        "dealing"
    };
    Ok(Done {
        anchor: Some("titles".into()),
        ..Done::new(msg)
    })
}

pub(super) fn plan_from_form(f: &Fields) -> ApiResult<PlanRequest> {
    let yuan = |name: &str| {
        Fen::parse_yuan(field(f, name).unwrap_or("")).map_err(|e| {
            ApiError::bad_request("invalid_amount", e.to_string()).field(format!("terms.{name}"))
        })
    };
    let int = |name: &str| -> ApiResult<u64> {
        field(f, name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                ApiError::bad_request("invalid_number", "应为整数 (must be a whole number)")
                    .field(format!("terms.{name}"))
            })
    };
    let absent_rule = match field(f, "absent_rule").unwrap_or("") {
        "pass_round" => AbsentRule::PassRound,
        "call_again_at_end" => AbsentRule::CallAgainAtEnd,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_rule",
                "请选择未到场处理方式 (choose the absence rule)",
            )
            .field("terms.absent_rule"))
        }
    };
    let terms = PlanTerms {
        name: text(f, "name"),
        location: text(f, "location"),
        guided_price_per_m2: yuan("guided_price_per_m2")?,
        sale_method: text(f, "sale_method"),
        lottery_rules: text(f, "lottery_rules"),
        schedule: schedule_from_form(f)?,
        buyback_terms: text(f, "buyback_terms"),
        absent_rule,
        signing_days: u16::try_from(int("signing_days")?).unwrap_or(u16::MAX),
        min_down_payment_percent: u8::try_from(int("min_down_payment_percent")?).unwrap_or(u8::MAX),
    };
    Ok(PlanRequest {
        terms,
        version: version_of(f)?,
    })
}

pub(super) fn schedule_from_form(f: &Fields) -> ApiResult<Vec<RoundWindow>> {
    let date = |name: String| -> ApiResult<Option<NaiveDate>> {
        match field(f, &name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse::<NaiveDate>().map(Some).map_err(|_| {
                ApiError::bad_request(
                    "invalid_date",
                    "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
                )
                .field(format!("terms.schedule.{name}"))
            }),
        }
    };
    let mut out = Vec::new();
    for round in 1..=3u8 {
        match (
            date(format!("r{round}_opens"))?,
            date(format!("r{round}_closes"))?,
        ) {
            (Some(opens), Some(closes)) => out.push(RoundWindow {
                round,
                opens,
                closes,
            }),
            (None, None) => {}
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_schedule",
                    format!("第{round}轮须同时填写开始和结束日期 (round {round} needs both dates)"),
                )
                .field("terms.schedule"))
            }
        }
    }
    Ok(out)
}

pub(super) async fn open_round(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    f: &Fields,
) -> ApiResult<Frozen> {
    svc::open_round(st, user, id, round_of(f)?).await
}

#[derive(Template)]
#[template(path = "allotment/templates/frozen.html")]
struct FrozenPage<'a> {
    c: &'a Ctx,
    pid: &'a str,
    round: u8,
    commitment: &'a str,
    entrants: usize,
    excluded: Vec<Excluded>,
}

/// A qualified family left out of the round, and why.
struct Excluded {
    application_id: String,
    reason: String,
    document: String,
    article: String,
    quote: String,
}

/// What freezing a round found: shown at once (the exclusions are not stored).
pub(super) fn frozen_page(c: &Ctx, pid: &str, fr: &Frozen) -> Response {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let excluded = fr
        .excluded
        .iter()
        .map(|x| Excluded {
            application_id: s(&x["application_id"]),
            reason: s(&x["reason"]),
            document: s(&x["citation"]["document"]),
            article: s(&x["citation"]["article"]),
            quote: s(&x["citation"]["quote"]),
        })
        .collect();
    c.page(&FrozenPage {
        c,
        pid,
        round: fr.round,
        commitment: &fr.commitment,
        entrants: fr.entrants,
        excluded,
    })
}

pub(super) async fn upload_homes(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    mp: Multipart,
) -> Response {
    // The role first: nobody else makes the server read an upload.
    if let Err(e) = svc::may_import_homes(user) {
        return c.error(e);
    }
    let file = match read_upload(user, mp).await {
        Ok(f) => f,
        Err(e) => return c.error(e),
    };
    let result = match crate::web::sheets::upload_rows(&file) {
        Ok(rows) => svc::import_homes(st, user, id, &rows).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => homes_report(c, id, &report),
        Err(e) => c.error(e),
    }
}

#[derive(Template)]
#[template(path = "allotment/templates/homes_report.html")]
struct HomesReport<'a> {
    c: &'a Ctx,
    pid: &'a str,
    report: &'a HomesFile,
}

pub(super) fn homes_report(c: &Ctx, pid: &str, report: &HomesFile) -> Response {
    c.page(&HomesReport { c, pid, report })
}
