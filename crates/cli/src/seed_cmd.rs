//! `anju seed`: a synthetic Yangquan of N families for measuring anju at a
//! city's or a province's size (issue 11 item 2; docs/benchmarks.md).
//! Families in every state of the lifecycle over every district, the
//! qualified ones in the waitlists, and allotment projects with drawn first
//! rounds — written through the store's bulk path (encrypted, audited),
//! every record labelled synthetic. For test and benchmark databases: it
//! creates the demo accounts (with the demo password) and refuses a
//! database that already holds applications.

use std::time::Instant;

use anju_server::{AppState, Clock};
use clap::Args;

use crate::server_cmd::{runtime, DbArgs};
use crate::{policies, Fail};

#[derive(Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Families to create.
    #[arg(long)]
    pub families: usize,
    /// Allotment projects (200 homes each, round 1 opened and drawn).
    #[arg(long, default_value_t = 3)]
    pub projects: usize,
    /// Seed of the generator (the same seed gives the same city).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// The state a synthetic city is made with: Yangquan's policy (the
/// districts are Yangquan's) and the demo's round figure for the income
/// statistic the document does not state.
pub fn synthetic_state(
    store: anju_store::AnyStore,
    dir: Option<&std::path::Path>,
) -> Result<AppState, Fail> {
    let policy = policies::load("yangquan-2026", dir)?;
    Ok(AppState::new(
        store,
        policy,
        vec![("urban_disposable_income_per_capita".into(), "40000".into())],
        Clock::system(),
    ))
}

pub fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{pos}}/{{len}} {{per_sec}} eta {{eta}}"
    )) {
        b.set_style(style);
    }
    b
}

pub fn run(args: SeedArgs, dir: Option<&std::path::Path>) -> Result<(), Fail> {
    runtime()?.block_on(async {
        let store = args.db.connect().await?;
        let state = synthetic_state(store, dir)?;
        let b = bar(args.families as u64, "families");
        let t = Instant::now();
        let report = anju_server::demo::synthetic::seed_city(
            &state,
            args.families,
            args.projects,
            args.seed,
            &|n| b.inc(n),
        )
        .await
        .map_err(|e| Fail(e.message))?;
        b.finish_and_clear();
        println!(
            "合成城市 (synthetic city): {} families in {:.1} s",
            report.families,
            t.elapsed().as_secs_f64()
        );
        for (s, n) in &report.by_state {
            println!("  {:<24} {n}", s.label_en());
        }
        for p in &report.projects {
            println!("  project {p}: round 1 drawn");
        }
        println!("  entrants in drawn rounds: {}", report.entrants);
        Ok(())
    })
}
