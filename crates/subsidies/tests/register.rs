//! The no-double-benefit invariant as a property: whatever sequence of
//! grants, ends and stops is attempted, every person's recorded grants pass
//! the check against those recorded before them.

use anju_subsidies::register::{invariant_holds, BenefitKind, Grant, Register};
use chrono::NaiveDate;
use proptest::prelude::*;

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(n))))
        .expect("date")
}

#[derive(Debug, Clone)]
enum Op {
    Grant(u8, usize, u32, Option<u32>),
    End(u8, usize, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0u8..3,
            0usize..5,
            0u32..1500,
            proptest::option::of(0u32..800)
        )
            .prop_map(|(p, k, f, len)| Op::Grant(p, k, f, len)),
        (0u8..3, 0usize..5, 0u32..2000).prop_map(|(p, k, u)| Op::End(p, k, u)),
    ]
}

proptest! {
    #[test]
    fn no_one_holds_a_double_benefit(ops in proptest::collection::vec(op(), 0..60)) {
        let mut r = Register::default();
        for o in ops {
            match o {
                Op::Grant(p, k, from, len) => {
                    let g = Grant {
                        kind: BenefitKind::ALL[k],
                        from: day(from),
                        until: len.map(|l| day(from + l)),
                    };
                    let _ = r.grant(&format!("p{p}"), g);
                }
                Op::End(p, k, until) => {
                    r.end(&format!("p{p}"), BenefitKind::ALL[k], day(until));
                }
            }
        }
        for (_, grants) in r.people() {
            prop_assert!(invariant_holds(grants));
            let purchases = grants.iter().filter(|g| g.kind == BenefitKind::TalentPurchase).count();
            prop_assert!(purchases <= 1);
        }
    }
}

#[test]
fn rent_subsidy_and_apartment_are_alternatives() {
    let mut r = Register::default();
    let g = |kind, from, until| Grant {
        kind,
        from: day(from),
        until,
    };
    assert!(r
        .grant("a", g(BenefitKind::TalentApartment, 0, None))
        .is_ok());
    assert!(r.grant("a", g(BenefitKind::TalentRent, 10, None)).is_err());
    assert_eq!(r.current_benefits("a", day(5)), ["talent_apartment"]);
    assert!(r.end("a", BenefitKind::TalentApartment, day(20)));
    assert!(r.grant("a", g(BenefitKind::TalentRent, 21, None)).is_ok());
    assert_eq!(r.current_benefits("a", day(30)), ["talent_rent_subsidy"]);
    // Once a calendar year for the withdrawal.
    assert!(r
        .grant("a", g(BenefitKind::ProvidentRent, 1, Some(day(1))))
        .is_ok());
    assert!(r
        .grant("a", g(BenefitKind::ProvidentRent, 300, Some(day(300))))
        .is_err());
    assert!(r
        .grant("a", g(BenefitKind::ProvidentRent, 400, Some(day(400))))
        .is_ok());
}
