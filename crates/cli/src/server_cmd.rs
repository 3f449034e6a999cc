//! `anju serve`, `anju user`, `anju audit`: the platform's commands.

use anju_domain::{DistrictCode, Role, UserId};
use anju_server::{auth, demo, AppState, Clock};
use anju_store::{AnyStore, AuditDraft, Crypto, NewUser};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};

use crate::{check, parse_date, policies, Fail};

#[derive(Args, Clone)]
pub struct DbArgs {
    /// sqlite:PATH or postgres://… (default: sqlite file anju.sqlite, created on first start)
    #[arg(long, env = "ANJU_DATABASE_URL", default_value = "sqlite:anju.sqlite")]
    pub database_url: String,
    /// 64 hex digits: the key personal data is encrypted with. Default: read
    /// (or, for a new SQLite database, create) the file KEY_FILE.
    #[arg(long, env = "ANJU_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,
    /// Where the data key is kept when --data-key is not given.
    #[arg(long, env = "ANJU_DATA_KEY_FILE", default_value = "anju.key")]
    pub key_file: PathBuf,
    /// During a key rotation only: the data key being replaced. Rows it
    /// wrote stay readable (and its resident-ID hashes are checked for
    /// duplicates) until `anju keys rotate` has re-encrypted them; new data
    /// is written with the current key. Drop it once the rotation completed.
    #[arg(long, env = "ANJU_PREVIOUS_DATA_KEY_FILE")]
    pub previous_key_file: Option<PathBuf>,
}

impl DbArgs {
    fn crypto(&self) -> Result<Crypto, Fail> {
        let current = self.current_crypto()?;
        match &self.previous_key_file {
            None => Ok(current),
            Some(file) => {
                let previous = crate::keys_cmd::read_key_file(file, "--previous-key-file")?;
                eprintln!(
                    "anju: 密钥轮换期间：旧密钥 {} 仅用于读取 (key rotation under way: the previous key is used to read only)",
                    file.display()
                );
                Ok(current.with_previous(&previous))
            }
        }
    }

    fn current_crypto(&self) -> Result<Crypto, Fail> {
        if let Some(k) = &self.data_key {
            return Crypto::from_hex(k.trim()).map_err(|e| Fail(format!("--data-key: {e}")));
        }
        if self.key_file.exists() {
            let text = std::fs::read_to_string(&self.key_file)
                .map_err(|e| Fail(format!("{}: {e}", self.key_file.display())))?;
            return Crypto::from_hex(text.trim())
                .map_err(|e| Fail(format!("{}: {e}", self.key_file.display())));
        }
        // A new installation: create the key beside the data, readable by the owner only.
        let key = Crypto::generate_hex();
        write_private(&self.key_file, &key)?;
        eprintln!("anju: 已生成数据加密密钥 {} (created the data key; back it up — without it personal data cannot be read)", self.key_file.display());
        Crypto::from_hex(&key).map_err(|e| Fail(e.to_string()))
    }

    pub async fn connect(&self) -> Result<AnyStore, Fail> {
        let crypto = self.crypto()?;
        AnyStore::connect(&self.database_url, crypto)
            .await
            .map_err(|e| Fail(format!("{}: {e}", redact(&self.database_url))))
    }
}

pub fn redact(url: &str) -> String {
    // Never echo a password embedded in a database URL.
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

pub fn write_private(path: &Path, text: &str) -> Result<(), Fail> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    let mut f = o
        .open(path)
        .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Fail(format!("{}: {e}", path.display())))
}

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Load the demo city: accounts for every role and a few hundred households.
    #[arg(long)]
    pub demo: bool,
    /// Households the demo city starts with.
    #[arg(long, default_value_t = 300)]
    pub demo_households: usize,
    /// Policy the city applies.
    #[arg(long, default_value = "yangquan-2026")]
    pub policy: String,
    /// Parameter values the policy file leaves to the city (e.g. the year's statistic).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Pretend today is DATE (demonstrations and tests walking past a notice period).
    #[arg(long)]
    pub today: Option<String>,
    /// Mark cookies Secure (when served behind HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Sign audit checkpoints with this Ed25519 key file (created when missing; keep it
    /// off the database server): every --checkpoint-minutes while the log grows, and on
    /// demand (POST /api/v1/audit/checkpoints); the latest is public at
    /// /api/v1/audit/checkpoint.
    #[arg(long, env = "ANJU_AUDIT_SIGNING_KEY_FILE")]
    pub audit_signing_key_file: Option<PathBuf>,
    /// Where the signed checkpoints are written.
    #[arg(long, default_value = "checkpoints")]
    pub checkpoint_dir: PathBuf,
    /// Minutes between scheduled checkpoints.
    #[arg(long, default_value_t = 60)]
    pub checkpoint_minutes: u64,
    /// Minutes between runs of the deadline reminders (signing, exit, correction): each
    /// deadline is told once, whatever the number of server processes.
    #[arg(long, default_value_t = 60)]
    pub reminder_minutes: u64,
    /// A reverse proxy in front of anju (repeat, or comma-separate): from these addresses
    /// only, X-Forwarded-For names the client (per-address limits count the visitor, not
    /// the proxy). Without it the header is ignored (docs/operations.md).
    #[arg(
        long = "trusted-proxy",
        env = "ANJU_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Milliseconds a confirmed session is trusted without asking the database. Default:
    /// 2000 on SQLite, 0 on PostgreSQL, where several anju processes may serve one
    /// database and a sign-out through one must end the session on all at once.
    #[arg(long)]
    pub session_cache_ms: Option<u64>,
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Fail> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Fail(format!("tokio: {e}")))
}

pub fn serve(args: ServeArgs, policy_dir: Option<&Path>) -> Result<(), Fail> {
    let policy = policies::load(&args.policy, policy_dir)?;
    let mut overrides = check::parse_sets(&args.set)?;
    if args.demo
        && !overrides
            .iter()
            .any(|(n, _)| n == "urban_disposable_income_per_capita")
        && policy
            .param_by_name("urban_disposable_income_per_capita")
            .is_some()
    {
        // The statistic is not in the document; the demo uses a round figure
        // and says so on every page that shows the rules.
        overrides.push(("urban_disposable_income_per_capita".into(), "40000".into()));
    }
    // Loudi's plan (四、(二)2) compares income with the city's average wage,
    // which the document does not give either: the Loudi demo uses a round
    // figure too.
    if args.demo
        && !overrides.iter().any(|(n, _)| n == "urban_average_wage")
        && policy.param_by_name("urban_average_wage").is_some()
    {
        overrides.push(("urban_average_wage".into(), "60000".into()));
    }
    let clock = match &args.today {
        Some(d) => Clock::pinned(parse_date(d, "--today")?),
        None => Clock::system(),
    };
    // Refuse to start when decisions could not be taken (a statistic missing).
    policy.evaluator(clock.today(), &overrides)?;
    runtime()?.block_on(async {
        let store = args.db.connect().await?;
        let mut state = AppState::new(store, policy, overrides, clock);
        state.secure_cookies = args.secure_cookies;
        state.trusted_proxies = std::sync::Arc::new(args.trusted_proxies.clone());
        let cache_ms = args.session_cache_ms.unwrap_or(match state.store {
            anju_store::AnyStore::Postgres(_) => 0,
            _ => 2000,
        });
        state.sessions = std::sync::Arc::new(anju_server::auth::SessionCache::new(
            std::time::Duration::from_millis(cache_ms),
        ));
        if let Some(file) = &args.audit_signing_key_file {
            state.checkpoints = Some(std::sync::Arc::new(anju_server::web::CheckpointSigning {
                key: signing_key(file)?,
                dir: args.checkpoint_dir.clone(),
            }));
        }
        if args.demo {
            eprintln!("anju: 正在准备演示数据 (loading the demo city)…");
            demo::seed(&state, args.demo_households).await.map_err(|e| Fail(e.message))?;
            println!("演示账号 (demo accounts), 密码 password: {}", demo::DEMO_PASSWORD);
            for (username, display, role, district) in demo::demo_accounts() {
                if district.as_ref().is_none_or(|d| d.as_str() == "140302") {
                    println!("  {username:<28} {}  {display}", role.label_zh());
                }
            }
            println!("  （其他县区：community-/street-/bureau- 加县区代码 140303 140311 140321 140322 140300-GX）");
        }
        if state.checkpoints.is_some() {
            let every = std::time::Duration::from_secs(args.checkpoint_minutes.max(1) * 60);
            anju_server::audit::checkpoints::spawn_schedule(state.clone(), every);
        }
        let every = std::time::Duration::from_secs(args.reminder_minutes.max(1) * 60);
        anju_server::applications::reminders::spawn_schedule(state.clone(), every);
        let listener = tokio::net::TcpListener::bind(&args.listen).await.map_err(|e| Fail(format!("--listen {}: {e}", args.listen)))?;
        println!("anju 已启动 (listening): http://{}", listener.local_addr().map(|a| a.to_string()).unwrap_or(args.listen.clone()));
        anju_server::serve(state, listener).await.map_err(|e| Fail(format!("server: {e}")))
    })
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a generated password unless --password is given.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// applicant, community, street, verifier:public_security, …, district_bureau, city_bureau, company, auditor
        #[arg(long)]
        role: String,
        #[arg(long)]
        district: Option<String>,
        #[arg(long, env = "ANJU_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password (and lift a lockout); prints it unless --password is given.
    Reset {
        #[arg(long)]
        username: String,
        #[arg(long, env = "ANJU_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn cli_audit(action: &str, subject: String) -> Result<AuditDraft, Fail> {
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".into());
    Ok(AuditDraft {
        at: Clock::system().now(),
        actor_user_id: UserId::new(format!("cli:{who}")).map_err(|e| Fail(e.to_string()))?,
        role: Role::CityBureau,
        action: action.into(),
        subject,
        detail: json!({"via": "anju user"}),
    })
}

pub fn user(cmd: UserCommand) -> Result<(), Fail> {
    runtime()?.block_on(async {
        match cmd {
            UserCommand::Add {
                username,
                display_name,
                role,
                district,
                password,
                db,
            } => {
                let role = Role::parse(&role).map_err(|e| Fail(format!("--role: {e}")))?;
                let district = district
                    .map(|d| DistrictCode::parse(&d).map_err(|e| Fail(format!("--district: {e}"))))
                    .transpose()?;
                anju_domain::Actor::new(
                    UserId::new("check").map_err(|e| Fail(e.to_string()))?,
                    role,
                    district,
                )
                .map_err(|e| Fail(format!("--district: {e}")))?;
                let (password, generated) = match password {
                    Some(p) => (p, false),
                    None => (auth::random_token()[..16].to_string(), true),
                };
                let hash = auth::hash_password(&password).map_err(|e| Fail(e.message))?;
                let store = db.connect().await?;
                store
                    .accounts()
                    .create_user(
                        NewUser {
                            username: username.clone(),
                            display_name: display_name.unwrap_or_else(|| username.clone()),
                            role,
                            district,
                            password_hash: hash,
                        },
                        cli_audit("user.create", format!("user:{username}"))?,
                    )
                    .await
                    .map_err(|e| Fail(e.to_string()))?;
                println!("已创建账号 (created) {username}");
                if generated {
                    println!("初始密码 (password): {password}");
                }
                Ok(())
            }
            UserCommand::Reset {
                username,
                password,
                db,
            } => {
                let store = db.connect().await?;
                let user = store
                    .accounts()
                    .user_by_username(&username)
                    .await
                    .map_err(|e| Fail(e.to_string()))?
                    .ok_or_else(|| {
                        Fail(format!(
                            "--username {username}: 账号不存在 (no such account)"
                        ))
                    })?;
                let (password, generated) = match password {
                    Some(p) => (p, false),
                    None => (auth::random_token()[..16].to_string(), true),
                };
                let hash = auth::hash_password(&password).map_err(|e| Fail(e.message))?;
                store
                    .accounts()
                    .set_password(
                        &user.id,
                        &hash,
                        cli_audit("user.reset_password", format!("user:{username}"))?,
                    )
                    .await
                    .map_err(|e| Fail(e.to_string()))?;
                println!("已重置密码 (password reset) {username}");
                if generated {
                    println!("新密码 (password): {password}");
                }
                Ok(())
            }
            UserCommand::List { db } => {
                let store = db.connect().await?;
                for u in store
                    .accounts()
                    .list_users()
                    .await
                    .map_err(|e| Fail(e.to_string()))?
                {
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        u.username,
                        u.role.code(),
                        u.district
                            .as_ref()
                            .map(|d| d.as_str().to_string())
                            .unwrap_or_else(|| "-".into()),
                        u.display_name,
                        if u.locked_until.is_some() {
                            "\t(锁定 locked)"
                        } else {
                            ""
                        }
                    );
                }
                Ok(())
            }
        }
    })
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every entry's hash and link; says which entry was altered, removed or reordered.
    /// With --checkpoint, also proves the log still holds exactly what a signed checkpoint
    /// committed to (truncation and a recomputed chain are named).
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// A checkpoint file written by `anju audit checkpoint` (and published).
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// The public key the city published (64 hex digits): the checkpoint must be signed
        /// with it. Without it, the key in the file is used and printed.
        #[arg(long)]
        public_key: Option<String>,
        /// Incremental: verify only the entries after this signed checkpoint (the log must
        /// still hold its last entry with its hash). Entries before it are not read: run a
        /// full verify (without --since) regularly too (docs/security.md).
        #[arg(long, conflicts_with = "checkpoint")]
        since: Option<PathBuf>,
    },
    /// 审计检查点: sign the chain's current head with the audit signing key (a file, never
    /// in the database) and write it to publish: anyone can later prove the log was not
    /// truncated or rewritten.
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        /// Where to write the signed checkpoint (JSON).
        #[arg(long)]
        out: PathBuf,
        /// The Ed25519 signing key (64 hex digits in a file; created when missing).
        /// Keep it away from the database server: whoever holds it can sign checkpoints.
        #[arg(
            long,
            env = "ANJU_AUDIT_SIGNING_KEY_FILE",
            default_value = "anju-audit-signing.key"
        )]
        signing_key_file: PathBuf,
    },
}

fn signing_key(path: &Path) -> Result<[u8; 32], Fail> {
    let parse = |text: &str| -> Option<[u8; 32]> {
        let t = text.trim();
        let mut out = [0u8; 32];
        if t.len() != 64 {
            return None;
        }
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(t.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(out)
    };
    if path.exists() {
        let text =
            std::fs::read_to_string(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        return parse(&text).ok_or_else(|| {
            Fail(format!(
                "{}: 须为 64 位十六进制 (must be 64 hex digits)",
                path.display()
            ))
        });
    }
    let hex = Crypto::generate_hex();
    write_private(path, &hex)?;
    eprintln!(
        "anju: 已生成审计签名密钥 {} (created the audit signing key: keep it off the database server and back it up)",
        path.display()
    );
    parse(&hex).ok_or_else(|| Fail("generated key".into()))
}

/// A signed checkpoint file, its signature checked (and its key, when the
/// published one is given); `None` (after saying why) when it does not hold.
fn read_checkpoint(
    file: &Path,
    public_key: Option<&str>,
) -> Result<Option<anju_domain::checkpoint::SignedCheckpoint>, Fail> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Fail(format!("{}: {e}", file.display())))?;
    let cp: anju_domain::checkpoint::SignedCheckpoint =
        serde_json::from_str(&text).map_err(|e| {
            Fail(format!(
                "{}: 不是检查点文件 (not a checkpoint file): {e}",
                file.display()
            ))
        })?;
    if let Err(e) = cp.verify_signature(public_key) {
        println!("检查点无效 (checkpoint invalid): {e}");
        return Ok(None);
    }
    if public_key.is_none() {
        println!(
            "签名公钥 (signing key) {}：请与公布的公钥核对，或用 --public-key 指定 (compare with the published key, or pass --public-key)",
            cp.public_key
        );
    }
    Ok(Some(cp))
}

/// Ok(true) when the chain is intact (and holds the checkpoint given).
pub fn audit(cmd: AuditCommand) -> Result<bool, Fail> {
    runtime()?.block_on(async {
        match cmd {
            AuditCommand::Verify {
                db,
                checkpoint: None,
                since: None,
                ..
            } => {
                let store = db.connect().await?;
                match anju_server::audit::verify_audit(&store)
                    .await
                    .map_err(|e| Fail(e.message))?
                {
                    Ok(n) => {
                        println!("审计链完整 (audit chain intact): {n} 条记录 (entries)");
                        Ok(true)
                    }
                    Err(e) => {
                        println!("审计链被破坏 (audit chain broken): {e}");
                        Ok(false)
                    }
                }
            }
            AuditCommand::Verify {
                db,
                checkpoint: None,
                since: Some(file),
                public_key,
            } => {
                let Some(cp) = read_checkpoint(&file, public_key.as_deref())? else {
                    return Ok(false);
                };
                let store = db.connect().await?;
                match anju_server::audit::service::verify_audit_since(&store, &cp)
                    .await
                    .map_err(|e| Fail(e.message))?
                {
                    Ok(n) => {
                        println!(
                            "检查点（{} 条）之后的审计记录完整，检查点的最后一条仍在 (the entries after the checkpoint's {} are intact and its last entry is still there): {n} 条记录 (entries)",
                            cp.checkpoint.size, cp.checkpoint.size
                        );
                        Ok(true)
                    }
                    Err(e) => {
                        println!("审计链与检查点不符 (audit log does not hold the checkpoint): {e}");
                        Ok(false)
                    }
                }
            }
            AuditCommand::Verify {
                db,
                checkpoint: Some(file),
                public_key,
                ..
            } => {
                let Some(cp) = read_checkpoint(&file, public_key.as_deref())? else {
                    return Ok(false);
                };
                let store = db.connect().await?;
                // The whole chain streamed first (an altered or reordered
                // entry is named as such), then what the checkpoint covers.
                let verdict = match anju_server::audit::verify_audit(&store)
                    .await
                    .map_err(|e| Fail(e.message))?
                {
                    Err(e) => Err(anju_domain::checkpoint::CheckpointError::Chain(e)),
                    Ok(n) => {
                        let size = cp.checkpoint.size;
                        let at = match size {
                            0 => None,
                            _ => store
                                .audit()
                                .audit_log(size - 1, 1)
                                .await
                                .map_err(|e| Fail(e.to_string()))?
                                .into_iter()
                                .find(|e| e.seq == size)
                                .map(|e| e.hash),
                        };
                        cp.check_covered(n, at.as_ref())
                    }
                };
                match verdict {
                    Ok(n) => {
                        println!(
                            "审计链完整，且包含检查点（{} 条，{}）所承诺的全部记录 (audit chain intact and holding the checkpoint's {} entries of {}): {n} 条记录 (entries)",
                            cp.checkpoint.size,
                            cp.checkpoint.at.to_rfc3339(),
                            cp.checkpoint.size,
                            cp.checkpoint.at.to_rfc3339()
                        );
                        Ok(true)
                    }
                    Err(e) => {
                        println!("审计链与检查点不符 (audit log does not hold the checkpoint): {e}");
                        Ok(false)
                    }
                }
            }
            AuditCommand::Checkpoint {
                db,
                out,
                signing_key_file,
            } => {
                let key = signing_key(&signing_key_file)?;
                let store = db.connect().await?;
                // Never sign a broken chain.
                if let Err(e) = anju_server::audit::verify_audit(&store)
                    .await
                    .map_err(|e| Fail(e.message))?
                {
                    println!("审计链被破坏，不签检查点 (audit chain broken; no checkpoint signed): {e}");
                    return Ok(false);
                }
                let head = store
                    .audit()
                    .audit_head()
                    .await
                    .map_err(|e| Fail(e.to_string()))?
                    .map(|h| (h.seq, h.hash));
                let now = Clock::system().now();
                let cp = anju_domain::checkpoint::checkpoint_of(head, now).sign(&key);
                let text = serde_json::to_string_pretty(&cp).map_err(|e| Fail(e.to_string()))?;
                std::fs::write(&out, text + "\n")
                    .map_err(|e| Fail(format!("{}: {e}", out.display())))?;
                println!(
                    "已写入检查点 (checkpoint written) {}: {} 条记录 (entries), 公钥 (public key) {}",
                    out.display(),
                    cp.checkpoint.size,
                    cp.public_key
                );
                Ok(true)
            }
        }
    })
}
