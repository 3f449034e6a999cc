//! The university lists of 阳政办发〔2022〕39号 二（三） and the talent
//! office's additions to them. The shipped lists
//! (`policies/subsidies/universities.toml`) are documented subsets; the
//! office completes them from the official notices — one entry at a time or
//! by file (the Chinese header row, then the codes row) — each entry with
//! the list it joins, its names and its source (title, URL or 文号,
//! effective date). Nothing is overwritten: a name already on a list is
//! reported per line and skipped. A file with any invalid line adds
//! nothing (all or nothing), and every problem is reported with its line.
//! A wrong entry is withdrawn with a reason (kept and shown as withdrawn,
//! no longer counted). The verification reads the shipped lists and the
//! additions together and records which it used, with its source.

use anju_domain::Role;
use anju_store::{NewUniversityAddition, UniversityAdditionRecord};
use anju_subsidies::universities::{Universities, UniversityList, TALENT_UNIVERSITIES};
use anju_subsidies::university_additions::{
    self as adds, Addition, Draft, Problem, Proposed, REASON_MAX,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::columns::{header_rows, read_header, Column};
use crate::web::error::{ApiError, ApiResult};
use crate::web::sheets::{sheet, upload_table, SheetStyle};
use crate::web::AppState;

/// An entry to add (talent office).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UniversityAdditionRequest {
    /// `double_first_class` or `world_top200` (or 双一流 / 世界前200名).
    #[schema(example = "double_first_class")]
    pub list: String,
    /// The name shown, in Chinese where there is one.
    #[schema(example = "示例大学")]
    pub name_zh: String,
    /// Other names (English, former names).
    #[serde(default)]
    pub other_names: Vec<String>,
    /// The document the official read it from.
    #[schema(
        example = "教育部 财政部 国家发展改革委关于公布第二轮“双一流”建设高校及建设学科名单的通知"
    )]
    pub source_title: String,
    /// Its URL or 文号.
    #[schema(example = "教研函〔2022〕1号")]
    pub source_ref: String,
    /// Its effective date, YYYY-MM-DD.
    #[schema(example = "2022-02-14")]
    pub effective: String,
}

/// Withdrawing an addition.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UniversityWithdrawal {
    /// Why (at most 200 characters).
    #[schema(example = "误录：该校不在官方名单中")]
    pub reason: String,
}

/// An addition as everyone may read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityAddition {
    pub id: String,
    pub list: String,
    pub names: Vec<String>,
    pub source_title: String,
    /// URL or 文号.
    pub source_ref: String,
    pub effective: NaiveDate,
    /// Who added it (the official's display name).
    pub added_by: String,
    /// When (RFC 3339).
    pub added_at: String,
    /// `active` or `withdrawn`.
    pub status: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdraw_reason: Option<String>,
    /// Verifications that relied on it.
    pub relied_on: usize,
}

impl UniversityAddition {
    /// Whether the reference is a URL (a link) rather than a 文号.
    pub fn ref_is_url(&self) -> bool {
        let l = self.source_ref.to_ascii_lowercase();
        l.starts_with("http://") || l.starts_with("https://")
    }
}

/// One list: the shipped entries with the list's source, then the additions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityListView {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub effective: NaiveDate,
    pub source_title: String,
    pub source_url: String,
    /// The shipped entries, each university's names.
    pub shipped: Vec<Vec<String>>,
    pub additions: Vec<UniversityAddition>,
}

/// The lists as anju holds them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityLists {
    /// False while the shipped lists are documented subsets.
    pub complete: bool,
    pub lists: Vec<UniversityListView>,
}

/// One line of an import that was not taken.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityImportProblem {
    /// 1-based, as the spreadsheet numbers it.
    pub line: usize,
    /// The field at fault (`list`, `name_zh`, …); `name_zh` for a duplicate.
    pub field: String,
    pub message: String,
}

/// A line added by an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityImported {
    pub line: usize,
    pub id: String,
    pub name: String,
}

/// What an import did. With any error nothing is added (all or nothing);
/// duplicates are reported and skipped, never overwriting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UniversityImportReport {
    /// Data lines read.
    pub lines: usize,
    pub added: Vec<UniversityImported>,
    pub duplicates: Vec<UniversityImportProblem>,
    pub errors: Vec<UniversityImportProblem>,
}

/// Only the talent office (the role that verifies talent subsidies)
/// completes the lists.
pub fn office(user: &CurrentUser) -> ApiResult<()> {
    if user.user.role == Role::TalentOffice {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有市委人才办可以补录或撤回高校名单 (only the talent office adds to or withdraws from the university lists)",
        ))
    }
}

pub fn lists() -> ApiResult<&'static Universities> {
    Universities::builtin().map_err(|e| ApiError::internal(e.to_string()))
}

fn view(r: UniversityAdditionRecord) -> UniversityAddition {
    UniversityAddition {
        relied_on: r.uses.len(),
        id: r.id,
        list: r.list,
        names: r.names,
        source_title: r.source_title,
        source_ref: r.source_ref,
        effective: r.effective,
        added_by: r.added_by_name,
        added_at: r.added_at,
        status: r.status,
        withdrawn_at: r.withdrawn_at,
        withdrawn_by: r.withdrawn_by_name,
        withdraw_reason: r.withdraw_reason,
    }
}

fn lookup_of(r: &UniversityAdditionRecord) -> Addition {
    Addition {
        id: r.id.clone(),
        list: r.list.clone(),
        names: r.names.clone(),
        effective: r.effective,
        withdrawn: r.status != "active",
    }
}

/// The lists with every addition (public).
pub async fn all(st: &AppState) -> ApiResult<UniversityLists> {
    let shipped = lists()?;
    let mut added: Vec<UniversityAddition> = st
        .store
        .subsidies()
        .uni_list()
        .await?
        .into_iter()
        .map(view)
        .collect();
    let lists = shipped
        .lists
        .iter()
        .map(|l: &UniversityList| UniversityListView {
            key: l.key.clone(),
            zh: l.zh.clone(),
            en: l.en.clone(),
            effective: l.effective,
            source_title: l.source_title.clone(),
            source_url: l.source_url.clone(),
            shipped: l.universities.clone(),
            additions: {
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut added)
                    .into_iter()
                    .partition(|a| a.list == l.key);
                added = rest;
                mine
            },
        })
        .collect();
    Ok(UniversityLists {
        complete: shipped.complete,
        lists,
    })
}

/// One problem as an API error beside its field.
fn field_error(p: &Problem) -> ApiError {
    ApiError::unprocessable("invalid_university", format!("{} ({})", p.zh, p.en)).field(p.field)
}

fn entry(p: &Proposed, line: Option<usize>) -> NewUniversityAddition {
    NewUniversityAddition {
        list: p.list.clone(),
        name_key: p.name_key(),
        names: p.names.clone(),
        source_title: p.source_title.clone(),
        source_ref: p.source_ref.clone(),
        effective: p.effective,
        import_line: line.and_then(|l| i64::try_from(l).ok()),
    }
}

/// Checks a request: every problem, or the proposed entry.
pub fn check_request(
    r: &UniversityAdditionRequest,
    shipped: &Universities,
) -> Result<Proposed, Vec<Problem>> {
    let others = r.other_names.join("；");
    adds::check(
        &Draft {
            list: &r.list,
            name_zh: &r.name_zh,
            other_names: &others,
            source_title: &r.source_title,
            source_ref: &r.source_ref,
            effective: &r.effective,
        },
        shipped,
    )
}

async fn held(st: &AppState) -> ApiResult<Vec<UniversityAdditionRecord>> {
    Ok(st.store.subsidies().uni_list().await?)
}

/// The duplicate check the store runs inside the adding transaction.
fn none_held(
    proposed: Vec<Proposed>,
) -> impl Fn(&[UniversityAdditionRecord]) -> Result<(), String> + Sync {
    move |rows: &[UniversityAdditionRecord]| {
        let lookups: Vec<Addition> = rows.iter().map(lookup_of).collect();
        let shipped = Universities::builtin().map_err(|e| e.to_string())?;
        for p in &proposed {
            if let Some(h) = adds::already_held(shipped, &lookups, &p.names) {
                return Err(format!("“{}”{} ({})", p.names[0], h.zh(), h.en()));
            }
        }
        Ok(())
    }
}

fn audit_of(
    user: &CurrentUser,
    now: anju_domain::Timestamp,
    p: &Proposed,
    line: Option<usize>,
) -> anju_store::AuditDraft {
    audit(
        user,
        now,
        "university.add".into(),
        String::new(),
        json!({ "list": p.list, "names": p.names, "source_title": p.source_title,
                "source_ref": p.source_ref, "effective": p.effective, "line": line }),
    )
}

/// Adds one entry (talent office). 422 beside the field at fault; 409
/// beside `name_zh` when one of its names is already on a list.
pub async fn add(
    st: &AppState,
    user: &CurrentUser,
    r: &UniversityAdditionRequest,
) -> ApiResult<UniversityAddition> {
    office(user)?;
    let shipped = lists()?;
    let p = match check_request(r, shipped) {
        Ok(p) => p,
        Err(problems) => {
            return Err(problems
                .first()
                .map(field_error)
                .unwrap_or_else(|| ApiError::internal("no problem reported")))
        }
    };
    let lookups: Vec<Addition> = held(st).await?.iter().map(lookup_of).collect();
    if let Some(h) = adds::already_held(shipped, &lookups, &p.names) {
        return Err(ApiError::conflict(format!("{} ({})", h.zh(), h.en())).field("name_zh"));
    }
    let now = st.clock.now();
    let ids = st
        .store
        .subsidies()
        .uni_add(
            &[entry(&p, None)],
            &none_held(vec![p.clone()]),
            &now.to_string(),
            user.user.id.as_str(),
            vec![audit_of(user, now, &p, None)],
        )
        .await?;
    one(st, ids.first().map(String::as_str).unwrap_or("")).await
}

async fn one(st: &AppState, id: &str) -> ApiResult<UniversityAddition> {
    st.store
        .subsidies()
        .uni_get(id)
        .await?
        .map(view)
        .ok_or_else(|| ApiError::not_found(&format!("补录 {id}")))
}

/// The file's columns: the Chinese header row, then the codes.
pub fn file_columns() -> Vec<Column> {
    vec![
        Column::new("list", "名单"),
        Column::new("name_zh", "高校名称"),
        Column::new("other_names", "其他名称"),
        Column::new("source_title", "来源文件"),
        Column::new("source_ref", "网址或文号"),
        Column::new("effective", "生效日期"),
    ]
}

/// The empty file to fill in (XLSX, every cell text).
pub fn template() -> ApiResult<Vec<u8>> {
    let rows: Vec<Vec<String>> = header_rows(&file_columns()).into();
    sheet(
        &rows,
        SheetStyle::AllText,
        &[
            (0, 16.0),
            (1, 24.0),
            (2, 36.0),
            (3, 48.0),
            (4, 40.0),
            (5, 14.0),
        ],
    )
}

/// Imports a file of entries (talent office): XLSX or CSV (UTF-8 or GBK)
/// with the template's header. Any invalid line: nothing is added, and the
/// report names every problem with its line. Lines whose university is
/// already listed (or repeated in the file) are reported and skipped.
pub async fn import(
    st: &AppState,
    user: &CurrentUser,
    body: &[u8],
) -> ApiResult<UniversityImportReport> {
    office(user)?;
    let (table, _) = upload_table(body)?;
    let head = read_header(&table, &file_columns());
    let missing: Vec<&str> = ["list", "name_zh", "source_title", "source_ref", "effective"]
        .into_iter()
        .filter(|c| head.position(c).is_none())
        .collect();
    if !missing.is_empty() {
        let zh: Vec<String> = file_columns()
            .into_iter()
            .filter(|c| missing.contains(&c.code.as_str()))
            .map(|c| c.zh)
            .collect();
        return Err(ApiError::bad_request(
            "missing_columns",
            format!(
                "文件缺少列：{}（请使用模板：第一行中文表头，第二行字段代码）(the file lacks the columns {})",
                zh.join("、"),
                missing.join(", ")
            ),
        )
        .field("file"));
    }
    let shipped = lists()?;
    let mut lookups: Vec<Addition> = held(st).await?.iter().map(lookup_of).collect();
    let mut report = UniversityImportReport {
        lines: 0,
        added: vec![],
        duplicates: vec![],
        errors: vec![],
    };
    let mut good: Vec<(usize, Proposed)> = Vec::new();
    for (i, row) in table.iter().skip(head.rows).enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = head.line_of(i);
        report.lines += 1;
        let cell = |code: &str| {
            head.position(code)
                .and_then(|k| row.get(k))
                .map(String::as_str)
                .unwrap_or("")
        };
        let d = Draft {
            list: cell("list"),
            name_zh: cell("name_zh"),
            other_names: cell("other_names"),
            source_title: cell("source_title"),
            source_ref: cell("source_ref"),
            effective: cell("effective"),
        };
        match adds::check(&d, shipped) {
            Err(problems) => {
                report
                    .errors
                    .extend(problems.into_iter().map(|p| UniversityImportProblem {
                        line,
                        field: p.field.into(),
                        message: format!("第 {line} 行：{} (line {line}: {})", p.zh, p.en),
                    }))
            }
            Ok(p) => match adds::already_held(shipped, &lookups, &p.names) {
                Some(h) => report.duplicates.push(UniversityImportProblem {
                    line,
                    field: "name_zh".into(),
                    message: format!(
                        "第 {line} 行：“{}”{} (line {line}: {})",
                        p.names[0],
                        h.zh(),
                        h.en()
                    ),
                }),
                None => {
                    // Later lines of the same file see this one.
                    lookups.push(Addition {
                        id: format!("第 {line} 行"),
                        list: p.list.clone(),
                        names: p.names.clone(),
                        effective: p.effective,
                        withdrawn: false,
                    });
                    good.push((line, p));
                }
            },
        }
    }
    if report.lines == 0 {
        return Err(ApiError::bad_request(
            "empty_file",
            "文件中没有数据行 (the file has no data lines)",
        )
        .field("file"));
    }
    if !report.errors.is_empty() || good.is_empty() {
        return Ok(report);
    }
    let now = st.clock.now();
    let entries: Vec<NewUniversityAddition> =
        good.iter().map(|(l, p)| entry(p, Some(*l))).collect();
    let audits = good
        .iter()
        .map(|(l, p)| audit_of(user, now, p, Some(*l)))
        .collect();
    let ids = st
        .store
        .subsidies()
        .uni_add(
            &entries,
            &none_held(good.iter().map(|(_, p)| p.clone()).collect()),
            &now.to_string(),
            user.user.id.as_str(),
            audits,
        )
        .await?;
    report.added = good
        .into_iter()
        .zip(ids)
        .map(|((line, p), id)| UniversityImported {
            line,
            id,
            name: p.names[0].clone(),
        })
        .collect();
    Ok(report)
}

/// The reason's problem, if any.
pub fn reason_problem(reason: &str) -> Option<(&'static str, String)> {
    let r = reason.trim();
    if r.is_empty() {
        Some(("请填写撤回原因", "give the reason for withdrawing".into()))
    } else if r.chars().count() > REASON_MAX {
        Some((
            "撤回原因不能超过 200 个字",
            format!("at most {REASON_MAX} characters"),
        ))
    } else {
        None
    }
}

/// Withdraws an addition (talent office): kept and shown as withdrawn with
/// the reason, no longer counted by verifications from now on; those that
/// relied on it keep their record.
pub async fn withdraw(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    reason: &str,
) -> ApiResult<UniversityAddition> {
    office(user)?;
    if let Some((zh, en)) = reason_problem(reason) {
        return Err(
            ApiError::unprocessable("invalid_reason", format!("{zh} ({en})")).field("reason"),
        );
    }
    let before = one(st, id).await?;
    let now = st.clock.now();
    let a = audit(
        user,
        now,
        "university.withdraw".into(),
        format!("university:{id}"),
        json!({ "list": before.list, "names": before.names, "reason": reason.trim(),
                "relied_on": before.relied_on }),
    );
    st.store
        .subsidies()
        .uni_withdraw(
            id,
            reason.trim(),
            &now.to_string(),
            user.user.id.as_str(),
            a,
        )
        .await?;
    one(st, id).await
}

/// A `top` university claim looked up in the shipped lists and the
/// additions in effect on `today` (阳政办发〔2022〕39号 二（三）): what the
/// verification records (list, name, source; `origin` shipped or office,
/// with the addition's id, who added it and when) and the addition's id
/// when one was relied on. A university on no list is refused beside
/// `university_name` with the article and the sources.
pub async fn lookup(
    st: &AppState,
    name: &str,
    today: NaiveDate,
) -> ApiResult<(Value, Option<String>)> {
    let shipped = lists()?;
    let rows = held(st).await?;
    let lookups: Vec<Addition> = rows.iter().map(lookup_of).collect();
    let name = name.trim();
    match adds::find(shipped, &lookups, name, today) {
        Some(found) => {
            let mut v = json!({
                "name": found.name,
                "list": found.list.key,
                "list_title": found.list.zh,
            });
            match found
                .addition
                .and_then(|a| rows.iter().find(|r| r.id == a.id))
            {
                None => {
                    v["origin"] = json!("shipped");
                    v["effective"] = json!(found.list.effective);
                    v["source_title"] = json!(found.list.source_title);
                    v["source_url"] = json!(found.list.source_url);
                    Ok((v, None))
                }
                Some(r) => {
                    v["origin"] = json!("office");
                    v["entry"] = json!(r.id);
                    v["effective"] = json!(r.effective);
                    v["source_title"] = json!(r.source_title);
                    v["source_ref"] = json!(r.source_ref);
                    v["added_by"] = json!(r.added_by_name);
                    v["added_at"] = json!(r.added_at);
                    Ok((v, Some(r.id.clone())))
                }
            }
        }
        None => {
            let shown = if name.is_empty() {
                "（未填写）"
            } else {
                name
            };
            let partial = if shipped.complete {
                ""
            } else {
                "本系统所存名单为节选，如确属官方名单内高校，请先在“高校名单”页按官方通知补录后再核验；"
            };
            Err(ApiError::unprocessable(
                "university_not_listed",
                format!(
                    "毕业院校“{shown}”不在世界排名前200名的境外一流大学或国内“双一流”高校名单中，不能按该类别核验通过（{}；名单：{}）。{partial} (the university is not on the world top-200 or Double First-Class list, so it cannot be verified in that category; if it is on the official list, add it on the university lists page first)",
                    TALENT_UNIVERSITIES.short(),
                    shipped.sources()
                ),
            )
            .field("university_name"))
        }
    }
}

/// What the lists say of `name` on `today`, for the case page: the list's
/// title and the source (shipped or the office's addition), or None.
pub async fn describe(
    st: &AppState,
    name: &str,
    today: NaiveDate,
) -> ApiResult<Option<(String, String, String)>> {
    match lookup(st, name, today).await {
        Ok((v, entry)) => {
            let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
            let source = match entry {
                None => format!("{}，{}", s("source_title"), s("effective")),
                Some(id) => format!(
                    "{}（{}），{}；补录 {id}",
                    s("source_title"),
                    s("source_ref"),
                    s("effective")
                ),
            };
            Ok(Some((
                s("list_title"),
                v["list"].as_str().unwrap_or("").to_owned(),
                source,
            )))
        }
        Err(e) if e.code == "university_not_listed" => Ok(None),
        Err(e) => Err(e),
    }
}
