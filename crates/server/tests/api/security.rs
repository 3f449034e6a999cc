//! Defects an outside probe found (issue 10), each with the request that
//! showed it.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

/// The sign-in page's cookie and its form token, as a browser gets them.
async fn login_page(app: &TestApp) -> (String, String) {
    let res = app.anon_get("/login").await;
    let cookie = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("anju_login="))
        .and_then(|c| c.split(';').next())
        .expect("the sign-in page sets its cookie")
        .to_string();
    let html = res.text();
    let at = html
        .find("name=\"_login\" value=\"")
        .expect("the form's token")
        + 21;
    let token = html[at..].split('"').next().unwrap_or("").to_string();
    (cookie, token)
}

fn login_form(next: &str, cookie: &str, token: &str) -> Request<Body> {
    let body = format!(
        "username=family&password={}&_login={token}&next={}",
        PASSWORD,
        anju_server::web::html::url_encode(next)
    );
    Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

/// `next=/<TAB>/evil.example/phish` once answered `Location: /\t/evil…`,
/// which browsers follow off-site, and a control character gave a 500
/// after the session cookie was set. Now only a path of this site is
/// followed, and anything else is refused before anyone is signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_never_redirects_off_site() {
    let app = TestApp::sqlite().await;
    let (cookie, token) = login_page(&app).await;
    for bad in [
        "/\t/evil.example/phish",
        "/\x0b/x",
        "//evil.example/phish",
        "/\\evil.example",
        "https://evil.example/",
        "/ /evil.example",
    ] {
        let res = app.send(login_form(bad, &cookie, &token)).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{bad:?}: {}",
            res.text()
        );
        assert!(
            res.header("set-cookie").is_none(),
            "{bad:?}: signed in anyway"
        );
        assert!(res.header("location").is_none(), "{bad:?}");
        assert!(res.text().contains("本站"), "{bad:?}: says why");
    }
    let res = app
        .send(login_form("/projects?lang=en", &cookie, &token))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(res.header("location"), Some("/projects?lang=en"));
    assert!(res
        .header("set-cookie")
        .is_some_and(|c| c.contains("anju_session=")));
    // Without `next`, the workspace.
    let res = app.send(login_form("", &cookie, &token)).await;
    assert_eq!(res.header("location"), Some("/work"));
}

/// Login CSRF: another site's form could sign a visitor into the
/// attacker's account. The page form needs the token of the cookie set
/// with our sign-in page; the API takes only JSON (which another site
/// cannot send without CORS); signing out needs the session's token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_out_resist_cross_site_forms() {
    let app = TestApp::sqlite().await;
    let (cookie, token) = login_page(&app).await;
    for (c, t) in [
        ("", token.as_str()),
        (cookie.as_str(), ""),
        (cookie.as_str(), "forged"),
    ] {
        let res = app.send(login_form("/work", c, t)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{c:?} {t:?}: {}",
            res.text()
        );
        assert!(res.header("set-cookie").is_none(), "{c:?} {t:?}: signed in");
    }
    let res = app
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/session")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(format!(
                    r#"{{"username":"family","password":"{PASSWORD}"}}"#
                )))
                .expect("request"),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        res.text()
    );
    assert!(res.header("set-cookie").is_none());

    // Sign-out: a form without the session's token leaves the session.
    let family = app.login("family").await;
    let out = |body: String| {
        Request::builder()
            .method(Method::POST)
            .uri("/logout")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, family.cookie.clone())
            .body(Body::from(body))
            .expect("request")
    };
    let res = app.send(out(String::new())).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    assert_eq!(
        family.get("/api/v1/me").await.status,
        StatusCode::OK,
        "still signed in"
    );
    let res = app.send(out(format!("_csrf={}", family.csrf))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(
        family.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Behind a TLS proxy the cookies are `Secure` without configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_over_https() {
    let app = TestApp::sqlite().await;
    let login = |proto: Option<&str>| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(p) = proto {
            b = b.header("x-forwarded-proto", p);
        }
        b.body(Body::from(format!(
            r#"{{"username":"family","password":"{PASSWORD}"}}"#
        )))
        .expect("request")
    };
    let res = app.send(login(Some("https"))).await;
    assert!(
        res.header("set-cookie")
            .is_some_and(|c| c.contains("; Secure")),
        "{:?}",
        res.headers
    );
    let res = app.send(login(None)).await;
    assert!(res
        .header("set-cookie")
        .is_some_and(|c| !c.contains("Secure")));
}

/// A member named like a spreadsheet formula reached the verifiers'
/// `template.csv` as is; now every cell that a spreadsheet would run
/// (`= + - @`, tab, carriage return first) starts with an apostrophe, in
/// the template and in the import error report, and a file coming back
/// with the apostrophe reads as the original text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_files_never_carry_a_formula() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let street = app.login(&format!("street-{D}")).await;
    let police = app.login("verifier-public_security").await;
    let f = Family::new(D, ["=HYPERLINK(\"http://evil.example\")", "@SUM(1+1)"]);
    let id = family.submit_ok(&f.submission()).await;
    street
        .act_ok(&id, serde_json::json!({"type": "street_pass"}))
        .await;

    let res = police
        .get("/api/v1/verification/public_security/template.csv")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let text = res.text();
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(text.contains("'@SUM(1+1)"), "{text}");
    for line in text.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('\u{feff}').trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?} in {line}"
            );
        }
    }

    // The error report of an upload echoes what the department sent.
    let upload = "application_id,resident_id,name\n=A-1,=1+1+cmd|' /C calc'!A0,x\n";
    let res = police
        .upload(
            "/api/v1/verification/public_security/upload",
            upload.as_bytes(),
            "text/csv",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let report = res.text();
    assert!(
        report.contains("'=1+1"),
        "the bad cell is echoed, neutralised: {report}"
    );
    for line in report.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell {cell:?} in {report}"
            );
        }
    }
}

/// Every response carries the security headers, and the pages satisfy the
/// Content-Security-Policy (no inline script, style or handler; the
/// browser suite also fails on any violation Chromium reports).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_every_response() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    for path in [
        "/",
        "/self-check",
        "/notices",
        "/login",
        "/projects",
        "/api/v1/districts",
    ] {
        let res = app.anon_get(path).await;
        check_headers(path, &res);
    }
    for path in ["/work", "/apply", "/projects/YQ-2026-01", "/api/v1/me"] {
        let res = family.get(path).await;
        check_headers(path, &res);
        let text = res.text();
        for inline in ["<script>", "style=\"", "onclick=", "javascript:"] {
            assert!(!text.contains(inline), "{path}: {inline} breaks the CSP");
        }
    }
}

fn check_headers(path: &str, res: &Resp) {
    let csp = res.header("content-security-policy").unwrap_or("");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{path}: {csp:?}"
    );
    assert!(!csp.contains("unsafe-inline"), "{path}");
    assert_eq!(
        res.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(res.header("referrer-policy"), Some("same-origin"), "{path}");
}

/// A body that fails as soon as anything reads it: a handler that answers
/// with the role refusal has not read it.
fn unread_body() -> Body {
    Body::from_stream(futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("the body was read"))
    }))
}

/// As a family, a 1.96 MB XLSX that inflated to ≈ 503 MB was parsed for
/// 9–12 s before the 403. Now the role is checked before the body is read
/// (a body that fails when read shows it), and every upload is held to its
/// limits with 413 naming the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_authorised_before_they_are_read() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let company = app.login("company").await;
    let csrf = family.csrf.clone();
    let cookie = family.cookie.clone();
    let send = |path: &str, ty: &str, body: Body, cookie: &str, csrf: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, ty)
            .header(header::COOKIE, cookie)
            .header("x-csrf-token", csrf)
            .body(body)
            .expect("request")
    };
    // The API's homes import and the verifiers' upload.
    for path in [
        "/api/v1/projects/YQ-2026-01/homes",
        "/api/v1/verification/public_security/upload",
        "/api/v1/acquisition/offers",
    ] {
        let res = app
            .send(send(path, "text/csv", unread_body(), &cookie, &csrf))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.text());
        assert_eq!(res.error()["code"], "forbidden", "{path}");
    }
    // The page form.
    let res = app
        .send(send(
            "/projects/YQ-2026-01/act",
            "multipart/form-data; boundary=x",
            unread_body(),
            &cookie,
            &csrf,
        ))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    assert!(
        res.text().contains("实施主体"),
        "the role refusal: {}",
        res.text()
    );
    // The acquisition page's offers file.
    let res = app
        .send(send(
            "/acquisition/offers",
            "multipart/form-data; boundary=x",
            unread_body(),
            &cookie,
            &csrf,
        ))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());

    // The company may upload, within the limit.
    let big = vec![b'a'; anju_server::web::sheets::limits::UPLOAD_BYTES + 1];
    let res = app
        .send(send(
            "/api/v1/projects/YQ-2026-01/homes",
            "text/csv",
            Body::from(big),
            &company.cookie,
            &company.csrf,
        ))
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    assert!(res.error()["message"]
        .as_str()
        .unwrap_or("")
        .contains("4 MB"));
}

/// Errors outside the envelope and validation before the role: a family's
/// invalid street_reject answered 400 and a valid one 403; path parameters
/// that do not parse answered 400 text/plain. Now the role is refused
/// first, and every refusal is the JSON envelope.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_is_refused_before_the_request_is_validated() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let f = Family::new(D, ["王振国", "李秀梅"]);
    let id = family.submit_ok(&f.submission()).await;
    for body in [
        serde_json::json!({"type": "street_reject"}),
        serde_json::json!({"type": "street_reject", "message": "x", "article": "10", "ref": "10.1"}),
        serde_json::json!({"type": "qualify", "unexpected": true}),
    ] {
        let res = family.act(&id, body.clone()).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{body}: {}", res.text());
        assert_eq!(res.error()["code"], "forbidden", "{body}");
    }
    for path in [
        "/api/v1/projects/YQ-2026-01/rounds/1/draws/10293512229448936/result.csv",
        "/api/v1/projects/YQ-2026-01/rounds/null%2Cnull/entrants.csv",
    ] {
        let res = app.anon_get(path).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            res.text()
        );
        assert!(
            res.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{path}: {:?}",
            res.header("content-type")
        );
        assert_eq!(res.error()["code"], "invalid_path", "{path}");
    }
}
