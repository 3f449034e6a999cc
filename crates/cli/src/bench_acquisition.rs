//! `anju bench acquisition`: the purchase plan's integer program on a
//! synthetic city (N candidate homes in units of 10–30, D districts), solved
//! and explained lot by lot, timed end to end.

use anju_acquisition::plan::{self, PlanInput};
use anju_acquisition::synthetic;
use std::fmt::Write as _;
use std::time::Instant;

pub fn run(
    homes: u64,
    districts: u64,
    budget_pct: u64,
    seed: u64,
    time_limit: f64,
    gap: f32,
) -> String {
    let policy = anju_acquisition::Policy::yangquan();
    let started = Instant::now();
    let city = synthetic::city(homes, districts, seed, budget_pct);
    let built = started.elapsed();
    let input = PlanInput {
        lots: &city.lots,
        demand: &city.demand,
        weights: policy.priority.weights,
        budget: city.budget,
        main_share_pct: policy.rules.main_band.min_share_pct,
    };
    let solve = Instant::now();
    let mut out = String::new();
    match plan::optimise_with(&input, time_limit, gap) {
        Ok(p) => {
            let total = solve.elapsed();
            let families: u64 = city.demand.values().flatten().sum();
            let chosen = p.chosen.iter().filter(|c| **c).count();
            let _ = writeln!(out, "candidate homes       {}", city.homes);
            let _ = writeln!(out, "districts             {districts}");
            let _ = writeln!(out, "lots (buildings/units) {}", city.lots.len());
            let _ = writeln!(out, "waiting families      {families}");
            let _ = writeln!(out, "budget (yuan)         {}", city.budget);
            let _ = writeln!(
                out,
                "lots bought           {chosen} ({} homes, {} of them 70–120 m²)",
                p.evaluation.homes, p.evaluation.main_homes
            );
            let _ = writeln!(
                out,
                "families covered      {:?} (tier 1, 2, 3)",
                p.evaluation.covered
            );
            let _ = writeln!(out, "cost (yuan)           {}", p.evaluation.cost);
            let _ = writeln!(
                out,
                "status                {} ({})",
                p.status.en(),
                p.status.zh()
            );
            if let Some(g) = p.gap_pct() {
                let _ = writeln!(out, "below LP bound        {g:.3} %");
            }
            let _ = writeln!(out, "explanation lines     {}", p.lines.len());
            let _ = writeln!(out, "generate              {:.3} s", built.as_secs_f64());
            let _ = writeln!(out, "solve + explain       {:.3} s", total.as_secs_f64());
        }
        Err(e) => {
            let _ = writeln!(out, "solver failed: {e}");
        }
    }
    out
}
