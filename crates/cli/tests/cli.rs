//! The `anju` command line as outside systems use it (contracts/eligibility.md).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn anju() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anju"));
    // Run from a neutral directory so ./policies is not picked up by accident.
    c.current_dir(std::env::temp_dir());
    c.env_remove("ANJU_POLICY_DIR");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> String {
    repo()
        .join("docs/examples")
        .join(name)
        .display()
        .to_string()
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = anju();
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Exit 2, nothing on stdout, exactly one line on stderr that mentions `needle`.
fn assert_input_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout should be empty: {}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
}

const YQ: [&str; 6] = [
    "check",
    "--policy",
    "yangquan-2026",
    "--as-of",
    "2026-03-01",
    "--set",
];

#[test]
fn the_contract_examples_decide_as_documented() {
    let o = run(
        &[
            &YQ[..],
            &[
                "urban_disposable_income_per_capita=40000",
                &example("yangquan-family.json"),
            ],
        ]
        .concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(d["household_id"], "example-yq-1");
    assert_eq!(d["eligible"], true);
    assert_eq!(
        d["categories"],
        serde_json::json!(["wage_all", "wage_low_income"])
    );
    assert_eq!(d["tier"], 1);
    assert_eq!(d["scope"], "city");
    assert_eq!(d["priority"], false);
    assert_eq!(d["obligations"][0]["code"], "vacate_policy_housing");
    assert_eq!(d["obligations"][0]["within_days"], 90);
    assert_eq!(d["obligations"][0]["citation"]["ref"], "10.1.5");
    assert!(d["policy_digest"].as_str().unwrap().starts_with("sha256:"));
    let income = d["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "income_below_city_average")
        .unwrap();
    assert_eq!(
        income["message"],
        "家庭人均可支配收入 26000.00 元，低于上年度城镇常住居民人均可支配收入 40000.00 元"
    );
    assert_eq!(income["citation"]["article"], "第十条（一）3");

    let o = run(
        &[
            "check",
            "--policy",
            "loudi-2025",
            "--as-of",
            "2026-03-01",
            "--set",
            "urban_average_wage=60000",
            &example("loudi-teacher.json"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        d["categories"],
        serde_json::json!(["frontline", "other_hardship", "wage_earner"])
    );
    assert_eq!(d["tier"], Value::Null);
    assert_eq!(d["scope"], "city");
    assert_eq!(d["priority"], true);
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    let yq = |file: &str, stdin: Option<&str>| {
        run(
            &[&YQ[..], &["urban_disposable_income_per_capita=40000", file]].concat(),
            stdin,
        )
    };
    let bad_id = r#"{"id":"x","region":"140302","members":[{"relation":"applicant","id_number":"110105194912310021"}]}"#;
    assert_input_error(&yq("-", Some(bad_id)), "members[0].id_number");
    let bad_sex = r#"{"id":"x","region":"140302","members":[{"relation":"applicant","id_number":"11010519491231002X","sex":"male"}]}"#;
    assert_input_error(&yq("-", Some(bad_sex)), "members[0].sex");
    let unknown = r#"{"id":"x","region":"140302","members":[{"relation":"applicant","birth_date":"1990-01-01","sex":"male","salary":1}]}"#;
    assert_input_error(&yq("-", Some(unknown)), "salary");
    let wrong_type = "{\"id\":\"x\",\"region\":\"140302\",\n\"members\":[{\"relation\":\"applicant\",\"birth_date\":\"1990-01-01\",\"sex\":\"male\",\"married\":\"yes\"}]}";
    let o = yq("-", Some(wrong_type));
    assert_input_error(&o, "members[0].married");
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    assert_input_error(&yq("-", Some("{not json")), "line 1");
    assert_input_error(&yq("/nonexistent/h.json", None), "/nonexistent/h.json");

    let o = run(
        &[
            "check",
            "--policy",
            "shanghai-2030",
            &example("yangquan-family.json"),
        ],
        None,
    );
    assert_input_error(&o, "shanghai-2030");
    let o = run(
        &[
            "check",
            "--policy",
            "yangquan-2026",
            "--as-of",
            "2026-03-01",
            &example("yangquan-family.json"),
        ],
        None,
    );
    assert_input_error(&o, "urban_disposable_income_per_capita");
    let o = run(
        &[
            &YQ[..],
            &["no_such_param=1", &example("yangquan-family.json")],
        ]
        .concat(),
        None,
    );
    assert_input_error(&o, "no_such_param");
    let o = run(
        &[
            &YQ[..],
            &[
                "urban_disposable_income_per_capita=lots",
                &example("yangquan-family.json"),
            ],
        ]
        .concat(),
        None,
    );
    assert_input_error(&o, "urban_disposable_income_per_capita");
    let o = run(
        &[
            "check",
            "--policy",
            "yangquan-2026",
            "--as-of",
            "2026-02-30",
            &example("yangquan-family.json"),
        ],
        None,
    );
    assert_input_error(&o, "2026-02-30");
}

#[test]
fn batch_keeps_order_reports_bad_lines_and_goes_on() {
    let good = std::fs::read_to_string(example("yangquan-family.json"))
        .unwrap()
        .replace('\n', " ");
    let mut input = String::new();
    for i in 0..3000 {
        match i % 500 {
            7 => input.push_str("{broken\n"),
            8 => input.push('\n'),
            9 => input.push_str(&good.replace("\"1986-03-12\"", "\"1986-02-30\"")),
            _ => input.push_str(&good.replace("example-yq-1", &format!("h{i}"))),
        }
        if i % 500 != 8 && i % 500 != 7 {
            input.push('\n');
        }
    }
    // The last line has no newline.
    input.push_str(&good.replace("example-yq-1", "last"));
    let o = run(
        &[
            &YQ[..],
            &["urban_disposable_income_per_capita=40000", "--batch", "-"],
        ]
        .concat(),
        Some(&input),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3001);
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        match i % 500 {
            7..=9 if i < 3000 => {
                assert_eq!(l["line"], n, "{l}");
                assert!(l["error"].as_str().unwrap().len() > 5);
                if i % 500 == 9 {
                    assert!(
                        l["error"]
                            .as_str()
                            .unwrap()
                            .contains("members[0].birth_date"),
                        "{l}"
                    );
                }
            }
            _ if i == 3000 => assert_eq!(l["household_id"], "last"),
            _ => assert_eq!(l["household_id"], format!("h{i}"), "line {n}"),
        }
    }
}

#[test]
fn batch_of_a_missing_file_exits_2() {
    let o = run(
        &[
            &YQ[..],
            &[
                "urban_disposable_income_per_capita=40000",
                "--batch",
                "/nonexistent.jsonl",
            ],
        ]
        .concat(),
        None,
    );
    assert_input_error(&o, "/nonexistent.jsonl");
}

#[test]
fn a_policy_directory_changes_thresholds_without_a_release() {
    // A family of 3 with 66 m²: 22 m² per person fails 第十条（一）2 at 20 m²…
    let h = std::fs::read_to_string(example("yangquan-family.json"))
        .unwrap()
        .replace(
            "\"owned_homes\": 0, \"owned_floor_area_m2\": 0",
            "\"owned_homes\": 1, \"owned_floor_area_m2\": 66",
        );
    assert!(h.contains("\"owned_floor_area_m2\": 66"));
    let args = [&YQ[..], &["urban_disposable_income_per_capita=40000", "-"]].concat();
    let d: Value = serde_json::from_slice(&run(&args, Some(&h)).stdout).unwrap();
    assert_eq!(d["eligible"], false);
    // …and passes once the city raises the line to 25 m² from 2026-02-01 in its policy file.
    let dir = std::env::temp_dir().join(format!("anju-policy-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(repo().join("policies/yangquan-2026.toml")).unwrap().replace(
        "quote = \"申请家庭在本市范围内无房或人均住房建筑面积不超 20 平方米（含）\"\n",
        "quote = \"申请家庭在本市范围内无房或人均住房建筑面积不超 20 平方米（含）\"\nuntil = 2026-01-31\n\n[[parameters.floor_area_per_capita_max.values]]\nfrom = 2026-02-01\nvalue = 25\narticle = \"第十条（一）2\"\nref = \"10.1.2\"\nnote = \"test: a raised threshold\"\n",
    );
    std::fs::write(dir.join("yangquan-2026.toml"), text).unwrap();
    let o = run(
        &[&["--policy-dir", dir.to_str().unwrap()][..], &args].concat(),
        Some(&h),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d2: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d2["eligible"], true, "{d2}");
    assert_ne!(d["policy_digest"], d2["policy_digest"]);
    let show = run(
        &[
            "--policy-dir",
            dir.to_str().unwrap(),
            "policy",
            "show",
            "yangquan-2026",
            "--as-of",
            "2026-03-01",
        ],
        None,
    );
    assert!(stdout(&show).contains("25 平方米"), "{}", stdout(&show));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn policy_list_and_show_are_readable() {
    let o = run(&["policy", "list"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("yangquan-2026") && stdout(&o).contains("loudi-2025"));
    let o = run(
        &["policy", "show", "yangquan-2026", "--as-of", "2026-03-01"],
        None,
    );
    let s = stdout(&o);
    assert!(s.contains("家庭人均住房建筑面积上限"), "{s}");
    assert!(s.contains("20 平方米"), "{s}");
    assert!(s.contains("第十条（一）2"), "{s}");
    assert!(s.contains("该日无生效取值"), "{s}"); // the statistic
    let o = run(
        &[
            "policy",
            "show",
            "loudi-2025",
            "--as-of",
            "2026-03-01",
            "--lang",
            "en",
        ],
        None,
    );
    assert!(stdout(&o).contains("value: 2 ratio"), "{}", stdout(&o));
}

#[test]
fn calendar_follows_the_state_council_notices() {
    let one = |args: &[&str]| stdout(&run(args, None)).trim().to_string();
    assert_eq!(one(&["calendar", "is-workday", "2026-01-04"]), "true"); // Sunday make-up day
    assert_eq!(one(&["calendar", "is-workday", "2026-10-01"]), "false");
    assert_eq!(one(&["calendar", "is-workday", "2026-03-07"]), "false"); // ordinary Saturday
    assert_eq!(
        one(&["calendar", "add-workdays", "2025-12-31", "1"]),
        "2026-01-04"
    );
    assert_eq!(
        one(&["calendar", "notice-end", "2026-09-30", "5"]),
        "2026-10-12"
    );
    // Fri 13th, Sat 14th (make-up day), then 24th–26th after the Spring Festival.
    assert_eq!(
        one(&["calendar", "notice-end", "2026-02-13", "5"]),
        "2026-02-26"
    );
    let o = run(&["calendar", "is-workday", "2027-03-01"], None);
    assert_input_error(&o, "2027");
    let o = run(&["calendar", "add-workdays", "2026-12-30", "5"], None);
    assert_input_error(&o, "2027");
}

#[test]
fn lottery_commit_draw_verify_from_published_files() {
    let dir = std::env::temp_dir().join(format!("anju-lottery-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ids = dir.join("ids.txt");
    std::fs::write(
        &ids,
        (1..=50)
            .map(|i| format!("YQ-2026-{i:04}\n"))
            .collect::<String>(),
    )
    .unwrap();
    let ent = dir.join("entrants.csv");
    let res = dir.join("result.txt");
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let o = run(
        &["lottery", "commit", "--ids", &p(&ids), "--out", &p(&ent)],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim().len(), 64);
    let o = run(
        &[
            "lottery",
            "draw",
            "--entrants",
            &p(&ent),
            "--reveal",
            "12 25 33 + 07",
            "--out",
            &p(&res),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = std::fs::read(&res).unwrap();
    // Deterministic: the same inputs give the same file.
    run(
        &[
            "lottery",
            "draw",
            "--entrants",
            &p(&ent),
            "--reveal",
            "12 25 33 + 07",
            "--out",
            &p(&res),
        ],
        None,
    );
    assert_eq!(std::fs::read(&res).unwrap(), first);
    let o = run(
        &[
            "lottery",
            "verify",
            "--entrants",
            &p(&ent),
            "--reveal",
            "12 25 33 + 07",
            "--result",
            &p(&res),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A tampered result (two positions swapped) is caught and named.
    let text = String::from_utf8(first).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let (a, b) = (
        lines[n - 1].split_once(',').unwrap().1,
        lines[n - 2].split_once(',').unwrap().1,
    );
    let (la, lb) = (format!("{},{b}", n - 7), format!("{},{a}", n - 8));
    lines[n - 1] = &la;
    lines[n - 2] = &lb;
    std::fs::write(&res, lines.join("\n") + "\n").unwrap();
    let o = run(
        &[
            "lottery",
            "verify",
            "--entrants",
            &p(&ent),
            "--reveal",
            "12 25 33 + 07",
            "--result",
            &p(&res),
        ],
        None,
    );
    assert_input_error(&o, "position");
    std::fs::remove_dir_all(&dir).ok();
}

/// A result re-drawn over a swapped entrant list agrees with that list;
/// only the commitment published before the draw tells them apart. Every
/// verdict prints the commitment; a reveal starting with `-` is a value.
#[test]
fn lottery_verify_against_the_commitment_published_before_the_draw() {
    let dir = std::env::temp_dir().join(format!("anju-lottery-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let commit = |name: &str, ids: &str| {
        let list = dir.join(format!("{name}.txt"));
        std::fs::write(&list, ids).unwrap();
        let ent = dir.join(format!("{name}.csv"));
        let o = run(
            &["lottery", "commit", "--ids", &p(&list), "--out", &p(&ent)],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (ent, stdout(&o).trim().to_string())
    };
    let (published, commitment) = commit("published", "A-1\nA-2\nA-3\nA-4\n");
    // Someone swaps A-4 for X-9 after publication and draws over that list.
    let (swapped, _) = commit("swapped", "A-1\nA-2\nA-3\nX-9\n");
    let res = dir.join("result.txt");
    let draw = |ent: &Path| {
        let o = run(
            &[
                "lottery",
                "draw",
                "--entrants",
                &p(ent),
                "--reveal",
                "-5",
                "--out",
                &p(&res),
            ],
            None,
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "--reveal -5 is a value: {}",
            stderr(&o)
        );
    };
    draw(&swapped);
    let verify = |ent: &Path, with: Option<&str>| {
        let mut args = vec![
            "lottery".to_string(),
            "verify".into(),
            "--entrants".into(),
            p(ent),
            "--reveal".into(),
            "-5".into(),
            "--result".into(),
            p(&res),
        ];
        if let Some(c) = with {
            args.extend(["--commitment".to_string(), c.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, None)
    };
    // The swapped files agree with each other …
    let o = verify(&swapped, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("承诺值"),
        "the verdict prints the commitment"
    );
    // … but not with what was published before the draw.
    let o = verify(&swapped, Some(&commitment));
    assert_input_error(&o, "published before the draw");
    assert!(stderr(&o).contains(&commitment), "{}", stderr(&o));
    // The honest draw checks out against the published commitment.
    draw(&published);
    let o = verify(&published, Some(&commitment.to_uppercase()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(&commitment), "{}", stdout(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn batch_written_to_a_file_equals_batch_written_to_a_pipe() {
    // Files take the direct (O_DIRECT) writer; a file whose position is not
    // block-aligned the positional one; pipes and `>>` the ordered one.
    let good = std::fs::read_to_string(example("yangquan-family.json"))
        .unwrap()
        .replace('\n', " ");
    let input: String = (0..4000)
        .map(|i| {
            if i % 997 == 3 {
                "{oops\n".to_string()
            } else {
                good.replace("example-yq-1", &format!("f{i}")) + "\n"
            }
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("anju-batch-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input_path = dir.join("in.jsonl");
    std::fs::write(&input_path, &input).unwrap();
    let args = [
        &YQ[..],
        &[
            "urban_disposable_income_per_capita=40000",
            "--batch",
            input_path.to_str().unwrap(),
        ],
    ]
    .concat();
    let piped = run(&args, None);
    assert_eq!(piped.status.code(), Some(0));
    let out_path = dir.join("out.jsonl");
    let status = anju()
        .args(&args)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(&out_path).unwrap(), piped.stdout);
    // Appending after existing content keeps both.
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(&out_path)
        .unwrap();
    assert!(anju()
        .args(&args)
        .stdout(append)
        .status()
        .unwrap()
        .success());
    let both = std::fs::read(&out_path).unwrap();
    assert_eq!(both.len(), piped.stdout.len() * 2);
    assert_eq!(&both[piped.stdout.len()..], &piped.stdout[..]);
    // Stdout already three bytes into a file (not a block boundary).
    let mut shifted = std::fs::File::create(&out_path).unwrap();
    std::io::Write::write_all(&mut shifted, b"abc").unwrap();
    assert!(anju()
        .args(&args)
        .stdout(shifted)
        .status()
        .unwrap()
        .success());
    let shifted = std::fs::read(&out_path).unwrap();
    assert_eq!(&shifted[..3], b"abc");
    assert!(
        shifted[3..] == piped.stdout[..],
        "positional output differs"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `anju audit checkpoint` signs the chain's head with a key kept outside
/// the database; `anju audit verify --checkpoint` then proves the log still
/// holds what was published. Deleting the last entries (and moving the head
/// back) passes the chain check alone — the checkpoint names it truncation.
#[test]
fn audit_checkpoints_catch_a_truncated_log() {
    let dir = std::env::temp_dir().join(format!("anju-checkpoint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let file = dir.join("anju.sqlite");
    let db = format!("sqlite:{}", file.display());
    let key = p(&dir.join("anju.key"));
    let signing = p(&dir.join("audit-signing.key"));
    let cp = p(&dir.join("checkpoint.json"));
    let with_db = |args: &[&str]| {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--database-url", &db, "--key-file", &key]);
        run(&a, None)
    };
    for u in ["street-a", "street-b", "street-c"] {
        let o = with_db(&[
            "user",
            "add",
            "--username",
            u,
            "--role",
            "street",
            "--district",
            "140302",
            "--password",
            "long-enough-pass-1",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = with_db(&[
        "audit",
        "checkpoint",
        "--out",
        &cp,
        "--signing-key-file",
        &signing,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cp).unwrap()).unwrap();
    let size = written["size"].as_u64().unwrap();
    let public_key = written["public_key"].as_str().unwrap().to_string();
    assert!(size >= 3, "{written}");
    let o = with_db(&[
        "audit",
        "verify",
        "--checkpoint",
        &cp,
        "--public-key",
        &public_key,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // Someone with the database deletes the last entry and moves the head back.
    let tamper = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             n=c.execute('SELECT MAX(seq) FROM audit_log').fetchone()[0]; \
             c.execute('DELETE FROM audit_log WHERE seq=?',(n,)); \
             h=c.execute('SELECT entry_hash FROM audit_log WHERE seq=?',(n-1,)).fetchone()[0]; \
             c.execute('UPDATE audit_head SET last_seq=?, last_hash=? WHERE id=1',(n-1,h)); c.commit()",
        )
        .arg(&file)
        .status()
        .expect("python3");
    assert!(tamper.success());
    // The chain alone still verifies …
    let o = with_db(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // … the published checkpoint does not.
    let o = with_db(&[
        "audit",
        "verify",
        "--checkpoint",
        &cp,
        "--public-key",
        &public_key,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));
    // A checkpoint signed by another key is refused.
    let other = "ab".repeat(32);
    let o = with_db(&[
        "audit",
        "verify",
        "--checkpoint",
        &cp,
        "--public-key",
        &other,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// `anju audit verify --since` checks only what follows a signed
/// checkpoint: the log must still hold the checkpoint's last entry with its
/// hash. A rewrite of that entry and a truncation before it are named; a
/// change further back is left to the full verification (docs/security.md).
#[test]
fn incremental_audit_verification_from_a_checkpoint() {
    let dir = std::env::temp_dir().join(format!("anju-since-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let file = dir.join("anju.sqlite");
    let db = format!("sqlite:{}", file.display());
    let key = p(&dir.join("anju.key"));
    let signing = p(&dir.join("audit-signing.key"));
    add_streets(&db, &key, &["street-a", "street-b", "street-c"]);
    let public_key = checkpoint_into(&db, &key, &dir.join("cps"), &signing);
    let cp = p(&dir.join("cps").join("latest.json"));
    let size: u64 = serde_json::from_str::<Value>(&std::fs::read_to_string(&cp).unwrap()).unwrap()
        ["size"]
        .as_u64()
        .unwrap();
    add_streets(&db, &key, &["street-d", "street-e"]);
    let since = |extra: &[&str]| {
        let mut a = vec![
            "audit",
            "verify",
            "--since",
            &cp,
            "--database-url",
            &db,
            "--key-file",
            &key,
        ];
        a.extend(extra);
        run(&a, None)
    };
    let o = since(&["--public-key", &public_key]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("intact"), "{}", stdout(&o));
    let sql = |q: &str| {
        let ok = std::process::Command::new("python3")
            .arg("-c")
            .arg(format!(
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"{q}\"); c.commit()"
            ))
            .arg(&file)
            .status()
            .expect("python3");
        assert!(ok.success(), "{q}");
    };
    // An entry after the checkpoint altered: found.
    sql(&format!(
        "UPDATE audit_log SET subject = 'x' WHERE seq = {}",
        size + 1
    ));
    let o = since(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("altered"), "{}", stdout(&o));
    // The checkpoint's own entry with another hash: rewritten.
    sql(&format!(
        "UPDATE audit_log SET entry_hash = '{}' WHERE seq = {size}",
        "0".repeat(64)
    ));
    let o = since(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("rewritten"), "{}", stdout(&o));
    // Cut back to before the checkpoint: truncated.
    sql(&format!("DELETE FROM audit_log WHERE seq >= {size}"));
    let o = since(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));
    // --since and --checkpoint together make no sense.
    let o = since(&["--checkpoint", &cp]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// Adds accounts (each one audit entry) to the database at `db`.
fn add_streets(db: &str, key: &str, names: &[&str]) {
    for u in names {
        let o = run(
            &[
                "user",
                "add",
                "--username",
                u,
                "--role",
                "street",
                "--district",
                "140302",
                "--password",
                "long-enough-pass-1",
                "--database-url",
                db,
                "--key-file",
                key,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

/// A checkpoint of the database at `db`, written as `dir`/latest.json (as
/// the server's --checkpoint-dir holds it); returns its public key.
fn checkpoint_into(db: &str, key: &str, dir: &Path, signing: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("latest.json");
    let o = run(
        &[
            "audit",
            "checkpoint",
            "--out",
            out.to_str().unwrap(),
            "--signing-key-file",
            signing,
            "--database-url",
            db,
            "--key-file",
            key,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    written["public_key"].as_str().unwrap().to_string()
}

/// `anju backup` on SQLite: a copy whose audit chain holds the latest
/// checkpoint (an older checkpoint is fine, the log grew), with a manifest;
/// `anju restore` refuses a damaged file and a non-empty target (without
/// --force), and checks the restored chain. A truncated log is not backed
/// up: the copy is set aside as .unverified and the exit code is 1.
#[test]
fn backup_and_restore_check_the_audit_chain_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("anju-backup-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let file = dir.join("anju.sqlite");
    let db = format!("sqlite:{}", file.display());
    let key = p(&dir.join("anju.key"));
    let signing = p(&dir.join("audit-signing.key"));
    let cps = dir.join("checkpoints");
    add_streets(&db, &key, &["street-a", "street-b", "street-c"]);
    let public_key = checkpoint_into(&db, &key, &cps, &signing);
    // The log grows after the checkpoint: still a good backup.
    add_streets(&db, &key, &["street-d"]);
    let backup = p(&dir.join("b1.sqlite"));
    let o = run(
        &[
            "backup",
            "--database-url",
            &db,
            "--out",
            &backup,
            "--checkpoint-dir",
            &p(&cps),
            "--public-key",
            &public_key,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("backup written"), "{}", stdout(&o));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{backup}.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["backend"], "sqlite");
    assert_eq!(manifest["audit"]["size"], 4, "{manifest}");
    assert_eq!(manifest["checkpoint"]["size"], 3, "{manifest}");
    assert_eq!(manifest["sha256"].as_str().unwrap().len(), 64);
    // Never overwrites.
    let o = run(&["backup", "--database-url", &db, "--out", &backup], None);
    assert_input_error(&o, "exists");

    // Restore into a new place, then again (refused without --force).
    let target = format!("sqlite:{}", dir.join("restored.sqlite").display());
    let restore = |force: bool| {
        let mut a = vec!["restore", "--from", &backup, "--database-url", &target];
        if force {
            a.push("--force");
        }
        a.extend(["--public-key", &public_key]);
        run(&a, None)
    };
    let o = restore(false);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("已恢复 (restored)"), "{}", stdout(&o));
    assert!(stdout(&o).contains("4 条审计记录"), "{}", stdout(&o));
    assert_input_error(&restore(false), "--force");
    let o = restore(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The restored database serves: its chain verifies with the data key.
    let o = run(
        &[
            "audit",
            "verify",
            "--database-url",
            &target,
            "--key-file",
            &key,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // A damaged backup is refused before anything is replaced.
    let mut bytes = std::fs::read(&backup).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let damaged = p(&dir.join("damaged.sqlite"));
    std::fs::write(&damaged, &bytes).unwrap();
    std::fs::copy(
        format!("{backup}.manifest.json"),
        format!("{damaged}.manifest.json"),
    )
    .unwrap();
    let o = run(
        &[
            "restore",
            "--from",
            &damaged,
            "--database-url",
            &target,
            "--force",
        ],
        None,
    );
    assert_input_error(&o, "SHA-256");

    // Truncated after the checkpoint (last two entries gone, head moved
    // back): the chain alone verifies, the checkpoint does not.
    let tamper = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             c.execute('DELETE FROM audit_log WHERE seq>=3'); \
             h=c.execute('SELECT entry_hash FROM audit_log WHERE seq=2').fetchone()[0]; \
             c.execute('UPDATE audit_head SET last_seq=2, last_hash=? WHERE id=1',(h,)); c.commit()",
        )
        .arg(&file)
        .status()
        .expect("python3");
    assert!(tamper.success());
    let bad = p(&dir.join("b2.sqlite"));
    let o = run(
        &[
            "backup",
            "--database-url",
            &db,
            "--out",
            &bad,
            "--checkpoint-dir",
            &p(&cps),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));
    assert!(!Path::new(&bad).exists() && Path::new(&format!("{bad}.unverified")).exists());
    assert!(!Path::new(&format!("{bad}.manifest.json")).exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// The same on PostgreSQL (when `ANJU_TEST_DATABASE_URL` is set): pg_dump
/// of the URL's schema at one snapshot, restored with pg_restore after the
/// schema was lost.
#[test]
fn backup_and_restore_on_postgres() {
    let Ok(admin) = std::env::var("ANJU_TEST_DATABASE_URL") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("anju-pg-backup-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let schema = format!("anju_cli_backup_{}", std::process::id());
    let psql = |sql: &str| {
        let s = Command::new("psql")
            .args([admin.as_str(), "-q", "-c", sql])
            .env("PGOPTIONS", "--client-min-messages=warning")
            .status()
            .expect("psql");
        assert!(s.success(), "{sql}");
    };
    psql(&format!("CREATE SCHEMA {schema}"));
    let sep = if admin.contains('?') { '&' } else { '?' };
    let db = format!("{admin}{sep}options=-c%20search_path%3D{schema}");
    let key = p(&dir.join("anju.key"));
    let signing = p(&dir.join("audit-signing.key"));
    let cps = dir.join("checkpoints");
    add_streets(&db, &key, &["street-a", "street-b"]);
    let public_key = checkpoint_into(&db, &key, &cps, &signing);
    let backup = p(&dir.join("anju.pgdump"));
    let o = run(
        &[
            "backup",
            "--database-url",
            &db,
            "--out",
            &backup,
            "--checkpoint-dir",
            &p(&cps),
            "--public-key",
            &public_key,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{backup}.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["backend"], "postgres");
    assert_eq!(manifest["schema"], schema.as_str());
    assert_eq!(manifest["audit"]["size"], 2);

    // Not over a schema that holds data, unless forced.
    let restore = |force: bool| {
        let mut a = vec!["restore", "--from", &backup, "--database-url", &db];
        if force {
            a.push("--force");
        }
        run(&a, None)
    };
    assert_input_error(&restore(false), "--force");
    // The schema is lost; the backup brings it back.
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
    let o = restore(false);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 条审计记录"), "{}", stdout(&o));
    let o = restore(true);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = run(
        &["audit", "verify", "--database-url", &db, "--key-file", &key],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 条记录"), "{}", stdout(&o));
    psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    std::fs::remove_dir_all(&dir).ok();
}

/// `anju keys generate` and `anju keys rotate`: the rotation finishes, is
/// audited (counts, no key material), tells the operator the old key is no
/// longer needed; the server side accepts --previous-key-file.
#[test]
fn keys_rotate_is_audited_and_says_the_old_key_may_go() {
    let dir = std::env::temp_dir().join(format!("anju-keys-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let db = format!("sqlite:{}", dir.join("anju.sqlite").display());
    let old = p(&dir.join("anju.key"));
    let new = p(&dir.join("anju-2.key"));
    add_streets(&db, &old, &["street-a"]);
    let o = run(&["keys", "generate", "--out", &new], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_input_error(
        &run(&["keys", "generate", "--out", &new], None),
        "anju-2.key",
    );
    let o = run(
        &[
            "keys",
            "rotate",
            "--database-url",
            &db,
            "--old-key-file",
            &old,
            "--new-key-file",
            &old,
        ],
        None,
    );
    assert_input_error(&o, "same key");
    let o = run(
        &[
            "keys",
            "rotate",
            "--database-url",
            &db,
            "--old-key-file",
            &old,
            "--new-key-file",
            &new,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("rotation complete"), "{}", stdout(&o));
    assert!(stdout(&o).contains("destroy the old key"), "{}", stdout(&o));
    // Mid-rotation flags on every database command; the audit entry is there.
    let o = run(
        &[
            "audit",
            "verify",
            "--database-url",
            &db,
            "--key-file",
            &new,
            "--previous-key-file",
            &old,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 条记录"), "{}", stdout(&o));
    let log = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT detail_json FROM audit_log WHERE action_code='data_key.rotate'\").fetchone()[0])")
        .arg(dir.join("anju.sqlite"))
        .output()
        .expect("python3");
    let detail: Value = serde_json::from_slice(&log.stdout).unwrap();
    assert_eq!(detail["applications"], 0, "{detail}");
    let key_text = std::fs::read_to_string(&new).unwrap();
    assert!(
        !detail.to_string().contains(key_text.trim()),
        "no key material"
    );
    std::fs::remove_dir_all(&dir).ok();
}
