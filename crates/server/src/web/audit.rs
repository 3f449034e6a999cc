//! The audit entry every capability writes beside its change.

use super::auth;

/// The audit entry for something `user` did at `at` (the store writes it in
/// the same transaction as the change). Every capability audits this way.
pub fn audit(
    user: &auth::CurrentUser,
    at: anju_domain::Timestamp,
    action: String,
    subject: String,
    detail: serde_json::Value,
) -> anju_store::AuditDraft {
    anju_store::AuditDraft {
        at,
        actor_user_id: user.user.id.clone(),
        role: user.user.role,
        action,
        subject,
        detail,
    }
}
