//! Runs the independent Python implementation (tools/lottery_reference.py)
//! and compares its output with ours, byte for byte.

use std::path::PathBuf;
use std::process::Command;

use anju_lottery::{draw, EntrantList, Reveal};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

fn run_reference(entrants: &std::path::Path, reveal: &str) -> Vec<u8> {
    let script = repo_root().join("tools/lottery_reference.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(entrants)
        .arg(reveal)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "reference implementation failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn compare(entrants_path: &std::path::Path, reveal: &str) {
    let bytes = std::fs::read(entrants_path).expect("entrant file readable");
    let entrants = EntrantList::parse(&bytes).expect("canonical entrant file");
    let reveal_value = Reveal::new(reveal).expect("valid reveal");
    let ours = draw(&entrants, &reveal_value).to_file();
    let theirs = run_reference(entrants_path, reveal);
    assert_eq!(
        String::from_utf8_lossy(&theirs),
        String::from_utf8_lossy(&ours),
        "Python and Rust disagree for reveal {reveal:?}"
    );
}

#[test]
fn python_reference_matches_rust() {
    if !python_available() {
        println!("note: python3 not found; skipping the cross-implementation test");
        return;
    }
    let worked =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/worked_example_entrants.csv");
    compare(&worked, "03 11 17 22 28 31 + 09");

    // A larger list spanning many keystream blocks and varied reveals.
    let dir = std::env::temp_dir().join(format!("anju-lottery-cross-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("entrants.csv");
    let list = EntrantList::from_ids((0..700).map(|i| format!("YJ-{:04}", (i * 37) % 7919)))
        .expect("valid ids");
    std::fs::write(&path, list.to_csv()).expect("write temp entrant file");
    for reveal in ["1", "~!@#$%^&*()_+{}|:<>?", "6 2 4 1 5 3"] {
        compare(&path, reveal);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn python_reference_checks_a_published_result() {
    if !python_available() {
        println!("note: python3 not found; skipping the cross-implementation test");
        return;
    }
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let script = repo_root().join("tools/lottery_reference.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(data.join("worked_example_entrants.csv"))
        .arg("03 11 17 22 28 31 + 09")
        .arg(data.join("worked_example_result.txt"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("MATCH"));

    // With a different reveal the published file must be flagged.
    let out = Command::new("python3")
        .arg(&script)
        .arg(data.join("worked_example_entrants.csv"))
        .arg("03 11 17 22 28 31 + 08")
        .arg(data.join("worked_example_result.txt"))
        .output()
        .expect("python3 runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("MISMATCH at line 3"));
}
