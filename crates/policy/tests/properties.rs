//! Monotonicity properties of the shipped policies: less income or less
//! floor area never takes a category away; an extra disqualifying fact never
//! grants one.

use anju_policy::{Decision, Evaluator, Household, Policy};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// A policy with the `--set` values its decisions need.
type WithStatistics = (Policy, Vec<(String, String)>);

fn policies() -> &'static [WithStatistics] {
    static P: OnceLock<Vec<WithStatistics>> = OnceLock::new();
    P.get_or_init(|| {
        vec![
            (
                anju_policy::builtin("yangquan-2026").unwrap().unwrap(),
                vec![("urban_disposable_income_per_capita".into(), "40000".into())],
            ),
            (
                anju_policy::builtin("loudi-2025").unwrap().unwrap(),
                vec![("urban_average_wage".into(), "60000".into())],
            ),
        ]
    })
}

fn as_of() -> chrono::NaiveDate {
    anju_policy::household::parse_iso_date("2026-06-01").unwrap()
}

fn member() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["spouse", "child", "child"]),
        1950i32..2025,
        any::<bool>(),
        0u32..200_000,
        any::<bool>(),
    )
        .prop_map(|(rel, year, married, income, male)| {
            json!({"relation": rel, "birth_date": format!("{year}-06-15"), "sex": if male {"male"} else {"female"},
                   "married": married, "annual_income_yuan": income})
        })
}

prop_compose! {
    fn household()(
        year in 1960i32..2010,
        male in any::<bool>(),
        married in any::<bool>(),
        resident in any::<bool>(),
        employment in prop::sample::select(vec!["employee", "flexible", "new_form", "self_employed", "unemployed", "retired"]),
        labor_contract in any::<bool>(),
        si in 0u32..60,
        occupation in prop::sample::select(vec!["teacher", "doctor", "police", "civil_servant", "nurse", "engineer"]),
        township in any::<bool>(),
        talent in prop::sample::select(vec![None, Some("high_level"), Some("certified")]),
        income in 0u32..300_000,
        years in 0u32..5,
        others in prop::collection::vec(member(), 0..4),
        homes in 0u32..3,
        area in 0u32..300,
        transfer in prop::option::of(2019i32..2027),
        abandon in prop::collection::vec(2021i32..2027, 0..3),
        special in prop::sample::subsequence(vec!["veteran", "veteran_in_difficulty", "disabled", "hardship", "frontline_shortage"], 0..3),
        benefits in prop::sample::subsequence(vec!["public_rental", "talent_apartment"], 0..2),
    ) -> Value {
        let mut members = vec![json!({
            "relation": "applicant", "birth_date": format!("{year}-03-10"), "sex": if male {"male"} else {"female"},
            "married": married, "resident": resident, "employment": employment, "labor_contract": labor_contract,
            "social_insurance_months": si, "occupation": occupation, "workplace_township": township,
            "talent": talent, "annual_income_yuan": income, "residence_years": years,
        })];
        members.extend(others);
        json!({
            "id": "prop", "region": "140302", "members": members,
            "housing": {"owned_homes": homes, "owned_floor_area_m2": if homes == 0 { 0 } else { area }},
            "history": {
                "property_transfer_dates": transfer.map(|y| vec![format!("{y}-01-20")]).unwrap_or_default(),
                "abandonments": abandon.iter().map(|y| format!("{y}-02-11")).collect::<Vec<_>>(),
            },
            "special": special, "current_benefits": benefits,
        })
    }
}

fn decide(ev: &Evaluator, v: &Value) -> Option<Decision> {
    let h = Household::from_json(&serde_json::to_vec(v).unwrap()).ok()?;
    ev.decide(&h).ok()
}

/// Categories of `a` are all in `b`.
fn subset(a: &Decision, b: &Decision) -> bool {
    a.categories & !b.categories == 0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn lower_income_never_removes_a_category(h in household(), pct in 0u32..100) {
        for (p, set) in policies() {
            let ev = p.evaluator(as_of(), set).unwrap();
            let Some(before) = decide(&ev, &h) else { continue };
            let mut lower = h.clone();
            for m in lower["members"].as_array_mut().unwrap() {
                let inc = m["annual_income_yuan"].as_u64().unwrap_or(0);
                m["annual_income_yuan"] = json!(inc * u64::from(pct) / 100);
            }
            let after = decide(&ev, &lower).unwrap();
            prop_assert!(subset(&before, &after), "{}: {:?} -> {:?}", p.id, before.categories, after.categories);
        }
    }

    #[test]
    fn less_floor_area_or_no_home_never_removes_a_category(h in household(), pct in 0u32..100, sell in any::<bool>()) {
        for (p, set) in policies() {
            let ev = p.evaluator(as_of(), set).unwrap();
            let Some(before) = decide(&ev, &h) else { continue };
            let mut smaller = h.clone();
            let area = smaller["housing"]["owned_floor_area_m2"].as_u64().unwrap_or(0);
            smaller["housing"]["owned_floor_area_m2"] = json!(area * u64::from(pct) / 100);
            if sell {
                smaller["housing"]["owned_homes"] = json!(0);
                smaller["housing"]["owned_floor_area_m2"] = json!(0);
            }
            let after = decide(&ev, &smaller).unwrap();
            prop_assert!(subset(&before, &after), "{}: {:?} -> {:?}", p.id, before.categories, after.categories);
            // A tier never gets later when the home gets smaller.
            if let (Some(a), Some(b)) = (before.tier, after.tier) {
                prop_assert!(b <= a);
            }
        }
    }

    #[test]
    fn a_disqualifying_fact_never_grants_a_category(h in household(), which in 0usize..6) {
        for (p, set) in policies() {
            let ev = p.evaluator(as_of(), set).unwrap();
            let Some(before) = decide(&ev, &h) else { continue };
            let mut worse = h.clone();
            match which {
                0 => worse["history"]["fraud"] = json!(true),
                1 => worse["history"]["policy_housing"] = json!(true),
                2 => worse["housing"]["affordable_homes_owned"] = json!(1),
                3 => worse["history"]["abandonments"].as_array_mut().unwrap().push(json!("2026-05-01")),
                4 => worse["history"]["blacklisted_on"] = json!(["2026-01-01"]),
                _ => worse["history"]["property_transfer_dates"] = json!(["2025-12-01"]),
            }
            let after = decide(&ev, &worse).unwrap();
            prop_assert!(subset(&after, &before), "{} fact {which}: {:?} -> {:?}", p.id, before.categories, after.categories);
        }
    }

    #[test]
    fn cached_messages_equal_freshly_rendered_ones(hs in prop::collection::vec(household(), 1..40)) {
        for (p, set) in policies() {
            let ev = p.evaluator(as_of(), set).unwrap();
            let r = anju_policy::Renderer::new(&ev);
            let mut cache = anju_policy::MessageCache::default();
            for h in &hs {
                let Ok(hh) = Household::from_json(&serde_json::to_vec(h).unwrap()) else { continue };
                let Ok(d) = ev.decide(&hh) else { continue };
                let (mut fresh, mut cached) = (Vec::new(), Vec::new());
                r.write_json(&hh, &d, &mut fresh);
                r.write_json_cached(&hh, &d, &mut cache, &mut cached);
                prop_assert_eq!(String::from_utf8(fresh).unwrap(), String::from_utf8(cached).unwrap());
            }
        }
    }

    #[test]
    fn every_condition_of_every_category_is_reported(h in household()) {
        for (p, set) in policies() {
            let ev = p.evaluator(as_of(), set).unwrap();
            let Ok(hh) = Household::from_json(&serde_json::to_vec(&h).unwrap()) else { continue };
            let Ok(d) = ev.decide(&hh) else { continue };
            let mut out = Vec::new();
            anju_policy::Renderer::new(&ev).write_json(&hh, &d, &mut out);
            let v: Value = serde_json::from_slice(&out).unwrap();
            let expected = p.common_rules.len() + p.categories.iter().map(|c| c.rules.len()).sum::<usize>();
            prop_assert_eq!(v["reasons"].as_array().unwrap().len(), expected);
            // eligible iff some category holds; an ineligible decision lists a failed reason.
            prop_assert_eq!(v["eligible"].as_bool().unwrap(), !v["categories"].as_array().unwrap().is_empty());
            if !d.eligible() {
                prop_assert!(v["reasons"].as_array().unwrap().iter().any(|r| r["passed"] == false));
                prop_assert!(v["tier"].is_null());
            }
        }
    }
}
