//! Department verification by file: the template, an upload with good and
//! bad rows, the row-level error report, and the same file twice.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_by_file() {
    for app in TestApp::each_backend().await {
        by_file(&app).await;
    }
}

/// A CSV's first row and the rows after it.
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    let head = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect();
    (head, rows)
}

/// A template: its Chinese header, its codes row and its rows.
fn parse_template(bytes: &[u8]) -> (Vec<String>, Vec<String>, Vec<Vec<String>>) {
    let (zh, mut rows) = parse_csv(bytes);
    assert!(!rows.is_empty(), "a template has its codes row");
    let codes = rows.remove(0);
    (zh, codes, rows)
}

fn write_csv(head: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(head).expect("write");
    for r in rows {
        w.write_record(r).expect("write");
    }
    w.into_inner().expect("flush")
}

fn col(head: &[String], name: &str) -> usize {
    head.iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {head:?}"))
}

async fn audit_entries(auditor: &Session) -> u64 {
    let v = auditor.get("/api/v1/audit/verify").await.json();
    assert_eq!(v["ok"], json!(true), "{v}");
    v["entries"].as_u64().expect("entries")
}

fn confirmed(app: &Value) -> Vec<String> {
    app["application"]["status"]["confirmed"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn by_file(app: &TestApp) {
    // Several applications of one family account feed the files; the
    // one-application rule is tested in screening.rs.
    app.allow_several_applications_per_account();
    let b = app.backend();
    let family = app.login("family").await;
    let family2 = app.login("family2").await;
    let street = app.login(&format!("street-{D}")).await;
    let street_e = app.login(&format!("street-{E}")).await;
    let counter_e = app.login(&format!("community-{E}")).await;
    let police = app.login("verifier-public_security").await;
    let civil = app.login("verifier-civil_affairs").await;
    let auditor = app.login("auditor").await;
    let city = app.login("city").await;

    // A and B (district D) and C (district E) await the departments; S is
    // still with the street.
    let fa = Family::new(D, ["王振国", "李秀梅"]);
    let fb = Family::new(D, ["赵志强", "孙丽娟"]);
    let fc = Family::new(E, ["周文华", "吴海燕"]);
    let fs = Family::new(D, ["郑国庆", "钱思雨"]);
    let a = family.submit_ok(&fa.submission()).await;
    let bb = family2.submit_ok(&fb.submission()).await;
    let c = counter_e.submit_ok(&fc.submission()).await;
    let s = family.submit_ok(&fs.submission()).await;
    street.act_ok(&a, json!({"type": "street_pass"})).await;
    street.act_ok(&bb, json!({"type": "street_pass"})).await;
    street_e.act_ok(&c, json!({"type": "street_pass"})).await;

    // The template: BOM, header, one row per member of every family awaiting
    // the department (a city-level department: every district).
    let before = audit_entries(&auditor).await;
    let res = police
        .get("/api/v1/verification/public_security/template.csv")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/csv")));
    assert!(res.body.starts_with(b"\xEF\xBB\xBF"), "{b}: BOM for Excel");
    let text = res.text();
    // The Chinese header a clerk reads, the field codes under it.
    let first_lines: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .take(2)
        .collect();
    assert_eq!(
        first_lines,
        [
            "申请编号,身份证号,姓名,成员序号,本市常住人口,本市户籍,在本地居住年数,办理居住登记",
            "application_id,resident_id,name,member,resident,hukou_local,residence_years,residence_registration",
        ],
        "{b}"
    );
    // Every header cell of the first row is Chinese.
    assert!(
        first_lines[0]
            .split(',')
            .all(|h| h.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "{b}: {}",
        first_lines[0]
    );
    let (_, head, rows) = parse_template(&res.body);
    assert_eq!(rows.len(), 6, "{b}: two members each of A, B and C: {text}");
    for (id, f) in [(&a, &fa), (&bb, &fb), (&c, &fc)] {
        for (i, rid) in f.ids.iter().enumerate() {
            let row = rows
                .iter()
                .find(|r| r[col(&head, "resident_id")] == *rid)
                .unwrap_or_else(|| panic!("{b}: no row for member {i} of {id}"));
            assert_eq!(row[col(&head, "application_id")], **id);
            assert_eq!(row[col(&head, "name")], f.names[i]);
            assert_eq!(row[col(&head, "member")], (i + 1).to_string());
            assert_eq!(row[col(&head, "resident")], "是");
        }
    }
    assert!(!text.contains(&s), "{b}: S is not awaiting the departments");
    assert!(!text.contains(&fs.ids[0]));
    // The export of personal data is audited.
    let log = city
        .get(&format!("/api/v1/audit?after={before}"))
        .await
        .json();
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "personal_data.export"
                && e["subject"] == "verification:public_security"),
        "{b}: {log}"
    );

    // The department's results: A's two members good (one correction); B's
    // applicant good, its second row a resident ID not in the family, and a
    // row with an invalid resident ID; a row of S, which is not awaiting.
    let rows_of = |id: &str| -> Vec<Vec<String>> {
        rows.iter()
            .filter(|r| r[col(&head, "application_id")] == id)
            .cloned()
            .collect()
    };
    let mut upload = Vec::new();
    let mut a_rows = rows_of(&a);
    a_rows[0][col(&head, "residence_years")] = "9".into();
    upload.extend(a_rows); // lines 2, 3
    let mut b_rows = rows_of(&bb);
    let stranger = resident_id(D, "1970-01-01", true);
    b_rows[1][col(&head, "resident_id")] = stranger.clone();
    upload.extend(b_rows.clone()); // lines 4, 5
    let mut invalid = b_rows[1].clone();
    invalid[col(&head, "resident_id")] = with_bad_check(&fb.ids[1]);
    upload.push(invalid); // line 6
    let mut not_awaiting = b_rows[0].clone();
    not_awaiting[col(&head, "application_id")] = s.clone();
    not_awaiting[col(&head, "resident_id")] = fs.ids[0].clone();
    upload.push(not_awaiting); // line 7
    let mut as_number = b_rows[0].clone();
    as_number[col(&head, "resident_id")] = "1.40311E+17".to_owned();
    upload.push(as_number); // line 8: Excel turned the ID into a number
                            // Saved by Excel or WPS on a Chinese Windows machine: GBK, no BOM.
    let utf8 = write_csv(&head, &upload);
    let text = String::from_utf8(utf8).expect("utf-8");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text.trim_start_matches('\u{feff}'));
    assert!(!unmappable);
    let file = gbk.into_owned();

    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            &file,
            "application/json",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let report = res.json();
    assert_eq!(report["already_imported"], json!(false), "{b}: {report}");
    assert_eq!(report["encoding"], json!("gb18030"), "{b}: read as GBK");
    assert_eq!(report["rows"], json!(7), "{b}: {report}");
    assert_eq!(
        report["rows_ok"],
        json!(3),
        "{b}: A's two rows and B's first: {report}"
    );
    assert_eq!(report["confirmed"], json!([a.clone()]), "{b}: {report}");
    assert_eq!(report["corrections"], json!(1), "{b}: {report}");
    let errors = report["errors"].as_array().expect("errors");
    let at_line =
        |line: u64| -> Vec<&Value> { errors.iter().filter(|e| e["line"] == json!(line)).collect() };
    let reason = |e: &Value| e["reason"].as_str().unwrap_or("").to_owned();
    assert!(
        at_line(8)
            .first()
            .is_some_and(|e| reason(e).contains("当成了数字") && reason(e).contains("文本")),
        "{b}: says the spreadsheet turned the ID into a number: {report}"
    );
    assert_eq!(at_line(5).len(), 1, "{b}: {report}");
    assert!(
        reason(at_line(5)[0]).contains("不是此申请的家庭成员"),
        "{b}: {report}"
    );
    assert_eq!(at_line(5)[0]["resident_id"], masked_id(&stranger));
    assert_eq!(at_line(6).len(), 1, "{b}: {report}");
    assert!(
        reason(at_line(6)[0]).contains("身份证号码无效"),
        "{b}: {report}"
    );
    assert_eq!(at_line(7).len(), 1, "{b}: {report}");
    assert!(
        reason(at_line(7)[0]).contains("不在本部门待核验名单中"),
        "{b}: {report}"
    );
    // Every row is accounted for: good, or listed with its line.
    let row_errors = errors
        .iter()
        .filter(|e| e["line"].as_u64() > Some(0))
        .count();
    assert_eq!(row_errors + 3, 7, "{b}: {report}");
    // ... and B is named as not confirmed, without personal data.
    let summary: Vec<&Value> = at_line(0);
    assert!(
        summary
            .iter()
            .any(|e| reason(e).contains(&bb) && reason(e).contains("未确认")),
        "{b}: {report}"
    );
    for f in [&fa, &fb, &fs] {
        crate::lifecycle::assert_no_personal_data(&report.to_string(), f, "the import report");
    }

    // A is confirmed by public security, with the correction; B and C are not.
    let a_now = police.detail(&a).await;
    assert_eq!(confirmed(&a_now), vec!["public_security"], "{b}");
    assert_eq!(
        a_now["household"]["members"][0]["residence_years"],
        json!(9)
    );
    assert_eq!(a_now["version"], json!(3), "{b}");
    let b_now = police.detail(&bb).await;
    assert_eq!(confirmed(&b_now), Vec::<String>::new(), "{b}");
    assert_eq!(b_now["version"], json!(2), "{b}");
    assert_eq!(police.detail(&c).await["version"], json!(2), "{b}");

    // The same file again changes nothing.
    let entries = audit_entries(&auditor).await;
    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            &file,
            "application/json",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let again = res.json();
    assert_eq!(again["already_imported"], json!(true), "{b}: {again}");
    assert_eq!(again["confirmed"], json!([]), "{b}: {again}");
    // The first import's error rows come back with it.
    assert!(!report["errors"].as_array().expect("errors").is_empty());
    assert_eq!(again["errors"], report["errors"], "{b}: {again}");
    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            &file,
            "text/csv",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text().contains("已导入过"), "{b}: {}", res.text());
    assert!(res.text().contains("身份证号码无效"), "{b}: {}", res.text());
    assert_eq!(
        audit_entries(&auditor).await,
        entries,
        "{b}: no audit entry, no event"
    );
    // (The detail reads below are audited; compare versions.)
    assert_eq!(police.detail(&a).await["version"], json!(3), "{b}");
    assert_eq!(police.detail(&bb).await["version"], json!(2), "{b}");

    // A is no longer in the template; B (still awaiting) and C are.
    let (_, _, rows2) = parse_template(
        &police
            .get("/api/v1/verification/public_security/template.csv")
            .await
            .body,
    );
    let ids2: Vec<&str> = rows2.iter().map(|r| r[0].as_str()).collect();
    assert!(!ids2.contains(&a.as_str()), "{b}: {ids2:?}");
    assert!(
        ids2.contains(&bb.as_str()) && ids2.contains(&c.as_str()),
        "{b}: {ids2:?}"
    );

    // Civil affairs asks for the error report as CSV, its file headed by
    // the Chinese row alone (the codes row deleted): B's second member's
    // marriage is not a yes/no; a second row for A's applicant (meant for
    // the spouse) does not confirm the spouse.
    let res = civil
        .get("/api/v1/verification/civil_affairs/template.csv")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let (czh, chead, crows) = parse_template(&res.body);
    assert_eq!(
        chead,
        ["application_id", "resident_id", "name", "member", "married"],
        "{b}"
    );
    let of =
        |id: &str| -> Vec<Vec<String>> { crows.iter().filter(|r| r[0] == id).cloned().collect() };
    let mut cfile = Vec::new();
    let a_rows = of(&a);
    cfile.push(a_rows[0].clone()); // line 2
    cfile.push(a_rows[0].clone()); // line 3: A's applicant again
    let mut b_rows = of(&bb);
    b_rows[1][4] = "maybe".into();
    cfile.extend(b_rows); // lines 4, 5
    cfile.extend(of(&c)); // lines 6, 7: C is good
    let res = civil
        .upload(
            "/api/v1/verification/civil_affairs/upload",
            &write_csv(&czh, &cfile),
            "text/csv",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/csv")));
    assert!(res.body.starts_with(b"\xEF\xBB\xBF"), "{b}: BOM");
    let (ehead, erows) = parse_csv(&res.body);
    assert_eq!(ehead, ["行号", "身份证号", "原因"], "{b}");
    let line = |n: &str| erows.iter().find(|r| r[0] == n).cloned();
    let l3 = line("3").unwrap_or_else(|| panic!("{b}: line 3 missing: {erows:?}"));
    assert!(l3[2].contains("多行"), "{b}: {l3:?}");
    assert_eq!(l3[1], masked_id(&fa.ids[0]));
    let l5 = line("5").unwrap_or_else(|| panic!("{b}: line 5 missing: {erows:?}"));
    assert!(l5[2].contains("married"), "{b}: {l5:?}");
    assert!(
        line("2").is_none() && line("4").is_none() && line("6").is_none() && line("7").is_none()
    );
    assert!(
        erows.iter().any(|r| r[0] == "0" && r[2].contains(&a)),
        "{b}: {erows:?}"
    );
    assert!(
        erows.iter().any(|r| r[0] == "0" && r[2].contains(&bb)),
        "{b}: {erows:?}"
    );
    assert_eq!(
        confirmed(&civil.detail(&a).await),
        vec!["public_security"],
        "{b}: the spouse was not confirmed"
    );
    assert_eq!(
        confirmed(&civil.detail(&bb).await),
        Vec::<String>::new(),
        "{b}"
    );
    assert_eq!(
        confirmed(&civil.detail(&c).await),
        vec!["civil_affairs"],
        "{b}"
    );

    // The same file is applied at most once, even when it would now do
    // something: S was not awaiting the department when its rows came in;
    // once it is, the same bytes still change nothing.
    let s_rows: Vec<Vec<String>> = fs
        .ids
        .iter()
        .enumerate()
        .map(|(i, rid)| {
            vec![
                s.clone(),
                rid.clone(),
                fs.names[i].clone(),
                (i + 1).to_string(),
                "是".into(),
                "是".into(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    let s_file = write_csv(&head, &s_rows);
    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            &s_file,
            "application/json",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let first = res.json();
    assert_eq!(first["confirmed"], json!([]), "{b}: {first}");
    assert_eq!(
        first["errors"].as_array().map(Vec::len),
        Some(2),
        "{b}: {first}"
    );
    street.act_ok(&s, json!({"type": "street_pass"})).await;
    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            &s_file,
            "application/json",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let again = res.json();
    assert_eq!(again["already_imported"], json!(true), "{b}: {again}");
    assert_eq!(again["confirmed"], json!([]), "{b}: {again}");
    let s_now = police.detail(&s).await;
    assert_eq!(s_now["version"], json!(2), "{b}: {s_now}");
    assert_eq!(confirmed(&s_now), Vec::<String>::new(), "{b}");

    // Files that cannot be read are refused as a whole, naming the file.
    for bad in [b"name,member\n".to_vec(), vec![0xff, 0xfe, 0x00, 0x41]] {
        let res = police
            .upload(
                "/api/v1/verification/public_security/upload",
                &bad,
                "application/json",
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        let e = res.error();
        assert!(
            e["code"] == "invalid_file" || e["code"] == "invalid_encoding",
            "{b}: {e}"
        );
        assert_eq!(e["field"], "file");
    }
}

/// Excel both ways: the XLSX template, uploaded back unchanged, confirms
/// every family in it (the department's records agree with the declaration).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_by_excel_round_trip() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let street = app.login(&format!("street-{D}")).await;
        let police = app.login("verifier-public_security").await;
        let f = Family::new(D, ["冯建国", "陈红梅"]);
        let id = family.submit_ok(&f.submission()).await;
        street.act_ok(&id, json!({"type": "street_pass"})).await;
        let res = police
            .get("/api/v1/verification/public_security/template.xlsx")
            .await;
        assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
        assert!(res.body.starts_with(b"PK\x03\x04"), "{b}: an XLSX file");
        let report = police
            .upload(
                "/api/v1/verification/public_security/upload",
                &res.body,
                "application/json",
            )
            .await;
        assert_eq!(report.status, StatusCode::OK, "{b}: {}", report.text());
        let v = report.json();
        assert_eq!(v["confirmed"], json!([id]), "{b}: {v}");
        assert_eq!(v["errors"], json!([]), "{b}: {v}");
        let detail = police
            .get(&format!("/api/v1/applications/{id}"))
            .await
            .json();
        assert_eq!(
            confirmed(&detail),
            vec!["public_security".to_string()],
            "{b}"
        );
    }
}
