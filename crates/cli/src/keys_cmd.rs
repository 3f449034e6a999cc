//! `anju keys`: a new data key, and rotating personal data onto it while
//! the service keeps running (docs/operations.md, "Key rotation").

use std::path::{Path, PathBuf};

use anju_store::{AnyStore, Crypto, RotationBatch};
use clap::Subcommand;
use serde_json::json;

use crate::server_cmd::{cli_audit, redact, runtime, write_private};
use crate::Fail;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// 生成新数据密钥: write a new random data key to a file (owner-only), to rotate to.
    Generate {
        /// The new key file (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// 密钥轮换: re-encrypt every application's personal data with the new key and
    /// re-key the resident-ID index, in batches, while anju keeps serving. Start every
    /// anju process with --key-file NEW --previous-key-file OLD first. Safe to run again.
    Rotate {
        /// sqlite:PATH or postgres://…
        #[arg(long, env = "ANJU_DATABASE_URL", default_value = "sqlite:anju.sqlite")]
        database_url: String,
        /// The key being replaced.
        #[arg(long)]
        old_key_file: PathBuf,
        /// The key to rotate to (from `anju keys generate`).
        #[arg(long)]
        new_key_file: PathBuf,
        /// Applications per transaction.
        #[arg(long, default_value_t = 200)]
        batch: u32,
    },
}

/// Reads a data key file (64 hex digits); never creates one.
pub fn read_key_file(path: &Path, flag: &str) -> Result<Crypto, Fail> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Fail(format!("{flag} {}: {e}", path.display())))?;
    Crypto::from_hex(text.trim()).map_err(|e| Fail(format!("{flag} {}: {e}", path.display())))
}

pub fn run(cmd: KeysCommand) -> Result<bool, Fail> {
    match cmd {
        KeysCommand::Generate { out } => {
            write_private(&out, &(Crypto::generate_hex() + "\n"))?;
            let id = read_key_file(&out, "--out")?.key_id();
            println!(
                "已生成新数据密钥 (new data key written) {}：密钥编号 (key id) {id}。请先备份此文件 (back it up before using it)",
                out.display()
            );
            Ok(true)
        }
        KeysCommand::Rotate {
            database_url,
            old_key_file,
            new_key_file,
            batch,
        } => runtime()?.block_on(rotate(&database_url, &old_key_file, &new_key_file, batch)),
    }
}

async fn rotate(url: &str, old_file: &Path, new_file: &Path, batch: u32) -> Result<bool, Fail> {
    let old = read_key_file(old_file, "--old-key-file")?;
    let new = read_key_file(new_file, "--new-key-file")?;
    if old.key_id() == new.key_id() {
        return Err(Fail(
            "--old-key-file 与 --new-key-file 是同一个密钥 (the old and new key are the same key)"
                .into(),
        ));
    }
    let (new_id, old_id) = (new.key_id(), old.key_id());
    let store = AnyStore::connect(url, new.with_previous(&old))
        .await
        .map_err(|e| Fail(format!("{}: {e}", redact(url))))?;
    let rotation = store.key_rotation();
    let (total, left) = rotation.progress().await.map_err(store_fail)?;
    println!(
        "密钥轮换 (key rotation) {old_id} → {new_id}: 共 {total} 份申请，{left} 份待重新加密 ({total} applications, {left} to re-encrypt)"
    );
    let mut sum = RotationBatch::default();
    let mut after = String::new();
    loop {
        let done = rotation
            .rotate_batch(&after, batch)
            .await
            .map_err(|e| Fail(format!("{e}（已完成的批次已提交，修复后重跑即可继续 (finished batches are committed; run again to continue)）")))?;
        let Some(last) = done.last_id.clone() else {
            break;
        };
        sum.examined += done.examined;
        sum.re_encrypted += done.re_encrypted;
        sum.rehashed += done.rehashed;
        sum.unmatched += done.unmatched;
        println!(
            "  已处理 (done) {}/{total}：重新加密 (re-encrypted) {}，重算索引 (re-keyed hashes) {}",
            sum.examined, sum.re_encrypted, sum.rehashed
        );
        after = last;
    }
    // Subsidy applications and the benefits register keep their own
    // encrypted rows and resident-ID hashes.
    let (subs, grants) = store
        .subsidies()
        .sub_rotate_keys()
        .await
        .map_err(store_fail)?;
    println!(
        "  人才补贴申请 (subsidy applications): 重新加密 (re-encrypted) {subs}，待遇登记重算索引 (register rows re-keyed) {grants}"
    );
    let (lettings, rows) = store
        .subsidies()
        .ta_rotate_keys()
        .await
        .map_err(store_fail)?;
    println!(
        "  人才公寓 (talent apartments): 重新加密 (re-encrypted) {lettings}，待遇登记重算索引 (register rows re-keyed) {rows}"
    );
    // Drafts of the application form belong to accounts, not applications.
    let mut drafts = 0u64;
    loop {
        let n = rotation
            .rotate_drafts(batch)
            .await
            .map_err(|e| Fail(format!("{e}（已完成的批次已提交，修复后重跑即可继续 (finished batches are committed; run again to continue)）")))?;
        if n == 0 {
            break;
        }
        drafts += n;
    }
    println!("  申请草稿 (application drafts): 重新加密 (re-encrypted) {drafts}");
    let (_, left) = rotation.progress().await.map_err(store_fail)?;
    let drafts_left = rotation.drafts_left().await.map_err(store_fail)?;
    if drafts_left > 0 {
        println!(
            "仍有 {drafts_left} 份草稿未用新密钥加密：是否还有进程只用旧密钥运行？请用新密钥重启所有进程后重跑 ({drafts_left} drafts are still under an older key: is a process still running with the old key alone? restart every process with the new key, then run again)"
        );
        return Ok(false);
    }
    if left > 0 {
        println!(
            "仍有 {left} 份申请未用新密钥加密：是否还有进程只用旧密钥运行？请用 --key-file 新密钥 --previous-key-file 旧密钥 重启所有进程后重跑 ({left} applications are still under an older key: is a process still running with the old key alone? restart every process with the new key as --key-file and the old as --previous-key-file, then run again)"
        );
        return Ok(false);
    }
    if sum.unmatched > 0 {
        println!(
            "注意 (note): {} 个成员索引无法由现有家庭信息重算（提交后更正过身份证号），已原样保留 ({} member hashes do not derive from the current household facts, an ID corrected after submission; left as they were)",
            sum.unmatched, sum.unmatched
        );
    }
    let mut audit = cli_audit("data_key.rotate", format!("data_key:{new_id}"))?;
    audit.detail = json!({
        "via": "anju keys rotate",
        "key_id": new_id,
        "previous_key_id": old_id,
        "applications": sum.examined,
        "re_encrypted": sum.re_encrypted,
        "rehashed": sum.rehashed,
        "unmatched": sum.unmatched,
        "drafts_re_encrypted": drafts,
    });
    store
        .audit()
        .append_audit(audit)
        .await
        .map_err(store_fail)?;
    store.close().await;
    println!(
        "轮换完成 (rotation complete): {} 份申请均已用新密钥 {new_id} 加密 (every application is now under key {new_id})。",
        sum.examined
    );
    println!(
        "旧密钥 {} 已不再需要：请只用 --key-file {} 重启各进程（去掉 --previous-key-file），并在不再保留轮换前的备份后销毁旧密钥文件 (the old key is no longer needed for the database: restart every process with the new key alone, then destroy the old key file once no backup taken before the rotation is kept — those backups need it)",
        old_file.display(),
        new_file.display()
    );
    Ok(true)
}

fn store_fail(e: anju_store::StoreError) -> Fail {
    Fail(e.to_string())
}
