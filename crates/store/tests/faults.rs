//! Database faults and serialisation-safe transactions (issue 10, items 9
//! and 10): injected and genuine serialisation failures on PostgreSQL are
//! retried to success, or surface as `Contention` with nothing written;
//! a full SQLite volume fails writes with `StorageFull` and leaves a
//! consistent database that takes writes again once space returns.
//!
//! The PostgreSQL tests run when `ANJU_TEST_DATABASE_URL` is set. The
//! PostgreSQL restart test is a server test (`crates/server/tests/api/faults.rs`),
//! because what it checks is the HTTP answer.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anju_domain::*;
use anju_store::sqlx::{self, Row as _};
use anju_store::{AnyStore, StoreError, WRITE_ATTEMPTS};
use common::*;
use serde_json::json;

async fn whole_log(store: &AnyStore) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    loop {
        let after = all.last().map_or(0, |e: &AuditEntry| e.seq);
        let page = store
            .audit()
            .audit_log(after, 500)
            .await
            .expect("audit log");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

fn note(i: u32, detail: serde_json::Value) -> anju_store::AuditDraft {
    let who = actor("clerk", Role::Street, Some(D));
    draft(
        after(t0(), i64::from(i)),
        &who,
        "test.note",
        &format!("note:{i}"),
        detail,
    )
}

fn pg_url() -> Option<String> {
    let url = std::env::var("ANJU_TEST_DATABASE_URL").unwrap_or_default();
    if url.trim().is_empty() {
        eprintln!("SKIPPED: ANJU_TEST_DATABASE_URL is not set; the PostgreSQL half of this test did not run");
        None
    } else {
        Some(url.trim().to_owned())
    }
}

/// A write whose transaction fails at COMMIT with SQLSTATE 40001 (raised by
/// PostgreSQL itself) is rerun from the start: it succeeds, exactly once;
/// when every attempt fails the caller gets `Contention` and nothing is
/// written. On SQLite the hook does nothing and nothing is retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_serialization_failures_are_retried_then_surface() {
    for db in backends().await {
        let name = db.name();
        let store = &db.store;
        store
            .audit()
            .append_audit(note(0, json!({})))
            .await
            .expect("first");
        let r0 = store.retries();

        store.inject_serialization_failures(3);
        let e = store
            .audit()
            .append_audit(note(1, json!({})))
            .await
            .expect("retried");
        assert_eq!(e.seq, 2, "{name}");
        let log = whole_log(store).await;
        assert_eq!(log.len(), 2, "{name}: the failed attempts left nothing");
        verify_chain_head(log).expect("chain");
        if name == "sqlite" {
            assert_eq!(store.retries(), r0, "nothing to retry on SQLite");
            continue;
        }
        assert_eq!(store.retries(), r0 + 3, "{name}: three reruns");

        // A bigger operation (an account and its audit entry) reruns whole.
        store.inject_serialization_failures(2);
        let u = store
            .accounts()
            .create_user(
                anju_store::NewUser {
                    username: "重试用户".into(),
                    display_name: "retry".into(),
                    role: Role::Auditor,
                    district: None,
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                },
                note(2, json!({})),
            )
            .await
            .expect("created after two reruns");
        assert_eq!(store.accounts().list_users().await.expect("users").len(), 1);
        assert_eq!(store.accounts().user(&u.id).await.expect("user"), Some(u));
        assert_eq!(store.retries(), r0 + 5);

        // Every attempt fails: Contention, and nothing written.
        store.inject_serialization_failures(WRITE_ATTEMPTS);
        match store.audit().append_audit(note(3, json!({}))).await {
            Err(StoreError::Contention(why)) => {
                assert!(why.contains("40001") || why.contains("serialize"), "{why}");
                assert!(why.contains(&format!("{WRITE_ATTEMPTS} 次尝试后")), "{why}");
            }
            other => panic!("expected Contention, got {other:?}"),
        }
        assert_eq!(store.retries(), r0 + 5 + u64::from(WRITE_ATTEMPTS - 1));
        let log = whole_log(store).await;
        assert_eq!(log.len(), 3, "the exhausted write left nothing");
        verify_chain_head(log).expect("chain");
        // And the next write is normal.
        store
            .audit()
            .append_audit(note(4, json!({})))
            .await
            .expect("normal again");
    }
}

/// Two transactions that genuinely conflict under SERIALIZABLE: another
/// session updates the audit head while anju's append is in flight, so
/// PostgreSQL aborts anju's transaction with 40001; anju reruns it and both
/// succeed, and the chain is whole. Then 16 concurrent writers, each
/// appending 20 entries through a hot row, all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genuine_serialization_conflicts_are_retried() {
    let Some(admin) = pg_url() else { return };
    let db = TestDb::postgres(&admin).await;
    let Target::Postgres { url, .. } = &db.target else {
        unreachable!()
    };
    let store = db.store.clone();
    store
        .audit()
        .append_audit(note(0, json!({})))
        .await
        .expect("first");
    let r0 = store.retries();

    let other = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("second session");
    let mut theirs = other
        .begin_with("START TRANSACTION ISOLATION LEVEL SERIALIZABLE")
        .await
        .expect("begin");
    // Holds the head row's lock (and changes nothing anju relies on).
    sqlx::query("UPDATE audit_head SET last_seq = last_seq")
        .execute(&mut *theirs)
        .await
        .expect("their update");
    let ours = tokio::spawn({
        let store = store.clone();
        async move { store.audit().append_audit(note(1, json!({}))).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!ours.is_finished(), "anju's append waits for the row lock");
    theirs.commit().await.expect("theirs commits");
    let entry = ours
        .await
        .expect("join")
        .expect("ours succeeds after a rerun");
    assert_eq!(entry.seq, 2);
    assert!(
        store.retries() > r0,
        "PostgreSQL aborted anju's transaction (SERIALIZABLE) and anju reran it"
    );
    other.close().await;

    // 16 concurrent writers on the hottest row there is.
    let started = Instant::now();
    let r1 = store.retries();
    let mut tasks = Vec::new();
    for w in 0..16u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20u32 {
                store
                    .audit()
                    .append_audit(note(100 + w * 100 + i, json!({"w": w})))
                    .await
                    .expect("every write succeeds within its retries");
            }
        }));
    }
    for t in tasks {
        t.await.expect("join");
    }
    let log = whole_log(&store).await;
    assert_eq!(log.len(), 2 + 16 * 20);
    let subjects: BTreeSet<&str> = log.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects.len(), log.len());
    verify_chain_head(log).expect("one unbroken chain");
    eprintln!(
        "16 writers x 20 appends on PostgreSQL SERIALIZABLE: {:?}, {} reruns",
        started.elapsed(),
        store.retries() - r1
    );
}

/// A full SQLite volume (`max_page_count` reached, SQLITE_FULL): writes
/// fail with `StorageFull` — every write of a group commit whose COMMIT
/// failed included — and none of them is acknowledged; once space returns
/// the next write succeeds, the file passes `integrity_check`, the audit
/// chain verifies, and every acknowledged write is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_volume_fails_cleanly_and_recovers() {
    let db = TestDb::sqlite().await;
    let Target::Sqlite { path } = &db.target else {
        unreachable!()
    };
    let store = db.store.clone();
    let padding = "安居".repeat(400);
    let mut acknowledged: BTreeSet<String> = BTreeSet::new();
    for i in 0..20u32 {
        let e = store
            .audit()
            .append_audit(note(i, json!({"pad": padding})))
            .await
            .expect("room to write");
        acknowledged.insert(e.subject);
    }
    // No more pages than the file has now.
    let cap = store.sqlite_max_page_count(1).await.expect("cap");
    assert!(cap > 1, "the cap cannot go below the file's size: {cap}");

    // Concurrent writers fill the last free space and then fail.
    let mut full = 0;
    let mut tasks = Vec::new();
    for w in 0..16u32 {
        let store = store.clone();
        let padding = padding.clone();
        tasks.push(tokio::spawn(async move {
            let mut results = Vec::new();
            for i in 0..40u32 {
                let r = store
                    .audit()
                    .append_audit(note(1000 + w * 100 + i, json!({"pad": padding})))
                    .await;
                results.push(r);
            }
            results
        }));
    }
    for t in tasks {
        for r in t.await.expect("join") {
            match r {
                Ok(e) => {
                    acknowledged.insert(e.subject);
                }
                Err(StoreError::StorageFull(why)) => {
                    full += 1;
                    assert!(!why.is_empty());
                }
                Err(other) => panic!("a full volume must read as StorageFull: {other:?}"),
            }
        }
    }
    assert!(full > 0, "the volume filled up");
    let message = StoreError::StorageFull("x".into()).to_string();
    assert!(message.starts_with("存储空间已满"), "{message}");

    // Space returns.
    let cap = store.sqlite_max_page_count(1 << 30).await.expect("uncap");
    assert_eq!(cap, 1 << 30);
    let e = store
        .audit()
        .append_audit(note(9999, json!({"pad": padding})))
        .await
        .expect("writes again");
    acknowledged.insert(e.subject);

    let log = whole_log(&store).await;
    verify_chain_head(log.clone()).expect("the chain verifies");
    let stored: BTreeSet<String> = log.iter().map(|e| e.subject.clone()).collect();
    assert_eq!(
        stored, acknowledged,
        "exactly the acknowledged writes are stored"
    );

    let check = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("open");
    let row = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&check)
        .await
        .expect("integrity_check");
    assert_eq!(row.get::<String, _>(0), "ok");
    check.close().await;
    eprintln!(
        "full volume: {full} writes refused, {} stored",
        stored.len()
    );
}
