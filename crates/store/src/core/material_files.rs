//! Files uploaded with an application (issue 12 feature 18): stored in the
//! database, each file and its name encrypted with the household-facts key
//! (`crypto.rs`), associated data binding them to their application and
//! their id. Methods of the applications handle: applications own them.

use sha2::{Digest, Sha256};

use super::audit::append_audit_in;
use super::*;

/// A file to store.
#[derive(Debug, Clone)]
pub struct NewMaterialFile {
    /// The material of the city's list it is (`identity`, `marriage`, …).
    pub material_code: String,
    /// As uploaded (already cleaned of paths and control characters).
    pub file_name: String,
    /// Told by the file's bytes.
    pub content_type: String,
    /// The content.
    pub bytes: Vec<u8>,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// When.
    pub uploaded_at: Timestamp,
}

/// What is known of a stored file without decrypting its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialFileRecord {
    /// Its id (random).
    pub id: String,
    /// The application it belongs to.
    pub application_id: String,
    /// Which material of the city's list it is.
    pub material_code: String,
    /// The name it was uploaded with (decrypted).
    pub file_name: String,
    /// Told by its bytes: image/jpeg, image/png or application/pdf.
    pub content_type: String,
    /// Its size.
    pub size_bytes: u64,
    /// SHA-256 of the plaintext, lower-case hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// RFC 3339.
    pub uploaded_at: String,
}

/// The limits an upload is checked against inside its transaction, so two
/// uploads at once cannot pass them together.
#[derive(Debug, Clone, Copy)]
pub struct MaterialLimits {
    /// Most files per application.
    pub max_files: u64,
    /// Most bytes per application.
    pub max_total_bytes: u64,
}

const META_COLS: &str = "id, application_id, material_code, content_type, size_bytes, sha256, \
     uploaded_by, uploaded_at, key_version, name_nonce, name_ciphertext";

fn content_aad(app: &str, id: &str) -> Vec<u8> {
    format!("anju/material-file/v1/{app}/{id}").into_bytes()
}

fn name_aad(app: &str, id: &str) -> Vec<u8> {
    format!("anju/material-file-name/v1/{app}/{id}").into_bytes()
}

impl Applications<'_> {
    /// Stores a file of `app`, with its audit entry, in one transaction.
    /// Fails with Conflict when the application already holds the most
    /// files or bytes `limits` allow (checked here, under the
    /// application's row lock, as well as by the caller beforehand).
    pub async fn add_material_file(
        &self,
        app: &ApplicationId,
        file: &NewMaterialFile,
        limits: MaterialLimits,
        audit: AuditDraft,
    ) -> Result<MaterialFileRecord> {
        let id = random_hex(16);
        let app_id = app.as_str();
        let sha = hex::encode(Sha256::digest(&file.bytes));
        let size = to_i64(file.bytes.len() as u64)?;
        let (nonce, ciphertext) = self
            .crypto
            .encrypt(&file.bytes, &content_aad(app_id, &id))?;
        let (name_nonce, name_ct) = self
            .crypto
            .encrypt(file.file_name.as_bytes(), &name_aad(app_id, &id))?;
        let mut audit = audit;
        if let Some(o) = audit.detail.as_object_mut() {
            o.insert("file".into(), Value::String(id.clone()));
            o.insert("sha256".into(), Value::String(sha.clone()));
        }
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            // The application's row lock: concurrent uploads to the same
            // application count one after the other.
            let n = Q::new("UPDATE applications SET last_seq = last_seq WHERE id = $1")
                .text(app_id)
                .execute(&mut c)
                .await?;
            if n == 0 {
                return Err(application_not_found(app));
            }
            let held = Q::new(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) AS total FROM material_files \
                 WHERE application_id = $1",
            )
            .text(app_id)
            .fetch_one(&mut c)
            .await?;
            let (count, total) = (to_u64(held.int("n")?)?, to_u64(held.int("total")?)?);
            if count + 1 > limits.max_files
                || total + file.bytes.len() as u64 > limits.max_total_bytes
            {
                return Err(StoreError::Conflict {
                    what: format!(
                        "申请 {app_id} 的材料已达上限 (application {app_id} holds the most materials allowed)"
                    ),
                });
            }
            Q::new(
                "INSERT INTO material_files (id, application_id, material_code, content_type, size_bytes, \
                 sha256, uploaded_by, uploaded_at, key_version, name_nonce, name_ciphertext, nonce, ciphertext) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .text(&id)
            .text(app_id)
            .text(&file.material_code)
            .text(&file.content_type)
            .int(size)
            .text(&sha)
            .text(file.uploaded_by.as_str())
            .text(file.uploaded_at.to_rfc3339())
            .int(self.crypto.key_id())
            .bytes(name_nonce.clone())
            .bytes(name_ct.clone())
            .bytes(nonce.clone())
            .bytes(ciphertext.clone())
            .execute(&mut c)
            .await?;
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await
        })?;
        Ok(MaterialFileRecord {
            id,
            application_id: app_id.to_owned(),
            material_code: file.material_code.clone(),
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            size_bytes: file.bytes.len() as u64,
            sha256: sha,
            uploaded_by: file.uploaded_by.as_str().to_owned(),
            uploaded_at: file.uploaded_at.to_rfc3339(),
        })
    }

    /// The files of `app`, oldest first (names decrypted, contents not).
    pub async fn list_material_files(
        &self,
        app: &ApplicationId,
    ) -> Result<Vec<MaterialFileRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {META_COLS} FROM material_files WHERE application_id = $1 ORDER BY uploaded_at, id"
        ))
        .text(app.as_str())
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(|r| self.material_record(r)).collect()
    }

    /// One file of `app` with its content, or None.
    pub async fn load_material_file(
        &self,
        app: &ApplicationId,
        id: &str,
    ) -> Result<Option<(MaterialFileRecord, Vec<u8>)>> {
        let mut pc = self.read_conn().await?;
        let Some(r) = Q::new(format!(
            "SELECT {META_COLS}, nonce, ciphertext FROM material_files WHERE application_id = $1 AND id = $2"
        ))
        .text(app.as_str())
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        else {
            return Ok(None);
        };
        let record = self.material_record(&r)?;
        let bytes = self.crypto.decrypt_version(
            r.int("key_version")?,
            &r.bytes("nonce")?,
            &r.bytes("ciphertext")?,
            &content_aad(app.as_str(), id),
        )?;
        Ok(Some((record, bytes)))
    }

    /// Deletes a file of `app` with its audit entry; false when there was
    /// none.
    pub async fn delete_material_file(
        &self,
        app: &ApplicationId,
        id: &str,
        audit: AuditDraft,
    ) -> Result<bool> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let n = Q::new("DELETE FROM material_files WHERE application_id = $1 AND id = $2")
                .text(app.as_str())
                .text(id)
                .execute(&mut c)
                .await?;
            if n == 0 {
                return Ok(false);
            }
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    fn material_record(&self, r: &Row) -> Result<MaterialFileRecord> {
        let id = r.text("id")?;
        let app = r.text("application_id")?;
        let name = self.crypto.decrypt_version(
            r.int("key_version")?,
            &r.bytes("name_nonce")?,
            &r.bytes("name_ciphertext")?,
            &name_aad(&app, &id),
        )?;
        Ok(MaterialFileRecord {
            file_name: String::from_utf8(name).map_err(corrupt)?,
            material_code: r.text("material_code")?,
            content_type: r.text("content_type")?,
            size_bytes: to_u64(r.int("size_bytes")?)?,
            sha256: r.text("sha256")?,
            uploaded_by: r.text("uploaded_by")?,
            uploaded_at: r.text("uploaded_at")?,
            application_id: app,
            id,
        })
    }
}

/// Re-encrypts the files of application `id` not yet under the current key
/// (a step of the key rotation, `core/keys.rs`, under its row lock).
pub(super) async fn rotate_files(
    core: &Core,
    c: &mut crate::sql::Conn<'_>,
    id: &str,
) -> Result<()> {
    let rows = Q::new(
        "SELECT id, key_version, name_nonce, name_ciphertext, nonce, ciphertext FROM material_files \
         WHERE application_id = $1 AND key_version <> $2",
    )
    .text(id)
    .int(core.crypto.key_id())
    .fetch_all(c)
    .await?;
    for r in &rows {
        let file = r.text("id")?;
        let version = r.int("key_version")?;
        let name = core.crypto.decrypt_version(
            version,
            &r.bytes("name_nonce")?,
            &r.bytes("name_ciphertext")?,
            &name_aad(id, &file),
        )?;
        let bytes = core.crypto.decrypt_version(
            version,
            &r.bytes("nonce")?,
            &r.bytes("ciphertext")?,
            &content_aad(id, &file),
        )?;
        let (name_nonce, name_ct) = core.crypto.encrypt(&name, &name_aad(id, &file))?;
        let (nonce, ct) = core.crypto.encrypt(&bytes, &content_aad(id, &file))?;
        Q::new(
            "UPDATE material_files SET key_version = $2, name_nonce = $3, name_ciphertext = $4, \
             nonce = $5, ciphertext = $6 WHERE id = $1",
        )
        .text(&file)
        .int(core.crypto.key_id())
        .bytes(name_nonce)
        .bytes(name_ct)
        .bytes(nonce)
        .bytes(ct)
        .execute(c)
        .await?;
    }
    Ok(())
}
