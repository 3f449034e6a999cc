//! The audit chain verified at size: `verify_audit_chain` streams the log
//! in pages and must name every problem exactly as the in-memory check
//! (`verify_chain` + `diagnose`) names it, across page boundaries; and
//! verification from a head verified earlier reads only what follows.
//! SQLite always, PostgreSQL when `ANJU_TEST_DATABASE_URL` is set.

mod common;

use anju_domain::checkpoint::diagnose;
use anju_domain::*;
use anju_store::{AnyStore, AuditDraft};
use common::*;
use serde_json::json;

/// More than two pages of the streamed check (20,000 each).
const N: u64 = 45_000;

async fn whole_log(store: &AnyStore) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    loop {
        let after = all.last().map_or(0, |e: &AuditEntry| e.seq);
        let page = store
            .audit()
            .audit_log(after, 5000)
            .await
            .expect("audit log");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

/// What the in-memory check says about the whole log.
async fn in_memory(store: &AnyStore) -> Result<Option<ChainHead>, ChainError> {
    let log = whole_log(store).await;
    verify_chain_head(log.iter().cloned()).map_err(|e| diagnose(&log, e))
}

async fn streamed(store: &AnyStore) -> Result<Option<ChainHead>, ChainError> {
    store
        .audit()
        .verify_audit_chain(None)
        .await
        .expect("verification runs")
}

fn drafts(from: u64, n: u64) -> Vec<AuditDraft> {
    let who = actor("street-a", Role::Street, Some(D));
    (from..from + n)
        .map(|k| {
            draft(
                t0(),
                &who,
                "application.street_pass",
                &format!("application:A-{k}"),
                json!({"k": k, "note": "审核通过"}),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_verification_names_what_the_in_memory_check_names() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        // One ordinary append, then batches: one chain.
        s.audit()
            .append_audit(admin_draft("user.create", "user:a"))
            .await
            .expect("append");
        for from in (1..N).step_by(15_000) {
            s.audit()
                .append_audit_batch(drafts(from, (N - from).min(15_000)))
                .await
                .expect("batch");
        }
        let head = s
            .audit()
            .audit_head()
            .await
            .expect("head")
            .expect("entries");
        assert_eq!(head.seq, N, "{name}");
        assert_eq!(streamed(s).await, Ok(Some(head)), "{name}");
        assert_eq!(in_memory(s).await, Ok(Some(head)), "{name}");
        // The batch wrote what a one-by-one append would have.
        let log = whole_log(s).await;
        assert!(log.iter().all(|e| e.computed_hash() == e.hash), "{name}");

        // Incremental: from a head verified earlier, only what follows.
        let mid = log[39_999].head();
        assert_eq!(
            s.audit().verify_audit_chain(Some(mid)).await.expect("runs"),
            Ok(Some(head)),
            "{name}"
        );
        let forged = ChainHead {
            seq: mid.seq,
            hash: [7u8; 32],
        };
        assert_eq!(
            s.audit()
                .verify_audit_chain(Some(forged))
                .await
                .expect("runs"),
            Err(ChainError::BrokenLink { seq: mid.seq + 1 }),
            "{name}"
        );
        // Nothing after the head: the head itself.
        assert_eq!(
            s.audit()
                .verify_audit_chain(Some(head))
                .await
                .expect("runs"),
            Ok(Some(head)),
            "{name}"
        );

        // Each tampering in turn (undone after), in the second and third
        // pages and at a page boundary: the streamed check names it as the
        // in-memory one does.
        let swap = [
            "UPDATE audit_log SET seq = -1 WHERE seq = 30000",
            "UPDATE audit_log SET seq = 30000 WHERE seq = 30001",
            "UPDATE audit_log SET seq = 30001 WHERE seq = -1",
        ];
        // Entry 40000 replaced by another whose own hash is right: the
        // next entry's link breaks.
        let mut other = log[39_999].clone();
        other.subject = "application:forged".into();
        let replace = format!(
            "UPDATE audit_log SET subject = 'application:forged', entry_hash = '{}' WHERE seq = 40000",
            audit::to_hex(&other.computed_hash())
        );
        let put_back = format!(
            "UPDATE audit_log SET subject = '{}', entry_hash = '{}' WHERE seq = 40000",
            log[39_999].subject,
            audit::to_hex(&log[39_999].hash)
        );
        let cases: Vec<(Vec<String>, Vec<String>, ChainError)> = vec![
            (
                vec![
                    "UPDATE audit_log SET subject = 'application:forged' WHERE seq = 25000".into(),
                ],
                vec![format!(
                    "UPDATE audit_log SET subject = '{}' WHERE seq = 25000",
                    log[24_999].subject
                )],
                ChainError::Altered { seq: 25_000 },
            ),
            (
                vec!["UPDATE audit_log SET seq = -20001 WHERE seq = 20001".into()],
                vec!["UPDATE audit_log SET seq = 20001 WHERE seq = -20001".into()],
                ChainError::Removed {
                    after: 20_000,
                    next: 20_002,
                },
            ),
            (
                swap.iter().map(|x| x.to_string()).collect(),
                swap.iter().map(|x| x.to_string()).collect(),
                ChainError::Reordered {
                    seq: 30_001,
                    after: 29_999,
                },
            ),
            (
                vec![replace],
                vec![put_back],
                ChainError::BrokenLink { seq: 40_001 },
            ),
        ];
        for (tamper, undo, want) in cases {
            for sql in &tamper {
                db.raw_execute(sql).await;
            }
            let got = streamed(s).await;
            assert_eq!(got, Err(want.clone()), "{name}: {tamper:?}");
            assert_eq!(in_memory(s).await, got, "{name}: {tamper:?}");
            for sql in &undo {
                db.raw_execute(sql).await;
            }
            assert_eq!(streamed(s).await, Ok(Some(head)), "{name}: undo {tamper:?}");
        }
    }
}
