//! One purchase's page: what has been recorded so far (negotiation rounds,
//! appraisal, filing, notice and objections, contract, handover inspection,
//! registration, homes into allotment) and, for the company, the form of
//! each step its state allows — nothing else. A refused step comes back as
//! the same page (422, or 409 for a step out of order) with what was typed
//! and the problem beside its field.

use anju_acquisition::{NegotiationMode, Status, CHECKLIST};
use anju_domain::Role;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::acquisition::service::{self as svc, AllotRequest, PurchaseDoc, PurchaseStep};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{checked, ctx_for_lang, done_redirect, field, Ctx, Fields};
use crate::web::html::{district_name, url_encode};
use crate::web::AppState;

#[derive(Deserialize, Default)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A home of the purchase as the page shows it.
struct HomeRow {
    home: String,
    area: String,
    layout: String,
    asking: String,
    price: String,
    /// Cost + 5 %: the highest sale price allotment accepts.
    limit: String,
    allotted: Option<String>,
}

/// The citations the forms show, each from the deployment's own file.
struct Cites {
    tender: String,
    appraisal: String,
    filing: String,
    notice: String,
    cap: String,
    registration: String,
}

#[derive(askama::Template)]
#[template(path = "acquisition/templates/purchase.html")]
struct PurchasePage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    p: &'a PurchaseDoc,
    district: String,
    status: &'static str,
    purpose: &'static str,
    mode: &'static str,
    /// (label, reached, current) of each status in order.
    progress: Vec<(&'static str, bool, bool)>,
    cap: String,
    homes: Vec<HomeRow>,
    /// A registered home not yet in a project.
    allottable: bool,
    /// (label, passed, defect) of the recorded inspection.
    inspection: Vec<(String, bool, String)>,
    /// (index, label) of the checklist the handover form walks.
    checklist: Vec<(usize, &'static str)>,
    modes: Vec<(&'static str, &'static str)>,
    runs: bool,
    appraisal_applies: bool,
    notice_days: u32,
    registration_months: u32,
    on_notice: bool,
    may_sign: bool,
    open_objections: usize,
    overdue: bool,
    today: String,
    cite: Cites,
    /// Which form was posted (its `step`), what it held, what was wrong.
    posted: &'a str,
    f: &'a Fields,
    errors: &'a FieldErrors,
}

impl PurchasePage<'_> {
    /// What was typed in `name` of form `form`, when that form came back.
    fn v(&self, form: &str, name: &str) -> &str {
        if self.posted == form {
            field(self.f, name).unwrap_or("")
        } else {
            ""
        }
    }
    /// As [`v`], or `default` on a fresh form.
    fn v_or<'b>(&'b self, form: &str, name: &str, default: &'b str) -> &'b str {
        if self.posted == form {
            field(self.f, name).unwrap_or("")
        } else {
            default
        }
    }
    fn chk(&self, form: &str, name: &str) -> bool {
        self.posted == form && checked(self.f, name)
    }
    fn sel(&self, form: &str, name: &str, value: &str) -> bool {
        self.posted == form && field(self.f, name) == Some(value)
    }
    /// The problem with `name` of form `form` (`""`: the form as a whole).
    fn err(&self, form: &str, name: &str) -> Option<&str> {
        if self.posted == form {
            self.errors.get(name, self.c.lang)
        } else {
            None
        }
    }
    /// The answer form of objection `i` came back.
    fn ans(&self, i: &usize) -> bool {
        self.posted == "answer" && field(self.f, "index") == Some(i.to_string().as_str())
    }
    fn failed_item(&self, i: &usize) -> bool {
        self.sel("hand_over", &format!("passed_{i}"), "no")
    }
    fn defect(&self, i: &usize) -> &str {
        self.v("hand_over", &format!("defect_{i}"))
    }
    fn defect_err(&self, i: &usize) -> Option<&str> {
        self.err("hand_over", &format!("defect_{i}"))
    }
}

fn cite(c: &Ctx, r: &anju_acquisition::Rule) -> String {
    if r.source.is_some() {
        r.cited()
    } else {
        c.t("本公司做法", "the company's own practice").to_string()
    }
}

const ORDER: [Status; 6] = [
    Status::Planned,
    Status::Filed,
    Status::Noticed,
    Status::Contracted,
    Status::HandedOver,
    Status::Registered,
];

#[allow(clippy::too_many_arguments)]
async fn render(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    posted: &str,
    f: &Fields,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let r: ApiResult<Response> = async {
        svc::may_read(user)?;
        let (p, _) = svc::purchases(st)
            .await?
            .into_iter()
            .find(|(p, _)| p.id == id)
            .ok_or_else(|| ApiError::not_found("收购项目 (purchase)"))?;
        let policy = svc::policy(st);
        let l = c.lang;
        let today = st.clock.today();
        let cap = svc::lot_cap(st, &p)
            .await
            .map(|f| f.to_string())
            .unwrap_or_else(|_| l.t("未登记", "not recorded").to_string());
        let at = ORDER.iter().position(|s| *s == p.status).unwrap_or(0);
        let open = p.objections.iter().filter(|o| o.answer.is_none()).count();
        let on_notice = p.status == Status::Noticed && p.notice_end.is_some_and(|e| today <= e);
        let page = PurchasePage {
            c,
            done: c.done().map(|_| l.t("已完成。", "Done.")),
            district: district_name(l, &p.district),
            status: l.t(p.status.zh(), p.status.en()),
            purpose: l.t(p.purpose.zh(), p.purpose.en()),
            mode: p.mode.map(|m| l.t(m.zh(), m.en())).unwrap_or("—"),
            progress: ORDER
                .iter()
                .enumerate()
                .map(|(i, s)| (l.t(s.zh(), s.en()), i <= at, i == at))
                .collect(),
            cap,
            homes: p
                .homes
                .iter()
                .map(|h| HomeRow {
                    home: h.home.clone(),
                    area: h.area.to_string(),
                    layout: h.layout.clone(),
                    asking: h.asking.to_string(),
                    price: if p.agreed.is_some() {
                        h.price.to_string()
                    } else {
                        "—".into()
                    },
                    limit: h.price.mul_ratio_floor(105, 100).to_string(),
                    allotted: h.allotted_to.clone(),
                })
                .collect(),
            allottable: p.homes.iter().any(|h| h.allotted_to.is_none()),
            inspection: p
                .inspection
                .iter()
                .map(|i| {
                    let label = CHECKLIST
                        .iter()
                        .find(|(zh, _)| *zh == i.item)
                        .map(|(zh, en)| l.t(zh, en).to_string())
                        .unwrap_or_else(|| i.item.clone());
                    (label, i.passed, i.defect.clone().unwrap_or_default())
                })
                .collect(),
            checklist: CHECKLIST
                .iter()
                .enumerate()
                .map(|(i, (zh, en))| (i, l.t(zh, en)))
                .collect(),
            modes: [
                NegotiationMode::FixedAreaPrice,
                NegotiationMode::FixedPriceArea,
            ]
            .iter()
            .map(|m| {
                let key = match m {
                    NegotiationMode::FixedAreaPrice => "fixed_area_price",
                    NegotiationMode::FixedPriceArea => "fixed_price_area",
                };
                (key, l.t(m.zh(), m.en()))
            })
            .collect(),
            runs: user.user.role == Role::Company,
            appraisal_applies: policy.rules.appraisal.applies,
            notice_days: policy.rules.notice.working_days.unwrap_or(5),
            registration_months: policy.rules.registration.months.unwrap_or(3),
            on_notice,
            may_sign: p.status == Status::Noticed
                && p.notice_end.is_some_and(|e| today > e)
                && open == 0,
            open_objections: open,
            overdue: p.overdue(today),
            today: today.to_string(),
            cite: Cites {
                tender: cite(c, &policy.rules.tender),
                appraisal: cite(c, &policy.rules.appraisal),
                filing: cite(c, &policy.rules.filing),
                notice: cite(c, &policy.rules.notice),
                cap: cite(
                    c,
                    match p.purpose {
                        anju_acquisition::Purpose::Sale => &policy.rules.sale_cap,
                        anju_acquisition::Purpose::Rent => &policy.rules.rent_cap,
                    },
                ),
                registration: cite(c, &policy.rules.registration),
            },
            p: &p,
            posted,
            f,
            errors,
        };
        let mut res = c.page(&page);
        *res.status_mut() = status;
        Ok(res)
    }
    .await;
    r.unwrap_or_else(|e| c.error(e))
}

pub(super) async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user(&format!("/acquisition/purchases/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    render(
        &st,
        &c,
        &user,
        &id,
        "",
        &vec![],
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The form's text field, trimmed.
fn text(f: &Fields, name: &str) -> String {
    field(f, name).unwrap_or("").trim().to_string()
}

/// Every empty required field of the posted form, at once.
fn required(f: &Fields, names: &[&str], errors: &mut FieldErrors) {
    for n in names {
        if text(f, n).is_empty() {
            errors.add(n, "此项必填", "required");
        }
    }
}

/// The confirmation a step that cannot be undone needs, checked here.
fn confirm(f: &Fields, errors: &mut FieldErrors, zh: &str, en: &str) {
    if !checked(f, "confirm") {
        errors.add("confirm", zh, en);
    }
}

/// The step the posted form asks for, or every problem the form itself
/// can see. `Ok(None)` is the allotment form (not a step).
fn step_from(f: &Fields) -> Result<Option<PurchaseStep>, FieldErrors> {
    let mut e = FieldErrors::new();
    let step = match field(f, "step").unwrap_or("") {
        "negotiate" => {
            required(f, &["mode", "on", "offer_yuan"], &mut e);
            PurchaseStep::Negotiate {
                mode: text(f, "mode"),
                shortlisted: text(f, "shortlisted")
                    .split(['\n', ',', '，', '、'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                on: text(f, "on"),
                offer_yuan: text(f, "offer_yuan"),
                note: text(f, "note"),
                agreed: checked(f, "agreed"),
            }
        }
        "appraise" => {
            required(f, &["firm", "registration", "value_yuan"], &mut e);
            PurchaseStep::Appraise {
                firm: text(f, "firm"),
                registration: text(f, "registration"),
                registered_in_city: checked(f, "registered_in_city"),
                no_conflict_declared: checked(f, "no_conflict_declared"),
                value_yuan: text(f, "value_yuan"),
            }
        }
        "file" => {
            required(f, &["housing_on", "finance_on"], &mut e);
            PurchaseStep::File {
                housing_on: text(f, "housing_on"),
                finance_on: text(f, "finance_on"),
            }
        }
        "notice" => {
            required(f, &["start"], &mut e);
            PurchaseStep::Notice {
                start: text(f, "start"),
            }
        }
        "object" => {
            required(f, &["text"], &mut e);
            PurchaseStep::Object {
                text: text(f, "text"),
            }
        }
        "answer" => {
            required(f, &["answer"], &mut e);
            PurchaseStep::Answer {
                index: text(f, "index").parse().unwrap_or(usize::MAX),
                answer: text(f, "answer"),
            }
        }
        "sign" => {
            required(
                f,
                &[
                    "on",
                    "payment_terms",
                    "handover_date",
                    "title_transfer",
                    "liabilities",
                ],
                &mut e,
            );
            confirm(
                f,
                &mut e,
                "请勾选确认：合同签订后不能撤销",
                "tick to confirm: a signed contract cannot be undone",
            );
            PurchaseStep::Sign {
                on: text(f, "on"),
                payment_terms: text(f, "payment_terms"),
                handover_date: text(f, "handover_date"),
                title_transfer: text(f, "title_transfer"),
                liabilities: text(f, "liabilities"),
            }
        }
        "hand_over" => {
            required(f, &["on", "warranty_years"], &mut e);
            let warranty_years = match text(f, "warranty_years").parse::<u32>() {
                Ok(y) if (1..=50).contains(&y) => y,
                _ => {
                    e.add(
                        "warranty_years",
                        "保修期应为1–50的整数年",
                        "the warranty is 1–50 whole years",
                    );
                    0
                }
            };
            let items = CHECKLIST
                .iter()
                .enumerate()
                .map(|(i, (zh, _))| {
                    let passed = field(f, &format!("passed_{i}")) != Some("no");
                    let defect = text(f, &format!("defect_{i}"));
                    if !passed && defect.is_empty() {
                        e.add(
                            &format!("defect_{i}"),
                            "未通过的项目须写明缺陷及整改（开发企业保修）",
                            "describe the defect and its remedy (the developer's warranty)",
                        );
                    }
                    anju_acquisition::InspectionItem {
                        item: zh.to_string(),
                        passed,
                        defect: (!defect.is_empty()).then_some(defect),
                    }
                })
                .collect();
            PurchaseStep::HandOver {
                on: text(f, "on"),
                items,
                warranty_years,
            }
        }
        "register" => {
            required(f, &["on", "certificate"], &mut e);
            confirm(
                f,
                &mut e,
                "请勾选确认：登记完成后房源转为公司可配售房源，不能撤销",
                "tick to confirm: once registered the homes are the company's, and this cannot be undone",
            );
            PurchaseStep::Register {
                on: text(f, "on"),
                certificate: text(f, "certificate"),
            }
        }
        "allot" => {
            required(f, &["project", "home", "price_yuan"], &mut e);
            confirm(
                f,
                &mut e,
                "请勾选确认：房源转入配售项目后不能撤回",
                "tick to confirm: a home put into a project cannot be taken back",
            );
            return if e.is_empty() { Ok(None) } else { Err(e) };
        }
        _ => {
            e.add("", "未知操作", "unknown action");
            return Err(e);
        }
    };
    if e.is_empty() {
        Ok(Some(step))
    } else {
        Err(e)
    }
}

fn floor(f: &Fields) -> Result<Option<i32>, ApiError> {
    let t = text(f, "floor");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i32>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "invalid_floor",
            "楼层应为整数 (the floor is a whole number)",
        )
        .field("floor")
    })
}

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    req: Request,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let here = format!("/acquisition/purchases/{}", url_encode(&id));
    let user = match c.require_user(&here) {
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
    if let Err(e) = svc::may_work(&user) {
        return c.error(e);
    }
    let posted = field(&f, "step").unwrap_or("").to_string();
    let r: ApiResult<()> = match step_from(&f) {
        Err(errors) => {
            return render(
                &st,
                &c,
                &user,
                &id,
                &posted,
                &f,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(Some(step)) => svc::step(&st, &user, &id, &step).await.map(|_| ()),
        Ok(None) => match floor(&f) {
            Ok(floor) => svc::allot(
                &st,
                &user,
                &id,
                &AllotRequest {
                    project: text(&f, "project"),
                    home: text(&f, "home"),
                    price_yuan: text(&f, "price_yuan"),
                    floor,
                    orientation: Some(text(&f, "orientation")).filter(|s| !s.is_empty()),
                },
            )
            .await
            .map(|_| ()),
            Err(e) => Err(e),
        },
    };
    match r {
        Ok(()) => done_redirect(&headers, &st, &here, &posted),
        // Not allowed or not found: the error page, as any room.
        Err(e) if matches!(e.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) => c.error(e),
        Err(e) => {
            // A step out of order stays 409; anything about what was typed is 422.
            let status = if e.status == StatusCode::CONFLICT {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = FieldErrors::from_api_error(&e);
            render(&st, &c, &user, &id, &posted, &f, &errors, status).await
        }
    }
}
