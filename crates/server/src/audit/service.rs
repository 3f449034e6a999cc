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

/// Verifies the whole chain, page by page.
pub async fn verify_audit(store: &Db) -> ApiResult<Result<u64, anju_domain::ChainError>> {
    let all = whole_log(store).await?;
    Ok(anju_domain::verify_chain(all.iter().cloned())
        .map_err(|e| anju_domain::checkpoint::diagnose(&all, e)))
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
