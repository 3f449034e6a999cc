//! Developer projects (the project ledger of 000 一（一）, 五（二）) and their
//! pre-sale fund accounts: deposits, bank guarantees and release requests,
//! each checked by `anju_market::presale` and appended to the ledger with
//! the checks it was given.

use anju_idcodes::CreditCode;
use anju_market::leader::{leader_level, LeaderLevel};
use anju_market::presale::{self, Allowance, FundState, Grade};
use anju_market::{Area, Check, Fen};
use anju_store::{FundEntryRecord, MarketProjectRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A new developer project.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMarketProject {
    #[schema(example = "KF-2026-01")]
    pub id: String,
    pub name: String,
    #[schema(example = "140302")]
    pub district: String,
    pub developer: String,
    /// Unified social credit code (GB 32100).
    pub credit_code: String,
    /// AAA, AA, A, B, C or D; empty when not graded.
    #[serde(default)]
    pub grade: Option<String>,
    #[schema(example = "1500000000")]
    pub investment_yuan: String,
    /// Floor area to be sold on pre-sale (the base of the supervised amount).
    #[schema(example = "80000")]
    pub counted_m2: String,
}

/// A project with its ledger's sums and what may be released now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub district: String,
    pub id: String,
    pub name: String,
    pub developer: String,
    pub credit_code: String,
    pub grade: Option<String>,
    pub investment: Fen,
    pub counted_area: Area,
    pub supervised: Fen,
    pub stage: String,
    pub node: String,
    pub risk: String,
    pub version: i64,
    pub leader: LeaderLevel,
    pub leader_checks: Vec<Check>,
    pub deposited: Fen,
    pub released: Fen,
    pub guarantee: Fen,
    pub allowance: Allowance,
    pub allowance_checks: Vec<Check>,
}

/// One ledger line.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundEntryJson {
    pub seq: i64,
    /// deposit | release | guarantee | refused
    pub kind: String,
    pub amount: Fen,
    pub node: String,
    pub note: String,
    pub at: String,
    pub by: String,
    #[schema(value_type = Vec<Object>)]
    pub checks: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDetail {
    pub project: ProjectView,
    pub ledger: Vec<FundEntryJson>,
}

fn parse_grade(s: Option<&str>) -> ApiResult<Option<Grade>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(g) => g.parse().map(Some).map_err(|e: String| bad("grade", e)),
    }
}

fn sums(ledger: &[FundEntryRecord]) -> (Fen, Fen, Fen) {
    let sum = |k: &str| {
        Fen(ledger
            .iter()
            .filter(|e| e.kind == k)
            .map(|e| e.amount_fen)
            .sum())
    };
    (sum("deposit"), sum("release"), sum("guarantee"))
}

pub fn project_view(
    rules: &anju_market::MarketRules,
    r: &MarketProjectRecord,
    ledger: &[FundEntryRecord],
    as_of: chrono::NaiveDate,
) -> ApiResult<ProjectView> {
    let grade = parse_grade(r.grade.as_deref())?;
    let (deposited, released, guarantee) = sums(ledger);
    let st = FundState {
        supervised: Fen(r.supervised_fen),
        deposited,
        released,
        guarantee,
        node: &r.node,
        grade,
    };
    let a = presale::allowance(rules, as_of, &st).map_err(rules_error)?;
    let l = leader_level(rules, as_of, Fen(r.investment_fen)).map_err(rules_error)?;
    Ok(ProjectView {
        district: r.district.clone(),
        id: r.id.clone(),
        name: r.name.clone(),
        developer: r.developer.clone(),
        credit_code: r.credit_code.clone(),
        grade: r.grade.clone(),
        investment: Fen(r.investment_fen),
        counted_area: Area(r.counted_area),
        supervised: Fen(r.supervised_fen),
        stage: r.stage.clone(),
        node: r.node.clone(),
        risk: r.risk.clone(),
        version: r.version,
        leader: l.outcome,
        leader_checks: l.checks,
        deposited,
        released,
        guarantee,
        allowance: a.outcome,
        allowance_checks: a.checks,
    })
}

pub async fn add_project(
    st: &AppState,
    user: &CurrentUser,
    p: NewMarketProject,
) -> ApiResult<ProjectView> {
    may_write(user)?;
    let id = p.id.trim();
    if id.is_empty() || id.chars().count() > 64 {
        return Err(bad(
            "id",
            "项目编号不能为空，且不超过64个字符 (project id: 1 to 64 characters)".into(),
        ));
    }
    if p.name.trim().is_empty() {
        return Err(bad("name", "项目名称不能为空 (name is required)".into()));
    }
    if p.developer.trim().is_empty() {
        return Err(bad(
            "developer",
            "开发企业名称不能为空 (developer is required)".into(),
        ));
    }
    if !known_district(&p.district) {
        return Err(bad(
            "district",
            format!(
                "县区代码“{}”不是本市的县区 (not a district of this city)",
                p.district
            ),
        ));
    }
    let code = CreditCode::parse(p.credit_code.trim())
        .map_err(|e| bad("credit_code", format!("统一社会信用代码有误：{e}")))?;
    let grade = parse_grade(p.grade.as_deref())?;
    let investment = anju_market::units::parse_hundredths(&p.investment_yuan)
        .map(Fen)
        .ok_or_else(|| {
            bad(
                "investment_yuan",
                "总投资应为非负金额（元） (investment: yuan)".into(),
            )
        })?;
    let area = Area::parse_m2(&p.counted_m2).ok_or_else(|| {
        bad(
            "counted_m2",
            "预售面积应为非负面积（平方米） (area: square metres)".into(),
        )
    })?;
    let (supervised, formula) =
        presale::supervised_amount(rules(st)?, st.clock.today(), area).map_err(rules_error)?;
    let now = st.clock.now().to_string();
    let rec = MarketProjectRecord {
        district: p.district.clone(),
        id: id.to_string(),
        name: p.name.trim().to_string(),
        developer: p.developer.trim().to_string(),
        credit_code: code.to_string(),
        grade: grade.map(|g| g.as_str().to_string()),
        investment_fen: investment.0,
        counted_area: area.0,
        supervised_fen: supervised.0,
        stage: "building".into(),
        node: "start".into(),
        risk: "normal".into(),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    st.store
        .market()
        .market_add_project(&rec, draft(user, st, "market.project_create", format!("market_project:{}/{}", rec.district, rec.id), json!({"investment_fen": rec.investment_fen, "supervised_fen": rec.supervised_fen, "supervised_formula": formula})))
        .await?;
    project_view(rules(st)?, &rec, &[], st.clock.today())
}

pub async fn projects(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<ProjectView>> {
    may_read(user)?;
    let m = st.store.market();
    let mut out = Vec::new();
    for p in m.market_projects().await? {
        let ledger = m
            .market_project(&p.district, &p.id)
            .await?
            .map(|x| x.1)
            .unwrap_or_default();
        out.push(project_view(rules(st)?, &p, &ledger, st.clock.today())?);
    }
    Ok(out)
}

fn not_found(district: &str, id: &str) -> ApiError {
    ApiError::not_found(&format!(
        "开发项目 {district}/{id} (development project {district}/{id})"
    ))
}

pub async fn project(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
    id: &str,
) -> ApiResult<ProjectDetail> {
    may_read(user)?;
    let (p, ledger) = st
        .store
        .market()
        .market_project(district, id)
        .await?
        .ok_or_else(|| not_found(district, id))?;
    let view = project_view(rules(st)?, &p, &ledger, st.clock.today())?;
    Ok(ProjectDetail {
        project: view,
        ledger: ledger
            .into_iter()
            .map(|e| FundEntryJson {
                seq: e.seq,
                kind: e.kind,
                amount: Fen(e.amount_fen),
                node: e.node,
                note: e.note,
                at: e.at,
                by: e.by_user,
                checks: serde_json::from_str(&e.explanation_json)
                    .unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    })
}

/// A change of a project's grade, construction node, stage or risk.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectUpdate {
    #[serde(default)]
    pub grade: Option<String>,
    /// A node key of the city's release ladder, e.g. `topped`.
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub stage: Option<String>,
    /// normal | watch | overdue | risk
    #[serde(default)]
    pub risk: Option<String>,
    pub version: i64,
}

pub async fn update_project(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
    id: &str,
    u: ProjectUpdate,
) -> ApiResult<ProjectDetail> {
    may_write(user)?;
    let (mut p, _) = st
        .store
        .market()
        .market_project(district, id)
        .await?
        .ok_or_else(|| not_found(district, id))?;
    if let Some(g) = u.grade.as_deref() {
        p.grade = parse_grade(Some(g))?.map(|g| g.as_str().to_string());
    }
    if let Some(n) = u.node.as_deref() {
        let ladder = rules(st)?.ladder(st.clock.today()).map_err(rules_error)?;
        if !ladder.nodes.iter().any(|x| x.key == n) {
            let keys: Vec<&str> = ladder.nodes.iter().map(|x| x.key.as_str()).collect();
            return Err(bad(
                "node",
                format!(
                    "施工节点应为 {} 之一 (node must be one of these)",
                    keys.join("、")
                ),
            ));
        }
        p.node = n.to_string();
    }
    if let Some(s) = u.stage.as_deref() {
        if s.trim().is_empty() || s.chars().count() > 32 {
            return Err(bad(
                "stage",
                "项目阶段不能为空，且不超过32个字符 (stage: 1 to 32 characters)".into(),
            ));
        }
        p.stage = s.trim().to_string();
    }
    if let Some(r) = u.risk.as_deref() {
        if !["normal", "watch", "overdue", "risk"].contains(&r) {
            return Err(bad("risk", "风险状态应为 normal、watch、overdue 或 risk (risk must be normal, watch, overdue or risk)".into()));
        }
        p.risk = r.to_string();
    }
    p.version = u.version;
    p.updated_at = st.clock.now().to_string();
    st.store
        .market()
        .market_update_project(
            &p,
            draft(
                user,
                st,
                "market.project_update",
                format!("market_project:{district}/{id}"),
                json!({"grade": p.grade, "node": p.node, "stage": p.stage, "risk": p.risk}),
            ),
        )
        .await?;
    project(st, user, district, id).await
}

/// A fund entry: a deposit, a bank guarantee, or a release request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FundRequest {
    /// deposit | guarantee | release
    #[schema(example = "release")]
    pub kind: String,
    /// Yuan, at most two decimals.
    #[schema(example = "1000000")]
    pub amount_yuan: String,
    #[serde(default)]
    pub note: String,
    /// The project version the caller saw (the ledger must not have moved).
    pub version: i64,
}

/// What a fund request gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundOutcome {
    /// Whether the entry was accepted (a refused release is still recorded).
    pub approved: bool,
    pub seq: i64,
    pub checks: Vec<Check>,
    pub project: ProjectView,
}

pub async fn fund_entry(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
    id: &str,
    r: FundRequest,
) -> ApiResult<FundOutcome> {
    may_write(user)?;
    let amount = anju_market::units::parse_hundredths(&r.amount_yuan)
        .filter(|v| *v > 0)
        .map(Fen)
        .ok_or_else(|| {
            bad(
                "amount_yuan",
                "金额应为大于0的数（元），最多两位小数 (amount: yuan above zero)".into(),
            )
        })?;
    if r.note.chars().count() > 200 {
        return Err(bad(
            "note",
            "备注不超过200个字 (note: at most 200 characters)".into(),
        ));
    }
    let (p, ledger) = st
        .store
        .market()
        .market_project(district, id)
        .await?
        .ok_or_else(|| not_found(district, id))?;
    if p.version != r.version {
        return Err(ApiError::conflict(format!(
            "项目 {district}/{id} 已被他人修改（当前版本{}），请刷新后重试 (project changed meanwhile; reload)",
            p.version
        )));
    }
    let rules = rules(st)?;
    let today = st.clock.today();
    let grade = parse_grade(p.grade.as_deref())?;
    let (deposited, released, guarantee) = sums(&ledger);
    let fs = FundState {
        supervised: Fen(p.supervised_fen),
        deposited,
        released,
        guarantee,
        node: &p.node,
        grade,
    };
    let (kind, approved, checks) = match r.kind.as_str() {
        "deposit" => ("deposit", true, vec![]),
        "guarantee" => {
            let e = presale::check_guarantee(rules, today, &fs, amount).map_err(rules_error)?;
            if !e.all_hold() {
                let why: Vec<String> = e.checks.iter().filter(|c| !c.holds).map(|c| c.message.clone()).collect();
                // Two refusals: over the city's cap, or no guarantee rule at all.
                let code = if rules.has_param("guarantee_max_percent") { "guarantee_over_cap" } else { "guarantee_not_regulated" };
                return Err(ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, code, why.join("；")).field("amount_yuan"));
            }
            ("guarantee", true, e.checks)
        }
        "release" => {
            let e = presale::check_release(rules, today, &fs, amount).map_err(rules_error)?;
            let ok = e.all_hold();
            (if ok { "release" } else { "refused" }, ok, e.checks)
        }
        _ => return Err(bad("kind", "类型应为 deposit（入账）、guarantee（保函）或 release（拨付申请） (kind must be deposit, guarantee or release)".into())),
    };
    let entry = FundEntryRecord {
        district: district.into(),
        project_id: id.into(),
        seq: 0,
        kind: kind.into(),
        amount_fen: amount.0,
        node: p.node.clone(),
        note: r.note.trim().to_string(),
        explanation_json: serde_json::to_string(&checks)
            .map_err(|e| ApiError::internal(e.to_string()))?,
        at: st.clock.now().to_string(),
        by_user: user.user.username.clone(),
    };
    let seq = st
        .store
        .market()
        .market_append_fund(
            &entry,
            p.version,
            draft(
                user,
                st,
                &format!("market.fund_{kind}"),
                format!("market_project:{district}/{id}"),
                json!({"amount_fen": amount.0, "node": p.node}),
            ),
        )
        .await?;
    let detail = project(st, user, district, id).await?;
    Ok(FundOutcome {
        approved,
        seq,
        checks,
        project: detail.project,
    })
}
