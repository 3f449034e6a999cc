//! The server's signed checkpoints of the audit chain (see
//! `anju_domain::checkpoint`): written on a schedule and on demand into a
//! folder that can be published or handed to auditors, the latest served
//! publicly at `GET /api/v1/audit/checkpoint`.

use std::path::Path;
use std::time::Duration;

use anju_domain::checkpoint::{checkpoint_of, SignedCheckpoint};

use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::service::{verify_audit, verify_audit_since};

fn not_configured() -> ApiError {
    ApiError::not_found("审计检查点（服务器未配置签名密钥：用 anju audit checkpoint 生成） (audit checkpoints: the server has no signing key; use anju audit checkpoint)")
}

/// Signs the chain's current head and writes it (a broken chain is not
/// signed: the error says where it broke).
pub async fn write_now(st: &AppState) -> ApiResult<SignedCheckpoint> {
    let signing = st.checkpoints.as_ref().ok_or_else(not_configured)?;
    // From the last checkpoint this key signed, only what was appended
    // since is verified (a log of 10⁷ entries takes about a minute to
    // verify whole): the previous checkpoint was signed over a verified
    // chain, and whatever was changed before it since is still caught by a
    // full `anju audit verify` against either checkpoint.
    let own = own_latest(signing).await;
    let verdict = match &own {
        Some(cp) => verify_audit_since(&st.store, cp)
            .await?
            .map_err(|e| e.to_string()),
        None => verify_audit(&st.store).await?.map_err(|e| e.to_string()),
    };
    if let Err(e) = verdict {
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

/// The latest checkpoint in the folder when it is one this server's key
/// signed (else `None`: verify the whole chain).
async fn own_latest(signing: &crate::web::state::CheckpointSigning) -> Option<SignedCheckpoint> {
    let text = tokio::fs::read_to_string(signing.dir.join("latest.json"))
        .await
        .ok()?;
    let cp: SignedCheckpoint = serde_json::from_str(&text).ok()?;
    let key = anju_domain::checkpoint::public_key_hex(&signing.key);
    cp.verify_signature(Some(&key)).ok()?;
    Some(cp)
}

/// `checkpoint-<size>.json` (kept) and `latest.json` (replaced whole: a
/// reader never sees half a file).
///
/// Several anju processes may share the folder (one database behind one
/// address, docs/operations.md) and write at the same moment: each file is
/// written under a name of this process's own and renamed into place, so
/// two writers never interleave within a file; two checkpoints of one size
/// are both valid (same head, other time), and `latest.json` is not
/// replaced by a checkpoint smaller than the one it holds.
fn write_files(dir: &Path, size: u64, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".checkpoint-{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(format!("checkpoint-{size:010}.json")))?;
    let latest = dir.join("latest.json");
    let newer = std::fs::read_to_string(&latest)
        .ok()
        .and_then(|t| serde_json::from_str::<SignedCheckpoint>(&t).ok())
        .is_some_and(|cp| cp.checkpoint.size > size);
    if newer {
        return Ok(());
    }
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, latest)
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
