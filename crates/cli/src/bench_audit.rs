//! `anju bench audit`: the audit chain at size (issue 11 item 6). Fills a
//! fresh database with N synthetic, correctly chained entries through the
//! store's batch append, signs a checkpoint, appends an hour's worth more,
//! then times the full streamed verification and the incremental one
//! (from the checkpoint), each with the process's peak resident memory.

use std::time::Instant;

use anju_domain::checkpoint::checkpoint_of;
use anju_domain::{Role, Timestamp, UserId};
use anju_store::{AnyStore, AuditDraft};
use serde_json::json;

use crate::gen::Rng;
use crate::Fail;

/// Entries per batch append (one transaction each).
const BATCH: usize = 10_000;

fn fail(e: impl std::fmt::Display) -> Fail {
    Fail(e.to_string())
}

/// Synthetic entries shaped like the real ones: the lifecycle's actions on
/// applications by the officials of six districts, small details.
fn drafts(
    rng: &mut Rng,
    from: u64,
    n: usize,
    start: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<AuditDraft>, Fail> {
    const ACTIONS: [(&str, Role); 6] = [
        ("application.submit", Role::Applicant),
        ("application.street_pass", Role::Street),
        ("personal_data.read", Role::Street),
        (
            "application.verify",
            Role::Verifier(anju_domain::Department::PublicSecurity),
        ),
        ("application.decide", Role::CityBureau),
        ("allotment.draw", Role::CityBureau),
    ];
    (0..n as u64)
        .map(|i| {
            let k = from + i;
            let (action, role) = ACTIONS[(rng.next() % ACTIONS.len() as u64) as usize];
            let at = start + chrono::Duration::milliseconds((k * 37) as i64);
            Ok(AuditDraft {
                at: Timestamp::from_datetime(&at),
                actor_user_id: UserId::new(format!("u-{:06}", rng.next() % 5_000)).map_err(fail)?,
                role,
                action: action.to_owned(),
                subject: format!("application:A-2026-{:07}", k / 8),
                detail: json!({ "district": format!("1403{:02}", rng.next() % 6), "note": "synthetic", "step": k % 8 }),
            })
        })
        .collect()
}

/// Peak resident memory since the last reset, and a reset (Linux: writing
/// 5 to /proc/self/clear_refs restarts VmHWM). `None` elsewhere.
fn peak_rss_mb(reset: bool) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    if reset {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
    Some(kb / 1024.0)
}

fn mb(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |m| format!("{m:.0} MB"))
}

pub async fn run(store: &AnyStore, entries: u64, since: u64) -> Result<String, Fail> {
    let mut rng = Rng::new(11);
    let start = chrono::Utc::now() - chrono::Duration::days(365);
    let t = Instant::now();
    let mut done = store
        .audit()
        .audit_head()
        .await
        .map_err(fail)?
        .map_or(0, |h| h.seq);
    let first = done;
    let target = done + entries;
    while done < target {
        let n = (target - done).min(BATCH as u64) as usize;
        store
            .audit()
            .append_audit_batch(drafts(&mut rng, done, n, start)?)
            .await
            .map_err(fail)?;
        done += n as u64;
        if done % 1_000_000 < BATCH as u64 {
            eprintln!("{done} entries…");
        }
    }
    let fill = t.elapsed().as_secs_f64();
    // A checkpoint of the log as filled, signed with a throwaway key, then
    // `since` more entries (what arrives between two scheduled checkpoints).
    let key: [u8; 32] = std::array::from_fn(|_| rng.next() as u8);
    let head = store
        .audit()
        .audit_head()
        .await
        .map_err(fail)?
        .map(|h| (h.seq, h.hash));
    let cp = checkpoint_of(head, Timestamp::from_datetime(&chrono::Utc::now())).sign(&key);
    let mut more = since;
    while more > 0 {
        let n = more.min(BATCH as u64) as usize;
        store
            .audit()
            .append_audit_batch(drafts(&mut rng, done, n, start)?)
            .await
            .map_err(fail)?;
        done += n as u64;
        more -= n as u64;
    }
    let mut out = format!(
        "filled {} entries in {fill:.1} s ({:.0}/s), {since} more after a signed checkpoint\n",
        target - first,
        (target - first) as f64 / fill.max(1e-9),
    );
    peak_rss_mb(true);
    let t = Instant::now();
    let full = anju_server::audit::verify_audit(store)
        .await
        .map_err(|e| Fail(e.message))?;
    let secs = t.elapsed().as_secs_f64();
    let n = full.map_err(|e| Fail(format!("full verification failed: {e}")))?;
    out += &format!(
        "full verification: {n} entries in {secs:.2} s ({:.0}/s), peak RSS {} (target: 10^7 in <= 60 s, flat memory)\n",
        n as f64 / secs.max(1e-9),
        mb(peak_rss_mb(true)),
    );
    let t = Instant::now();
    let inc = anju_server::audit::service::verify_audit_since(store, &cp)
        .await
        .map_err(|e| Fail(e.message))?;
    let secs = t.elapsed().as_secs_f64();
    let n = inc.map_err(|e| Fail(format!("incremental verification failed: {e}")))?;
    out += &format!(
        "incremental verification from the checkpoint at {}: {} entries checked, log of {n}, in {:.3} s, peak RSS {} (target: <= 1 s)\n",
        cp.checkpoint.size,
        n - cp.checkpoint.size,
        secs,
        mb(peak_rss_mb(false)),
    );
    Ok(out)
}
