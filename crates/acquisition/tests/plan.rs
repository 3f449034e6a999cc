//! The optimiser: small cases with a known optimum, a brute-force
//! comparison on tiny random instances, and a city-sized pool.

use anju_acquisition::plan::{self, Lot, PlanInput, Reason, SolveStatus};
use anju_acquisition::{Band, TierCounts};
use anju_allotment::Fen;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn lot(id: &str, district: &str, whole: bool, homes: [u64; 3], wan: u64) -> Lot {
    Lot {
        id: id.into(),
        district: district.into(),
        whole,
        homes,
        cost: Fen::new(wan * 1_000_000),
    }
}

fn demand(entries: &[(&str, Band, TierCounts)]) -> BTreeMap<(String, Band), TierCounts> {
    entries
        .iter()
        .map(|(d, b, t)| ((d.to_string(), *b), *t))
        .collect()
}

const W: [u32; 3] = [100, 30, 10];

#[test]
fn buys_where_the_demand_is_within_budget() {
    let lots = vec![
        lot("A", "城区", true, [0, 10, 0], 800),
        lot("B", "城区", true, [0, 10, 0], 800),
        lot("C", "郊区", true, [0, 10, 0], 800),
        lot("D", "矿区", true, [0, 10, 0], 800),
    ];
    let d = demand(&[
        ("城区", Band::Main, [5, 5, 5]),
        ("郊区", Band::Main, [10, 0, 0]),
    ]);
    let input = PlanInput {
        lots: &lots,
        demand: &d,
        weights: W,
        budget: Fen::new(1_600 * 1_000_000),
        main_share_pct: Some(50),
    };
    let p = plan::optimise(&input, 5.0).unwrap();
    assert_eq!(p.status, SolveStatus::Optimal);
    // 郊区's ten tier-1 families (1,000) beat 城区's second lot (5 × 10 = 50).
    assert_eq!(p.chosen, vec![true, false, true, false]);
    assert_eq!(p.evaluation.covered, [15, 5, 0]);
    assert_eq!(p.lines[3].reason, Reason::NoDemand);
    assert!(matches!(p.lines[1].reason, Reason::OverBudget { .. }));
    assert_eq!(p.lines[0].reason, Reason::Covers);
}

#[test]
fn prefers_a_whole_unit_over_scattered_homes_of_equal_cover() {
    let lots = vec![
        lot("scattered", "城区", false, [0, 5, 0], 400),
        lot("whole", "城区", true, [0, 5, 0], 400),
    ];
    let d = demand(&[("城区", Band::Main, [5, 0, 0])]);
    let input = PlanInput {
        lots: &lots,
        demand: &d,
        weights: W,
        budget: Fen::new(400 * 1_000_000),
        main_share_pct: Some(50),
    };
    let p = plan::optimise(&input, 5.0).unwrap();
    assert_eq!(p.chosen, vec![false, true]);
}

#[test]
fn keeps_the_70_120_share() {
    // Demand is all small homes, but at least half bought must be 70–120.
    let lots = vec![
        lot("small", "城区", true, [10, 0, 0], 500),
        lot("main", "城区", true, [0, 10, 0], 500),
    ];
    let d = demand(&[
        ("城区", Band::Small, [10, 0, 0]),
        ("城区", Band::Main, [0, 0, 1]),
    ]);
    let mut input = PlanInput {
        lots: &lots,
        demand: &d,
        weights: W,
        budget: Fen::new(500 * 1_000_000),
        main_share_pct: Some(50),
    };
    // Budget for one lot: "small" alone breaks the share, so "main".
    let p = plan::optimise(&input, 5.0).unwrap();
    assert_eq!(p.chosen, vec![false, true]);
    assert!(matches!(p.lines[0].reason, Reason::OverBudget { .. }));
    // Budget for both: both (exactly 50 %).
    input.budget = Fen::new(1_000 * 1_000_000);
    let p = plan::optimise(&input, 5.0).unwrap();
    assert_eq!(p.chosen, vec![true, true]);
    assert_eq!(p.evaluation.main_homes * 2, p.evaluation.homes);
    // A second small lot within budget would break the share.
    let lots = vec![
        lot("small", "城区", true, [10, 0, 0], 500),
        lot("main", "城区", true, [0, 10, 0], 500),
        lot("small2", "城区", true, [10, 0, 0], 500),
    ];
    let d = demand(&[
        ("城区", Band::Small, [20, 0, 0]),
        ("城区", Band::Main, [0, 0, 1]),
    ]);
    let input = PlanInput {
        lots: &lots,
        demand: &d,
        weights: W,
        budget: Fen::new(1_500 * 1_000_000),
        main_share_pct: Some(50),
    };
    let p = plan::optimise(&input, 5.0).unwrap();
    assert_eq!(p.chosen, vec![true, true, false]);
    assert_eq!(p.lines[2].reason, Reason::BreaksShare);
}

#[test]
fn the_company_edit_is_evaluated_and_explained() {
    let lots = vec![
        lot("A", "城区", true, [0, 10, 0], 800),
        lot("B", "郊区", true, [0, 10, 0], 800),
    ];
    let d = demand(&[("城区", Band::Main, [10, 0, 0])]);
    let input = PlanInput {
        lots: &lots,
        demand: &d,
        weights: W,
        budget: Fen::new(800 * 1_000_000),
        main_share_pct: Some(50),
    };
    let e = plan::evaluate(&input, &[true, true]);
    assert!(e.over_budget);
    let e = plan::evaluate(&input, &[false, true]);
    assert!(e.feasible());
    assert_eq!(e.covered, [0, 0, 0]);
    let lines = plan::explain(&input, &[false, true]);
    assert_eq!(lines[1].reason, Reason::KeepsShare);
    assert!(matches!(lines[0].reason, Reason::OverBudget { .. }));
}

/// Every subset, the best feasible value.
fn brute(input: &PlanInput) -> f64 {
    let n = input.lots.len();
    let mut best = 0.0f64;
    for mask in 0u32..(1 << n) {
        let chosen: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
        let e = plan::evaluate(input, &chosen);
        if e.feasible() && e.value > best {
            best = e.value;
        }
    }
    best
}

fn arb_lot() -> impl Strategy<Value = Lot> {
    (0..3u8, any::<bool>(), [0..6u64, 0..6u64, 0..6u64], 1..40u64).prop_map(
        |(d, whole, homes, wan)| {
            let homes = if homes.iter().sum::<u64>() == 0 {
                [0, 1, 0]
            } else {
                homes
            };
            Lot {
                id: String::new(),
                district: format!("D{d}"),
                whole,
                homes,
                cost: Fen::new(wan * 1_000_000),
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn the_solver_finds_the_brute_force_optimum(
        lots in prop::collection::vec(arb_lot(), 1..9),
        dem in prop::collection::vec([0..5u64, 0..5u64, 0..5u64], 9),
        budget in 0..120u64,
        share in prop::option::of(0..80u64),
    ) {
        let mut d = BTreeMap::new();
        for (i, t) in dem.iter().enumerate() {
            d.insert((format!("D{}", i / 3), Band::ALL[i % 3]), *t);
        }
        let input = PlanInput {
            lots: &lots,
            demand: &d,
            weights: W,
            budget: Fen::new(budget * 1_000_000),
            main_share_pct: share,
        };
        let p = plan::optimise(&input, 10.0).unwrap();
        prop_assert!(p.evaluation.feasible());
        let best = brute(&input);
        prop_assert!((p.evaluation.value - best).abs() < 1e-6, "solver {} brute {}", p.evaluation.value, best);
    }
}

#[test]
fn a_city_sized_pool_is_planned_with_its_explanation() {
    let c = anju_acquisition::synthetic::city(10_000, 20, 7, 40);
    let input = PlanInput {
        lots: &c.lots,
        demand: &c.demand,
        weights: W,
        budget: c.budget,
        main_share_pct: Some(50),
    };
    let started = std::time::Instant::now();
    let p = plan::optimise_with(&input, 8.0, 0.001).unwrap();
    assert!(p.evaluation.feasible());
    assert_eq!(p.lines.len(), c.lots.len());
    // Debug builds are slower; the 10 s figure is for `anju bench`.
    assert!(started.elapsed().as_secs() < 60);
    eprintln!(
        "city: {} lots, {:?}, {} ms, covered {:?}",
        c.lots.len(),
        p.status,
        p.solve_ms,
        p.evaluation.covered
    );
}
