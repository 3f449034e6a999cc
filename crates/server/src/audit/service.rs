//! Who may read the log, and the chain check.

use anju_domain::Role;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::Db;

/// Who may read the audit log: auditors and the city bureau (pages and API alike).
pub fn audit_reader(user: &CurrentUser) -> ApiResult<()> {
    if matches!(user.user.role, Role::Auditor | Role::CityBureau) {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有审计人员和市住建部门可以查看审计日志 (only auditors and the city bureau may read the audit log)"))
    }
}

/// Verifies the whole chain, streamed page by page (flat memory at any
/// size); the number of entries.
pub async fn verify_audit(store: &Db) -> ApiResult<Result<u64, anju_domain::ChainError>> {
    Ok(store
        .audit()
        .verify_audit_chain(None)
        .await?
        .map(|head| head.map_or(0, |h| h.seq)))
}

/// Verifies only what follows a signed checkpoint (whose signature the
/// caller checked): the log must still hold the checkpoint's last entry
/// with the checkpoint's hash (else truncated or rewritten), and every
/// entry after it must chain on from it. Entries before the checkpoint are
/// not read: what this cannot see is said in docs/security.md ("Incremental
/// verification"). Returns the log's length.
pub async fn verify_audit_since(
    store: &Db,
    cp: &anju_domain::checkpoint::SignedCheckpoint,
) -> ApiResult<Result<u64, anju_domain::checkpoint::CheckpointError>> {
    let size = cp.checkpoint.size;
    let at_size = if size == 0 {
        None
    } else {
        store
            .audit()
            .audit_log(size - 1, 1)
            .await?
            .into_iter()
            .find(|e| e.seq == size)
            .map(|e| e.hash)
    };
    // Truncated or rewritten before anything else: the chain after a
    // checkpoint the log no longer holds proves nothing.
    let log_ends = if size > 0 && at_size.is_none() {
        // The entry is gone: the log ends before it (truncated), or it was
        // taken out of the middle (then the entry differs: rewritten).
        let newest = anju_store::AuditFilter {
            limit: 1,
            ..Default::default()
        };
        let found = store.audit().audit_search(&newest).await?;
        found.first().map_or(0, |e| e.seq)
    } else {
        size
    };
    if let Err(e) = cp.check_covered(log_ends, at_size.as_ref()) {
        return Ok(Err(e));
    }
    Ok(store
        .audit()
        .verify_audit_chain(cp.chain_head())
        .await?
        .map(|head| head.map_or(0, |h| h.seq))
        .map_err(anju_domain::checkpoint::CheckpointError::from))
}

/// Every entry of the log, in order.
pub async fn whole_log(store: &Db) -> ApiResult<Vec<anju_domain::AuditEntry>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit().audit_log(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    Ok(all)
}
