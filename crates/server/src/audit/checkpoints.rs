//! The server's signed checkpoints of the audit chain (see
//! `anju_domain::checkpoint`): written on a schedule and on demand into a
//! folder that can be published or handed to auditors, the latest served
//! publicly at `GET /api/v1/audit/checkpoint`.

use std::path::Path;
use std::time::Duration;

use anju_domain::checkpoint::{checkpoint_of, SignedCheckpoint};

use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::service::verify_audit;

fn not_configured() -> ApiError {
    ApiError::not_found("审计检查点（服务器未配置签名密钥：用 anju audit checkpoint 生成） (audit checkpoints: the server has no signing key; use anju audit checkpoint)")
}

/// Signs the chain's current head and writes it (a broken chain is not
/// signed: the error says where it broke).
pub async fn write_now(st: &AppState) -> ApiResult<SignedCheckpoint> {
    let signing = st.checkpoints.as_ref().ok_or_else(not_configured)?;
    if let Err(e) = verify_audit(&st.store).await? {
        return Err(ApiError::conflict(format!(
            "审计链被破坏，不签检查点 (the audit chain is broken; no checkpoint signed): {e}"
        )));
    }
    let head = st
        .store
        .audit()
        .audit_head()
        .await?
        .map(|h| (h.seq, h.hash));
    let cp = checkpoint_of(head, st.clock.now()).sign(&signing.key);
    let text = serde_json::to_string_pretty(&cp).map_err(|e| ApiError::internal(e.to_string()))?;
    let dir = signing.dir.clone();
    let size = cp.checkpoint.size;
    tokio::task::spawn_blocking(move || write_files(&dir, size, &text))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| {
            ApiError::internal(format!(
                "审计检查点无法写入 (cannot write the checkpoint): {e}"
            ))
        })?;
    Ok(cp)
}

/// `checkpoint-<size>.json` (kept) and `latest.json` (replaced whole: a
/// reader never sees half a file).
fn write_files(dir: &Path, size: u64, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(format!("checkpoint-{size:010}.json")), text)?;
    let tmp = dir.join("latest.json.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, dir.join("latest.json"))
}

/// What the server publishes: the key its checkpoints are signed with and
/// the latest one (each `null` while there is none).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Publication {
    /// Ed25519 public key, 64 hex digits (null: the server signs none).
    pub public_key: Option<String>,
    /// The latest signed checkpoint (null: none yet).
    pub latest: Option<SignedCheckpoint>,
}

/// The signing key's public half and the latest checkpoint written.
pub async fn publication(st: &AppState) -> ApiResult<Publication> {
    let Some(signing) = st.checkpoints.as_ref() else {
        return Ok(Publication {
            public_key: None,
            latest: None,
        });
    };
    let latest = match tokio::fs::read_to_string(signing.dir.join("latest.json")).await {
        Ok(text) => {
            Some(serde_json::from_str(&text).map_err(|e| ApiError::internal(e.to_string()))?)
        }
        Err(_) => None,
    };
    Ok(Publication {
        public_key: Some(anju_domain::checkpoint::public_key_hex(&signing.key)),
        latest,
    })
}

/// Writes a checkpoint every `every` while the chain has grown since the
/// last one (and one at start). Errors are printed, not fatal: the log
/// itself is unaffected.
pub fn spawn_schedule(st: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut last: Option<u64> = None;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let size = match st.store.audit().audit_head().await {
                Ok(h) => h.map_or(0, |h| h.seq),
                Err(e) => {
                    eprintln!("anju: 审计检查点 (audit checkpoint): {e}");
                    continue;
                }
            };
            if last == Some(size) {
                continue;
            }
            match write_now(&st).await {
                Ok(cp) => last = Some(cp.checkpoint.size),
                Err(e) => eprintln!("anju: 审计检查点 (audit checkpoint): {}", e.message),
            }
        }
    });
}
