//! Pages a plain HTTP request can check: an unknown address answers a
//! Chinese page with the way home (404), an unknown API path keeps the
//! JSON envelope, and the lottery's specification and reference script are
//! served by the site itself (the public pages link there, not to files of
//! the source tree).

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_page_answers_a_chinese_404_page_with_the_way_back() {
    let app = TestApp::sqlite().await;
    for path in ["/no-such-page", "/projects/x/y/z", "/static/nothing.css"] {
        let res = app.anon_get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            res.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}: {:?}",
            res.header("content-type")
        );
        let html = res.text();
        assert!(html.contains("<html lang=\"zh-CN\">"), "{path}: the layout");
        assert!(
            html.contains("找不到这个页面"),
            "{path}: says what happened"
        );
        assert!(
            html.contains("id=\"go-home\"") && html.contains("href=\"/\""),
            "{path}: the way home"
        );
        assert!(html.contains("data-back"), "{path}: the way back");
    }
    let en = app.anon_get("/no-such-page?lang=en").await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert!(en.text().contains("This page does not exist"));
    // The path is shown escaped, as text.
    let res = app.anon_get("/%3Cscript%3Ex").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.text().contains("<script>x"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_api_path_keeps_the_json_envelope() {
    let app = TestApp::sqlite().await;
    for path in ["/api/v1/nothing-here", "/api/v2", "/api"] {
        let res = app.anon_get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.error()["code"], "no_route", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_serves_the_lottery_specification_and_reference_script() {
    let app = TestApp::sqlite().await;
    let page = app.anon_get("/lottery").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("anju-lottery-v1"), "the specification");
    assert!(html.contains("Fisher–Yates") && html.contains("<h2>8. Worked example</h2>"));
    assert!(
        html.contains("href=\"/lottery/lottery_reference.py\""),
        "the download"
    );
    assert!(
        !html.contains("tools/lottery_reference.py"),
        "no source path left"
    );
    // Raw HTML in the document would be escaped, tables scroll.
    assert!(html.contains("<div class=\"scroll\"><table class=\"narrow\">"));

    let script = app.anon_get("/lottery/lottery_reference.py").await;
    assert_eq!(script.status, StatusCode::OK);
    let repo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tools/lottery_reference.py"
    ))
    .expect("tools/lottery_reference.py");
    assert_eq!(
        script.body.as_ref(),
        repo.as_slice(),
        "byte for byte the repository's script"
    );
    assert!(script
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment") && d.contains("lottery_reference.py")));
}

/// The header names who is signed in and the role once, in the page's
/// language: an account whose name already ends with its role
/// (`市保障房公司（实施主体）`) was shown as `…（实施主体）（实施主体）`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_says_the_role_once_in_the_page_language() {
    let app = TestApp::sqlite().await;
    let company = app.login("company").await;
    let html = company.get("/work").await.text();
    assert!(
        html.contains("<span id=\"signed-in-as\">市保障房公司（实施主体）</span>"),
        "{}",
        html.lines()
            .find(|l| l.contains("signed-in-as"))
            .unwrap_or("")
    );
    assert!(!html.contains("（实施主体）（实施主体）"));
    let en = company.get("/work?lang=en").await.text();
    assert!(
        en.contains("<span id=\"signed-in-as\">市保障房公司 (") && !en.contains("（实施主体）"),
        "{}",
        en.lines()
            .find(|l| l.contains("signed-in-as"))
            .unwrap_or("")
    );
    let city = app.login("city").await.get("/work").await.text();
    assert!(
        city.contains("<span id=\"signed-in-as\">市住建局（"),
        "a name without its role gets it"
    );
}
