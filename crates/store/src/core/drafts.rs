//! Drafts of the application form (issue 12 feature 19): the fields a
//! family or a counter clerk typed, encrypted like household facts, owned
//! by the account that saved them. A draft is not an application: no event,
//! no status, in no staff list. Submitting from a draft deletes it in the
//! application's own transaction (`create_application_replacing_draft`).

use super::*;

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRecord {
    /// Its id (random).
    pub id: String,
    /// The account that saved it.
    pub owner_user_id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The form's fields as saved.
    pub body: Value,
}

pub(super) fn draft_aad(owner: &str, id: &str) -> Vec<u8> {
    format!("anju/application-draft/v1/{owner}/{id}").into_bytes()
}

impl Applications<'_> {
    /// Saves a draft: a new one when `id` is None (refused with Conflict
    /// when `owner` already holds `max_drafts`), else replaces `owner`'s
    /// draft `id` (NotFound when it has none of that id). Returns its id.
    /// Not audited: a draft is the owner's own unsent text, like a form
    /// half filled in a browser; it becomes audited when submitted.
    pub async fn save_draft(
        &self,
        owner: &UserId,
        id: Option<&str>,
        body: &Value,
        at: Timestamp,
        max_drafts: u64,
    ) -> Result<String> {
        let plaintext = serde_json::to_vec(body).map_err(corrupt)?;
        let id = id.map(str::to_owned).unwrap_or_else(|| random_hex(12));
        let (nonce, ciphertext) = self
            .crypto
            .encrypt(&plaintext, &draft_aad(owner.as_str(), &id))?;
        let size = to_i64(plaintext.len() as u64)?;
        let at = at.to_rfc3339();
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let n = Q::new(
                "UPDATE application_drafts SET updated_at = $3, size_bytes = $4, key_version = $5, \
                 nonce = $6, ciphertext = $7 WHERE id = $1 AND owner_user_id = $2",
            )
            .text(&id)
            .text(owner.as_str())
            .text(&at)
            .int(size)
            .int(self.crypto.key_id())
            .bytes(nonce.clone())
            .bytes(ciphertext.clone())
            .execute(&mut c)
            .await?;
            if n == 0 {
                let held =
                    Q::new("SELECT COUNT(*) AS n FROM application_drafts WHERE owner_user_id = $1")
                        .text(owner.as_str())
                        .fetch_one(&mut c)
                        .await?;
                if to_u64(held.int("n")?)? >= max_drafts {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "草稿已有{max_drafts}份，请先删除不用的草稿 (already {max_drafts} drafts: delete one first)"
                        ),
                    });
                }
                Q::new(
                    "INSERT INTO application_drafts (id, owner_user_id, created_at, updated_at, size_bytes, \
                     key_version, nonce, ciphertext) VALUES ($1, $2, $3, $3, $4, $5, $6, $7)",
                )
                .text(&id)
                .text(owner.as_str())
                .text(&at)
                .int(size)
                .int(self.crypto.key_id())
                .bytes(nonce.clone())
                .bytes(ciphertext.clone())
                .execute(&mut c)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        // Someone else's draft of the same id: never
                        // overwrite it (ids are random; this is a guess).
                        StoreError::NotFound {
                            what: "草稿 (draft)".into(),
                        }
                    } else {
                        e.into()
                    }
                })?;
            }
            tx.commit().await?;
            Ok(id.clone())
        })
    }

    /// `owner`'s drafts, the latest first.
    pub async fn list_drafts(&self, owner: &UserId) -> Result<Vec<DraftRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT id, owner_user_id, created_at, updated_at, key_version, nonce, ciphertext \
             FROM application_drafts WHERE owner_user_id = $1 ORDER BY updated_at DESC, id",
        )
        .text(owner.as_str())
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(|r| self.draft_record(r)).collect()
    }

    /// `owner`'s draft `id`, or None (also for another account's draft).
    pub async fn load_draft(&self, owner: &UserId, id: &str) -> Result<Option<DraftRecord>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT id, owner_user_id, created_at, updated_at, key_version, nonce, ciphertext \
             FROM application_drafts WHERE owner_user_id = $1 AND id = $2",
        )
        .text(owner.as_str())
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?;
        row.map(|r| self.draft_record(&r)).transpose()
    }

    /// Deletes `owner`'s draft `id`; false when there was none.
    pub async fn delete_draft(&self, owner: &UserId, id: &str) -> Result<bool> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("DELETE FROM application_drafts WHERE owner_user_id = $1 AND id = $2")
                .text(owner.as_str())
                .text(id)
                .execute(&mut tx.conn())
                .await?;
            tx.commit().await?;
            Ok(n > 0)
        })
    }

    fn draft_record(&self, r: &Row) -> Result<DraftRecord> {
        let id = r.text("id")?;
        let owner = r.text("owner_user_id")?;
        let plain = self.crypto.decrypt_version(
            r.int("key_version")?,
            &r.bytes("nonce")?,
            &r.bytes("ciphertext")?,
            &draft_aad(&owner, &id),
        )?;
        Ok(DraftRecord {
            body: serde_json::from_slice(&plain).map_err(corrupt)?,
            created_at: r.text("created_at")?,
            updated_at: r.text("updated_at")?,
            owner_user_id: owner,
            id,
        })
    }
}
