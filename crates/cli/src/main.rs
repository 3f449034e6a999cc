//! `anju`: the command line of the anju affordable-housing platform.
//!
//! Exit codes: 0 success (an ineligible household is still a success),
//! 2 bad input, bad policy or bad usage — with one clear line on stderr.

/// mimalloc instead of glibc's malloc: the server allocates and frees
/// small objects from many threads (requests, rows, JSON), and glibc's
/// arenas spent about a fifth of the CPU of a list-reading benchmark in
/// malloc, free and consolidation (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod backup_cmd;
mod batch;
mod bench;
mod bench_acquisition;
mod bench_audit;
mod bench_holdings;
mod bench_rentals;
mod bench_scale;
mod bench_selection;
mod bench_server;
mod calendar_cmd;
mod check;
mod direct_out;
mod gen;
mod keys_cmd;
mod lottery_cmd;
mod policies;
mod policy_cmd;
mod seed_cmd;
mod server_cmd;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "anju",
    version,
    about = "安居 — 配售型保障性住房管理平台 (affordable-housing platform)"
)]
struct Cli {
    /// Directory of policy files (*.toml) that take precedence over the built-in ones.
    #[arg(long, global = true, env = "ANJU_POLICY_DIR")]
    policy_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务: the web pages and /api/v1 (SQLite by default, PostgreSQL with --database-url).
    Serve(server_cmd::ServeArgs),
    /// 账号: add, reset or list accounts.
    User {
        #[command(subcommand)]
        command: server_cmd::UserCommand,
    },
    /// 审计: verify the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: server_cmd::AuditCommand,
    },
    /// 备份: a consistent copy while anju serves, its audit chain checked against the
    /// latest checkpoint, with a manifest (docs/operations.md).
    Backup(backup_cmd::BackupArgs),
    /// 恢复: put a backup back (checks its SHA-256 first and its audit chain after).
    Restore(backup_cmd::RestoreArgs),
    /// 数据密钥: generate a new key; rotate personal data onto it without downtime.
    Keys {
        #[command(subcommand)]
        command: keys_cmd::KeysCommand,
    },
    /// 资格判定: decide eligibility for one household (JSON) or a batch (JSONL).
    Check(check::CheckArgs),
    /// 政策: list policies or show the parameters in force on a date.
    Policy {
        #[command(subcommand)]
        command: policy_cmd::PolicyCommand,
    },
    /// 工作日: working days per the State Council's holiday notices.
    Calendar {
        #[command(subcommand)]
        command: calendar_cmd::CalendarCommand,
    },
    /// 摇号: verifiable allotment lottery (docs/lottery.md).
    Lottery {
        #[command(subcommand)]
        command: lottery_cmd::LotteryCommand,
    },
    /// 合成城市: N synthetic families in every state, waitlists and drawn rounds
    /// (test and benchmark databases only; refuses a database with applications).
    Seed(seed_cmd::SeedArgs),
    /// 基准测试: measure throughput (figures go to docs/benchmarks.md).
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

/// An error that ends the run with exit code 2 and one line on stderr.
#[derive(Debug)]
pub struct Fail(pub String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

/// Today's civil date in Asia/Shanghai (UTC+8 all year; China has not
/// observed daylight saving time since 1991).
pub fn today_shanghai() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

pub fn parse_date(s: &str, what: &str) -> Result<NaiveDate, Fail> {
    anju_policy::household::parse_iso_date(s).ok_or_else(|| {
        Fail(format!(
            "{what}: \"{s}\" 不是有效日期 (expected a real date YYYY-MM-DD)"
        ))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => server_cmd::serve(args, cli.policy_dir.as_deref()),
        Command::User { command } => server_cmd::user(command),
        Command::Audit { command } => match server_cmd::audit(command) {
            Ok(true) => Ok(()),
            // A broken chain is a finding, not a usage error: exit 1.
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
        // A log that does not hold is a finding, as for `audit verify`: exit 1.
        Command::Backup(args) => match backup_cmd::backup(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
        Command::Restore(args) => match backup_cmd::restore(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
        Command::Keys { command } => match keys_cmd::run(command) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
        Command::Check(args) => check::run(args, cli.policy_dir.as_deref()),
        Command::Policy { command } => policy_cmd::run(command, cli.policy_dir.as_deref()),
        Command::Calendar { command } => calendar_cmd::run(command),
        Command::Lottery { command } => lottery_cmd::run(command),
        Command::Seed(args) => seed_cmd::run(args, cli.policy_dir.as_deref()),
        Command::Bench { command } => bench::run(command, cli.policy_dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            // One line, always: embedded newlines would split the message.
            eprintln!("anju: {}", msg.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}
