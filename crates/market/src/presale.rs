//! Pre-sale fund supervision (预售资金监管): the supervised amount, the
//! release ladder by construction node, the credit-grade adjustment
//! (000 三（四）), bank guarantees (002 六（四）, Ordos only: elsewhere a
//! guarantee is refused as not regulated) and release requests.
//!
//! Formula (docs/market.md):
//! - supervised amount S = counted floor area × the rules' standard per m²;
//! - at the node reached, the cumulative share p% may be released; the
//!   developer's grade moves p by +3 (A and above) or −3 (C and below)
//!   percentage points, within 0–100;
//! - funds still needed for completion N = S × (100 − p)% (rounded up);
//! - a bank guarantee may stand in for at most 30% of N (rounded down), so
//!   the allowance shrinks in proportion as N does;
//! - cash that must stay R = N − min(guarantee, 30% × N);
//! - releasable now = balance − R, within 0 and the balance. A release never
//!   takes the account below zero, so releases never exceed deposits.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decision::{check, Explained};
use crate::rules::{MarketRules, RulesError};
use crate::units::{Area, Fen};

/// Developer credit grade.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    AAA,
    AA,
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: [Grade; 6] = [
        Grade::AAA,
        Grade::AA,
        Grade::A,
        Grade::B,
        Grade::C,
        Grade::D,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::AAA => "AAA",
            Grade::AA => "AA",
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Grade, String> {
        Grade::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "信用等级应为AAA、AA、A、B、C或D (grade must be AAA, AA, A, B, C or D): {s}"
                )
            })
    }
}

/// A project's fund account as the ledger stands.
#[derive(Debug, Clone)]
pub struct FundState<'a> {
    pub supervised: Fen,
    pub deposited: Fen,
    pub released: Fen,
    pub guarantee: Fen,
    /// Key of the highest construction node reached (`start` when none).
    pub node: &'a str,
    pub grade: Option<Grade>,
}

/// What the account allows now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allowance {
    pub node: String,
    pub node_label: String,
    pub base_percent: u32,
    pub adjusted_percent: u32,
    pub need_remaining: Fen,
    pub guarantee_cap: Fen,
    pub guarantee_counted: Fen,
    pub retained: Fen,
    pub balance: Fen,
    pub releasable: Fen,
}

/// The supervised amount for a counted floor area.
pub fn supervised_amount(
    rules: &MarketRules,
    as_of: NaiveDate,
    area: Area,
) -> Result<(Fen, String), RulesError> {
    let std = rules.param("supervised_fen_per_m2", as_of)?;
    // area is in 0.01 m²; the standard is fen per m².
    let fen = (area.0 as i128 * std.value as i128 + 50).div_euclid(100) as i64;
    Ok((
        Fen(fen),
        format!("{area} × {}/㎡ = {}", Fen(std.value), Fen(fen)),
    ))
}

/// What may be released now, with the reasons.
pub fn allowance(
    rules: &MarketRules,
    as_of: NaiveDate,
    st: &FundState<'_>,
) -> Result<Explained<Allowance>, RulesError> {
    let ladder = rules.ladder(as_of)?;
    let node = ladder
        .nodes
        .iter()
        .find(|n| n.key == st.node)
        .or_else(|| ladder.nodes.first())
        .ok_or_else(|| RulesError::MissingParam {
            rules: rules.id.clone(),
            name: "presale_ladder.nodes".into(),
        })?;
    let mut checks = Vec::new();
    checks.push(check(
        "node",
        true,
        &ladder.citation,
        format!(
            "已达节点“{}”，累计可拨付监管额度的{}%",
            node.label, node.cumulative_percent
        ),
        format!(
            "node reached: {}; {}% of the supervised amount releasable in total",
            node.label_en, node.cumulative_percent
        ),
    ));
    let base = node.cumulative_percent;
    let mut adjusted = base as i64;
    if let Some(g) = st.grade {
        let (name, sign) = match g {
            Grade::AAA | Grade::AA | Grade::A => ("grade_up_percent", 1),
            Grade::C | Grade::D => ("grade_down_percent", -1),
            Grade::B => ("", 0),
        };
        if sign != 0 && rules.has_param(name) {
            let p = rules.param(name, as_of)?;
            adjusted = (adjusted + sign * p.value).clamp(0, 100);
            checks.push(check(
                "grade",
                true,
                &p.citation,
                format!(
                    "信用等级{}，资金使用额度{}{}%，调整后{}%",
                    g.as_str(),
                    if sign > 0 { "提高" } else { "降低" },
                    p.value,
                    adjusted
                ),
                format!(
                    "credit grade {}: usage {} {} points, now {}%",
                    g.as_str(),
                    if sign > 0 { "up" } else { "down" },
                    p.value,
                    adjusted
                ),
            ));
        }
    }
    let adjusted = adjusted as u32;
    let need = st.supervised.pct_ceil(100 - adjusted);
    let (cap, gcite) = if rules.has_param("guarantee_max_percent") {
        let g = rules.param("guarantee_max_percent", as_of)?;
        (need.pct_floor(g.value.clamp(0, 100) as u32), Some(g))
    } else {
        (Fen::ZERO, None)
    };
    let counted = st.guarantee.min(cap);
    if let Some(g) = &gcite {
        checks.push(check(
            "guarantee_cap",
            st.guarantee <= cap,
            &g.citation,
            format!("竣工交付尚需{need}，保函置换上限{}%即{cap}，现有保函{}，计入{counted}", g.value, st.guarantee),
            format!("completion still needs {need}; guarantee cap {}% = {cap}; guarantee {} of which {counted} counts", g.value, st.guarantee),
        ));
    }
    let balance = st.deposited.saturating_sub(st.released);
    let retained = need.saturating_sub(counted);
    let releasable = balance.saturating_sub(retained).min(balance);
    checks.push(check(
        "releasable",
        true,
        &ladder.citation,
        format!("账户余额{balance}，须留存{retained}，现可拨付{releasable}"),
        format!("balance {balance}, must keep {retained}, releasable now {releasable}"),
    ));
    Ok(Explained {
        outcome: Allowance {
            node: node.key.clone(),
            node_label: node.label.clone(),
            base_percent: base,
            adjusted_percent: adjusted,
            need_remaining: need,
            guarantee_cap: cap,
            guarantee_counted: counted,
            retained,
            balance,
            releasable,
        },
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

/// Checks a release request against the allowance: approved only when the
/// amount is positive and within what may be released now.
pub fn check_release(
    rules: &MarketRules,
    as_of: NaiveDate,
    st: &FundState<'_>,
    amount: Fen,
) -> Result<Explained<Allowance>, RulesError> {
    let mut a = allowance(rules, as_of, st)?;
    let ok = amount.0 > 0 && amount <= a.outcome.releasable;
    let cite = rules.ladder(as_of)?.citation.clone();
    a.checks.push(check(
        "request",
        ok,
        &cite,
        format!(
            "申请拨付{amount}，可拨付{}：{}",
            a.outcome.releasable,
            if ok { "予以拨付" } else { "不予拨付" }
        ),
        format!(
            "requested {amount}, releasable {}: {}",
            a.outcome.releasable,
            if ok { "approved" } else { "refused" }
        ),
    ));
    Ok(a)
}

/// Checks a new guarantee: the total after it must stay within the cap.
pub fn check_guarantee(
    rules: &MarketRules,
    as_of: NaiveDate,
    st: &FundState<'_>,
    added: Fen,
) -> Result<Explained<Allowance>, RulesError> {
    let after = FundState {
        guarantee: Fen(st.guarantee.0 + added.0),
        ..st.clone()
    };
    let mut a = allowance(rules, as_of, &after)?;
    if !rules.has_param("guarantee_max_percent") {
        let cite = rules.ladder(as_of)?.citation.clone();
        a.checks.push(check(
            "guarantee_cap",
            false,
            &cite,
            "本市文件未规定以银行保函置换预售监管资金，监管资金须全部留存用于本项目建设，不予置换".into(),
            "this city's documents set no bank guarantee in place of supervised funds: the funds stay for the project, no guarantee is taken".into(),
        ));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn st(node: &str, grade: Option<Grade>, guarantee: i64) -> FundState<'_> {
        FundState {
            supervised: Fen::yuan(10_000_000),
            deposited: Fen::yuan(10_000_000),
            released: Fen::ZERO,
            guarantee: Fen::yuan(guarantee),
            node,
            grade,
        }
    }

    #[test]
    fn ladder_and_grade_plus_minus_3() {
        let r = builtin("market-yangquan").unwrap();
        // Topped out: 60%. Need 4,000,000 remaining.
        let b = allowance(&r, day(), &st("topped", Some(Grade::B), 0))
            .unwrap()
            .outcome;
        assert_eq!(
            (b.adjusted_percent, b.releasable),
            (60, Fen::yuan(6_000_000))
        );
        let a = allowance(&r, day(), &st("topped", Some(Grade::A), 0))
            .unwrap()
            .outcome;
        assert_eq!(
            (a.adjusted_percent, a.releasable),
            (63, Fen::yuan(6_300_000))
        );
        let c = allowance(&r, day(), &st("topped", Some(Grade::C), 0))
            .unwrap()
            .outcome;
        assert_eq!(
            (c.adjusted_percent, c.releasable),
            (57, Fen::yuan(5_700_000))
        );
        // Clamped at both ends.
        assert_eq!(
            allowance(&r, day(), &st("registered", Some(Grade::AAA), 0))
                .unwrap()
                .outcome
                .adjusted_percent,
            100
        );
        assert_eq!(
            allowance(&r, day(), &st("start", Some(Grade::D), 0))
                .unwrap()
                .outcome
                .adjusted_percent,
            0
        );
    }

    #[test]
    fn guarantee_30_percent_shrinks_with_need() {
        let r = builtin("market-ordos").unwrap();
        // Start: need 10,000,000; cap 3,000,000.
        let a = allowance(&r, day(), &st("start", None, 3_000_000)).unwrap();
        assert_eq!(a.outcome.guarantee_cap, Fen::yuan(3_000_000));
        assert_eq!(a.outcome.releasable, Fen::yuan(3_000_000));
        assert!(a.all_hold());
        // One fen over the cap: flagged and only the cap counts.
        let over = allowance(
            &r,
            day(),
            &FundState {
                guarantee: Fen(300_000_001),
                ..st("start", None, 0)
            },
        )
        .unwrap();
        assert!(!over.all_hold());
        assert_eq!(over.outcome.guarantee_counted, Fen::yuan(3_000_000));
        // Topped out: need 4,000,000, cap shrinks to 1,200,000.
        let t = allowance(&r, day(), &st("topped", None, 3_000_000)).unwrap();
        assert_eq!(t.outcome.guarantee_cap, Fen::yuan(1_200_000));
        assert!(!t.all_hold());
    }

    #[test]
    fn requests_checked() {
        let r = builtin("market-yangquan").unwrap();
        let s = st("foundation", None, 0);
        assert!(check_release(&r, day(), &s, Fen::yuan(2_000_000))
            .unwrap()
            .all_hold());
        assert!(!check_release(&r, day(), &s, Fen(200_000_001))
            .unwrap()
            .all_hold());
        assert!(!check_release(&r, day(), &s, Fen::ZERO).unwrap().all_hold());
    }

    proptest! {
        /// Whatever the sequence of deposits, guarantees and requests,
        /// approved releases never exceed deposits.
        #[test]
        fn releasing_never_exceeds_the_deposit(
            ops in proptest::collection::vec((0u8..3, 0i64..5_000_000_000, 0usize..6, 0usize..6), 1..40),
            supervised in 0i64..20_000_000_000,
        ) {
            let r = builtin("market-ordos").unwrap();
            let nodes = ["start", "foundation", "half", "topped", "completed", "registered"];
            let (mut dep, mut rel, mut gua) = (0i64, 0i64, 0i64);
            for (kind, amount, node, grade) in ops {
                let s = FundState { supervised: Fen(supervised), deposited: Fen(dep), released: Fen(rel), guarantee: Fen(gua), node: nodes[node], grade: Some(Grade::ALL[grade]) };
                match kind {
                    0 => dep += amount,
                    1 => if check_guarantee(&r, day(), &s, Fen(amount)).unwrap().all_hold() { gua += amount },
                    _ => if check_release(&r, day(), &s, Fen(amount)).unwrap().all_hold() { rel += amount },
                }
                prop_assert!(rel <= dep);
            }
        }
    }
}
