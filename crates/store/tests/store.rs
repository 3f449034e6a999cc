//! The store suite: every test runs on SQLite, and on PostgreSQL when
//! `ANJU_TEST_DATABASE_URL` is set (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use anju_domain::*;
use anju_store::{AnyStore, ListFilter, NewUser, SessionRecord, StoreError};
use chrono::Duration;
use common::*;
use serde_json::json;

fn new_user(username: &str, role: Role, district: Option<&str>) -> NewUser {
    NewUser {
        username: username.to_owned(),
        display_name: format!("{username} 显示名"),
        role,
        district: district.map(code),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
    }
}

async fn whole_log(store: &AnyStore) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    loop {
        let after = all.last().map_or(0, |e: &AuditEntry| e.seq);
        let page = store
            .audit()
            .audit_log(after, 200)
            .await
            .expect("audit log");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_sessions_and_lockout() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let alice = s
            .accounts()
            .create_user(
                new_user("alice", Role::Street, Some(D)),
                admin_draft("user.create", "user:alice"),
            )
            .await
            .expect("create alice");
        assert!(alice.id.as_str().starts_with("u-"), "{name}");
        assert_eq!(alice.failed_logins, 0);
        assert_eq!(alice.created_at, t0());
        let bob = s
            .accounts()
            .create_user(
                new_user("bob", Role::Auditor, None),
                admin_draft("user.create", "user:bob"),
            )
            .await
            .expect("create bob");
        assert_ne!(alice.id, bob.id);

        assert_eq!(
            s.accounts()
                .user_by_username("alice")
                .await
                .expect("by name")
                .as_ref(),
            Some(&alice),
            "{name}"
        );
        assert_eq!(
            s.accounts().user(&bob.id).await.expect("by id").as_ref(),
            Some(&bob),
            "{name}"
        );
        assert_eq!(
            s.accounts()
                .user_by_username("carol")
                .await
                .expect("by name"),
            None
        );
        assert_eq!(
            s.accounts().user(&uid("u-none")).await.expect("by id"),
            None
        );
        let users = s.accounts().list_users().await.expect("list");
        assert_eq!(
            users
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>(),
            ["alice", "bob"]
        );

        let dup = s
            .accounts()
            .create_user(
                new_user("alice", Role::Auditor, None),
                admin_draft("user.create", "user:alice"),
            )
            .await
            .expect_err("user name taken");
        assert!(
            matches!(dup, StoreError::Duplicate { .. }),
            "{name}: {dup:?}"
        );
        assert!(dup.to_string().contains("alice"), "{dup}");

        // Lockout: 5 failures lock for 15 minutes.
        let lock_for = Duration::minutes(15);
        for i in 1..=4u32 {
            let u = s
                .accounts()
                .record_login_failure(&alice.id, after(t0(), i64::from(i)), 5, lock_for)
                .await
                .expect("failure");
            assert_eq!(u.failed_logins, i, "{name}");
            assert_eq!(u.locked_until, None);
        }
        let locked = s
            .accounts()
            .record_login_failure(&alice.id, after(t0(), 5), 5, lock_for)
            .await
            .expect("failure");
        assert_eq!(locked.locked_until, Some(after(t0(), 5 + 15)), "{name}");
        assert_eq!(
            locked.failed_logins, 0,
            "the count starts again after a lock"
        );
        // The lock is in the database: another process sees it.
        let other = db.another_process().await;
        let seen = other
            .accounts()
            .user(&alice.id)
            .await
            .expect("user")
            .expect("exists");
        assert_eq!(seen.locked_until, locked.locked_until, "{name}");
        s.accounts()
            .record_login_success(&alice.id)
            .await
            .expect("success");
        let cleared = s
            .accounts()
            .user(&alice.id)
            .await
            .expect("user")
            .expect("exists");
        assert_eq!((cleared.failed_logins, cleared.locked_until), (0, None));

        // Failures from two processes at once are all counted.
        let mut tasks = Vec::new();
        for i in 0..10 {
            let store = if i % 2 == 0 { s.clone() } else { other.clone() };
            let id = alice.id.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .accounts()
                    .record_login_failure(&id, t0(), 100, lock_for)
                    .await
                    .map(|_| ())
            }));
        }
        for t in tasks {
            t.await.expect("join").expect("failure recorded");
        }
        assert_eq!(
            s.accounts()
                .user(&alice.id)
                .await
                .expect("user")
                .expect("exists")
                .failed_logins,
            10,
            "{name}"
        );

        // set_password clears failures and is audited.
        s.accounts()
            .set_password(
                &alice.id,
                "$argon2id$new",
                admin_draft("user.set_password", "user:alice"),
            )
            .await
            .expect("set password");
        let changed = s
            .accounts()
            .user(&alice.id)
            .await
            .expect("user")
            .expect("exists");
        assert_eq!(changed.password_hash, "$argon2id$new");
        assert_eq!((changed.failed_logins, changed.locked_until), (0, None));
        let err = s
            .accounts()
            .set_password(
                &uid("u-none"),
                "x",
                admin_draft("user.set_password", "user:none"),
            )
            .await
            .expect_err("unknown user");
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        assert!(matches!(
            s.accounts()
                .record_login_failure(&uid("u-none"), t0(), 5, lock_for)
                .await,
            Err(StoreError::NotFound { .. })
        ));

        // Sessions.
        let session = SessionRecord {
            token_hash: "ab".repeat(32),
            user_id: alice.id.clone(),
            csrf_token: "csrf-1".to_owned(),
            created_at: t0(),
            expires_at: after(t0(), 60),
        };
        s.accounts()
            .create_session(session.clone())
            .await
            .expect("session");
        let (found, user) = s
            .accounts()
            .session(&session.token_hash, after(t0(), 59))
            .await
            .expect("lookup")
            .expect("valid session");
        assert_eq!(found, session, "{name}");
        assert_eq!(user.id, alice.id);
        assert_eq!(
            s.accounts()
                .session(&session.token_hash, after(t0(), 60))
                .await
                .expect("lookup"),
            None,
            "expired"
        );
        assert_eq!(
            s.accounts().session("cd", t0()).await.expect("lookup"),
            None
        );
        assert!(matches!(
            s.accounts().create_session(session.clone()).await,
            Err(StoreError::Duplicate { .. })
        ));
        let orphan = SessionRecord {
            token_hash: "ef".repeat(32),
            user_id: uid("u-none"),
            ..session.clone()
        };
        assert!(
            matches!(
                s.accounts().create_session(orphan).await,
                Err(StoreError::NotFound { .. })
            ),
            "{name}"
        );
        s.accounts()
            .delete_session(&session.token_hash)
            .await
            .expect("delete");
        assert_eq!(
            s.accounts()
                .session(&session.token_hash, t0())
                .await
                .expect("lookup"),
            None
        );
        s.accounts()
            .delete_session(&session.token_hash)
            .await
            .expect("deleting twice is fine");

        for (i, minutes) in [10, 20, 30].into_iter().enumerate() {
            s.accounts()
                .create_session(SessionRecord {
                    token_hash: format!("{i:064}"),
                    expires_at: after(t0(), minutes),
                    ..session.clone()
                })
                .await
                .expect("session");
        }
        assert_eq!(
            s.accounts()
                .delete_expired_sessions(after(t0(), 20))
                .await
                .expect("expire"),
            2,
            "{name}"
        );
        assert_eq!(
            s.accounts()
                .delete_user_sessions(&alice.id)
                .await
                .expect("logout everywhere"),
            1
        );

        // Three audited writes: two users and a password.
        let log = whole_log(s).await;
        assert_eq!(
            log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["user.create", "user.create", "user.set_password"],
            "{name}"
        );
        assert_eq!(verify_chain(log), Ok(3));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_round_trip() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let (r1, r2) = (rid(1), rid(2));
        let mut flow = Flow::submit(s, "A-1", D, 1, ["张三明", "李四"], [&r1, &r2])
            .await
            .expect("created");
        assert_eq!(
            s.applications().count_applications().await.expect("count"),
            1
        );

        let loaded = s
            .applications()
            .load_application(flow.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.app, flow.app, "{name}");
        assert_eq!(loaded.household, flow.household);
        assert_eq!(loaded.masked_name, "张*明");
        assert_eq!(loaded.masked_id, "140302********001X");
        assert_eq!(loaded.waitlist_place, None);

        // Verification, with a department replacing the household facts.
        flow.act(s, Action::StreetPass, &street(D))
            .await
            .expect("street pass");
        let mut corrected = flow.household.clone();
        corrected["members"][1]["annual_income_yuan"] = json!(31000);
        for (i, dept) in Department::ALL.into_iter().enumerate() {
            let action = Action::DepartmentConfirm {
                department: dept,
                corrections: vec![],
            };
            let household = (i == 3).then(|| corrected.clone());
            let at = after(flow.now, 60);
            flow.act_at(s, action, &verifier(dept), at, household)
                .await
                .expect("confirm");
        }
        assert_eq!(flow.app.status().kind(), StatusKind::Verified);
        let loaded = s
            .applications()
            .load_application(flow.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.app, flow.app, "{name}");
        assert_eq!(
            loaded.household["members"][1]["annual_income_yuan"],
            json!(31000)
        );

        // Decision, notice, qualification: the summary follows.
        let today = after(flow.now, 60).date();
        flow.act(
            s,
            Action::RecordDecision(eligible_decision(today)),
            &bureau(D),
        )
        .await
        .expect("decision");
        let start = flow.now.date() + Duration::days(1);
        let end = start + Duration::days(6);
        flow.act(s, Action::StartNotice { start, end }, &bureau(D))
            .await
            .expect("notice");
        let listed = s
            .applications()
            .list_applications(&ListFilter::default())
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].status, StatusKind::OnNotice, "{name}");
        assert_eq!(
            (listed[0].notice_start, listed[0].notice_end),
            (Some(start), Some(end))
        );
        let at = Timestamp::from_shanghai(
            (end + Duration::days(1))
                .and_hms_opt(9, 0, 0)
                .expect("time"),
        )
        .expect("time");
        flow.act_at(s, Action::Qualify, &bureau(D), at, None)
            .await
            .expect("qualify");

        let summary = &s
            .applications()
            .list_applications(&ListFilter::default())
            .await
            .expect("list")[0];
        assert_eq!(summary.id, *flow.app.id());
        assert_eq!(summary.district, code(D));
        assert_eq!(summary.status, StatusKind::Qualified);
        assert_eq!(summary.masked_name, "张*明");
        assert_eq!(summary.masked_id, "140302********001X");
        assert_eq!(summary.owner, Some(uid("family-1")));
        assert_eq!(summary.submitted_at, t0());
        assert_eq!(summary.updated_at, at);
        assert_eq!(summary.categories, ["wage_all", "wage_low_income"]);
        assert_eq!(summary.tier, Some(1));
        assert_eq!(
            (summary.notice_start, summary.notice_end),
            (Some(start), Some(end)),
            "kept after the notice"
        );
        assert_eq!(summary.qualified_on, Some(at.date()));
        // The qualifying event took the district's first waitlist place in
        // its own transaction; asking again gives the same place.
        assert_eq!(summary.waitlist_place, Some(1), "{name}");
        assert_eq!(
            s.applications()
                .assign_waitlist_place(flow.app.id())
                .await
                .expect("place"),
            1,
            "{name}"
        );
        assert_eq!(
            s.applications()
                .assign_waitlist_place(flow.app.id())
                .await
                .expect("idempotent"),
            1
        );
        let loaded = s
            .applications()
            .load_application(flow.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.waitlist_place, Some(1));
        let mut expected = flow.app.clone();
        expected.set_waitlist_place(1).expect("qualified");
        assert_eq!(loaded.app, expected, "{name}");
        assert_eq!(
            s.applications()
                .list_applications(&ListFilter::default())
                .await
                .expect("list")[0]
                .waitlist_place,
            Some(1)
        );

        // The history and the audit trail.
        let events = s
            .applications()
            .application_events(flow.app.id())
            .await
            .expect("events");
        assert_eq!(events.len() as u64, flow.app.version());
        assert_eq!(Application::replay(&events).expect("replays"), flow.app);
        // Bodies are stored deflated against a dictionary (migration 0059);
        // one written before, as plain JSON, still reads the same.
        let plain = serde_json::to_string(&events[0]).expect("json");
        db.raw_execute_bound(
            "UPDATE application_events SET body_json = $1, body_z = NULL, body_zd = NULL WHERE application_id = $2 AND seq = 1",
            &[&plain, flow.app.id().as_str()],
        )
        .await;
        assert_eq!(
            s.applications()
                .application_events(flow.app.id())
                .await
                .expect("events"),
            events,
            "{name}: a plain-JSON body and deflated ones together"
        );
        let log = whole_log(s).await;
        assert_eq!(
            log.len() as u64,
            flow.app.version(),
            "one audit entry per event"
        );
        assert_eq!(log[0].action, "application.submit");
        assert_eq!(
            log.last().map(|e| e.action.as_str()),
            Some("application.qualify")
        );
        assert_eq!(verify_chain(log), Ok(flow.app.version()));

        assert_eq!(
            s.applications()
                .load_application(&ApplicationId::new("A-404").expect("id"))
                .await
                .expect("load"),
            None
        );
        assert!(s
            .applications()
            .application_events(&ApplicationId::new("A-404").expect("id"))
            .await
            .expect("events")
            .is_empty());

        // Creating the same application number twice is refused.
        let again = Flow::submit(s, "A-1", D, 9, ["王五", "赵六"], [&rid(90), &rid(91)])
            .await
            .err()
            .expect("duplicate number");
        assert!(
            matches!(again, StoreError::Duplicate { .. }),
            "{name}: {again:?}"
        );
        assert_eq!(
            s.applications().count_applications().await.expect("count"),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_seq_is_a_conflict() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let flow = Flow::submit(s, "A-1", D, 1, ["张三明", "李四"], [&rid(1), &rid(2)])
            .await
            .expect("created");
        // Two clerks (in two processes) act on version 1.
        let other = db.another_process().await;
        let mut mine = flow.clone();
        let mut theirs = flow;
        mine.act(s, Action::StreetPass, &street(D))
            .await
            .expect("first wins");
        let err = theirs
            .act(
                &other,
                Action::StreetReturn {
                    reason: text("请补充材料"),
                },
                &street(D),
            )
            .await
            .expect_err("stale");
        assert!(
            matches!(err, StoreError::Conflict { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("A-1"), "{err}");

        // Many concurrent appends of the same next event: exactly one wins.
        let base = s
            .applications()
            .load_application(mine.app.id())
            .await
            .expect("load")
            .expect("exists")
            .app;
        let mut tasks = Vec::new();
        for (i, dept) in Department::ALL.into_iter().enumerate() {
            let store = if i % 2 == 0 { s.clone() } else { other.clone() };
            let at = after(mine.now, 60);
            let event = apply(
                &base,
                &Action::DepartmentConfirm {
                    department: dept,
                    corrections: vec![],
                },
                &verifier(dept),
                at,
            )
            .expect("valid");
            let next = base.with(&event).expect("folds");
            let audit = draft(
                at,
                &verifier(dept),
                &event.audit_action(),
                &event.audit_subject(),
                json!({}),
            );
            tasks.push(tokio::spawn(async move {
                store
                    .applications()
                    .append_event(&event, &next, None, audit)
                    .await
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.expect("join") {
                Ok(()) => ok += 1,
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => panic!("{name}: unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1, "{name}");
        let loaded = s
            .applications()
            .load_application(mine.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.app.version(), 3, "{name}");
        // Refused appends left no audit entry: submit, street pass, one confirm.
        let log = whole_log(s).await;
        assert_eq!(verify_chain(log), Ok(3), "{name}");

        // An event for an application that does not exist.
        let ghost = Flow::submit(s, "A-2", D, 2, ["王五", "赵六"], [&rid(3), &rid(4)])
            .await
            .expect("created");
        let event =
            apply(&ghost.app, &Action::StreetPass, &street(D), after(t0(), 60)).expect("valid");
        let mut moved = event.clone();
        moved.application_id = ApplicationId::new("A-404").expect("id");
        let next = ghost.app.with(&event).expect("folds");
        // The event must belong to the state it goes with.
        let err = s
            .applications()
            .append_event(&moved, &next, None, admin_draft("x", "y"))
            .await
            .expect_err("mismatch");
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_may_be_in_one_active_application() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let x = "14030219900101123X";
        let mut first = Flow::submit(s, "A-1", D, 1, ["张三明", "李四"], [x, &rid(2)])
            .await
            .expect("created");
        assert!(
            s.applications()
                .member_in_active_application(x)
                .await
                .expect("check"),
            "{name}"
        );
        assert!(s
            .applications()
            .member_in_active_application(" 14030219900101123x ")
            .await
            .expect("normalised"));
        assert!(!s
            .applications()
            .member_in_active_application(&rid(3))
            .await
            .expect("check"));
        assert_eq!(
            s.applications()
                .members_in_active_applications(&[rid(3), x.to_lowercase(), String::new()])
                .await
                .expect("check"),
            [false, true, false]
        );

        // The same person (lower-case x) in another application: refused,
        // and nothing of it is stored.
        let err = Flow::submit(
            s,
            "A-2",
            E,
            2,
            ["王五", "张三明"],
            [&rid(5), &x.to_lowercase()],
        )
        .await
        .err()
        .expect("duplicate member");
        assert!(
            matches!(err, StoreError::DuplicateMember),
            "{name}: {err:?}"
        );
        assert!(!err.to_string().contains("A-1"), "never says which: {err}");
        assert_eq!(
            s.applications().count_applications().await.expect("count"),
            1
        );
        assert_eq!(
            s.applications()
                .load_application(&ApplicationId::new("A-2").expect("id"))
                .await
                .expect("load"),
            None
        );
        assert!(
            !s.applications()
                .member_in_active_application(&rid(5))
                .await
                .expect("check"),
            "rolled back"
        );
        assert_eq!(
            verify_chain(whole_log(s).await),
            Ok(1),
            "no audit entry for the refusal"
        );

        // Withdrawn: the members are free again.
        first
            .act(s, Action::Withdraw { reason: None }, &family(1))
            .await
            .expect("withdraw");
        assert!(
            !s.applications()
                .member_in_active_application(x)
                .await
                .expect("check"),
            "{name}"
        );
        let mut second = Flow::submit(s, "A-2", E, 2, ["王五", "张三明"], [&rid(5), x])
            .await
            .expect("now accepted");

        // A rejected application frees its members; asking for a review
        // while they are in another active application is refused.
        second
            .act(
                s,
                Action::StreetReject {
                    reasons: Reasons::one(CitedReason {
                        rule: None,
                        message: text("申请家庭在本市有两套住房"),
                        citation: Citation::new("阳政办发〔2026〕2号", "第十条（一）2", "10.1.2")
                            .expect("citation"),
                    }),
                },
                &street(E),
            )
            .await
            .expect("reject");
        assert!(!s
            .applications()
            .member_in_active_application(x)
            .await
            .expect("check"));
        let third = Flow::submit(s, "A-3", D, 3, ["张三明", "孙七"], [x, &rid(7)])
            .await
            .expect("accepted while A-2 is rejected");
        let review = Action::RequestReview {
            reasons: text("我家那套房已于去年出售，请复核"),
        };
        let err = second
            .clone()
            .act(s, review.clone(), &family(2))
            .await
            .expect_err("duplicate");
        assert!(
            matches!(err, StoreError::DuplicateMember),
            "{name}: {err:?}"
        );
        let a2 = s
            .applications()
            .load_application(second.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(a2.app.status().kind(), StatusKind::Rejected, "unchanged");
        // Once A-3 is withdrawn, the review request goes through and A-2's
        // members are active again.
        let mut third = third;
        third
            .act(s, Action::Withdraw { reason: None }, &family(3))
            .await
            .expect("withdraw");
        second
            .act(s, review, &family(2))
            .await
            .expect("review requested");
        assert!(
            s.applications()
                .member_in_active_application(x)
                .await
                .expect("check"),
            "{name}"
        );
        assert!(s
            .applications()
            .member_in_active_application(&rid(5))
            .await
            .expect("check"));

        // Concurrent submissions sharing one member, from two processes:
        // exactly one is accepted.
        let other = db.another_process().await;
        let shared = rid(100);
        let mut tasks = Vec::new();
        for i in 0..8u32 {
            let store = if i % 2 == 0 { s.clone() } else { other.clone() };
            let shared = shared.clone();
            tasks.push(tokio::spawn(async move {
                let id = format!("B-{i}");
                Flow::submit(
                    &store,
                    &id,
                    D,
                    10 + i,
                    ["周八", "吴九"],
                    [&rid(200 + i), &shared],
                )
                .await
                .map(|_| ())
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.expect("join") {
                Ok(()) => ok += 1,
                Err(StoreError::DuplicateMember) => {}
                Err(e) => panic!("{name}: unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1, "{name}");
        assert_eq!(verify_chain(whole_log(s).await).map(|n| n > 0), Ok(true));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_is_encrypted_at_rest() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let id_number = "14030219900101123X";
        let spouse_id = "140302199203041234";
        let flow = Flow::submit(s, "A-1", D, 1, ["张三明", "李四华"], [id_number, spouse_id])
            .await
            .expect("created");
        let (nonce, ciphertext) = db.raw_household("A-1").await;
        assert_eq!(nonce.len(), 12, "{name}");
        for secret in [
            id_number,
            spouse_id,
            "张三明",
            "李四华",
            "52000",
            "annual_income_yuan",
        ] {
            assert!(
                !contains(&ciphertext, secret.as_bytes()),
                "{name}: {secret} in the ciphertext"
            );
        }
        // Nowhere in the database at all, while the masked forms are (so
        // the scan does see the data).
        s.close().await;
        let everything = db.everything().await;
        for secret in [
            id_number,
            spouse_id,
            "张三明",
            "李四华",
            "199001011",
            "199203041",
        ] {
            assert!(
                !contains(&everything, secret.as_bytes()),
                "{name}: {secret} stored in clear"
            );
        }
        assert!(
            contains(&everything, "张*明".as_bytes()),
            "{name}: the scan finds the masked name"
        );
        assert!(
            contains(&everything, b"140302********123X"),
            "{name}: the scan finds the masked ID"
        );

        // Another process with the same key reads it back; with another key
        // it cannot.
        let same = db.another_process().await;
        let loaded = same
            .applications()
            .load_application(flow.app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.household, flow.household, "{name}");
        assert!(same
            .applications()
            .member_in_active_application(id_number)
            .await
            .expect("check"));
        let wrong = db
            .another_process_with_key(&anju_store::Crypto::generate_hex())
            .await;
        let err = wrong
            .applications()
            .load_application(flow.app.id())
            .await
            .expect_err("wrong key");
        assert!(matches!(err, StoreError::Crypto(_)), "{name}: {err:?}");
        assert!(
            !wrong
                .applications()
                .member_in_active_application(id_number)
                .await
                .expect("check"),
            "keyed index"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_chain_holds_under_concurrency() {
    for db in backends().await {
        let name = db.name();
        assert_eq!(db.store.audit().audit_head().await.expect("head"), None);
        let other = db.another_process().await;
        let mut tasks = Vec::new();
        for task in 0..50u32 {
            let store = if task % 2 == 0 {
                db.store.clone()
            } else {
                other.clone()
            };
            tasks.push(tokio::spawn(async move {
                for i in 0..10u32 {
                    let who = actor(&format!("clerk-{task}"), Role::Street, Some(D));
                    let d = draft(
                        after(t0(), i64::from(i)),
                        &who,
                        "personal_data.read",
                        &format!("application:A-{task}"),
                        json!({"task": task, "i": i, "note": "查看 \"家庭\"\n信息", "ratio": 0.5}),
                    );
                    let entry = store.audit().append_audit(d).await.expect("append");
                    assert_eq!(entry.computed_hash(), entry.hash);
                }
            }));
        }
        for t in tasks {
            t.await.expect("join");
        }
        let log = whole_log(&db.store).await;
        assert_eq!(log.len(), 500, "{name}");
        let head = verify_chain_head(log.clone()).expect("one unbroken chain");
        assert_eq!(head.map(|h| h.seq), Some(500), "{name}");
        assert_eq!(
            db.store.audit().audit_head().await.expect("head"),
            head,
            "{name}"
        );
        // The head keeps the hash before its last one (PostgreSQL's
        // one-statement append returns it from there).
        let before_last = hex::encode(log[499].prev_hash);
        assert_eq!(
            db.raw_execute(&format!(
                "UPDATE audit_head SET id = 1 WHERE id = 1 AND prev_hash = '{before_last}'"
            ))
            .await,
            1,
            "{name}: the head's prev_hash"
        );
        // Every task's entries are there.
        let per_task: BTreeMap<String, usize> = log.iter().fold(BTreeMap::new(), |mut m, e| {
            *m.entry(e.subject.clone()).or_default() += 1;
            m
        });
        assert_eq!(per_task.len(), 50);
        assert!(per_task.values().all(|&n| n == 10));
        // Paging.
        let page = db.store.audit().audit_log(250, 10).await.expect("page");
        assert_eq!(
            page.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (251..=260).collect::<Vec<_>>()
        );
        assert_eq!(
            verify_chain_from(Some(log[249].head()), page).map(|h| h.map(|h| h.seq)),
            Ok(Some(260))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waitlist_places_are_unique_and_gap_free() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let mut ids = Vec::new();
        for i in 0..10u32 {
            let district = if i < 7 { D } else { E };
            let app_id = format!("A-{i}");
            let mut flow = Flow::submit(
                s,
                &app_id,
                district,
                i,
                ["张三明", "李四"],
                [&rid(2 * i), &rid(2 * i + 1)],
            )
            .await
            .expect("created");
            flow.qualify(s).await;
            ids.push((flow.app.id().clone(), district));
        }
        let pending = Flow::submit(s, "P-1", D, 99, ["王五", "赵六"], [&rid(900), &rid(901)])
            .await
            .expect("created");
        let err = s
            .applications()
            .assign_waitlist_place(pending.app.id())
            .await
            .expect_err("not qualified");
        assert!(
            matches!(err, StoreError::Conflict { .. }),
            "{name}: {err:?}"
        );
        let err = s
            .applications()
            .assign_waitlist_place(&ApplicationId::new("A-404").expect("id"))
            .await
            .expect_err("unknown");
        assert!(
            matches!(err, StoreError::NotFound { .. }),
            "{name}: {err:?}"
        );

        // Every application asked for twice at once, from two processes.
        let other = db.another_process().await;
        let mut tasks = Vec::new();
        for round in 0..2 {
            for (i, (id, _)) in ids.iter().enumerate() {
                let store = if (i + round) % 2 == 0 {
                    s.clone()
                } else {
                    other.clone()
                };
                let id = id.clone();
                tasks.push(tokio::spawn(async move {
                    let place = store
                        .applications()
                        .assign_waitlist_place(&id)
                        .await
                        .expect("place");
                    (id, place)
                }));
            }
        }
        let mut given: BTreeMap<ApplicationId, BTreeSet<u32>> = BTreeMap::new();
        for t in tasks {
            let (id, place) = t.await.expect("join");
            given.entry(id).or_default().insert(place);
        }
        assert!(
            given.values().all(|p| p.len() == 1),
            "{name}: one place per application: {given:?}"
        );
        for (district, count) in [(D, 7u32), (E, 3u32)] {
            let places: BTreeSet<u32> = ids
                .iter()
                .filter(|(_, d)| *d == district)
                .map(|(id, _)| *given[id].iter().next().expect("a place"))
                .collect();
            assert_eq!(
                places,
                (1..=count).collect::<BTreeSet<u32>>(),
                "{name}: district {district}"
            );
        }
        // Lists show the places; loading agrees.
        let listed = s
            .applications()
            .list_applications(&ListFilter {
                district: Some(code(E)),
                status: Some(StatusKind::Qualified),
                ..ListFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(listed.len(), 3);
        for summary in &listed {
            assert_eq!(
                summary.waitlist_place,
                given[&summary.id].iter().next().copied()
            );
            let loaded = s
                .applications()
                .load_application(&summary.id)
                .await
                .expect("load")
                .expect("exists");
            assert_eq!(loaded.waitlist_place, summary.waitlist_place);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_are_idempotent() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let sha = "9f".repeat(32);
        let police = Department::PublicSecurity;
        let audit = || admin_draft("import.department_file", "import:public_security");
        assert!(
            s.applications()
                .record_import(police, &sha, 120, 3, audit())
                .await
                .expect("first"),
            "{name}"
        );
        assert!(
            !s.applications()
                .record_import(police, &sha, 120, 3, audit())
                .await
                .expect("again"),
            "{name}"
        );
        assert!(!s
            .applications()
            .record_import(police, &sha.to_uppercase(), 120, 3, audit())
            .await
            .expect("same file"));
        assert!(s
            .applications()
            .record_import(Department::CivilAffairs, &sha, 5, 0, audit())
            .await
            .expect("another department"));
        // Concurrent imports of one file from two processes: one counts.
        let other = db.another_process().await;
        let sha2 = "7e".repeat(32);
        let mut tasks = Vec::new();
        for i in 0..6 {
            let store = if i % 2 == 0 { s.clone() } else { other.clone() };
            let sha2 = sha2.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .applications()
                    .record_import(
                        Department::NaturalResources,
                        &sha2,
                        1,
                        0,
                        admin_draft("import", "x"),
                    )
                    .await
                    .expect("import")
            }));
        }
        let mut firsts = 0;
        for t in tasks {
            if t.await.expect("join") {
                firsts += 1;
            }
        }
        assert_eq!(firsts, 1, "{name}");
        let log = whole_log(s).await;
        assert_eq!(
            log.len(),
            3,
            "{name}: only imports that counted are audited"
        );
        assert_eq!(verify_chain(log), Ok(3));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_filter_and_page_newest_first() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        // A-0 … A-5, submitted at these minutes after t0: newest first is
        // A-4 is withdrawn.
        let minutes = [3, 5, 0, 4, 1, 2];
        for i in 0..6u32 {
            let district = if i % 2 == 0 { D } else { E };
            let at = after(t0(), minutes[i as usize]);
            let mut flow = Flow::submit_at(
                s,
                &format!("A-{i}"),
                district,
                i % 3,
                ["张三明", "李四"],
                [&rid(2 * i), &rid(2 * i + 1)],
                at,
            )
            .await
            .expect("created");
            if i == 4 {
                flow.act(s, Action::Withdraw { reason: None }, &family(i % 3))
                    .await
                    .expect("withdraw");
            }
        }
        let ids = |v: Vec<anju_store::ApplicationSummary>| {
            v.into_iter().map(|a| a.id.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&ListFilter::default())
                .await
                .expect("list")),
            ["A-1", "A-3", "A-0", "A-5", "A-4", "A-2"],
            "{name}"
        );
        // The page after the second line (keyset: lists have no OFFSET).
        let second = s
            .applications()
            .application_summary(&ApplicationId::new("A-3").expect("id"))
            .await
            .expect("read")
            .expect("A-3 is listed");
        let page = ListFilter {
            limit: 2,
            after: Some(anju_store::ListCursor::of(&second)),
            ..ListFilter::default()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&page)
                .await
                .expect("list")),
            ["A-0", "A-5"]
        );
        let in_d = ListFilter {
            district: Some(code(D)),
            ..ListFilter::default()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&in_d)
                .await
                .expect("list")),
            ["A-0", "A-4", "A-2"]
        );
        let withdrawn = ListFilter {
            status: Some(StatusKind::Withdrawn),
            ..ListFilter::default()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&withdrawn)
                .await
                .expect("list")),
            ["A-4"]
        );
        let mine = ListFilter {
            owner: Some(uid("family-1")),
            ..ListFilter::default()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&mine)
                .await
                .expect("list")),
            ["A-1", "A-4"]
        );
        let all_three = ListFilter {
            district: Some(code(D)),
            status: Some(StatusKind::Submitted),
            owner: Some(uid("family-0")),
            ..ListFilter::default()
        };
        assert_eq!(
            ids(s
                .applications()
                .list_applications(&all_three)
                .await
                .expect("list")),
            ["A-0"]
        );
        let none = ListFilter {
            limit: 0,
            ..ListFilter::default()
        };
        assert!(s
            .applications()
            .list_applications(&none)
            .await
            .expect("list")
            .is_empty());
        // Keyset pages of two walk the same order as one list, and the
        // count is the whole list's, whatever the page.
        let mut walked = Vec::new();
        let mut keyset = ListFilter {
            limit: 2,
            ..ListFilter::default()
        };
        loop {
            let page = s
                .applications()
                .list_applications(&keyset)
                .await
                .expect("list");
            let Some(last) = page.last() else { break };
            keyset.after = Some(anju_store::ListCursor::of(last));
            walked.extend(ids(page));
        }
        assert_eq!(walked, ["A-1", "A-3", "A-0", "A-5", "A-4", "A-2"], "{name}");
        assert_eq!(
            s.applications().count_listed(&page).await.expect("count"),
            6
        );
        assert_eq!(
            s.applications().count_listed(&in_d).await.expect("count"),
            3
        );
        assert_eq!(
            s.applications()
                .count_listed(&all_three)
                .await
                .expect("count"),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_numbers_are_unique_across_processes() {
    for db in backends().await {
        let other = db.another_process().await;
        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = if i % 2 == 0 {
                db.store.clone()
            } else {
                other.clone()
            };
            tasks.push(tokio::spawn(async move {
                store
                    .applications()
                    .next_application_id(2026)
                    .await
                    .expect("number")
            }));
        }
        let mut numbers = BTreeSet::new();
        for t in tasks {
            numbers.insert(t.await.expect("join").to_string());
        }
        let expected: BTreeSet<String> = (1..=20).map(|n| format!("A-2026-{n:06}")).collect();
        assert_eq!(numbers, expected, "{}", db.name());
        assert_eq!(
            db.store
                .applications()
                .next_application_id(2027)
                .await
                .expect("number")
                .as_str(),
            "A-2027-000001"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_data_survives_reopening() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("nested-name.sqlite");
    let key = anju_store::Crypto::generate_hex();
    let url = format!("sqlite:{}", path.display());
    {
        let store = AnyStore::connect(&url, crypto(&key)).await.expect("create");
        Flow::submit(&store, "A-1", D, 1, ["张三明", "李四"], [&rid(1), &rid(2)])
            .await
            .expect("created");
        store.close().await;
    }
    assert!(path.exists());
    // Reopen by plain path: migrations already applied, data there.
    let store = AnyStore::connect(path.to_str().expect("utf-8"), crypto(&key))
        .await
        .expect("reopen");
    assert_eq!(
        store
            .applications()
            .count_applications()
            .await
            .expect("count"),
        1
    );
    assert!(store
        .applications()
        .load_application(&ApplicationId::new("A-1").expect("id"))
        .await
        .expect("load")
        .is_some());
    assert_eq!(verify_chain(whole_log(&store).await), Ok(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_memory_works() {
    let store = AnyStore::connect("sqlite::memory:", anju_store::Crypto::generate())
        .await
        .expect("memory");
    Flow::submit(&store, "A-1", D, 1, ["张三明", "李四"], [&rid(1), &rid(2)])
        .await
        .expect("created");
    assert_eq!(
        store
            .applications()
            .count_applications()
            .await
            .expect("count"),
        1
    );
    assert!(store
        .applications()
        .load_application(&ApplicationId::new("A-1").expect("id"))
        .await
        .expect("load")
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_identifiers_round_trip() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        // 64-character ids, the longest the domain allows.
        let app_id = format!("阳泉{}", "城".repeat(62));
        let who = actor(&"张".repeat(64), Role::Applicant, None);
        let submission = Submission {
            household_id: HouseholdId::new("户".repeat(64)).expect("valid"),
            district: code("140300-GX"),
            applicant_account: None,
            materials: MaterialsChecklist {
                application_form: true,
                member_count: 1,
                identity_proofs: 1,
                hukou_or_residence_proof: true,
                marital_status: MaritalStatus::Unmarried,
                marriage_proof: true,
                divorce_proof: false,
                income: true,
                social_insurance: true,
                property_query: true,
            },
            signed_commitment: true,
            consent_to_verification: true,
        };
        let cleared = screen_submission(&DuplicateCheck::Clear, None, t0().date()).expect("clear");
        let first = submit(
            ApplicationId::new(app_id.clone()).expect("id"),
            submission,
            cleared,
            &who,
            t0(),
        )
        .expect("submits");
        let app = Application::open(&first).expect("opens");
        let audit = draft(
            t0(),
            &who,
            &first.audit_action(),
            &first.audit_subject(),
            json!({"说明": "网上申请"}),
        );
        s.applications()
            .create_application(&app, &first, &json!({"id": "户"}), &[rid(1)], "", "", audit)
            .await
            .expect("stored");
        let loaded = s
            .applications()
            .load_application(app.id())
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.app, app, "{name}");
        // Empty masks read back as empty (Oracle-compatible engines store '' as NULL).
        assert_eq!(
            (loaded.masked_name.as_str(), loaded.masked_id.as_str()),
            ("", "")
        );
        let listed = s
            .applications()
            .list_applications(&ListFilter {
                owner: Some(who.user_id().clone()),
                district: Some(code("140300-gx")),
                ..ListFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(listed.len(), 1, "{name}");
        assert_eq!(listed[0].id.as_str(), app_id);
        let log = whole_log(s).await;
        assert_eq!(log[0].actor_user_id, *who.user_id());
        assert_eq!(log[0].detail, json!({"说明": "网上申请"}));
        assert_eq!(verify_chain(log), Ok(1));
    }
}

/// The futures are `Send`, so an axum handler can await them. (Checked by
/// the compiler; never run.)
#[allow(dead_code, clippy::too_many_arguments)]
fn store_futures_are_send(
    s: AnyStore,
    app: Application,
    event: Event,
    id: ApplicationId,
    user: UserId,
    filter: ListFilter,
    value: serde_json::Value,
    d: anju_store::AuditDraft,
) {
    fn send<T: Send>(_: T) {}
    send(s.applications().load_application(&id));
    send(
        s.applications()
            .append_event(&event, &app, Some(&value), d.clone()),
    );
    send(
        s.applications()
            .create_application(&app, &event, &value, &[], "", "", d.clone()),
    );
    send(s.applications().list_applications(&filter));
    send(
        s.accounts()
            .session("", Timestamp::parse("2026-01-01T00:00:00Z").expect("ts")),
    );
    send(s.applications().assign_waitlist_place(&id));
    send(s.audit().append_audit(d.clone()));
    send(s.accounts().record_login_failure(
        &user,
        Timestamp::parse("2026-01-01T00:00:00Z").expect("ts"),
        5,
        Duration::minutes(1),
    ));
    send(
        s.accounts()
            .create_user(new_user("x", Role::Auditor, None), d),
    );
}

// ------------------------------------------------- concurrent writes
//
// On both backends, writes queued behind the writer share one outer transaction
// (group commit), each in its own savepoint. These tests run many writes at
// once so that groups form, and check that a failing write takes only its
// own work with it.

/// Of many concurrent submissions, those that repeat an active member fail
/// (and leave nothing: their application row and event, written before the
/// member index refused them, are gone); all the others are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_fail_alone() {
    for db in backends().await {
        let name = db.name();
        let x = "14030219900101123X";
        Flow::submit(&db.store, "A-0", D, 1, ["张三明", "李四"], [x, &rid(1)])
            .await
            .expect("first");
        let mut tasks = Vec::new();
        for i in 1..=40u32 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let app = format!("A-{i}");
                // Every fifth repeats x.
                let first = if i % 5 == 0 {
                    x.to_owned()
                } else {
                    rid(1000 + i)
                };
                let second = rid(2000 + i);
                let r =
                    Flow::submit(&store, &app, D, i + 1, ["王五", "赵六"], [&first, &second]).await;
                (i, r.map(|_| ()))
            }));
        }
        let mut ok = 0;
        for t in tasks {
            let (i, r) = t.await.expect("join");
            let id = ApplicationId::new(format!("A-{i}")).expect("id");
            if i % 5 == 0 {
                assert!(
                    matches!(r, Err(StoreError::DuplicateMember)),
                    "{name}: A-{i}: {r:?}"
                );
                assert_eq!(
                    db.store
                        .applications()
                        .load_application(&id)
                        .await
                        .expect("load"),
                    None
                );
                assert!(
                    !db.store
                        .applications()
                        .member_in_active_application(&rid(2000 + i))
                        .await
                        .expect("check"),
                    "{name}: A-{i}'s other member rolled back"
                );
            } else {
                r.unwrap_or_else(|e| panic!("{name}: A-{i}: {e}"));
                assert!(db
                    .store
                    .applications()
                    .load_application(&id)
                    .await
                    .expect("load")
                    .is_some());
                assert!(db
                    .store
                    .applications()
                    .member_in_active_application(&rid(2000 + i))
                    .await
                    .expect("check"));
                ok += 1;
            }
        }
        assert_eq!(ok, 32);
        assert_eq!(
            db.store
                .applications()
                .count_applications()
                .await
                .expect("count"),
            33,
            "{name}"
        );
        // One audit entry per stored submission, one chain.
        assert_eq!(verify_chain(whole_log(&db.store).await), Ok(33), "{name}");
    }
}

/// Concurrent writes of several kinds, some failing part-way (a taken user
/// name: the audit entry is never written), from two processes: the audit
/// chain holds exactly the successful writes and verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_chain_verifies_after_mixed_concurrent_writes() {
    for db in backends().await {
        let name = db.name();
        let other = db.another_process().await;
        let mut tasks = Vec::new();
        for task in 0..60u32 {
            let store = if task % 3 == 0 {
                other.clone()
            } else {
                db.store.clone()
            };
            tasks.push(tokio::spawn(async move {
                let mut done = 0u32;
                for i in 0..5u32 {
                    // Tasks 2k and 2k+1 create the same user: one wins.
                    let user = format!("user-{}-{i}", task / 2);
                    match store
                        .accounts()
                        .create_user(
                            new_user(&user, Role::Street, Some(D)),
                            admin_draft("user.create", &format!("user:{user}")),
                        )
                        .await
                    {
                        Ok(_) => done += 1,
                        Err(StoreError::Duplicate { .. }) => {}
                        Err(e) => panic!("create {user}: {e}"),
                    }
                    store
                        .audit()
                        .append_audit(admin_draft("audit.note", &format!("task:{task}:{i}")))
                        .await
                        .expect("append");
                    done += 1;
                }
                done
            }));
        }
        let mut done = 0;
        for t in tasks {
            done += t.await.expect("join");
        }
        // 150 users (each pair of tasks makes 5) and 300 notes.
        assert_eq!(done, 450, "{name}");
        assert_eq!(
            db.store.accounts().list_users().await.expect("users").len(),
            150
        );
        let log = whole_log(&db.store).await;
        assert_eq!(verify_chain(log), Ok(450), "{name}");
    }
}

/// A write that fails part-way leaves nothing, even with others queued
/// behind it and around it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_leaves_nothing() {
    for db in backends().await {
        let name = db.name();
        db.store
            .accounts()
            .create_user(
                new_user("taken", Role::Street, Some(D)),
                admin_draft("user.create", "user:taken"),
            )
            .await
            .expect("create");
        let mut tasks = Vec::new();
        for i in 0..30u32 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let user = if i % 3 == 0 {
                    "taken".to_owned()
                } else {
                    format!("fresh-{i}")
                };
                store
                    .accounts()
                    .create_user(
                        new_user(&user, Role::Street, Some(D)),
                        admin_draft("user.create", &format!("user:{user}:{i}")),
                    )
                    .await
                    .map(|_| ())
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            let r = t.await.expect("join");
            assert_eq!(r.is_ok(), i % 3 != 0, "{name}: {i}: {r:?}");
        }
        let log = whole_log(&db.store).await;
        assert!(
            log.iter().all(|e| !e.subject.starts_with("user:taken:")),
            "{name}: no audit entry of a refused write"
        );
        assert_eq!(verify_chain(log), Ok(21), "{name}");
        assert_eq!(
            db.store.accounts().list_users().await.expect("users").len(),
            21
        );
    }
}

/// An application is never deleted or renumbered, so its events, facts
/// and members never lose it: SQLite's foreign keys refuse it, and on
/// PostgreSQL, whose child tables go without foreign-key checks for the
/// writer's sake (migration 0065), a trigger does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_is_never_deleted_or_renumbered() {
    for db in backends().await {
        let name = db.name();
        Flow::submit(
            &db.store,
            "A-1",
            D,
            1,
            ["张三明", "李四"],
            [&rid(1), &rid(2)],
        )
        .await
        .expect("created");
        for sql in [
            "DELETE FROM applications WHERE id = 'A-1'",
            "UPDATE applications SET id = 'A-9' WHERE id = 'A-1'",
        ] {
            let r = db.raw_try_execute(sql).await;
            assert!(r.is_err(), "{name}: {sql} was allowed: {r:?}");
        }
        if name == "postgres" {
            let r = db.raw_try_execute("TRUNCATE applications CASCADE").await;
            assert!(r.is_err(), "{name}: TRUNCATE was allowed: {r:?}");
        }
        // Everything is still there, and other updates are untouched.
        let loaded = db
            .store
            .applications()
            .load_application(&ApplicationId::new("A-1").expect("id"))
            .await
            .expect("load")
            .expect("still there");
        assert_eq!(loaded.masked_name, "张*明", "{name}");
        assert_eq!(
            db.raw_try_execute("UPDATE applications SET updated_at = updated_at WHERE id = 'A-1'")
                .await,
            Ok(1),
            "{name}"
        );
    }
}

/// A key rotation re-encrypts every application and re-keys the
/// resident-ID index in resumable batches. Half-way, a process holding
/// both keys reads every application and finds duplicates under either
/// key; a process with one key reads only that key's rows. Afterwards the
/// new key alone reads everything and still finds every member, and the
/// old key alone reads nothing rotated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_re_keys_everything_without_downtime() {
    for db in backends().await {
        let name = db.name();
        let ids: Vec<ApplicationId> = (1..=5)
            .map(|i| ApplicationId::new(format!("R-{i}")).expect("id"))
            .collect();
        for i in 1..=5u32 {
            Flow::submit(
                &db.store,
                &format!("R-{i}"),
                D,
                i,
                ["张三明", "李四"],
                [&rid(10 * i), &rid(10 * i + 1)],
            )
            .await
            .expect("created");
        }
        let old = crypto(&db.key_hex);
        let new_hex = anju_store::Crypto::generate_hex();
        let new = crypto(&new_hex);
        let ring = db
            .another_process_with_crypto(crypto(&new_hex).with_previous(&old))
            .await;
        let rotation = ring.key_rotation();
        assert_eq!(
            rotation.progress().await.expect("progress"),
            (5, 5),
            "{name}"
        );

        // Half done: are under the new key.
        let first = rotation.rotate_batch("", 2).await.expect("batch");
        assert_eq!(first.last_id.as_deref(), Some("R-2"), "{name}");
        assert_eq!((first.examined, first.re_encrypted), (2, 2), "{name}");
        assert_eq!(
            first.rehashed, 8,
            "{name}: 2 members × 2 indexes × 2 applications"
        );
        assert_eq!(
            rotation.progress().await.expect("progress"),
            (5, 3),
            "{name}"
        );
        let old_only = db.another_process_with_key(&db.key_hex).await;
        let new_only = db.another_process_with_key(&new_hex).await;
        for id in &ids {
            let loaded = ring.applications().load_application(id).await;
            assert!(matches!(loaded, Ok(Some(_))), "{name}: the ring reads {id}");
        }
        assert!(old_only
            .applications()
            .load_application(&ids[0])
            .await
            .is_err());
        assert!(matches!(
            old_only.applications().load_application(&ids[4]).await,
            Ok(Some(_))
        ));
        assert!(matches!(
            new_only.applications().load_application(&ids[0]).await,
            Ok(Some(_))
        ));
        assert!(new_only
            .applications()
            .load_application(&ids[4])
            .await
            .is_err());
        // Duplicates under either key are found, by the check and by the
        // submission itself.
        assert_eq!(
            ring.applications()
                .members_in_active_applications(&[rid(10), rid(50), rid(99)])
                .await
                .expect("check"),
            [true, true, false],
            "{name}"
        );
        for (app, member) in [("R-6", rid(11)), ("R-7", rid(51))] {
            let err = Flow::submit(&ring, app, D, 6, ["王五", "李四"], [&rid(60), &member])
                .await
                .err()
                .expect("duplicate member");
            assert!(
                matches!(err, StoreError::DuplicateMember),
                "{name} {app}: {err:?}"
            );
        }
        // New applications are written with the new key mid-rotation.
        Flow::submit(&ring, "R-8", D, 8, ["赵六", "钱七"], [&rid(80), &rid(81)])
            .await
            .expect("new members are welcome");
        assert!(matches!(
            new_only
                .applications()
                .load_application(&ApplicationId::new("R-8").expect("id"))
                .await,
            Ok(Some(_))
        ));

        // The rest, in batches; then running again finds nothing to do.
        let mut after = first.last_id.expect("last");
        loop {
            let b = rotation.rotate_batch(&after, 2).await.expect("batch");
            let Some(last) = b.last_id else { break };
            after = last;
        }
        assert_eq!(
            rotation.progress().await.expect("progress"),
            (6, 0),
            "{name}"
        );
        let again = rotation.rotate_batch("", 100).await.expect("again");
        assert_eq!(
            (again.examined, again.re_encrypted, again.rehashed),
            (6, 0, 0),
            "{name}"
        );

        // The new key alone: every application, every member.
        let new_only = db.another_process_with_crypto(new).await;
        for id in ids.iter().chain([&ApplicationId::new("R-8").expect("id")]) {
            assert!(
                matches!(
                    new_only.applications().load_application(id).await,
                    Ok(Some(_))
                ),
                "{name}: {id} under the new key"
            );
            assert!(
                old_only.applications().load_application(id).await.is_err(),
                "{name}: {id}"
            );
        }
        assert!(new_only
            .applications()
            .member_in_active_application(&rid(51))
            .await
            .expect("check"));
        let err = Flow::submit(
            &new_only,
            "R-9",
            D,
            9,
            ["王五", "李四"],
            [&rid(90), &rid(41)],
        )
        .await
        .err()
        .expect("duplicate member after the rotation");
        assert!(
            matches!(err, StoreError::DuplicateMember),
            "{name}: {err:?}"
        );
        for s in [&ring, &old_only, &new_only] {
            s.close().await;
        }
    }
}

/// `anju keys rotate` re-encrypts the drafts of the application form too
/// (they belong to accounts, not applications): afterwards the new key
/// alone reads every draft, the old key alone none, and a second run finds
/// nothing left. A draft saved meanwhile is written with the new key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_re_encrypts_drafts() {
    for db in backends().await {
        let name = db.name();
        let at = Timestamp::parse("2026-03-01T09:30:00+08:00").expect("time");
        let owners: Vec<UserId> = (1..=3)
            .map(|i| UserId::new(format!("u-draft-{i}")).expect("user"))
            .collect();
        let mut drafts = Vec::new();
        for (i, owner) in owners.iter().enumerate() {
            let id = db
                .store
                .applications()
                .save_draft(owner, None, &json!({"a_name": format!("草稿{i}")}), at, 5)
                .await
                .expect("draft");
            drafts.push((owner.clone(), id));
        }
        let old = crypto(&db.key_hex);
        let new_hex = anju_store::Crypto::generate_hex();
        let ring = db
            .another_process_with_crypto(crypto(&new_hex).with_previous(&old))
            .await;
        let rotation = ring.key_rotation();
        assert_eq!(rotation.drafts_left().await.expect("left"), 3, "{name}");
        // A batch of two, then the rest, then nothing.
        assert_eq!(rotation.rotate_drafts(2).await.expect("batch"), 2, "{name}");
        assert_eq!(rotation.drafts_left().await.expect("left"), 1, "{name}");
        assert_eq!(rotation.rotate_drafts(2).await.expect("batch"), 1, "{name}");
        assert_eq!(rotation.rotate_drafts(2).await.expect("again"), 0, "{name}");
        assert_eq!(rotation.drafts_left().await.expect("left"), 0, "{name}");
        let new_only = db.another_process_with_key(&new_hex).await;
        let old_only = db.another_process_with_key(&db.key_hex).await;
        for (i, (owner, id)) in drafts.iter().enumerate() {
            let d = new_only
                .applications()
                .load_draft(owner, id)
                .await
                .expect("the new key reads it")
                .expect("draft");
            assert_eq!(d.body, json!({"a_name": format!("草稿{i}")}), "{name}");
            assert!(
                old_only.applications().load_draft(owner, id).await.is_err(),
                "{name}: the old key alone reads no rotated draft"
            );
        }
        for s in [&ring, &new_only, &old_only] {
            s.close().await;
        }
    }
}
