//! Every transition of the application lifecycle, allowed and refused, by
//! role and by district.

mod common;

use anju_domain::*;
use chrono::Duration;
use common::*;
use serde_json::json;

fn forbidden(r: Result<&Application, TransitionError>) -> Forbidden {
    match r {
        Err(TransitionError::Forbidden(f)) => f,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

fn illegal(r: Result<&Application, TransitionError>) -> (StatusKind, ActionKind) {
    match r {
        Err(TransitionError::IllegalTransition { state, action }) => (state, action),
        other => panic!("expected IllegalTransition, got {other:?}"),
    }
}

// ---- Submit ----------------------------------------------------------------

#[test]
fn family_submits_online_for_itself() {
    let s = Story::submitted();
    assert_eq!(s.kind(), StatusKind::Submitted);
    assert_eq!(s.app.owner(), Some(family().user_id()));
    assert_eq!(s.app.channel(), Channel::Online);
    assert_eq!(s.app.district(), &code(D));
    assert_eq!(s.events[0].actor.role(), Role::Applicant);
    assert_eq!(s.events[0].at, t0());
}

#[test]
fn community_submits_at_the_counter_of_its_district_only() {
    let s = Story::submitted_by(&community(D), D);
    assert_eq!(s.app.channel(), Channel::Counter);
    assert_eq!(s.app.owner(), None);

    let id = ApplicationId::new("A-2").expect("id");
    let err = submit(id.clone(), submission_in(D), cleared(), &community(E), t0())
        .expect_err("other district");
    assert!(matches!(
        err,
        TransitionError::Forbidden(Forbidden::OtherDistrict { .. })
    ));
    assert_eq!(
        err.to_string(),
        "本账号只能处理140303 矿区的申请，不能处理140302 城区的申请 (this account acts for district 140303 Kuangqu District, not 140302 Chengqu District)"
    );
    for who in [
        street(D),
        bureau(D),
        verifier(Department::CivilAffairs),
        city(),
        auditor(),
        company(),
    ] {
        let err = submit(id.clone(), submission_in(D), cleared(), &who, t0())
            .expect_err("not a submitter");
        assert!(
            matches!(
                err,
                TransitionError::Forbidden(Forbidden::RoleNotAllowed {
                    action: ActionKind::Submit,
                    ..
                })
            ),
            "{who:?}: {err}"
        );
    }
}

#[test]
fn counter_submission_can_link_the_family_account() {
    let mut sub = submission_in(D);
    sub.applicant_account = Some(family().user_id().clone());
    let e = submit(
        ApplicationId::new("A-3").expect("id"),
        sub.clone(),
        cleared(),
        &community(D),
        t0(),
    )
    .expect("ok");
    let app = Application::open(&e).expect("opens");
    assert_eq!(app.owner(), Some(family().user_id()));
    // A family may not link somebody else's account.
    let err = submit(
        ApplicationId::new("A-4").expect("id"),
        sub,
        cleared(),
        &other_family(),
        t0(),
    )
    .expect_err("not own");
    assert!(matches!(
        err,
        TransitionError::Forbidden(Forbidden::NotOwner { .. })
    ));
}

#[test]
fn incomplete_materials_are_named_in_chinese() {
    let mut sub = submission_in(D);
    sub.materials.identity_proofs = 2;
    sub.materials.property_query = false;
    sub.consent_to_verification = false;
    let err = submit(
        ApplicationId::new("A-5").expect("id"),
        sub,
        cleared(),
        &family(),
        t0(),
    )
    .expect_err("incomplete");
    assert_eq!(
        err,
        TransitionError::IncompleteMaterials {
            missing: vec![
                Material::IdentityProofs { missing: 1 },
                Material::PropertyQuery,
                Material::ConsentToVerification
            ]
        }
    );
    assert_eq!(
        err.to_string(),
        "申请材料不全，缺少：家庭成员有效身份证明（缺1人）、家庭成员不动产查询情况、同意相关部门核验收入、住房、婚姻、社保等信息 \
         (materials incomplete, missing: identity proof of 1 member(s), property query of every member, consent to verification)"
    );
    let mut sub = submission_in(D);
    sub.signed_commitment = false;
    let err = submit(
        ApplicationId::new("A-6").expect("id"),
        sub,
        cleared(),
        &family(),
        t0(),
    )
    .expect_err("no commitment");
    assert!(err.to_string().contains("签订的承诺书"));
}

#[test]
fn submit_is_only_ever_the_first_event() {
    let mut s = Story::submitted();
    let (state, action) = illegal(s.try_act(Action::Submit(submission_in(D)), &family()));
    assert_eq!((state, action), (StatusKind::Submitted, ActionKind::Submit));
}

// ---- Street ----------------------------------------------------------------

#[test]
fn street_of_the_district_does_the_initial_review() {
    let s = Story::submitted().act(Action::StreetPass, &street(D));
    assert_eq!(
        s.app.status(),
        &Status::UnderVerification {
            confirmed: Default::default()
        }
    );

    let mut s = Story::submitted();
    assert!(matches!(
        forbidden(s.try_act(Action::StreetPass, &street(E))),
        Forbidden::OtherDistrict { .. }
    ));
    for who in [
        family(),
        community(D),
        bureau(D),
        verifier(Department::PublicSecurity),
        city(),
        auditor(),
        company(),
    ] {
        let f = forbidden(s.try_act(Action::StreetPass, &who));
        assert!(
            matches!(
                f,
                Forbidden::RoleNotAllowed {
                    action: ActionKind::StreetPass,
                    ..
                }
            ),
            "{who:?}"
        );
    }
    let f = forbidden(s.try_act(Action::StreetPass, &community(D)));
    assert_eq!(
        f.to_string(),
        "“社区/村受理”无权执行“街道初审通过” (role community office may not pass the initial review)"
    );
}

#[test]
fn street_returns_for_correction_and_the_family_resubmits() {
    let s = Story::returned();
    assert_eq!(
        s.app.status(),
        &Status::ReturnedForCorrection {
            reason: text("请补充户口簿复印件")
        }
    );
    let mut s2 = s.clone();
    assert!(matches!(
        forbidden(s2.try_act(Action::Resubmit, &other_family())),
        Forbidden::NotOwner { .. }
    ));
    assert!(matches!(
        forbidden(s2.try_act(Action::Resubmit, &street(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    assert!(matches!(
        forbidden(s2.try_act(Action::Resubmit, &community(E))),
        Forbidden::OtherDistrict { .. }
    ));
    assert_eq!(
        s.clone().act(Action::Resubmit, &family()).kind(),
        StatusKind::Submitted
    );
    assert_eq!(
        s.act(Action::Resubmit, &community(D)).kind(),
        StatusKind::Submitted
    );
}

#[test]
fn street_rejects_with_cited_reasons() {
    let s = Story::rejected_by_street();
    match s.app.status() {
        Status::Rejected { reasons, stage } => {
            assert_eq!(*stage, RejectionStage::InitialReview);
            assert_eq!(reasons.len(), 1);
            assert_eq!(reasons.as_slice()[0].citation.ref_.as_str(), "10.1.2");
        }
        other => panic!("{other:?}"),
    }
    // A rejection without reasons cannot even be written down.
    let no_reasons =
        serde_json::from_value::<Action>(json!({"type": "street_reject", "reasons": []}));
    assert!(no_reasons.is_err());
}

#[test]
fn illegal_transition_names_state_and_action() {
    let mut s = Story::on_notice();
    let err = s
        .try_act(Action::StreetPass, &street(D))
        .expect_err("illegal");
    assert_eq!(
        err.to_string(),
        "当前状态“公示中”不能执行“街道初审通过” (cannot pass the initial review while on public notice)"
    );
}

// ---- Departments ----------------------------------------------------------

#[test]
fn five_departments_confirm_then_verified() {
    let mut s = Story::under_verification();
    for (i, dept) in Department::ALL.into_iter().enumerate() {
        assert_eq!(s.kind(), StatusKind::UnderVerification, "before {dept:?}");
        s = s.act(
            Action::DepartmentConfirm {
                department: dept,
                corrections: vec![],
            },
            &verifier(dept),
        );
        if let Status::UnderVerification { confirmed } = s.app.status() {
            assert_eq!(confirmed.len(), i + 1);
        }
    }
    assert_eq!(s.kind(), StatusKind::Verified);
    assert_eq!(s.app.verifications().len(), 5);
}

#[test]
fn departments_confirm_only_for_themselves_once() {
    let mut s = Story::under_verification();
    let confirm = |d| Action::DepartmentConfirm {
        department: d,
        corrections: vec![],
    };
    let f = forbidden(s.try_act(
        confirm(Department::CivilAffairs),
        &verifier(Department::PublicSecurity),
    ));
    assert_eq!(f.to_string(), "公安部门核验不能代替民政部门确认核验 (public security verifier may not confirm for the civil affairs department)");
    assert!(matches!(
        forbidden(s.try_act(confirm(Department::PublicSecurity), &street(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    // A county branch acts in its own district only; a city department in all.
    assert!(matches!(
        forbidden(s.try_act(
            confirm(Department::PublicSecurity),
            &county_verifier(Department::PublicSecurity, E)
        )),
        Forbidden::OtherDistrict { .. }
    ));
    s.try_act(
        confirm(Department::PublicSecurity),
        &county_verifier(Department::PublicSecurity, D),
    )
    .expect("own district");
    let err = s
        .try_act(
            confirm(Department::PublicSecurity),
            &verifier(Department::PublicSecurity),
        )
        .expect_err("twice");
    assert_eq!(
        err,
        TransitionError::AlreadyConfirmed {
            department: Department::PublicSecurity
        }
    );
    assert_eq!(
        err.to_string(),
        "公安部门已确认核验，不能重复确认 (the public security department has already confirmed)"
    );
}

#[test]
fn departments_correct_only_the_facts_they_own() {
    let mut s = Story::under_verification();
    let err = s
        .try_act(
            Action::DepartmentConfirm {
                department: Department::PublicSecurity,
                corrections: vec![correction("housing.owned_homes", json!(0), json!(1))],
            },
            &verifier(Department::PublicSecurity),
        )
        .expect_err("not owned");
    assert_eq!(
        err.to_string(),
        "公安部门无权更正字段 housing.owned_homes：该字段由自然资源部门核验 (the public security department may not correct housing.owned_homes: it is verified by the natural resources department)"
    );
    let err = s
        .try_act(
            Action::DepartmentConfirm {
                department: Department::CivilAffairs,
                corrections: vec![correction(
                    "members[0].annual_income_yuan",
                    json!(52000),
                    json!(60000),
                )],
            },
            &verifier(Department::CivilAffairs),
        )
        .expect_err("nobody owns income");
    assert!(err.to_string().contains("该字段不由核验部门更正"));
    let err = s
        .try_act(
            Action::DepartmentConfirm {
                department: Department::NaturalResources,
                corrections: vec![
                    correction("housing.owned_homes", json!(0), json!(1)),
                    correction("housing.owned_homes", json!(0), json!(2)),
                ],
            },
            &verifier(Department::NaturalResources),
        )
        .expect_err("twice");
    assert!(matches!(err, TransitionError::DuplicateCorrection { .. }));
    // Nothing was recorded by the refused attempts.
    assert!(s.app.verifications().is_empty());

    let s = s
        .act(
            Action::DepartmentConfirm {
                department: Department::NaturalResources,
                corrections: vec![
                    correction("housing.owned_homes", json!(0), json!(1)),
                    correction("housing.owned_floor_area_m2", json!(null), json!(64.5)),
                    correction(
                        "history.property_transfer_dates",
                        json!([]),
                        json!(["2024-06-01"]),
                    ),
                ],
            },
            &verifier(Department::NaturalResources),
        )
        .act(
            Action::DepartmentConfirm {
                department: Department::CivilAffairs,
                corrections: vec![correction("members[1].married", json!(true), json!(false))],
            },
            &verifier(Department::CivilAffairs),
        );
    let h = s.app.corrected_household(&household()).expect("applies");
    assert_eq!(
        h["housing"],
        json!({"owned_homes": 1, "owned_floor_area_m2": 64.5})
    );
    assert_eq!(
        h["history"]["property_transfer_dates"],
        json!(["2024-06-01"])
    );
    assert_eq!(h["members"][1]["married"], json!(false));
    assert_eq!(h["members"][0], household()["members"][0]);
}

#[test]
fn provident_fund_confirms_without_corrections() {
    assert!(Department::ProvidentFund.owned_fields().is_empty());
    let mut s = Story::under_verification();
    let err = s
        .try_act(
            Action::DepartmentConfirm {
                department: Department::ProvidentFund,
                corrections: vec![correction(
                    "members[0].social_insurance_months",
                    json!(36),
                    json!(12),
                )],
            },
            &verifier(Department::ProvidentFund),
        )
        .expect_err("owns nothing");
    assert!(matches!(err, TransitionError::FieldNotOwned { .. }));
}

// ---- Decision ----------------------------------------------------------------

#[test]
fn bureau_records_an_eligible_decision() {
    let s = Story::decided();
    let Status::Decided { decision_ref } = s.app.status() else {
        panic!("{:?}", s.app.status());
    };
    let recorded = s.app.decision(*decision_ref).expect("recorded");
    assert!(recorded.decision.eligible());
    assert_eq!(
        recorded.decision.parts().policy_digest.as_str(),
        format!("sha256:{}", "ab".repeat(32))
    );
    assert_eq!(recorded.recorded_by, *bureau(D).user_id());
    // A new engine run before the notice replaces it (both stay on record).
    let today = s.today();
    let s = s.act(Action::RecordDecision(eligible_decision(today)), &bureau(D));
    assert_eq!(s.app.decisions().len(), 2);
    assert_eq!(s.kind(), StatusKind::Decided);
}

#[test]
fn an_ineligible_decision_rejects_with_the_failed_conditions() {
    let s = Story::rejected_by_decision();
    match s.app.status() {
        Status::Rejected { reasons, stage } => {
            assert_eq!(*stage, RejectionStage::Decision);
            assert_eq!(reasons.len(), 1, "only the failed condition");
            assert_eq!(
                reasons.as_slice()[0].citation.article.as_str(),
                "第十条（一）2"
            );
            assert!(reasons.as_slice()[0].message.as_str().contains("32.00"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn decisions_only_by_the_bureau_once_verified() {
    let mut s = Story::verified();
    let today = s.today();
    let d = Action::RecordDecision(eligible_decision(today));
    for who in [
        street(D),
        family(),
        city(),
        auditor(),
        verifier(Department::PublicSecurity),
    ] {
        assert!(
            matches!(
                forbidden(s.try_act(d.clone(), &who)),
                Forbidden::RoleNotAllowed { .. }
            ),
            "{who:?}"
        );
    }
    assert!(matches!(
        forbidden(s.try_act(d.clone(), &bureau(E))),
        Forbidden::OtherDistrict { .. }
    ));
    let future = Action::RecordDecision(eligible_decision(today + Duration::days(1)));
    assert!(matches!(
        s.try_act(future, &bureau(D)),
        Err(TransitionError::DecisionInFuture { .. })
    ));

    let mut early = Story::under_verification();
    assert_eq!(
        illegal(early.try_act(d, &bureau(D))),
        (StatusKind::UnderVerification, ActionKind::RecordDecision)
    );
}

// ---- Notice ----------------------------------------------------------------

#[test]
fn notice_dates_are_checked() {
    let mut s = Story::decided();
    let today = s.today();
    let notice = |start, end| Action::StartNotice { start, end };
    let err = s
        .try_act(notice(today + Duration::days(5), today), &bureau(D))
        .expect_err("backwards");
    assert!(matches!(err, TransitionError::NoticeEndsBeforeStart { .. }));
    let err = s
        .try_act(
            notice(today - Duration::days(1), today + Duration::days(7)),
            &bureau(D),
        )
        .expect_err("past");
    assert!(matches!(err, TransitionError::NoticeStartsInPast { .. }));
    let err = s
        .try_act(notice(today, today + Duration::days(3)), &bureau(D))
        .expect_err("short");
    assert_eq!(
        err.to_string(),
        format!(
            "公示期不少于5个工作日，{}至{}容纳不下 (a notice of at least 5 working days does not fit in {} to {})",
            today,
            today + Duration::days(3),
            today,
            today + Duration::days(3)
        )
    );
    assert!(matches!(
        forbidden(s.try_act(notice(today, today + Duration::days(6)), &community(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    let s = s.act(notice(today, today + Duration::days(4)), &bureau(D));
    assert_eq!(s.kind(), StatusKind::OnNotice);
}

#[test]
fn objections_are_recorded_by_district_staff() {
    let mut s = Story::on_notice();
    let obj = |t: &str| Action::RecordObjection { text: text(t) };
    for who in [street(D), community(D), bureau(D)] {
        s.try_act(obj("该户隐瞒了一套住房"), &who)
            .expect("district staff record objections");
    }
    assert_eq!(s.app.objections().len(), 3);
    assert_eq!(s.app.objections()[2].id, ObjectionId::new(3));
    assert_eq!(s.kind(), StatusKind::OnNotice);
    assert!(matches!(
        forbidden(s.try_act(obj("x"), &street(E))),
        Forbidden::OtherDistrict { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(obj("x"), &family())),
        Forbidden::RoleNotAllowed { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(obj("x"), &auditor())),
        Forbidden::RoleNotAllowed { .. }
    ));
}

#[test]
fn objections_are_resolved_by_the_bureau() {
    let mut s = Story::on_notice().act(
        Action::RecordObjection {
            text: text("该户隐瞒了一套住房"),
        },
        &street(D),
    );
    let resolve = |id, upheld, citation| Action::ResolveObjection {
        id: ObjectionId::new(id),
        upheld,
        note: text("经自然资源部门复查"),
        citation,
    };
    assert!(matches!(
        s.try_act(resolve(9, false, None), &bureau(D)),
        Err(TransitionError::UnknownObjection { .. })
    ));
    assert!(matches!(
        s.try_act(resolve(1, true, None), &bureau(D)),
        Err(TransitionError::CitationRequired { .. })
    ));
    assert!(matches!(
        forbidden(s.try_act(resolve(1, false, None), &street(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    s.try_act(resolve(1, false, None), &bureau(D))
        .expect("dismissed");
    assert!(matches!(
        s.try_act(resolve(1, false, None), &bureau(D)),
        Err(TransitionError::ObjectionAlreadyResolved { .. })
    ));
    let o = &s.app.objections()[0];
    let r = o.resolved.as_ref().expect("resolved");
    assert!(!r.upheld);
    assert_eq!(r.by, *bureau(D).user_id());
}

// ---- Qualify ----------------------------------------------------------------

#[test]
fn qualify_only_after_the_notice_with_objections_resolved() {
    let mut s = Story::on_notice();
    let end = s.notice_end();
    let on = |d: chrono::NaiveDate| {
        Timestamp::from_shanghai(d.and_hms_opt(23, 59, 0).expect("time")).expect("time")
    };
    let err = s
        .try_act_at(Action::Qualify, &bureau(D), on(end))
        .expect_err("last day");
    assert_eq!(
        err,
        TransitionError::NoticeNotOver {
            notice_end: end,
            today: end
        }
    );
    s.try_act_at(
        Action::RecordObjection {
            text: text("异议")
        },
        &community(D),
        on(end),
    )
    .expect("recorded");
    let next_day = on(end + Duration::days(1));
    let err = s
        .try_act_at(Action::Qualify, &bureau(D), next_day)
        .expect_err("open objection");
    assert_eq!(
        err.to_string(),
        "公示期间的异议尚未处理完毕：第1号 (objections not yet resolved: 1)"
    );
    assert!(matches!(
        forbidden(s.try_act_at(Action::Qualify, &street(D), next_day)),
        Forbidden::RoleNotAllowed { .. }
    ));
    s.try_act_at(
        Action::ResolveObjection {
            id: ObjectionId::new(1),
            upheld: false,
            note: text("不成立"),
            citation: None,
        },
        &bureau(D),
        next_day,
    )
    .expect("resolved");
    s.try_act_at(Action::Qualify, &bureau(D), next_day)
        .expect("qualified");
    match s.app.status() {
        Status::Qualified {
            categories,
            tier,
            scope,
            qualified_on,
            place,
        } => {
            assert_eq!(categories.len(), 2);
            assert_eq!(tier.map(|t| t.get()), Some(1));
            assert_eq!(*scope, Scope::City);
            assert_eq!(*qualified_on, end + Duration::days(1));
            assert_eq!(*place, None);
        }
        other => panic!("{other:?}"),
    }
    // The store sets the waitlist place.
    s.app.set_waitlist_place(17).expect("qualified");
    assert!(matches!(
        s.app.status(),
        Status::Qualified {
            place: Some(17),
            ..
        }
    ));
    let mut other = Story::submitted();
    assert_eq!(
        other.app.set_waitlist_place(1),
        Err(NotQualified(StatusKind::Submitted))
    );
}

#[test]
fn an_upheld_objection_rejects_at_once() {
    let on_notice = Story::on_notice();
    let end = on_notice.notice_end();
    let s = on_notice
        .act(
            Action::RecordObjection {
                text: text("该户在本市有房"),
            },
            &street(D),
        )
        .act(
            Action::ResolveObjection {
                id: ObjectionId::new(1),
                upheld: true,
                note: text("经查该户2025年购入住房一套"),
                citation: Some(citation("第十条（一）2", "10.1.2")),
            },
            &bureau(D),
        );
    match s.app.status() {
        Status::Rejected { reasons, stage } => {
            assert_eq!(*stage, RejectionStage::Notice);
            assert_eq!(
                reasons.as_slice()[0].message.as_str(),
                "公示期间异议经核实成立：经查该户2025年购入住房一套"
            );
        }
        other => panic!("{other:?}"),
    }
    // Nothing that would pretend otherwise is on offer: no qualification,
    // even after the notice; a review may be asked for.
    assert!(!s.app.status().kind().allows(ActionKind::Qualify));
    let mut s = s;
    let qualify = s.try_act_at(
        Action::Qualify,
        &bureau(D),
        Timestamp::from_shanghai((end + Duration::days(1)).and_hms_opt(9, 0, 0).expect("t"))
            .expect("t"),
    );
    assert!(qualify.is_err(), "{qualify:?}");
    let s = s.act(
        Action::RequestReview {
            reasons: text("该房屋已于2025年底出售，请复核"),
        },
        &family(),
    );
    assert_eq!(s.app.status().kind(), StatusKind::ReviewRequested);
    // The whole history folds to the same state.
    assert_eq!(Application::replay(&s.events).expect("replay"), s.app);
}

/// Histories written before an upheld objection rejected at once (it
/// left the notice running and the rejection came at qualification) still
/// fold, to the state they recorded.
#[test]
fn older_histories_with_an_upheld_objection_still_fold() {
    let s = Story::on_notice().act(
        Action::RecordObjection {
            text: text("该户在本市有房"),
        },
        &street(D),
    );
    let end = s.notice_end();
    let mut events = s.events.clone();
    let mut at = s.now;
    let mut push = |action: Action, actor: Actor, status_after: StatusKind, at: Timestamp| {
        let seq = events.len() as u64 + 1;
        events.push(Event {
            application_id: events[0].application_id.clone(),
            seq,
            at,
            actor,
            action,
            status_after,
        });
    };
    at =
        Timestamp::from_shanghai(at.to_shanghai().naive_local() + Duration::minutes(5)).expect("t");
    push(
        Action::ResolveObjection {
            id: ObjectionId::new(1),
            upheld: true,
            note: text("经查该户2025年购入住房一套"),
            citation: Some(citation("第十条（一）2", "10.1.2")),
        },
        bureau(D),
        StatusKind::OnNotice,
        at,
    );
    push(
        Action::Qualify,
        bureau(D),
        StatusKind::Rejected,
        Timestamp::from_shanghai((end + Duration::days(1)).and_hms_opt(9, 0, 0).expect("t"))
            .expect("t"),
    );
    let app = Application::replay(&events).expect("an older history folds");
    assert!(matches!(
        app.status(),
        Status::Rejected {
            stage: RejectionStage::Notice,
            ..
        }
    ));
}

// ---- Review ----------------------------------------------------------------

#[test]
fn review_requests_come_from_the_family_or_the_counter() {
    let mut s = Story::rejected_by_decision();
    let req = Action::RequestReview {
        reasons: text("请复核"),
    };
    assert!(matches!(
        forbidden(s.try_act(req.clone(), &other_family())),
        Forbidden::NotOwner { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(req.clone(), &street(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(req.clone(), &bureau(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    let mut c = s.clone();
    c.try_act(req.clone(), &community(D)).expect("counter");
    s.try_act(req, &family()).expect("family");
    match s.app.status() {
        Status::ReviewRequested { reasons, rejection } => {
            assert_eq!(reasons.as_str(), "请复核");
            assert_eq!(rejection.stage, RejectionStage::Decision);
        }
        other => panic!("{other:?}"),
    }
    let mut q = Story::qualified();
    assert_eq!(
        illegal(q.try_act(Action::RequestReview { reasons: text("x") }, &family())),
        (StatusKind::Qualified, ActionKind::RequestReview)
    );
}

#[test]
fn a_reversed_review_goes_back_to_the_engine() {
    let mut s = Story::review_requested();
    let decide = |reverse| Action::DecideReview {
        reverse,
        note: text("复核认定该户住房已于2025年出售"),
    };
    assert!(matches!(
        forbidden(s.try_act(decide(true), &street(D))),
        Forbidden::RoleNotAllowed { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(decide(true), &bureau(E))),
        Forbidden::OtherDistrict { .. }
    ));
    s.try_act(decide(true), &bureau(D)).expect("reversed");
    assert_eq!(s.kind(), StatusKind::Verified);
    // The engine decides again, and the old decision stays on record.
    let today = s.today();
    let s = s.act(Action::RecordDecision(eligible_decision(today)), &bureau(D));
    assert_eq!(s.kind(), StatusKind::Decided);
    assert_eq!(s.app.decisions().len(), 2);
}

#[test]
fn a_reversed_street_rejection_goes_through_verification() {
    let s = Story::rejected_by_street()
        .act(
            Action::RequestReview {
                reasons: text("材料齐全"),
            },
            &family(),
        )
        .act(
            Action::DecideReview {
                reverse: true,
                note: text("初审有误"),
            },
            &bureau(D),
        );
    assert_eq!(
        s.app.status(),
        &Status::UnderVerification {
            confirmed: Default::default()
        }
    );
}

#[test]
fn an_upheld_review_is_final() {
    let mut s = Story::review_requested().act(
        Action::DecideReview {
            reverse: false,
            note: text("维持原决定"),
        },
        &bureau(D),
    );
    match s.app.status() {
        Status::Rejected { reasons, stage } => {
            assert_eq!(*stage, RejectionStage::Review);
            assert!(
                reasons.as_slice()[0].message.as_str().contains("32.00"),
                "original reasons kept"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = s
        .try_act(
            Action::RequestReview {
                reasons: text("再次复核"),
            },
            &family(),
        )
        .expect_err("second review");
    assert_eq!(err, TransitionError::ReviewAlreadyDecided);
}

// ---- Withdraw ----------------------------------------------------------------

#[test]
fn the_family_withdraws_before_qualification() {
    for mut s in Story::one_per_state() {
        let before = s.kind();
        let r = s
            .clone()
            .try_act(Action::Withdraw { reason: None }, &family())
            .map(|a| a.status().kind());
        match before {
            StatusKind::Qualified | StatusKind::Rejected | StatusKind::Withdrawn => {
                assert_eq!(
                    illegal(s.try_act(Action::Withdraw { reason: None }, &family())),
                    (before, ActionKind::Withdraw)
                )
            }
            _ => assert_eq!(r, Ok(StatusKind::Withdrawn), "from {before:?}"),
        }
        if before != StatusKind::Withdrawn {
            assert!(matches!(
                forbidden(s.try_act(Action::Withdraw { reason: None }, &other_family())),
                Forbidden::NotOwner { .. }
            ));
            assert!(matches!(
                forbidden(s.try_act(Action::Withdraw { reason: None }, &street(D))),
                Forbidden::RoleNotAllowed { .. }
            ));
        }
    }
    // The clerk does not withdraw what the family filed online …
    assert_eq!(
        forbidden(Story::submitted().try_act(Action::Withdraw { reason: None }, &community(D))),
        Forbidden::FiledOnlineByFamily
    );
    assert!(
        !anju_domain::available_actions(&Story::submitted().app, &community(D))
            .contains(&ActionKind::Withdraw)
    );
    // … but does withdraw a paper application filed at its counter.
    let paper = Story::submitted_by(&community(D), D);
    assert!(
        anju_domain::available_actions(&paper.app, &community(D)).contains(&ActionKind::Withdraw)
    );
    paper.act(Action::Withdraw { reason: None }, &community(D));
}

// ---- Everything else ----------------------------------------------------------

#[test]
fn every_state_refuses_exactly_the_actions_it_does_not_allow() {
    for s in Story::one_per_state() {
        let state = s.kind();
        for kind in ActionKind::ALL {
            let (action, who) = sample_action(kind, s.today());
            let mut t = s.clone();
            let r = t.try_act(action, &who).map(|a| a.status().kind());
            let allowed = state.allows(kind);
            match r {
                Err(TransitionError::IllegalTransition { state: st, action }) => {
                    assert!(
                        !allowed,
                        "{state:?} allows {kind:?} but it was refused as illegal"
                    );
                    assert_eq!((st, action), (state, kind));
                }
                Err(TransitionError::Forbidden(f)) => {
                    panic!("{kind:?} by the entitled actor forbidden: {f}")
                }
                _ => assert!(
                    allowed,
                    "{state:?} does not allow {kind:?} but it was accepted: {r:?}"
                ),
            }
        }
    }
}

#[test]
fn read_only_and_city_roles_take_no_step() {
    for s in Story::one_per_state() {
        for kind in ActionKind::ALL {
            let (action, _) = sample_action(kind, s.today());
            for who in [auditor(), city(), company()] {
                let mut t = s.clone();
                assert!(
                    matches!(
                        forbidden(t.try_act(action.clone(), &who)),
                        Forbidden::RoleNotAllowed { .. }
                    ),
                    "{who:?} {kind:?}"
                );
            }
        }
    }
}

#[test]
fn forbidden_is_checked_before_the_state() {
    // An outsider learns nothing about where the application stands.
    let mut s = Story::withdrawn();
    assert!(matches!(
        forbidden(s.try_act(Action::StreetPass, &street(E))),
        Forbidden::OtherDistrict { .. }
    ));
    assert!(matches!(
        forbidden(s.try_act(Action::Withdraw { reason: None }, &other_family())),
        Forbidden::NotOwner { .. }
    ));
}

#[test]
fn time_never_goes_backwards() {
    let mut s = Story::submitted();
    let err = s
        .try_act_at(Action::StreetPass, &street(D), after(t0(), -1))
        .expect_err("earlier");
    assert!(matches!(err, TransitionError::ClockWentBackwards { .. }));
    // The same instant is fine (two clicks in one microsecond).
    s.try_act_at(Action::StreetPass, &street(D), t0())
        .expect("same time");
}

#[test]
fn available_actions_match_role_and_state() {
    let s = Story::submitted();
    assert_eq!(
        available_actions(&s.app, &street(D)),
        vec![
            ActionKind::StreetPass,
            ActionKind::StreetReturn,
            ActionKind::StreetReject
        ]
    );
    assert!(available_actions(&s.app, &street(E)).is_empty());
    assert_eq!(
        available_actions(&s.app, &family()),
        vec![ActionKind::Withdraw]
    );
    assert!(available_actions(&s.app, &other_family()).is_empty());
    assert!(available_actions(&s.app, &auditor()).is_empty());
    let s = Story::under_verification().act(
        Action::DepartmentConfirm {
            department: Department::PublicSecurity,
            corrections: vec![],
        },
        &verifier(Department::PublicSecurity),
    );
    assert!(available_actions(&s.app, &verifier(Department::PublicSecurity)).is_empty());
    assert_eq!(
        available_actions(&s.app, &verifier(Department::CivilAffairs)),
        vec![ActionKind::DepartmentConfirm]
    );
    // Once decided, the decision is not offered again (the notice is next),
    // though a second engine run before the notice is still accepted.
    let s = Story::decided();
    assert_eq!(
        available_actions(&s.app, &bureau(D)),
        vec![ActionKind::StartNotice]
    );
    let s = Story::on_notice();
    assert_eq!(
        available_actions(&s.app, &bureau(D)),
        vec![ActionKind::RecordObjection, ActionKind::Qualify],
        "no objection to resolve yet"
    );
    let s = s.act(
        Action::RecordObjection {
            text: text("该户隐瞒了一套住房"),
        },
        &street(D),
    );
    assert!(available_actions(&s.app, &bureau(D)).contains(&ActionKind::ResolveObjection));
}

#[test]
fn who_can_read_an_application() {
    let s = Story::submitted();
    assert!(can_read(&family(), &s.app));
    assert!(!can_read(&other_family(), &s.app));
    assert!(can_read(&street(D), &s.app));
    assert!(!can_read(&street(E), &s.app));
    assert!(can_read(&auditor(), &s.app));
    assert!(can_read(&city(), &s.app));
    assert!(can_read(&verifier(Department::HumanResources), &s.app));
    assert!(!can_read(
        &county_verifier(Department::PublicSecurity, E),
        &s.app
    ));
}

// ---- Folding ----------------------------------------------------------------

#[test]
fn replaying_stored_json_gives_the_same_application() {
    let s = Story::qualified();
    let json: Vec<String> = s
        .events
        .iter()
        .map(|e| serde_json::to_string(e).expect("serialise"))
        .collect();
    let back: Vec<Event> = json
        .iter()
        .map(|j| serde_json::from_str(j).expect("parse"))
        .collect();
    assert_eq!(back, s.events);
    assert_eq!(Application::replay(&back).expect("replays"), s.app);
    // The JSON is readable by people and other systems.
    let v: serde_json::Value = serde_json::from_str(&json[1]).expect("json");
    assert_eq!(v["action"]["type"], "street_pass");
    assert_eq!(v["actor"]["role"], "street");
    assert_eq!(v["actor"]["district"], "140302");
    assert_eq!(v["status_after"], "under_verification");
    assert!(v["at"].as_str().expect("string").ends_with("+08:00"));
}

#[test]
fn a_tampered_history_does_not_fold() {
    let s = Story::on_notice();
    let ev = &s.events;

    assert_eq!(
        Application::replay(Vec::<Event>::new()),
        Err(FoldError::NoEvents)
    );
    assert_eq!(
        Application::replay(&ev[1..]),
        Err(FoldError::FirstEventNotSubmit)
    );

    // A missing event.
    let mut gap = ev.clone();
    gap.remove(3);
    assert!(matches!(
        Application::replay(&gap),
        Err(FoldError::OutOfSequence {
            expected: 4,
            found: 5
        })
    ));

    // Two events swapped.
    let mut swapped = ev.clone();
    swapped.swap(2, 3);
    assert!(matches!(
        Application::replay(&swapped),
        Err(FoldError::OutOfSequence { .. })
    ));

    // The recorded outcome edited.
    let mut edited = ev.clone();
    edited[1].status_after = StatusKind::Verified;
    assert!(matches!(
        Application::replay(&edited),
        Err(FoldError::StatusMismatch { seq: 2, .. })
    ));

    // An action edited into one the state does not allow.
    let mut edited = ev.clone();
    edited[1].action = Action::Qualify;
    assert!(matches!(
        Application::replay(&edited),
        Err(FoldError::Invalid {
            seq: 2,
            source: TransitionError::IllegalTransition { .. }
        })
    ));

    // Backdated.
    let mut edited = ev.clone();
    edited[2].at = after(t0(), -5);
    assert!(matches!(
        Application::replay(&edited),
        Err(FoldError::Invalid {
            source: TransitionError::ClockWentBackwards { .. },
            ..
        })
    ));

    // Another application's event.
    let mut other = ev[1].clone();
    other.application_id = ApplicationId::new("A-9").expect("id");
    assert!(matches!(
        s.app.with(&other),
        Err(FoldError::WrongApplication { .. })
    ));
}

#[test]
fn status_and_action_labels_are_complete() {
    for k in StatusKind::ALL {
        assert!(!k.label_zh().is_empty() && !k.label_en().is_empty());
    }
    for a in ActionKind::ALL {
        assert!(!a.label_zh().is_empty() && !a.code().is_empty());
    }
    for r in Role::ALL {
        assert!(!r.label_zh().is_empty() && !r.label_en().is_empty());
    }
    assert!(StatusKind::Qualified.is_active());
    assert!(!StatusKind::Rejected.is_active());
    assert!(!StatusKind::Withdrawn.is_active());
}
