//! The purchase plan (以需定购): which lots (whole buildings or units, or a
//! developer's scattered homes) to buy so that the most priority-weighted
//! demand per district and size band is covered within the budget, keeping
//! the 70–120 m² share, preferring whole lots. An integer program solved by
//! `good_lp` with the pure-Rust `microlp` solver; every lot explained.
//!
//! Model (docs/acquisition.md, "The optimiser"):
//!
//! * `x_l ∈ {0,1}`: buy lot `l` whole (the plan buys buildings/units, so a
//!   lot is the decision variable, not a home).
//! * `c_{g,t} ∈ [0, d_{g,t}]`: families of tier `t` in group `g` = (district,
//!   band) covered; `d` is the frozen survey.
//! * `Σ_t c_{g,t} ≤ Σ_l n_{l,g} x_l`: a family is covered by a home bought in
//!   its district and band.
//! * `Σ_l cost_l x_l ≤ budget` (own capital + loans + special funds).
//! * `Σ_l (100·main_l − s·homes_l) x_l ≥ 0`: at least `s` % of the homes
//!   bought are 70–120 m².
//! * maximise `Σ w_t c_{g,t} − P·Σ_{scattered l} homes_l x_l − ε·Σ cost_l x_l`
//!   (w from the policy's tiers; P = 1 per scattered home, the whole-lot
//!   preference; ε = 10⁻⁴ per 万元, so among equal covers the cheaper wins
//!   and a lot that covers nobody is never bought).

use anju_allotment::Fen;
use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, ResolutionError, Solution,
    SolverModel, Variable, WithInitialSolution, WithMipGap, WithTimeLimit,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::screen::Band;
use crate::survey::TierCounts;

/// Penalty per home of a lot that is not a whole building or unit.
pub const SCATTERED_PENALTY: f64 = 1.0;
/// Penalty per 万元 of cost (a tie-break).
pub const COST_EPSILON: f64 = 1e-4;

/// A lot the plan may buy: screened-eligible homes of one building/unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub id: String,
    pub district: String,
    /// A whole building or unit (preferred).
    pub whole: bool,
    /// Homes per band (Small, Main, Large).
    pub homes: [u64; 3],
    /// Agreed or asking prices summed (each within its cap).
    pub cost: Fen,
}

impl Lot {
    pub fn total(&self) -> u64 {
        self.homes.iter().sum()
    }
}

/// What the optimiser is given.
#[derive(Debug, Clone)]
pub struct PlanInput<'a> {
    pub lots: &'a [Lot],
    pub demand: &'a BTreeMap<(String, Band), TierCounts>,
    /// Weight per tier (policy `priority.weights`).
    pub weights: [u32; 3],
    pub budget: Fen,
    /// Minimum share of 70–120 m² homes, percent (None: no such rule).
    pub main_share_pct: Option<u64>,
}

/// How the plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal by the solver.
    Optimal,
    /// Proven within the requested relative gap of the best possible.
    WithinGap,
    /// The time limit ended the search: the best plan found.
    TimeLimited,
    /// The solver found nothing better than the greedy start in time: the
    /// greedy plan (by covered value per yuan).
    Greedy,
}

impl SolveStatus {
    pub fn zh(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "已证明最优",
            SolveStatus::WithinGap => "在允许误差内最优",
            SolveStatus::TimeLimited => "限时内找到的最好方案",
            SolveStatus::Greedy => "贪心方案（限时内求解器未改进）",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "proven optimal",
            SolveStatus::WithinGap => "optimal within the allowed gap",
            SolveStatus::TimeLimited => "best found within the time limit",
            SolveStatus::Greedy => "greedy plan (the solver did not improve it in time)",
        }
    }
}

/// An evaluated choice of lots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub cost: Fen,
    pub homes: u64,
    pub main_homes: u64,
    /// Families covered per tier.
    pub covered: TierCounts,
    pub value: f64,
    pub over_budget: bool,
    pub below_share: bool,
}

impl Evaluation {
    pub fn feasible(&self) -> bool {
        !self.over_budget && !self.below_share
    }
}

/// Why one lot is in or out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub lot: String,
    pub chosen: bool,
    pub reason: Reason,
    /// Families this lot covers (in) or would cover (out) given the rest.
    pub families: u64,
    /// The change in the objective if this lot were taken out (in) or
    /// added (out).
    pub delta: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// In: covers families that no other chosen lot covers.
    Covers,
    /// In: needed to keep the 70–120 m² share.
    KeepsShare,
    /// Out: no unmet demand in its district and bands.
    NoDemand,
    /// Out: its cost is above what the budget has left.
    OverBudget { cost: Fen, left: Fen },
    /// Out: it would bring the 70–120 m² share below the minimum.
    BreaksShare,
    /// Out: the chosen combination covers more priority-weighted demand.
    Outweighed,
}

impl Reason {
    pub fn zh(&self) -> String {
        match self {
            Reason::Covers => "购入：覆盖本区该面积段的轮候家庭".into(),
            Reason::KeepsShare => "购入：维持70–120㎡户型占比".into(),
            Reason::NoDemand => "不购：所在区、面积段已无未满足的需求".into(),
            Reason::OverBudget { cost, left } => {
                format!("不购：需 {cost} 元，预算仅余 {left} 元")
            }
            Reason::BreaksShare => "不购：会使70–120㎡户型占比低于下限".into(),
            Reason::Outweighed => "不购：已选组合覆盖的优先加权需求更多".into(),
        }
    }
    pub fn en(&self) -> String {
        match self {
            Reason::Covers => "in: covers waiting families of its district and size band".into(),
            Reason::KeepsShare => "in: keeps the 70–120 m² share".into(),
            Reason::NoDemand => "out: no unmet demand in its district and size bands".into(),
            Reason::OverBudget { cost, left } => {
                format!("out: costs {cost} yuan, {left} yuan of budget left")
            }
            Reason::BreaksShare => "out: would bring the 70–120 m² share below the minimum".into(),
            Reason::Outweighed => "out: the chosen lots cover more priority-weighted demand".into(),
        }
    }
}

/// The plan the optimiser proposes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub chosen: Vec<bool>,
    pub evaluation: Evaluation,
    pub status: SolveStatus,
    pub lines: Vec<Line>,
    pub solve_ms: u128,
    /// The LP relaxation's value: no plan can do better.
    pub bound: Option<f64>,
}

impl Proposal {
    /// How far below the bound the plan is, in percent (0 at the bound).
    pub fn gap_pct(&self) -> Option<f64> {
        self.bound
            .filter(|b| *b > 0.0)
            .map(|b| ((b - self.evaluation.value) / b * 100.0).max(0.0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("求解器失败 (solver failed): {0}")]
    Solver(String),
    #[error("求解结果超出预算或占比 (the solver's plan breaks the budget or the share)")]
    Numerical,
}

fn wan(f: Fen) -> f64 {
    f.fen() as f64 / 1e6
}

/// Groups (district, band) with demand, indexed; each lot's group indexes.
struct Index {
    groups: Vec<((String, Band), TierCounts)>,
    /// Per lot: (group index, homes) for its bands that have demand.
    lot_groups: Vec<Vec<(usize, u64)>>,
    /// Tier order by weight, heaviest first.
    order: [usize; 3],
}

impl Index {
    fn new(input: &PlanInput) -> Index {
        let groups: Vec<_> = input
            .demand
            .iter()
            .filter(|(_, t)| t.iter().sum::<u64>() > 0)
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        let at: HashMap<(&str, Band), usize> = groups
            .iter()
            .enumerate()
            .map(|(i, ((d, b), _))| ((d.as_str(), *b), i))
            .collect();
        let lot_groups = input
            .lots
            .iter()
            .map(|l| {
                Band::ALL
                    .iter()
                    .filter(|b| l.homes[b.index()] > 0)
                    .filter_map(|b| {
                        at.get(&(l.district.as_str(), *b))
                            .map(|g| (*g, l.homes[b.index()]))
                    })
                    .collect()
            })
            .collect();
        let mut order = [0, 1, 2];
        order.sort_by_key(|&t| std::cmp::Reverse(input.weights[t]));
        Index {
            groups,
            lot_groups,
            order,
        }
    }

    /// Weighted families covered in group `g` with `supply` homes, and
    /// families per tier.
    fn fill(&self, weights: &[u32; 3], g: usize, supply: u64) -> (f64, TierCounts) {
        let d = self.groups[g].1;
        let mut left = supply;
        let mut covered = [0u64; 3];
        let mut v = 0.0;
        for &t in &self.order {
            let c = d[t].min(left);
            left -= c;
            covered[t] = c;
            v += f64::from(weights[t]) * c as f64;
        }
        (v, covered)
    }
}

fn lot_penalty(l: &Lot) -> f64 {
    let scattered = if l.whole {
        0.0
    } else {
        SCATTERED_PENALTY * l.total() as f64
    };
    scattered + COST_EPSILON * wan(l.cost)
}

/// The objective and constraints of a choice (the company's edit, or the
/// solver's answer), computed exactly.
pub fn evaluate(input: &PlanInput, chosen: &[bool]) -> Evaluation {
    let ix = Index::new(input);
    evaluate_with(&ix, input, chosen)
}

fn supply_of(ix: &Index, chosen: &[bool]) -> Vec<u64> {
    let mut supply = vec![0u64; ix.groups.len()];
    for (l, on) in chosen.iter().enumerate() {
        if *on {
            for &(g, n) in &ix.lot_groups[l] {
                supply[g] += n;
            }
        }
    }
    supply
}

fn evaluate_with(ix: &Index, input: &PlanInput, chosen: &[bool]) -> Evaluation {
    let supply = supply_of(ix, chosen);
    let mut value = 0.0;
    let mut covered = [0u64; 3];
    for (g, s) in supply.iter().enumerate() {
        let (v, c) = ix.fill(&input.weights, g, *s);
        value += v;
        for t in 0..3 {
            covered[t] += c[t];
        }
    }
    let mut cost = 0u64;
    let mut homes = 0;
    let mut main_homes = 0;
    for (l, on) in chosen.iter().enumerate() {
        if *on {
            let lot = &input.lots[l];
            cost += lot.cost.fen();
            homes += lot.total();
            main_homes += lot.homes[Band::Main.index()];
            value -= lot_penalty(lot);
        }
    }
    let below_share = match input.main_share_pct {
        Some(s) => main_homes * 100 < s * homes,
        None => false,
    };
    Evaluation {
        cost: Fen::new(cost),
        homes,
        main_homes,
        covered,
        value,
        over_budget: cost > input.budget.fen(),
        below_share,
    }
}

type Model = good_lp::solvers::microlp::MicroLpProblem;
/// Per group, its tiers' cover variables.
type Covers = Vec<Vec<(usize, Variable)>>;

/// The program: binary lots (or, relaxed, fractional ones) and covers.
fn build(ix: &Index, input: &PlanInput, integer: bool) -> (Model, Vec<Variable>, Covers) {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = input
        .lots
        .iter()
        .map(|_| {
            vars.add(if integer {
                variable().binary()
            } else {
                variable().min(0.0).max(1.0)
            })
        })
        .collect();
    let mut cov: Covers = Vec::with_capacity(ix.groups.len());
    for (_, d) in &ix.groups {
        let mut row = Vec::new();
        for (t, &dt) in d.iter().enumerate() {
            if dt > 0 {
                row.push((t, vars.add(variable().min(0.0).max(dt as f64))));
            }
        }
        cov.push(row);
    }
    let mut objective = Expression::from(0.0);
    for row in &cov {
        for &(t, v) in row {
            objective += f64::from(input.weights[t]) * v;
        }
    }
    for (l, lot) in input.lots.iter().enumerate() {
        objective -= lot_penalty(lot) * x[l];
    }
    let mut model = vars.maximise(objective).using(microlp);
    let mut supply: Vec<Expression> = vec![Expression::from(0.0); ix.groups.len()];
    for (l, gs) in ix.lot_groups.iter().enumerate() {
        for &(g, n) in gs {
            supply[g] += (n as f64) * x[l];
        }
    }
    for (g, row) in cov.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        let mut lhs = Expression::from(0.0);
        for &(_, v) in row {
            lhs += v;
        }
        model = model.with(constraint!(lhs <= supply[g].clone()));
    }
    let mut budget = Expression::from(0.0);
    for (l, lot) in input.lots.iter().enumerate() {
        budget += wan(lot.cost) * x[l];
    }
    model = model.with(constraint!(budget <= wan(input.budget)));
    if let Some(s) = input.main_share_pct {
        let mut share = Expression::from(0.0);
        for (l, lot) in input.lots.iter().enumerate() {
            let coef = 100.0 * lot.homes[Band::Main.index()] as f64 - (s * lot.total()) as f64;
            share += coef * x[l];
        }
        model = model.with(constraint!(share >= 0.0));
    }
    (model, x, cov)
}

/// The relaxed program's objective from its variables.
fn objective_of(
    input: &PlanInput,
    x: &[Variable],
    cov: &[Vec<(usize, Variable)>],
    s: &impl Solution,
) -> f64 {
    let mut v = 0.0;
    for row in cov {
        for &(t, c) in row {
            v += f64::from(input.weights[t]) * s.value(c);
        }
    }
    for (l, lot) in input.lots.iter().enumerate() {
        v -= lot_penalty(lot) * s.value(x[l]);
    }
    v
}

/// Solves the integer program to optimality; `time_limit_s` bounds the
/// branch and bound.
pub fn optimise(input: &PlanInput, time_limit_s: f64) -> Result<Proposal, PlanError> {
    optimise_with(input, time_limit_s, 0.0)
}

/// Solves within a relative MIP gap (`0.001`: proven within 0.1 % of the
/// best possible), bounded by `time_limit_s`.
pub fn optimise_with(
    input: &PlanInput,
    time_limit_s: f64,
    gap: f32,
) -> Result<Proposal, PlanError> {
    let started = Instant::now();
    let ix = Index::new(input);
    // The LP relaxation's value bounds every plan: the proposal reports how
    // close it is.
    let bound = {
        let (model, rx, rcov) = build(&ix, input, false);
        model
            .solve()
            .ok()
            .map(|s| objective_of(input, &rx, &rcov, &s))
    };
    let (model, x, cov) = build(&ix, input, true);
    // A feasible start: the greedy plan, so that a time limit always has
    // a plan to return.
    let start = greedy(&ix, input);
    let start_supply = supply_of(&ix, &start);
    let mut warm: Vec<(Variable, f64)> = x
        .iter()
        .zip(&start)
        .map(|(v, on)| (*v, if *on { 1.0 } else { 0.0 }))
        .collect();
    for (g, row) in cov.iter().enumerate() {
        let (_, covered) = ix.fill(&input.weights, g, start_supply[g]);
        for &(t, v) in row {
            warm.push((v, covered[t] as f64));
        }
    }
    let model = model
        .with_initial_solution(warm)
        .with_time_limit(time_limit_s)
        .with_mip_gap(gap)
        .map_err(|e| PlanError::Solver(e.to_string()))?;
    let start_eval = evaluate_with(&ix, input, &start);
    let (chosen, evaluation, status) = match model.solve() {
        Ok(solution) => {
            let status = match solution.status() {
                good_lp::SolutionStatus::Optimal => SolveStatus::Optimal,
                good_lp::SolutionStatus::GapLimit => SolveStatus::WithinGap,
                good_lp::SolutionStatus::TimeLimit => SolveStatus::TimeLimited,
            };
            let chosen: Vec<bool> = x.iter().map(|v| solution.value(*v) > 0.5).collect();
            let e = evaluate_with(&ix, input, &chosen);
            if !e.feasible() {
                return Err(PlanError::Numerical);
            }
            if e.value + 1e-9 < start_eval.value {
                (start, start_eval, SolveStatus::Greedy)
            } else {
                (chosen, e, status)
            }
        }
        Err(ResolutionError::Other(m)) if m.contains("Time limit") => {
            (start, start_eval, SolveStatus::Greedy)
        }
        Err(e) => return Err(PlanError::Solver(e.to_string())),
    };
    let lines = explain_with(&ix, input, &chosen);
    Ok(Proposal {
        chosen,
        evaluation,
        status,
        lines,
        solve_ms: started.elapsed().as_millis(),
        bound,
    })
}

/// The greedy plan: repeatedly add the lot with the most objective gained
/// per yuan that keeps the budget and the share, while any gains.
fn greedy(ix: &Index, input: &PlanInput) -> Vec<bool> {
    let n = input.lots.len();
    let mut chosen = vec![false; n];
    let mut supply = vec![0u64; ix.groups.len()];
    let mut cost = 0u64;
    let mut homes = 0u64;
    let mut main = 0u64;
    loop {
        let mut best: Option<(usize, f64)> = None;
        for (l, lot) in input.lots.iter().enumerate() {
            if chosen[l] || cost + lot.cost.fen() > input.budget.fen() {
                continue;
            }
            let (h, m) = (homes + lot.total(), main + lot.homes[Band::Main.index()]);
            if let Some(s) = input.main_share_pct {
                if m * 100 < s * h {
                    continue;
                }
            }
            let mut gain = -lot_penalty(lot);
            for &(g, k) in &ix.lot_groups[l] {
                gain += ix.fill(&input.weights, g, supply[g] + k).0
                    - ix.fill(&input.weights, g, supply[g]).0;
            }
            if gain <= 0.0 {
                continue;
            }
            let ratio = gain / (wan(lot.cost) + 1e-9);
            if best.is_none_or(|(_, r)| ratio > r) {
                best = Some((l, ratio));
            }
        }
        let Some((l, _)) = best else { break };
        chosen[l] = true;
        let lot = &input.lots[l];
        cost += lot.cost.fen();
        homes += lot.total();
        main += lot.homes[Band::Main.index()];
        for &(g, k) in &ix.lot_groups[l] {
            supply[g] += k;
        }
    }
    chosen
}

/// Why each lot is in or out of a choice (the solver's or the company's).
pub fn explain(input: &PlanInput, chosen: &[bool]) -> Vec<Line> {
    let ix = Index::new(input);
    explain_with(&ix, input, chosen)
}

fn explain_with(ix: &Index, input: &PlanInput, chosen: &[bool]) -> Vec<Line> {
    let supply = supply_of(ix, chosen);
    let base = evaluate_with(ix, input, chosen);
    let left = input.budget.fen().saturating_sub(base.cost.fen());
    input
        .lots
        .iter()
        .enumerate()
        .map(|(l, lot)| {
            let on = chosen[l];
            // Weighted value and families in this lot's groups with and
            // without it.
            let mut gain = 0.0;
            let mut families = 0u64;
            for &(g, n) in &ix.lot_groups[l] {
                let (with_s, without_s) = if on {
                    (supply[g], supply[g] - n)
                } else {
                    (supply[g] + n, supply[g])
                };
                let (vw, cw) = ix.fill(&input.weights, g, with_s);
                let (vo, co) = ix.fill(&input.weights, g, without_s);
                gain += vw - vo;
                families += cw.iter().sum::<u64>() - co.iter().sum::<u64>();
            }
            let delta = gain - lot_penalty(lot);
            let main_after = |add: bool| {
                let (h, m) = if add {
                    (
                        base.homes + lot.total(),
                        base.main_homes + lot.homes[Band::Main.index()],
                    )
                } else {
                    (
                        base.homes - lot.total(),
                        base.main_homes - lot.homes[Band::Main.index()],
                    )
                };
                match input.main_share_pct {
                    Some(s) => m * 100 >= s * h,
                    None => true,
                }
            };
            let reason = if on {
                if families > 0 {
                    Reason::Covers
                } else {
                    Reason::KeepsShare
                }
            } else if families == 0 {
                Reason::NoDemand
            } else if lot.cost.fen() > left {
                Reason::OverBudget {
                    cost: lot.cost,
                    left: Fen::new(left),
                }
            } else if !main_after(true) {
                Reason::BreaksShare
            } else {
                Reason::Outweighed
            };
            Line {
                lot: lot.id.clone(),
                chosen: on,
                reason,
                families,
                delta: if on { -delta } else { delta },
            }
        })
        .collect()
}

/// Lots per district, for a plan's summary table.
pub fn per_district(input: &PlanInput, chosen: &[bool]) -> BTreeMap<String, (u64, Fen)> {
    let mut m: BTreeMap<String, (u64, Fen)> = BTreeMap::new();
    for (l, lot) in input.lots.iter().enumerate() {
        if chosen[l] {
            let e = m.entry(lot.district.clone()).or_insert((0, Fen::ZERO));
            e.0 += lot.total();
            e.1 = Fen::new(e.1.fen() + lot.cost.fen());
        }
    }
    m
}
