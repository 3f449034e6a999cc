//! Screening and price caps: each rule and boundary, in both cities.

use anju_acquisition::*;
use anju_allotment::{Area, Fen};

fn home(area: &str, asking: u64) -> OfferedHome {
    OfferedHome {
        project: "阳光苑".into(),
        building: "3".into(),
        unit: "2".into(),
        home: "1201".into(),
        district: "城区".into(),
        area: Area::parse_m2(area).unwrap(),
        layout: "三室两厅".into(),
        completion_filed: true,
        title: TitleStatus::Clear,
        asking: Fen::new(asking),
        purpose: Purpose::Sale,
        whole_lot: true,
    }
}

fn cap(p: &Policy) -> PriceCap {
    // 1,000 + 4,000 yuan/m², 5 % → 5,250 yuan/m².
    PriceCap::sale(p, Fen::new(100_000), Fen::new(400_000), 500).unwrap()
}

fn rules(s: &Screening) -> Vec<&'static str> {
    s.failures.iter().map(|f| f.rule).collect()
}

#[test]
fn a_good_home_passes_in_both_cities() {
    for p in [Policy::yangquan(), Policy::loudi()] {
        let s = screen(&p, &home("100", 52_500_000), Some(&cap(&p)));
        assert!(s.eligible(), "{:?}", s.failures);
        assert_eq!(s.band, Band::Main);
    }
}

#[test]
fn area_143_is_loudis_rule_only() {
    let l = Policy::loudi();
    let y = Policy::yangquan();
    let c = cap(&l);
    // 143.00 m² passes; 143.01 m² fails in Loudi, citing Loudi.
    let at = screen(&l, &home("143", 1), Some(&c));
    assert!(at.eligible());
    let over = screen(&l, &home("143.01", 1), Some(&c));
    assert_eq!(rules(&over), vec!["max_area"]);
    assert!(over.failures[0].cited.starts_with("娄底"));
    assert!(over.failures[0].cited.contains("五、3（1）"));
    // Yangquan has no such ceiling: it passes, counted outside 70–120.
    let yq = screen(&y, &home("143.01", 1), Some(&cap(&y)));
    assert!(yq.eligible());
    assert_eq!(yq.band, Band::Large);
    assert!(yq.notes.iter().all(|n| !n.cited.contains("娄底")));
}

#[test]
fn band_bounds_70_and_120_are_inside() {
    let p = Policy::yangquan();
    let band = |a: &str| Band::of(Area::parse_m2(a).unwrap(), &p);
    assert_eq!(band("69.99"), Band::Small);
    assert_eq!(band("70"), Band::Main);
    assert_eq!(band("120"), Band::Main);
    assert_eq!(band("120.01"), Band::Large);
}

#[test]
fn completion_and_title_fail_with_their_articles() {
    let p = Policy::yangquan();
    let mut h = home("90", 1);
    h.completion_filed = false;
    h.title = TitleStatus::Encumbered;
    let s = screen(&p, &h, Some(&cap(&p)));
    assert_eq!(rules(&s), vec!["completed", "clear_title"]);
    for f in &s.failures {
        assert_eq!(f.cited, "阳政办发〔2026〕2号 第七条（二）");
    }
    let l = Policy::loudi();
    let s = screen(&l, &h, Some(&cap(&l)));
    assert_eq!(rules(&s), vec!["completed", "clear_title"]);
    assert!(s.failures.iter().all(|f| f.cited.contains("五、1")));
}

#[test]
fn five_percent_cap_to_the_fen() {
    let p = Policy::yangquan();
    let c = cap(&p);
    let terms = c.terms();
    assert_eq!(terms[2].fen_per_m2, Fen::new(25_000));
    assert_eq!(c.per_m2(), Fen::new(525_000));
    // 89.99 m² × 5,250 = 472,447.50 yuan.
    let a = Area::parse_m2("89.99").unwrap();
    assert_eq!(c.home_cap(a), Fen::new(47_244_750));
    assert!(screen(&p, &home("89.99", 47_244_750), Some(&c)).eligible());
    let over = screen(&p, &home("89.99", 47_244_751), Some(&c));
    assert_eq!(rules(&over), vec!["sale_cap"]);
    assert!(over.failures[0].cited.contains("第七条（三）"));
    // A profit of 5.01 % is refused; 5 % accepted.
    assert!(PriceCap::sale(&p, Fen::new(1), Fen::new(1), 501).is_err());
    assert!(PriceCap::sale(&p, Fen::new(1), Fen::new(1), 500).is_ok());
    // No cap recorded: cannot pass.
    assert_eq!(rules(&screen(&p, &home("90", 1), None)), vec!["sale_cap"]);
}

#[test]
fn rent_purpose_chooses_the_appraisal_in_loudi_and_is_refused_in_yangquan() {
    let l = Policy::loudi();
    let rent = PriceCap::rent(&l, Fen::new(600_000)).unwrap();
    let mut h = home("100", 60_000_000);
    h.purpose = Purpose::Rent;
    assert!(screen(&l, &h, Some(&rent)).eligible());
    h.asking = Fen::new(60_000_001);
    let s = screen(&l, &h, Some(&rent));
    assert_eq!(rules(&s), vec!["rent_cap"]);
    let y = Policy::yangquan();
    assert!(PriceCap::rent(&y, Fen::new(600_000)).is_err());
    let s = screen(&y, &h, None);
    assert_eq!(rules(&s), vec!["purpose"]);
    assert!(s.failures[0].cited.starts_with("阳政办发〔2026〕2号"));
}

#[test]
fn scattered_homes_get_a_note_not_a_failure() {
    let p = Policy::yangquan();
    let mut h = home("100", 1);
    h.whole_lot = false;
    let s = screen(&p, &h, Some(&cap(&p)));
    assert!(s.eligible());
    assert!(s
        .notes
        .iter()
        .any(|n| n.rule == "whole_unit" && n.cited.contains("第七条（二）")));
}

#[test]
fn lots_group_eligible_homes_and_lose_wholeness_on_a_failure() {
    let p = Policy::yangquan();
    let c = cap(&p);
    let mut homes = Vec::new();
    for (i, a) in ["90", "100", "60"].iter().enumerate() {
        let mut h = home(a, 1_000);
        h.home = format!("{}01", i + 1);
        let s = screen(&p, &h, Some(&c));
        homes.push((h, s));
    }
    let lots = pool::lots(&homes);
    assert_eq!(lots.len(), 1);
    assert!(lots[0].whole);
    assert_eq!(lots[0].homes, [1, 2, 0]);
    homes[0].0.completion_filed = false;
    homes[0].1 = screen(&p, &homes[0].0, Some(&c));
    let lots = pool::lots(&homes);
    assert!(!lots[0].whole);
    assert_eq!(lots[0].homes, [1, 1, 0]);
    assert_eq!(lots[0].cost, Fen::new(2_000));
}
