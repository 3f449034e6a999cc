//! Role × operation: every operation of /api/v1/openapi.json, called by
//! every demo role (district staff of 城区 140302 and of 矿区 140303), and
//! by no one. The operations, and who may call each, come from the
//! document (`x-anju-roles`); nothing here lists them.
//!
//! * Every operation is probed in every column. Without a session, one
//!   that needs a session is 401; an account whose role the operation does
//!   not name is refused (403, or 404 where the record is not disclosed to
//!   it); an account whose role it names is not refused for its role; no
//!   cell is ever a 5xx; every refusal is the JSON error envelope.
//! * `EXACT` refines that for the operations whose answers depend on
//!   scope and state, with the exact status of each cell (the
//!   specification a reader checks against the issue):
//!   - a family reads only its own applications — another family's is 404;
//!   - district staff see and act for their district only — another
//!     district's application is 404 (its existence is not disclosed);
//!   - a role that may see an application but not take the action gets
//!     403; a role that may take it, in a state that does not allow it,
//!     gets 409;
//!   - city-level readers (verifiers, city bureau, company, auditor) read
//!     everything; the auditor and the city bureau read the audit log; the
//!     auditor acts on nothing;
//!   - a department's template and upload are its own verifiers' only.
//!
//!   Each row must name a documented operation and agree with its
//!   `x-anju-roles`: a role it does not name is 403/404 in every cell, a
//!   role it names is let through (not 401/403) in at least one cell. An
//!   operation without a row is probed with the document's own example
//!   body and checked against `x-anju-roles` alone.
//!
//! Fixtures (district 140302, owned by `family`): A is submitted, U is under
//! verification, M a draft project with a plan and homes. A cell that
//! expects success runs on a fresh application in the same state, so the
//! cells do not depend on each other; refusals run on A and U, which must
//! be unchanged at the end.

use crate::common::*;
use crate::openapi::{allowed, operations, roles};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};

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

/// Exact answers. A row is `METHOD path [body]`: the path with the
/// fixtures `{A}`, `{U}`, `{M}` (and `{round}`, `{draw}`, `{home}` as 1,
/// 1, 1-1-301); the body JSON with `{who}` (the column's account),
/// `{password}`, `{dept}` (the column's department, else public_security),
/// `{A}`, `{terms}` (a complete plan) and `{version}` (M's current
/// version), or `@homes` (one good homes row as CSV) or `@csv` (an empty
/// verification result file). Rows run in order; signing out runs last.
#[rustfmt::skip]
// A role that may never take an action is refused (403) before the
// application is looked up, so it learns nothing about whether it exists;
// a role that may take it but cannot see the application gets 404.
const EXACT: &[(&str, &str)] = &[
    //                                                                fam  fam2 com2 com3 str2 str3 v:ps v:ca v:nr v:hr v:pf bur2 bur3 city comp aud  anon
    (r#"POST   /api/v1/session {"username": "{who}", "password": "{password}"}"#, "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  401"),
    ("POST   /api/v1/check @family",                                  "200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200"),
    ("POST   /api/v1/applications @submission",                       "201  201  201  403  403  403  403  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/applications/{A}",                               "200  404  200  404  200  404  200  200  200  200  200  200  404  200  200  200  401"),
    (r#"POST   /api/v1/applications/{A}/actions {"type": "street_pass"}"#, "403  403  403  403  200  404  403  403  403  403  403  403  403  403  403  403  401"),
    (r#"POST   /api/v1/applications/{A}/actions {"type": "withdraw", "reason": "家庭已购得其他住房"}"#,    "200  404  403  404  403  403  403  403  403  403  403  403  403  403  403  403  401"),
    (r#"POST   /api/v1/applications/{A}/actions {"type": "record_objection", "text": "群众反映该户在外地有住房"}"#, "403  403  409  404  409  404  403  403  403  403  403  409  404  403  403  403  401"),
    (r#"POST   /api/v1/applications/{A}/actions {"type": "qualify"}"#,     "403  403  403  403  403  403  403  403  403  403  403  409  404  403  403  403  401"),
    (r#"POST   /api/v1/applications/{U}/actions {"type": "department_confirm", "department": "{dept}"}"#, "403  403  403  403  403  403  200  200  200  200  200  403  403  403  403  403  401"),
    ("GET    /api/v1/verification/public_security/template.csv",      "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/verification/public_security/template.xlsx",     "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("POST   /api/v1/verification/public_security/upload @csv",       "403  403  403  403  403  403  200  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/audit",                                          "403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  200  401"),
    ("GET    /api/v1/audit/verify",                                   "403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  200  401"),
    (r#"POST   /api/v1/projects {"id": "MATRIX-NEW", "name": "矩阵测试", "district": "140302"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  201  403  401"),
    ("GET    /api/v1/projects/{M} (a draft)",                         "404  404  404  404  404  404  404  404  404  404  404  404  404  200  200  200  404"),
    (r#"PUT    /api/v1/projects/{M}/plan {"terms": {terms}, "version": {version}}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    (r#"POST   /api/v1/projects/{M}/plan/steps {"step": "approve", "version": 0}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  422  403  403  401"),
    ("POST   /api/v1/projects/{M}/homes @homes",                      "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    (r#"POST   /api/v1/projects/{M}/rounds {"round": 1}"#,            "403  403  403  403  403  403  403  403  403  403  403  403  403  403  422  403  401"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/entrants.csv",       "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    (r#"POST   /api/v1/projects/{M}/rounds/{round}/draws {"reveal": "x", "notary": "公证处"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  404  403  401"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/draws/{draw}/result.csv", "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    ("GET    /api/v1/projects/{M}/rounds/{round}/draws/{draw}/verify", "404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404"),
    (r#"POST   /api/v1/projects/{M}/rounds/{round}/redraw-request {"reason": "公证员录入有误需重新摇号"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    ("POST   /api/v1/projects/{M}/rounds/{round}/redraw-approval {}", "403  403  403  403  403  403  403  403  403  403  403  403  403  409  409  403  401"),
    (r#"POST   /api/v1/projects/{M}/rounds/{round}/status {"to": "selecting"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    (r#"POST   /api/v1/projects/{M}/rounds/{round}/calls {"count": 1}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    (r#"POST   /api/v1/projects/{M}/rounds/{round}/selection {"type": "decline", "application_id": "{A}"}"#, "404  404  404  404  404  404  404  404  404  404  404  404  404  403  404  403  401"),
    ("POST   /api/v1/projects/{M}/expire-overdue {}",                 "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    (r#"POST   /api/v1/projects/{M}/homes/{home}/title {"certificate_no": "晋(2026)测试第1号"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  409  403  401"),
    (r#"POST   /api/v1/projects/{M}/homes/{home}/dealings {"dealing": "sale"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  409  409  403  401"),
    ("GET    /api/v1/projects/{M}/results.xlsx (a draft)",            "404  404  404  404  404  404  404  404  404  404  404  404  404  200  200  200  404"),
    (r#"POST   /api/v1/projects/{M}/plan/steps {"step": "submit", "version": {version}}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  200  403  401"),
    ("GET    /api/v1/applications/{A}/allotment",                     "200  404  200  404  200  404  200  200  200  200  200  200  404  200  200  200  401"),
    // Rentals: the test city (Yangquan) has no rental rules, so a role the
    // operation names gets 404 `no_rental_rules` (rentals.rs runs them
    // under Loudi); the others are refused first.
    ("GET    /api/v1/rentals/homes",                                       "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/candidates",                                  "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/offers",                                      "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/leases",                                      "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/arrears",                                     "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/blacklist",                                   "403  403  403  403  403  403  403  403  403  403  403  403  403  404  404  404  401"),
    ("GET    /api/v1/rentals/mine",                                   "404  404  403  403  403  403  403  403  403  403  403  403  403  403  403  403  401"),
    ("GET    /api/v1/acquisition",                                    "403  403  403  403  403  403  403  403  403  403  403  403  403  200  200  200  401"),
    (r#"POST   /api/v1/acquisition/companies {"id": "MATRIX-CO", "name": "矩阵测试公司"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  201  403  403  401"),
    ("POST   /api/v1/acquisition/surveys {}",                         "403  403  403  403  403  403  403  403  403  403  403  403  403  403  201  403  401"),
    (r#"POST   /api/v1/acquisition/plans/{M}/approval {"version": 0}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  404  403  403  401"),
    (r#"POST   /api/v1/acquisition/purchases/{M}/steps {"step": "notice", "start": "2026-06-08"}"#, "403  403  403  403  403  403  403  403  403  403  403  403  403  403  404  403  401"),
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

/// One probe: a request to make in every column.
#[derive(Clone, Debug)]
struct Probe {
    label: String,
    method: Method,
    /// With fixtures (`{A}`, `{M}`, …).
    path: String,
    /// The documented path it calls.
    template: String,
    /// Body spec (see `EXACT`); empty for none.
    body: String,
    /// The operation's `x-anju-roles` (None: public).
    roles: Option<Vec<String>>,
    secured: bool,
    /// Exact statuses, or None to check against `roles` alone.
    exact: Option<Vec<u16>>,
}

/// The fixture placeholders of a path as the document's parameters.
fn template_of(path: &str) -> String {
    path.replace("{A}", "{id}")
        .replace("{U}", "{id}")
        .replace("{M}", "{id}")
        .replace(
            "/verification/public_security/",
            "/verification/{department}/",
        )
}

/// A documented path with fixtures in place of its parameters.
fn fixture_path(template: &str) -> String {
    let p = if template.starts_with("/api/v1/projects/{id}") {
        template.replacen("{id}", "{M}", 1)
    } else {
        template.replacen("{id}", "{A}", 1)
    };
    p.replace("{department}", "public_security")
}

/// The probes, from the document: the `EXACT` rows of each operation, or
/// one probe with the document's example body; signing out last.
fn probes(doc: &Value) -> Vec<Probe> {
    let ops = operations(doc);
    let mut rows: Vec<Probe> = Vec::new();
    for (label, row) in EXACT {
        let mut words = label.splitn(3, char::is_whitespace);
        let method: Method = words.next().expect("method").parse().expect("method");
        let rest = words.collect::<Vec<_>>().join(" ");
        let rest = rest.trim_start();
        let (path, body) = rest.split_once(' ').unwrap_or((rest, ""));
        let body = if body.starts_with('(') { "" } else { body };
        let template = template_of(path);
        let (_, _, op) = ops
            .iter()
            .find(|(m, t, _)| *m == method && *t == template)
            .unwrap_or_else(|| panic!("row {label:?}: {method} {template} is not documented"));
        rows.push(Probe {
            label: label.to_string(),
            method,
            path: path.to_string(),
            template,
            body: body.to_string(),
            roles: roles(op, &[("department", "public_security")]),
            secured: op.get("security").is_some(),
            exact: Some(expected(row)),
        });
    }
    for (method, template, op) in &ops {
        if rows
            .iter()
            .any(|r| r.method == *method && r.template == *template)
        {
            continue;
        }
        let json = &op["requestBody"]["content"]["application/json"];
        let body = if op.get("requestBody").is_none() {
            String::new()
        } else if let Some(example) = json
            .get("example")
            .or_else(|| json["schema"].get("example"))
        {
            example.to_string()
        } else if json.is_object() {
            "{}".into()
        } else {
            "@csv".into()
        };
        rows.push(Probe {
            label: format!("{method} {template} (from the document)"),
            method: method.clone(),
            path: fixture_path(template),
            template: template.clone(),
            body,
            roles: roles(op, &[("department", "public_security")]),
            secured: op.get("security").is_some(),
            exact: None,
        });
    }
    // Signing out ends the columns' sessions: last.
    rows.sort_by_key(|p| p.method == Method::DELETE && p.template == "/api/v1/session");
    rows
}

/// Each column's role code (`None`: no session).
fn column_roles() -> Vec<Option<String>> {
    let demo = anju_server::demo::demo_accounts();
    let mut out: Vec<Option<String>> = ACCOUNTS
        .iter()
        .map(|who| {
            if *who == "family2" {
                return Some("applicant".to_string());
            }
            let (_, _, role, _) = demo
                .iter()
                .find(|(u, ..)| u == who)
                .unwrap_or_else(|| panic!("{who} is not a demo account"));
            Some(role.code())
        })
        .collect();
    out.push(None);
    out
}

/// What the document alone says of one cell: without a session, 401 when
/// one is needed; a role the operation names is let through (a plain read
/// succeeds); another is refused (403, or 404 for a record it may not
/// know of); never a 5xx.
fn derived_ok(probe: &Probe, role: Option<&str>, status: u16) -> bool {
    if status >= 500 {
        return false;
    }
    let plain = probe.method == Method::GET && !probe.template.contains('{');
    let let_through = if plain {
        (200..300).contains(&status)
    } else {
        status != 401 && status != 403
    };
    match (&probe.roles, role) {
        (None, _) => let_through,
        (Some(_), None) => status == 401,
        (Some(rs), Some(r)) if allowed(rs, r) => let_through,
        (Some(_), Some(_)) => status == 403 || status == 404,
    }
}

/// Every row agrees with its operation's `x-anju-roles`.
#[test]
fn the_exact_rows_agree_with_the_document() {
    let doc = anju_server::openapi::document();
    let columns = column_roles();
    let probes = probes(&doc);
    let mut problems = Vec::new();
    for probe in probes.iter().filter(|p| p.exact.is_some()) {
        let want = probe.exact.as_ref().expect("exact");
        let anon = want[ACCOUNTS.len()];
        if probe.secured && anon != 401 {
            problems.push(format!(
                "{}: needs a session, anonymous {anon}",
                probe.label
            ));
        }
        for (col, role) in columns.iter().enumerate().take(ACCOUNTS.len()) {
            let role = role.as_deref().expect("account");
            let status = want[col];
            match &probe.roles {
                Some(rs) if !allowed(rs, role) && status != 403 && status != 404 => {
                    problems.push(format!(
                        "{}: {} ({role}) is not in x-anju-roles {rs:?} but expects {status}",
                        probe.label, ACCOUNTS[col]
                    ))
                }
                None if status == 401 || status == 403 => problems.push(format!(
                    "{}: public, but {} expects {status}",
                    probe.label, ACCOUNTS[col]
                )),
                _ => {}
            }
        }
    }
    // A role the operation names is let through somewhere.
    let mut ops: Vec<(&Method, &str)> = probes
        .iter()
        .filter(|p| p.exact.is_some())
        .map(|p| (&p.method, p.template.as_str()))
        .collect();
    ops.dedup();
    for (method, template) in ops {
        let rows: Vec<&Probe> = probes
            .iter()
            .filter(|p| p.exact.is_some() && p.method == *method && p.template == template)
            .collect();
        let Some(rs) = &rows[0].roles else { continue };
        let named: Vec<&str> = columns
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|r| allowed(rs, r))
            .collect();
        for role in named {
            let through = rows.iter().any(|p| {
                columns.iter().enumerate().any(|(col, r)| {
                    r.as_deref() == Some(role) && {
                        let s = p.exact.as_ref().expect("exact")[col];
                        s != 401 && s != 403
                    }
                })
            });
            if !through {
                problems.push(format!(
                    "{method} {template}: x-anju-roles names {role}, but no row lets it through"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_by_operation_matrix() {
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

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fixture {
    Submitted,
    UnderVerification,
}

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

/// The request body of a probe in a column.
fn body_of(
    spec: &str,
    who: Option<&str>,
    fx: &Fixtures,
    version: &Value,
) -> (&'static str, Vec<u8>) {
    match spec {
        "" => ("application/json", Vec::new()),
        "@homes" => ("text/csv", MATRIX_HOMES.as_bytes().to_vec()),
        "@csv" => ("text/csv", b"application_id,resident_id\n".to_vec()),
        "@family" => (
            "application/json",
            Family::new(D, ["王振国", "李秀梅"])
                .household
                .to_string()
                .into_bytes(),
        ),
        "@submission" => (
            "application/json",
            Family::new(D, ["王振国", "李秀梅"])
                .submission()
                .to_string()
                .into_bytes(),
        ),
        json => {
            let dept = who
                .and_then(|w| w.strip_prefix("verifier-"))
                .unwrap_or("public_security");
            let text = json
                .replace("{who}", who.unwrap_or("family"))
                .replace(
                    "{password}",
                    if who.is_some() {
                        PASSWORD
                    } else {
                        "not-the-password"
                    },
                )
                .replace("{dept}", dept)
                .replace("{A}", &fx.a)
                .replace("{terms}", &crate::allotment::plan_terms(day0()).to_string())
                .replace("{version}", &version.to_string());
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("body {text}: {e}"));
            ("application/json", v.to_string().into_bytes())
        }
    }
}

/// Calls one cell. `who` is the column's account (`None`: no session); a
/// sign-in cell returns the session it opened.
async fn call(
    app: &TestApp,
    fx: &Fixtures,
    probe: &Probe,
    who: Option<&str>,
    session: Option<&Session>,
    expect: Option<u16>,
) -> (u16, Option<Session>) {
    if probe.method == Method::POST && probe.template == "/api/v1/session" {
        if let Some(username) = who {
            return (200, Some(app.login(username).await));
        }
    }
    let success = expect.is_some_and(|s| (200..300).contains(&s));
    let fresh_a = probe.method != Method::GET && success && probe.path.contains("{A}");
    let fresh_u = probe.method != Method::GET && success && probe.path.contains("{U}");
    let a = if fresh_a {
        fx.fresh(Fixture::Submitted).await
    } else {
        fx.a.clone()
    };
    let u = if fresh_u {
        fx.fresh(Fixture::UnderVerification).await
    } else {
        fx.u.clone()
    };
    let path = probe
        .path
        .replace("{M}", &fx.m)
        .replace("{A}", &a)
        .replace("{U}", &u)
        .replace("{round}", "1")
        .replace("{draw}", "1")
        .replace("{home}", "1-1-301");
    let version = if probe.body.contains("{version}") {
        let company = app.login("company").await;
        company
            .get(&format!("/api/v1/projects/{}", fx.m))
            .await
            .json()["version"]
            .clone()
    } else {
        Value::Null
    };
    let (content_type, bytes) = body_of(&probe.body, who, fx, &version);
    let mut req = Request::builder()
        .method(probe.method.clone())
        .uri(&path)
        .header("accept", "application/json");
    if let Some(s) = session {
        req = req
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf);
    }
    if !probe.body.is_empty() {
        req = req.header("content-type", content_type);
    }
    let res = app
        .send(req.body(Body::from(bytes)).expect("request"))
        .await;
    assert!(
        res.status.as_u16() < 500,
        "{}: {who:?} answered {}: {}",
        probe.label,
        res.status,
        res.text()
    );
    // Every refusal is the JSON error shape.
    if res.status.is_client_error() {
        let e = res.error();
        let code = e["code"].as_str().unwrap_or("");
        let want = match res.status.as_u16() {
            401 => ["unauthorized", "bad_credentials"].contains(&code),
            403 => code == "forbidden",
            // A city without rental rules says so (rentals).
            404 => code == "not_found" || code == "no_rental_rules",
            409 => code == "conflict",
            _ => !code.is_empty(),
        };
        assert!(want, "{}: {} with code {code}", probe.label, res.status);
    }
    (res.status.as_u16(), None)
}

async fn matrix(app: &TestApp) {
    let b = app.backend();
    // The matrix probes roles with fresh applications of one family
    // account; the one-application rule has its own test (screening.rs).
    app.allow_several_applications_per_account();
    let doc = app.anon_get("/api/v1/openapi.json").await.json();
    let probes = probes(&doc);
    let columns = column_roles();
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
    // Every column has its session before the table (the sign-in row
    // checks signing in again); signing out, last, ends them after the
    // checks that follow the table.
    let mut sessions: Vec<Option<Session>> = Vec::new();
    for who in ACCOUNTS {
        sessions.push(Some(app.login(who).await));
    }
    sessions.push(None);
    let mut diff = String::new();
    for probe in &probes {
        if probe.method == Method::DELETE && probe.template == "/api/v1/session" {
            scoped_lists_and_departments(app, &sessions, &a).await;
        }
        let mut got = Vec::new();
        for col in 0..=ACCOUNTS.len() {
            let who = ACCOUNTS.get(col).copied();
            let expect = probe.exact.as_ref().map(|w| w[col]);
            let (status, opened) = call(app, &fx, probe, who, sessions[col].as_ref(), expect).await;
            if let Some(s) = opened {
                sessions[col] = Some(s);
            }
            got.push(status);
        }
        match &probe.exact {
            Some(want) if *want != got => diff.push_str(&format!(
                "{}\n  expected {want:?}\n  got      {got:?}\n",
                probe.label
            )),
            Some(_) => {}
            None => {
                let wrong: Vec<String> = got
                    .iter()
                    .zip(&columns)
                    .filter(|(s, role)| !derived_ok(probe, role.as_deref(), **s))
                    .map(|(s, role)| format!("{}: {s}", role.as_deref().unwrap_or("anonymous")))
                    .collect();
                if !wrong.is_empty() {
                    diff.push_str(&format!(
                        "{} (x-anju-roles {:?})\n  against the document: {}\n",
                        probe.label,
                        probe.roles,
                        wrong.join(", ")
                    ));
                }
            }
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
