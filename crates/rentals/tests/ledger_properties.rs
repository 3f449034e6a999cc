//! Ledger invariants (issue 14 item 7): the balance is the sum of the
//! entries; appending never changes an entry already there; charging a
//! period twice adds nothing; "paid up to" never moves back when money
//! comes in; the regulated rent never exceeds the market share.

use anju_rentals::lease::{charges_in_month, lease_end, Cycle, LeaseTerms};
use anju_rentals::ledger::{ageing, balance, paid_up_to, EntryKind, Ledger, LedgerEntry};
use anju_rentals::rules::builtin;
use anju_rentals::{overstay_charges, regulated_rent};
use chrono::NaiveDate;
use proptest::prelude::*;

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i64::from(n))
}

#[derive(Debug, Clone)]
enum Op {
    Charge(u32, i64),
    Pay(u32, i64),
    Adjust(u32, i64),
    Recharge(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u32..1000, 1i64..500_000).prop_map(|(d, a)| Op::Charge(d, a)),
        (0u32..1000, 1i64..500_000).prop_map(|(d, a)| Op::Pay(d, a)),
        (0u32..1000, -50_000i64..50_000).prop_map(|(d, a)| Op::Adjust(d, a)),
        (0usize..50).prop_map(Op::Recharge),
    ]
}

fn entry(key: String, kind: EntryKind, amount: i64, d: u32) -> LedgerEntry {
    LedgerEntry {
        key,
        kind,
        amount_fen: amount,
        on_date: day(d),
        due_on: matches!(kind, EntryKind::Charge).then(|| day(d + 10)),
        covers_to: matches!(kind, EntryKind::Charge).then(|| day(d + 30)),
        reason: "r".into(),
        approver: "a".into(),
    }
}

proptest! {
    #[test]
    fn ledger_invariants(ops in proptest::collection::vec(op(), 0..60)) {
        let mut l = Ledger::new();
        let mut charges: Vec<LedgerEntry> = Vec::new();
        for (i, o) in ops.into_iter().enumerate() {
            let before: Vec<LedgerEntry> = l.entries().to_vec();
            let paid_before = paid_up_to(l.entries());
            let e = match o {
                Op::Charge(d, a) => {
                    let e = entry(format!("charge:{i}"), EntryKind::Charge, a, d);
                    charges.push(e.clone());
                    e
                }
                Op::Pay(d, a) => entry(format!("pay:{i}"), EntryKind::Payment, -a, d),
                Op::Adjust(d, a) => entry(format!("adj:{i}"), EntryKind::Adjustment, a, d),
                Op::Recharge(k) => match charges.get(k) {
                    Some(c) => c.clone(),
                    None => continue,
                },
            };
            let was_payment = e.kind == EntryKind::Payment;
            let _ = l.append_if_new(e);
            // Nothing already there ever changes.
            prop_assert_eq!(&l.entries()[..before.len()], &before[..]);
            prop_assert!(l.entries().len() <= before.len() + 1);
            // The balance is the sum of the entries.
            prop_assert_eq!(l.balance(), l.entries().iter().map(|e| e.amount_fen).sum::<i64>());
            // Money in never moves "paid up to" back.
            if was_payment {
                prop_assert!(paid_up_to(l.entries()) >= paid_before);
            }
        }
        // What ageing finds unpaid is the balance (nothing when in credit).
        let a = ageing(l.entries(), day(2000));
        prop_assert_eq!(a.unpaid(), balance(l.entries()).max(0));
        // Charging every charge again adds nothing.
        let n = l.entries().len();
        for c in &charges {
            prop_assert_eq!(l.append_if_new(c.clone()), Ok(false));
        }
        prop_assert_eq!(l.entries().len(), n);
    }

    /// A month's charge plan, applied twice, charges once per lease and period.
    #[test]
    fn charge_batch_idempotent(
        starts in proptest::collection::vec((0u32..1500, 1i64..1_000_000, any::<bool>()), 1..20),
        year in 2026i32..2031,
        month in 1u32..=12,
    ) {
        let mut l = Ledger::new();
        let run = |l: &mut Ledger| {
            let mut added = 0;
            for (i, (s, rent, q)) in starts.iter().enumerate() {
                let st = day(*s);
                let t = LeaseTerms {
                    starts_on: st,
                    ends_on: lease_end(st, 3).unwrap(),
                    rent_fen: *rent,
                    cycle: if *q { Cycle::Quarterly } else { Cycle::Monthly },
                };
                for c in charges_in_month(&t, year, month, 10) {
                    let e = LedgerEntry {
                        key: c.key(&format!("L{i}")),
                        kind: EntryKind::Charge,
                        amount_fen: c.amount_fen,
                        on_date: c.starts_on,
                        due_on: Some(c.due_on),
                        covers_to: Some(c.ends_on),
                        reason: String::new(),
                        approver: String::new(),
                    };
                    if l.append_if_new(e).unwrap() { added += 1; }
                }
            }
            added
        };
        let first = run(&mut l);
        prop_assert!(first <= starts.len());
        prop_assert_eq!(run(&mut l), 0);
    }

    /// Rounded to the yuan, half up: never more than half a yuan from 80 %.
    #[test]
    fn rent_within_half_a_yuan_of_eighty_percent(per_m2 in 1i64..20_000, area in 100i64..20_000) {
        let rules = builtin("rentals-loudi").unwrap();
        let r = regulated_rent(&rules, per_m2, area).unwrap();
        let exact_e4 = i128::from(per_m2) * i128::from(area) * 80; // fen × 10⁴
        let diff = i128::from(r.rent_fen) * 10_000 - exact_e4;
        prop_assert!(diff > -50 * 10_000 && diff <= 50 * 10_000);
        prop_assert_eq!(r.rent_fen % 100, 0);
    }

    /// Overstay months cover every day after the deadline exactly once.
    #[test]
    fn overstay_covers_each_day_once(dl in 0u32..800, len in 0u32..200, rent in 1i64..1_000_000) {
        let c = overstay_charges(day(dl), day(dl + len), rent);
        let days: u32 = c.iter().map(|m| m.days).sum();
        prop_assert_eq!(days, len);
        for w in c.windows(2) {
            prop_assert_eq!(w[0].last.succ_opt().unwrap(), w[1].first);
        }
        // A full month is charged exactly the market rent.
        for m in &c {
            if m.days == m.days_in_month {
                prop_assert_eq!(m.amount_fen, rent);
            }
        }
    }
}
