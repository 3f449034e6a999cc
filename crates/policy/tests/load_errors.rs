//! Policy files that are wrong must fail to load, naming the file, the line
//! and what is wrong — never load with a rule silently missing.

use anju_policy::{load, LoadErrorKind};

const QINGSHAN: &str = include_str!("fixtures/qingshan-2027.toml");

fn line_of(text: &str, needle: &str) -> usize {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("needle {needle:?} not in text"));
    text[..i].matches('\n').count() + 1
}

#[test]
fn the_fixture_and_builtin_policies_load() {
    load("qingshan.toml", QINGSHAN).unwrap();
    for (id, _) in anju_policy::BUILTIN {
        let p = anju_policy::builtin(id).unwrap().unwrap();
        assert_eq!(&p.id, id);
        // Every rule cites its article with a quote of the source text.
        for r in &p.rules {
            assert!(
                r.citation.text.as_deref().is_some_and(|q| !q.is_empty()),
                "{id}: rule {} has no quote",
                r.id
            );
        }
    }
}

#[test]
fn unknown_key_is_reported_with_its_line() {
    let text = QINGSHAN.replace(
        "kind = \"composition\"",
        "kind = \"composition\"\nchildern = \"minor\"",
    );
    let e = load("bad.toml", &text).unwrap_err();
    assert_eq!(e.line, line_of(&text, "childern"), "{e}");
    assert!(matches!(e.kind, LoadErrorKind::UnknownKey(_)), "{e}");
    assert!(e.to_string().starts_with("bad.toml:"), "{e}");
    assert!(e.to_string().contains("childern"), "{e}");
}

#[test]
fn key_that_a_rule_kind_does_not_use_is_an_error() {
    // `cmp` is meaningful for housing_area but not for lookback.
    let text = QINGSHAN.replace(
        "years = \"sale_lookback_years\"",
        "years = \"sale_lookback_years\"\ncmp = \"<\"",
    );
    let e = load("bad.toml", &text).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::UnknownKey(_)), "{e}");
    assert_eq!(
        e.line,
        line_of(&text, "years = \"sale_lookback_years\"") + 1,
        "{e}"
    );
}

#[test]
fn overlapping_date_ranges_are_refused() {
    // The 2027 value ends 2027-12-31; make it run into 2028.
    let text = QINGSHAN.replace("until = 2027-12-31", "until = 2028-03-31");
    let e = load("bad.toml", &text).unwrap_err();
    match &e.kind {
        LoadErrorKind::OverlappingDates { param, .. } => {
            assert_eq!(param, "county_disposable_income")
        }
        other => panic!("unexpected {other:?}"),
    }
    // Reported at the second value.
    assert_eq!(e.line, line_of(&text, "from = 2028-01-01") - 1, "{e}");

    // Two values from the same day overlap too.
    let text = QINGSHAN.replace("from = 2028-01-01", "from = 2027-01-01");
    assert!(matches!(
        load("bad.toml", &text).unwrap_err().kind,
        LoadErrorKind::OverlappingDates { .. }
    ));
}

#[test]
fn a_rule_without_citation_is_refused() {
    let text = QINGSHAN.replacen(
        "article = \"第六条\"\nref = \"6\"\nquote = \"3年内无住房出售记录。\"\n",
        "",
        1,
    );
    assert_ne!(text, QINGSHAN);
    let e = load("bad.toml", &text).unwrap_err();
    match &e.kind {
        LoadErrorKind::MissingCitation { what, .. } => {
            assert!(what.contains("no_recent_sale"), "{e}")
        }
        other => panic!("unexpected {other:?}"),
    }
    // Missing quote alone is also a missing citation: rules quote their article.
    let text = QINGSHAN.replacen("quote = \"3年内无住房出售记录。\"\n", "", 1);
    let e = load("bad.toml", &text).unwrap_err();
    assert!(
        matches!(
            e.kind,
            LoadErrorKind::MissingCitation {
                missing: "quote",
                ..
            }
        ),
        "{e}"
    );
    // A ref that is not dotted numbers.
    let text = QINGSHAN.replacen("ref = \"6\"", "ref = \"six\"", 1);
    assert!(matches!(
        load("bad.toml", &text).unwrap_err().kind,
        LoadErrorKind::BadRef { .. }
    ));
}

#[test]
fn a_parameter_used_but_undefined_is_refused_at_its_line() {
    let text = QINGSHAN.replace("limit = \"area_below\"", "limit = \"area_belwo\"");
    let e = load("bad.toml", &text).unwrap_err();
    match &e.kind {
        LoadErrorKind::UndefinedParameter { name, used_by } => {
            assert_eq!(name, "area_belwo");
            assert!(used_by.contains("small_home"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(e.line, line_of(&text, "area_belwo"));
    // Inside a test expression too.
    let text = QINGSHAN.replace("at_least = \"elderly_age\"", "at_least = \"old_age\"");
    assert!(matches!(
        load("bad.toml", &text).unwrap_err().kind,
        LoadErrorKind::UndefinedParameter { .. }
    ));
}

#[test]
fn undefined_rules_categories_and_placeholders_are_refused() {
    let text = QINGSHAN.replace("rules = [\"elderly\"]", "rules = [\"elder\"]");
    assert!(matches!(
        load("bad.toml", &text).unwrap_err().kind,
        LoadErrorKind::UndefinedRule { .. }
    ));
    let text = QINGSHAN.replace(
        "categories = [\"young_worker\", \"elderly\"]",
        "categories = [\"young\"]",
    );
    assert!(matches!(
        load("bad.toml", &text).unwrap_err().kind,
        LoadErrorKind::UndefinedCategory { .. }
    ));
    let text = QINGSHAN.replace("不超过 {threshold} 元", "不超过 {treshold} 元");
    let e = load("bad.toml", &text).unwrap_err();
    assert!(e.to_string().contains("treshold"), "{e}");
    assert_eq!(e.line, line_of(&text, "{treshold}"));
}

#[test]
fn wrong_types_units_and_values_are_refused() {
    let text = QINGSHAN.replace("unit = \"m2\"", "unit = \"square_feet\"");
    assert!(load("bad.toml", &text)
        .unwrap_err()
        .to_string()
        .contains("square_feet"));
    // A ban of 2.5 years is not a thing: whole units must be whole.
    let text = QINGSHAN.replace(
        "value = 2\narticle = \"第十二条\"",
        "value = 2.5\narticle = \"第十二条\"",
    );
    assert!(load("bad.toml", &text).is_err());
    let text = QINGSHAN.replace("kind = \"ban\"", "kind = \"prohibition\"");
    assert!(load("bad.toml", &text)
        .unwrap_err()
        .to_string()
        .contains("prohibition"));
    let e = load("bad.toml", "this is = = not toml").unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::Syntax(_)));
    assert_eq!(e.line, 1);
}

#[test]
fn parameters_change_on_their_dates() {
    let p = load("qingshan.toml", QINGSHAN).unwrap();
    let id = p.param_by_name("county_disposable_income").unwrap();
    let on = |s: &str| anju_policy::household::parse_iso_date(s).unwrap();
    let value = |d: &str| p.params[id].value_on(on(d)).map(|v| v.value.fmt_trim());
    assert_eq!(value("2026-12-31"), None);
    assert_eq!(value("2027-01-01").as_deref(), Some("30000"));
    assert_eq!(value("2027-12-31").as_deref(), Some("30000"));
    assert_eq!(value("2028-01-01").as_deref(), Some("32000"));
    // Before the policy's parameters exist, deciding is refused, naming the parameter.
    let e = p.evaluator(on("2026-06-01"), &[]).unwrap_err();
    assert!(
        matches!(e, anju_policy::ResolveError::NoValue { .. }),
        "{e}"
    );
    // The digest records the values used: a new year's figure changes it.
    let d2027 = p.evaluator(on("2027-06-01"), &[]).unwrap().digest;
    let d2028 = p.evaluator(on("2028-06-01"), &[]).unwrap().digest;
    let d2027b = p.evaluator(on("2027-09-01"), &[]).unwrap().digest;
    assert_ne!(d2027, d2028);
    assert_eq!(d2027, d2027b);
    assert!(d2027.starts_with("sha256:") && d2027.len() == 71);
    // --set overrides change it too, and unknown names are refused.
    let over = p
        .evaluator(
            on("2027-06-01"),
            &[("county_disposable_income".into(), "31000".into())],
        )
        .unwrap()
        .digest;
    assert_ne!(over, d2027);
    assert!(p
        .evaluator(on("2027-06-01"), &[("nope".into(), "1".into())])
        .is_err());
    assert!(p
        .evaluator(on("2027-06-01"), &[("give_up_years".into(), "1.5".into())])
        .is_err());
}

#[test]
fn yangquan_statistic_must_be_supplied() {
    let p = anju_policy::builtin("yangquan-2026").unwrap().unwrap();
    let on = anju_policy::household::parse_iso_date("2026-03-01").unwrap();
    let e = p.evaluator(on, &[]).unwrap_err();
    assert!(
        e.to_string().contains("urban_disposable_income_per_capita"),
        "{e}"
    );
    assert!(p
        .evaluator(
            on,
            &[("urban_disposable_income_per_capita".into(), "40000".into())]
        )
        .is_ok());
    // Before the document was issued, its thresholds are not in force.
    let before = anju_policy::household::parse_iso_date("2025-12-31").unwrap();
    assert!(p
        .evaluator(
            before,
            &[("urban_disposable_income_per_capita".into(), "40000".into())]
        )
        .is_err());
}

#[test]
fn a_parameter_file_loads_but_rules_need_a_category() {
    let params = include_str!("../../../policies/subsidies/loudi-finance.toml");
    let p = load("loudi-finance.toml", params).unwrap();
    assert!(p.categories.is_empty() && p.rules.is_empty());
    assert!(p
        .params
        .iter()
        .all(|x| x.values.iter().all(|v| v.citation.text.is_some())));
    // A file with rules and no category would decide nothing: refused.
    let start = QINGSHAN.find("[[category]]").unwrap();
    let end = QINGSHAN[start..]
        .find("\n[[obligation]]")
        .map_or(QINGSHAN.len(), |i| start + i);
    let no_categories = format!("{}{}", &QINGSHAN[..start], &QINGSHAN[end..]);
    assert!(load("bad.toml", &no_categories).is_err());
}
