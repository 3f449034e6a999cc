//! The annual purchase plan: proposed by the optimiser from the frozen
//! survey, the screened pool, the caps and the budget; editable by the
//! company; approved by the city bureau (with the own-capital check where
//! the city has one), which opens a purchase per bought lot.

use anju_acquisition::plan::{self, Lot, PlanInput, Reason};
use anju_acquisition::{check_own_capital, pool, Band, SolveStatus};
use anju_allotment::Fen;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::common::*;
use super::purchase::{HomeLine, PurchaseDoc};
use super::survey::{offers, surveys, SurveyDoc};
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// The solver's time limit: the plan and its explanation within 10 s.
pub const TIME_LIMIT_S: f64 = 8.0;
/// The relative gap at which the solver may stop (0.5 %).
pub const MIP_GAP: f32 = 0.005;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = AcquisitionPlanRequest)]
pub struct PlanRequest {
    #[schema(example = "2026")]
    pub year: String,
    #[schema(example = "YQ-AJ")]
    pub company_id: String,
    #[schema(example = "30000000")]
    pub own_capital_yuan: String,
    #[schema(example = "100000000")]
    pub loans_yuan: String,
    #[schema(example = "20000000")]
    pub special_funds_yuan: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Budget {
    pub own_capital: Fen,
    pub loans: Fen,
    pub special_funds: Fen,
}

impl Budget {
    pub fn total(&self) -> Fen {
        Fen::new(self.own_capital.fen() + self.loans.fen() + self.special_funds.fen())
    }
}

/// One line of the explanation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineDoc {
    pub lot: String,
    pub district: String,
    pub whole: bool,
    pub homes: [u64; 3],
    pub cost: Fen,
    pub chosen: bool,
    pub reason_zh: String,
    pub reason_en: String,
    pub families: u64,
    pub delta: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanDoc {
    pub id: String,
    pub year: String,
    pub company_id: String,
    pub survey_id: String,
    pub budget: Budget,
    #[schema(value_type = Vec<Object>)]
    pub lots: Vec<Lot>,
    pub chosen: Vec<bool>,
    pub cost: Fen,
    pub homes: u64,
    pub main_homes: u64,
    pub covered: [u64; 3],
    pub families: [u64; 3],
    /// optimal | within_gap | time_limited | greedy | edited
    pub solved: String,
    pub gap_pct: Option<f64>,
    pub solve_ms: u64,
    pub lines: Vec<LineDoc>,
    /// draft | approved
    pub state: String,
    pub approved_on: Option<chrono::NaiveDate>,
    /// The own-capital check's outcome, with its citation.
    pub own_capital_check: String,
    /// The company's edits before approval, oldest first, each with the
    /// lots it put in or took out and why (issue 15 item 4: "editable by
    /// the company"). A plan solved again starts with none.
    #[serde(default)]
    pub edits: Vec<PlanEditNote>,
}

/// One edit of a draft plan by the company.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanEditNote {
    pub on: chrono::NaiveDate,
    pub by: String,
    /// Lots put into the plan by this edit.
    pub added: Vec<String>,
    /// Lots taken out of the plan by this edit.
    pub removed: Vec<String>,
    pub reason: String,
}

fn demand_of(s: &SurveyDoc) -> BTreeMap<(String, Band), [u64; 3]> {
    s.demand
        .iter()
        .map(|l| ((l.district.clone(), l.band), l.tiers))
        .collect()
}

fn lines(lots: &[Lot], ls: &[plan::Line]) -> Vec<LineDoc> {
    lots.iter()
        .zip(ls)
        .map(|(l, x)| LineDoc {
            lot: l.id.clone(),
            district: l.district.clone(),
            whole: l.whole,
            homes: l.homes,
            cost: l.cost,
            chosen: x.chosen,
            reason_zh: x.reason.zh(),
            reason_en: x.reason.en(),
            families: x.families,
            delta: (x.delta * 100.0).round() / 100.0,
        })
        .collect()
}

fn solved_key(s: SolveStatus) -> &'static str {
    match s {
        SolveStatus::Optimal => "optimal",
        SolveStatus::WithinGap => "within_gap",
        SolveStatus::TimeLimited => "time_limited",
        SolveStatus::Greedy => "greedy",
    }
}

/// Proposes a plan with the optimiser (a new draft, or replacing a draft).
pub async fn propose(st: &AppState, user: &CurrentUser, r: &PlanRequest) -> ApiResult<PlanDoc> {
    may_work(user)?;
    let p = policy(st);
    let year = text(&r.year, "year", 4)?;
    let company_id = text(&r.company_id, "company_id", 32)?;
    load(st, COMPANY, &company_id, "收购主体 (company)").await?;
    let budget = Budget {
        own_capital: yuan(&r.own_capital_yuan, "own_capital_yuan")?,
        loans: yuan(&r.loans_yuan, "loans_yuan")?,
        special_funds: yuan(&r.special_funds_yuan, "special_funds_yuan")?,
    };
    let Some(survey) = surveys(st).await?.pop() else {
        return Err(ApiError::conflict(
            "请先冻结需求摸排 (freeze a demand survey first)",
        ));
    };
    // A building/unit an earlier approved plan already bought (it has a
    // purchase) is not offered again: a new plan would otherwise buy the
    // same homes twice for the same frozen demand.
    let bought: std::collections::BTreeSet<String> = super::purchase::purchases(st)
        .await?
        .into_iter()
        .map(|(d, _)| d.lot)
        .collect();
    let pool: Vec<_> = offers(st)
        .await?
        .into_iter()
        .filter(|o| o.screening.eligible && !bought.contains(&o.lot))
        .map(|o| {
            let s = anju_acquisition::Screening {
                failures: vec![],
                notes: vec![],
                band: o.screening.band,
            };
            (o.home, s)
        })
        .collect();
    let lots = pool::lots(&pool);
    if lots.is_empty() {
        return Err(ApiError::conflict(
            "房源备选库中没有通过筛查的房源 (no screened home in the pool)",
        ));
    }
    let demand = demand_of(&survey);
    let input = PlanInput {
        lots: &lots,
        demand: &demand,
        weights: p.priority.weights,
        budget: budget.total(),
        main_share_pct: p
            .rules
            .main_band
            .min_share_pct
            .filter(|_| p.rules.main_band.applies),
    };
    let proposal = plan::optimise_with(&input, TIME_LIMIT_S, MIP_GAP)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let families = survey.demand.iter().fold([0u64; 3], |mut a, l| {
        for (x, y) in a.iter_mut().zip(l.tiers) {
            *x += y;
        }
        a
    });
    let id = format!("{year}-{company_id}");
    let doc = PlanDoc {
        id: id.clone(),
        year,
        company_id: company_id.clone(),
        survey_id: survey.id.clone(),
        budget,
        lines: lines(&lots, &proposal.lines),
        chosen: proposal.chosen.clone(),
        cost: proposal.evaluation.cost,
        homes: proposal.evaluation.homes,
        main_homes: proposal.evaluation.main_homes,
        covered: proposal.evaluation.covered,
        families,
        solved: solved_key(proposal.status).into(),
        gap_pct: proposal.gap_pct().map(|g| (g * 100.0).round() / 100.0),
        solve_ms: proposal.solve_ms as u64,
        lots,
        state: "draft".into(),
        approved_on: None,
        own_capital_check: String::new(),
        edits: Vec::new(),
    };
    let now = st.clock.now();
    let a = audit(
        user,
        now,
        "acquisition.plan_propose".into(),
        format!("plan:{id}"),
        json!({"lots": doc.chosen.iter().filter(|c| **c).count(), "cost_fen": doc.cost.fen(), "solved": doc.solved}),
    );
    match st.store.acquisition().acq_get(PLAN, &id).await? {
        Some(old) if old.status == "approved" => {
            return Err(ApiError::conflict(format!(
                "{id} 已批准，不能重新生成 (approved: cannot be replaced)"
            )))
        }
        Some(old) => {
            st.store
                .acquisition()
                .acq_update(&[changed(st, &old, "draft", &doc)?], a)
                .await?
        }
        None => {
            st.store
                .acquisition()
                .acq_insert(&[new_record(st, PLAN, &id, &company_id, "draft", &doc)?], a)
                .await?
        }
    }
    Ok(doc)
}

pub async fn plans(st: &AppState) -> ApiResult<Vec<(PlanDoc, i64)>> {
    st.store
        .acquisition()
        .acq_list(PLAN)
        .await?
        .iter()
        .map(|r| body(r).map(|b| (b, r.version)))
        .collect()
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PlanEdit {
    /// The lots to buy.
    pub lots: Vec<String>,
    pub version: i64,
    /// Why the company puts lots in or takes them out (required).
    #[schema(example = "3号楼2单元产权抵押尚未解除，暂不收购")]
    #[serde(default)]
    pub reason: String,
}

/// The company's edit: the lots it chooses, evaluated and explained; an
/// edit over budget or below the 70–120 m² share is refused.
pub async fn edit(st: &AppState, user: &CurrentUser, id: &str, e: &PlanEdit) -> ApiResult<PlanDoc> {
    may_work(user)?;
    let p = policy(st);
    let mut rec = load(st, PLAN, id, "收购计划 (plan)").await?;
    if rec.status != "draft" {
        return Err(ApiError::conflict(
            "计划已批准，不能修改 (the plan is approved)",
        ));
    }
    rec.version = e.version;
    let reason = text(&e.reason, "reason", 500)?;
    let mut doc: PlanDoc = body(&rec)?;
    for l in &e.lots {
        if !doc.lots.iter().any(|x| &x.id == l) {
            return Err(ApiError::bad_request(
                "unknown_lot",
                format!("备选库中没有 {l} (no such lot)"),
            )
            .field("lots"));
        }
    }
    let chosen: Vec<bool> = doc.lots.iter().map(|l| e.lots.contains(&l.id)).collect();
    let moved = |now: bool| -> Vec<String> {
        doc.lots
            .iter()
            .zip(doc.chosen.iter().zip(&chosen))
            .filter(|(_, (was, is))| **was != now && **is == now)
            .map(|(l, _)| l.id.clone())
            .collect()
    };
    let (added, removed) = (moved(true), moved(false));
    if added.is_empty() && removed.is_empty() {
        return Err(ApiError::unprocessable(
            "unchanged",
            "没有调整任何栋/单元 (no building/unit put in or taken out)",
        )
        .field("lots"));
    }
    let survey = load(st, SURVEY, &doc.survey_id, "需求摸排 (survey)").await?;
    let demand = demand_of(&body(&survey)?);
    let input = PlanInput {
        lots: &doc.lots,
        demand: &demand,
        weights: p.priority.weights,
        budget: doc.budget.total(),
        main_share_pct: p
            .rules
            .main_band
            .min_share_pct
            .filter(|_| p.rules.main_band.applies),
    };
    let ev = plan::evaluate(&input, &chosen);
    if ev.over_budget {
        return Err(ApiError::unprocessable(
            "over_budget",
            format!(
                "所选房源共 {} 元，超过预算 {} 元 (over budget)",
                ev.cost,
                doc.budget.total()
            ),
        )
        .field("lots"));
    }
    if ev.below_share {
        return Err(ApiError::unprocessable(
            "below_share",
            format!(
                "70–120㎡户型 {} 套 / 共 {} 套，低于 {}%（{}） (below the 70–120 m² share)",
                ev.main_homes,
                ev.homes,
                input.main_share_pct.unwrap_or(0),
                p.rules.main_band.cited()
            ),
        )
        .field("lots"));
    }
    let ls = plan::explain(&input, &chosen);
    doc.lines = lines(&doc.lots, &ls);
    doc.chosen = chosen;
    doc.cost = ev.cost;
    doc.homes = ev.homes;
    doc.main_homes = ev.main_homes;
    doc.covered = ev.covered;
    doc.solved = "edited".into();
    doc.edits.push(PlanEditNote {
        on: st.clock.today(),
        by: user.user.username.clone(),
        added: added.clone(),
        removed: removed.clone(),
        reason: reason.clone(),
    });
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_update(
            &[changed(st, &rec, "draft", &doc)?],
            audit(
                user,
                now,
                "acquisition.plan_edit".into(),
                format!("plan:{id}"),
                json!({"lots": e.lots, "added": added, "removed": removed, "reason": reason}),
            ),
        )
        .await?;
    Ok(doc)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Approval {
    pub version: i64,
}

/// The city bureau approves a draft: the own-capital check (where the city
/// has one), then a purchase opens for every lot bought.
pub async fn approve(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    a: &Approval,
) -> ApiResult<PlanDoc> {
    may_approve(user)?;
    let p = policy(st);
    let mut rec = load(st, PLAN, id, "收购计划 (plan)").await?;
    if rec.status != "draft" {
        return Err(ApiError::conflict("计划已批准 (already approved)"));
    }
    rec.version = a.version;
    let mut doc: PlanDoc = body(&rec)?;
    check_own_capital(&p, doc.budget.own_capital, doc.cost).map_err(|e| {
        ApiError::unprocessable("own_capital", e.to_string()).field("own_capital_yuan")
    })?;
    doc.own_capital_check = if p.rules.own_capital.applies {
        format!(
            "自有资金 {} 元 ≥ 计划总额 {} 元 × {}%（{}）",
            doc.budget.own_capital,
            doc.cost,
            p.rules.own_capital.min_pct.unwrap_or(0),
            p.rules.own_capital.cited()
        )
    } else {
        format!(
            "本市无自有资金比例要求；自有资金 {} 元（{}）",
            doc.budget.own_capital,
            p.rules
                .own_capital
                .interpretation
                .clone()
                .unwrap_or_default()
        )
    };
    let today = st.clock.today();
    doc.state = "approved".into();
    doc.approved_on = Some(today);
    let offers = offers(st).await?;
    let mut purchases = Vec::new();
    for (n, (lot, on)) in doc.lots.iter().zip(&doc.chosen).enumerate() {
        if !on {
            continue;
        }
        let homes: Vec<HomeLine> = offers
            .iter()
            .filter(|o| o.lot == lot.id && o.screening.eligible)
            .map(|o| HomeLine {
                home: o.home.home.clone(),
                area: o.home.area,
                layout: o.home.layout.clone(),
                asking: o.home.asking,
                price: o.home.asking,
                allotted_to: None,
            })
            .collect();
        let first = offers.iter().find(|o| o.lot == lot.id);
        let pd = PurchaseDoc::new(
            format!("{id}-{}", n + 1),
            id.to_string(),
            doc.company_id.clone(),
            lot.id.clone(),
            lot.district.clone(),
            first.map(|o| o.home.project.clone()).unwrap_or_default(),
            first
                .map(|o| o.home.purpose)
                .unwrap_or(anju_acquisition::Purpose::Sale),
            homes,
        );
        purchases.push(new_record(
            st,
            PURCHASE,
            &pd.id,
            &doc.company_id,
            "planned",
            &pd,
        )?);
    }
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_commit(
            &[changed(st, &rec, "approved", &doc)?],
            &purchases,
            audit(
                user,
                now,
                "acquisition.plan_approve".into(),
                format!("plan:{id}"),
                json!({"purchases": purchases.len()}),
            ),
        )
        .await?;
    Ok(doc)
}

/// Why a reason key (for tests and pages).
pub fn reason_kind(r: &Reason) -> &'static str {
    match r {
        Reason::Covers => "covers",
        Reason::KeepsShare => "keeps_share",
        Reason::NoDemand => "no_demand",
        Reason::OverBudget { .. } => "over_budget",
        Reason::BreaksShare => "breaks_share",
        Reason::Outweighed => "outweighed",
    }
}
