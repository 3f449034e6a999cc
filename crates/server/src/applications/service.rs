//! The operations behind both the JSON API and the web pages: self-check,
//! submission (with duplicate and ban screening), lifecycle actions,
//! scoped reads (audited), public notices. Handlers only translate HTTP.

use anju_domain::{
    apply, can_read, screen_submission, submit, Action, Application, ApplicationId, Citation,
    DecisionParts, DecisionRecord, Department, DistrictCode, DuplicateCheck, FactCorrection,
    FactCorrectionParts, HouseholdId, MaterialsChecklist, ObjectionId, Role, StatusKind,
    Submission,
};
use anju_store::{ApplicationSummary, ListCursor, ListFilter, StoredApplication};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::applications::listing::ListRequest;
use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// 第十四条: "公示期不少于5个工作日".
pub const NOTICE_WORKDAYS: u32 = 5;

use super::evaluation::{cited, screen, text};
pub use super::evaluation::{evaluate, Evaluated};

/// The engine's decision JSON as the domain's record.
pub fn decision_record(json: &Value) -> ApiResult<DecisionRecord> {
    let mut v = json.clone();
    if let Some(obj) = v.as_object_mut() {
        if let Some(p) = obj.remove("policy") {
            obj.insert("policy_id".into(), p);
        }
    }
    let parts: DecisionParts = serde_json::from_value(v).map_err(|e| {
        ApiError::internal(format!("判定结果无法记录 (decision not recordable: {e})"))
    })?;
    DecisionRecord::new(parts)
        .map_err(|e| ApiError::internal(format!("判定结果无法记录 (decision not recordable: {e})")))
}

/// Public self-check: the decision on facts anyone enters, before applying.
/// The request body is the household itself, so a field at fault is named
/// from there (`members[0].id_number`, not `household.members[0].id_number`).
pub fn self_check(st: &AppState, household: &Value) -> ApiResult<Value> {
    match evaluate(st, household, st.clock.today()) {
        Ok(evaluated) => Ok(evaluated.json),
        Err(mut e) => {
            if let Some(f) = e
                .field
                .as_deref()
                .and_then(|f| f.strip_prefix("household."))
            {
                e.field = Some(f.to_owned());
            }
            Err(e)
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SubmitRequest {
    /// Household facts (contracts/household.schema.json). Every member needs an `id_number`.
    #[schema(value_type = crate::web::apidoc::HouseholdSchema)]
    pub household: Value,
    pub materials: MaterialsChecklist,
    pub signed_commitment: bool,
    pub consent_to_verification: bool,
    /// The caller's draft this submission comes from: deleted in the same
    /// transaction as the application is created.
    #[serde(default)]
    pub draft: Option<String>,
    /// The housing preference the family states (optional; issue 15):
    /// counted by the acquisition company's next demand survey.
    #[serde(default)]
    pub preference: Option<super::preference::PreferenceJson>,
}

fn new_application_id(district: &DistrictCode, today: NaiveDate) -> ApiResult<ApplicationId> {
    let suffix = &crate::web::auth::random_token()[..8];
    ApplicationId::new(format!(
        "{}-{}-{}",
        district.as_str(),
        today.format("%Y%m%d"),
        suffix
    ))
    .map_err(|e| ApiError::internal(e.to_string()))
}

/// Adds recorded abandonment dates missing from `household.history.abandonments`;
/// true when something was added.
fn merge_abandonments(household: &mut Value, recorded: &[NaiveDate]) -> bool {
    if recorded.is_empty() {
        return false;
    }
    let Some(obj) = household.as_object_mut() else {
        return false;
    };
    let history = obj.entry("history").or_insert_with(|| json!({}));
    let Some(history) = history.as_object_mut() else {
        return false;
    };
    let list = history.entry("abandonments").or_insert_with(|| json!([]));
    let Some(list) = list.as_array_mut() else {
        return false;
    };
    let mut added = false;
    for d in recorded {
        let text = d.format("%Y-%m-%d").to_string();
        if !list.iter().any(|v| v.as_str() == Some(text.as_str())) {
            list.push(Value::String(text));
            added = true;
        }
    }
    added
}

/// Adds recorded dates to `household.history.<key>` (e.g. the dishonesty
/// list's `blacklisted_on`); true when something was added.
pub(crate) fn merge_history_dates(
    household: &mut Value,
    key: &str,
    recorded: &[NaiveDate],
) -> bool {
    if recorded.is_empty() {
        return false;
    }
    let Some(obj) = household.as_object_mut() else {
        return false;
    };
    let history = obj.entry("history").or_insert_with(|| json!({}));
    let Some(history) = history.as_object_mut() else {
        return false;
    };
    let list = history.entry(key).or_insert_with(|| json!([]));
    let Some(list) = list.as_array_mut() else {
        return false;
    };
    let mut added = false;
    for d in recorded {
        let text = d.format("%Y-%m-%d").to_string();
        if !list.iter().any(|v| v.as_str() == Some(text.as_str())) {
            list.push(Value::String(text));
            added = true;
        }
    }
    added
}

/// Adds the register's benefits to `current_benefits`; true when any was
/// missing from the declaration.
fn merge_benefits(household: &mut Value, held: &[String]) -> bool {
    if held.is_empty() {
        return false;
    }
    let Some(obj) = household.as_object_mut() else {
        return false;
    };
    let list = obj.entry("current_benefits").or_insert_with(|| json!([]));
    let Some(list) = list.as_array_mut() else {
        return false;
    };
    let mut added = false;
    for b in held {
        if !list.iter().any(|v| v.as_str() == Some(b.as_str())) {
            list.push(Value::String(b.clone()));
            added = true;
        }
    }
    added
}

/// Online submission by the family, or at the counter by community staff.
/// The longest member name an application accepts.
pub const MEMBER_NAME_MAX_CHARS: usize = 40;

/// A submission as stored, with its stated preference as the API shows it
/// (the answer is built from what was written, not read back).
pub struct Submitted {
    pub stored: StoredApplication,
    pub preference: Option<super::preference::PreferenceJson>,
}

pub async fn submit_application(
    st: &AppState,
    user: &CurrentUser,
    req: SubmitRequest,
) -> ApiResult<Submitted> {
    if !matches!(user.user.role, Role::Applicant | Role::Community) {
        return Err(ApiError::forbidden("只有申请家庭或社区（村）受理人员可以提交申请 (only the family or community staff may submit)"));
    }
    let now = st.clock.now();
    let today = st.clock.today();
    let mut req = req;
    let preference = super::preference::parse(req.preference.as_ref())?;
    let mut evaluated = screen(st, &req.household, today)?;
    // Abandonments on record for any member (001 art. 14) join the
    // household's own history, so the engine's ban rule decides with them.
    let ids: Vec<String> = evaluated
        .household
        .members
        .iter()
        .filter_map(|m| m.id_number.as_ref().map(|i| i.as_str().to_string()))
        .collect();
    // Dishonesty-list entries on record (Loudi 8.2.3) and benefits the
    // register records join the history too. The three lookups are
    // independent reads on their own connections: asked at once, the
    // submission waits for one round trip instead of three.
    let (recorded, held, listed) = tokio::join!(
        (st.links.recorded_abandonments)(st, &ids),
        (st.links.held_benefits)(st, &ids, today),
        (st.links.recorded_blacklistings)(st, &ids),
    );
    let (recorded, held, listed) = (recorded?, held?, listed?);
    let listed = merge_history_dates(&mut req.household, "blacklisted_on", &listed);
    let merged = merge_abandonments(&mut req.household, &recorded) || listed;
    // Benefits the register records join those declared (a family cannot
    // leave out a talent rent subsidy it receives; article 10's 90 days
    // then apply).
    if merge_benefits(&mut req.household, &held) || merged {
        evaluated = screen(st, &req.household, today)?;
    }
    let h = &evaluated.household;
    let district = DistrictCode::parse(&h.region).map_err(|e| {
        ApiError::bad_request("invalid_region", e.to_string()).field("household.region")
    })?;
    let mut member_ids = Vec::new();
    for (i, m) in h.members.iter().enumerate() {
        // The engine's contract leaves names free; an application's names
        // are printed on notices and pages, so they are held to what a
        // person's name can be (the longest Chinese names, with a 间隔号,
        // run to about 20 characters).
        if let Some(name) = &m.name {
            let n = name.trim().chars().count();
            if n == 0 || n > MEMBER_NAME_MAX_CHARS || name.chars().any(char::is_control) {
                return Err(ApiError::bad_request(
                    "invalid_name",
                    format!("姓名应为1至{MEMBER_NAME_MAX_CHARS}个字符，不含控制字符 (a name has 1 to {MEMBER_NAME_MAX_CHARS} characters and no control characters)"),
                )
                .field(format!("household.members[{i}].name")));
            }
        }
        match &m.id_number {
            Some(id) => member_ids.push(id.as_str().to_string()),
            None => {
                return Err(ApiError::bad_request(
                    "id_number_required",
                    "申请须填写每位家庭成员的身份证号码 (every member's resident ID is required to apply)",
                )
                .field(format!("household.members[{i}].id_number")))
            }
        }
    }
    // The account's own limits come before anything about other people is
    // looked up (input errors above reveal nothing about them).
    super::limits::may_submit_online(st, user).await?;
    // Duplicates: a resident ID in another active application (any member).
    let hits = st
        .store
        .applications()
        .members_in_active_applications(&member_ids)
        .await?;
    let duplicates = DuplicateCheck::from_member_hits(hits);
    if duplicates != DuplicateCheck::Clear {
        super::limits::record_duplicate_refusal(st, user, member_ids.len()).await?;
    }
    let ban = evaluated.bans.iter().max_by_key(|b| b.until);
    let cleared = screen_submission(&duplicates, ban, today).map_err(|e| {
        // A family online learns only that some member is taken, not which
        // (see `limits`); counter staff, who hold the originals, are told
        // which member to check.
        let message = match (&e, user.user.role) {
            (anju_domain::SubmissionRefused::DuplicateId { .. }, Role::Applicant) => {
                super::limits::DUPLICATE_FOR_FAMILY.to_owned()
            }
            _ => e.to_string(),
        };
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "submission_refused",
            message,
        )
        .field("household")
    })?;
    let submission = Submission {
        household_id: HouseholdId::new(h.id.clone()).map_err(|e| {
            ApiError::bad_request("invalid_id", e.to_string()).field("household.id")
        })?,
        district,
        applicant_account: None,
        materials: req.materials,
        signed_commitment: req.signed_commitment,
        consent_to_verification: req.consent_to_verification,
    };
    let id = new_application_id(&district, today)?;
    let first =
        submit(id.clone(), submission, cleared, &user.actor, now).map_err(transition_error)?;
    let app = Application::open(&first).map_err(|e| ApiError::internal(e.to_string()))?;
    let applicant = h.applicant();
    let masked_name = applicant
        .name
        .as_deref()
        .map(anju_domain::mask_name)
        .unwrap_or_else(|| "—".into());
    let masked_id = applicant.id_number.map(|i| i.masked()).unwrap_or_default();
    // The account joins the active-member index as if it were a member: two
    // submissions racing from one account cannot both become active (the
    // check in `limits` gives the readable refusal; this is the
    // database's last word).
    let mut indexed = member_ids.clone();
    indexed.extend(super::limits::account_index_key(st, user));
    st.store
        .applications()
        .create_application_replacing_draft(
            &app,
            &first,
            &req.household,
            &indexed,
            &masked_name,
            &masked_id,
            audit(
                user,
                now,
                first.audit_action(),
                first.audit_subject(),
                json!({"status_after": first.status_after, "channel": app.channel()}),
            ),
            req.draft
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| (&user.user.id, d)),
            preference.as_ref().map(|p| (p, today)),
        )
        .await?;
    // What was just stored, without reading it back.
    Ok(Submitted {
        stored: StoredApplication {
            app,
            household: req.household,
            masked_name,
            masked_id,
            waitlist_place: None,
        },
        preference: preference
            .as_ref()
            .map(|p| super::preference::PreferenceJson::of(p, today)),
    })
}

pub fn transition_error(e: anju_domain::TransitionError) -> ApiError {
    use anju_domain::TransitionError as T;
    match &e {
        T::Forbidden(_) => ApiError::forbidden(e.to_string()),
        T::IllegalTransition { .. } => ApiError::conflict(e.to_string()),
        // Names the field at fault, like every other refusal of a request.
        T::IncompleteMaterials { .. } => ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete_materials",
            e.to_string(),
        )
        .field("materials"),
        _ => ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "action_refused",
            e.to_string(),
        ),
    }
}

/// Refuses an action request whose kind the user's role may never take,
/// before the request's other fields are read. A body without a readable
/// `type` passes here and is refused by the full parse.
pub fn role_may_act(user: &CurrentUser, body: &[u8]) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type")]
        kind: anju_domain::ActionKind,
    }
    match serde_json::from_slice::<Kind>(body) {
        Ok(k) => role_may_take(user, k.kind),
        Err(_) => Ok(()),
    }
}

/// Refuses an action kind the user's role may never take (the page form
/// knows the kind from its `type` field).
pub fn role_may_take(user: &CurrentUser, kind: anju_domain::ActionKind) -> ApiResult<()> {
    anju_domain::role_may(&user.actor, kind).map_err(|e| ApiError::forbidden(e.to_string()))
}

/// An action as the API accepts it. `record_decision` carries nothing: the
/// server runs the policy engine itself, so nobody can record a decision
/// the rules did not take. `start_notice` gives the first day; the last is
/// computed from the working-day calendar.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionRequest {
    StreetPass,
    StreetReturn {
        reason: String,
    },
    StreetReject {
        message: String,
        article: String,
        #[serde(rename = "ref")]
        ref_: String,
    },
    Resubmit,
    DepartmentConfirm {
        department: Department,
        #[serde(default)]
        corrections: Vec<FactCorrectionParts>,
    },
    RecordDecision,
    StartNotice {
        #[serde(default)]
        start: Option<NaiveDate>,
    },
    RecordObjection {
        text: String,
    },
    ResolveObjection {
        id: u32,
        upheld: bool,
        note: String,
        #[serde(default)]
        article: Option<String>,
        #[serde(default, rename = "ref")]
        ref_: Option<String>,
    },
    Qualify,
    RequestReview {
        reasons: String,
    },
    DecideReview {
        reverse: bool,
        note: String,
    },
    /// Why the family withdraws (required; recorded in the history).
    Withdraw {
        #[serde(default)]
        reason: String,
    },
}

/// Loads an application the user may read, or 404 (also for one the user
/// may not see: whether it exists is not disclosed).
pub async fn load_visible(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
) -> ApiResult<StoredApplication> {
    let id = ApplicationId::new(id).map_err(|_| ApiError::not_found("申请 (application)"))?;
    let mut stored = st
        .store
        .applications()
        .load_application(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("申请 (application)"))?;
    if !can_read(&user.actor, &stored.app) {
        return Err(ApiError::not_found("申请 (application)"));
    }
    // Qualifying takes the waitlist place in the same transaction; a
    // database written by an earlier anju (which stored them in two steps)
    // may hold a qualified application without one: it gets its place the
    // next time it is read (assigning is idempotent).
    if stored.app.status().kind() == StatusKind::Qualified && stored.waitlist_place.is_none() {
        stored.waitlist_place = Some(st.store.applications().assign_waitlist_place(&id).await?);
    }
    Ok(stored)
}

/// Detail read: staff reads of personal data go into the audit log.
pub async fn read_application(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
) -> ApiResult<StoredApplication> {
    let stored = load_visible(st, user, id).await?;
    if user.user.role != Role::Applicant {
        st.store
            .audit()
            .append_audit(audit(
                user,
                st.clock.now(),
                "personal_data.read".into(),
                format!("application:{}", stored.app.id()),
                json!({"district": stored.app.district().as_str()}),
            ))
            .await?;
    }
    Ok(stored)
}

pub async fn act(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: ActionRequest,
) -> ApiResult<StoredApplication> {
    let stored = load_visible(st, user, id).await?;
    let now = st.clock.now();
    let today = st.clock.today();
    let doc = st.policy.document.clone();
    let mut new_household: Option<Value> = None;
    let action = match req {
        ActionRequest::StreetPass => Action::StreetPass,
        ActionRequest::StreetReturn { reason } => Action::StreetReturn {
            reason: text(&reason, "reason")?,
        },
        ActionRequest::StreetReject {
            message,
            article,
            ref_,
        } => Action::StreetReject {
            reasons: anju_domain::Reasons::one(cited(None, &message, &doc, &article, &ref_)?),
        },
        ActionRequest::Resubmit => Action::Resubmit,
        ActionRequest::DepartmentConfirm {
            department,
            corrections,
        } => {
            let corrections = corrections
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    FactCorrection::try_from(c).map_err(|e| {
                        ApiError::bad_request("invalid_correction", e.to_string())
                            .field(format!("corrections[{i}]"))
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Action::DepartmentConfirm {
                department,
                corrections,
            }
        }
        ActionRequest::RecordDecision => {
            let evaluated = evaluate(st, &stored.household, today)?;
            Action::RecordDecision(decision_record(&evaluated.json)?)
        }
        ActionRequest::StartNotice { start } => {
            let start = start.unwrap_or(today);
            let end = anju_calendar::Calendar::try_builtin()
                .and_then(|c| c.notice_end(start, NOTICE_WORKDAYS))
                .map_err(|e| ApiError::bad_request("calendar", e.to_string()).field("start"))?;
            Action::StartNotice { start, end }
        }
        ActionRequest::RecordObjection { text: t } => Action::RecordObjection {
            text: text(&t, "text")?,
        },
        ActionRequest::ResolveObjection {
            id,
            upheld,
            note,
            article,
            ref_,
        } => {
            let citation = match (article, ref_) {
                (Some(a), Some(r)) => Some(Citation::new(&doc, &a, &r).map_err(|e| {
                    ApiError::bad_request("invalid_citation", e.to_string()).field("ref")
                })?),
                _ => None,
            };
            Action::ResolveObjection {
                id: ObjectionId::new(id),
                upheld,
                note: text(&note, "note")?,
                citation,
            }
        }
        ActionRequest::Qualify => Action::Qualify,
        ActionRequest::RequestReview { reasons } => Action::RequestReview {
            reasons: text(&reasons, "reasons")?,
        },
        ActionRequest::DecideReview { reverse, note } => Action::DecideReview {
            reverse,
            note: text(&note, "note")?,
        },
        ActionRequest::Withdraw { reason } => {
            if reason.trim().is_empty() {
                return Err(ApiError::bad_request(
                    "reason_required",
                    "请填写撤回原因：撤回后本申请终止，不能恢复 (say why the application is withdrawn: a withdrawal cannot be undone)",
                )
                .field("reason"));
            }
            Action::Withdraw {
                reason: Some(text(&reason, "reason")?),
            }
        }
    };
    let event = apply(&stored.app, &action, &user.actor, now).map_err(transition_error)?;
    let new_state = stored
        .app
        .with(&event)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    if let Action::DepartmentConfirm { corrections, .. } = &action {
        if !corrections.is_empty() {
            new_household = Some(new_state.corrected_household(&stored.household).map_err(
                |e| ApiError::bad_request("invalid_correction", e.to_string()).field("corrections"),
            )?);
        }
    }
    // The family hears of what changes what it may or must do, and an office
    // of a file that comes back or is contested, in the same transaction as
    // the step (anju_domain::timeline::news_for_family, news_for_office).
    let messages: Vec<_> = super::messages::message_for(&event, &new_state, now)
        .into_iter()
        .chain(super::messages::office_message_for(&event, &new_state, now))
        .collect();
    st.store
        .applications()
        .append_event_telling(
            &event,
            &new_state,
            new_household.as_ref(),
            audit(
                user,
                now,
                event.audit_action(),
                event.audit_subject(),
                json!({"status_after": event.status_after}),
            ),
            &messages,
        )
        .await?;
    // A qualifying event took its waitlist place in the same transaction.
    load_visible(st, user, id).await
}

/// The applications a user may list: a family its own, district staff their
/// district, city-level roles everything.
pub async fn list(
    st: &AppState,
    user: &CurrentUser,
    req: &ListRequest,
    limit: u32,
    after: Option<&ApplicationId>,
) -> ApiResult<Vec<ApplicationSummary>> {
    // Market regulators work on the market and see no family's file.
    let Some(filter) = list_scope(user, req) else {
        return Ok(Vec::new());
    };
    // Keyset paging (issue 11 item 4): after the line with this number, in
    // the list's order, at any depth for the cost of the first page. (For
    // "recently updated" the line's change time is read now: a line changed
    // since the previous page moved to the top, and the next page follows
    // its new place.)
    let after = match after {
        Some(id) => Some(
            st.store
                .applications()
                .application_summary(id)
                .await?
                .map(|s| anju_store::ListCursor::in_order(&s, req.order))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_cursor",
                        "没有这个申请编号 (no such application)",
                    )
                    .field("after")
                })?,
        ),
        None => None,
    };
    let filter = ListFilter {
        limit: limit.clamp(1, 500),
        after,
        ..filter
    };
    Ok(st.store.applications().list_applications(&filter).await?)
}

/// One page of what a user may list (`list_scope`), by keyset in the
/// request's order: the first page, the `limit` lines after or before a
/// cursor, or the last `limit` lines. In the list's order, whichever way
/// it was read.
pub async fn list_at(
    st: &AppState,
    user: &CurrentUser,
    req: &ListRequest,
    limit: u32,
    at: &crate::web::paging::PageAt<ListCursor>,
) -> ApiResult<Vec<ApplicationSummary>> {
    let Some(filter) = list_scope(user, req) else {
        return Ok(Vec::new());
    };
    Ok(st
        .store
        .applications()
        .list_applications(&keyset(filter, limit, at))
        .await?)
}

/// `filter` reading one keyset page at `at`.
fn keyset(
    filter: ListFilter,
    limit: u32,
    at: &crate::web::paging::PageAt<ListCursor>,
) -> ListFilter {
    use crate::web::paging::PageAt;
    let (after, before, from_end) = match at {
        PageAt::First => (None, None, false),
        PageAt::After(c) => (Some(c.clone()), None, false),
        PageAt::Before(c) => (None, Some(c.clone()), false),
        PageAt::Last => (None, None, true),
    };
    ListFilter {
        limit: limit.clamp(1, 501),
        after,
        before,
        from_end,
        ..filter
    }
}

/// How far a list's total is counted line by line where the counts read
/// model cannot answer (a search, a category, dates): past it the list says
/// "more than 2,000". 40 pages of 50 is more than anyone reads; counting a
/// search that matches a third of a province cost 150 ms a page, the page
/// itself 0.3 ms. The export (`applications.csv`) has every line.
pub const COUNT_CAP: u64 = 2_000;

/// How many applications `list` would page through in all (exact, or more
/// than [`COUNT_CAP`]).
pub async fn count(
    st: &AppState,
    user: &CurrentUser,
    req: &ListRequest,
) -> ApiResult<anju_store::ListTotal> {
    let Some(filter) = list_scope(user, req) else {
        return Ok(anju_store::ListTotal::Exact(0));
    };
    Ok(st
        .store
        .applications()
        .count_listed_upto(&filter, COUNT_CAP)
        .await?)
}

/// How many applications stand in each state, per district the reader
/// sees (the work list's counts).
pub async fn status_counts(
    st: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<(anju_domain::DistrictCode, StatusKind, u64)>> {
    Ok(st
        .store
        .applications()
        .status_counts(user.user.district.as_ref())
        .await?)
}

/// What a user may list, narrowed by what they asked for: a family its own,
/// district staff their district (asking for another district finds
/// nothing), city-wide staff any district. `None`: nothing at all.
/// The list filter `req` becomes for this caller: scoped to its district
/// or its own applications; `None` when the role lists nothing.
pub fn list_scope(user: &CurrentUser, req: &ListRequest) -> Option<ListFilter> {
    if user.user.role == Role::MarketRegulator {
        return None;
    }
    let asked = ListFilter {
        status: req.status,
        search: req.search.clone(),
        category: req.category.clone(),
        submitted_from: req.from,
        submitted_to: req.to,
        order: req.order,
        ..ListFilter::default()
    };
    if user.user.role == Role::Applicant {
        return Some(ListFilter {
            owner: Some(user.user.id.clone()),
            ..asked
        });
    }
    match (user.user.district, req.district) {
        (Some(own), Some(other)) if own != other => None,
        (own, other) => Some(ListFilter {
            district: own.or(other),
            ..asked
        }),
    }
}

/// The public notice (article 14): families whose notice period runs today.
/// A notice that has ended is no longer "under notice", even while the
/// bureau has yet to confirm the qualification.
fn notice_filter(st: &AppState) -> ListFilter {
    ListFilter {
        status: Some(StatusKind::OnNotice),
        notice_on: Some(st.clock.today()),
        ..ListFilter::default()
    }
}

/// How many families are under notice today.
pub async fn notices_count(st: &AppState) -> ApiResult<u64> {
    Ok(st
        .store
        .applications()
        .count_listed(&notice_filter(st))
        .await?)
}

/// One keyset page of the public notice, masked, in the notice's order
/// (newest first): the page on screen.
pub async fn notices_at(
    st: &AppState,
    limit: u32,
    at: &crate::web::paging::PageAt<ListCursor>,
) -> ApiResult<Vec<ApplicationSummary>> {
    Ok(st
        .store
        .applications()
        .list_applications(&keyset(notice_filter(st), limit, at))
        .await?)
}

/// The families under notice today, one keyset page after `after`, in
/// the notice's order; for exports that write a page at a time.
pub async fn notices_after(
    st: &AppState,
    after: Option<ListCursor>,
    limit: u32,
) -> ApiResult<Vec<ApplicationSummary>> {
    listed_after(st, notice_filter(st), after, limit).await
}

/// The families under notice today after the one with application
/// number `id` (keyset, the notice's order): the notice API's `after`.
pub async fn notices_after_id(
    st: &AppState,
    id: &ApplicationId,
    limit: u32,
) -> ApiResult<Vec<ApplicationSummary>> {
    let cursor = st
        .store
        .applications()
        .application_summary(id)
        .await?
        .map(|s| ListCursor::of(&s))
        .ok_or_else(|| {
            ApiError::bad_request("invalid_cursor", "没有这个申请编号 (no such application)")
                .field("after")
        })?;
    notices_after(st, Some(cursor), limit).await
}

/// The span of today's notice periods (earliest start, latest end).
pub async fn notices_span(
    st: &AppState,
) -> ApiResult<Option<(chrono::NaiveDate, chrono::NaiveDate)>> {
    Ok(st
        .store
        .applications()
        .notice_span_listed(&notice_filter(st))
        .await?)
}

/// One keyset page of what `filter` matches after `after`.
pub async fn listed_after(
    st: &AppState,
    filter: ListFilter,
    after: Option<ListCursor>,
    limit: u32,
) -> ApiResult<Vec<ApplicationSummary>> {
    let filter = ListFilter {
        limit,
        after,
        ..filter
    };
    Ok(st.store.applications().list_applications(&filter).await?)
}

/// Every family under notice, masked: the export and the printable notice
/// must never drop a row.
pub async fn all_notices(st: &AppState) -> ApiResult<Vec<ApplicationSummary>> {
    every_listed(st, notice_filter(st)).await
}

/// Every application the filter matches, read in keyset pages so that the
/// cost of each page does not grow with its depth.
pub async fn every_listed(st: &AppState, filter: ListFilter) -> ApiResult<Vec<ApplicationSummary>> {
    const CHUNK: u32 = 1000;
    let mut out: Vec<ApplicationSummary> = Vec::new();
    let mut filter = ListFilter {
        limit: CHUNK,
        after: None,
        ..filter
    };
    loop {
        let page = st.store.applications().list_applications(&filter).await?;
        let full = page.len() as u32 == CHUNK;
        filter.after = page.last().map(ListCursor::of);
        out.extend(page);
        if !full {
            return Ok(out);
        }
    }
}
