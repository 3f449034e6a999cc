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
    /// Output for a single household: json (the contract, default) or text
    /// (a plain Chinese explanation for people).
    #[arg(long, default_value = "json")]
    pub format: String,
    /// Household JSON file, or - for stdin.
    pub file: String,
}

pub fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, Fail> {
    sets.iter()
        .map(|s| match s.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() => {
                Ok((n.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(Fail(format!(
                "--set {s}: 应写成 NAME=VALUE (expected NAME=VALUE)"
            ))),
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
        text = std::fs::read(&args.file)
            .map_err(|e| Fail(format!("{}: 无法读取 (cannot read: {e})", args.file)))?;
    }
    let h = Household::from_json(&text).map_err(|e| Fail(format!("{}: {e}", args.file)))?;
    let d = ev
        .decide(&h)
        .map_err(|e| Fail(format!("{}: {e}", args.file)))?;
    let mut out = Vec::new();
    Renderer::new(&ev).write_json(&h, &d, &mut out);
    // Pretty-print for people; the bytes are the same decision the batch writes.
    let v: serde_json::Value = serde_json::from_slice(&out)?;
    match args.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&v)?),
        "text" => print!("{}", explain(&policy, &v)),
        other => {
            return Err(Fail(format!(
                "--format {other}: 只支持 json 或 text (json or text)"
            )))
        }
    }
    Ok(())
}

/// A decision as plain Chinese text: the conclusion, then every condition
/// with ✓ or ✗ and its article.
fn explain(policy: &anju_policy::Policy, v: &serde_json::Value) -> String {
    let label = |id: &str| {
        policy
            .categories
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.label.clone())
    };
    let mut s = format!(
        "{} — {}（{}），判定日期 {}\n",
        v["household_id"].as_str().unwrap_or(""),
        policy.title,
        policy.document,
        v["as_of"].as_str().unwrap_or("")
    );
    let cats: Vec<String> = v["categories"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c.as_str()).map(label).collect())
        .unwrap_or_default();
    if v["eligible"] == true {
        s.push_str(&format!("结论：符合申请条件（{}）", cats.join("、")));
        if let Some(t) = v["tier"].as_u64() {
            s.push_str(&format!("，第 {t} 轮配售"));
        }
        match v["scope"].as_str() {
            Some("county_seat") => s.push_str("，仅限所在县城"),
            Some("city") => s.push_str("，全市范围"),
            _ => {}
        }
        if v["priority"] == true {
            s.push_str("，享有优先选房权");
        }
        s.push('\n');
    } else {
        s.push_str("结论：不符合申请条件，原因见下列标 ✗ 的条件\n");
    }
    for o in v["obligations"].as_array().into_iter().flatten() {
        let code = o["code"].as_str().unwrap_or("");
        let what = policy
            .obligations
            .iter()
            .find(|x| x.code == code)
            .and_then(|x| x.label.clone())
            .unwrap_or_else(|| code.to_string());
        s.push_str(&format!(
            "义务：{what}{}（{}）\n",
            o["within_days"]
                .as_u64()
                .map(|d| format!("，{d} 日内"))
                .unwrap_or_default(),
            o["citation"]["article"].as_str().unwrap_or("")
        ));
    }
    s.push_str("各项条件：\n");
    for r in v["reasons"].as_array().into_iter().flatten() {
        let cat = r["category"]
            .as_str()
            .map_or("各类别通用".to_string(), label);
        s.push_str(&format!(
            "  {} [{cat}] {}（{} {}）\n",
            if r["passed"] == true { "✓" } else { "✗" },
            r["message"].as_str().unwrap_or(""),
            r["citation"]["document"].as_str().unwrap_or(""),
            r["citation"]["article"].as_str().unwrap_or("")
        ));
    }
    s
}
