//! `anju backup` and `anju restore`: a consistent copy of the database,
//! taken while anju serves, whose audit chain is checked against the latest
//! signed checkpoint before it is called a backup; and putting one back,
//! checked again (docs/operations.md, "Backup and restore").
//!
//! Beside each backup FILE goes FILE.manifest.json: when, which backend,
//! the audit log's size and head, the checkpoint checked (whole, signed),
//! and the file's SHA-256, so that a restore can tell a whole file from a
//! damaged or substituted one before it replaces anything.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anju_domain::checkpoint::SignedCheckpoint;
use anju_domain::AuditEntry;
use anju_server::Clock;
use anju_store::backup::{self, PgSnapshot, PgTarget};
use clap::Args;
use serde_json::{json, Value};

use crate::server_cmd::{redact, runtime};
use crate::Fail;

/// The manifest's format name.
const MANIFEST_FORMAT: &str = "anju-backup-v1";

#[derive(Args)]
pub struct BackupArgs {
    /// sqlite:PATH or postgres://… (the database anju serves).
    #[arg(long, env = "ANJU_DATABASE_URL", default_value = "sqlite:anju.sqlite")]
    pub database_url: String,
    /// The backup file to write (must not exist); FILE.manifest.json goes beside it.
    #[arg(long)]
    pub out: PathBuf,
    /// The latest signed checkpoint (a file from `anju audit checkpoint`).
    #[arg(long, conflicts_with = "checkpoint_dir")]
    pub checkpoint: Option<PathBuf>,
    /// Or the server's --checkpoint-dir: its latest.json is used.
    #[arg(long)]
    pub checkpoint_dir: Option<PathBuf>,
    /// The checkpoint signing key the city published (64 hex digits).
    #[arg(long)]
    pub public_key: Option<String>,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A backup file written by `anju backup` (its manifest beside it).
    #[arg(long)]
    pub from: PathBuf,
    /// Where to restore: sqlite:PATH or postgres://… (stop anju first).
    #[arg(long, env = "ANJU_DATABASE_URL")]
    pub database_url: String,
    /// Replace a database that already holds data.
    #[arg(long)]
    pub force: bool,
    /// The checkpoint signing key the city published: the manifest's
    /// checkpoint must be signed with it.
    #[arg(long)]
    pub public_key: Option<String>,
}

pub fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// Ok(true): backup written and checked; Ok(false): the audit log did not
/// hold (a finding: the copy is kept aside as FILE.unverified).
pub fn backup(args: BackupArgs) -> Result<bool, Fail> {
    let manifest_file = manifest_path(&args.out);
    for f in [&args.out, &manifest_file] {
        if f.exists() {
            return Err(Fail(format!(
                "{}: 文件已存在，不覆盖 (exists; not overwritten)",
                f.display()
            )));
        }
    }
    let checkpoint = load_checkpoint(&args)?;
    let url = args.database_url.trim();
    let (backend, schema, entries) = runtime()?.block_on(async {
        if backup::is_postgres(url) {
            let (schema, entries) = pg_dump(url, &args.out).await?;
            Ok::<_, Fail>(("postgres", Some(schema), entries))
        } else {
            let path = backup::sqlite_path(url).ok_or_else(|| {
                Fail("内存数据库无法备份 (an in-memory database cannot be backed up)".into())
            })?;
            let entries = backup::sqlite_copy(&path, &args.out)
                .await
                .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
            Ok(("sqlite", None, entries))
        }
    })?;

    if let Err(finding) = check_entries(&entries, checkpoint.as_ref()) {
        let mut aside = args.out.as_os_str().to_owned();
        aside.push(".unverified");
        let aside = PathBuf::from(aside);
        std::fs::rename(&args.out, &aside)
            .map_err(|e| Fail(format!("{}: {e}", args.out.display())))?;
        println!(
            "备份的审计日志未通过核验，不作为备份 (the backup's audit log does not hold; not a backup): {finding}。副本留作取证 (copy kept for investigation): {}",
            aside.display()
        );
        return Ok(false);
    }

    sync_file(&args.out)?;
    let sha256 =
        backup::sha256_file(&args.out).map_err(|e| Fail(format!("{}: {e}", args.out.display())))?;
    let bytes = std::fs::metadata(&args.out)
        .map_err(|e| Fail(format!("{}: {e}", args.out.display())))?
        .len();
    let (size, head) = head_of(&entries);
    let manifest = json!({
        "format": MANIFEST_FORMAT,
        "created_at": Clock::system().now().to_rfc3339(),
        "anju_version": env!("CARGO_PKG_VERSION"),
        "backend": backend,
        "schema": schema,
        "file": args.out.file_name().map(|n| n.to_string_lossy().into_owned()),
        "bytes": bytes,
        "sha256": sha256,
        "audit": {"size": size, "head": head},
        "checkpoint": checkpoint,
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Fail(e.to_string()))?;
    write_atomic(&manifest_file, text.as_bytes())?;
    println!(
        "已备份 (backup written) {}: {backend}，{size} 条审计记录 (audit entries)，链头 (head) {head}",
        args.out.display()
    );
    match &checkpoint {
        Some(cp) => println!(
            "审计链完整，且包含检查点（{} 条，{}）承诺的全部记录 (audit chain intact and holding the checkpoint's {} entries of {})",
            cp.checkpoint.size,
            cp.checkpoint.at.to_rfc3339(),
            cp.checkpoint.size,
            cp.checkpoint.at.to_rfc3339()
        ),
        None => println!(
            "注意：未提供检查点，只核验了审计链本身，无法发现截断 (note: no checkpoint given; only the chain itself was checked, truncation cannot be detected)"
        ),
    }
    println!(
        "清单 (manifest) {}，SHA-256 {sha256}",
        manifest_file.display()
    );
    Ok(true)
}

fn load_checkpoint(args: &BackupArgs) -> Result<Option<SignedCheckpoint>, Fail> {
    let file = match (&args.checkpoint, &args.checkpoint_dir) {
        (Some(f), _) => f.clone(),
        (None, Some(dir)) => dir.join("latest.json"),
        (None, None) => return Ok(None),
    };
    let text =
        std::fs::read_to_string(&file).map_err(|e| Fail(format!("{}: {e}", file.display())))?;
    let cp: SignedCheckpoint = serde_json::from_str(&text).map_err(|e| {
        Fail(format!(
            "{}: 不是检查点文件 (not a checkpoint file): {e}",
            file.display()
        ))
    })?;
    cp.verify_signature(args.public_key.as_deref())
        .map_err(|e| Fail(format!("{}: {e}", file.display())))?;
    if args.public_key.is_none() {
        println!(
            "检查点签名公钥 (checkpoint signing key) {}：请与公布的公钥核对，或用 --public-key 指定 (compare with the published key, or pass --public-key)",
            cp.public_key
        );
    }
    Ok(Some(cp))
}

/// The chain verifies, and holds what the checkpoint committed to (a log
/// longer than the checkpoint is fine: it grew since).
fn check_entries(entries: &[AuditEntry], cp: Option<&SignedCheckpoint>) -> Result<(), String> {
    match cp {
        Some(cp) => cp.check_log(entries).map(|_| ()).map_err(|e| e.to_string()),
        None => anju_domain::verify_chain(entries.iter().cloned())
            .map(|_| ())
            .map_err(|e| anju_domain::checkpoint::diagnose(entries, e).to_string()),
    }
}

fn head_of(entries: &[AuditEntry]) -> (u64, String) {
    let head = entries.last().map(|e| (e.seq, e.hash));
    let cp = anju_domain::checkpoint::checkpoint_of(head, Clock::system().now());
    (cp.size, cp.head)
}

/// pg_dump of the URL's schema at one exported snapshot; returns the
/// schema and the audit log as that snapshot (so the dump) holds it.
async fn pg_dump(url: &str, out: &Path) -> Result<(String, Vec<AuditEntry>), Fail> {
    require_tool("pg_dump")?;
    let mut snap = PgSnapshot::begin(url)
        .await
        .map_err(|e| Fail(format!("{}: {e}", redact(url))))?;
    let entries = snap.audit_log().await.map_err(|e| Fail(e.to_string()))?;
    let (conninfo, password) = libpq_url(url);
    let mut cmd = Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={}", snap.id))
        .arg(format!("--schema=\"{}\"", snap.schema.replace('"', "\"\"")))
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg("--file")
        .arg(out)
        .arg("--dbname")
        .arg(&conninfo);
    if let Some(p) = password {
        // Not on the command line, where `ps` would show it.
        cmd.env("PGPASSWORD", p);
    }
    let status = run_tool(cmd, "pg_dump")?;
    let schema = snap.schema.clone();
    snap.finish().await.map_err(|e| Fail(e.to_string()))?;
    if !status {
        let _ = std::fs::remove_file(out);
        return Err(Fail(
            "pg_dump 失败（见上方输出） (pg_dump failed, see its output above)".into(),
        ));
    }
    Ok((schema, entries))
}

fn require_tool(name: &str) -> Result<(), Fail> {
    match Command::new(name).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Fail(format!(
            "未找到 {name}：请安装 PostgreSQL 客户端工具（主版本不低于服务器）并加入 PATH ({name} not found on PATH: install the PostgreSQL client tools, of the server's major version or newer)"
        ))),
        Err(e) => Err(Fail(format!("{name}: {e}"))),
    }
}

fn run_tool(mut cmd: Command, name: &str) -> Result<bool, Fail> {
    let status = cmd.status().map_err(|e| Fail(format!("{name}: {e}")))?;
    Ok(status.success())
}

/// The URL for libpq without its password (returned apart, decoded, for
/// PGPASSWORD).
fn libpq_url(url: &str) -> (String, Option<String>) {
    let url = url.trim();
    let Some(s) = url.find("://") else {
        return (url.to_owned(), None);
    };
    let rest = &url[s + 3..];
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..auth_end].rfind('@') else {
        return (url.to_owned(), None);
    };
    let userinfo = &rest[..at];
    match userinfo.split_once(':') {
        Some((user, password)) => (
            format!("{}{}{}", &url[..s + 3], user, &rest[at..]),
            Some(percent_decode(password)),
        ),
        None => (url.to_owned(), None),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sync_file(path: &Path) -> Result<(), Fail> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Fail(format!("{}: {e}", path.display())))
}

fn sync_dir_of(path: &Path) {
    // Makes a rename durable; not every platform can open a directory.
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Writes beside, fsyncs, renames: the file is whole or absent.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Fail> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let fail = |e: std::io::Error| Fail(format!("{}: {e}", path.display()));
    let mut f = std::fs::File::create(&tmp).map_err(fail)?;
    f.write_all(bytes).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)?;
    sync_dir_of(path);
    Ok(())
}

/// Ok(true): restored and checked; Ok(false): restored, but the restored
/// audit log does not match the manifest (a finding).
pub fn restore(args: RestoreArgs) -> Result<bool, Fail> {
    let manifest_file = manifest_path(&args.from);
    let text = std::fs::read_to_string(&manifest_file).map_err(|e| {
        Fail(format!(
            "{}: 找不到备份清单 (backup manifest missing): {e}",
            manifest_file.display()
        ))
    })?;
    let m: Value = serde_json::from_str(&text)
        .map_err(|e| Fail(format!("{}: {e}", manifest_file.display())))?;
    if m["format"] != MANIFEST_FORMAT {
        return Err(Fail(format!(
            "{}: 不是 anju 备份清单 (not an anju backup manifest)",
            manifest_file.display()
        )));
    }
    let sha = backup::sha256_file(&args.from)
        .map_err(|e| Fail(format!("{}: {e}", args.from.display())))?;
    if m["sha256"].as_str() != Some(sha.as_str()) {
        return Err(Fail(format!(
            "{}: 文件与清单的 SHA-256 不符，备份不完整或被替换，未恢复 (the file's SHA-256 differs from the manifest's: incomplete or substituted; nothing restored)",
            args.from.display()
        )));
    }
    let checkpoint: Option<SignedCheckpoint> = serde_json::from_value(m["checkpoint"].clone())
        .map_err(|e| Fail(format!("{}: checkpoint: {e}", manifest_file.display())))?;
    if let Some(cp) = &checkpoint {
        cp.verify_signature(args.public_key.as_deref())
            .map_err(|e| Fail(format!("{}: {e}", manifest_file.display())))?;
    }
    let backend = m["backend"].as_str().unwrap_or("");
    let url = args.database_url.trim();
    let want = if backup::is_postgres(url) {
        "postgres"
    } else {
        "sqlite"
    };
    if backend != want {
        return Err(Fail(format!(
            "备份来自 {backend}，目标是 {want}：请用同类数据库 (the backup is of {backend}, the target is {want})"
        )));
    }
    let entries = runtime()?.block_on(async {
        if want == "postgres" {
            let schema = m["schema"].as_str().unwrap_or("public");
            pg_restore(url, &args.from, schema, args.force).await
        } else {
            sqlite_restore(url, &args.from, args.force).await
        }
    })?;

    let (size, head) = head_of(&entries);
    let same = m["audit"]["size"].as_u64() == Some(size) && m["audit"]["head"] == head.as_str();
    let checked = check_entries(&entries, checkpoint.as_ref());
    match (&checked, same) {
        (Ok(()), true) => {}
        (Err(e), _) => {
            println!(
                "已恢复，但审计日志未通过核验 (restored, but the audit log does not hold): {e}"
            );
            return Ok(false);
        }
        (Ok(()), false) => {
            println!(
                "已恢复，但审计日志与清单不符（清单 {} 条，恢复后 {size} 条） (restored, but the audit log differs from the manifest's)",
                m["audit"]["size"]
            );
            return Ok(false);
        }
    }
    println!(
        "已恢复 (restored) {} → {}: 备份于 (taken) {}，{size} 条审计记录 (audit entries)，链头 (head) {head}",
        args.from.display(),
        redact(url),
        m["created_at"].as_str().unwrap_or("?"),
    );
    match &checkpoint {
        Some(cp) => println!(
            "审计链完整，与清单一致，且包含检查点（{} 条，{}）承诺的全部记录 (audit chain intact, as the manifest says, and holding the checkpoint's {} entries of {})",
            cp.checkpoint.size,
            cp.checkpoint.at.to_rfc3339(),
            cp.checkpoint.size,
            cp.checkpoint.at.to_rfc3339()
        ),
        None => println!(
            "审计链完整，与清单一致（备份时未提供检查点） (audit chain intact, as the manifest says; no checkpoint was given at backup)"
        ),
    }
    println!(
        "请用备份时的数据密钥启动 anju；审计日志在此备份之后的记录已不在库中 (start anju with the data key of the backup's time; audit entries after the backup are not in the database)"
    );
    Ok(true)
}

async fn sqlite_restore(url: &str, from: &Path, force: bool) -> Result<Vec<AuditEntry>, Fail> {
    let target = backup::sqlite_path(url).ok_or_else(|| {
        Fail("无法恢复到内存数据库 (cannot restore into an in-memory database)".into())
    })?;
    let tables = backup::sqlite_table_count(&target)
        .await
        .map_err(|e| Fail(format!("{}: {e}", target.display())))?;
    if tables > 0 && !force {
        return Err(Fail(format!(
            "{}: 目标数据库已有数据，未覆盖；确认后加 --force (the target holds data; not replaced without --force)",
            target.display()
        )));
    }
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(".restore-tmp");
    let tmp = PathBuf::from(tmp);
    let fail = |p: &Path, e: std::io::Error| Fail(format!("{}: {e}", p.display()));
    std::fs::copy(from, &tmp).map_err(|e| fail(&tmp, e))?;
    sync_file(&tmp)?;
    // The old database's WAL and shared memory would be replayed onto the
    // restored file and corrupt it: they go first.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| fail(&side, e))?;
        }
    }
    std::fs::rename(&tmp, &target).map_err(|e| fail(&target, e))?;
    sync_dir_of(&target);
    backup::sqlite_audit_log(&target)
        .await
        .map_err(|e| Fail(format!("{}: {e}", target.display())))
}

async fn pg_restore(
    url: &str,
    from: &Path,
    schema: &str,
    force: bool,
) -> Result<Vec<AuditEntry>, Fail> {
    require_tool("pg_restore")?;
    let db_fail = |e: anju_store::StoreError| Fail(format!("{}: {e}", redact(url)));
    let mut target = PgTarget::connect(url).await.map_err(db_fail)?;
    let wanted = target.search_path_schema().await.map_err(db_fail)?;
    if wanted != schema {
        return Err(Fail(format!(
            "备份是模式 {schema} 的，而目标连接的 search_path 是 {wanted}：pg_restore 只能恢复到同名模式 (the backup holds schema {schema}, the target's search_path is {wanted}; pg_restore restores into the same schema name)"
        )));
    }
    let tables = target.table_count(schema).await.map_err(db_fail)?;
    if tables > 0 && !force {
        return Err(Fail(format!(
            "{}: 模式 {schema} 已有数据，未覆盖；确认后加 --force (schema {schema} holds data; not replaced without --force)",
            redact(url)
        )));
    }
    // The dump creates its schema (all but `public`, which it only fills).
    let clean = schema == "public" && tables > 0;
    if schema != "public" {
        target.drop_schema(schema).await.map_err(db_fail)?;
    }
    target.close().await.map_err(db_fail)?;
    let (conninfo, password) = libpq_url(url);
    let mut cmd = Command::new("pg_restore");
    cmd.arg("--no-owner")
        .arg("--no-privileges")
        .arg("--exit-on-error")
        .arg("--single-transaction");
    if clean {
        cmd.arg("--clean").arg("--if-exists");
    }
    cmd.arg("--dbname").arg(&conninfo).arg(from);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    if !run_tool(cmd, "pg_restore")? {
        return Err(Fail(
            "pg_restore 失败（见上方输出；单一事务，目标未被部分写入） (pg_restore failed, see its output above; it ran in one transaction, so nothing was half-restored)".into(),
        ));
    }
    let mut target = PgTarget::connect(url).await.map_err(db_fail)?;
    let entries = target.audit_log().await.map_err(db_fail)?;
    target.close().await.map_err(db_fail)?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url_for_pgpassword() {
        assert_eq!(
            libpq_url("postgres://anju:s%40cret@db:5432/anju?options=x"),
            (
                "postgres://anju@db:5432/anju?options=x".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            libpq_url("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".to_string(), None)
        );
        assert_eq!(
            manifest_path(Path::new("b/x.sqlite")),
            Path::new("b/x.sqlite.manifest.json")
        );
    }
}
