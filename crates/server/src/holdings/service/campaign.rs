//! The yearly re-verification campaign (娄底 八、(三)3; 阳泉 19 (三)(四), 18,
//! 22): opening it, each department's request file of holders, importing
//! the answers with row-level errors, reports with evidence, and the cases
//! the findings open.

use anju_domain::{Department, DistrictCode, Role};
use anju_holdings::{next_case_status, CaseStep, Finding, CAMPAIGN_DEPARTMENTS};
use anju_store::holdings::{
    AnswerRow, BuybackRecord, CampaignRecord, CaseRecord, NewCampaign, NewStep,
};
use anju_store::AuditDraft;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::columns::{header_rows, read_header, Column};
use crate::web::error::{ApiError, ApiResult};
use crate::web::sheets::upload_table;
use crate::web::AppState;

use super::common::{date_field, forbidden, regime, text_field};
use super::register::home_file;

/// Opening a campaign.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// The year checked, e.g. 2026.
    pub year: i32,
    /// The district, e.g. 140302.
    pub district: String,
    /// When every department's answers are due (YYYY-MM-DD).
    pub due_on: String,
}

/// Opens a district's campaign for a year (company).
pub async fn open_campaign(
    st: &AppState,
    user: &CurrentUser,
    req: CampaignRequest,
) -> ApiResult<CampaignRecord> {
    if user.user.role != Role::Company {
        return Err(forbidden(user, "开启年度核查"));
    }
    let today = st.clock.today();
    if !(2000..=2100).contains(&req.year) {
        return Err(
            ApiError::bad_request("invalid_year", "年度应为四位年份 (a four-digit year)")
                .field("year"),
        );
    }
    let district = DistrictCode::parse(req.district.trim())
        .map_err(|e| ApiError::bad_request("invalid_district", e.to_string()).field("district"))?;
    let due_on = date_field(Some(&req.due_on), "due_on", today)?;
    if due_on <= today {
        return Err(ApiError::bad_request(
            "due_in_past",
            "回复期限须晚于今天 (the due date must be after today)",
        )
        .field("due_on"));
    }
    let id = format!("RV-{}-{}", req.year, district.as_str());
    let now = st.clock.now();
    let c = NewCampaign {
        id: id.clone(),
        year: req.year,
        district: district.as_str().to_string(),
        due_on,
        opened_by: user.user.username.clone(),
    };
    st.store
        .holdings()
        .hold_open_campaign(
            &c,
            now,
            audit(user, now, "holdings.campaign_open".into(), format!("campaign:{id}"), json!({"year": req.year, "district": district.as_str(), "due_on": due_on, "citation": regime(st).review().short()})),
        )
        .await?;
    st.store
        .holdings()
        .hold_campaign(&id)
        .await?
        .ok_or_else(|| ApiError::internal("campaign vanished"))
}

/// Who may read campaigns: the register's readers and the three
/// departments asked.
pub fn campaign_reader(user: &CurrentUser) -> ApiResult<()> {
    match user.user.role {
        Role::Verifier(d) if CAMPAIGN_DEPARTMENTS.contains(&d) => Ok(()),
        _ => super::common::register_scope(user).map(|_| ()),
    }
}

pub async fn campaign(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<CampaignRecord> {
    campaign_reader(user)?;
    st.store
        .holdings()
        .hold_campaign(id)
        .await?
        .ok_or_else(|| ApiError::not_found("年度核查 (campaign)"))
}

pub async fn campaigns(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<CampaignRecord>> {
    campaign_reader(user)?;
    Ok(st.store.holdings().hold_campaigns().await?)
}

/// The codes of the columns of a department's request and answer file.
pub const PROJECT_COL: &str = "project";
pub const HOME_COL: &str = "home";
pub const FINDING_COL: &str = "finding";
pub const EVIDENCE_COL: &str = "evidence";

/// The columns of a department's request and answer file, with the
/// Chinese header a clerk reads (`crate::web::columns`). Files of older
/// campaigns, headed `项目编号 project` and so on, read as well.
pub fn file_columns() -> Vec<Column> {
    vec![
        Column::new(PROJECT_COL, "项目编号"),
        Column::new(HOME_COL, "房源编号"),
        Column::new("resident_id", "身份证号"),
        Column::new("name", "姓名"),
        Column::new(FINDING_COL, "核查结果"),
        Column::new(EVIDENCE_COL, "依据说明"),
    ]
}

/// What a department may answer, as the file's instructions list them.
pub fn answers_of(d: Department) -> Vec<Finding> {
    Finding::ALL
        .into_iter()
        .filter(|f| f.department() == Some(d))
        .collect()
}

/// Only the department's own verifiers (and the company) handle its files.
pub fn department_of(user: &CurrentUser, d: Department) -> ApiResult<()> {
    match user.user.role {
        Role::Verifier(v) if v == d => Ok(()),
        Role::Company => Ok(()),
        _ => Err(forbidden(user, "下载或导入该部门的核查文件")),
    }
}

/// Homes per batch of a request file: one keyset query and one bulk
/// decryption each, so memory holds one batch whatever the campaign's size.
pub const REQUEST_BATCH: u32 = 2_000;

/// A department's request file, produced batch by batch: one row per
/// holder family member of each pending home still awaiting the
/// department, with the empty answer columns (header first). Opening it
/// authorises and writes the audit entry of the export of resident IDs
/// (with the number of homes pending, before any leaves).
pub struct RequestFile {
    st: AppState,
    campaign_id: String,
    d: Department,
    after: Option<(String, String)>,
    started: bool,
    done: bool,
}

impl RequestFile {
    /// The next part of the CSV (the first carries the BOM and header);
    /// `None` when the file is complete.
    pub async fn next_chunk(&mut self) -> ApiResult<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let batch = self
            .st
            .store
            .holdings()
            .hold_request_batch(&self.campaign_id, self.d, self.after.clone(), REQUEST_BATCH)
            .await?;
        if (batch.len() as u32) < REQUEST_BATCH {
            self.done = true;
        }
        if let Some((p, h, _)) = batch.last() {
            self.after = Some((p.clone(), h.clone()));
        }
        let mut rows: Vec<Vec<String>> = Vec::new();
        if !self.started {
            // The Chinese header, the codes under it.
            rows.extend(header_rows(&file_columns()));
        }
        for (p, h, members) in batch {
            if members.is_empty() {
                // A home is never dropped from the file: without family
                // facts it still asks the department about the home.
                rows.push(vec![
                    p,
                    h,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                continue;
            }
            for (idn, name) in members {
                rows.push(vec![
                    p.clone(),
                    h.clone(),
                    idn,
                    name,
                    String::new(),
                    String::new(),
                ]);
            }
        }
        let mut bytes = crate::web::sheets::csv_bytes(&rows)?;
        if self.started {
            // Only the file's first part carries the byte-order mark.
            bytes.drain(..3.min(bytes.len()));
        }
        self.started = true;
        Ok(Some(bytes))
    }

    /// The whole file in memory (tests and small campaigns).
    pub async fn collect(mut self) -> ApiResult<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(b) = self.next_chunk().await? {
            out.extend(b);
        }
        Ok(out)
    }
}

/// Opens a department's request file (see [`RequestFile`]).
pub async fn request_file(
    st: &AppState,
    user: &CurrentUser,
    campaign_id: &str,
    d: Department,
) -> ApiResult<RequestFile> {
    department_of(user, d)?;
    if !CAMPAIGN_DEPARTMENTS.contains(&d) {
        return Err(ApiError::not_found(
            "该部门不参加年度核查 (department not asked)",
        ));
    }
    let c = campaign(st, user, campaign_id).await?;
    st.store
        .audit()
        .append_audit(AuditDraft {
            at: st.clock.now(),
            actor_user_id: user.user.id.clone(),
            role: user.user.role,
            action: "personal_data.export".into(),
            subject: format!("campaign:{}", c.id),
            detail: json!({"homes_pending": c.pending, "department": d.code()}),
        })
        .await?;
    Ok(RequestFile {
        st: st.clone(),
        campaign_id: c.id,
        d,
        after: None,
        started: false,
        done: false,
    })
}

/// A row of an answer file that could not be taken.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnswerError {
    /// 1-based line of the file (the header is line 1, or lines 1 and 2).
    pub line: usize,
    pub project: String,
    pub home: String,
    pub message: String,
}

/// What an answer import did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnswerReport {
    pub applied: u64,
    pub cases_opened: u64,
    pub errors: Vec<AnswerError>,
}

/// Imports a department's answers (CSV in UTF-8 or GBK, or XLSX). A home
/// may have several rows (one per member): its findings are gathered; a
/// blank finding means nothing found. Bad rows are reported with their
/// line and never dropped silently; good rows are applied.
pub async fn import_answers(
    st: &AppState,
    user: &CurrentUser,
    campaign_id: &str,
    d: Department,
    body: &[u8],
) -> ApiResult<AnswerReport> {
    department_of(user, d)?;
    let c = campaign(st, user, campaign_id).await?;
    let (table, _) = upload_table(body)?;
    // The two-row header of the request file, the mixed one-row header of
    // older files, or the Chinese row alone.
    let head = read_header(&table, &file_columns());
    let col = |code: &str| head.position(code);
    let (Some(pc), Some(hc), Some(fc)) = (col(PROJECT_COL), col(HOME_COL), col(FINDING_COL)) else {
        return Err(ApiError::bad_request(
            "missing_columns",
            "文件须包含列：项目编号、房源编号、核查结果 (the file needs the project, home and finding columns)",
        )
        .field("file"));
    };
    let ec = col(EVIDENCE_COL);
    let allowed = answers_of(d);
    let mut errors = Vec::new();
    let mut homes: Vec<(AnswerRow, usize)> = Vec::new();
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (i, row) in table.iter().skip(head.rows).enumerate() {
        let line = head.line_of(i);
        let cell = |k: usize| row.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        let (p, h, f) = (cell(pc), cell(hc), cell(fc));
        if p.is_empty() && h.is_empty() && f.is_empty() {
            continue;
        }
        let evidence: String = ec
            .map(&cell)
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect();
        let finding = match f.as_str() {
            "" | "无" | "none" => None,
            code => match Finding::ALL
                .into_iter()
                .find(|x| x.code() == code || x.zh() == code)
            {
                Some(x) if allowed.contains(&x) => Some(x),
                _ => {
                    // Chinese names in the Chinese, codes in the English:
                    // the file takes either.
                    let zh: Vec<&str> = allowed.iter().map(|x| x.zh()).collect();
                    let codes: Vec<&str> = allowed.iter().map(|x| x.code()).collect();
                    errors.push(AnswerError {
                        line,
                        project: p,
                        home: h,
                        message: format!(
                            "核查结果“{code}”不是本部门可填的结果：应为空、无，或 {} (not a finding this department reports: leave it empty, or write none or one of {})",
                            zh.join("、"),
                            codes.join(", ")
                        ),
                    });
                    continue;
                }
            },
        };
        if finding.is_some() && evidence.is_empty() {
            errors.push(AnswerError {
                line,
                project: p,
                home: h,
                message: "有异常时须填写依据说明 (a finding needs its evidence)".into(),
            });
            continue;
        }
        // A home has one row per member: gather them by index, so a file
        // of 10⁵ homes is read in one pass.
        match index.get(&(p.clone(), h.clone())) {
            Some(&k) => {
                if let Some(x) = finding {
                    homes[k].0.findings.push((x, evidence));
                }
            }
            None => {
                index.insert((p.clone(), h.clone()), homes.len());
                homes.push((
                    AnswerRow {
                        project_id: p,
                        home_id: h,
                        findings: finding.map(|x| vec![(x, evidence)]).unwrap_or_default(),
                    },
                    line,
                ));
            }
        }
    }
    let rows: Vec<AnswerRow> = homes.iter().map(|(r, _)| r.clone()).collect();
    let now = st.clock.now();
    let out = st
        .store
        .holdings()
        .hold_record_answers(
            &c.id,
            d,
            &rows,
            &user.user.username,
            now,
            audit(
                user,
                now,
                "holdings.campaign_answers".into(),
                format!("campaign:{}", c.id),
                json!({"rows": rows.len(), "department": d.code()}),
            ),
        )
        .await?;
    for i in out.unknown {
        let (r, line) = &homes[i];
        errors.push(AnswerError {
            line: *line,
            project: r.project_id.clone(),
            home: r.home_id.clone(),
            message: "该房屋不在本次核查范围内 (home not in this campaign)".into(),
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok(AnswerReport {
        applied: out.applied,
        cases_opened: out.cases_opened,
        errors,
    })
}

/// A report of misuse or fraud with its evidence (staff).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `idle`, `sublet`, `lent` or `fraud`.
    #[schema(example = "sublet")]
    pub finding: String,
    /// What was seen, when, by whom; documents held (at most 500 characters).
    pub evidence: String,
}

/// Records a report against a held home and opens its case.
pub async fn report(
    st: &AppState,
    user: &CurrentUser,
    project_id: &str,
    home_id: &str,
    req: ReportRequest,
) -> ApiResult<u64> {
    if !matches!(
        user.user.role,
        Role::Company | Role::Street | Role::Community | Role::DistrictBureau | Role::CityBureau
    ) {
        return Err(forbidden(user, "登记违规使用线索"));
    }
    let file = home_file(st, user, project_id, home_id).await;
    // Street and community staff report on homes in their district without
    // reading the register.
    let holder = match file {
        Ok(f) => f.holder,
        Err(_) => {
            let h = st
                .store
                .holdings()
                .hold_holding(project_id, home_id)
                .await?
                .ok_or_else(|| ApiError::not_found("持有房屋 (held home)"))?;
            if user.user.district.as_ref().map(|d| d.as_str()) != Some(h.district.as_str()) {
                return Err(ApiError::not_found("持有房屋 (held home)"));
            }
            h
        }
    };
    let finding = Finding::parse(&req.finding)
        .filter(|f| f.department().is_none())
        .ok_or_else(|| ApiError::bad_request("invalid_finding", "线索类型应为 idle（闲置）、sublet（出租）、lent（出借）或 fraud（骗购） (idle, sublet, lent or fraud)").field("finding"))?;
    let evidence = text_field(Some(&req.evidence), "evidence", true, 500)?;
    let now = st.clock.now();
    let cite = finding.flag().cite(regime(st));
    Ok(st
        .store
        .holdings()
        .hold_report(
            &holder.project_id,
            holder.home.id.as_str(),
            finding,
            &evidence,
            &user.user.username,
            now,
            audit(
                user,
                now,
                "holdings.report".into(),
                format!("project:{project_id}/home:{home_id}"),
                json!({"finding": finding.code(), "citation": cite.short()}),
            ),
        )
        .await?)
}

/// Cases, newest first (open only if asked), for the register's readers.
pub async fn cases(
    st: &AppState,
    user: &CurrentUser,
    open_only: bool,
) -> ApiResult<Vec<CaseRecord>> {
    super::common::register_scope(user)?;
    Ok(st.store.holdings().hold_cases(open_only, None, 500).await?)
}

/// A step on a case's ladder.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStepRequest {
    /// `notice`, `corrected`, `recover` or `dismiss`.
    #[schema(example = "notice")]
    pub step: String,
    /// The notice's deadline (YYYY-MM-DD), for `notice`.
    #[serde(default)]
    pub deadline: Option<String>,
    /// What was done or found (required for `dismiss`).
    #[serde(default)]
    pub note: Option<String>,
}

/// Takes a step on a case (company); `recover` opens the buyback.
pub async fn case_step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: CaseStepRequest,
) -> ApiResult<CaseRecord> {
    if user.user.role != Role::Company {
        return Err(forbidden(user, "办理违规使用案件"));
    }
    let c = st
        .store
        .holdings()
        .hold_case(id)
        .await?
        .ok_or_else(|| ApiError::not_found("案件 (case)"))?;
    let today = st.clock.today();
    let step = match req.step.as_str() {
        "notice" => CaseStep::Notice {
            deadline: date_field(
                Some(req.deadline.as_deref().unwrap_or("")),
                "deadline",
                today,
            )?,
        },
        "corrected" => CaseStep::Corrected,
        "recover" => CaseStep::Recover,
        "dismiss" => CaseStep::Dismiss,
        other => {
            return Err(ApiError::bad_request(
                "invalid_step",
                format!("未知的案件步骤 {other} (unknown step)"),
            )
            .field("step"))
        }
    };
    if req.step == "notice"
        && req
            .deadline
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .is_empty()
    {
        return Err(
            ApiError::bad_request("required", "请填写整改期限 (the deadline is required)")
                .field("deadline"),
        );
    }
    let to = next_case_status(c.flag, c.status, c.deadline, &step, today)
        .map_err(|e| ApiError::unprocessable("step_not_allowed", e.to_string()).field("step"))?;
    let note = text_field(req.note.as_deref(), "note", req.step == "dismiss", 500)?;
    let r = regime(st);
    let cite = c.flag.cite(r);
    let buyback = if matches!(step, CaseStep::Recover) {
        let holder = st
            .store
            .holdings()
            .hold_holding(&c.project_id, &c.home_id)
            .await?
            .ok_or_else(|| ApiError::not_found("持有房屋 (held home)"))?;
        let case = c.flag.buyback_case(r);
        let now = st.clock.now();
        Some(BuybackRecord {
            id: super::buyback::new_id("B"),
            project_id: c.project_id.clone(),
            home_id: c.home_id.clone(),
            application_id: holder.application_id,
            case,
            status: if case.needs_city_decision() {
                anju_holdings::BuybackStatus::AwaitingCity
            } else {
                anju_holdings::BuybackStatus::InProgress
            },
            applied_on: today,
            exit_by: anju_holdings::exit_deadline(r, today),
            reason: format!("案件 {}：{}（{}）", c.id, c.flag.zh(), cite.short()),
            appraisal_json: None,
            price_json: None,
            price: None,
            vacated_on: None,
            paid_on: None,
            title_returned_on: None,
            certificate_no: None,
            case_id: Some(c.id.clone()),
            created_by: user.user.id.as_str().to_string(),
            created_at: now.to_rfc3339(),
            updated_at: now.to_rfc3339(),
        })
    } else {
        None
    };
    let deadline = match step {
        CaseStep::Notice { deadline } => Some(deadline),
        _ => None,
    };
    let now = st.clock.now();
    st.store
        .holdings()
        .hold_case_step(
            id,
            c.status,
            to,
            deadline,
            &NewStep { step: req.step.clone(), note, actor: user.user.username.clone(), on_date: today },
            buyback.as_ref(),
            now,
            audit(user, now, format!("holdings.case_{}", req.step), format!("case:{id}"), json!({"flag": c.flag.code(), "to": to.code(), "citation": cite.short(), "buyback": buyback.as_ref().map(|b| b.id.clone())})),
        )
        .await?;
    st.store
        .holdings()
        .hold_case(id)
        .await?
        .ok_or_else(|| ApiError::internal("case vanished"))
}

/// The request file as a streamed CSV download: each batch is sent as it
/// is read, so the server holds one batch at a time. An error after the
/// first bytes cuts the download short (the department sees an incomplete
/// file rather than a wrong one).
pub fn request_response(file: RequestFile, file_name: &str) -> axum::response::Response {
    let chunks = futures_util::stream::unfold(Some(file), |f| async move {
        let mut f = f?;
        match f.next_chunk().await {
            Ok(Some(b)) => Some((Ok(b), Some(f))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    });
    crate::web::stream::bytes_download(chunks, crate::web::sheets::CSV_TYPE, file_name)
}
