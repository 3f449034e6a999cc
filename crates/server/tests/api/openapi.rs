//! The OpenAPI document says what the router does, and nothing else:
//!
//! * the generated document is the committed snapshot
//!   (`tests/snapshots/openapi.json`; `UPDATE_SNAPSHOTS=1` rewrites it);
//! * every documented operation is routed and answers with a documented
//!   status; its security and CSRF requirements hold; a wrong method is
//!   405, not 404;
//! * every `/api/v1` path the server's code names answers only the
//!   documented methods (anything else is the router's bare 404 or 405);
//! * the vendored contract schemas are the shared contracts.
//!
//! Nothing here lists the operations: they come from the document.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_document_is_the_snapshot() {
    let path = manifest_dir().join("tests/snapshots/openapi.json");
    let now = anju_server::openapi::document_pretty();
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    if now == before {
        return;
    }
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &now).expect("write the snapshot");
        eprintln!("rewrote {}", path.display());
        return;
    }
    panic!(
        "the OpenAPI document differs from {} (- snapshot, + generated):\n{}\n\
         If the change is intended, rewrite the snapshot with\n  \
         UPDATE_SNAPSHOTS=1 cargo test -p anju-server --test api openapi::\n\
         and commit it.",
        path.display(),
        line_diff(&before, &now)
    );
}

/// The changed lines with three lines of context, as `-`/`+` lines.
fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    // Longest common subsequence, by dynamic programming (the document is
    // a few thousand lines).
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            ops.push(('+', j + 1, b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut out = String::new();
    let mut last_shown: Option<usize> = None;
    let mut shown = 0;
    for (k, (op, line, text)) in ops.iter().enumerate() {
        let near = changed.iter().any(|&c| c.abs_diff(k) <= 3);
        if !near {
            continue;
        }
        if last_shown.is_some_and(|l| l + 1 != k) || last_shown.is_none() {
            out.push_str(&format!("@@ line {line} @@\n"));
        }
        out.push_str(&format!("{op} {text}\n"));
        last_shown = Some(k);
        shown += 1;
        if shown >= 400 {
            out.push_str("… (more changes)\n");
            break;
        }
    }
    out
}

#[test]
fn the_vendored_contracts_are_the_shared_ones() {
    // In a checkout, `shared/` sits beside the repository.
    let shared = manifest_dir().join("../../../shared/contracts");
    if !shared.is_dir() {
        eprintln!("no {}: nothing to compare", shared.display());
        return;
    }
    for (file, vendored) in [
        (
            "household.schema.json",
            anju_server::openapi::HOUSEHOLD_SCHEMA,
        ),
        (
            "decision.schema.json",
            anju_server::openapi::DECISION_SCHEMA,
        ),
    ] {
        let shared = std::fs::read_to_string(shared.join(file)).expect("read the contract");
        assert_eq!(
            vendored, shared,
            "crates/server/src/openapi/{file} is not shared/contracts/{file}: copy it over"
        );
    }
}

/// The document's operations: (method, path template, operation).
pub fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, spec) in item.as_object().expect("path item") {
            if ["parameters", "summary", "description", "servers"].contains(&method.as_str()) {
                continue;
            }
            ops.push((
                method.to_uppercase().parse().expect("method"),
                path.clone(),
                spec.clone(),
            ));
        }
    }
    ops.sort_by_key(|(m, p, _)| format!("{p} {m}"));
    ops
}

/// The roles an operation names in `x-anju-roles` (None: public), with a
/// `{param}` filled in from `params`.
pub fn roles(op: &Value, params: &[(&str, &str)]) -> Option<Vec<String>> {
    let roles = op
        .get("x-anju-roles")?
        .as_array()
        .expect("x-anju-roles is a list");
    Some(
        roles
            .iter()
            .map(|r| {
                let mut r = r.as_str().expect("a role code").to_string();
                for (k, v) in params {
                    r = r.replace(&format!("{{{k}}}"), v);
                }
                r
            })
            .collect(),
    )
}

/// Whether an account of `role` may call an operation naming `roles`.
pub fn allowed(roles: &[String], role: &str) -> bool {
    roles.iter().any(|r| r == "*" || r == role)
}

/// Every account, by the role code it signs in with.
async fn role_of(app: &TestApp, who: &str) -> String {
    app.login(who).await.user["role"]
        .as_str()
        .expect("role")
        .to_string()
}

#[test]
fn the_document_is_well_formed() {
    let doc = anju_server::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    // Every reference resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let target = r
            .strip_prefix("#/")
            .unwrap_or_else(|| panic!("{r} is not local"))
            .split('/')
            .fold(&doc, |v, k| &v[k]);
        assert!(!target.is_null(), "{r} does not resolve");
        assert!(!r.contains("$defs"), "{r}");
    }
    // The contracts are there in full.
    assert_eq!(schemas["Household"]["additionalProperties"], json!(false));
    assert!(schemas["Household"]["properties"]["members"].is_object());
    assert!(schemas["Decision"]["properties"]["reasons"].is_object());
    assert!(schemas["HouseholdPerson"].is_object());
    // Every operation: a summary, a typed success body (or none), errors as
    // the envelope, roles exactly when it needs a session.
    let role_codes: Vec<&str> = schemas["Role"]["enum"]
        .as_array()
        .expect("Role enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (method, path, op) in operations(&doc) {
        let label = format!("{method} {path}");
        assert!(op["summary"].is_string(), "{label}: no summary");
        let secured = op.get("security").is_some();
        assert_eq!(
            op.get("x-anju-roles").is_some(),
            secured,
            "{label}: x-anju-roles exactly when a session is required"
        );
        if let Some(rs) = roles(&op, &[("department", "public_security")]) {
            for r in rs {
                assert!(
                    r == "*" || role_codes.contains(&r.as_str()),
                    "{label}: unknown role {r}"
                );
            }
        }
        for (status, res) in op["responses"].as_object().expect("responses") {
            let code: u16 = status.parse().expect("status");
            let res = match res.get("$ref").and_then(Value::as_str) {
                Some(r) => &doc["components"]["responses"][r.rsplit('/').next().expect("name")],
                None => res,
            };
            if code >= 400 {
                assert_eq!(
                    res["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error",
                    "{label} {code}"
                );
            } else if code != 204 {
                let content = res["content"].as_object().expect("content");
                assert!(!content.is_empty(), "{label} {code}: no content");
                for (media, c) in content {
                    assert!(c["schema"].is_object(), "{label} {code} {media}: no schema");
                    if media == "application/json" && path != "/api/v1/openapi.json" {
                        assert_ne!(
                            c["schema"],
                            json!({"type": "object"}),
                            "{label}: untyped body"
                        );
                    }
                }
            }
        }
        if method != Method::GET {
            if let Some(body) = op.get("requestBody") {
                for (media, c) in body["content"].as_object().expect("content") {
                    assert!(c["schema"].is_object(), "{label} {media}: no schema");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_routed() {
    for app in TestApp::each_backend().await {
        openapi(&app).await;
    }
}

/// Bodies known to succeed, for the operations that need one to.
fn good_body(method: &Method, path: &str) -> Option<(&'static str, Vec<u8>)> {
    let json = |v: Value| Some(("application/json", v.to_string().into_bytes()));
    match (method, path) {
        (&Method::POST, "/api/v1/session") => {
            json(json!({"username": "family", "password": PASSWORD}))
        }
        (&Method::POST, "/api/v1/check") => json(Family::new(D, ["王振国", "李秀梅"]).household),
        (&Method::POST, "/api/v1/applications") => {
            json(Family::new(D, ["赵志强", "孙丽娟"]).submission())
        }
        (&Method::POST, "/api/v1/applications/{id}/actions") => {
            json(json!({"type": "withdraw", "reason": "家庭不再申请"}))
        }
        (&Method::POST, "/api/v1/verification/{department}/upload") => {
            Some(("text/csv", b"application_id,resident_id\n".to_vec()))
        }
        (&Method::POST, "/api/v1/subsidies/{programme}/check") => {
            json(json!({"degree": "master", "employed_in_city": true}))
        }
        (&Method::POST, "/api/v1/finance/down-payment") => json(json!({
            "city": "yangquan", "home_type": "commercial", "loan": "commercial", "price_yuan": "800000"
        })),
        (&Method::POST, "/api/v1/finance/loan-split") => json(json!({
            "city": "loudi", "home_type": "affordable", "price_yuan": "600000",
            "down_payment_yuan": "90000", "provident_fund_cap_yuan": "400000"
        })),
        (&Method::POST, "/api/v1/finance/deed-tax") => {
            json(json!({"city": "loudi", "price_yuan": "500000", "area_m2": "90"}))
        }
        (&Method::POST, "/api/v1/finance/rental-tax") => {
            json(json!({"homes": 500, "area_m2": "0"}))
        }
        (&Method::POST, "/api/v1/finance/talent-price") => json(json!({
            "kind": "full_ownership", "cost_yuan": "600000", "area_m2": "100"
        })),
        (&Method::POST, "/api/v1/subsidy-applications") => json(json!({
            "programme": "talent_purchase", "name": "周子健",
            "resident_id": resident_id("140302", "1993-05-02", true),
            "facts": {"degree": "phd", "university": "top", "employed_in_city": true, "service_pledge_years": 5}
        })),
        (&Method::POST, "/api/v1/benefits/talent-apartments") => json(json!({
            "resident_id": resident_id("140302", "1995-01-01", true), "from": "2026-01-01"
        })),
        (&Method::POST, "/api/v1/projects") => {
            json(json!({"id": "OPENAPI-1", "name": "接口测试项目", "district": D}))
        }
        _ => None,
    }
}

async fn openapi(app: &TestApp) {
    let b = app.backend();
    let res = app.anon_get("/api/v1/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers["content-type"], "application/json",
        "{b}: served as JSON"
    );
    let doc = res.json();
    assert_eq!(
        doc,
        anju_server::openapi::document(),
        "{b}: served as built"
    );
    let ops = operations(&doc);
    assert!(ops.len() >= 40, "{b}: {} operations", ops.len());
    // Operations are probed with several applications of one family
    // account; the one-application rule is tested in screening.rs.
    app.allow_several_applications_per_account();

    // Something to address: an application of district D.
    let family = app.login("family").await;
    let id = family
        .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
        .await;

    let accounts = anju_server::demo::demo_accounts();
    let mut roles_of = Vec::new();
    for (username, ..) in &accounts {
        roles_of.push((username.clone(), role_of(app, username).await));
    }

    // Something to address: a subsidy application.
    let talent = app.login("talent").await;
    let subsidy = talent
        .post_json(
            "/api/v1/subsidy-applications",
            &json!({"programme": "talent_rent", "name": "林晓雯",
                    "resident_id": resident_id("140302", "1996-04-02", true),
                    "facts": {"degree": "master", "employed_in_city": true}}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let mut sessions: std::collections::HashMap<String, Session> = std::collections::HashMap::new();
    for (method, template, spec) in &ops {
        let label = format!("{method} {template}");
        // Allotment operations address a project that does not exist: the
        // whole flow is in allotment.rs; here they must be routed (a JSON
        // 404 "not_found", never the router's bare 404), secured and
        // CSRF-protected as documented.
        // Market operations on one project or parcel likewise address one
        // that does not exist (market.rs has the whole flow).
        let project_op = template.starts_with("/api/v1/projects/{id}")
            || template.starts_with("/api/v1/market/") && template.contains("{id}")
            // A tip's public status by a made-up receipt number.
            || template.starts_with("/api/v1/holdings/tip-status/");
        // Operations on one held home, buyback, campaign or case: with a
        // made-up key the authorised answer is a routed 404.
        // Rentals: the default city (Yangquan) has no rental rules, so
        // every operation answers a routed 404 `no_rental_rules`
        // (rentals.rs runs the whole flow under Loudi).
        let keyed_op = (template.starts_with("/api/v1/holdings/")
            || template.starts_with("/api/v1/acquisition/"))
            && template.contains('{')
            || template.starts_with("/api/v1/rentals/")
            // A made-up uploaded file or draft: a routed 404 (or the
            // refusal the application's state gives first).
            || template.contains("{file}")
            || template.starts_with("/api/v1/drafts/");
        let params = [
            ("round", "1"),
            ("draw", "1"),
            ("home", "1-1-101"),
            ("department", "public_security"),
            ("project", "NOPE"),
            ("district", D),
            ("programme", "talent_rent"),
            ("subsidy", subsidy.as_str()),
            ("file", "NOPE"),
            ("apartment", "TA-NOPE"),
        ];
        let mut path = template.replace("/projects/{id}", "/projects/NOPE");
        path = path.replace("{id}", &id);
        for (k, v) in params {
            path = path.replace(&format!("{{{k}}}"), v);
        }
        assert!(
            !path.contains('{'),
            "{b}: {label}: a parameter the test cannot fill"
        );
        let secured = spec.get("security").is_some();
        let csrf = spec["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "X-CSRF-Token"));
        let documented: Vec<u16> = spec["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(|k| k.parse().expect("status"))
            .collect();
        // An authorised caller: the first account with a role the operation
        // names (a family for public operations).
        let who = match roles(spec, &params) {
            None => "family".to_string(),
            Some(rs) => roles_of
                .iter()
                .find(|(_, r)| allowed(&rs, r))
                .unwrap_or_else(|| panic!("{b}: {label}: no account may call it"))
                .0
                .clone(),
        };
        let body = good_body(method, template).or_else(|| {
            let media = spec["requestBody"]["content"].as_object()?;
            if media.contains_key("application/json") {
                Some(("application/json", b"{}".to_vec()))
            } else {
                Some(("text/csv", b"application_id,resident_id\n".to_vec()))
            }
        });
        // Sessions are reused, except the one that signs out.
        let s = if *method == Method::DELETE {
            app.login(&who).await
        } else {
            match sessions.get(&who) {
                Some(s) => s.clone(),
                None => {
                    let s = app.login(&who).await;
                    sessions.insert(who.clone(), s.clone());
                    s
                }
            }
        };
        let send = |session: Option<&Session>, with_csrf: bool| {
            let mut r = Request::builder().method(method.clone()).uri(&path);
            if let Some(s) = session {
                r = r.header("cookie", &s.cookie);
                if with_csrf {
                    r = r.header("x-csrf-token", &s.csrf);
                }
            }
            let req = match &body {
                Some((ct, bytes)) => r
                    .header("content-type", *ct)
                    .body(Body::from(bytes.clone())),
                None => r.body(Body::empty()),
            }
            .expect("request");
            app.send(req)
        };

        // Without a session: 401 exactly when the document asks for one.
        let anon = send(None, false).await;
        if secured {
            assert_eq!(
                anon.status,
                StatusCode::UNAUTHORIZED,
                "{b}: {label} anonymously"
            );
            assert!(
                documented.contains(&401),
                "{b}: {label} does not document 401"
            );
        } else if template == "/api/v1/tips" {
            // The public tip line: an empty body is refused, routed.
            assert_eq!(
                anon.status,
                StatusCode::BAD_REQUEST,
                "{b}: {label}: {}",
                anon.text()
            );
        } else if project_op {
            assert_eq!(
                anon.status,
                StatusCode::NOT_FOUND,
                "{b}: {label} is public: {}",
                anon.text()
            );
            assert_eq!(anon.error()["code"], "not_found", "{b}: {label} is routed");
        } else {
            assert!(
                anon.status.is_success(),
                "{b}: {label} is public: {} {}",
                anon.status,
                anon.text()
            );
        }
        // Without the CSRF header: 403 exactly when the document asks for it.
        if csrf {
            let res = send(Some(&s), false).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{b}: {label} without CSRF"
            );
            assert_eq!(res.error()["field"], "x-csrf-token", "{b}: {label}");
            assert!(
                documented.contains(&403),
                "{b}: {label} does not document 403"
            );
        } else if *method != Method::GET {
            assert!(
                !secured,
                "{b}: {label} changes state without CSRF protection"
            );
        }
        // Department paths: an unknown department is a documented 404.
        if template.contains("{department}") {
            assert!(
                documented.contains(&404),
                "{b}: {label} does not document 404"
            );
        }
        // Authorised: routed, and a documented answer.
        let res = send(Some(&s), true).await;
        let routed_error = res.status.is_client_error() && res.error()["code"].is_string();
        if project_op || keyed_op || good_body(method, template).is_none() && body.is_some() {
            assert!(
                documented.contains(&res.status.as_u16())
                    && (res.status.is_success() || routed_error),
                "{b}: {label} answered {} (documented {documented:?}): {}",
                res.status,
                res.text()
            );
        } else {
            assert!(
                documented.contains(&res.status.as_u16()) && res.status.is_success(),
                "{b}: {label} answered {} (documented {documented:?}): {}",
                res.status,
                res.text()
            );
        }
        // A method the path does not have: 405 from the router, not 404.
        let item = &doc["paths"][template.as_str()];
        let absent = [
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::POST,
            Method::GET,
        ]
        .into_iter()
        .find(|m| item.get(m.as_str().to_lowercase()).is_none())
        .expect("an undocumented method");
        let res = app
            .send(
                Request::builder()
                    .method(absent.clone())
                    .uri(&path)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{b}: {absent} {path}"
        );
    }

    // And what is not documented is not there.
    for path in [
        "/api/v1/nothing",
        "/api/v2/applications",
        "/api/v1/applications/x/y",
    ] {
        assert_eq!(
            app.anon_get(path).await.status,
            StatusCode::NOT_FOUND,
            "{b}: {path}"
        );
    }
}

/// Every `"/api/v1…"` string in the server's source.
fn api_paths_in_source() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "html" || e == "js")
            {
                let text = std::fs::read_to_string(&path).expect("read");
                for (i, _) in text.match_indices("/api/v1") {
                    let rest = &text[i..];
                    let end = rest
                        .find(|c: char| {
                            c == '"' || c == '\'' || c == '`' || c == '?' || c.is_whitespace()
                        })
                        .unwrap_or(rest.len());
                    out.push(rest[..end].to_string());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&manifest_dir().join("src"), &mut out);
    out.sort();
    out.dedup();
    out
}

/// Whether `path` (segments with `{…}` or `{}` holes) matches `template`.
fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (!p.is_empty() && (t.starts_with('{') || p.contains('{'))))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_is_documented() {
    let app = TestApp::sqlite().await;
    let doc = anju_server::openapi::document();
    let ops = operations(&doc);
    let paths = api_paths_in_source();
    // The document's own paths are in the source (the handlers' attributes).
    for (_, template, _) in &ops {
        assert!(paths.contains(template), "{template} is not in the source?");
    }
    let mut probed = 0;
    for path in &paths {
        // A concrete path for the request: holes filled with something.
        let concrete: String = path
            .split('/')
            .map(|seg| {
                if seg.contains('{') {
                    "1".to_string()
                } else {
                    seg.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let documented = ops
                .iter()
                .any(|(m, t, _)| *m == method && matches(t, path) && matches(t, &concrete));
            let res = app
                .send(
                    Request::builder()
                        .method(method.clone())
                        .uri(&concrete)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            probed += 1;
            // Unrouted: axum's empty 405, or the fallback's 404 `no_route`.
            let by_router = (res.status.as_u16() == 405 && res.body.is_empty())
                || (res.status.as_u16() == 404
                    && serde_json::from_slice::<serde_json::Value>(&res.body)
                        .is_ok_and(|v| v["error"]["code"] == "no_route"));
            assert!(
                documented || by_router,
                "{method} {concrete} (from {path} in the source) answers {} but is not documented: {}",
                res.status,
                res.text()
            );
            if documented {
                assert!(
                    !by_router,
                    "{method} {concrete} is documented but not routed"
                );
            }
        }
    }
    assert!(probed >= 200, "{probed} probes");
}
