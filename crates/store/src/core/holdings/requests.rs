//! A department's request file, read in batches: one keyset query per
//! batch over the campaign's pending reviews still waiting for the
//! department, joined with the holder family's encrypted facts, decrypted
//! together — so a file over 10⁶ homes is streamed in bounded memory
//! instead of loading each family one at a time (four queries and an event
//! replay per home).

#![allow(missing_docs)]

use anju_domain::{ApplicationId, Department};

use super::super::Holdings;
use super::answer_column;
use crate::sql::Q;
use crate::{Result, StoreError};

/// One home of a request batch: (project, home, members as (resident ID, name)).
pub type RequestHome = (String, String, Vec<(String, String)>);

impl Holdings<'_> {
    /// The next `limit` homes of campaign `campaign_id` still pending and
    /// not answered by `d`, after the (project, home) cursor, each with its
    /// holder family's members. A home whose family facts are missing is
    /// listed with no members (the department still sees the home).
    pub async fn hold_request_batch(
        &self,
        campaign_id: &str,
        d: Department,
        after: Option<(String, String)>,
        limit: u32,
    ) -> Result<Vec<RequestHome>> {
        let col = answer_column(d).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "部门 {} 不参加年度核查 (department not asked)",
                d.code()
            ))
        })?;
        let mut sql = format!(
            "SELECT r.project_id, r.home_id, r.application_id, f.key_version, f.nonce, f.ciphertext \
             FROM hold_reviews r LEFT JOIN household_facts f ON f.application_id = r.application_id \
             WHERE r.campaign_id = $1 AND r.state = 'pending' AND r.{col} = 0"
        );
        let mut q = Q::new(String::new()).text(campaign_id);
        if let Some((p, h)) = after {
            sql.push_str(" AND (r.project_id > $2 OR (r.project_id = $3 AND r.home_id > $4))");
            q = q.text(p.clone()).text(p).text(h);
        }
        sql.push_str(&format!(
            " ORDER BY r.project_id, r.home_id LIMIT {}",
            limit.clamp(1, 20_000)
        ));
        let rows = {
            let mut pc = self.read_conn().await?;
            q.with_sql(sql).fetch_all(&mut pc.conn()).await?
        };
        let apps = self.applications();
        rows.iter()
            .map(|r| {
                let app = r.text("application_id")?;
                let members = match (r.opt_int("key_version")?, ApplicationId::new(&app)) {
                    (Some(_), Ok(id)) => {
                        let h = apps.decrypt_household(&id, r)?;
                        h["members"]
                            .as_array()
                            .map(|ms| {
                                ms.iter()
                                    .map(|m| {
                                        (
                                            m["id_number"].as_str().unwrap_or("").to_string(),
                                            m["name"].as_str().unwrap_or("").to_string(),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                Ok((r.text("project_id")?, r.text("home_id")?, members))
            })
            .collect()
    }

    /// For `anju bench holdings` only: writes an application row and
    /// encrypted household facts (`members`) for each synthetic holder
    /// `application_id`, in transactions of 2,000, without audit entries.
    pub async fn hold_synthetic_households(
        &self,
        families: &[(String, serde_json::Value)],
        now: &str,
    ) -> Result<()> {
        let apps = self.applications();
        for chunk in families.chunks(2_000) {
            let mut tx = self.begin_write().await?;
            for (id, household) in chunk {
                let aid = ApplicationId::new(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (nonce, ct) = apps.encrypt_household(&aid, household)?;
                Q::new("INSERT INTO applications (id, district, status_code, owner_user_id, household_ref, masked_name, masked_id, last_seq, submitted_at, updated_at, categories_json) VALUES ($1, '140302', 'qualified', NULL, $2, NULL, NULL, 0, $3, $4, '[]')")
                    .text(id)
                    .text(id)
                    .text(now)
                    .text(now)
                    .execute(&mut tx.conn())
                    .await?;
                Q::new("INSERT INTO household_facts (application_id, key_version, nonce, ciphertext, updated_at) VALUES ($1, $2, $3, $4, $5)")
                    .text(id)
                    .int(self.crypto.key_id())
                    .bytes(nonce)
                    .bytes(ct)
                    .text(now)
                    .execute(&mut tx.conn())
                    .await?;
            }
            // The counts read model (migration 0055) holds these rows too.
            let k = i64::try_from(chunk.len()).unwrap_or(i64::MAX);
            crate::core::application_figures::add_to_count(
                &mut tx.conn(),
                "140302",
                "qualified",
                k,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
