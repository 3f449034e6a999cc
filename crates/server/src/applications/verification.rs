//! Department verification by file: each department downloads a CSV of the
//! families awaiting its confirmation (one row per member for member facts,
//! one per family for household facts) and uploads it back with the facts
//! as its records show them. Every row is validated and matched by resident
//! ID; a family whose rows are all good is confirmed, with corrections for
//! the facts that differ; every bad row is reported with its line and
//! reason — nothing is dropped silently. Uploading the same file twice
//! changes nothing.

use anju_domain::{
    available_actions, ActionKind, Department, FactCorrectionParts, FactField, FactPath, Role,
    StatusKind,
};
use anju_idcodes::ResidentId;
use anju_store::{AuditDraft, ListFilter, StoredApplication};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

use crate::applications::service::{self, ActionRequest};
use crate::web::auth::CurrentUser;
use crate::web::columns::{header_rows, read_header, Column};
use crate::web::error::{ApiError, ApiResult};
use crate::web::sheets::{csv_bytes, sheet, SheetStyle};
use crate::web::AppState;

const ID_COL: &str = "resident_id";
const NAME_COL: &str = "name";
const APP_COL: &str = "application_id";
const MEMBER_COL: &str = "member";

/// Only the department's own verifiers use its template and upload (checked
/// before an upload is read).
pub fn check_verifier(user: &CurrentUser, d: Department) -> ApiResult<()> {
    if user.user.role == Role::Verifier(d) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "只有{}的核验人员可以使用本模板 (only {} verifiers may use this template)",
            d.label_zh(),
            d.label_en()
        )))
    }
}

/// Applications of the verifier's district awaiting this department.
async fn awaiting(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<StoredApplication>> {
    let list = super::service::every_listed(
        st,
        ListFilter {
            district: user.user.district,
            status: Some(StatusKind::UnderVerification),
            ..ListFilter::default()
        },
    )
    .await?;
    let mut out = Vec::new();
    for s in list {
        if let Some(stored) = st.store.applications().load_application(&s.id).await? {
            if available_actions(&stored.app, &user.actor).contains(&ActionKind::DepartmentConfirm)
            {
                out.push(stored);
            }
        }
    }
    Ok(out)
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::Bool(b)) => if *b { "是" } else { "否" }.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// The template's columns: which family and member, then the facts the
/// department owns (member facts, then household facts), each with its
/// code and the words a clerk reads (`crate::web::columns`).
fn columns(d: Department) -> Vec<Column> {
    let (member_fields, household_fields) = fields(d);
    let mut out = vec![
        Column::new(APP_COL, "申请编号"),
        Column::new(ID_COL, "身份证号"),
        Column::new(NAME_COL, "姓名"),
        Column::new(MEMBER_COL, "成员序号"),
    ];
    out.extend(
        member_fields
            .iter()
            .chain(&household_fields)
            .map(|f| Column::new(f.key(), f.label_zh())),
    );
    out
}

/// The fields of a department, split into member and household fields.
fn fields(d: Department) -> (Vec<FactField>, Vec<FactField>) {
    d.owned_fields()
        .into_iter()
        .partition(|f| f.is_member_field())
}

fn lookup<'v>(household: &'v Value, path: &FactPath) -> Option<&'v Value> {
    let s = path.to_string();
    let mut cur = household;
    for part in s.split('.') {
        if let Some((name, idx)) = part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            cur = cur.get(name)?.get(idx.parse::<usize>().ok()?)?;
        } else {
            cur = cur.get(part)?;
        }
    }
    Some(cur)
}

/// The template: current declared facts, for the department to overwrite with its records.
/// The file format a template is downloaded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateFormat {
    Csv,
    Xlsx,
}

pub async fn template(
    st: &AppState,
    user: &CurrentUser,
    d: Department,
    format: TemplateFormat,
) -> ApiResult<Vec<u8>> {
    let rows = template_rows(st, user, d).await?;
    match format {
        TemplateFormat::Csv => csv_bytes(&rows),
        TemplateFormat::Xlsx => sheet(&rows, SheetStyle::AllText, &[(0, 30.0), (1, 22.0)]),
    }
}

async fn template_rows(
    st: &AppState,
    user: &CurrentUser,
    d: Department,
) -> ApiResult<Vec<Vec<String>>> {
    check_verifier(user, d)?;
    let apps = awaiting(st, user).await?;
    let (member_fields, household_fields) = fields(d);
    // The Chinese header a clerk reads, the codes under it.
    let mut out: Vec<Vec<String>> = header_rows(&columns(d)).into();
    for a in &apps {
        let members = a.household["members"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (i, m) in members.iter().enumerate() {
            let mut row = vec![
                a.app.id().as_str().to_string(),
                m["id_number"].as_str().unwrap_or("").to_string(),
                m["name"].as_str().unwrap_or("").to_string(),
                (i + 1).to_string(),
            ];
            for f in &member_fields {
                let p = FactPath::member(i, *f).map_err(|e| ApiError::internal(e.to_string()))?;
                row.push(cell(lookup(&a.household, &p)));
            }
            for f in &household_fields {
                // Household facts go on the applicant's row only.
                if i == 0 {
                    let p =
                        FactPath::household(*f).map_err(|e| ApiError::internal(e.to_string()))?;
                    row.push(cell(lookup(&a.household, &p)));
                } else {
                    row.push(String::new());
                }
            }
            out.push(row);
        }
    }
    st.store
        .audit()
        .append_audit(AuditDraft {
            at: st.clock.now(),
            actor_user_id: user.user.id.clone(),
            role: user.user.role,
            action: "personal_data.export".into(),
            subject: format!("verification:{}", d.code()),
            detail: json!({"applications": apps.len()}),
        })
        .await?;
    Ok(out)
}

#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = VerificationRowError)]
pub struct RowError {
    pub line: usize,
    pub resident_id: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Default, utoipa::ToSchema)]
pub struct ImportReport {
    /// How the CSV was read (UTF-8 or GBK); `None` when it was not read.
    pub encoding: Option<crate::web::sheets::Encoding>,
    pub already_imported: bool,
    pub rows: usize,
    pub rows_ok: usize,
    pub confirmed: Vec<String>,
    pub corrections: usize,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    /// The row-level error report, as CSV an official opens in Excel.
    pub fn error_csv(&self) -> ApiResult<Vec<u8>> {
        let mut rows = vec![vec![
            "行号".to_string(),
            "身份证号".to_string(),
            "原因".to_string(),
        ]];
        if self.already_imported {
            // Otherwise an empty report would read as "no errors".
            rows.push(vec![
                "0".into(),
                String::new(),
                "此文件已导入过，本次未做任何更改 (this file was already imported; nothing changed)".into(),
            ]);
        }
        for e in &self.errors {
            rows.push(vec![
                e.line.to_string(),
                e.resident_id.clone(),
                e.reason.clone(),
            ]);
        }
        csv_bytes(rows)
    }
}

fn parse_cell(text: &str, current: Option<&Value>) -> Value {
    let t = text.trim();
    match current {
        Some(Value::Array(_)) => Value::Array(
            t.split([';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into()))
                .collect(),
        ),
        _ => match t {
            "是" | "true" | "TRUE" | "True" => Value::Bool(true),
            "否" | "false" | "FALSE" | "False" => Value::Bool(false),
            "" | "null" => Value::Null,
            _ => match t.parse::<i64>() {
                Ok(i) => json!(i),
                Err(_) => t
                    .parse::<f64>()
                    .map(|f| json!(f))
                    .unwrap_or_else(|_| Value::String(t.into())),
            },
        },
    }
}

fn masked(id: &str) -> String {
    ResidentId::parse(id)
        .map(|r| r.masked())
        .unwrap_or_else(|_| id.chars().take(6).collect::<String>() + "…")
}

/// Imports a department's file. See the module documentation.
pub async fn import(
    st: &AppState,
    user: &CurrentUser,
    d: Department,
    body: &[u8],
) -> ApiResult<ImportReport> {
    check_verifier(user, d)?;
    crate::web::sheets::check_upload_size(body)?;
    // The digest is of the file as uploaded, whichever its format.
    let sha = hex::encode(Sha256::digest(body));
    let apps = awaiting(st, user).await?;
    let by_id: BTreeMap<String, &StoredApplication> = apps
        .iter()
        .map(|a| (a.app.id().as_str().to_string(), a))
        .collect();
    let mut report = ImportReport::default();
    // XLSX, or CSV in UTF-8 or GBK (a template edited in Excel or WPS on
    // Chinese Windows).
    let (table, encoding) = crate::web::sheets::upload_table(body)?;
    report.encoding = Some(encoding);
    // The two-row header of today's templates, the codes row of older
    // ones, or the Chinese row alone.
    let head = read_header(&table, &columns(d));
    let col = |name: &str| head.position(name);
    let (Some(app_col), Some(id_col)) = (col(APP_COL), col(ID_COL)) else {
        return Err(ApiError::bad_request(
            "invalid_file",
            "表头须包含“申请编号”和“身份证号”两列 (the header needs the application number and resident ID columns)",
        )
        .field("file"));
    };
    let (member_fields, household_fields) = fields(d);
    // Per application: (members with a good row, corrections, any bad row).
    type PerApp = BTreeMap<String, (BTreeSet<usize>, Vec<FactCorrectionParts>, bool)>;
    let mut per_app = PerApp::new();
    for (n, rec) in table.iter().skip(head.rows).enumerate() {
        let line = head.line_of(n);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        // A cell anju neutralised in the template (a leading apostrophe
        // before = + - @) reads as the text it was (`upload_table`).
        let get = |i: usize| rec.get(i).map_or("", |c| c.trim()).to_string();
        let rid = get(id_col);
        let fail =
            |reason: String, app: Option<&str>, report: &mut ImportReport, per_app: &mut PerApp| {
                report.errors.push(RowError {
                    line,
                    resident_id: masked(&rid),
                    reason,
                });
                if let Some(a) = app {
                    per_app.entry(a.to_string()).or_default().2 = true;
                }
            };
        let app_id = get(app_col);
        if let Err(e) = ResidentId::parse(&rid) {
            // A bad row of an awaiting family holds that family back.
            let app = by_id.contains_key(&app_id).then_some(app_id.as_str());
            fail(
                if crate::web::sheets::is_scientific_number(&rid) {
                    crate::web::sheets::ID_AS_NUMBER.to_owned()
                } else {
                    format!("身份证号码无效 (invalid resident ID): {e}")
                },
                app,
                &mut report,
                &mut per_app,
            );
            continue;
        }
        let Some(stored) = by_id.get(&app_id) else {
            fail(format!("申请 {app_id} 不在本部门待核验名单中 (application not awaiting this department)"), None, &mut report, &mut per_app);
            continue;
        };
        let members = stored.household["members"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(idx) = members.iter().position(|m| {
            m["id_number"]
                .as_str()
                .is_some_and(|x| x.eq_ignore_ascii_case(&rid))
        }) else {
            fail("该身份证号码不是此申请的家庭成员 (resident ID is not a member of this application)".into(), Some(&app_id), &mut report, &mut per_app);
            continue;
        };
        // One row per member: a second row for the same member (perhaps
        // meant for another) is an error, not a confirmation of the member.
        if per_app.get(&app_id).is_some_and(|e| e.0.contains(&idx)) {
            fail(
                "同一家庭成员在文件中有多行 (this member appears on more than one row)".into(),
                Some(&app_id),
                &mut report,
                &mut per_app,
            );
            continue;
        }
        let mut corrections = Vec::new();
        let mut bad = None;
        let mut targets: Vec<FactPath> = Vec::new();
        for f in &member_fields {
            if let Ok(p) = FactPath::member(idx, *f) {
                targets.push(p);
            }
        }
        if idx == 0 {
            for f in &household_fields {
                if let Ok(p) = FactPath::household(*f) {
                    targets.push(p);
                }
            }
        }
        for p in targets {
            let Some(c) = col(p.field().key()) else {
                continue;
            };
            let raw = get(c);
            if raw.is_empty() {
                continue; // empty cell: the department has nothing to say
            }
            let current = lookup(&stored.household, &p).cloned();
            let new = parse_cell(&raw, current.as_ref());
            if Some(&new) == current.as_ref() {
                continue;
            }
            let parts = FactCorrectionParts {
                path: p,
                old: current.unwrap_or(Value::Null),
                new,
            };
            match anju_domain::FactCorrection::try_from(parts.clone()) {
                Ok(_) => corrections.push(parts),
                Err(e) => {
                    // The field by its name, in both languages (the
                    // page shows the one it speaks).
                    let f = p.field();
                    bad = Some(format!("{} ({}): {e}", f.label_zh(), f.label_en()));
                    break;
                }
            }
        }
        match bad {
            Some(reason) => fail(reason, Some(&app_id), &mut report, &mut per_app),
            None => {
                report.rows_ok += 1;
                let e = per_app.entry(app_id).or_default();
                e.0.insert(idx);
                e.1.extend(corrections);
            }
        }
    }
    // Families whose rows are all good, to confirm with their corrections.
    let mut to_confirm = Vec::new();
    for (app_id, (rows, corrections, any_bad)) in per_app {
        let Some(stored) = by_id.get(&app_id) else {
            continue;
        };
        let members = stored.household["members"]
            .as_array()
            .map_or(0, |m| m.len());
        if any_bad {
            report.errors.push(RowError { line: 0, resident_id: stored.masked_id.clone(), reason: format!("申请 {app_id} 有错误行，本次未确认 (application {app_id} has bad rows and was not confirmed)") });
            continue;
        }
        if rows.len() < members {
            let missing = members - rows.len();
            report.errors.push(RowError { line: 0, resident_id: stored.masked_id.clone(), reason: format!("申请 {app_id} 缺少 {missing} 名成员的行，本次未确认 (rows missing for {missing} members; not confirmed)") });
            continue;
        }
        to_confirm.push((app_id, corrections, stored.masked_id.clone()));
    }
    // Recorded before applying, so the same bytes are applied at most once
    // — even when, by the second upload, they would confirm a family that
    // was not awaiting the department the first time. If applying stops
    // part-way, the families not confirmed are still awaiting: they are in
    // the next template, and a new file confirms them.
    let new = st
        .store
        .applications().record_import(
            d,
            &sha,
            report.rows_ok as u32,
            report.errors.len() as u32,
            AuditDraft {
                at: st.clock.now(),
                actor_user_id: user.user.id.clone(),
                role: user.user.role,
                action: "verification.import".into(),
                subject: format!("verification:{}", d.code()),
                detail: json!({"sha256": sha, "to_confirm": to_confirm.len(), "errors": report.errors.len()}),
            },
        )
        .await?;
    if !new {
        // Nothing changes; the first import's error rows come back, so an
        // official who lost the report gets it again by uploading the file.
        let errors = match st.store.applications().import_errors(d, &sha).await? {
            Some(kept) => serde_json::from_value(kept).map_err(|e| {
                ApiError::internal(format!(
                    "保存的错误报告无法读取 (the kept error report does not read back: {e})"
                ))
            })?,
            None => Vec::new(),
        };
        return Ok(ImportReport {
            already_imported: true,
            rows: report.rows,
            errors,
            ..Default::default()
        });
    }
    for (app_id, corrections, masked_id) in to_confirm {
        let n = corrections.len();
        match service::act(
            st,
            user,
            &app_id,
            ActionRequest::DepartmentConfirm {
                department: d,
                corrections,
            },
        )
        .await
        {
            Ok(_) => {
                report.corrections += n;
                report.confirmed.push(app_id);
            }
            Err(e) => report.errors.push(RowError {
                line: 0,
                resident_id: masked_id,
                reason: e.message,
            }),
        }
    }
    let kept = serde_json::to_value(&report.errors)
        .map_err(|e| ApiError::internal(format!("错误报告无法保存 (error report: {e})")))?;
    st.store
        .applications()
        .save_import_errors(d, &sha, &kept)
        .await?;
    Ok(report)
}
