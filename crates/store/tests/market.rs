//! Market storage on SQLite, and on PostgreSQL when `ANJU_TEST_DATABASE_URL`
//! is set: imports replace by key, every write is audited, the fund ledger
//! is append-only and a stale version is refused.

mod common;

use anju_store::{FundEntryRecord, MarketProjectRecord, MonthlyRecord, ParcelRecord, StoreError};
use common::*;

fn month(m: &str, sales: i64) -> MonthlyRecord {
    MonthlyRecord {
        district: D.into(),
        housing_type: "住宅".into(),
        month: m.into(),
        sales_units: 10,
        sales_area: sales,
        inventory_area: 1_000_000,
        source: "test".into(),
        imported_at: t0().to_string(),
        imported_by: "admin".into(),
    }
}

fn project() -> MarketProjectRecord {
    MarketProjectRecord {
        district: D.into(),
        id: "P1".into(),
        name: "测试项目".into(),
        developer: "测试开发公司".into(),
        credit_code: "91140300MA0000000X".into(),
        grade: Some("A".into()),
        investment_fen: 10_000_000_000,
        counted_area: 1_000_000,
        supervised_fen: 2_000_000_000,
        stage: "building".into(),
        node: "start".into(),
        risk: "normal".into(),
        version: 1,
        created_at: t0().to_string(),
        updated_at: t0().to_string(),
    }
}

fn entry(kind: &str, amount: i64) -> FundEntryRecord {
    FundEntryRecord {
        district: D.into(),
        project_id: "P1".into(),
        seq: 0,
        kind: kind.into(),
        amount_fen: amount,
        node: "start".into(),
        note: String::new(),
        explanation_json: "[]".into(),
        at: t0().to_string(),
        by_user: "admin".into(),
    }
}

#[tokio::test]
async fn market_round_trip() {
    for db in backends().await {
        let s = &db.store;
        let name = db.name();
        let m = s.market();
        let audit = || admin_draft("market.import", "market:monthly");
        let (added, replaced) = m
            .market_import_monthly(&[month("2026-01", 100), month("2026-02", 200)], audit())
            .await
            .expect("import");
        assert_eq!((added, replaced), (2, 0), "{name}");
        let (added, replaced) = m
            .market_import_monthly(&[month("2026-02", 300)], audit())
            .await
            .expect("again");
        assert_eq!((added, replaced), (0, 1), "{name}");
        let rows = m.market_monthly().await.expect("read");
        assert_eq!(rows.len(), 2, "{name}");
        assert_eq!(rows[1].sales_area, 300, "{name}");

        let parcel = ParcelRecord {
            district: D.into(),
            id: "L1".into(),
            name: "地块".into(),
            use_code: "residential".into(),
            land_area: 100,
            above_ground_area: 200,
            residential_area: 200,
            converted_from_commercial: false,
            price_fen: 1000,
            investment_fen: 0,
            supply_date: "2024-01-01".into(),
            contract_start: "2024-03-01".into(),
            started_on: None,
            progress: String::new(),
            setaside_area: None,
            setaside_units: None,
            created_at: t0().to_string(),
        };
        m.market_add_parcel(&parcel, admin_draft("market.parcel", "parcel:L1"))
            .await
            .expect("parcel");
        let dup = m
            .market_add_parcel(&parcel, admin_draft("market.parcel", "parcel:L1"))
            .await;
        assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{name}");
        m.market_parcel_started(
            D,
            "L1",
            "2024-05-01",
            "主体施工",
            admin_draft("market.parcel_started", "parcel:L1"),
        )
        .await
        .expect("started");
        assert_eq!(
            m.market_parcels().await.expect("parcels")[0]
                .started_on
                .as_deref(),
            Some("2024-05-01"),
            "{name}"
        );

        m.market_add_project(&project(), admin_draft("market.project", "project:P1"))
            .await
            .expect("project");
        let seq = m
            .market_append_fund(
                &entry("deposit", 500),
                1,
                admin_draft("market.fund", "project:P1"),
            )
            .await
            .expect("deposit");
        assert_eq!(seq, 1, "{name}");
        // Checked against version 1, but the ledger moved on: refused.
        let stale = m
            .market_append_fund(
                &entry("release", 100),
                1,
                admin_draft("market.fund", "project:P1"),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{name}");
        let seq = m
            .market_append_fund(
                &entry("release", 100),
                2,
                admin_draft("market.fund", "project:P1"),
            )
            .await
            .expect("release");
        assert_eq!(seq, 2, "{name}");
        let (p, ledger) = m
            .market_project(D, "P1")
            .await
            .expect("read")
            .expect("found");
        assert_eq!((p.version, ledger.len()), (3, 2), "{name}");
    }
}
