//! Holdings storage: the holder register (a read of allotment's titles,
//! contracts and homes), yearly campaigns, findings, cases, buybacks and
//! the pool of homes that came back. Each write carries its audit entry in
//! the same transaction.
//!
//! Invariants across processes: one open case per home and flag
//! (`hold_open_cases`), one open buyback per home (`hold_open_buybacks`),
//! one campaign per district and year (`UNIQUE (year, district)`), and a
//! status changes only from the status the caller saw (`UPDATE … WHERE
//! status = $old`; a lost race is [`StoreError::Conflict`]).

mod records;
mod requests;
mod tips;
mod work;

pub use records::*;
pub use requests::RequestHome;
pub use tips::TipRecord;
pub use work::{BuybackChange, NewCampaign, SyntheticHome, ANSWER_BATCH};

use anju_domain::Department;
use anju_holdings::ReviewState;

use super::allotment::from_json;
use super::{parse_date, Holdings};
use crate::sql::{Row, Q};
use crate::Result;

/// The register's SELECT: a titled home with its contract, price, project
/// and masked holder, and whether a buyback is open or completed.
const REGISTER_SELECT: &str = "SELECT t.project_id, t.home_id, t.certificate_no, t.annotation, t.registered_on, \
     c.application_id, c.contract_no, c.signed_on, h.home_json, h.price_fen, p.name AS project_name, p.district, \
     a.masked_name, a.masked_id, ob.buyback_id AS open_buyback, \
     (SELECT COUNT(*) FROM pool_homes ph WHERE ph.project_id = t.project_id AND ph.home_id = t.home_id) AS returned \
     FROM allot_titles t \
     JOIN allot_contracts c ON c.project_id = t.project_id AND c.home_id = t.home_id \
     JOIN allot_homes h ON h.project_id = t.project_id AND h.home_id = t.home_id \
     JOIN allot_projects p ON p.id = t.project_id \
     LEFT JOIN applications a ON a.id = c.application_id \
     LEFT JOIN hold_open_buybacks ob ON ob.project_id = t.project_id AND ob.home_id = t.home_id";

fn holder_from_row(r: &Row) -> Result<HolderRecord> {
    let state = if r.int("returned")? > 0 {
        HoldingState::Returned
    } else if r.opt_text("open_buyback")?.is_some() {
        HoldingState::Buyback
    } else {
        HoldingState::Held
    };
    Ok(HolderRecord {
        project_id: r.text("project_id")?,
        project_name: r.text("project_name")?,
        district: r.text("district")?,
        home: from_json(&r.text("home_json")?, "home_json")?,
        price: anju_allotment::Fen::new(u64::try_from(r.int("price_fen")?).unwrap_or(0)),
        application_id: r.text("application_id")?,
        contract_no: r.text("contract_no")?,
        signed_on: parse_date(&r.text("signed_on")?)?,
        certificate_no: r.text("certificate_no")?,
        annotation: r.text("annotation")?,
        registered_on: parse_date(&r.text("registered_on")?)?,
        masked_name: r.opt_text("masked_name")?,
        masked_id: r.opt_text("masked_id")?,
        state,
    })
}

/// The WHERE clause of a register filter, numbered from `$first`.
fn register_where(f: &RegisterFilter, mut q: Q, sql: &mut String) -> Q {
    let mut n = 0;
    let mut clauses: Vec<String> = Vec::new();
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if let Some(d) = &f.district {
        clauses.push(format!("p.district = {}", next()));
        q = q.text(d.clone());
    }
    if let Some(ds) = &f.districts {
        if ds.is_empty() {
            clauses.push("1 = 0".into());
        } else {
            let marks: Vec<String> = ds.iter().map(|_| next()).collect();
            clauses.push(format!("p.district IN ({})", marks.join(", ")));
            for d in ds {
                q = q.text(d.clone());
            }
        }
    }
    if let Some(p) = &f.project_id {
        clauses.push(format!("t.project_id = {}", next()));
        q = q.text(p.clone());
    }
    if let Some(h) = &f.home_id {
        clauses.push(format!("t.home_id = {}", next()));
        q = q.text(h.clone());
    }
    if let Some(a) = &f.application_id {
        clauses.push(format!("c.application_id = {}", next()));
        q = q.text(a.clone());
    }
    if let Some((p, h)) = &f.after {
        let (a, b, c) = (next(), next(), next());
        clauses.push(format!(
            "(t.project_id > {a} OR (t.project_id = {b} AND t.home_id > {c}))"
        ));
        q = q.text(p.clone()).text(p.clone()).text(h.clone());
    }
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    q
}

impl Holdings<'_> {
    /// One page of the holder register, by (project, home), after the cursor.
    pub async fn hold_register(&self, f: &RegisterFilter, limit: u32) -> Result<Vec<HolderRecord>> {
        let mut sql = REGISTER_SELECT.to_string();
        let q = register_where(f, Q::new(String::new()), &mut sql);
        sql.push_str(&format!(
            " ORDER BY t.project_id, t.home_id LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let q = q.with_sql(sql);
        let mut pc = self.read_conn().await?;
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(holder_from_row)
            .collect()
    }

    /// How many homes the register filter matches (the cursor ignored).
    pub async fn hold_register_count(&self, f: &RegisterFilter) -> Result<u64> {
        let f = RegisterFilter {
            after: None,
            ..f.clone()
        };
        let mut sql = "SELECT COUNT(*) AS n FROM allot_titles t \
             JOIN allot_contracts c ON c.project_id = t.project_id AND c.home_id = t.home_id \
             JOIN allot_projects p ON p.id = t.project_id"
            .to_string();
        let q = register_where(&f, Q::new(String::new()), &mut sql);
        let mut pc = self.read_conn().await?;
        let n = q.with_sql(sql).fetch_one(&mut pc.conn()).await?.int("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One held home.
    pub async fn hold_holding(
        &self,
        project_id: &str,
        home_id: &str,
    ) -> Result<Option<HolderRecord>> {
        let f = RegisterFilter {
            project_id: Some(project_id.into()),
            home_id: Some(home_id.into()),
            ..Default::default()
        };
        Ok(self.hold_register(&f, 1).await?.into_iter().next())
    }

    /// Campaigns, newest first, with their progress.
    pub async fn hold_campaigns(&self) -> Result<Vec<CampaignRecord>> {
        self.campaigns_where("", None).await
    }

    /// One campaign with its progress.
    pub async fn hold_campaign(&self, id: &str) -> Result<Option<CampaignRecord>> {
        Ok(self
            .campaigns_where(" WHERE c.id = $1", Some(id))
            .await?
            .into_iter()
            .next())
    }

    async fn campaigns_where(
        &self,
        clause: &str,
        arg: Option<&str>,
    ) -> Result<Vec<CampaignRecord>> {
        let mut pc = self.read_conn().await?;
        let mut q = Q::new(format!(
            "SELECT c.id, c.year, c.district, c.due_on, c.total, c.opened_at, c.opened_by, \
             (SELECT COUNT(*) FROM hold_reviews r WHERE r.campaign_id = c.id AND r.state = 'pending') AS pending, \
             (SELECT COUNT(*) FROM hold_reviews r WHERE r.campaign_id = c.id AND r.state = 'clear') AS clear, \
             (SELECT COUNT(*) FROM hold_reviews r WHERE r.campaign_id = c.id AND r.state = 'flagged') AS flagged \
             FROM hold_campaigns c{clause} ORDER BY c.opened_at DESC, c.id"
        ));
        if let Some(a) = arg {
            q = q.text(a);
        }
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(campaign_from_row)
            .collect()
    }

    /// One page of a campaign's homes, optionally in one state, after the
    /// (project, home) cursor.
    pub async fn hold_reviews(
        &self,
        campaign_id: &str,
        state: Option<ReviewState>,
        after: Option<(String, String)>,
        limit: u32,
    ) -> Result<Vec<ReviewRecord>> {
        let mut sql = "SELECT campaign_id, project_id, home_id, application_id, ans_public_security, ans_civil_affairs, ans_natural_resources, state FROM hold_reviews WHERE campaign_id = $1".to_string();
        let mut q = Q::new(String::new()).text(campaign_id);
        let mut n = 1;
        if let Some(s) = state {
            n += 1;
            sql.push_str(&format!(" AND state = ${n}"));
            q = q.text(s.code());
        }
        if let Some((p, h)) = after {
            sql.push_str(&format!(
                " AND (project_id > ${} OR (project_id = ${} AND home_id > ${}))",
                n + 1,
                n + 2,
                n + 3
            ));
            q = q.text(p.clone()).text(p).text(h);
        }
        sql.push_str(&format!(
            " ORDER BY project_id, home_id LIMIT {}",
            limit.clamp(1, 100_000)
        ));
        let mut pc = self.read_conn().await?;
        q.with_sql(sql)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(review_from_row)
            .collect()
    }

    /// The findings recorded for a home, oldest first.
    pub async fn hold_findings(
        &self,
        project_id: &str,
        home_id: &str,
    ) -> Result<Vec<FindingRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT * FROM hold_findings WHERE project_id = $1 AND home_id = $2 ORDER BY recorded_at, id")
            .text(project_id)
            .text(home_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(finding_from_row)
            .collect()
    }

    /// Cases, newest first: all, open only, or of one home.
    pub async fn hold_cases(
        &self,
        open_only: bool,
        home: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<CaseRecord>> {
        let mut sql = "SELECT * FROM hold_cases".to_string();
        let mut q = Q::new(String::new());
        let mut clauses = Vec::new();
        if open_only {
            clauses.push("status IN ('open', 'noticed')".to_string());
        }
        if let Some((p, h)) = home {
            clauses.push("project_id = $1 AND home_id = $2".to_string());
            q = q.text(p).text(h);
        }
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY opened_at DESC, id LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut pc = self.read_conn().await?;
        q.with_sql(sql)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(case_from_row)
            .collect()
    }

    /// One case.
    pub async fn hold_case(&self, id: &str) -> Result<Option<CaseRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT * FROM hold_cases WHERE id = $1")
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| case_from_row(&r))
            .transpose()
    }

    /// Buybacks, newest first: all, or of one home, or of one application.
    pub async fn hold_buybacks(
        &self,
        home: Option<(&str, &str)>,
        application_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<BuybackRecord>> {
        let mut sql = "SELECT * FROM hold_buybacks".to_string();
        let mut q = Q::new(String::new());
        if let Some((p, h)) = home {
            sql.push_str(" WHERE project_id = $1 AND home_id = $2");
            q = q.text(p).text(h);
        } else if let Some(a) = application_id {
            sql.push_str(" WHERE application_id = $1");
            q = q.text(a);
        }
        sql.push_str(&format!(
            " ORDER BY created_at DESC, id LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut pc = self.read_conn().await?;
        q.with_sql(sql)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(buyback_from_row)
            .collect()
    }

    /// One buyback.
    pub async fn hold_buyback(&self, id: &str) -> Result<Option<BuybackRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT * FROM hold_buybacks WHERE id = $1")
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| buyback_from_row(&r))
            .transpose()
    }

    /// The steps of a case or buyback, in order.
    pub async fn hold_steps(&self, subject_id: &str) -> Result<Vec<StepRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT seq, step, note, actor, on_date, at FROM hold_steps WHERE subject_id = $1 ORDER BY seq")
            .text(subject_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(StepRecord {
                    seq: r.int("seq")?,
                    step: r.text("step")?,
                    note: r.text("note")?,
                    actor: r.text("actor")?,
                    on_date: parse_date(&r.text("on_date")?)?,
                    at: r.text("at")?,
                })
            })
            .collect()
    }

    /// The homes back in the company's hands, newest first, with the home
    /// as allotment knows it.
    pub async fn hold_pool(&self) -> Result<Vec<PoolHomeRecord>> {
        self.pool_where("", None).await
    }

    /// The pool home a buyback returned.
    pub async fn hold_pool_home(&self, buyback_id: &str) -> Result<Option<PoolHomeRecord>> {
        Ok(self
            .pool_where(" WHERE ph.buyback_id = $1", Some(buyback_id))
            .await?
            .into_iter()
            .next())
    }

    async fn pool_where(&self, clause: &str, arg: Option<&str>) -> Result<Vec<PoolHomeRecord>> {
        let mut pc = self.read_conn().await?;
        let mut q = Q::new(format!(
            "SELECT ph.project_id, ph.home_id, ph.source, ph.buyback_id, ph.returned_on, ph.state, ph.taken_by, h.home_json, p.district \
             FROM pool_homes ph LEFT JOIN allot_homes h ON h.project_id = ph.project_id AND h.home_id = ph.home_id \
             LEFT JOIN allot_projects p ON p.id = ph.project_id{clause} ORDER BY ph.returned_on DESC, ph.project_id, ph.home_id"
        ));
        if let Some(a) = arg {
            q = q.text(a);
        }
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(PoolHomeRecord {
                    project_id: r.text("project_id")?,
                    home_id: r.text("home_id")?,
                    source: r.text("source")?,
                    buyback_id: r.text("buyback_id")?,
                    returned_on: parse_date(&r.text("returned_on")?)?,
                    state: r.text("state")?,
                    taken_by: r.opt_text("taken_by")?,
                    home: r
                        .opt_text("home_json")?
                        .map(|s| from_json(&s, "home_json"))
                        .transpose()?,
                    district: r.opt_text("district")?,
                })
            })
            .collect()
    }

    /// How many cases are open, and how many of them are notices whose
    /// deadline has passed on `today` (the register page's figures).
    pub async fn hold_case_counts(&self, today: chrono::NaiveDate) -> Result<(u64, u64)> {
        let mut pc = self.read_conn().await?;
        let open =
            Q::new("SELECT COUNT(*) AS n FROM hold_cases WHERE status IN ('open', 'noticed')")
                .fetch_one(&mut pc.conn())
                .await?
                .int("n")?;
        let overdue = Q::new(
            "SELECT COUNT(*) AS n FROM hold_cases WHERE status = 'noticed' AND deadline < $1",
        )
        .text(super::date_text(today))
        .fetch_one(&mut pc.conn())
        .await?
        .int("n")?;
        Ok((
            u64::try_from(open).unwrap_or(0),
            u64::try_from(overdue).unwrap_or(0),
        ))
    }
}

fn campaign_from_row(r: &Row) -> Result<CampaignRecord> {
    let n = |c: &str| -> Result<u64> { Ok(u64::try_from(r.int(c)?).unwrap_or(0)) };
    Ok(CampaignRecord {
        id: r.text("id")?,
        year: i32::try_from(r.int("year")?).unwrap_or(0),
        district: r.text("district")?,
        due_on: parse_date(&r.text("due_on")?)?,
        total: n("total")?,
        pending: n("pending")?,
        clear: n("clear")?,
        flagged: n("flagged")?,
        opened_at: r.text("opened_at")?,
        opened_by: r.text("opened_by")?,
    })
}

/// The column that records a department's answer.
pub(super) fn answer_column(d: Department) -> Option<&'static str> {
    match d {
        Department::PublicSecurity => Some("ans_public_security"),
        Department::CivilAffairs => Some("ans_civil_affairs"),
        Department::NaturalResources => Some("ans_natural_resources"),
        _ => None,
    }
}

/// The departments that answered for a review row.
pub(super) fn answered_of(r: &Row) -> Result<Vec<Department>> {
    let mut out = Vec::new();
    for d in anju_holdings::CAMPAIGN_DEPARTMENTS {
        if let Some(col) = answer_column(d) {
            if r.int(col)? != 0 {
                out.push(d);
            }
        }
    }
    Ok(out)
}

fn review_from_row(r: &Row) -> Result<ReviewRecord> {
    Ok(ReviewRecord {
        campaign_id: r.text("campaign_id")?,
        project_id: r.text("project_id")?,
        home_id: r.text("home_id")?,
        application_id: r.text("application_id")?,
        answered: answered_of(r)?,
        state: ReviewState::parse(&r.text("state")?)
            .ok_or_else(|| super::corrupt("review state"))?,
    })
}

/// An answer row of a department's file, as the service parsed it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    /// The home's project.
    pub project_id: String,
    /// The home.
    pub home_id: String,
    /// What the department found; empty when nothing.
    pub findings: Vec<(anju_holdings::Finding, String)>,
}

/// Which homes of a department's answer file the store could not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOutcome {
    /// Rows applied.
    pub applied: u64,
    /// Rows (0-based in the given slice) whose home is not in the campaign.
    pub unknown: Vec<usize>,
    /// Cases opened by the findings.
    pub cases_opened: u64,
}
