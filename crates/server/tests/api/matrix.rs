//! Role × endpoint: every endpoint of /api/v1/openapi.json, called by every
//! demo role (district staff of 城区 140302 and of 矿区 140303), and by no
//! one. Each cell is the status the server must answer; the table is the
//! specification a reader checks against the issue:
//!
//! * a family reads only its own applications — another family's is 404;
//! * district staff see and act for their district only — another
//!   district's application is 404 (its existence is not disclosed);
//! * a role that may see an application but not take the action gets 403;
//!   a role that may take it, in a state that does not allow it, gets 409;
//! * city-level readers (verifiers, city bureau, company, auditor) read
//!   everything; the auditor and the city bureau read the audit log; the
//!   auditor acts on nothing;
//! * a department's template and upload are its own verifiers' only;
//! * notices, districts, the self-check and this document are public.
//!
//! Fixtures (district 140302, owned by `family`): A is submitted, U is under
//! verification. A cell that expects success runs on a fresh application in
//! the same state, so the cells do not depend on each other; refusals run on
//! A and U, which must be unchanged at the end.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

/// The columns: accounts (see `demo_accounts`, plus `family2`), then no session.
const ACCOUNTS: [&str; 16] = [
    "family",
    "family2",
    "community-140302",
    "community-140303",
    "street-140302",
    "street-140303",
    "verifier-public_security",
    "verifier-civil_affairs",
    "verifier-natural_resources",
    "verifier-human_resources",
    "verifier-provident_fund",
    "bureau-140302",
    "bureau-140303",
    "city",
    "company",
    "auditor",
];

#[rustfmt::skip]
const MATRIX: &[(&str, &str)] = &[
    //                                                                fam  fam2 com2 com3 str2 str3 v:ps v:ca v:nr v:hr v:pf bur2 bur3 city comp aud  anon
    ("POST   /api/v1/session (anon: wrong password)",                 "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  401"),
    ("GET    /api/v1/me",                                             "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  401"),
    ("POST   /api/v1/check",                                          "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/applications",                                   "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  401"),
    ("POST   /api/v1/applications (a 140302 family)",                 "201  201  201  403  403  403  403  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/applications/{A}",                               "200  404  200  404  200  404  200  200  200  200  200  200  404  200  200  200  401"),
    ("POST   /api/v1/applications/{A}/actions street_pass",           "403  404  403  404  200  404  403  403  403  403  403  403  404  403  403  403  401"),
    ("POST   /api/v1/applications/{A}/actions withdraw",              "200  404  200  404  403  404  403  403  403  403  403  403  404  403  403  403  401"),
    ("POST   /api/v1/applications/{A}/actions record_objection",      "403  404  409  404  409  404  403  403  403  403  403  409  404  403  403  403  401"),
    ("POST   /api/v1/applications/{A}/actions qualify",               "403  404  403  404  403  404  403  403  403  403  403  409  404  403  403  403  401"),
    ("POST   /api/v1/applications/{U}/actions department_confirm",    "403  404  403  404  403  404  200  200  200  200  200  403  404  403  403  403  401"),
    ("GET    /api/v1/verification/public_security/template.csv",      "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/verification/public_security/template.xlsx",     "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("POST   /api/v1/verification/public_security/upload",            "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/audit",                                          "403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  200  401"),
    ("GET    /api/v1/audit/verify",                                   "403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  200  401"),
    ("GET    /api/v1/notices",                                        "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/notices.xlsx",                                   "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/districts",                                      "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/openapi.json",                                   "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/projects",                                       "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("POST   /api/v1/projects",                                       "403  403  403  403  403  403  403  403  403  403  403  403  403  403  201  403  401"),
    ("GET    /api/v1/projects/{M} (a draft)",                         "404  404  404  404  404  404  404  404  404  404  404  404  404  200  200  200  404"),
    ("PUT    /api/v1/projects/{M}/plan",                              "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    ("POST   /api/v1/projects/{M}/plan/steps approve (a draft)",      "403  403  403  403  403  403  403  403  403  403  403  403  403  422  403  403  401"),
    ("POST   /api/v1/projects/{M}/homes",                             "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    ("GET    /api/v1/projects/homes-template.csv",                    "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("GET    /api/v1/projects/homes-template.xlsx",                   "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("POST   /api/v1/projects/{M}/rounds (plan not published)",       "403  403  403  403  403  403  403  403  403  403  403  403  403  403  422  403  401"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/entrants.csv",       "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/draws",              "403  403  403  403  403  403  403  403  403  403  403  403  403  403  404  403  401"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/draws/{draw}/result.csv", "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/draws/{draw}/verify", "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/redraw-request",     "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/redraw-approval",    "403  403  403  403  403  403  403  403  403  403  403  403  403  409  409  403  401"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/status",             "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/calls",              "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/selection decline {A}", "404  404  404  404  404  404  404  404  404  404  404  404  404  403  404  403  401"),
    ("POST   /api/v1/projects/{M}/expire-overdue",                    "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    ("POST   /api/v1/projects/{M}/homes/{home}/title (not sold)",     "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    ("POST   /api/v1/projects/{M}/homes/{home}/dealings (no title)",  "403  403  403  403  403  403  403  403  403  403  403  403  403  409  409  403  401"),
    ("GET    /api/v1/projects/{M}/results.xlsx (a draft)",            "404  404  404  404  404  404  404  404  404  404  404  404  404  200  200  200  404"),
    ("GET    /api/v1/applications/{A}/allotment",                     "200  404  200  404  200  404  200  200  200  200  200  200  404  200  200  200  401"),
    ("DELETE /api/v1/session",                                        "204  204  204  204  204  204  204  204  204  204  204  204  204  204  204  204  401"),
];

fn expected(row: &str) -> Vec<u16> {
    let v: Vec<u16> = row
        .split_whitespace()
        .map(|s| s.parse().expect("status"))
        .collect();
    assert_eq!(v.len(), ACCOUNTS.len() + 1, "{row}");
    v
}

/// The probes, in the order of `MATRIX`.
#[derive(Clone, Copy, Debug)]
enum Probe {
    Login,
    Me,
    Check,
    List,
    Submit,
    Detail,
    Act(&'static str, Fixture),
    Template,
    TemplateXlsx,
    Upload,
    Audit,
    AuditVerify,
    Public(&'static str),
    /// An allotment call: method, path ({M}: the draft project, {A}: the
    /// submitted application, {round}, {draw}, {home}), JSON body ("" for none).
    Api(&'static str, &'static str, &'static str),
    /// PUT the draft project's plan at its current version.
    Plan,
    /// Upload one good homes row to the draft project.
    Homes,
    Logout,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fixture {
    Submitted,
    UnderVerification,
}

const PROBES: [Probe; 44] = [
    Probe::Login,
    Probe::Me,
    Probe::Check,
    Probe::List,
    Probe::Submit,
    Probe::Detail,
    Probe::Act("street_pass", Fixture::Submitted),
    Probe::Act("withdraw", Fixture::Submitted),
    Probe::Act("record_objection", Fixture::Submitted),
    Probe::Act("qualify", Fixture::Submitted),
    Probe::Act("department_confirm", Fixture::UnderVerification),
    Probe::Template,
    Probe::TemplateXlsx,
    Probe::Upload,
    Probe::Audit,
    Probe::AuditVerify,
    Probe::Public("/api/v1/notices"),
    Probe::Public("/api/v1/notices.xlsx"),
    Probe::Public("/api/v1/districts"),
    Probe::Public("/api/v1/openapi.json"),
    Probe::Public("/api/v1/projects"),
    Probe::Api(
        "POST",
        "/api/v1/projects",
        r#"{"id": "MATRIX-NEW", "name": "矩阵测试", "district": "140302"}"#,
    ),
    Probe::Api("GET", "/api/v1/projects/{M}", ""),
    Probe::Plan,
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/plan/steps",
        r#"{"step": "approve", "version": 0}"#,
    ),
    Probe::Homes,
    Probe::Public("/api/v1/projects/homes-template.csv"),
    Probe::Public("/api/v1/projects/homes-template.xlsx"),
    Probe::Api("POST", "/api/v1/projects/{M}/rounds", r#"{"round": 1}"#),
    Probe::Api(
        "GET",
        "/api/v1/projects/{M}/rounds/{round}/entrants.csv",
        "",
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/draws",
        r#"{"reveal": "x", "notary": "公证处"}"#,
    ),
    Probe::Api(
        "GET",
        "/api/v1/projects/{M}/rounds/{round}/draws/{draw}/result.csv",
        "",
    ),
    Probe::Api(
        "GET",
        "/api/v1/projects/{M}/rounds/{round}/draws/{draw}/verify",
        "",
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/redraw-request",
        r#"{"reason": "公证员录入有误需重新摇号"}"#,
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/redraw-approval",
        "{}",
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/status",
        r#"{"to": "selecting"}"#,
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/calls",
        r#"{"count": 1}"#,
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/rounds/{round}/selection",
        r#"{"type": "decline", "application_id": "{A}"}"#,
    ),
    Probe::Api("POST", "/api/v1/projects/{M}/expire-overdue", "{}"),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/homes/{home}/title",
        r#"{"certificate_no": "晋(2026)测试第1号"}"#,
    ),
    Probe::Api(
        "POST",
        "/api/v1/projects/{M}/homes/{home}/dealings",
        r#"{"dealing": "sale"}"#,
    ),
    Probe::Api("GET", "/api/v1/projects/{M}/results.xlsx", ""),
    Probe::Api("GET", "/api/v1/applications/{A}/allotment", ""),
    Probe::Logout,
];

/// Every operation of the OpenAPI document has a row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_covers_every_documented_operation() {
    let doc = anju_server::openapi::document();
    let rows: Vec<String> = MATRIX
        .iter()
        .map(|(label, _)| {
            let mut words = label.split_whitespace();
            let method = words.next().unwrap_or("");
            let path = words
                .next()
                .unwrap_or("")
                .replace("{A}", "{id}")
                .replace("{U}", "{id}")
                .replace("{M}", "{id}")
                .replace("public_security", "{department}");
            format!("{method} {path}")
        })
        .collect();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            let op = format!("{} {path}", method.to_uppercase());
            assert!(rows.contains(&op), "no row for {op}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_by_endpoint_matrix() {
    assert_eq!(MATRIX.len(), PROBES.len());
    for app in TestApp::each_backend().await {
        matrix(&app).await;
    }
}

struct Fixtures {
    family: Session,
    street: Session,
    a: String,
    u: String,
    /// A draft allotment project with a plan and homes.
    m: String,
}

const MATRIX_HOMES: &str = "楼栋,单元,楼层,房号,建筑面积（㎡）,户型,朝向,房源类型（新建/收购/政府持有）,收购成本（元）,配售价格（元）\n1,1,3,301,89.56,三室两厅,南北,新建,,376000\n";

impl Fixtures {
    async fn fresh(&self, kind: Fixture) -> String {
        let id = self
            .family
            .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
            .await;
        if kind == Fixture::UnderVerification {
            self.street
                .act_ok(&id, json!({"type": "street_pass"}))
                .await;
        }
        id
    }
}

fn action_body(action: &str, who: &str) -> serde_json::Value {
    match action {
        "record_objection" => json!({"type": action, "text": "群众反映该户在外地有住房"}),
        "department_confirm" => {
            let dept = who.strip_prefix("verifier-").unwrap_or("public_security");
            json!({"type": action, "department": dept})
        }
        _ => json!({"type": action}),
    }
}

/// Calls one cell. `who` is the column's account (`None`: no session); a
/// login cell returns the session it opened.
async fn call(
    app: &TestApp,
    fx: &Fixtures,
    probe: Probe,
    who: Option<&str>,
    session: Option<&Session>,
    expect: u16,
) -> (u16, Option<Session>) {
    if let Probe::Login = probe {
        return match who {
            Some(username) => {
                let s = app.login(username).await;
                (200, Some(s))
            }
            None => {
                let res = app
                    .anon_post_json(
                        "/api/v1/session",
                        &json!({"username": "family", "password": "not-the-password"}),
                    )
                    .await;
                assert_eq!(res.error()["code"], "bad_credentials");
                (res.status.as_u16(), None)
            }
        };
    }
    let who = session;
    let get = |path: String| async move {
        match who {
            Some(s) => s.get(&path).await,
            None => app.anon_get(&path).await,
        }
    };
    let post = |path: String, body: serde_json::Value| async move {
        match who {
            Some(s) => s.post_json(&path, &body).await,
            None => app.anon_post_json(&path, &body).await,
        }
    };
    let res = match probe {
        Probe::Login => unreachable!("handled above"),
        Probe::Me => get("/api/v1/me".into()).await,
        Probe::Check => {
            post(
                "/api/v1/check".into(),
                Family::new(D, ["王振国", "李秀梅"]).household,
            )
            .await
        }
        Probe::List => get("/api/v1/applications".into()).await,
        Probe::Submit => {
            post(
                "/api/v1/applications".into(),
                Family::new(D, ["王振国", "李秀梅"]).submission(),
            )
            .await
        }
        Probe::Detail => get(format!("/api/v1/applications/{}", fx.a)).await,
        Probe::Act(action, fixture) => {
            let id = if (200..300).contains(&expect) {
                fx.fresh(fixture).await
            } else if fixture == Fixture::Submitted {
                fx.a.clone()
            } else {
                fx.u.clone()
            };
            let who_name = who.map_or("", |s| s.username.as_str());
            post(
                format!("/api/v1/applications/{id}/actions"),
                action_body(action, who_name),
            )
            .await
        }
        Probe::Template => get("/api/v1/verification/public_security/template.csv".into()).await,
        Probe::TemplateXlsx => {
            get("/api/v1/verification/public_security/template.xlsx".into()).await
        }
        Probe::Upload => match who {
            Some(s) => {
                s.upload(
                    "/api/v1/verification/public_security/upload",
                    b"application_id,resident_id\n",
                    "application/json",
                )
                .await
            }
            None => {
                app.anon_post_json(
                    "/api/v1/verification/public_security/upload",
                    &json!("application_id,resident_id"),
                )
                .await
            }
        },
        Probe::Audit => get("/api/v1/audit".into()).await,
        Probe::AuditVerify => get("/api/v1/audit/verify".into()).await,
        Probe::Public(path) => get(path.into()).await,
        Probe::Api(method, template, body) => {
            let path = template
                .replace("{M}", &fx.m)
                .replace("{A}", &fx.a)
                .replace("{round}", "1")
                .replace("{draw}", "1")
                .replace("{home}", "1-1-301");
            let body = body.replace("{A}", &fx.a);
            match (method, who) {
                ("GET", _) => get(path).await,
                (_, Some(s)) => {
                    s.post_json(&path, &serde_json::from_str(&body).expect("body"))
                        .await
                }
                (_, None) => {
                    app.anon_post_json(&path, &serde_json::from_str(&body).expect("body"))
                        .await
                }
            }
        }
        Probe::Plan => {
            let path = format!("/api/v1/projects/{}/plan", fx.m);
            let company = app.login("company").await;
            let version = company
                .get(&format!("/api/v1/projects/{}", fx.m))
                .await
                .json()["version"]
                .clone();
            let body = json!({"terms": crate::allotment::plan_terms(day0()), "version": version});
            match who {
                Some(s) => s.put_json(&path, &body).await,
                None => {
                    app.send(
                        axum::http::Request::builder()
                            .method("PUT")
                            .uri(&path)
                            .header("content-type", "application/json")
                            .body(axum::body::Body::from(body.to_string()))
                            .expect("request"),
                    )
                    .await
                }
            }
        }
        Probe::Homes => {
            let path = format!("/api/v1/projects/{}/homes", fx.m);
            match who {
                Some(s) => {
                    s.upload(&path, MATRIX_HOMES.as_bytes(), "application/json")
                        .await
                }
                None => app.anon_post_json(&path, &json!(MATRIX_HOMES)).await,
            }
        }
        Probe::Logout => match who {
            Some(s) => s.delete("/api/v1/session").await,
            None => {
                app.send(
                    axum::http::Request::builder()
                        .method("DELETE")
                        .uri("/api/v1/session")
                        .body(axum::body::Body::empty())
                        .expect("request"),
                )
                .await
            }
        },
    };
    // Every refusal is the JSON error shape.
    if res.status.is_client_error() {
        let e = res.error();
        let code = e["code"].as_str().unwrap_or("");
        let want = match res.status.as_u16() {
            401 => ["unauthorized", "bad_credentials"].contains(&code),
            403 => code == "forbidden",
            404 => code == "not_found",
            409 => code == "conflict",
            _ => true,
        };
        assert!(want, "{probe:?}: {} with code {code}", res.status);
    }
    (res.status.as_u16(), None)
}

async fn matrix(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    let street = app.login("street-140302").await;
    let a = family
        .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
        .await;
    let u = family
        .submit_ok(&Family::new(D, ["赵志强", "孙丽娟"]).submission())
        .await;
    street.act_ok(&u, json!({"type": "street_pass"})).await;
    let m = "MATRIX-1".to_string();
    let company = app.login("company").await;
    let res = company
        .post_json(
            "/api/v1/projects",
            &json!({"id": m, "name": "矩阵测试项目", "district": D}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
    company
        .upload(
            &format!("/api/v1/projects/{m}/homes"),
            MATRIX_HOMES.as_bytes(),
            "application/json",
        )
        .await;
    let fx = Fixtures {
        family,
        street,
        a: a.clone(),
        u: u.clone(),
        m,
    };
    // The first row (sign in) opens the sessions of the other rows; the
    // last (sign out) ends them, after the checks that follow the table.
    let mut sessions: Vec<Option<Session>> = vec![None; ACCOUNTS.len() + 1];
    let mut actual: Vec<Vec<u16>> = Vec::new();
    for (probe, (_, row)) in PROBES.iter().zip(MATRIX) {
        if let Probe::Logout = probe {
            scoped_lists_and_departments(app, &sessions, &a).await;
        }
        let want = expected(row);
        let mut got = Vec::new();
        for col in 0..=ACCOUNTS.len() {
            let who = ACCOUNTS.get(col).copied();
            let (status, opened) =
                call(app, &fx, *probe, who, sessions[col].as_ref(), want[col]).await;
            if let Some(s) = opened {
                sessions[col] = Some(s);
            }
            got.push(status);
        }
        actual.push(got);
    }

    let mut diff = String::new();
    for ((label, row), got) in MATRIX.iter().zip(&actual) {
        let want = expected(row);
        if want != *got {
            diff.push_str(&format!(
                "{label}\n  expected {want:?}\n  got      {got:?}\n"
            ));
        }
    }
    assert!(
        diff.is_empty(),
        "{b}: columns {ACCOUNTS:?} + anonymous\n{diff}"
    );
    // Signed out means signed out.
    for s in sessions.iter().flatten() {
        assert_eq!(
            s.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{b}"
        );
    }

    // The refusals changed nothing.
    let family = app.login("family").await;
    assert_eq!(family.detail(&a).await["version"], json!(1), "{b}");
    assert_eq!(status(&family.detail(&a).await), "submitted");
    assert_eq!(family.detail(&u).await["version"], json!(2), "{b}");
}

/// Checks that follow the table, with its sessions.
async fn scoped_lists_and_departments(app: &TestApp, sessions: &[Option<Session>], a: &str) {
    let b = app.backend();
    // Lists are scoped the same way as reads: A is listed exactly for those
    // who may read it.
    for (who, s) in ACCOUNTS.iter().zip(sessions.iter().flatten()) {
        let listed = s.get("/api/v1/applications?limit=500").await.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == a);
        let readable = s.get(&format!("/api/v1/applications/{a}")).await.status == StatusCode::OK;
        assert_eq!(
            listed, readable,
            "{b}: {who} lists A: {listed}, reads A: {readable}"
        );
        if *who == "family2" || who.ends_with("140303") {
            assert!(!listed, "{b}: {who}");
        }
    }
    let family2 = sessions[1].as_ref().expect("family2");
    assert_eq!(
        family2.get("/api/v1/applications").await.json()["items"]
            .as_array()
            .map(|i| i.iter().all(|x| x["owner"] == family2.user["id"])),
        Some(true),
        "{b}: a family lists only its own"
    );

    // Each department's template and upload are its own verifiers' only.
    for (i, who) in DEPARTMENTS.iter().enumerate() {
        let s = sessions[6 + i].as_ref().expect("verifier");
        assert_eq!(s.username, format!("verifier-{who}"));
        for dept in DEPARTMENTS {
            let want = if *who == dept { 200 } else { 403 };
            let t = s
                .get(&format!("/api/v1/verification/{dept}/template.csv"))
                .await;
            assert_eq!(t.status.as_u16(), want, "{b}: {who} template of {dept}");
            let up = s
                .upload(
                    &format!("/api/v1/verification/{dept}/upload"),
                    format!("application_id,resident_id,{who}\n").as_bytes(),
                    "application/json",
                )
                .await;
            assert_eq!(up.status.as_u16(), want, "{b}: {who} upload for {dept}");
        }
    }
}
