//! Fixtures shared by the integration tests: actors, submissions,
//! decisions, and a `Story` that applies and folds actions in one go.
#![allow(dead_code)] // each test file uses a different part

use anju_domain::*;
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

pub const D: &str = "140302";
pub const E: &str = "140303";

pub fn code(s: &str) -> DistrictCode {
    DistrictCode::parse(s).expect("valid district")
}

pub fn actor(user: &str, role: Role, district: Option<&str>) -> Actor {
    Actor::new(
        UserId::new(user).expect("valid user"),
        role,
        district.map(code),
    )
    .expect("valid actor")
}

pub fn family() -> Actor {
    actor("family-1", Role::Applicant, None)
}
pub fn other_family() -> Actor {
    actor("family-2", Role::Applicant, None)
}
pub fn community(d: &str) -> Actor {
    actor(&format!("community-{d}"), Role::Community, Some(d))
}
pub fn street(d: &str) -> Actor {
    actor(&format!("street-{d}"), Role::Street, Some(d))
}
pub fn bureau(d: &str) -> Actor {
    actor(&format!("bureau-{d}"), Role::DistrictBureau, Some(d))
}
pub fn verifier(dept: Department) -> Actor {
    actor(
        &format!("verifier-{}", dept.code()),
        Role::Verifier(dept),
        None,
    )
}
pub fn county_verifier(dept: Department, d: &str) -> Actor {
    actor(
        &format!("verifier-{}-{d}", dept.code()),
        Role::Verifier(dept),
        Some(d),
    )
}
pub fn city() -> Actor {
    actor("city-1", Role::CityBureau, None)
}
pub fn auditor() -> Actor {
    actor("auditor-1", Role::Auditor, None)
}
pub fn company() -> Actor {
    actor("company-1", Role::Company, None)
}

/// Every actor the tests use, right and wrong.
pub fn actor_pool() -> Vec<Actor> {
    let mut v = vec![
        family(),
        other_family(),
        community(D),
        community(E),
        street(D),
        street(E),
        bureau(D),
        bureau(E),
        city(),
        auditor(),
        company(),
        county_verifier(Department::PublicSecurity, E),
    ];
    v.extend(Department::ALL.into_iter().map(verifier));
    v
}

/// `2026-03-02T09:00:00+08:00` plus `minutes`.
pub fn t0() -> Timestamp {
    Timestamp::parse("2026-03-02T09:00:00+08:00").expect("valid")
}

pub fn after(t: Timestamp, minutes: i64) -> Timestamp {
    Timestamp::from_datetime(&(t.to_utc() + Duration::minutes(minutes)))
}

pub fn days(t: Timestamp, n: i64) -> Timestamp {
    after(t, n * 24 * 60)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn text(s: &str) -> NonEmptyText {
    NonEmptyText::new(s).expect("non-empty")
}

pub fn materials() -> MaterialsChecklist {
    MaterialsChecklist {
        application_form: true,
        member_count: 3,
        identity_proofs: 3,
        hukou_or_residence_proof: true,
        marital_status: MaritalStatus::Married,
        marriage_proof: true,
        divorce_proof: false,
        income: true,
        social_insurance: true,
        property_query: true,
    }
}

pub fn submission_in(d: &str) -> Submission {
    Submission {
        household_id: HouseholdId::new("household-1").expect("valid"),
        district: code(d),
        applicant_account: None,
        materials: materials(),
        signed_commitment: true,
        consent_to_verification: true,
    }
}

pub fn cleared() -> Cleared {
    screen_submission(&DuplicateCheck::Clear, None, date(2026, 3, 2)).expect("clear")
}

pub fn citation(article: &str, r: &str) -> Citation {
    Citation::new("阳政办发〔2026〕2号", article, r).expect("valid citation")
}

pub fn cited(message: &str) -> CitedReason {
    CitedReason {
        rule: None,
        message: text(message),
        citation: citation("第十条（一）2", "10.1.2"),
    }
}

pub fn reasons(message: &str) -> Reasons {
    Reasons::one(cited(message))
}

fn digest() -> PolicyDigest {
    PolicyDigest::new(format!("sha256:{}", "ab".repeat(32))).expect("valid digest")
}

pub fn eligible_decision(as_of: NaiveDate) -> DecisionRecord {
    DecisionRecord::new(DecisionParts {
        eligible: true,
        categories: vec![text("wage_all"), text("wage_low_income")],
        tier: std::num::NonZeroU8::new(1),
        scope: Some(Scope::City),
        priority: false,
        obligations: vec![],
        reasons: vec![DecisionReason {
            rule: text("housing_difficulty"),
            category: Some(text("wage_low_income")),
            passed: true,
            message: text("家庭在本市无房"),
            citation: citation("第十条（一）2", "10.1.2"),
        }],
        policy_id: text("yangquan-2026"),
        policy_digest: digest(),
        as_of,
    })
    .expect("consistent decision")
}

pub fn ineligible_decision(as_of: NaiveDate) -> DecisionRecord {
    DecisionRecord::new(DecisionParts {
        eligible: false,
        categories: vec![],
        tier: None,
        scope: None,
        priority: false,
        obligations: vec![],
        reasons: vec![
            DecisionReason {
                rule: text("resident_wage_earner"),
                category: Some(text("wage_low_income")),
                passed: true,
                message: text("主申请人为本市常住人口，依靠务工获得薪金收入"),
                citation: citation("第十条（一）1", "10.1.1"),
            },
            DecisionReason {
                rule: text("housing_difficulty"),
                category: Some(text("wage_low_income")),
                passed: false,
                message: text("家庭人均住房建筑面积 32.00 平方米，超过 20 平方米"),
                citation: citation("第十条（一）2", "10.1.2"),
            },
        ],
        policy_id: text("yangquan-2026"),
        policy_digest: digest(),
        as_of,
    })
    .expect("consistent decision")
}

pub fn correction(path: &str, old: Value, new: Value) -> FactCorrection {
    FactCorrection::new(FactPath::parse(path).expect("valid path"), old, new)
        .expect("valid correction")
}

/// A household document with three members, shaped as the schema says.
pub fn household() -> Value {
    json!({
        "id": "household-1",
        "region": "140302",
        "members": [
            {"relation": "applicant", "married": true, "resident": true, "residence_years": 6,
             "employment": "employee", "labor_contract": true, "social_insurance_months": 36,
             "annual_income_yuan": 52000},
            {"relation": "spouse", "married": true, "resident": true, "employment": "flexible",
             "annual_income_yuan": 30000},
            {"relation": "child"}
        ],
        "housing": {"owned_homes": 0},
        "history": {"property_transfer_dates": []}
    })
}

/// An application and its history, advanced one checked action at a time.
#[derive(Debug, Clone)]
pub struct Story {
    pub app: Application,
    pub events: Vec<Event>,
    pub now: Timestamp,
}

impl Story {
    /// Submitted online by `family()` in district D at `t0()`.
    pub fn submitted() -> Story {
        Story::submitted_by(&family(), D)
    }

    pub fn submitted_by(who: &Actor, d: &str) -> Story {
        let event = submit(
            ApplicationId::new("A-1").expect("valid"),
            submission_in(d),
            cleared(),
            who,
            t0(),
        )
        .expect("submission accepted");
        let app = Application::open(&event).expect("opens");
        Story {
            app,
            events: vec![event],
            now: t0(),
        }
    }

    /// Tries `action` by `who`, one hour after the last step.
    pub fn try_act(
        &mut self,
        action: Action,
        who: &Actor,
    ) -> Result<&Application, TransitionError> {
        let at = after(self.now, 60);
        self.try_act_at(action, who, at)
    }

    pub fn try_act_at(
        &mut self,
        action: Action,
        who: &Actor,
        at: Timestamp,
    ) -> Result<&Application, TransitionError> {
        let event = apply(&self.app, &action, who, at)?;
        self.app = self.app.with(&event).expect("an event apply made folds");
        self.events.push(event);
        self.now = at;
        Ok(&self.app)
    }

    pub fn act(mut self, action: Action, who: &Actor) -> Story {
        if let Err(e) = self.try_act(action.clone(), who) {
            panic!("{action:?} by {who:?} refused: {e}");
        }
        self
    }

    pub fn act_at(mut self, action: Action, who: &Actor, at: Timestamp) -> Story {
        if let Err(e) = self.try_act_at(action.clone(), who, at) {
            panic!("{action:?} by {who:?} refused: {e}");
        }
        self
    }

    pub fn kind(&self) -> StatusKind {
        self.app.status().kind()
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    pub fn returned() -> Story {
        Story::submitted().act(
            Action::StreetReturn {
                reason: text("请补充户口簿复印件"),
            },
            &street(D),
        )
    }

    pub fn under_verification() -> Story {
        Story::submitted().act(Action::StreetPass, &street(D))
    }

    pub fn verified() -> Story {
        let mut s = Story::under_verification();
        for dept in Department::ALL {
            s = s.act(
                Action::DepartmentConfirm {
                    department: dept,
                    corrections: vec![],
                },
                &verifier(dept),
            );
        }
        s
    }

    pub fn decided() -> Story {
        let s = Story::verified();
        let as_of = s.today();
        s.act(Action::RecordDecision(eligible_decision(as_of)), &bureau(D))
    }

    /// On notice from the next day for 7 days (5 working days around a
    /// weekend).
    pub fn on_notice() -> Story {
        let s = Story::decided();
        let start = s.today() + Duration::days(1);
        s.act(
            Action::StartNotice {
                start,
                end: start + Duration::days(6),
            },
            &bureau(D),
        )
    }

    pub fn notice_end(&self) -> NaiveDate {
        match self.app.status() {
            Status::OnNotice { notice_end, .. } => *notice_end,
            other => panic!("not on notice: {other:?}"),
        }
    }

    /// Qualify on the day after the notice ends.
    pub fn qualified() -> Story {
        let s = Story::on_notice();
        let at = Timestamp::from_shanghai(
            (s.notice_end() + Duration::days(1))
                .and_hms_opt(9, 0, 0)
                .expect("time"),
        )
        .expect("time");
        s.act_at(Action::Qualify, &bureau(D), at)
    }

    pub fn rejected_by_decision() -> Story {
        let s = Story::verified();
        let as_of = s.today();
        s.act(
            Action::RecordDecision(ineligible_decision(as_of)),
            &bureau(D),
        )
    }

    pub fn rejected_by_street() -> Story {
        Story::submitted().act(
            Action::StreetReject {
                reasons: reasons("申请家庭在本市有两套住房"),
            },
            &street(D),
        )
    }

    pub fn review_requested() -> Story {
        Story::rejected_by_decision().act(
            Action::RequestReview {
                reasons: text("我家那套房已于去年出售，请复核"),
            },
            &family(),
        )
    }

    pub fn withdrawn() -> Story {
        Story::submitted().act(Action::Withdraw { reason: None }, &family())
    }

    /// One story in each state.
    pub fn one_per_state() -> Vec<Story> {
        vec![
            Story::submitted(),
            Story::returned(),
            Story::under_verification(),
            Story::verified(),
            Story::decided(),
            Story::on_notice(),
            Story::qualified(),
            Story::rejected_by_decision(),
            Story::review_requested(),
            Story::withdrawn(),
        ]
    }
}

/// A representative action of each kind with the actor entitled to take it
/// in district D, valid on `today` (for decisions and notices).
pub fn sample_action(kind: ActionKind, today: NaiveDate) -> (Action, Actor) {
    match kind {
        ActionKind::Submit => (Action::Submit(submission_in(D)), family()),
        ActionKind::StreetPass => (Action::StreetPass, street(D)),
        ActionKind::StreetReturn => (
            Action::StreetReturn {
                reason: text("请补充材料"),
            },
            street(D),
        ),
        ActionKind::StreetReject => (
            Action::StreetReject {
                reasons: reasons("不符合条件"),
            },
            street(D),
        ),
        ActionKind::Resubmit => (Action::Resubmit, family()),
        ActionKind::DepartmentConfirm => (
            Action::DepartmentConfirm {
                department: Department::PublicSecurity,
                corrections: vec![],
            },
            verifier(Department::PublicSecurity),
        ),
        ActionKind::RecordDecision => (Action::RecordDecision(eligible_decision(today)), bureau(D)),
        ActionKind::StartNotice => (
            Action::StartNotice {
                start: today + Duration::days(1),
                end: today + Duration::days(8),
            },
            bureau(D),
        ),
        ActionKind::RecordObjection => (
            Action::RecordObjection {
                text: text("该户在外地有房"),
            },
            street(D),
        ),
        ActionKind::ResolveObjection => (
            Action::ResolveObjection {
                id: ObjectionId::new(1),
                upheld: false,
                note: text("经核实不成立"),
                citation: None,
            },
            bureau(D),
        ),
        ActionKind::Qualify => (Action::Qualify, bureau(D)),
        ActionKind::RequestReview => (
            Action::RequestReview {
                reasons: text("请复核"),
            },
            family(),
        ),
        ActionKind::DecideReview => (
            Action::DecideReview {
                reverse: false,
                note: text("维持原决定"),
            },
            bureau(D),
        ),
        ActionKind::Withdraw => (Action::Withdraw { reason: None }, family()),
    }
}
