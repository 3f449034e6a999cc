//! Runs the policy case files in `tests/cases/*.toml`: facts in, expected
//! decision and cited article out, written the way a policy officer would
//! write them (format in tests/cases/README.md). Also checks that every
//! rule of every policy has at least one case where it is expected to pass
//! and one where it is expected to fail.

use anju_policy::{Household, Policy, Renderer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn load_policy(spec: &str, case_file: &Path) -> Policy {
    if spec.ends_with(".toml") {
        let path = case_file.parent().unwrap().join(spec);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        anju_policy::load(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
    } else {
        anju_policy::builtin(spec)
            .unwrap_or_else(|| panic!("{}: unknown policy {spec}", case_file.display()))
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

fn to_json(v: &toml::Value) -> Value {
    serde_json::to_value(v).expect("TOML values convert to JSON")
}

/// Sets `path` (dot-separated; numbers index arrays) in `doc`.
fn set_path(doc: &mut Value, path: &str, v: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = doc;
    for (i, p) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        cur = match cur {
            Value::Object(m) => {
                if last {
                    m.insert(p.to_string(), v);
                    return Ok(());
                }
                m.entry(p.to_string())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            Value::Array(a) => {
                let idx: usize = p
                    .parse()
                    .map_err(|_| format!("{path}: `{p}` is not an index"))?;
                let len = a.len();
                let slot = a
                    .get_mut(idx)
                    .ok_or_else(|| format!("{path}: index {idx} out of range ({len})"))?;
                if last {
                    *slot = v;
                    return Ok(());
                }
                slot
            }
            _ => return Err(format!("{path}: cannot descend into a scalar at `{p}`")),
        };
    }
    Ok(())
}

fn unset_path(doc: &mut Value, path: &str) -> Result<(), String> {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let mut cur = doc;
    if !parent.is_empty() {
        for p in parent.split('.') {
            cur = match cur {
                Value::Object(m) => m.get_mut(p).ok_or_else(|| format!("{path}: no `{p}`"))?,
                Value::Array(a) => a
                    .get_mut(
                        p.parse::<usize>()
                            .map_err(|_| format!("{path}: bad index {p}"))?,
                    )
                    .ok_or_else(|| format!("{path}: index {p} out of range"))?,
                _ => return Err(format!("{path}: scalar at {p}")),
            };
        }
    }
    match cur {
        Value::Object(m) => {
            m.remove(key);
            Ok(())
        }
        Value::Array(a) => {
            let i: usize = key.parse().map_err(|_| format!("{path}: bad index"))?;
            if i < a.len() {
                a.remove(i);
                Ok(())
            } else {
                Err(format!("{path}: index out of range"))
            }
        }
        _ => Err(format!("{path}: not a container")),
    }
}

fn str_list(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn sets(v: Option<&toml::Value>) -> Vec<(String, String)> {
    v.and_then(|v| v.as_table())
        .map(|t| {
            t.iter()
                .map(|(k, v)| {
                    let s = match v {
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(f) => f.to_string(),
                        toml::Value::String(s) => s.clone(),
                        other => panic!("set {k}: unsupported value {other:?}"),
                    };
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

struct Coverage {
    pass: BTreeSet<String>,
    fail: BTreeSet<String>,
}

#[test]
fn policy_case_files() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files found");
    let mut failures = Vec::new();
    let mut coverage: BTreeMap<String, (Policy, Coverage)> = BTreeMap::new();
    let mut total = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let doc: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let spec = doc["policy"].as_str().expect("policy = \"id\"");
        let policy = load_policy(spec, file);
        let file_as_of = doc
            .get("as_of")
            .and_then(|v| v.as_str())
            .unwrap_or("2026-03-01")
            .to_string();
        let file_set = sets(doc.get("set"));
        let bases: BTreeMap<String, Value> = doc
            .get("households")
            .and_then(|h| h.as_table())
            .map(|t| t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
            .unwrap_or_default();
        let cov = coverage.entry(policy.id.clone()).or_insert_with(|| {
            (
                policy.clone(),
                Coverage {
                    pass: BTreeSet::new(),
                    fail: BTreeSet::new(),
                },
            )
        });
        let cases = doc
            .get("case")
            .and_then(|c| c.as_array())
            .cloned()
            .unwrap_or_default();
        for case in cases {
            total += 1;
            let name = case
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("(unnamed)")
                .to_string();
            let label = format!("{} — {name}", file.file_name().unwrap().to_string_lossy());
            match run_case(&policy, &case, &bases, &file_as_of, &file_set, &mut cov.1) {
                Ok(()) => {}
                Err(e) => failures.push(format!("{label}: {e}")),
            }
        }
    }
    // Every shipped policy has a case file.
    for (id, _) in anju_policy::BUILTIN {
        if !coverage.contains_key(*id) {
            failures.push(format!(
                "built-in policy {id} has no case file in tests/cases"
            ));
        }
    }
    // Every rule: at least one expected pass and one expected failure.
    for (id, (policy, cov)) in &coverage {
        for r in &policy.rules {
            if !cov.pass.contains(&r.id) {
                failures.push(format!(
                    "{id}: rule {} ({}) has no case expecting it to pass",
                    r.id, r.citation.article
                ));
            }
            if !cov.fail.contains(&r.id) {
                failures.push(format!(
                    "{id}: rule {} ({}) has no case expecting it to fail",
                    r.id, r.citation.article
                ));
            }
        }
    }
    println!("{total} policy cases run");
    assert!(
        failures.is_empty(),
        "{} case failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn run_case(
    policy: &Policy,
    case: &toml::Value,
    bases: &BTreeMap<String, Value>,
    file_as_of: &str,
    file_set: &[(String, String)],
    cov: &mut Coverage,
) -> Result<(), String> {
    let from = case
        .get("from")
        .and_then(|v| v.as_str())
        .ok_or("case needs from = \"household\"")?;
    let mut h = bases
        .get(from)
        .cloned()
        .ok_or_else(|| format!("no household `{from}`"))?;
    if let Some(unset) = case.get("unset") {
        for p in str_list(Some(unset)) {
            unset_path(&mut h, &p)?;
        }
    }
    if let Some(change) = case.get("change").and_then(|c| c.as_table()) {
        for (k, v) in change {
            set_path(&mut h, k, to_json(v))?;
        }
    }
    if let Some(add) = case.get("add_members").and_then(|a| a.as_array()) {
        let members = h
            .get_mut("members")
            .and_then(|m| m.as_array_mut())
            .ok_or("no members")?;
        for m in add {
            members.push(to_json(m));
        }
    }
    let as_of_s = case
        .get("as_of")
        .and_then(|v| v.as_str())
        .unwrap_or(file_as_of);
    let as_of = anju_policy::household::parse_iso_date(as_of_s)
        .ok_or_else(|| format!("bad as_of {as_of_s}"))?;
    let mut set = file_set.to_vec();
    for (k, v) in sets(case.get("set")) {
        set.retain(|(n, _)| *n != k);
        set.push((k, v));
    }
    let expect = case
        .get("expect")
        .and_then(|e| e.as_table())
        .ok_or("case needs [case.expect]")?;
    let text = serde_json::to_vec(&h).unwrap();
    let parsed = Household::from_json(&text);
    let ev = policy
        .evaluator(as_of, &set)
        .map_err(|e| format!("resolve: {e}"))?;
    let decided = parsed.and_then(|hh| ev.decide(&hh).map(|d| (hh, d)));
    if let Some(err) = expect.get("error").and_then(|v| v.as_str()) {
        return match decided {
            Err(e) if e.to_string().contains(err) => Ok(()),
            Err(e) => Err(format!(
                "expected an input error containing {err:?}, got {e}"
            )),
            Ok(_) => Err(format!(
                "expected an input error containing {err:?}, but it was decided"
            )),
        };
    }
    let (hh, d) = decided.map_err(|e| format!("input error: {e}"))?;
    let mut out = Vec::new();
    Renderer::new(&ev).write_json(&hh, &d, &mut out);
    let json: Value =
        serde_json::from_slice(&out).map_err(|e| format!("decision is not JSON: {e}"))?;
    let reasons = json["reasons"].as_array().unwrap();
    let mut errs = Vec::new();
    let summary = || {
        let failed: Vec<String> = reasons
            .iter()
            .filter(|r| r["passed"] == false)
            .map(|r| {
                format!(
                    "{}[{}]: {}",
                    r["rule"].as_str().unwrap(),
                    r["category"].as_str().unwrap_or("-"),
                    r["message"].as_str().unwrap()
                )
            })
            .collect();
        format!(
            "eligible={} categories={} tier={} scope={} priority={}; failed: {}",
            json["eligible"],
            json["categories"],
            json["tier"],
            json["scope"],
            json["priority"],
            if failed.is_empty() {
                "none".into()
            } else {
                failed.join(" | ")
            }
        )
    };
    if let Some(e) = expect.get("eligible").and_then(|v| v.as_bool()) {
        if json["eligible"] != e {
            errs.push(format!("eligible: expected {e}"));
        }
    }
    if let Some(c) = expect.get("categories") {
        let want = str_list(Some(c));
        let got: Vec<String> = json["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        if want != got {
            errs.push(format!("categories: expected {want:?}"));
        }
    }
    if let Some(t) = expect.get("tier") {
        let ok = match t {
            toml::Value::Integer(i) => json["tier"] == *i,
            toml::Value::String(s) if s == "none" => json["tier"].is_null(),
            _ => false,
        };
        if !ok {
            errs.push(format!("tier: expected {t:?}"));
        }
    }
    if let Some(s) = expect.get("scope").and_then(|v| v.as_str()) {
        let ok = if s == "none" {
            json["scope"].is_null()
        } else {
            json["scope"] == s
        };
        if !ok {
            errs.push(format!("scope: expected {s}"));
        }
    }
    if let Some(p) = expect.get("priority").and_then(|v| v.as_bool()) {
        if json["priority"] != p {
            errs.push(format!("priority: expected {p}"));
        }
    }
    if let Some(o) = expect.get("obligations") {
        let want = str_list(Some(o));
        let got: Vec<String> = json["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["code"].as_str().unwrap().to_string())
            .collect();
        if want != got {
            errs.push(format!("obligations: expected {want:?}, got {got:?}"));
        }
    }
    if let Some(r) = expect.get("obligation_ref").and_then(|v| v.as_str()) {
        if !json["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["citation"]["ref"] == r)
        {
            errs.push(format!("obligation_ref: expected an obligation citing {r}"));
        }
    }
    let rule_passed = |id: &str| -> Option<bool> {
        let rs: Vec<&Value> = reasons.iter().filter(|r| r["rule"] == id).collect();
        if rs.is_empty() {
            None
        } else {
            Some(rs.iter().all(|r| r["passed"] == true))
        }
    };
    for id in str_list(expect.get("failed")) {
        match rule_passed(&id) {
            None => errs.push(format!("failed: no rule {id} in the policy")),
            Some(true) => errs.push(format!("failed: expected rule {id} to fail")),
            Some(false) => {
                cov.fail.insert(id);
            }
        }
    }
    for id in str_list(expect.get("passed")) {
        match rule_passed(&id) {
            None => errs.push(format!("passed: no rule {id} in the policy")),
            Some(false) => errs.push(format!("passed: expected rule {id} to pass")),
            Some(true) => {
                cov.pass.insert(id);
            }
        }
    }
    for r in str_list(expect.get("failed_refs")) {
        if !reasons
            .iter()
            .any(|x| x["passed"] == false && x["citation"]["ref"] == r.as_str())
        {
            errs.push(format!("failed_refs: expected a failed reason citing {r}"));
        }
    }
    for m in str_list(expect.get("messages")) {
        if !reasons
            .iter()
            .any(|x| x["message"].as_str().unwrap().contains(&m))
        {
            errs.push(format!(
                "messages: expected a reason message containing {m:?}"
            ));
        }
    }
    if let Some(m) = expect.get("message").and_then(|v| v.as_str()) {
        if !reasons
            .iter()
            .any(|x| x["message"].as_str().unwrap().contains(m))
        {
            errs.push(format!(
                "message: expected a reason message containing {m:?}"
            ));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("{} — got {}", errs.join("; "), summary()))
    }
}
