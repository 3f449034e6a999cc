//! The subsidy store: the register check runs inside the approving
//! transaction, a payment is recorded once, and a key rotation re-keys the
//! register so the same person is still found.

mod common;

use anju_store::{GrantRow, NewSubsidy, SubsidyApproval, SubsidyStep};
use chrono::NaiveDate;
use common::*;
use serde_json::json;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn step(id: &str, from: &'static [&'static str], to: &str) -> SubsidyStep {
    SubsidyStep {
        id: id.into(),
        from_status: from,
        to_status: to.into(),
        kind: to.into(),
        body: json!({}),
        at: "2027-01-15T09:00:00+08:00".into(),
        actor: "talent".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_ledger_and_key_rotation() {
    for db in backends().await {
        let name = db.name();
        let s = db.store.subsidies();
        let person = rid(7);
        let new = |programme: &str| NewSubsidy {
            programme: programme.into(),
            name: "林晓雯".into(),
            resident_id: person.clone(),
            facts: json!({}),
            at: "2027-01-15T09:00:00+08:00".into(),
            actor: "talent".into(),
        };
        let a = s
            .sub_create(&new("talent_rent"), admin_draft("subsidy.submit", "s"))
            .await
            .expect("created");
        s.sub_step(
            &step(&a, &["submitted"], "verified"),
            admin_draft("subsidy.verify", "s"),
        )
        .await
        .expect("verified");
        let grant = GrantRow {
            kind: "talent_rent".into(),
            from: d("2027-01-15"),
            until: None,
            source: a.clone(),
        };
        let inst = [(1, d("2027-01-15"), 150_000), (2, d("2027-02-15"), 150_000)];
        let no_rent = |rows: &[GrantRow]| {
            if rows.iter().any(|r| r.kind == "talent_rent") {
                Err("already".to_string())
            } else {
                Ok(())
            }
        };
        let approve = |id: &str| SubsidyStep {
            ..step(id, &["verified"], "approved")
        };
        let st = approve(&a);
        let approval = SubsidyApproval {
            step: &st,
            resident_id: &person,
            award: &json!({}),
            grant: &grant,
            instalments: &inst,
        };
        s.sub_approve(&approval, &no_rent, admin_draft("subsidy.approve", "s"))
            .await
            .expect("approved");
        // A second application of the same person is refused by the check,
        // and nothing of it is written.
        let b = s
            .sub_create(&new("talent_rent"), admin_draft("subsidy.submit", "s"))
            .await
            .expect("created");
        s.sub_step(
            &step(&b, &["submitted"], "verified"),
            admin_draft("subsidy.verify", "s"),
        )
        .await
        .expect("verified");
        let st_b = approve(&b);
        let grant_b = GrantRow {
            source: b.clone(),
            ..grant.clone()
        };
        let again = SubsidyApproval {
            step: &st_b,
            resident_id: &person,
            award: &json!({}),
            grant: &grant_b,
            instalments: &inst,
        };
        assert!(
            s.sub_approve(&again, &no_rent, admin_draft("subsidy.approve", "s"))
                .await
                .is_err(),
            "{name}"
        );
        assert_eq!(
            s.sub_get(&b).await.expect("read").map(|r| r.status),
            Some("verified".into()),
            "{name}"
        );
        assert!(
            s.sub_instalments(&b).await.expect("read").is_empty(),
            "{name}"
        );
        // Paid once, never twice.
        s.sub_pay(
            &a,
            1,
            d("2027-01-15"),
            "t",
            "talent",
            admin_draft("subsidy.pay", "s"),
        )
        .await
        .expect("paid");
        assert!(s
            .sub_pay(
                &a,
                1,
                d("2027-01-15"),
                "t",
                "talent",
                admin_draft("subsidy.pay", "s")
            )
            .await
            .is_err());
        // A talent apartment of another person, recorded with its register row.
        let tenant = "140302199406060013";
        let ta = s
            .ta_record(
                &anju_store::NewTalentApartment {
                    name: "秦志远".into(),
                    resident_id: tenant.into(),
                    apartment: "人才公寓A栋502".into(),
                    from: d("2026-01-01"),
                    until: None,
                    at: "t".into(),
                },
                &|_| Ok(()),
                admin_draft("benefit.talent_apartment", "s"),
            )
            .await
            .expect("talent apartment");
        // Rotation: the register still finds the person under the new key.
        let old = crypto(&db.key_hex);
        let new_hex = anju_store::Crypto::generate_hex();
        let ring = db
            .another_process_with_crypto(crypto(&new_hex).with_previous(&old))
            .await;
        assert_eq!(
            ring.subsidies().sub_rotate_keys().await.expect("rotated"),
            (2, 1),
            "{name}"
        );
        assert_eq!(
            ring.subsidies().sub_rotate_keys().await.expect("again"),
            (0, 0),
            "{name}: rerun is a no-op"
        );
        assert_eq!(
            ring.subsidies().ta_rotate_keys().await.expect("rotated"),
            (1, 1),
            "{name}"
        );
        assert_eq!(
            ring.subsidies().ta_rotate_keys().await.expect("again"),
            (0, 0),
            "{name}: rerun is a no-op"
        );
        let new_only = db.another_process_with_key(&new_hex).await;
        let grants = new_only
            .subsidies()
            .sub_grants(&person)
            .await
            .expect("grants");
        assert_eq!(grants.len(), 1, "{name}");
        let rec = new_only
            .subsidies()
            .sub_get(&a)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(rec.name, "林晓雯", "{name}");
        let t = new_only
            .subsidies()
            .ta_get(&ta)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            (t.name.as_str(), t.resident_id.as_str()),
            ("秦志远", tenant),
            "{name}"
        );
        let held = new_only
            .subsidies()
            .sub_grants(tenant)
            .await
            .expect("grants");
        assert_eq!(held.len(), 1, "{name}: re-keyed register row");
        assert!(
            !contains(&db.everything().await, "秦志远".as_bytes()),
            "{name}: the tenant encrypted at rest"
        );
        assert!(
            !contains(&db.everything().await, "林晓雯".as_bytes()),
            "{name}: encrypted at rest"
        );
    }
}
