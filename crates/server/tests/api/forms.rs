//! The application form as a person meets it (issue 12 defect 7): every
//! problem at once, each beside its field in Chinese, the form kept as typed;
//! names held to a person's length.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apply_form_lists_every_problem_beside_its_field_and_keeps_the_form() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let long_name = "长".repeat(300);
    let res = family
        .post_form(
            "/apply",
            &[
                ("region", "140302"),
                ("a_name", "王振国"),
                ("a_id", "1.40311E+17"),
                ("a_income", "三万"),
                ("a_si", "12.5"),
                ("s_present", "on"),
                ("c1_name", &long_name),
                ("c1_id", &resident_id("140302", "2015-04-01", true)),
                ("transfers", "2024/13/40, 2022-05-01"),
                ("homes", "0"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    let page = res.text();
    // All at once, each beside its field.
    for (field, words) in [
        ("a_id", "居民身份证号码应为18位"),
        ("a_income", "不是数字"),
        ("a_si", "请填写整数"),
        ("s_id", "配偶共同申请"),
        ("c1_name", "姓名最多40个字"),
        ("transfers", "日期“2024/13/40”无效"),
        ("signed_commitment", "请阅读并勾选承诺"),
        ("consent", "请勾选同意核验"),
    ] {
        assert!(page.contains(words), "{field}: {words} missing");
        if !matches!(field, "signed_commitment" | "consent") {
            assert!(
                page.contains(&format!(r#"id="{field}-error""#)),
                "{field}: no error beside the field"
            );
        }
    }
    assert!(page.contains(r#"id="form-errors""#), "the summary on top");
    assert!(!page.contains("line 1, column"), "no parser positions");
    // The form is kept as typed.
    assert!(page.contains(r#"value="王振国""#));
    assert!(page.contains(r#"value="三万""#));
    assert!(page.contains(r#"value="2024/13/40, 2022-05-01""#));
    // Nothing was created.
    let list = family.get("/api/v1/applications").await.json();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");

    // In English, the same problems in English words.
    let res = family
        .post_form("/apply?lang=en", &[("region", "140302"), ("a_income", "x")])
        .await;
    let page = res.text();
    assert!(page.contains("is not a number"), "{page}");
    assert!(page.contains("enter the main applicant"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_refuses_a_name_longer_than_a_person_has() {
    for app in TestApp::each_backend().await {
        let family = app.login("family").await;
        let mut f = Family::new(D, ["王振国", "李秀梅"]).submission();
        f["household"]["members"][1]["name"] = serde_json::json!("长".repeat(300));
        let res = family.post_json("/api/v1/applications", &f).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
        assert_eq!(res.error()["code"], "invalid_name");
        assert_eq!(res.error()["field"], "household.members[1].name");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_city_heads_its_pages_with_its_own_name() {
    let yq = TestApp::sqlite().await;
    let page = yq.anon_get("/").await.text();
    assert!(page.contains("安居 · 阳泉市配售型保障性住房"), "{page}");
    for app in TestApp::each_backend_under("loudi-2025", ("urban_average_wage", "60000")).await {
        let page = app.anon_get("/").await.text();
        assert!(page.contains("安居 · 娄底市保障性住房"), "{page}");
        let at = page
            .find("阳泉")
            .map(|i| page[i.saturating_sub(200)..(i + 60).min(page.len())].to_string());
        assert!(at.is_none(), "a Loudi page never names Yangquan: {at:?}");
    }
}
