//! The audit chain finds altered, removed and reordered entries and says
//! which.

mod common;

use anju_domain::*;
use common::*;
use proptest::prelude::*;
use serde_json::json;

fn chain(n: usize) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::with_capacity(n);
    for i in 0..n {
        let (who, role) = if i % 2 == 0 {
            ("street-140302", Role::Street)
        } else {
            (
                "verifier-public_security",
                Role::Verifier(Department::PublicSecurity),
            )
        };
        let e = AuditEntry::new_after(
            out.last(),
            after(t0(), i as i64),
            UserId::new(who).expect("id"),
            role,
            if i % 3 == 0 {
                "personal_data.read"
            } else {
                "application.street_pass"
            },
            format!("application:A-{}", i / 3),
            json!({"i": i, "fields": ["members[0].name", "members[0].id_number"], "备注": "查看"}),
        );
        out.push(e);
    }
    out
}

#[test]
fn an_intact_chain_verifies() {
    let c = chain(10);
    assert_eq!(c[0].seq, 1);
    assert_eq!(c[0].prev_hash, [0u8; 32]);
    assert_eq!(c[1].prev_hash, c[0].hash);
    assert_eq!(verify_chain(c.clone()), Ok(10));
    assert_eq!(verify_chain(Vec::new()), Ok(0));
    assert_eq!(verify_chain_head(c.clone()), Ok(Some(c[9].head())));
    // Continuing from a head verified earlier.
    assert_eq!(
        verify_chain_from(Some(c[4].head()), c[5..].to_vec()),
        Ok(Some(c[9].head()))
    );
}

#[test]
fn an_altered_entry_is_named() {
    let mut c = chain(6);
    c[3].detail = json!({"i": 3, "fields": ["members[0].name"]});
    let err = verify_chain(c).expect_err("altered");
    assert_eq!(err, ChainError::Altered { seq: 4 });
    assert_eq!(
        err.to_string(),
        "第4条审计记录的内容与其哈希值不符：记录被修改 (entry 4: content does not match its hash; the entry was altered)"
    );

    let mut c = chain(6);
    c[2].actor_user_id = UserId::new("someone-else").expect("id");
    assert_eq!(verify_chain(c), Err(ChainError::Altered { seq: 3 }));

    let mut c = chain(6);
    c[2].at = after(c[2].at, 1);
    assert_eq!(verify_chain(c), Err(ChainError::Altered { seq: 3 }));
}

#[test]
fn an_altered_and_rehashed_entry_breaks_the_next_link() {
    let mut c = chain(6);
    c[3].detail = json!({"forged": true});
    c[3].hash = c[3].computed_hash();
    let err = verify_chain(c).expect_err("broken link");
    assert_eq!(err, ChainError::BrokenLink { seq: 5 });
    assert!(err
        .to_string()
        .starts_with("第5条审计记录的前序哈希与上一条记录不符"));
}

#[test]
fn a_removed_entry_is_named() {
    let mut c = chain(6);
    c.remove(2);
    let err = verify_chain(c).expect_err("removed");
    assert_eq!(err, ChainError::Removed { after: 2, next: 4 });
    assert_eq!(
        err.to_string(),
        "序号2之后的审计记录缺失，下一条为第4条：记录被删除 (entries after 2 are missing, the next is 4; entries were removed)"
    );
    let mut c = chain(6);
    c.remove(0);
    assert_eq!(
        verify_chain(c),
        Err(ChainError::Removed { after: 0, next: 2 })
    );
}

#[test]
fn a_reordered_entry_is_named() {
    let mut c = chain(6);
    c.swap(2, 3);
    let err = verify_chain(c).expect_err("reordered");
    assert_eq!(err, ChainError::Reordered { seq: 3, after: 4 });
    assert_eq!(
        err.to_string(),
        "第3条审计记录出现在第4条之后：记录顺序被调换 (entry 3 appears after entry 4; entries were reordered)"
    );
    // Moved far back.
    let mut c = chain(8);
    let moved = c.remove(1);
    c.push(moved);
    assert_eq!(
        verify_chain(c),
        Err(ChainError::Reordered { seq: 2, after: 3 })
    );
    // Repeated.
    let mut c = chain(5);
    let again = c[1].clone();
    c.insert(3, again);
    assert_eq!(
        verify_chain(c),
        Err(ChainError::Reordered { seq: 2, after: 3 })
    );
}

#[test]
fn a_spliced_genesis_is_caught() {
    let mut c = chain(3);
    c[0].prev_hash = [1u8; 32];
    c[0].hash = c[0].computed_hash();
    assert_eq!(verify_chain(c), Err(ChainError::BrokenLink { seq: 1 }));
}

#[test]
fn entries_round_trip_through_json() {
    let c = chain(4);
    let json = serde_json::to_string(&c).expect("serialise");
    let back: Vec<AuditEntry> = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, c);
    assert_eq!(verify_chain(back), Ok(4));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v[0]["prev_hash"], "0".repeat(64));
    assert_eq!(v[1]["role"], "verifier:public_security");
}

#[test]
fn key_order_in_details_does_not_matter() {
    // The hash covers canonical JSON, so a store that returns the detail
    // with keys in another order still verifies.
    let a = json!({"b": 1, "a": {"y": [1, 2], "x": "张三"}});
    let b: serde_json::Value =
        serde_json::from_str(r#"{"a":{"x":"张三","y":[1,2]},"b":1}"#).expect("json");
    assert_eq!(canonical_json(&a), canonical_json(&b));
}

#[test]
fn application_events_feed_the_chain() {
    let s = Story::qualified();
    let mut log: Vec<AuditEntry> = Vec::new();
    for e in &s.events {
        let entry = AuditEntry::new_after(
            log.last(),
            e.at,
            e.actor.user_id().clone(),
            e.actor.role(),
            e.audit_action(),
            e.audit_subject(),
            json!({"seq": e.seq, "status_after": e.status_after}),
        );
        log.push(entry);
    }
    assert_eq!(verify_chain(log.clone()), Ok(s.events.len() as u64));
    assert_eq!(log[1].action, "application.street_pass");
    assert_eq!(log[1].subject, "application:A-1");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_single_tampering_is_detected(n in 2usize..30, pick in any::<prop::sample::Index>(), how in 0u8..4) {
        let mut c = chain(n);
        let i = pick.index(n);
        let expected_kind = match how {
            0 => { c[i].action.push('x'); "altered" }
            1 => { c.remove(i); "removed" }
            2 => {
                let j = (i + 1) % n;
                c.swap(i, j);
                "reordered"
            }
            _ => { c[i].detail = json!({"forged": i}); c[i].hash = c[i].computed_hash(); "broken" }
        };
        let r = verify_chain(c.clone());
        match expected_kind {
            "altered" => prop_assert_eq!(r, Err(ChainError::Altered { seq: i as u64 + 1 })),
            "removed" if i == n - 1 => prop_assert_eq!(r, Ok(n as u64 - 1), "a cut tail needs the published head"),
            "removed" => prop_assert_eq!(r, Err(ChainError::Removed { after: i as u64, next: i as u64 + 2 })),
            "reordered" => prop_assert!(matches!(r, Err(ChainError::Reordered { .. })), "{:?}", r),
            _ if i == n - 1 => prop_assert_eq!(r, Ok(n as u64), "re-hashing the last entry needs the published head"),
            _ => prop_assert_eq!(r, Err(ChainError::BrokenLink { seq: i as u64 + 2 })),
        }
    }
}

mod checkpoints {
    //! Signed checkpoints prove the log to an outsider: truncation, a
    //! rewritten (recomputed) chain and a reordering are each named.

    use super::*;
    use anju_domain::audit::ChainError;
    use anju_domain::checkpoint::{checkpoint_of, public_key_hex, CheckpointError};

    const KEY: [u8; 32] = [7u8; 32];

    fn signed(c: &[AuditEntry]) -> anju_domain::checkpoint::SignedCheckpoint {
        let last = c.last().map(|e| (e.seq, e.hash));
        checkpoint_of(last, after(t0(), 99)).sign(&KEY)
    }

    /// Rebuilds the chain after `from` with every hash recomputed, as
    /// someone with database access would to hide a change.
    fn recompute(c: &mut [AuditEntry]) {
        for i in 0..c.len() {
            let prev = if i == 0 { None } else { Some(c[i - 1].clone()) };
            let e = &c[i];
            c[i] = AuditEntry::new_after(
                prev.as_ref(),
                e.at,
                e.actor_user_id.clone(),
                e.role,
                &e.action,
                e.subject.clone(),
                e.detail.clone(),
            );
        }
    }

    #[test]
    fn an_untouched_log_holds_its_checkpoint_and_grows() {
        let mut c = chain(20);
        let cp = signed(&c);
        assert_eq!(cp.public_key, public_key_hex(&KEY));
        assert_eq!(cp.check_log(&c), Ok(20));
        // It survives a round trip through its file.
        let text = serde_json::to_string_pretty(&cp).expect("json");
        let back: anju_domain::checkpoint::SignedCheckpoint =
            serde_json::from_str(&text).expect("parse");
        assert_eq!(back.check_log(&c), Ok(20));
        // Later entries do not disturb an earlier checkpoint.
        c.extend(chain(25).into_iter().skip(20));
        let mut grown = chain(25);
        grown.truncate(25);
        assert_eq!(cp.check_log(&grown), Ok(25));
    }

    #[test]
    fn truncation_is_named() {
        let c = chain(20);
        let cp = signed(&c);
        assert_eq!(
            cp.check_log(&c[..17]),
            Err(CheckpointError::Truncated {
                log_ends: 17,
                covers: 20
            })
        );
    }

    #[test]
    fn a_recomputed_chain_is_named_rewritten() {
        let mut c = chain(20);
        let cp = signed(&c);
        c[9].detail = json!({"i": 9, "changed": true});
        recompute(&mut c);
        // The chain alone now verifies …
        assert_eq!(verify_chain(c.clone()), Ok(20));
        // … the checkpoint does not.
        assert_eq!(
            cp.check_log(&c),
            Err(CheckpointError::Rewritten { seq: 20 })
        );
    }

    #[test]
    fn a_swap_is_named_reordered() {
        let mut c = chain(10);
        let cp = signed(&c);
        // Two rows' contents exchanged, their seq left in place.
        let (a, b) = (c[3].clone(), c[4].clone());
        c[3] = AuditEntry { seq: 4, ..b };
        c[4] = AuditEntry { seq: 5, ..a };
        match cp.check_log(&c) {
            Err(CheckpointError::Chain(ChainError::Reordered { .. })) => {}
            other => panic!("want reordered, got {other:?}"),
        }
    }

    #[test]
    fn a_forged_or_foreign_checkpoint_is_refused() {
        let c = chain(5);
        let mut cp = signed(&c);
        cp.checkpoint.size = 3;
        assert!(matches!(
            cp.check_log(&c),
            Err(CheckpointError::BadSignature(_))
        ));
        let cp = signed(&c);
        let other = public_key_hex(&[9u8; 32]);
        assert!(matches!(
            cp.verify_signature(Some(&other)),
            Err(CheckpointError::OtherKey { .. })
        ));
        assert_eq!(cp.verify_signature(Some(&public_key_hex(&KEY))), Ok(()));
    }
}
