//! Materials uploaded with the application (issue 12 feature 18): limits,
//! types told by the bytes, who sees which file, audited downloads,
//! deletion before review only and with confirmation, encryption at rest.
//! On SQLite and, when `ANJU_TEST_DATABASE_URL` is set, PostgreSQL.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

const BOUNDARY: &str = "anjuTestBoundary7MA4YWxk";

fn multipart(material: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn upload(s: &Session, id: &str, material: &str, name: &str, bytes: &[u8]) -> Resp {
    s.post_raw(
        &format!("/api/v1/applications/{id}/materials"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(material, name, bytes),
        &[("x-csrf-token", s.csrf.as_str())],
    )
    .await
}

/// A small PDF whose text is easy to look for in raw storage.
fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {marker}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

fn jpeg(n: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.resize(n, 0x42);
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_list_download_and_encryption_at_rest() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let f = Family::new(D, ["王振国", "李秀梅"]);
        let id = family.submit_ok(&f.submission()).await;

        let marker = "PLAINTEXT-MARRIAGE-CERTIFICATE-4711";
        let res = upload(&family, &id, "marriage", "结婚证-王振国.pdf", &pdf(marker)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let file = res.json();
        assert_eq!(file["content_type"], "application/pdf", "{b}");
        assert_eq!(file["material"], "marriage");
        assert_eq!(file["sha256"].as_str().map(str::len), Some(64));
        let fid = file["id"].as_str().expect("id").to_owned();

        // Listed with the city's own list and article.
        let list = family
            .get(&format!("/api/v1/applications/{id}/materials"))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{b}: {}", list.text());
        let list = list.json();
        assert_eq!(list["article"], "第十三条");
        assert_eq!(list["files"].as_array().map(Vec::len), Some(1));
        assert_eq!(list["editable"], true);

        // Downloaded as an attachment, its own type, never sniffed.
        let dl = family
            .get(&format!("/api/v1/applications/{id}/materials/{fid}"))
            .await;
        assert_eq!(dl.status, StatusCode::OK, "{b}");
        assert_eq!(dl.header("content-type"), Some("application/pdf"));
        assert_eq!(dl.header("x-content-type-options"), Some("nosniff"));
        assert!(dl
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;")));
        assert_eq!(&dl.body[..], &pdf(marker)[..]);

        // Encrypted at rest: neither the content nor the name is stored in clear.
        let raw = app.raw_database().await;
        assert!(
            !contains(&raw, marker.as_bytes()),
            "{b}: file content in clear"
        );
        assert!(
            !contains(&raw, "结婚证-王振国".as_bytes()),
            "{b}: file name in clear"
        );

        // The page lists it on the application, under the city's heading.
        let page = family.get(&format!("/applications/{id}")).await.text();
        assert!(
            page.contains("申请材料（阳政办发〔2026〕2号 第十三条）"),
            "{b}"
        );
        assert!(page.contains("结婚证-王振国.pdf"), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn types_are_told_by_the_bytes_and_limits_hold() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let id = family
            .submit_ok(&Family::new(D, ["赵一", "钱二"]).submission())
            .await;

        // An executable named .pdf, an HTML page named .png: refused, 422 beside the file.
        for (name, bytes) in [
            ("证明.pdf", b"MZ\x90\x00\x03 not a pdf".to_vec()),
            ("照片.png", b"<html><script>alert(1)</script>".to_vec()),
        ] {
            let res = upload(&family, &id, "income", name, &bytes).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {name}");
            assert_eq!(res.error()["field"], "file");
            assert!(res.error()["message"]
                .as_str()
                .unwrap_or("")
                .contains("只接收"));
        }
        // A material not on the city's list.
        let res = upload(&family, &id, "passport_photo", "a.pdf", &pdf("x")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(res.error()["field"], "material");

        // Over 5 MB per file.
        let res = upload(
            &family,
            &id,
            "income",
            "big.jpg",
            &jpeg(5 * 1024 * 1024 + 1),
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            res.text()
        );
        assert_eq!(res.error()["field"], "file");

        // 30 MB in all: six files of 4.9 MB fit, the seventh does not.
        let big = jpeg(4_900_000);
        for i in 0..6 {
            let res = upload(&family, &id, "identity", &format!("id{i}.jpg"), &big).await;
            assert_eq!(
                res.status,
                StatusCode::CREATED,
                "{b} file {i}: {}",
                res.text()
            );
        }
        let res = upload(&family, &id, "identity", "id7.jpg", &big).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(res.error()["code"], "materials_too_large");

        // 20 files per application.
        let small = jpeg(100);
        for i in 6..20 {
            let res = upload(&family, &id, "income", &format!("p{i}.jpg"), &small).await;
            assert_eq!(
                res.status,
                StatusCode::CREATED,
                "{b} file {i}: {}",
                res.text()
            );
        }
        let res = upload(&family, &id, "income", "p21.jpg", &small).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(res.error()["code"], "too_many_files");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewers_see_their_files_and_downloads_are_audited() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let id = family
            .submit_ok(&Family::new(D, ["孙三", "李四"]).submission())
            .await;
        let marriage = upload(&family, &id, "marriage", "m.pdf", &pdf("m"))
            .await
            .json();
        let property = upload(&family, &id, "property_query", "p.pdf", &pdf("p"))
            .await
            .json();
        let (m, p) = (
            marriage["id"].as_str().expect("m").to_owned(),
            property["id"].as_str().expect("p").to_owned(),
        );
        let path = format!("/api/v1/applications/{id}/materials");

        // Street and bureau: every file.
        for who in ["street-140302", "bureau-140302", "community-140302"] {
            let s = app.login(who).await;
            let r = s.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {who}");
            assert_eq!(
                r.json()["files"].as_array().map(Vec::len),
                Some(2),
                "{b} {who}"
            );
            assert_eq!(
                r.json()["editable"],
                false,
                "{b} {who}: an online family's files"
            );
        }
        // Civil affairs: the marriage proof, not the property query.
        let ca = app.login("verifier-civil_affairs").await;
        let r = ca.get(&path).await.json();
        let listed: Vec<&str> = r["files"]
            .as_array()
            .expect("files")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert_eq!(listed, vec![m.as_str()], "{b}");
        let dl = ca
            .get(&format!("/api/v1/applications/{id}/materials/{p}"))
            .await;
        assert_eq!(dl.status, StatusCode::NOT_FOUND, "{b}: not its file");
        let dl = ca
            .get(&format!("/api/v1/applications/{id}/materials/{m}"))
            .await;
        assert_eq!(dl.status, StatusCode::OK, "{b}");

        // Supervisors review no declaration: 403. Another district: 404.
        for who in ["city", "company", "auditor"] {
            let r = app.login(who).await.get(&path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {who}");
        }
        for who in ["street-140303", "family2"] {
            let r = app.login(who).await.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {who}");
        }
        // Only the family (or its counter) uploads; a street gets 403.
        let street = app.login("street-140302").await;
        let r = upload(&street, &id, "income", "x.pdf", &pdf("x")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");

        // The download is in the audit log.
        let log = app
            .login("auditor")
            .await
            .get("/api/v1/audit?action=material.download&limit=50")
            .await
            .json();
        assert!(log.to_string().contains(&id), "{b}: {log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_needs_confirmation_and_stops_at_review() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let id = family
            .submit_ok(&Family::new(D, ["周五", "吴六"]).submission())
            .await;
        let f1 = upload(&family, &id, "income", "a.pdf", &pdf("a"))
            .await
            .json();
        let f1 = f1["id"].as_str().expect("id").to_owned();
        let f2 = upload(&family, &id, "income", "b.pdf", &pdf("b"))
            .await
            .json();
        let f2 = f2["id"].as_str().expect("id").to_owned();

        let r = family
            .delete(&format!("/api/v1/applications/{id}/materials/{f1}"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: unconfirmed"
        );
        assert_eq!(r.error()["field"], "confirm");
        let r = family
            .delete(&format!(
                "/api/v1/applications/{id}/materials/{f1}?confirm=true"
            ))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());

        // Under review: no more changes.
        app.login("street-140302")
            .await
            .act_ok(&id, json!({"type": "street_pass"}))
            .await;
        let r = family
            .delete(&format!(
                "/api/v1/applications/{id}/materials/{f2}?confirm=true"
            ))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        let r = upload(&family, &id, "income", "c.pdf", &pdf("c")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");

        let log = app
            .login("auditor")
            .await
            .get("/api/v1/audit?action=material.delete&limit=50")
            .await
            .json();
        assert!(log.to_string().contains(&f1), "{b}: {log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returned_for_correction_accepts_files_again() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let id = family
        .submit_ok(&Family::new(D, ["郑七", "王八"]).submission())
        .await;
    app.login("street-140302")
        .await
        .act_ok(
            &id,
            json!({"type": "street_return", "reason": "请补充社保缴纳证明"}),
        )
        .await;
    let r = upload(&family, &id, "social_insurance", "si.pdf", &pdf("si")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_keeps_the_choice_and_says_the_error_beside_the_file() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let id = family
        .submit_ok(&Family::new(D, ["冯九", "陈十"]).submission())
        .await;
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
            family.csrf
        )
        .as_bytes(),
    );
    body.extend(multipart("marriage", "fake.pdf", b"GIF89a not a pdf"));
    let r = family
        .post_raw(
            &format!("/applications/{id}/materials"),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains("id=\"file-error\""), "{page}");
    assert!(page.contains("只接收 JPG、PNG 图片或 PDF 文件"), "{page}");
    assert!(
        page.contains("<option value=\"marriage\" selected>"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loudi_lists_its_own_materials() {
    let app = TestApp::each_backend_under("loudi-2025", ("urban_average_wage", "90000"))
        .await
        .remove(0);
    let family = app.login("family").await;
    let page = family.get("/apply").await.text();
    assert!(page.contains("四、(二)"), "{page}");
    assert!(
        !page.contains("第十三条"),
        "no Yangquan article on a Loudi form"
    );
    assert!(!page.contains("阳泉市配售型保障性住房申请表"));
}
