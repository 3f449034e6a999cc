//! Market regulation storage: monthly sales and inventory, land figures by
//! year, parcels, developer projects and the append-only pre-sale fund
//! ledger. Each write carries its audit entry in the same transaction,
//! last (the audit head is always the last lock taken).
//!
//! A fund entry is appended only if the project's `version` is still the
//! one the caller read when it checked the entry against the ledger: of two
//! concurrent releases checked against the same balance one gets
//! [`StoreError::Conflict`], so the checked allowance is never overspent.

// Record fields mirror the columns described in migrations/*/market/0010_market.sql.
#![allow(missing_docs)]

use super::audit::append_audit_in;
use super::Market;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Row, Q};
use crate::{AuditDraft, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyRecord {
    pub district: String,
    pub housing_type: String,
    /// `YYYY-MM`.
    pub month: String,
    pub sales_units: i64,
    /// 0.01 m².
    pub sales_area: i64,
    pub inventory_area: i64,
    pub source: String,
    pub imported_at: String,
    pub imported_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandYearRecord {
    pub district: String,
    pub year: i64,
    pub revitalised_area: i64,
    pub previous_supply_area: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelRecord {
    pub district: String,
    pub id: String,
    pub name: String,
    /// residential | commercial | mixed | other.
    pub use_code: String,
    pub land_area: i64,
    pub above_ground_area: i64,
    pub residential_area: i64,
    pub converted_from_commercial: bool,
    pub price_fen: i64,
    pub investment_fen: i64,
    pub supply_date: String,
    pub contract_start: String,
    pub started_on: Option<String>,
    pub progress: String,
    pub setaside_area: Option<i64>,
    pub setaside_units: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketProjectRecord {
    pub district: String,
    pub id: String,
    pub name: String,
    pub developer: String,
    pub credit_code: String,
    pub grade: Option<String>,
    pub investment_fen: i64,
    pub counted_area: i64,
    pub supervised_fen: i64,
    pub stage: String,
    pub node: String,
    pub risk: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundEntryRecord {
    pub district: String,
    pub project_id: String,
    /// 1-based, gap-free per project.
    pub seq: i64,
    /// deposit | release | guarantee | refused.
    pub kind: String,
    pub amount_fen: i64,
    pub node: String,
    pub note: String,
    pub explanation_json: String,
    pub at: String,
    pub by_user: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentSampleRecord {
    pub district: String,
    pub sample_id: String,
    pub home_type: String,
    /// lease | survey.
    pub source: String,
    pub month: String,
    pub area: i64,
    pub rent_fen: i64,
    pub imported_at: String,
    pub imported_by: String,
}

const RENT_COLS: &str =
    "district, sample_id, home_type, source, month, area, rent_fen, imported_at, imported_by";

const MONTHLY_COLS: &str = "district, housing_type, month, sales_units, sales_area, inventory_area, source, imported_at, imported_by";
const LAND_COLS: &str = "district, year, revitalised_area, previous_supply_area, updated_at";
const PARCEL_COLS: &str = "district, id, name, use_code, land_area, above_ground_area, residential_area, converted_from_commercial, price_fen, investment_fen, supply_date, contract_start, started_on, progress, setaside_area, setaside_units, created_at";
const PROJECT_COLS: &str = "district, id, name, developer, credit_code, grade, investment_fen, counted_area, supervised_fen, stage, node, risk, version, created_at, updated_at";
const FUND_COLS: &str =
    "district, project_id, seq, kind, amount_fen, node, note, explanation_json, at, by_user";

fn monthly(r: &Row) -> Result<MonthlyRecord> {
    Ok(MonthlyRecord {
        district: r.text("district")?,
        housing_type: r.text("housing_type")?,
        month: r.text("month")?,
        sales_units: r.int("sales_units")?,
        sales_area: r.int("sales_area")?,
        inventory_area: r.int("inventory_area")?,
        source: r.text_or_empty("source")?,
        imported_at: r.text("imported_at")?,
        imported_by: r.text("imported_by")?,
    })
}

fn land(r: &Row) -> Result<LandYearRecord> {
    Ok(LandYearRecord {
        district: r.text("district")?,
        year: r.int("year")?,
        revitalised_area: r.int("revitalised_area")?,
        previous_supply_area: r.int("previous_supply_area")?,
        updated_at: r.text("updated_at")?,
    })
}

fn parcel(r: &Row) -> Result<ParcelRecord> {
    Ok(ParcelRecord {
        district: r.text("district")?,
        id: r.text("id")?,
        name: r.text("name")?,
        use_code: r.text("use_code")?,
        land_area: r.int("land_area")?,
        above_ground_area: r.int("above_ground_area")?,
        residential_area: r.int("residential_area")?,
        converted_from_commercial: r.int("converted_from_commercial")? != 0,
        price_fen: r.int("price_fen")?,
        investment_fen: r.int("investment_fen")?,
        supply_date: r.text("supply_date")?,
        contract_start: r.text("contract_start")?,
        started_on: r.opt_text("started_on")?,
        progress: r.text_or_empty("progress")?,
        setaside_area: r.opt_int("setaside_area")?,
        setaside_units: r.opt_int("setaside_units")?,
        created_at: r.text("created_at")?,
    })
}

fn project(r: &Row) -> Result<MarketProjectRecord> {
    Ok(MarketProjectRecord {
        district: r.text("district")?,
        id: r.text("id")?,
        name: r.text("name")?,
        developer: r.text("developer")?,
        credit_code: r.text("credit_code")?,
        grade: r.opt_text("grade")?,
        investment_fen: r.int("investment_fen")?,
        counted_area: r.int("counted_area")?,
        supervised_fen: r.int("supervised_fen")?,
        stage: r.text("stage")?,
        node: r.text("node")?,
        risk: r.text("risk")?,
        version: r.int("version")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
    })
}

fn fund(r: &Row) -> Result<FundEntryRecord> {
    Ok(FundEntryRecord {
        district: r.text("district")?,
        project_id: r.text("project_id")?,
        seq: r.int("seq")?,
        kind: r.text("kind")?,
        amount_fen: r.int("amount_fen")?,
        node: r.text("node")?,
        note: r.text_or_empty("note")?,
        explanation_json: r.text("explanation_json")?,
        at: r.text("at")?,
        by_user: r.text("by_user")?,
    })
}

fn stale_project(district: &str, id: &str) -> StoreError {
    StoreError::Conflict {
        what: format!(
            "项目 {district}/{id} 已被他人修改，请刷新后重试 (project {district}/{id} changed meanwhile; reload and try again)"
        ),
    }
}

impl Market<'_> {
    /// Imports monthly figures; an existing (district, type, month) row is
    /// replaced. Returns (new rows, replaced rows).
    pub async fn market_import_monthly(
        &self,
        rows: &[MonthlyRecord],
        audit: AuditDraft,
    ) -> Result<(u32, u32)> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let (mut added, mut replaced) = (0u32, 0u32);
            for m in rows {
                let n = Q::new(
                    "UPDATE market_monthly SET sales_units = $4, sales_area = $5, inventory_area = $6, source = $7, imported_at = $8, imported_by = $9 \
                     WHERE district = $1 AND housing_type = $2 AND month = $3",
                )
                .text(&m.district)
                .text(&m.housing_type)
                .text(&m.month)
                .int(m.sales_units)
                .int(m.sales_area)
                .int(m.inventory_area)
                .text(&m.source)
                .text(&m.imported_at)
                .text(&m.imported_by)
                .execute(&mut tx.conn())
                .await?;
                if n > 0 {
                    replaced += 1;
                    continue;
                }
                Q::new(format!(
                    "INSERT INTO market_monthly ({MONTHLY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ))
                .text(&m.district)
                .text(&m.housing_type)
                .text(&m.month)
                .int(m.sales_units)
                .int(m.sales_area)
                .int(m.inventory_area)
                .text(&m.source)
                .text(&m.imported_at)
                .text(&m.imported_by)
                .execute(&mut tx.conn())
                .await?;
                added += 1;
            }
            let mut audit = audit.clone();
            if let Some(o) = audit.detail.as_object_mut() {
                o.insert("added".into(), added.into());
                o.insert("replaced".into(), replaced.into());
            }
            append_audit_in(&mut tx.conn(), audit).await?;
            tx.commit().await?;
            Ok((added, replaced))
        })
    }

    /// Monthly figures, by district, type and month.
    pub async fn market_monthly(&self) -> Result<Vec<MonthlyRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {MONTHLY_COLS} FROM market_monthly ORDER BY district, housing_type, month"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(monthly)
        .collect()
    }

    /// Sets a district's land figures for a year (replacing earlier ones).
    pub async fn market_put_land_year(&self, l: &LandYearRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE market_land_years SET revitalised_area = $3, previous_supply_area = $4, updated_at = $5 WHERE district = $1 AND year = $2",
            )
            .text(&l.district)
            .int(l.year)
            .int(l.revitalised_area)
            .int(l.previous_supply_area)
            .text(&l.updated_at)
            .execute(&mut tx.conn())
            .await?;
            if n == 0 {
                Q::new(format!(
                    "INSERT INTO market_land_years ({LAND_COLS}) VALUES ($1, $2, $3, $4, $5)"
                ))
                .text(&l.district)
                .int(l.year)
                .int(l.revitalised_area)
                .int(l.previous_supply_area)
                .text(&l.updated_at)
                .execute(&mut tx.conn())
                .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    pub async fn market_land_years(&self) -> Result<Vec<LandYearRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {LAND_COLS} FROM market_land_years ORDER BY district, year"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(land)
        .collect()
    }

    /// Registers a parcel (its id must be new in its district).
    pub async fn market_add_parcel(&self, p: &ParcelRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new(format!(
                "INSERT INTO market_parcels ({PARCEL_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
            ))
            .text(&p.district)
            .text(&p.id)
            .text(&p.name)
            .text(&p.use_code)
            .int(p.land_area)
            .int(p.above_ground_area)
            .int(p.residential_area)
            .int(i64::from(p.converted_from_commercial))
            .int(p.price_fen)
            .int(p.investment_fen)
            .text(&p.supply_date)
            .text(&p.contract_start)
            .opt_text(p.started_on.clone())
            .text(&p.progress)
            .opt_int(p.setaside_area)
            .opt_int(p.setaside_units)
            .text(&p.created_at)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!("地块编号 {} 已存在 (parcel {} exists)", p.id, p.id),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Records the date construction started on a parcel.
    pub async fn market_parcel_started(
        &self,
        district: &str,
        id: &str,
        started_on: &str,
        progress: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("UPDATE market_parcels SET started_on = $3, progress = $4 WHERE district = $1 AND id = $2")
                .text(district)
                .text(id)
                .text(started_on)
                .text(progress)
                .execute(&mut tx.conn())
                .await?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: format!("地块 {district}/{id} 不存在 (parcel {district}/{id} not found)"),
                });
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    pub async fn market_parcels(&self) -> Result<Vec<ParcelRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PARCEL_COLS} FROM market_parcels ORDER BY district, supply_date, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(parcel)
        .collect()
    }

    /// Registers a developer project (its id must be new in its district).
    pub async fn market_add_project(
        &self,
        p: &MarketProjectRecord,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new(format!(
                "INSERT INTO market_projects ({PROJECT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
            ))
            .text(&p.district)
            .text(&p.id)
            .text(&p.name)
            .text(&p.developer)
            .text(&p.credit_code)
            .opt_text(p.grade.clone())
            .int(p.investment_fen)
            .int(p.counted_area)
            .int(p.supervised_fen)
            .text(&p.stage)
            .text(&p.node)
            .text(&p.risk)
            .int(p.version)
            .text(&p.created_at)
            .text(&p.updated_at)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!("项目编号 {} 已存在 (project {} exists)", p.id, p.id),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    pub async fn market_projects(&self) -> Result<Vec<MarketProjectRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PROJECT_COLS} FROM market_projects ORDER BY district, created_at, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(project)
        .collect()
    }

    /// One project with its fund ledger, read in one snapshot.
    pub async fn market_project(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<(MarketProjectRecord, Vec<FundEntryRecord>)>> {
        let mut tx = self.begin_read().await?;
        let Some(p) = Q::new(format!(
            "SELECT {PROJECT_COLS} FROM market_projects WHERE district = $1 AND id = $2"
        ))
        .text(district)
        .text(id)
        .fetch_optional(&mut tx.conn())
        .await?
        else {
            return Ok(None);
        };
        let ledger = Q::new(format!(
            "SELECT {FUND_COLS} FROM market_fund_ledger WHERE district = $1 AND project_id = $2 ORDER BY seq"
        ))
        .text(district)
        .text(id)
        .fetch_all(&mut tx.conn())
        .await?
        .iter()
        .map(fund)
        .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        Ok(Some((project(&p)?, ledger)))
    }

    /// Changes a project's grade, stage, node and risk, if its version is
    /// still `p.version`.
    pub async fn market_update_project(
        &self,
        p: &MarketProjectRecord,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE market_projects SET grade = $3, stage = $4, node = $5, risk = $6, updated_at = $7, version = version + 1 \
                 WHERE district = $1 AND id = $2 AND version = $8",
            )
            .text(&p.district)
            .text(&p.id)
            .opt_text(p.grade.clone())
            .text(&p.stage)
            .text(&p.node)
            .text(&p.risk)
            .text(&p.updated_at)
            .int(p.version)
            .execute(&mut tx.conn())
            .await?;
            if n == 0 {
                return Err(stale_project(&p.district, &p.id));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Appends a fund entry (its `seq` is ignored and assigned here) if the
    /// project is still at `version`. Returns the entry's seq.
    pub async fn market_append_fund(
        &self,
        e: &FundEntryRecord,
        version: i64,
        audit: AuditDraft,
    ) -> Result<i64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE market_projects SET version = version + 1, updated_at = $4 WHERE district = $1 AND id = $2 AND version = $3",
            )
            .text(&e.district)
            .text(&e.project_id)
            .int(version)
            .text(&e.at)
            .execute(&mut tx.conn())
            .await?;
            if n == 0 {
                return Err(stale_project(&e.district, &e.project_id));
            }
            let seq = Q::new("SELECT COUNT(*) AS n FROM market_fund_ledger WHERE district = $1 AND project_id = $2")
                .text(&e.district)
                .text(&e.project_id)
                .fetch_one(&mut tx.conn())
                .await?
                .int("n")?
                + 1;
            Q::new(format!(
                "INSERT INTO market_fund_ledger ({FUND_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .text(&e.district)
            .text(&e.project_id)
            .int(seq)
            .text(&e.kind)
            .int(e.amount_fen)
            .text(&e.node)
            .text(&e.note)
            .text(&e.explanation_json)
            .text(&e.at)
            .text(&e.by_user)
            .execute(&mut tx.conn())
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// Adds rent samples (each id new), with one audit entry.
    pub async fn market_add_rent_samples(
        &self,
        rows: &[RentSampleRecord],
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            for r in rows {
                Q::new(format!("INSERT INTO market_rent_samples ({RENT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
                    .text(&r.district)
                    .text(&r.sample_id)
                    .text(&r.home_type)
                    .text(&r.source)
                    .text(&r.month)
                    .int(r.area)
                    .int(r.rent_fen)
                    .text(&r.imported_at)
                    .text(&r.imported_by)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Every rent sample, by district, month and type.
    pub async fn market_rent_samples(&self) -> Result<Vec<RentSampleRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("SELECT {RENT_COLS} FROM market_rent_samples ORDER BY district, month, home_type, sample_id"))
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(RentSampleRecord {
                    district: r.text("district")?,
                    sample_id: r.text("sample_id")?,
                    home_type: r.text("home_type")?,
                    source: r.text("source")?,
                    month: r.text("month")?,
                    area: r.int("area")?,
                    rent_fen: r.int("rent_fen")?,
                    imported_at: r.text("imported_at")?,
                    imported_by: r.text("imported_by")?,
                })
            })
            .collect()
    }
}
