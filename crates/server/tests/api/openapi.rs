//! The OpenAPI document says what the router does: every documented
//! operation is routed and answers with a documented status; its security
//! and CSRF requirements hold; a wrong method is 405, not 404.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};

/// The operations of /api/v1, as documented (a snapshot: a new endpoint
/// must be added here, to the document and to the role matrix).
const OPERATIONS: [&str; 40] = [
    "DELETE /api/v1/session",
    "GET /api/v1/applications",
    "GET /api/v1/applications/{id}",
    "GET /api/v1/applications/{id}/allotment",
    "GET /api/v1/audit",
    "GET /api/v1/audit/verify",
    "GET /api/v1/districts",
    "GET /api/v1/me",
    "GET /api/v1/notices",
    "GET /api/v1/notices.xlsx",
    "GET /api/v1/openapi.json",
    "GET /api/v1/projects",
    "GET /api/v1/projects/homes-template.csv",
    "GET /api/v1/projects/homes-template.xlsx",
    "GET /api/v1/projects/{id}",
    "GET /api/v1/projects/{id}/results.xlsx",
    "GET /api/v1/projects/{id}/rounds/{round}/draws/{draw}/result.csv",
    "GET /api/v1/projects/{id}/rounds/{round}/draws/{draw}/verify",
    "GET /api/v1/projects/{id}/rounds/{round}/entrants.csv",
    "GET /api/v1/verification/{department}/template.csv",
    "GET /api/v1/verification/{department}/template.xlsx",
    "POST /api/v1/applications",
    "POST /api/v1/applications/{id}/actions",
    "POST /api/v1/check",
    "POST /api/v1/projects",
    "POST /api/v1/projects/{id}/expire-overdue",
    "POST /api/v1/projects/{id}/homes",
    "POST /api/v1/projects/{id}/homes/{home}/dealings",
    "POST /api/v1/projects/{id}/homes/{home}/title",
    "POST /api/v1/projects/{id}/plan/steps",
    "POST /api/v1/projects/{id}/rounds",
    "POST /api/v1/projects/{id}/rounds/{round}/calls",
    "POST /api/v1/projects/{id}/rounds/{round}/draws",
    "POST /api/v1/projects/{id}/rounds/{round}/redraw-approval",
    "POST /api/v1/projects/{id}/rounds/{round}/redraw-request",
    "POST /api/v1/projects/{id}/rounds/{round}/selection",
    "POST /api/v1/projects/{id}/rounds/{round}/status",
    "POST /api/v1/session",
    "POST /api/v1/verification/{department}/upload",
    "PUT /api/v1/projects/{id}/plan",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_routed() {
    for app in TestApp::each_backend().await {
        openapi(&app).await;
    }
}

struct Op {
    method: Method,
    path: String,
    spec: Value,
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, spec) in item.as_object().expect("path item") {
            ops.push(Op {
                method: method.to_uppercase().parse().expect("method"),
                path: path.clone(),
                spec: spec.clone(),
            });
        }
    }
    ops.sort_by_key(|o| format!("{} {}", o.method, o.path));
    ops
}

async fn openapi(app: &TestApp) {
    let b = app.backend();
    let res = app.anon_get("/api/v1/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let ops = operations(&doc);
    let listed: Vec<String> = ops
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    assert_eq!(listed, OPERATIONS, "{b}: the documented operations changed");

    // Something to address: an application of district D.
    let family = app.login("family").await;
    let id = family
        .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
        .await;

    let mut sessions: std::collections::HashMap<&str, Session> = std::collections::HashMap::new();
    for op in &ops {
        let label = format!("{} {}", op.method, op.path);
        // Allotment operations address a project that does not exist: the
        // whole flow is in allotment.rs; here they must be routed (a JSON
        // 404 "not_found", never the router's bare 404), secured and
        // CSRF-protected as documented.
        let project_op = op.path.starts_with("/api/v1/projects/{id}");
        let path = op
            .path
            .replace("/projects/{id}", "/projects/NOPE")
            .replace("{id}", &id)
            .replace("{round}", "1")
            .replace("{draw}", "1")
            .replace("{home}", "1-1-101")
            .replace("{department}", "public_security");
        let secured = op.spec.get("security").is_some();
        let csrf = op.spec["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "X-CSRF-Token"));
        let documented: Vec<u16> = op.spec["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(|k| k.parse().expect("status"))
            .collect();
        // An authorised caller, and a body the operation accepts.
        let who = match op.path.as_str() {
            p if p.starts_with("/api/v1/audit") => "auditor",
            p if p.starts_with("/api/v1/verification") => "verifier-public_security",
            p if p.starts_with("/api/v1/projects") => "company",
            "/api/v1/applications/{id}/actions" => "street-140302",
            _ => "family",
        };
        let body: Option<(&str, Vec<u8>)> = match (&op.method, op.path.as_str()) {
            (&Method::POST, "/api/v1/session") => Some((
                "application/json",
                json!({"username": "family", "password": PASSWORD})
                    .to_string()
                    .into(),
            )),
            (&Method::POST, "/api/v1/check") => Some((
                "application/json",
                Family::new(D, ["王振国", "李秀梅"])
                    .household
                    .to_string()
                    .into(),
            )),
            (&Method::POST, "/api/v1/applications") => Some((
                "application/json",
                Family::new(D, ["赵志强", "孙丽娟"])
                    .submission()
                    .to_string()
                    .into(),
            )),
            (&Method::POST, "/api/v1/applications/{id}/actions") => Some((
                "application/json",
                json!({"type": "street_return", "reason": "请补充社保缴纳证明"})
                    .to_string()
                    .into(),
            )),
            (&Method::POST, "/api/v1/projects") => Some((
                "application/json",
                json!({"id": "OPENAPI-1", "name": "接口测试项目", "district": D})
                    .to_string()
                    .into(),
            )),
            (_, p) if p.starts_with("/api/v1/projects/{id}") => {
                Some(("application/json", b"{}".to_vec()))
            }
            (&Method::POST, p) if p.ends_with("/upload") => {
                Some(("text/csv", b"application_id,resident_id\n".to_vec()))
            }
            (&Method::POST, p) => panic!("no body for {p}"),
            _ => None,
        };
        // Sessions are reused, except the one that signs out.
        let s = if op.method == Method::DELETE {
            app.login(who).await
        } else {
            match sessions.get(who) {
                Some(s) => s.clone(),
                None => {
                    let s = app.login(who).await;
                    sessions.insert(who, s.clone());
                    s
                }
            }
        };
        let send = |session: Option<&Session>, with_csrf: bool| {
            let mut r = Request::builder().method(op.method.clone()).uri(&path);
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
            assert!(
                documented.contains(&403),
                "{b}: {label} does not document 403"
            );
        } else if op.method != Method::GET {
            assert!(
                !secured,
                "{b}: {label} changes state without CSRF protection"
            );
        }
        // Department paths: an unknown department is a documented 404.
        if op.path.contains("{department}") {
            assert!(
                documented.contains(&404),
                "{b}: {label} does not document 404"
            );
        }
        // Authorised: routed, and a documented answer.
        let res = send(Some(&s), true).await;
        if project_op {
            assert!(
                documented.contains(&res.status.as_u16()) && res.error()["code"].is_string(),
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
        let absent = if op.path.ends_with("/plan") {
            Method::DELETE
        } else {
            Method::PUT
        };
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
