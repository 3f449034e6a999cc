//! A deterministic synthetic city for the benchmark (`anju bench
//! acquisition`) and the scale test: N candidate homes in units of 10–30
//! homes over D districts, and a survey of waiting families.

use anju_allotment::Fen;
use std::collections::BTreeMap;

use crate::plan::Lot;
use crate::screen::Band;
use crate::survey::TierCounts;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A synthetic city: lots, demand and a budget of about `budget_share`
/// percent of the pool's cost.
pub struct City {
    pub lots: Vec<Lot>,
    pub demand: BTreeMap<(String, Band), TierCounts>,
    pub budget: Fen,
    pub homes: u64,
}

pub fn city(homes: u64, districts: u64, seed: u64, budget_share: u64) -> City {
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut lots = Vec::new();
    let mut left = homes;
    let mut total_cost = 0u64;
    let mut i = 0;
    while left > 0 {
        let n = (10 + rng.below(21)).min(left);
        left -= n;
        let district = format!("D{:02}", rng.below(districts));
        let mut counts = [0u64; 3];
        // Units are mostly one layout: a dominant band, a few others.
        let dominant = match rng.below(10) {
            0..=1 => 0,
            2..=7 => 1,
            _ => 2,
        };
        let mut cost = 0u64;
        for _ in 0..n {
            let b = if rng.below(5) == 0 {
                rng.below(3) as usize
            } else {
                dominant
            };
            counts[b] += 1;
            let m2 = [60, 95, 130][b] + rng.below(15);
            let per_m2 = 450_000 + rng.below(150_000); // 4,500–6,000 yuan/m²
            cost += m2 * per_m2;
        }
        total_cost += cost;
        lots.push(Lot {
            id: format!("P{:03}/B{}/U{}", i / 6, (i / 2) % 3 + 1, i % 2 + 1),
            district,
            whole: rng.below(4) != 0,
            homes: counts,
            cost: Fen::new(cost),
        });
        i += 1;
    }
    let mut demand = BTreeMap::new();
    for d in 0..districts {
        for b in Band::ALL {
            let scale = [2, 6, 1][b.index()];
            let t: TierCounts = [
                rng.below(homes / districts / 8 * scale / 3 + 1),
                rng.below(homes / districts / 8 * scale / 3 + 1),
                rng.below(homes / districts / 8 * scale / 3 + 1),
            ];
            demand.insert((format!("D{d:02}"), b), t);
        }
    }
    City {
        lots,
        demand,
        budget: Fen::new(total_cost * budget_share / 100),
        homes,
    }
}
