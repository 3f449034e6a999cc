//! Every amount and boundary issue 17 lists, written as a policy officer
//! would check them.

use anju_subsidies::finance::*;
use anju_subsidies::ledger::{self, StopReason};
use anju_subsidies::programme::{Payment, Programme, ProgrammeId};
use anju_subsidies::{Area, Fen, Rate};
use chrono::NaiveDate;
use serde_json::json;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn talent(degree: &str, university: &str, pledge: u32, homes: u32) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "t", "region": "140302",
        "members": [{ "relation": "applicant", "birth_date": "1995-04-02", "sex": "female",
            "employment": "employee", "labor_contract": true,
            "degree": degree, "university": university, "service_pledge_years": pledge }],
        "housing": { "owned_homes": homes }
    }))
    .expect("json")
}

fn award(p: ProgrammeId, h: &[u8]) -> Option<(String, u64, Payment)> {
    let prog = Programme::builtin(p).expect("loads");
    let dec = prog.decide_json(h, d("2026-11-29")).expect("decides");
    assert_eq!(
        dec.decision["eligible"].as_bool(),
        Some(dec.award.is_some())
    );
    dec.award
        .map(|a| (a.category, a.amount.fen() / 100, a.payment))
}

#[test]
fn talent_purchase_amounts() {
    let p = ProgrammeId::TalentPurchase;
    assert_eq!(
        award(p, &talent("phd", "top", 5, 0)).map(|a| a.1),
        Some(200_000)
    );
    assert_eq!(
        award(p, &talent("master", "top", 5, 0)).map(|a| a.1),
        Some(100_000)
    );
    assert_eq!(
        award(p, &talent("bachelor", "top", 5, 0)).map(|a| a.1),
        Some(50_000)
    );
    assert_eq!(
        award(p, &talent("phd", "other", 5, 0)).map(|a| a.1),
        Some(150_000)
    );
    assert_eq!(
        award(p, &talent("phd", "first_tier", 5, 0)).map(|a| a.1),
        Some(150_000)
    );
    assert_eq!(
        award(p, &talent("phd", "top", 5, 0)).map(|a| a.2),
        Some(Payment::OneOff)
    );
    // A master from another university gets nothing under 二(三).
    assert_eq!(award(p, &talent("master", "other", 5, 0)), None);
}

#[test]
fn talent_purchase_boundaries() {
    let p = ProgrammeId::TalentPurchase;
    // Pledge: 5 years is enough, 4 is not.
    assert!(award(p, &talent("phd", "top", 5, 0)).is_some());
    assert!(award(p, &talent("phd", "top", 4, 0)).is_none());
    // First home only.
    assert!(award(p, &talent("phd", "top", 5, 1)).is_none());
    let prog = Programme::builtin(p).expect("loads");
    let dec = prog
        .decide_json(&talent("phd", "top", 4, 1), d("2026-11-29"))
        .expect("decides");
    let failed: Vec<&str> = dec.decision["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter(|r| r["passed"] == false && r["category"].is_null())
        .filter_map(|r| r["rule"].as_str())
        .collect();
    assert_eq!(failed, ["service_pledge", "first_home"]);
    let first = &dec.decision["reasons"][1];
    assert_eq!(first["citation"]["ref"], "2.3");
    assert!(
        first["message"]
            .as_str()
            .is_some_and(|m| m.contains("少于 5 年")),
        "{first}"
    );
}

#[test]
fn talent_rent_amounts_for_60_months() {
    let p = ProgrammeId::TalentRent;
    let monthly = |deg, uni| award(p, &talent(deg, uni, 0, 0));
    assert_eq!(monthly("phd", "other").map(|a| a.1), Some(3000));
    assert_eq!(monthly("master", "other").map(|a| a.1), Some(1500));
    assert_eq!(monthly("bachelor", "first_tier").map(|a| a.1), Some(700));
    assert_eq!(monthly("bachelor", "top").map(|a| a.1), Some(700));
    assert_eq!(monthly("bachelor", "other"), None);
    assert_eq!(
        monthly("phd", "top").map(|a| a.2),
        Some(Payment::Monthly { months: 60 })
    );
    let prog = Programme::builtin(p).expect("loads");
    let dec = prog
        .decide_json(&talent("master", "top", 0, 0), d("2026-11-29"))
        .expect("decides");
    let a = dec.award.expect("award");
    assert_eq!(a.total, Fen::new(1500 * 60 * 100));
    let s = ledger::schedule(&a, d("2027-01-31"));
    assert_eq!(s.len(), 60);
    assert_eq!(s[1].due, d("2027-02-28"));
    assert_eq!(s[59].due, d("2031-12-31"));
}

#[test]
fn talent_apartment_excludes_the_rent_subsidy() {
    let h = serde_json::to_vec(&json!({
        "id": "t", "region": "140302",
        "members": [{ "relation": "applicant", "birth_date": "1995-04-02", "sex": "female",
            "employment": "employee", "labor_contract": true, "degree": "phd" }],
        "current_benefits": ["talent_apartment"]
    }))
    .expect("json");
    assert_eq!(award(ProgrammeId::TalentRent, &h), None);
}

fn pf(married: bool, spouse_pays: bool) -> Vec<u8> {
    let mut members = vec![json!({ "relation": "applicant", "birth_date": "1990-01-01",
        "sex": "male", "married": married, "provident_fund": true })];
    if married {
        members.push(
            json!({ "relation": "spouse", "birth_date": "1991-01-01", "sex": "female",
            "married": true, "provident_fund": spouse_pays }),
        );
    }
    serde_json::to_vec(&json!({ "id": "p", "region": "140302", "members": members })).expect("json")
}

#[test]
fn provident_rent_15000_or_30000_once_a_year() {
    let p = ProgrammeId::ProvidentRent;
    assert_eq!(award(p, &pf(false, false)).map(|a| a.1), Some(15_000));
    assert_eq!(award(p, &pf(true, false)).map(|a| a.1), Some(15_000));
    assert_eq!(award(p, &pf(true, true)).map(|a| a.1), Some(30_000));
    assert_eq!(
        award(p, &pf(true, true)).map(|a| a.2),
        Some(Payment::Yearly { times: 1 })
    );
}

fn purchase(
    city: City,
    home_type: HomeType,
    loan: LoanKind,
    homes: u32,
    paid: bool,
) -> DownPayment {
    down_payment(&Purchase {
        city,
        home_type,
        loan,
        price: Fen::new(100_000_000),
        homes_owned: homes,
        loans_paid_off: paid,
        on: d("2026-11-29"),
    })
}

#[test]
fn down_payment_by_city() {
    use City::*;
    use HomeType::*;
    use LoanKind::Commercial as Bank;
    let y = purchase(Yangquan, HomeType::Commercial, Bank, 0, false);
    assert_eq!(
        (y.min_rate, y.min_amount),
        (Some(Rate(2000)), Some(Fen::new(20_000_000)))
    );
    // Paid-off one home counts as first.
    let y2 = purchase(Yangquan, HomeType::Commercial, Bank, 1, true);
    assert_eq!(
        (y2.order, y2.min_rate),
        (HomeOrder::First, Some(Rate(2000)))
    );
    assert_eq!(y2.steps[0].citation.ref_, "2.1");
    // Not paid off: a second home, for which Yangquan's document sets nothing.
    let y3 = purchase(Yangquan, HomeType::Commercial, Bank, 1, false);
    assert_eq!((y3.order, y3.min_rate), (HomeOrder::Second, None));
    // Ordos: 15% for first and second; nothing stated for a third.
    assert_eq!(
        purchase(Ordos, HomeType::Commercial, Bank, 0, false).min_rate,
        Some(Rate(1500))
    );
    assert_eq!(
        purchase(Ordos, HomeType::Commercial, Bank, 1, false).min_rate,
        Some(Rate(1500))
    );
    assert_eq!(
        purchase(Ordos, HomeType::Commercial, Bank, 2, false).min_rate,
        None
    );
    // Ordos provident fund: homes counted, loans ignored.
    let o = purchase(
        Ordos,
        HomeType::Commercial,
        LoanKind::ProvidentFund,
        1,
        true,
    );
    assert_eq!(o.order, HomeOrder::Second);
    assert_eq!(o.steps[0].citation.document, "鄂府发〔2025〕34号");
    // Loudi: affordable homes 15%.
    let l = purchase(Loudi, Affordable, Bank, 0, false);
    assert_eq!(
        (l.min_rate, l.min_amount),
        (Some(Rate(1500)), Some(Fen::new(15_000_000)))
    );
    assert!(l.steps.iter().all(|s| s.citation.document.contains("娄底")));
}

#[test]
fn down_payment_rounds_up_to_the_fen() {
    let p = down_payment(&Purchase {
        city: City::Ordos,
        home_type: HomeType::Commercial,
        loan: LoanKind::Commercial,
        price: Fen::new(333_333),
        homes_owned: 0,
        loans_paid_off: false,
        on: d("2026-11-29"),
    });
    assert_eq!(p.min_amount, Some(Fen::new(50_000)));
}

#[test]
fn combined_loan_split() {
    let s = loan_split(
        Fen::new(60_000_000),
        Fen::new(9_000_000),
        Some(Fen::new(9_000_000)),
        Fen::new(40_000_000),
    )
    .expect("splits");
    assert_eq!(s.provident_fund_loan, Fen::new(40_000_000));
    assert_eq!(s.commercial_loan, Fen::new(11_000_000));
    assert!(matches!(
        loan_split(Fen::new(100), Fen::new(10), Some(Fen::new(15)), Fen::ZERO),
        Err(LoanError::BelowMinimum { .. })
    ));
    assert!(matches!(
        loan_split(Fen::new(100), Fen::new(101), None, Fen::ZERO),
        Err(LoanError::DownExceedsPrice { .. })
    ));
}

#[test]
fn deed_tax_by_area() {
    let area = |s| Area::parse_m2(s).expect("area");
    assert!(every_parameter_file_loads());
    // Before the plan, nothing is in force.
    assert_eq!(
        deed_tax(City::Loudi, Fen::new(100), area("90"), d("2025-01-01")).rate,
        None
    );
    let price = Fen::new(50_000_000);
    assert_eq!(
        deed_tax(City::Loudi, price, area("140"), d("2026-11-29")).rate,
        Some(Rate(100))
    );
    assert_eq!(
        deed_tax(City::Loudi, price, area("140.01"), d("2026-11-29")).rate,
        Some(Rate(150))
    );
    assert_eq!(
        deed_tax(City::Loudi, price, area("90"), d("2026-11-29")).tax,
        Some(Fen::new(500_000))
    );
    assert_eq!(
        deed_tax(City::Yangquan, price, area("90"), d("2026-11-29")).rate,
        None
    );
}

#[test]
fn rental_company_property_tax_thresholds() {
    assert_eq!(
        rental_property_tax(500, 0, d("2026-11-29")).reduced_rate,
        Some(Rate(400))
    );
    assert_eq!(
        rental_property_tax(499, 0, d("2026-11-29")).reduced_rate,
        None
    );
    assert_eq!(
        rental_property_tax(0, 1_500_000, d("2026-11-29")).reduced_rate,
        Some(Rate(400))
    );
    assert_eq!(
        rental_property_tax(499, 1_499_999, d("2026-11-29")).reduced_rate,
        None
    );
}

#[test]
fn talent_home_prices() {
    let area = |s| Area::parse_m2(s).expect("area");
    let cost = Fen::new(80_000_000);
    let full = talent_price(
        TalentHomeKind::FullOwnership,
        cost,
        area("150"),
        d("2026-11-29"),
    )
    .expect("price");
    assert_eq!(full.price, Some(Fen::new(82_400_000)));
    assert_eq!(
        talent_price(
            TalentHomeKind::SharedOwnership,
            cost,
            area("90"),
            d("2026-11-29")
        )
        .expect("90")
        .price,
        Some(cost)
    );
    assert!(talent_price(
        TalentHomeKind::SharedOwnership,
        cost,
        area("120"),
        d("2026-11-29")
    )
    .is_ok());
    assert!(talent_price(
        TalentHomeKind::SharedOwnership,
        cost,
        area("89.99"),
        d("2026-11-29")
    )
    .is_err());
    assert!(talent_price(
        TalentHomeKind::SharedOwnership,
        cost,
        area("120.01"),
        d("2026-11-29")
    )
    .is_err());
    assert_eq!(
        talent_price(TalentHomeKind::Rental, cost, area("90"), d("2026-11-29"))
            .expect("90")
            .price,
        None
    );
    assert!(talent_price(TalentHomeKind::Rental, cost, area("90.01"), d("2026-11-29")).is_err());
}

#[test]
fn stop_events_and_the_90_day_deadline() {
    let prog = Programme::builtin(ProgrammeId::TalentRent).expect("loads");
    let a = prog
        .decide_json(&talent("phd", "top", 0, 0), d("2026-11-29"))
        .expect("decides")
        .award
        .expect("award");
    let s = ledger::schedule(&a, d("2027-01-15"));
    let q = ledger::stop(StopReason::QualifiedAffordable, d("2027-03-01"));
    assert_eq!(q.last_payable, d("2027-05-30"));
    assert_eq!(q.step.citation.ref_, "10.2.4");
    let cancelled = ledger::cancelled(&s, &[1, 2], &q);
    // Paid: Jan, Feb; still payable: Mar 15, Apr 15, May 15; cancelled: Jun 15 on.
    assert_eq!(cancelled.first().map(|i| i.due), Some(d("2027-06-15")));
    assert_eq!(cancelled.len(), 60 - 5);
    let left = ledger::stop(StopReason::LeftEmploy, d("2027-03-15"));
    assert_eq!(ledger::cancelled(&s, &[1, 2], &left).len(), 60 - 3);
}
