//! `anju bench`: throughput figures for docs/benchmarks.md. Benchmarks are
//! measured here, never asserted in tests.

use anju_policy::engine::Decision;
use anju_policy::Household;
use clap::Subcommand;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::gen::{household, Rng};
use crate::{check, parse_date, policies, Fail};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Decide N in-memory households on every core, recording every condition's outcome.
    Eligibility {
        #[arg(long, default_value = "yangquan-2026")]
        policy: String,
        #[arg(long, default_value_t = 1_000_000)]
        households: usize,
        #[arg(long, default_value = "2026-03-01")]
        as_of: String,
        #[arg(long = "set", value_name = "NAME=VALUE", default_values_t = ["urban_disposable_income_per_capita=40000".to_string(), "urban_average_wage=60000".to_string()])]
        set: Vec<String>,
        /// Threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Distinct households held in memory (default: all of them); fewer
        /// are cycled through to reach --households.
        #[arg(long)]
        distinct: Option<usize>,
    },
    /// Submissions/s with p50/p99 latency under concurrent load, and API reads/s,
    /// against a server started here on a fresh database (or --url).
    Server {
        /// Database for the server started here (default: a fresh SQLite file in a temp dir).
        #[arg(long)]
        database_url: Option<String>,
        /// host:port of a running anju with the demo accounts, instead of starting one.
        #[arg(long)]
        url: Option<String>,
        #[arg(long, default_value_t = 5000)]
        submissions: usize,
        #[arg(long, default_value_t = 20000)]
        reads: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
    /// Home choices/s under concurrent requests, against a server started here
    /// on a fresh database (SQLite by default) with a synthetic project whose
    /// families are all called.
    Selection {
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 1000)]
        homes: usize,
        #[arg(long, default_value_t = 1000)]
        families: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
    /// A yearly holdings campaign over N synthetic held homes: open it, then
    /// apply three departments' answers (docs/holdings.md), on a fresh
    /// database (SQLite by default; --database-url for PostgreSQL).
    Holdings {
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 1_000_000)]
        holders: usize,
    },
    /// A month's rent for N synthetic leases in force, generated twice (the
    /// second run must add nothing; docs/rentals.md), on a fresh database
    /// (SQLite by default; --database-url for PostgreSQL).
    Rentals {
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        leases: usize,
    },
    /// The acquisition purchase plan (integer program + explanation) on a
    /// synthetic city: N candidate homes in units, D districts.
    Acquisition {
        #[arg(long, default_value_t = 10_000)]
        homes: u64,
        #[arg(long, default_value_t = 20)]
        districts: u64,
        /// Budget as a percentage of the whole pool's cost.
        #[arg(long, default_value_t = 40)]
        budget_pct: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Seconds the solver may search (the server uses 8).
        #[arg(long, default_value_t = 8.0)]
        time_limit: f64,
        /// Relative MIP gap at which it may stop (the server uses 0.005).
        #[arg(long, default_value_t = 0.005)]
        gap: f32,
    },
    /// A synthetic city of N families on a fresh database (SQLite by default;
    /// --database-url for PostgreSQL): seeding, a city-wide round and its
    /// draw, lists and searches, exports and storage per family, each beside
    /// its target (issue 11; docs/benchmarks.md).
    Scale {
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        families: usize,
    },
    /// The audit chain at size: N synthetic chained entries on a fresh database (SQLite by
    /// default; --database-url for PostgreSQL), then full and incremental verification
    /// timed with peak memory.
    Audit {
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Entries appended after the signed checkpoint (what incremental verification reads).
        #[arg(long, default_value_t = 10_000)]
        since: u64,
    },
    /// Write N synthetic households as JSONL (input for `anju check --batch`).
    Households {
        #[arg(long, default_value_t = 1_000_000)]
        lines: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn run(cmd: BenchCommand, dir: Option<&Path>) -> Result<(), Fail> {
    match cmd {
        BenchCommand::Server {
            database_url,
            url,
            submissions,
            reads,
            concurrency,
        } => crate::server_cmd::runtime()?.block_on(async {
            let addr = match url {
                Some(u) => u
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string(),
                None => start_local(database_url, dir).await?.0,
            };
            print!(
                "{}",
                crate::bench_server::run(&addr, submissions, reads, concurrency).await?
            );
            Ok(())
        }),
        BenchCommand::Selection {
            database_url,
            homes,
            families,
            concurrency,
        } => crate::server_cmd::runtime()?.block_on(async {
            let (addr, store) = start_local(database_url, dir).await?;
            eprintln!("writing {homes} homes and {families} called families…");
            crate::bench_selection::setup(&store, homes, families).await?;
            print!(
                "{}",
                crate::bench_selection::run(&addr, homes, families, concurrency).await?
            );
            Ok(())
        }),
        BenchCommand::Holdings {
            database_url,
            holders,
        } => crate::server_cmd::runtime()?.block_on(async {
            let tmp = std::env::temp_dir().join(format!("anju-bench-{}", std::process::id()));
            std::fs::create_dir_all(&tmp)?;
            let db = database_url
                .unwrap_or_else(|| format!("sqlite:{}", tmp.join("bench.sqlite").display()));
            let store = anju_store::AnyStore::connect(&db, anju_store::Crypto::generate())
                .await
                .map_err(|e| Fail(e.to_string()))?;
            eprintln!("database {db}");
            print!("{}", crate::bench_holdings::run(&store, holders).await?);
            Ok(())
        }),
        BenchCommand::Rentals {
            database_url,
            leases,
        } => crate::server_cmd::runtime()?.block_on(async {
            let tmp = std::env::temp_dir().join(format!("anju-bench-{}", std::process::id()));
            std::fs::create_dir_all(&tmp)?;
            let db = database_url
                .unwrap_or_else(|| format!("sqlite:{}", tmp.join("bench.sqlite").display()));
            let store = anju_store::AnyStore::connect(&db, anju_store::Crypto::generate())
                .await
                .map_err(|e| Fail(e.to_string()))?;
            eprintln!("database {db}");
            print!("{}", crate::bench_rentals::run(&store, leases).await?);
            Ok(())
        }),
        BenchCommand::Audit {
            database_url,
            entries,
            since,
        } => crate::server_cmd::runtime()?.block_on(async {
            let tmp = std::env::temp_dir().join(format!("anju-bench-{}", std::process::id()));
            std::fs::create_dir_all(&tmp)?;
            let db = database_url
                .unwrap_or_else(|| format!("sqlite:{}", tmp.join("bench.sqlite").display()));
            let store = anju_store::AnyStore::connect(&db, anju_store::Crypto::generate())
                .await
                .map_err(|e| Fail(e.to_string()))?;
            eprintln!("database {db}");
            print!("{}", crate::bench_audit::run(&store, entries, since).await?);
            Ok(())
        }),
        BenchCommand::Acquisition {
            homes,
            districts,
            budget_pct,
            seed,
            time_limit,
            gap,
        } => {
            print!(
                "{}",
                crate::bench_acquisition::run(homes, districts, budget_pct, seed, time_limit, gap)
            );
            Ok(())
        }
        BenchCommand::Scale {
            database_url,
            families,
        } => crate::server_cmd::runtime()?.block_on(crate::bench_scale::run(
            database_url,
            families,
            dir,
        )),
        BenchCommand::Households { lines, seed } => {
            let mut rng = Rng::new(seed);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            for i in 0..lines {
                writeln!(out, "{}", household(&mut rng, i))?;
            }
            out.flush()?;
            Ok(())
        }
        BenchCommand::Eligibility {
            policy,
            households,
            as_of,
            set,
            threads,
            distinct,
        } => {
            let p = policies::load(&policy, dir)?;
            let as_of = parse_date(&as_of, "--as-of")?;
            // --set names a policy does not have are skipped so the default
            // pair works for both built-in policies.
            let overrides: Vec<_> = check::parse_sets(&set)?
                .into_iter()
                .filter(|(n, _)| p.param_by_name(n).is_some())
                .collect();
            let ev = p.evaluator(as_of, &overrides)?;
            let threads = threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
            eprintln!("generating {households} households…");
            let mut rng = Rng::new(7);
            let pool: Vec<Household> =
                (0..distinct.unwrap_or(households).clamp(1, households.max(1)))
                    .map(|i| Household::from_json(household(&mut rng, i as u64).as_bytes()))
                    .collect::<Result<_, _>>()?;
            let per = households.div_ceil(threads);
            let start = Instant::now();
            let (eligible, failed_conditions) = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let ev = &ev;
                        let pool = &pool;
                        s.spawn(move || {
                            let mut d = Decision::default();
                            let (mut eligible, mut failed) = (0u64, 0u64);
                            let lo = t * per;
                            let hi = ((t + 1) * per).min(households);
                            for i in lo..hi {
                                if ev.decide_into(&pool[i % pool.len()], &mut d).is_ok() {
                                    eligible += u64::from(d.eligible());
                                    failed +=
                                        d.outcomes.iter().filter(|o| !o.passed).count() as u64;
                                }
                            }
                            (eligible, failed)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or((0, 0)))
                    .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
            });
            let secs = start.elapsed().as_secs_f64();
            println!(
                "policy {} as of {}: {households} households on {threads} threads in {:.3} s = {:.2} million decisions/s ({} rules each; {eligible} eligible, {failed_conditions} failed conditions recorded)",
                p.id,
                as_of,
                secs,
                households as f64 / secs / 1e6,
                p.rules.len()
            );
            Ok(())
        }
    }
}

/// Starts a server in this process on `database_url` (default: a fresh
/// SQLite file in a temp dir) with the demo accounts; (address, store).
async fn start_local(
    database_url: Option<String>,
    dir: Option<&Path>,
) -> Result<(String, anju_store::AnyStore), Fail> {
    let tmp = std::env::temp_dir().join(format!("anju-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let db =
        database_url.unwrap_or_else(|| format!("sqlite:{}", tmp.join("bench.sqlite").display()));
    let store = anju_store::AnyStore::connect(&db, anju_store::Crypto::generate())
        .await
        .map_err(|e| Fail(e.to_string()))?;
    let policy = policies::load("yangquan-2026", dir)?;
    let state = anju_server::AppState::new(
        store.clone(),
        policy,
        vec![("urban_disposable_income_per_capita".into(), "40000".into())],
        anju_server::Clock::system(),
    );
    anju_server::demo::seed(&state, 0)
        .await
        .map_err(|e| Fail(e.message))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(anju_server::serve(state, listener));
    eprintln!("server on {addr}, database {db}");
    Ok((addr, store))
}
