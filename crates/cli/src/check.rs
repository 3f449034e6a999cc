//! `anju check`: eligibility decisions per contracts/eligibility.md.

use anju_policy::{Household, Renderer};
use clap::Args;
use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::{batch, parse_date, policies, today_shanghai, Fail};

#[derive(Args)]
pub struct CheckArgs {
    /// Policy id (yangquan-2026, loudi-2025, …) or a path to a policy file.
    #[arg(long)]
    pub policy: String,
    /// Date the decision is taken on (default: today in Asia/Shanghai).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Override a parameter for this run: NAME=VALUE in the parameter's unit.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// FILE holds one household per line (JSONL); one decision per line out.
    #[arg(long)]
    pub batch: bool,
    /// Household JSON file, or - for stdin.
    pub file: String,
}

pub fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, Fail> {
    sets.iter()
        .map(|s| match s.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_string(), v.trim().to_string())),
            _ => Err(Fail(format!("--set {s}: 应写成 NAME=VALUE (expected NAME=VALUE)"))),
        })
        .collect()
}

pub fn run(args: CheckArgs, policy_dir: Option<&Path>) -> Result<(), Fail> {
    let policy = policies::load(&args.policy, policy_dir)?;
    let as_of = match &args.as_of {
        Some(s) => parse_date(s, "--as-of")?,
        None => today_shanghai(),
    };
    let overrides = parse_sets(&args.set)?;
    let ev = policy.evaluator(as_of, &overrides)?;
    if args.batch {
        let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.file == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            let f = std::fs::File::open(&args.file)
                .map_err(|e| Fail(format!("{}: 无法读取 (cannot read: {e})", args.file)))?;
            let size = f.metadata().ok().map(|m| m.len());
            (Box::new(f), size)
        };
        let progress = std::io::stderr().is_terminal();
        batch::run(&ev, input, size, progress).map_err(|e| Fail(format!("{}: {e}", args.file)))?;
        return Ok(());
    }
    let mut text = Vec::new();
    if args.file == "-" {
        std::io::stdin()
            .read_to_end(&mut text)
            .map_err(|e| Fail(format!("stdin: 无法读取 (cannot read: {e})")))?;
    } else {
        text = std::fs::read(&args.file).map_err(|e| Fail(format!("{}: 无法读取 (cannot read: {e})", args.file)))?;
    }
    let h = Household::from_json(&text).map_err(|e| Fail(format!("{}: {e}", args.file)))?;
    let d = ev.decide(&h).map_err(|e| Fail(format!("{}: {e}", args.file)))?;
    let mut out = Vec::new();
    Renderer::new(&ev).write_json(&h, &d, &mut out);
    // Pretty-print for people; the bytes are the same decision the batch writes.
    let v: serde_json::Value = serde_json::from_slice(&out)?;
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}
