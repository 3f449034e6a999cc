//! `anju bench rentals`: a month's rent for N leases in force, generated
//! as the rentals service does it — read the leases (keyset pages of
//! 20,000), plan each lease's period charge with `anju-rentals`, append
//! them in one transaction, 500 rows per `INSERT … SELECT … WHERE NOT
//! EXISTS` — and then the same month again, which must add nothing. The
//! synthetic leases are written first and not timed.

use std::time::Instant;

use anju_domain::{Role, UserId};
use anju_rentals::lease::{charges_in_month, lease_end, Cycle, LeaseTerms};
use anju_store::rentals::LedgerRow;
use anju_store::{AnyStore, AuditDraft};
use chrono::{Datelike, Months};

use crate::Fail;

fn fail(e: impl std::fmt::Display) -> Fail {
    Fail(e.to_string())
}

/// One run of the batch: (leases read, charges planned, charges added).
async fn charge(store: &AnyStore, year: i32, month: u32) -> Result<(u64, u64, u64), Fail> {
    let now = anju_server::Clock::system().now();
    let at = now.to_rfc3339();
    let mut rows = Vec::new();
    let mut after = String::new();
    let mut leases = 0u64;
    loop {
        let page = store
            .rentals()
            .rent_chargeable(&after, 20_000)
            .await
            .map_err(fail)?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        leases += page.len() as u64;
        for l in &page {
            let Some(cycle) = Cycle::parse(&l.cycle) else {
                continue;
            };
            let t = LeaseTerms {
                starts_on: l.starts_on,
                ends_on: l.ends_on,
                rent_fen: l.rent_fen,
                cycle,
            };
            for c in charges_in_month(&t, year, month, 10) {
                rows.push(LedgerRow {
                    key: c.key(&l.id),
                    lease_id: l.id.clone(),
                    kind: "charge".into(),
                    amount_fen: c.amount_fen,
                    on_date: c.starts_on,
                    due_on: Some(c.due_on),
                    covers_to: Some(c.ends_on),
                    reason: String::new(),
                    approver: String::new(),
                    recorded_by: "bench".into(),
                    at: at.clone(),
                });
            }
        }
    }
    let planned = rows.len() as u64;
    let added = store
        .rentals()
        .rent_insert_charges(
            &rows,
            AuditDraft {
                at: now,
                actor_user_id: UserId::new("bench").map_err(fail)?,
                role: Role::Company,
                action: "rentals.charge_month".into(),
                subject: format!("rent_month:{year:04}-{month:02}"),
                detail: serde_json::json!({"bench": true}),
            },
        )
        .await
        .map_err(fail)?;
    Ok((leases, planned, added))
}

pub async fn run(store: &AnyStore, leases: usize) -> Result<String, Fail> {
    let now = anju_server::Clock::system().now();
    let today = now.date();
    let month = today.with_day(1).unwrap_or(today);
    // A year ago on the 1st: every monthly lease and every quarterly one
    // has a period starting this month.
    let starts = month.checked_sub_months(Months::new(12)).unwrap_or(month);
    let ends = lease_end(starts, 3).ok_or_else(|| Fail("date out of range".into()))?;
    let t = Instant::now();
    store
        .rentals()
        .rent_synthetic_leases("BENCH-", leases, starts, ends, now)
        .await
        .map_err(fail)?;
    let seeded = t.elapsed().as_secs_f64();
    let (y, m) = (month.year(), month.month());
    let t = Instant::now();
    let (read, planned, added) = charge(store, y, m).await?;
    let first = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, planned2, added2) = charge(store, y, m).await?;
    let second = t.elapsed().as_secs_f64();
    let entries = store.rentals().rent_ledger_count().await.map_err(fail)?;
    if added2 != 0 || entries as u64 != added {
        return Err(Fail(format!(
            "the batch is not idempotent: second run added {added2}, ledger holds {entries}"
        )));
    }
    Ok([
        format!("{leases} leases in force written in {seeded:.1} s (not timed below)"),
        format!(
            "charge {y:04}-{m:02}: {read} leases read, {planned} charges planned, {added} added in {first:.2} s ({:.0} charges/s)",
            added as f64 / first.max(1e-9)
        ),
        format!(
            "the same month again: {planned2} planned, {added2} added in {second:.2} s; the ledger holds {entries} entries"
        ),
    ]
    .join("\n")
        + "\n")
}
