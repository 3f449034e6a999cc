//! Rentals storage (Loudi 八、(二)): rental homes and their market-rent
//! evidence, offers, leases, the append-only rent ledger and the
//! dishonesty list. Each write carries its audit entry in the same
//! transaction.
//!
//! Invariants across processes: a home is offered or let to one family at
//! a time (`UPDATE rent_homes … WHERE state = $expected`); a lease changes
//! status only from the status the caller saw; the ledger is append-only
//! (no UPDATE or DELETE of `rent_ledger` anywhere) and its key makes a
//! lease's period chargeable once — the monthly batch inserts with
//! `INSERT … SELECT … WHERE NOT EXISTS` in one statement per chunk, so
//! running it twice adds nothing (the portable form of `ON CONFLICT DO
//! NOTHING`, which this store does not use; the primary key is the last
//! defence).

#![allow(missing_docs)]

mod records;
mod write;

pub use records::*;
pub use write::CHARGE_CHUNK;

use chrono::NaiveDate;

use super::{parse_date, Rentals};
use crate::sql::{Row, Q};
use crate::Result;

fn opt_date(r: &Row, col: &str) -> Result<Option<NaiveDate>> {
    r.opt_text(col)?.map(|s| parse_date(&s)).transpose()
}

pub(super) fn home_from_row(r: &Row) -> Result<RentHomeRecord> {
    Ok(RentHomeRecord {
        id: r.text("id")?,
        district: r.text("district")?,
        address: r.text("address")?,
        area_centi: r.int("area_centi")?,
        rooms: r.text("rooms")?,
        source: r.text("source")?,
        approval_ref: r.opt_text("approval_ref")?,
        pool_ref: r.opt_text("pool_ref")?,
        purchase_fen: r.opt_int("purchase_fen")?,
        appraisal_fen: r.opt_int("appraisal_fen")?,
        state: r.text("state")?,
        created_by: r.text("created_by")?,
        created_at: r.text("created_at")?,
    })
}

fn survey_from_row(r: &Row) -> Result<SurveyRecord> {
    Ok(SurveyRecord {
        id: r.text("id")?,
        home_id: r.text("home_id")?,
        effective_from: parse_date(&r.text("effective_from")?)?,
        surveyed_on: parse_date(&r.text("surveyed_on")?)?,
        method: r.text("method")?,
        source: r.text("source")?,
        comparables: r.text("comparables")?,
        per_m2_fen: r.int("per_m2_fen")?,
        created_by: r.text("created_by")?,
        created_at: r.text("created_at")?,
    })
}

fn offer_from_row(r: &Row) -> Result<OfferRecord> {
    Ok(OfferRecord {
        id: r.text("id")?,
        home_id: r.text("home_id")?,
        application_id: r.text("application_id")?,
        district: r.text("district")?,
        offered_on: parse_date(&r.text("offered_on")?)?,
        status: r.text("status")?,
        decided_on: opt_date(r, "decided_on")?,
        note: r.text("note")?,
        created_by: r.text("created_by")?,
        created_at: r.text("created_at")?,
        masked_name: r.opt_text("masked_name")?,
    })
}

fn lease_from_row(r: &Row) -> Result<LeaseRecord> {
    Ok(LeaseRecord {
        id: r.text("id")?,
        home_id: r.text("home_id")?,
        application_id: r.text("application_id")?,
        offer_id: r.opt_text("offer_id")?,
        renews_id: r.opt_text("renews_id")?,
        starts_on: parse_date(&r.text("starts_on")?)?,
        ends_on: parse_date(&r.text("ends_on")?)?,
        rent_fen: r.int("rent_fen")?,
        market_monthly_fen: r.int("market_monthly_fen")?,
        per_m2_fen: r.int("per_m2_fen")?,
        survey_id: r.text("survey_id")?,
        deposit_fen: r.int("deposit_fen")?,
        cycle: r.text("cycle")?,
        status: r.text("status")?,
        exit_ground: r.opt_text("exit_ground")?,
        exit_notified_on: opt_date(r, "exit_notified_on")?,
        exit_deadline: opt_date(r, "exit_deadline")?,
        vacated_on: opt_date(r, "vacated_on")?,
        serious_code: r.opt_text("serious_code")?,
        end_reason: r.opt_text("end_reason")?,
        created_by: r.text("created_by")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
        masked_name: r.opt_text("masked_name")?,
        owner_user_id: r.opt_text("owner_user_id")?,
        address: r.opt_text("address")?,
        district: r.opt_text("district")?,
    })
}

pub(super) fn entry_from_row(r: &Row) -> Result<LedgerRow> {
    Ok(LedgerRow {
        key: r.text("entry_key")?,
        lease_id: r.text("lease_id")?,
        kind: r.text("kind")?,
        amount_fen: r.int("amount_fen")?,
        on_date: parse_date(&r.text("on_date")?)?,
        due_on: opt_date(r, "due_on")?,
        covers_to: opt_date(r, "covers_to")?,
        reason: r.text("reason")?,
        approver: r.text("approver")?,
        recorded_by: r.text("recorded_by")?,
        at: r.text("at")?,
    })
}

const HOME_COLS: &str = "id, district, address, area_centi, rooms, source, approval_ref, pool_ref, purchase_fen, appraisal_fen, state, created_by, created_at";
const SURVEY_COLS: &str = "id, home_id, effective_from, surveyed_on, method, source, comparables, per_m2_fen, created_by, created_at";
const LEASE_SELECT: &str = "SELECT l.*, a.masked_name, a.owner_user_id, h.address, h.district \
     FROM rent_leases l LEFT JOIN applications a ON a.id = l.application_id \
     LEFT JOIN rent_homes h ON h.id = l.home_id";
const LEDGER_COLS: &str = "entry_key, lease_id, kind, amount_fen, on_date, due_on, covers_to, reason, approver, recorded_by, at";

/// Which leases to list.
#[derive(Debug, Clone, Default)]
pub struct LeaseFilter {
    pub status: Option<String>,
    pub application_id: Option<String>,
    pub owner_user_id: Option<String>,
    pub home_id: Option<String>,
}

impl Rentals<'_> {
    /// Rental homes, by id.
    pub async fn rent_homes(&self) -> Result<Vec<RentHomeRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("SELECT {HOME_COLS} FROM rent_homes ORDER BY id"))
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(home_from_row)
            .collect()
    }

    /// One rental home.
    pub async fn rent_home(&self, id: &str) -> Result<Option<RentHomeRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("SELECT {HOME_COLS} FROM rent_homes WHERE id = $1"))
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .as_ref()
            .map(home_from_row)
            .transpose()
    }

    /// A home's market-rent evidence, oldest first.
    pub async fn rent_surveys(&self, home_id: &str) -> Result<Vec<SurveyRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {SURVEY_COLS} FROM rent_surveys WHERE home_id = $1 ORDER BY effective_from, id"
        ))
        .text(home_id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(survey_from_row)
        .collect()
    }

    /// Every home's evidence, oldest first (the homes page).
    pub async fn rent_all_surveys(&self) -> Result<Vec<SurveyRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {SURVEY_COLS} FROM rent_surveys ORDER BY home_id, effective_from, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(survey_from_row)
        .collect()
    }

    /// Offers, newest first, optionally in one status.
    pub async fn rent_offers(&self, status: Option<&str>) -> Result<Vec<OfferRecord>> {
        let mut pc = self.read_conn().await?;
        let mut sql = "SELECT o.*, a.masked_name FROM rent_offers o LEFT JOIN applications a ON a.id = o.application_id".to_string();
        if status.is_some() {
            sql.push_str(" WHERE o.status = $1");
        }
        sql.push_str(" ORDER BY o.created_at DESC, o.id");
        let mut q = Q::new(sql);
        if let Some(s) = status {
            q = q.text(s);
        }
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(offer_from_row)
            .collect()
    }

    /// One offer.
    pub async fn rent_offer(&self, id: &str) -> Result<Option<OfferRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT o.*, a.masked_name FROM rent_offers o LEFT JOIN applications a ON a.id = o.application_id WHERE o.id = $1")
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .as_ref()
            .map(offer_from_row)
            .transpose()
    }

    /// Applications with an open offer or any lease (a family housed, or
    /// one that left, is not offered another home on the same application).
    pub async fn rent_housed_or_offered(&self) -> Result<Vec<String>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT application_id FROM rent_offers WHERE status = 'offered' \
             UNION SELECT application_id FROM rent_leases",
        )
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(|r| r.text("application_id")).collect()
    }

    /// Leases, newest first.
    pub async fn rent_leases(&self, f: &LeaseFilter, limit: u32) -> Result<Vec<LeaseRecord>> {
        let mut sql = LEASE_SELECT.to_string();
        let mut clauses = Vec::new();
        let mut args: Vec<String> = Vec::new();
        for (col, v) in [
            ("l.status", &f.status),
            ("l.application_id", &f.application_id),
            ("a.owner_user_id", &f.owner_user_id),
            ("l.home_id", &f.home_id),
        ] {
            if let Some(v) = v {
                args.push(v.clone());
                clauses.push(format!("{col} = ${}", args.len()));
            }
        }
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY l.starts_on DESC, l.id LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut q = Q::new(sql);
        for a in args {
            q = q.text(a);
        }
        let mut pc = self.read_conn().await?;
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(lease_from_row)
            .collect()
    }

    /// One lease.
    pub async fn rent_lease(&self, id: &str) -> Result<Option<LeaseRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("{LEASE_SELECT} WHERE l.id = $1"))
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .as_ref()
            .map(lease_from_row)
            .transpose()
    }

    /// How many leases are in each stored status.
    pub async fn rent_lease_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT status, COUNT(*) AS n FROM rent_leases GROUP BY status ORDER BY status")
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| Ok((r.text("status")?, r.int("n")?)))
            .collect()
    }

    /// A lease's ledger, in the order it was written.
    pub async fn rent_ledger(&self, lease_id: &str) -> Result<Vec<LedgerRow>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {LEDGER_COLS} FROM rent_ledger WHERE lease_id = $1 ORDER BY at, entry_key"
        ))
        .text(lease_id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
    }

    /// The entries of every lease that owes something (balance above 0,
    /// summed by the database), grouped by lease.
    pub async fn rent_owing_entries(&self) -> Result<Vec<LedgerRow>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {LEDGER_COLS} FROM rent_ledger WHERE lease_id IN \
             (SELECT lease_id FROM rent_ledger GROUP BY lease_id HAVING SUM(amount_fen) > 0) \
             ORDER BY lease_id, at, entry_key"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
    }

    /// Leases that charge rent: in force or leaving (the 30 days are
    /// still under the lease), for the monthly batch; `after` pages by id.
    pub async fn rent_chargeable(&self, after: &str, limit: u32) -> Result<Vec<ChargeableLease>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT id, starts_on, ends_on, rent_fen, cycle, exit_deadline, market_monthly_fen, status FROM rent_leases \
             WHERE status IN ('active', 'ending') AND id > $1 ORDER BY id LIMIT {}",
            limit.clamp(1, 100_000)
        ))
        .text(after)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(ChargeableLease {
                id: r.text("id")?,
                starts_on: parse_date(&r.text("starts_on")?)?,
                ends_on: parse_date(&r.text("ends_on")?)?,
                rent_fen: r.int("rent_fen")?,
                cycle: r.text("cycle")?,
                exit_deadline: opt_date(r, "exit_deadline")?,
                market_monthly_fen: r.int("market_monthly_fen")?,
                status: r.text("status")?,
            })
        })
        .collect()
    }

    /// How many ledger entries there are (benchmarks and tests).
    pub async fn rent_ledger_count(&self) -> Result<i64> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT COUNT(*) AS n FROM rent_ledger")
            .fetch_one(&mut pc.conn())
            .await?
            .int("n")
    }

    /// Dates on which any of these people were put on the dishonesty
    /// list (under every key held, as abandonments).
    pub async fn rent_blacklisted_on(&self, resident_ids: &[String]) -> Result<Vec<NaiveDate>> {
        let hashes: Vec<String> = resident_ids
            .iter()
            .filter(|r| !r.trim().is_empty())
            .flat_map(|r| self.crypto.resident_id_hashes(r))
            .collect();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::param_list(1, hashes.len());
        let mut q = Q::new(format!(
            "SELECT DISTINCT lease_id, listed_on FROM rent_blacklist WHERE id_hash IN ({})",
            marks
        ));
        for h in hashes {
            q = q.text(h);
        }
        let mut pc = self.read_conn().await?;
        let mut out = q
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| parse_date(&r.text("listed_on")?))
            .collect::<Result<Vec<_>>>()?;
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The dishonesty list, newest first.
    pub async fn rent_listings(&self) -> Result<Vec<ListingRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT application_id, lease_id, listed_on, until_on, case_code, COUNT(*) AS members \
             FROM rent_blacklist GROUP BY application_id, lease_id, listed_on, until_on, case_code \
             ORDER BY listed_on DESC, lease_id",
        )
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(ListingRecord {
                application_id: r.text("application_id")?,
                lease_id: r.text("lease_id")?,
                listed_on: parse_date(&r.text("listed_on")?)?,
                until_on: parse_date(&r.text("until_on")?)?,
                case_code: r.text("case_code")?,
                members: r.int("members")?,
            })
        })
        .collect()
    }
}
