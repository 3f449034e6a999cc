//! Property tests: random sequences of (action, actor, time step) applied to
//! a freshly submitted application never reach an illegal state.

mod common;

use std::collections::BTreeSet;

use anju_domain::*;
use chrono::Duration;
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// An action to try, resolved against the application and the clock when
/// it is applied (so that notices can start "today").
#[derive(Debug, Clone)]
enum Tmpl {
    Submit,
    StreetPass,
    StreetReturn,
    StreetReject,
    Resubmit,
    /// `dept`: a given department, or (`None`) one that has not confirmed
    /// yet. `foreign`: draw corrections from every field, owned or not;
    /// otherwise only from the department's own (distinct) fields.
    Confirm {
        dept: Option<usize>,
        corrections: Vec<usize>,
        foreign: bool,
    },
    DecideEligible {
        days_ago: i64,
    },
    DecideIneligible,
    StartNotice {
        offset: i64,
        len: i64,
    },
    Object,
    /// `pick`: an objection number (maybe one that does not exist), or
    /// (`None`) the first open one.
    Resolve {
        pick: Option<u32>,
        upheld: bool,
        cite: bool,
    },
    Qualify,
    RequestReview,
    DecideReview {
        reverse: bool,
    },
    Withdraw,
}

/// Who tries it: the actor entitled to (mostly), or anyone from the pool.
#[derive(Debug, Clone)]
enum Who {
    Right,
    Pool(usize),
}

/// Corrections of every department's fields and of fields nobody owns.
fn correction_pool() -> Vec<FactCorrection> {
    vec![
        correction("members[0].resident", json!(true), json!(false)),
        correction("members[1].residence_years", json!(null), json!(2.5)),
        correction("members[0].married", json!(true), json!(false)),
        correction("housing.owned_homes", json!(0), json!(1)),
        correction(
            "history.property_transfer_dates",
            json!([]),
            json!(["2023-04-01"]),
        ),
        correction(
            "history.expropriation_compensation_dates",
            json!(null),
            json!(["2022-01-01"]),
        ),
        correction("members[0].labor_contract", json!(true), json!(false)),
        correction(
            "members[1].employment",
            json!("flexible"),
            json!("unemployed"),
        ),
        correction("members[0].annual_income_yuan", json!(52000), json!(80000)),
        correction("history.fraud", json!(null), json!(true)),
        correction("special", json!(null), json!(["disabled"])),
    ]
}

fn right_actor(t: &Tmpl, action: &Action) -> Actor {
    if let Action::DepartmentConfirm { department, .. } = action {
        return verifier(*department);
    }
    match t {
        Tmpl::Submit | Tmpl::Resubmit | Tmpl::RequestReview | Tmpl::Withdraw => family(),
        Tmpl::StreetPass | Tmpl::StreetReturn | Tmpl::StreetReject | Tmpl::Object => street(D),
        Tmpl::Confirm { .. } => verifier(Department::PublicSecurity),
        Tmpl::DecideEligible { .. }
        | Tmpl::DecideIneligible
        | Tmpl::StartNotice { .. }
        | Tmpl::Resolve { .. }
        | Tmpl::Qualify
        | Tmpl::DecideReview { .. } => bureau(D),
    }
}

fn resolve(t: &Tmpl, app: &Application, at: Timestamp) -> Action {
    let today = at.date();
    match t {
        Tmpl::Submit => Action::Submit(submission_in(D)),
        Tmpl::StreetPass => Action::StreetPass,
        Tmpl::StreetReturn => Action::StreetReturn {
            reason: text("请补充材料"),
        },
        Tmpl::StreetReject => Action::StreetReject {
            reasons: reasons("不符合条件"),
        },
        Tmpl::Resubmit => Action::Resubmit,
        Tmpl::Confirm {
            dept,
            corrections,
            foreign,
        } => {
            let department = match dept {
                Some(d) => Department::ALL[d % 5],
                None => {
                    let done: BTreeSet<Department> =
                        app.verifications().iter().map(|v| v.department).collect();
                    Department::ALL
                        .into_iter()
                        .find(|d| !done.contains(d))
                        .unwrap_or(Department::ProvidentFund)
                }
            };
            let mut pool = correction_pool();
            if !*foreign {
                pool.retain(|c| c.path().owner() == Some(department));
            }
            let mut picked: Vec<FactCorrection> = Vec::new();
            if !pool.is_empty() {
                for i in corrections {
                    let c = &pool[i % pool.len()];
                    if *foreign || !picked.contains(c) {
                        picked.push(c.clone());
                    }
                }
            }
            Action::DepartmentConfirm {
                department,
                corrections: picked,
            }
        }
        Tmpl::DecideEligible { days_ago } => {
            Action::RecordDecision(eligible_decision(today - Duration::days(*days_ago)))
        }
        Tmpl::DecideIneligible => Action::RecordDecision(ineligible_decision(today)),
        Tmpl::StartNotice { offset, len } => {
            let start = today + Duration::days(*offset);
            Action::StartNotice {
                start,
                end: start + Duration::days(*len),
            }
        }
        Tmpl::Object => Action::RecordObjection {
            text: text("该户有房"),
        },
        Tmpl::Resolve { pick, upheld, cite } => {
            let n = app.objections().len() as u32;
            let first_open = app.open_objections().first().map(|o| o.id);
            Action::ResolveObjection {
                id: match (pick, first_open) {
                    (None, Some(open)) => open,
                    (None, None) => ObjectionId::new(n + 1),
                    (Some(p), _) => ObjectionId::new(p % (n + 2)),
                },
                upheld: *upheld,
                note: text("经核实"),
                citation: cite.then(|| citation("第十条（一）2", "10.1.2")),
            }
        }
        Tmpl::Qualify => Action::Qualify,
        Tmpl::RequestReview => Action::RequestReview {
            reasons: text("请复核"),
        },
        Tmpl::DecideReview { reverse } => Action::DecideReview {
            reverse: *reverse,
            note: text("复核决定"),
        },
        Tmpl::Withdraw => Action::Withdraw { reason: None },
    }
}

fn tmpl_strategy() -> impl Strategy<Value = Tmpl> {
    // Weighted towards the actions that move an application forward, and
    // away from the ones that end it (withdraw, reject), so that random
    // histories get deep enough to qualify.
    prop_oneof![
        2 => Just(Tmpl::Submit),
        12 => Just(Tmpl::StreetPass),
        2 => Just(Tmpl::StreetReturn),
        2 => Just(Tmpl::StreetReject),
        6 => Just(Tmpl::Resubmit),
        24 => (prop::option::weighted(0.3, 0usize..5), prop::collection::vec(0usize..32, 0..3), prop::bool::weighted(0.2))
            .prop_map(|(dept, corrections, foreign)| Tmpl::Confirm { dept, corrections, foreign }),
        12 => (0i64..3).prop_map(|days_ago| Tmpl::DecideEligible { days_ago }),
        2 => Just(Tmpl::DecideIneligible),
        12 => (-1i64..3, 2i64..10).prop_map(|(offset, len)| Tmpl::StartNotice { offset, len }),
        4 => Just(Tmpl::Object),
        6 => (prop::option::weighted(0.3, 0u32..8), prop::bool::weighted(0.3), prop::bool::weighted(0.8))
            .prop_map(|(pick, upheld, cite)| Tmpl::Resolve { pick, upheld, cite }),
        12 => Just(Tmpl::Qualify),
        6 => Just(Tmpl::RequestReview),
        6 => any::<bool>().prop_map(|reverse| Tmpl::DecideReview { reverse }),
        1 => Just(Tmpl::Withdraw),
    ]
}

fn who_strategy() -> impl Strategy<Value = Who> {
    prop_oneof![
        4 => Just(Who::Right),
        1 => (0usize..64).prop_map(Who::Pool),
    ]
}

/// Minutes to the next attempt: mostly forward (up to 3 days), sometimes
/// backwards.
fn dt_strategy() -> impl Strategy<Value = i64> {
    prop_oneof![
        9 => 0i64..4320,
        1 => -600i64..0,
    ]
}

/// Every fact path a correction in the pool can touch, plus neighbours.
fn watched_paths() -> Vec<FactPath> {
    let mut v = Vec::new();
    for f in FactField::ALL {
        if f.is_member_field() {
            for i in 0..3 {
                v.push(FactPath::member(i, f).expect("valid"));
            }
        } else {
            v.push(FactPath::household(f).expect("valid"));
        }
    }
    v
}

fn value_at(h: &Value, p: &FactPath) -> Value {
    let key = p.field().key();
    match p.member_index() {
        Some(i) => h["members"][i][key].clone(),
        None => {
            let pattern = p.field().pattern();
            match pattern.split_once('.') {
                Some((section, _)) => h[section][key].clone(),
                None => h[key].clone(),
            }
        }
    }
}

/// The invariants every reachable application satisfies.
fn check_state(app: &Application) -> Result<(), TestCaseError> {
    let confirmed: BTreeSet<Department> =
        app.verifications().iter().map(|v| v.department).collect();
    let all_confirmed = Department::ALL.iter().all(|d| confirmed.contains(d));
    // No department confirms twice in one application's life.
    prop_assert_eq!(confirmed.len(), app.verifications().len());
    for v in app.verifications() {
        for c in &v.corrections {
            prop_assert_eq!(c.path().owner(), Some(v.department));
        }
    }
    let eligible = |r: &DecisionRef| app.decision(*r).is_some_and(|d| d.decision.eligible());
    match app.status() {
        Status::UnderVerification { confirmed: c } => prop_assert_eq!(c, &confirmed),
        Status::Verified => prop_assert!(all_confirmed),
        Status::Decided { decision_ref } => prop_assert!(all_confirmed && eligible(decision_ref)),
        Status::OnNotice {
            decision_ref,
            notice_start,
            notice_end,
        } => {
            prop_assert!(all_confirmed && eligible(decision_ref));
            prop_assert!(*notice_end >= *notice_start + Duration::days(4));
        }
        Status::Qualified { categories, .. } => {
            prop_assert!(all_confirmed);
            prop_assert!(!categories.is_empty());
        }
        Status::Rejected { reasons, .. } => prop_assert!(!reasons.is_empty()),
        Status::ReviewRequested { rejection, .. } => prop_assert!(!rejection.reasons.is_empty()),
        Status::Submitted | Status::ReturnedForCorrection { .. } | Status::Withdrawn => {}
    }
    Ok(())
}

/// The invariants of one accepted step from `old` to `new` by `event`.
fn check_step(
    old: &Application,
    new: &Application,
    event: &Event,
    history: &[Event],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(event.seq, old.version() + 1);
    prop_assert!(event.at >= old.updated_at(), "timestamps never decrease");
    prop_assert_eq!(new.updated_at(), event.at);
    prop_assert_eq!(event.status_after, new.status().kind());

    if let Status::Qualified { qualified_on, .. } = new.status() {
        // Qualified only from a notice that is over, with every objection
        // resolved and none upheld, on an eligible decision of a verified
        // application.
        let Status::OnNotice {
            decision_ref,
            notice_end,
            ..
        } = old.status()
        else {
            return Err(TestCaseError::fail(format!(
                "qualified from {:?}",
                old.status()
            )));
        };
        prop_assert!(event.at.date() > *notice_end);
        prop_assert_eq!(*qualified_on, event.at.date());
        for o in old
            .objections()
            .iter()
            .filter(|o| o.notice == *decision_ref)
        {
            let r = o.resolved.as_ref();
            prop_assert!(
                r.is_some_and(|r| !r.upheld),
                "objection {} open or upheld",
                o.id
            );
        }
        prop_assert!(old
            .decision(*decision_ref)
            .is_some_and(|d| d.decision.eligible()));
        let noticed = history
            .iter()
            .any(|e| matches!(e.action, Action::StartNotice { .. }));
        let decided = history
            .iter()
            .any(|e| matches!(e.action, Action::RecordDecision(_)));
        prop_assert!(
            noticed && decided,
            "qualified without a decision and a notice"
        );
        prop_assert!(history
            .iter()
            .any(|e| e.status_after == StatusKind::Verified));
    }

    if let Action::DepartmentConfirm {
        department,
        corrections,
    } = &event.action
    {
        for c in corrections {
            prop_assert_eq!(c.path().owner(), Some(*department));
        }
        // Applied to a household, the new corrections change nothing the
        // department does not own.
        let before = old
            .corrected_household(&household())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let after = new
            .corrected_household(&household())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for p in watched_paths() {
            if value_at(&before, &p) != value_at(&after, &p) {
                prop_assert_eq!(p.owner(), Some(*department), "{} changed", p);
            }
        }
    }
    Ok(())
}

/// Runs one sequence; returns the final application and its events.
fn run(steps: &[(Tmpl, Who, i64)]) -> Result<(Application, Vec<Event>), TestCaseError> {
    let pool = actor_pool();
    let story = Story::submitted();
    let mut app = story.app;
    let mut events = story.events;
    let mut now = t0();
    for (tmpl, who, dt) in steps {
        // The clock moves on whether or not the attempt is accepted; a
        // negative step models a server whose clock is behind.
        let at = after(now, *dt);
        now = at;
        let action = resolve(tmpl, &app, at);
        let actor = match who {
            Who::Right => right_actor(tmpl, &action),
            Who::Pool(i) => pool[i % pool.len()].clone(),
        };
        let permitted = permit(&actor, &app, &action);
        match apply(&app, &action, &actor, at) {
            Ok(event) => {
                prop_assert!(
                    permitted.is_ok(),
                    "accepted although forbidden: {:?}",
                    permitted
                );
                let new = app.with(&event).map_err(|e| {
                    TestCaseError::fail(format!("event from apply does not fold: {e}"))
                })?;
                check_step(&app, &new, &event, &events)?;
                check_state(&new)?;
                events.push(event);
                app = new;
            }
            Err(TransitionError::Forbidden(_)) => prop_assert!(permitted.is_err()),
            Err(e) => {
                prop_assert!(
                    permitted.is_ok(),
                    "forbidden actor got {:?} instead of Forbidden",
                    e
                );
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
    Ok((app, events))
}

proptest! {
    // No failure-persistence files: this crate writes nothing, tests included.
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_histories_stay_legal(
        steps in prop::collection::vec((tmpl_strategy(), who_strategy(), dt_strategy()), 1..120)
    ) {
        let (app, events) = run(&steps)?;
        // An application is its events folded, also after a trip through JSON.
        prop_assert_eq!(&Application::replay(&events).map_err(|e| TestCaseError::fail(e.to_string()))?, &app);
        let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<Event> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&Application::replay(&back).map_err(|e| TestCaseError::fail(e.to_string()))?, &app);
    }
}

/// Makes sure the generator above reaches every state, so that the
/// property is not vacuously true for the deep ones. Deterministic.
#[test]
fn random_histories_reach_every_state() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7u8; 32]),
    );
    let strategy = prop::collection::vec((tmpl_strategy(), who_strategy(), dt_strategy()), 1..120);
    let mut reached = BTreeSet::new();
    let mut counts = std::collections::BTreeMap::new();
    let mut stages = BTreeSet::new();
    for _ in 0..400 {
        let steps = strategy.new_tree(&mut runner).expect("generates").current();
        let (_, events) = run(&steps).expect("property holds");
        // Which rejection stages were reached, replaying the history.
        let mut app = Application::open(&events[0]).expect("opens");
        for e in &events[1..] {
            app = app.with(e).expect("folds");
            if let Status::Rejected { stage, .. } = app.status() {
                stages.insert(format!("{stage:?}"));
            }
        }
        let kinds: BTreeSet<StatusKind> = events.iter().map(|e| e.status_after).collect();
        for k in &kinds {
            *counts.entry(*k).or_insert(0u32) += 1;
        }
        reached.extend(kinds);
    }
    let missing: Vec<StatusKind> = StatusKind::ALL
        .into_iter()
        .filter(|k| !reached.contains(k))
        .collect();
    eprintln!("histories reaching each state: {counts:?}");
    assert!(missing.is_empty(), "never reached: {missing:?}");
    assert_eq!(stages.len(), 4, "rejection stages reached: {stages:?}");
}
