//! Rotating the master key of personal data without stopping the service.
//!
//! While a rotation runs, every anju process holds the new key as current
//! and the old one as previous ([`Crypto::with_previous`]): rows are read
//! with the key their `key_version` names, written with the new key, and
//! duplicate checks look for a resident ID's hash under both keys. The
//! rotation walks the applications in id order, a batch per transaction:
//! for each, it takes the application's row lock (so no concurrent write
//! of the same facts is lost), decrypts the facts with whichever key wrote
//! them, re-encrypts them with the current key, and re-keys the hashes of
//! the members' resident IDs in `application_members`, `active_members`
//! and `abandonments` (the plaintext IDs come from the facts). The work is
//! decided by content, not by a cursor kept somewhere, so a rotation that
//! stopped can simply be run again: finished applications are only read.
//!
//! Drafts of the application form belong to accounts, not applications,
//! so they are walked apart ([`KeyRotation::rotate_drafts`]) after the
//! applications.

use std::collections::{BTreeMap, BTreeSet};

use super::applications::member_ids_of;
use super::*;

/// What one batch of a key rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationBatch {
    /// The last application of the batch (where the next batch starts);
    /// `None` when there was none left.
    pub last_id: Option<String>,
    /// Applications looked at.
    pub examined: u64,
    /// Household facts re-encrypted with the current key.
    pub re_encrypted: u64,
    /// Resident-ID hashes re-keyed (all three indexes).
    pub rehashed: u64,
    /// Hashes that no resident ID in the application's facts gives under
    /// any key held (an ID corrected after submission): left as they are.
    pub unmatched: u64,
}

impl KeyRotation<'_> {
    /// How many applications there are, and how many have facts not yet
    /// encrypted with the current key.
    pub async fn progress(&self) -> Result<(u64, u64)> {
        let mut pc = self.read_conn().await?;
        let total = Q::new("SELECT COUNT(*) AS n FROM household_facts")
            .fetch_one(&mut pc.conn())
            .await?
            .int("n")?;
        let left = Q::new("SELECT COUNT(*) AS n FROM household_facts WHERE key_version <> $1")
            .int(self.crypto.key_id())
            .fetch_one(&mut pc.conn())
            .await?
            .int("n")?;
        Ok((to_u64(total)?, to_u64(left)?))
    }

    /// Re-keys up to `limit` applications whose id sorts after `after`
    /// ("" to start), in one transaction.
    pub async fn rotate_batch(&self, after: &str, limit: u32) -> Result<RotationBatch> {
        let ids: Vec<String> = {
            let mut pc = self.read_conn().await?;
            Q::new("SELECT id FROM applications WHERE id > $1 ORDER BY id LIMIT $2")
                .text(after)
                .int(i64::from(limit.max(1)))
                .fetch_all(&mut pc.conn())
                .await?
                .iter()
                .map(|r| r.text("id"))
                .collect::<Result<_>>()?
        };
        let fresh = || RotationBatch {
            last_id: ids.last().cloned(),
            ..RotationBatch::default()
        };
        if ids.is_empty() {
            return Ok(fresh());
        }
        // A serialisation failure reruns the whole batch, counts included.
        retrying!(self, {
            let mut done = fresh();
            let mut tx = self.begin_write().await?;
            for id in &ids {
                self.rotate_one(&mut tx.conn(), id, &mut done).await?;
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    async fn rotate_one(
        &self,
        c: &mut crate::sql::Conn<'_>,
        id: &str,
        done: &mut RotationBatch,
    ) -> Result<()> {
        done.examined += 1;
        // The application's row lock: a concurrent append_event (which
        // may replace the facts) waits for this batch, or this batch waits
        // for it and then reads what it wrote.
        Q::new("UPDATE applications SET last_seq = last_seq WHERE id = $1")
            .text(id)
            .execute(c)
            .await?;
        let Some(facts) = Q::new(
            "SELECT key_version, nonce, ciphertext FROM household_facts WHERE application_id = $1",
        )
        .text(id)
        .fetch_optional(c)
        .await?
        else {
            return Ok(());
        };
        let app_id = ApplicationId::new(id).map_err(corrupt)?;
        let household = self.applications().decrypt_household(&app_id, &facts)?;

        // Older keys' hashes of each member → the current key's.
        let mut current: BTreeSet<String> = BTreeSet::new();
        let mut rekey: BTreeMap<String, String> = BTreeMap::new();
        // The family account's own entry (`account_member_key`), when the
        // application has an owner, is re-keyed with the members.
        let owner = Q::new("SELECT owner_user_id FROM applications WHERE id = $1")
            .text(id)
            .fetch_optional(c)
            .await?
            .map(|r| r.opt_text("owner_user_id"))
            .transpose()?
            .flatten()
            .and_then(|o| UserId::new(o).ok())
            .map(|o| crate::account_member_key(&o));
        for rid in member_ids_of(&household).into_iter().chain(owner) {
            let mut hashes = self.crypto.resident_id_hashes(&rid).into_iter();
            let Some(new) = hashes.next() else { continue };
            for old in hashes {
                rekey.insert(old, new.clone());
            }
            current.insert(new);
        }
        for table in [
            "application_members",
            "active_members",
            "abandonments",
            "rent_blacklist",
        ] {
            let rows = Q::new(format!(
                "SELECT DISTINCT id_hash FROM {table} WHERE application_id = $1 ORDER BY id_hash"
            ))
            .text(id)
            .fetch_all(c)
            .await?;
            for r in &rows {
                let h = r.text("id_hash")?;
                if current.contains(&h) {
                    continue;
                }
                let Some(new) = rekey.get(&h) else {
                    done.unmatched += 1;
                    continue;
                };
                Q::new(format!(
                    "UPDATE {table} SET id_hash = $3 WHERE application_id = $1 AND id_hash = $2"
                ))
                .text(id)
                .text(&h)
                .text(new)
                .execute(c)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict {
                            what: format!(
                                "申请 {id} 的成员已在另一有效申请中（轮换前即已重复），请核查 (a member of application {id} is already in another active application, a duplicate that predates the rotation: investigate)"
                            ),
                        }
                    } else {
                        e.into()
                    }
                })?;
                done.rehashed += 1;
            }
        }
        if facts.int("key_version")? != self.crypto.key_id() {
            let (nonce, ciphertext) = self.applications().encrypt_household(&app_id, &household)?;
            Q::new(
                "UPDATE household_facts SET key_version = $2, nonce = $3, ciphertext = $4 WHERE application_id = $1",
            )
            .text(id)
            .int(self.crypto.key_id())
            .bytes(nonce)
            .bytes(ciphertext)
            .execute(c)
            .await?;
            done.re_encrypted += 1;
        }
        // The application's uploaded files and their names, under the
        // same row lock (issue 12 feature 18).
        super::material_files::rotate_files(self, c, id).await?;
        Ok(())
    }

    /// How many saved drafts are not yet under the current key.
    pub async fn drafts_left(&self) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let n = Q::new("SELECT COUNT(*) AS n FROM application_drafts WHERE key_version <> $1")
            .int(self.crypto.key_id())
            .fetch_one(&mut pc.conn())
            .await?
            .int("n")?;
        to_u64(n)
    }

    /// Re-encrypts up to `limit` drafts still under an older key, in one
    /// transaction; returns how many. Run until it returns 0. A draft the
    /// family saves meanwhile is written with the current key already: the
    /// update is conditional on the row being the one read (same key
    /// version and save time), so a newer save is never overwritten with
    /// the older text.
    pub async fn rotate_drafts(&self, limit: u32) -> Result<u64> {
        let rows = {
            let mut pc = self.read_conn().await?;
            Q::new(
                "SELECT id, owner_user_id, updated_at, key_version, nonce, ciphertext \
                 FROM application_drafts WHERE key_version <> $1 ORDER BY id LIMIT $2",
            )
            .int(self.crypto.key_id())
            .int(i64::from(limit.max(1)))
            .fetch_all(&mut pc.conn())
            .await?
        };
        let mut again = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, owner) = (r.text("id")?, r.text("owner_user_id")?);
            let version = r.int("key_version")?;
            let aad = super::drafts::draft_aad(&owner, &id);
            let plain = self.crypto.decrypt_version(
                version,
                &r.bytes("nonce")?,
                &r.bytes("ciphertext")?,
                &aad,
            )?;
            let (nonce, ciphertext) = self.crypto.encrypt(&plain, &aad)?;
            again.push((id, version, r.text("updated_at")?, nonce, ciphertext));
        }
        if again.is_empty() {
            return Ok(0);
        }
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut n = 0u64;
            for (id, version, updated_at, nonce, ciphertext) in &again {
                n += Q::new(
                    "UPDATE application_drafts SET key_version = $4, nonce = $5, ciphertext = $6 \
                     WHERE id = $1 AND key_version = $2 AND updated_at = $3",
                )
                .text(id)
                .int(*version)
                .text(updated_at)
                .int(self.crypto.key_id())
                .bytes(nonce.clone())
                .bytes(ciphertext.clone())
                .execute(&mut tx.conn())
                .await?;
            }
            tx.commit().await?;
            Ok(n)
        })
    }
}
