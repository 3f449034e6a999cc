//! Times a full draw and a full verification for a large entrant list.
//!
//! Run with: `cargo run --release -p anju-lottery --example bench_lottery [N]`
//! (N defaults to 1,000,000). The target is well under one second for each
//! of draw and verify on a 2-core machine.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anju_lottery::{draw, shuffle_indices, verify, EntrantList, Reveal};

fn timed<T>(label: &str, work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = work();
    let elapsed = start.elapsed();
    println!("  {label:<44} {:>9.1} ms", elapsed.as_secs_f64() * 1e3);
    (value, elapsed)
}

fn main() -> ExitCode {
    let n: usize = match std::env::args().nth(1).map(|arg| arg.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("N must be a positive integer: {e}");
            return ExitCode::FAILURE;
        }
    };
    let reveal = match Reveal::new("03 11 17 22 28 31 + 09") {
        Ok(reveal) => reveal,
        Err(e) => {
            eprintln!("bad reveal: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ids shaped like real application numbers, generated out of order so
    // the canonical sort does real work. Producing them (in the CLI: reading
    // them from the applications database) is not part of the timed draw.
    let raw_ids: Vec<String> = (0..n)
        .map(|i| format!("AH2026-{:08}", (i as u64 * 7_368_787) % 100_000_000))
        .collect();

    println!("anju-lottery benchmark, {n} entrants");
    println!("draw (organiser side):");
    let (list, t_build) = timed("build list (validate, sort, commit)", || {
        EntrantList::from_ids(&raw_ids)
    });
    let list = match list {
        Ok(list) => list,
        Err(e) => {
            eprintln!("cannot build entrant list: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (entrants_file, t_csv) = timed("write entrant file", || list.to_csv());
    let (result, t_draw) = timed("seed + shuffle + result", || draw(&list, &reveal));
    let (result_file, t_write) = timed("write result file", || result.to_file());
    let draw_total = t_build + t_csv + t_draw + t_write;
    println!(
        "  {:<44} {:>9.1} ms",
        "DRAW TOTAL",
        draw_total.as_secs_f64() * 1e3
    );

    println!("verify (family / auditor side):");
    let (outcome, t_verify) = timed("parse both files + recompute + compare", || {
        verify(&entrants_file, &reveal, &result_file)
    });
    if let Err(e) = outcome {
        eprintln!("verification failed: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "  {:<44} {:>9.1} ms",
        "VERIFY TOTAL",
        t_verify.as_secs_f64() * 1e3
    );

    println!("components:");
    timed("shuffle_indices alone", || {
        shuffle_indices(result.seed(), n as u32)
    });
    let (reparsed, _) = timed("EntrantList::parse alone", || {
        EntrantList::parse(&entrants_file)
    });
    if let Err(e) = reparsed {
        eprintln!("re-parse failed: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "files: entrant file {:.1} MB, result file {:.1} MB",
        entrants_file.len() as f64 / 1e6,
        result_file.len() as f64 / 1e6
    );
    println!("commitment {}", list.commitment_hex());
    ExitCode::SUCCESS
}
