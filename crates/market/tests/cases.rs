//! The policy officer's land-supply cases (`policies/market-cases.toml`),
//! each run against its built-in rules file.

use anju_market::land::{decide, LandInput};
use anju_market::rules::builtin;
use anju_market::{Area, Months};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    title: String,
    rules: String,
    as_of: String,
    inventory_m2: String,
    window_sales_m2: String,
    #[serde(default)]
    last_year_m2: Option<String>,
    #[serde(default)]
    revitalised_m2: Option<String>,
    #[serde(default)]
    supplied_m2: Option<String>,
    #[serde(default)]
    proposed_m2: Option<String>,
    expect_band: String,
    #[serde(default)]
    expect_max_m2: Option<String>,
    #[serde(default)]
    expect_fits: Option<bool>,
    expect_article: String,
}

fn m2(s: &Option<String>) -> Area {
    s.as_deref()
        .map_or(Area::ZERO, |s| Area::parse_m2(s).expect("area"))
}

#[test]
fn the_officers_cases_hold() {
    let text = include_str!("../../../policies/market-cases.toml");
    let f: File = toml::from_str(text).expect("cases parse");
    assert!(f.case.len() >= 7);
    for c in &f.case {
        let rules = builtin(&c.rules).expect("rules");
        let as_of = NaiveDate::parse_from_str(&c.as_of, "%Y-%m-%d").expect("date");
        let window = rules
            .param("destocking_window_months", as_of)
            .expect("window")
            .value as u32;
        let input = LandInput {
            period: Some(Months::from_ratio(
                m2(&Some(c.inventory_m2.clone())),
                window,
                m2(&Some(c.window_sales_m2.clone())),
            )),
            revitalised: m2(&c.revitalised_m2),
            supplied: m2(&c.supplied_m2),
            last_year: m2(&c.last_year_m2),
            proposed: c
                .proposed_m2
                .as_ref()
                .map(|p| Area::parse_m2(p).expect("area")),
        };
        let d = decide(&rules, as_of, &input)
            .expect("decide")
            .expect("a decision");
        assert_eq!(d.outcome.band, c.expect_band, "{}", c.title);
        if let Some(max) = &c.expect_max_m2 {
            assert_eq!(
                d.outcome.max_area,
                Some(Area::parse_m2(max).expect("area")),
                "{}",
                c.title
            );
        }
        if let Some(fits) = c.expect_fits {
            assert_eq!(d.outcome.proposed_fits, Some(fits), "{}", c.title);
        }
        assert!(
            d.checks
                .iter()
                .all(|k| k.citation.article == c.expect_article),
            "{}",
            c.title
        );
    }
}
