//! The departments' verification imports: which files each department has
//! imported (an exact file is counted once) and the error reports of the
//! rows that could not be read.

use super::audit::append_audit_in;
use super::*;

impl Applications<'_> {
    /// Returns false (and changes nothing) when this department already imported this exact file.
    pub async fn record_import(
        &self,
        department: Department,
        file_sha256: &str,
        rows_ok: u32,
        rows_bad: u32,
        audit: AuditDraft,
    ) -> Result<bool> {
        retrying!(self, {
            let sha = file_sha256.trim().to_ascii_lowercase();
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let seen = Q::new(
                "SELECT rows_ok FROM department_imports WHERE department = $1 AND file_sha256 = $2",
            )
            .text(department.code())
            .text(&sha)
            .fetch_optional(&mut c)
            .await?
            .is_some();
            if seen {
                return Ok(false);
            }
            let inserted = Q::new(
                "INSERT INTO department_imports (department, file_sha256, rows_ok, rows_bad, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .text(department.code())
            .text(&sha)
            .int(i64::from(rows_ok))
            .int(i64::from(rows_bad))
            .text(audit.at.to_rfc3339())
            .text(audit.actor_user_id.as_str())
            .execute(&mut c)
            .await;
            match inserted {
                Ok(_) => {}
                // A concurrent import of the same file committed first.
                Err(e) if is_unique_violation(&e) => return Ok(false),
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Keeps the row-level error report of an import recorded by
    /// [`Store::record_import`] (a JSON array), replacing any kept before.
    pub async fn save_import_errors(
        &self,
        department: Department,
        file_sha256: &str,
        errors: &Value,
    ) -> Result<()> {
        retrying!(self, {
            let text = serde_json::to_string(errors)
                .map_err(|e| StoreError::Corrupt(format!("import errors do not serialise: {e}")))?;
            let mut tx = self.begin_write().await?;
            Q::new(
                "UPDATE department_imports SET errors_json = $3 WHERE department = $1 AND file_sha256 = $2",
            )
            .text(department.code())
            .text(file_sha256.trim().to_ascii_lowercase())
            .text(text)
            .execute(&mut tx.conn())
            .await?;
            tx.commit().await
        })
    }

    /// The error report kept for this department's import of this file;
    /// `None` when the file was never imported or no report was kept.
    pub async fn import_errors(
        &self,
        department: Department,
        file_sha256: &str,
    ) -> Result<Option<Value>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT errors_json FROM department_imports WHERE department = $1 AND file_sha256 = $2",
        )
        .text(department.code())
        .text(file_sha256.trim().to_ascii_lowercase())
        .fetch_optional(&mut pc.conn())
        .await?;
        match row
            .map(|r| r.opt_text("errors_json"))
            .transpose()?
            .flatten()
        {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                StoreError::Corrupt(format!("errors_json of an import is not JSON: {e}"))
            }),
        }
    }
}
