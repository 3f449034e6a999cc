//! Subsidy applications: apply, verify, decide, pay, stop. The decision is
//! the programme's (policy engine); the schedule and stops are
//! `anju_subsidies::ledger`; the no-double-benefit check is
//! `anju_subsidies::register::check`, run by the store inside the approving
//! transaction on the person's register rows.

use anju_domain::mask::mask_name;
use anju_domain::Role;
use anju_idcodes::ResidentId;
use anju_store::{
    GrantRow, InstalmentRow, NewSubsidy, SubsidyApproval, SubsidyRecord, SubsidyStep,
};
use anju_subsidies::ledger::{self, StopReason};
use anju_subsidies::programme::{Award, Payment, ProgrammeId};
use anju_subsidies::register::{self, BenefitKind, Grant};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::subsidies::property_records;
use crate::subsidies::service::{self, SubsidyFacts};
use crate::subsidies::universities;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A subsidy application as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubsidyApplicationRequest {
    /// `talent_purchase`, `talent_rent` or `provident_rent`.
    pub programme: String,
    pub name: String,
    /// GB 11643 resident ID number.
    pub resident_id: String,
    pub facts: SubsidyFacts,
}

/// A step on an application.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubsidyAction {
    /// Asks the natural-resources department for the applicant's property
    /// records (the talent purchase subsidy's first-home check).
    RequestPropertyRecords,
    /// Degree, university list, service pledge and property records
    /// checked. A talent purchase passes only once the department answered.
    Verify {
        passed: bool,
        #[serde(default)]
        note: String,
    },
    /// The programme decides on the verified facts; an award is scheduled
    /// from `start` (the first payment's day; default today).
    Decide {
        #[serde(default)]
        start: Option<NaiveDate>,
    },
    /// Instalment `instalment` paid today.
    Pay { instalment: u32 },
    /// A stop event on `on`.
    Stop { reason: StopReason, on: NaiveDate },
}

/// An application as the talent office sees it (personal data masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubsidyCase {
    pub id: String,
    pub programme: String,
    pub masked_name: String,
    pub masked_id: String,
    pub status: String,
    #[schema(value_type = Object)]
    pub facts: Value,
    #[schema(value_type = Option<Object>)]
    pub award: Option<Value>,
    pub events: Vec<CaseEvent>,
    pub instalments: Vec<CaseInstalment>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseEvent {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub body: Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseInstalment {
    pub instalment: i64,
    pub due: NaiveDate,
    /// Fen.
    pub amount: i64,
    /// `scheduled`, `paid` or `cancelled`.
    pub state: String,
    pub on_day: Option<NaiveDate>,
}

pub fn staff(user: &CurrentUser) -> ApiResult<()> {
    if user.user.role == Role::TalentOffice {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有市委人才办可以办理人才补贴 (only the talent office handles subsidy applications)",
        ))
    }
}

pub(crate) fn reader(user: &CurrentUser) -> ApiResult<()> {
    match user.user.role {
        Role::TalentOffice | Role::Auditor | Role::CityBureau => Ok(()),
        _ => Err(ApiError::forbidden(
            "无权查看人才补贴申请 (not allowed to read subsidy applications)",
        )),
    }
}

fn programme(code: &str) -> ApiResult<ProgrammeId> {
    ProgrammeId::parse(code).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_programme",
            format!("补贴项目“{code}”不存在，应为 talent_purchase、talent_rent 或 provident_rent (unknown programme)"),
        )
        .field("programme")
    })
}

fn kind_of(p: ProgrammeId) -> BenefitKind {
    match p {
        ProgrammeId::TalentPurchase => BenefitKind::TalentPurchase,
        ProgrammeId::TalentRent => BenefitKind::TalentRent,
        ProgrammeId::ProvidentRent => BenefitKind::ProvidentRent,
    }
}

/// Whether `user` may submit a subsidy application.
pub fn may_submit(user: &CurrentUser) -> ApiResult<()> {
    if matches!(user.user.role, Role::Applicant | Role::TalentOffice) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有申请人或市委人才办可以提交补贴申请 (applicants or the talent office submit)",
        ))
    }
}

/// Submits (an applicant online, or the talent office at the counter).
pub async fn submit(
    st: &AppState,
    user: &CurrentUser,
    r: SubsidyApplicationRequest,
) -> ApiResult<String> {
    may_submit(user)?;
    let p = programme(&r.programme)?;
    let name = r.name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "姓名不能为空且不超过 40 字 (name: 1–40 characters)",
        )
        .field("name"));
    }
    let id = ResidentId::parse(r.resident_id.trim()).map_err(|e| {
        ApiError::bad_request("invalid_resident_id", format!("身份证号码：{e}"))
            .field("resident_id")
    })?;
    r.facts.household()?;
    let at = st.clock.now();
    let facts = serde_json::to_value(FactsJson::from(&r.facts))
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let rec = NewSubsidy {
        programme: p.as_str().into(),
        name: name.into(),
        resident_id: id.as_str().into(),
        facts,
        at: at.to_string(),
        actor: user.user.id.as_str().into(),
    };
    let a = audit(
        user,
        at,
        "subsidy.submit".into(),
        String::new(),
        json!({ "programme": p.as_str() }),
    );
    Ok(st.store.subsidies().sub_create(&rec, a).await?)
}

/// The facts as stored (the request's shape, so they can be read back).
#[derive(Serialize, Deserialize)]
struct FactsJson {
    degree: Option<String>,
    university: Option<String>,
    #[serde(default)]
    university_name: Option<String>,
    employed_in_city: bool,
    service_pledge_years: u32,
    homes_owned: u32,
    in_talent_apartment: bool,
    married: bool,
    provident_fund: bool,
    spouse_provident_fund: bool,
}

impl From<&SubsidyFacts> for FactsJson {
    fn from(f: &SubsidyFacts) -> Self {
        FactsJson {
            degree: f.degree.clone(),
            university: f.university.clone(),
            university_name: f.university_name.clone(),
            employed_in_city: f.employed_in_city,
            service_pledge_years: f.service_pledge_years,
            homes_owned: f.homes_owned,
            in_talent_apartment: f.in_talent_apartment,
            married: f.married,
            provident_fund: f.provident_fund,
            spouse_provident_fund: f.spouse_provident_fund,
        }
    }
}

fn facts_of(rec: &SubsidyRecord) -> ApiResult<SubsidyFacts> {
    let f: FactsJson =
        serde_json::from_value(rec.facts.clone()).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(SubsidyFacts {
        degree: f.degree,
        university: f.university,
        university_name: f.university_name,
        employed_in_city: f.employed_in_city,
        service_pledge_years: f.service_pledge_years,
        homes_owned: f.homes_owned,
        in_talent_apartment: f.in_talent_apartment,
        married: f.married,
        provident_fund: f.provident_fund,
        spouse_provident_fund: f.spouse_provident_fund,
    })
}

async fn load(st: &AppState, id: &str) -> ApiResult<SubsidyRecord> {
    st.store
        .subsidies()
        .sub_get(id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("补贴申请 {id}")))
}

fn case(rec: SubsidyRecord, inst: Vec<InstalmentRow>) -> SubsidyCase {
    SubsidyCase {
        masked_name: mask_name(&rec.name),
        masked_id: ResidentId::parse(&rec.resident_id)
            .map(|r| r.masked())
            .unwrap_or_default(),
        id: rec.id,
        programme: rec.programme,
        status: rec.status,
        facts: rec.facts,
        award: rec.award,
        events: rec
            .events
            .into_iter()
            .map(|e| CaseEvent {
                seq: e.seq,
                at: e.at,
                kind: e.kind,
                body: e.body,
            })
            .collect(),
        instalments: inst
            .into_iter()
            .map(|i| CaseInstalment {
                instalment: i.instalment,
                due: i.due,
                amount: i.amount_fen,
                state: i.state,
                on_day: i.on_day,
            })
            .collect(),
    }
}

/// Every application (masked).
pub async fn list(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<SubsidyCase>> {
    reader(user)?;
    Ok(st
        .store
        .subsidies()
        .sub_list()
        .await?
        .into_iter()
        .map(|r| case(r, vec![]))
        .collect())
}

/// One application with its steps and ledger. Names and IDs are masked;
/// no page or operation shows them in full, so there is no read to audit.
pub async fn detail(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<SubsidyCase> {
    reader(user)?;
    let rec = load(st, id).await?;
    let inst = st.store.subsidies().sub_instalments(id).await?;
    Ok(case(rec, inst))
}

pub(crate) fn grant_of(row: &GrantRow) -> Option<Grant> {
    Some(Grant {
        kind: BenefitKind::parse(&row.kind)?,
        from: row.from,
        until: row.until,
    })
}

fn step(
    id: &str,
    from: &'static [&'static str],
    to: &str,
    kind: &str,
    body: Value,
    user: &CurrentUser,
    at: &str,
) -> SubsidyStep {
    SubsidyStep {
        id: id.into(),
        from_status: from,
        to_status: to.into(),
        kind: kind.into(),
        body,
        at: at.into(),
        actor: user.user.id.as_str().into(),
    }
}

/// A `top` university claim checked against the dated lists and the
/// talent office's additions (阳政办发〔2022〕39号 二（三）): what the
/// verification records and the addition relied on; `None` when nothing is
/// claimed as top. A university on no list is refused (see
/// [`universities::lookup`]).
async fn university_listed(
    st: &AppState,
    f: &SubsidyFacts,
    today: NaiveDate,
) -> ApiResult<Option<(Value, Option<String>)>> {
    if f.university.as_deref() != Some("top") {
        return Ok(None);
    }
    let name = f.university_name.as_deref().unwrap_or("");
    Ok(Some(universities::lookup(st, name, today).await?))
}

/// One step on an application; returns the application after it.
pub async fn act(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    action: SubsidyAction,
) -> ApiResult<SubsidyCase> {
    staff(user)?;
    let rec = load(st, id).await?;
    let now = st.clock.now();
    let at = now.to_string();
    let today = st.clock.today();
    let store = st.store.subsidies();
    let subject = format!("subsidy:{id}");
    match action {
        SubsidyAction::RequestPropertyRecords => {
            property_records::may_ask(&rec)?;
            let s = step(
                id,
                &["submitted"],
                property_records::ASKED,
                property_records::REQUEST,
                property_records::request_body(),
                user,
                &at,
            );
            store
                .sub_step(
                    &s,
                    audit(
                        user,
                        now,
                        "subsidy.property_request".into(),
                        subject,
                        json!({}),
                    ),
                )
                .await?;
        }
        SubsidyAction::Verify { passed, note } => {
            let to = if passed { "verified" } else { "rejected" };
            let mut body = json!({ "passed": passed, "note": note });
            let mut relied = None;
            let purchase = rec.programme == "talent_purchase";
            let from: &'static [&'static str] = match (purchase, passed) {
                (false, _) => &["submitted"],
                (true, true) => &[property_records::BACK],
                (true, false) => &["submitted", property_records::ASKED, property_records::BACK],
            };
            if passed {
                if let Some((listed, entry)) =
                    university_listed(st, &facts_of(&rec)?, today).await?
                {
                    body["university"] = listed;
                    relied = entry;
                }
                if purchase {
                    body["property_records"] =
                        property_records::answer_of(&rec).ok_or_else(|| {
                            ApiError::conflict(format!(
                                "首套房须经自然资源部门不动产登记核查，请先发起核查并待其答复（{}）(the first-home check goes through the property records: ask the natural-resources department and wait for its answer)",
                                property_records::ARTICLE
                            ))
                        })?;
                }
            }
            let s = step(id, from, to, "verify", body, user, &at);
            let a = audit(
                user,
                now,
                "subsidy.verify".into(),
                subject,
                json!({ "passed": passed, "university_entry": relied }),
            );
            match &relied {
                Some(entry) => store.sub_step_relying(&s, entry, a).await?,
                None => store.sub_step(&s, a).await?,
            }
        }
        SubsidyAction::Decide { start } => {
            let p = programme(&rec.programme)?;
            let mut facts = facts_of(&rec)?;
            let held: Vec<GrantRow> = store.sub_grants(&rec.resident_id).await?;
            let grants: Vec<Grant> = held.iter().filter_map(grant_of).collect();
            // The register or the declaration: talent apartments may be
            // let outside anju, so a declared one still counts.
            facts.in_talent_apartment |= grants
                .iter()
                .any(|g| g.kind == BenefitKind::TalentApartment && g.active_on(today));
            // The first home as the property records show it, not as
            // declared (二（三）; the programme file's `first_home` rule).
            let records = match p {
                ProgrammeId::TalentPurchase => {
                    let a = property_records::answer_of(&rec).ok_or_else(|| {
                        ApiError::conflict(
                            "首套房未经自然资源部门不动产登记核查，不能决定 (no property-records answer: cannot decide)",
                        )
                    })?;
                    facts.homes_owned = a["homes_owned"]
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(facts.homes_owned);
                    Some(a)
                }
                _ => None,
            };
            let result = service::check(p, &facts, today)?;
            let Some(award) = result.award else {
                let s = step(
                    id,
                    &["verified"],
                    "refused",
                    "decide",
                    json!({ "decision": result.decision, "property_records": records }),
                    user,
                    &at,
                );
                store
                    .sub_step(
                        &s,
                        audit(user, now, "subsidy.refuse".into(), subject, json!({})),
                    )
                    .await?;
                return detail(st, user, id).await;
            };
            let start = start.unwrap_or(today);
            let schedule = ledger::schedule(&award, start);
            let grant = Grant {
                kind: kind_of(p),
                from: start,
                until: grant_until(&award, start, &schedule),
            };
            let row = GrantRow {
                kind: grant.kind.as_str().into(),
                from: grant.from,
                until: grant.until,
                source: id.into(),
            };
            let inst: Vec<(i64, NaiveDate, i64)> = schedule
                .iter()
                .map(|i| {
                    (
                        i64::from(i.seq),
                        i.due,
                        i64::try_from(i.amount.fen()).unwrap_or(i64::MAX),
                    )
                })
                .collect();
            let award_json =
                serde_json::to_value(&award).map_err(|e| ApiError::internal(e.to_string()))?;
            let s = step(
                id,
                &["verified"],
                "approved",
                "decide",
                json!({ "award": award_json, "decision": result.decision, "property_records": records }),
                user,
                &at,
            );
            let check = move |rows: &[GrantRow]| -> Result<(), String> {
                let held: Vec<Grant> = rows.iter().filter_map(grant_of).collect();
                register::check(&held, &grant).map_err(|e| e.to_string())
            };
            store
                .sub_approve(
                    &SubsidyApproval {
                        step: &s,
                        resident_id: &rec.resident_id,
                        award: &award_json,
                        grant: &row,
                        instalments: &inst,
                    },
                    &check,
                    audit(
                        user,
                        now,
                        "subsidy.approve".into(),
                        subject,
                        json!({ "total_fen": award.total.fen() }),
                    ),
                )
                .await?;
        }
        SubsidyAction::Pay { instalment } => {
            let inst = store.sub_instalments(id).await?;
            let due = inst
                .iter()
                .find(|i| i.instalment == i64::from(instalment))
                .map(|i| i.due);
            if due.is_some_and(|d| d > today) {
                return Err(ApiError::bad_request(
                    "not_due",
                    format!(
                        "第 {instalment} 期 {} 才到期，不能提前发放 (not due yet)",
                        due.map(|d| d.to_string()).unwrap_or_default()
                    ),
                )
                .field("instalment"));
            }
            store
                .sub_pay(
                    id,
                    i64::from(instalment),
                    today,
                    &at,
                    user.user.id.as_str(),
                    audit(
                        user,
                        now,
                        "subsidy.pay".into(),
                        subject,
                        json!({ "instalment": instalment }),
                    ),
                )
                .await?;
        }
        SubsidyAction::Stop { reason, on } => {
            let p = programme(&rec.programme)?;
            let stop = ledger::stop(reason, on);
            let body = json!({ "reason": reason.as_str(), "on": on, "last_payable": stop.last_payable,
                "article": stop.step.citation.short(), "explanation": stop.step.zh });
            let s = step(id, &["approved"], "stopped", "stop", body, user, &at);
            store
                .sub_stop(
                    &s,
                    &rec.resident_id,
                    kind_of(p).as_str(),
                    stop.last_payable,
                    audit(
                        user,
                        now,
                        "subsidy.stop".into(),
                        subject,
                        json!({ "reason": reason.as_str() }),
                    ),
                )
                .await?;
        }
    }
    detail(st, user, id).await
}

/// Until when the register holds the benefit: a one-off or yearly award
/// on its day; a monthly one through the month before the last instalment's
/// next (the last instalment pays its month).
fn grant_until(
    award: &Award,
    start: NaiveDate,
    schedule: &[ledger::Instalment],
) -> Option<NaiveDate> {
    match award.payment {
        Payment::OneOff | Payment::Yearly { .. } => Some(start),
        Payment::Monthly { .. } => schedule
            .last()
            .and_then(|i| i.due.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt()),
    }
}
