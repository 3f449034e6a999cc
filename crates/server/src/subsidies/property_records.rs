//! The talent purchase subsidy's first-home check through the property
//! records (阳政办发〔2022〕39号 二（三）"在我市购买首套商品住房"; the
//! programme file's `first_home` rule): the talent office asks the
//! natural-resources department, whose verifier answers on screen (or over
//! the API) with the homes its property register records for the applicant
//! in the city and the query's reference. The verification cannot pass
//! without the answer, and the decision decides on the department's count,
//! not the declaration, and records the answer it used.
//!
//! Housing applications' department verification is a step of the
//! application lifecycle (`anju_domain`'s state machine, one family's
//! household facts); a subsidy case is not an application, so this is the
//! small request/answer pair the subsidies room keeps as two steps of the
//! case's own append-only events.

use anju_domain::{Department, Role};
use anju_store::SubsidyRecord;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Status: asked of the natural-resources department.
pub const ASKED: &str = "records_asked";
/// Status: the department answered; the office verifies next.
pub const BACK: &str = "records_back";
/// The event kinds.
pub const REQUEST: &str = "property_request";
pub const ANSWER: &str = "property_answer";
/// What the check applies (the programme file's `first_home` rule).
pub const ARTICLE: &str = "阳政办发〔2022〕39号 二（三）";
/// Longest reference of a records query.
const REFERENCE_MAX: usize = 60;
const NOTE_MAX: usize = 200;

/// The department's answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyAnswer {
    /// Homes the property register records for the applicant in the city
    /// before the purchase (0: the purchase is a first home).
    pub homes_owned: u32,
    /// The register query's reference (查询编号).
    #[schema(example = "阳不动产查〔2026〕0312号")]
    pub reference: String,
    #[serde(default)]
    pub note: String,
}

/// A request awaiting the department, with the identity it needs to search
/// its register (the read is audited).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PropertyRequest {
    pub id: String,
    pub programme: String,
    pub name: String,
    pub resident_id: String,
    pub asked_at: String,
}

pub fn verifier(user: &CurrentUser) -> ApiResult<()> {
    if user.user.role == Role::Verifier(Department::NaturalResources) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有自然资源部门（不动产登记）核验人员可以答复 (only natural-resources verifiers answer)",
        ))
    }
}

/// The talent office asks the department (talent purchase only: the only
/// programme with a first-home condition).
pub fn may_ask(rec: &SubsidyRecord) -> ApiResult<()> {
    if rec.programme == "talent_purchase" {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "no_first_home_check",
            "只有人才购房补贴需核查首套房 (only the talent purchase subsidy has a first-home check)",
        )
        .field("type"))
    }
}

/// The event body of the request.
pub fn request_body() -> Value {
    json!({ "department": Department::NaturalResources.code(), "article": ARTICLE,
            "explanation": "已请自然资源部门核查不动产登记（首套房）" })
}

/// The last answer on the case, if any.
pub fn answer_of(rec: &SubsidyRecord) -> Option<Value> {
    rec.events
        .iter()
        .rev()
        .find(|e| e.kind == ANSWER)
        .map(|e| e.body.clone())
}

/// The requests awaiting the department (full name and ID: audited).
pub async fn pending(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<PropertyRequest>> {
    verifier(user)?;
    let out: Vec<PropertyRequest> = st
        .store
        .subsidies()
        .sub_list()
        .await?
        .into_iter()
        .filter(|r| r.status == ASKED)
        .map(|r| PropertyRequest {
            asked_at: r.updated_at.chars().take(16).collect(),
            id: r.id,
            programme: r.programme,
            name: r.name,
            resident_id: r.resident_id,
        })
        .collect();
    if !out.is_empty() {
        st.store
            .audit()
            .append_audit(audit(
                user,
                st.clock.now(),
                "personal_data.read".into(),
                "subsidy:property_requests".into(),
                json!({ "cases": out.iter().map(|r| r.id.as_str()).collect::<Vec<_>>() }),
            ))
            .await?;
    }
    Ok(out)
}

/// Checks an answer's fields: every problem, each naming its field.
pub fn check(a: &PropertyAnswer) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let r = a.reference.trim();
    if r.is_empty() {
        out.push((
            "reference",
            "请填写不动产登记查询编号 (the register query's reference is required)".to_owned(),
        ));
    } else if r.chars().count() > REFERENCE_MAX {
        out.push((
            "reference",
            format!("查询编号不能超过 {REFERENCE_MAX} 个字 (at most {REFERENCE_MAX} characters)"),
        ));
    }
    if a.note.trim().chars().count() > NOTE_MAX {
        out.push((
            "note",
            format!("说明不能超过 {NOTE_MAX} 个字 (at most {NOTE_MAX} characters)"),
        ));
    }
    if a.homes_owned > 99 {
        out.push((
            "homes_owned",
            "住房套数应为 0 至 99 (homes: 0 to 99)".to_owned(),
        ));
    }
    out
}

/// The department answers a request; the case moves to `records_back`.
pub async fn answer(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    a: &PropertyAnswer,
) -> ApiResult<()> {
    verifier(user)?;
    if let Some((field, message)) = check(a).into_iter().next() {
        return Err(ApiError::unprocessable("invalid_answer", message).field(field));
    }
    let rec = st
        .store
        .subsidies()
        .sub_get(id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("补贴申请 {id}")))?;
    let now = st.clock.now();
    let first = a.homes_owned == 0;
    let explanation = format!(
        "自然资源部门答复：本市不动产登记住房 {} 套（查询编号 {}）{}",
        a.homes_owned,
        a.reference.trim(),
        if first {
            "，所购为首套"
        } else {
            "，所购不是首套"
        }
    );
    let body = json!({
        "department": Department::NaturalResources.code(),
        "homes_owned": a.homes_owned,
        "reference": a.reference.trim(),
        "note": a.note.trim(),
        "answered_on": st.clock.today(),
        "article": ARTICLE,
        "explanation": explanation,
    });
    let step = anju_store::SubsidyStep {
        id: rec.id.clone(),
        from_status: &[ASKED],
        to_status: BACK.into(),
        kind: ANSWER.into(),
        body,
        at: now.to_string(),
        actor: user.user.id.as_str().into(),
    };
    st.store
        .subsidies()
        .sub_step(
            &step,
            audit(
                user,
                now,
                "subsidy.property_answer".into(),
                format!("subsidy:{id}"),
                json!({ "homes_owned": a.homes_owned }),
            ),
        )
        .await?;
    Ok(())
}
