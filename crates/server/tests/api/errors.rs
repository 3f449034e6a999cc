//! Refusals: JSON `{"error": {"code", "message", "field"}}` with the right
//! status, naming the field at fault.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_say_what_and_where() {
    for app in TestApp::each_backend().await {
        errors(&app).await;
    }
}

async fn errors(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    let bureau = app.login(&format!("bureau-{D}")).await;
    let f = Family::new(D, ["王振国", "李秀梅"]);
    let id = family.submit_ok(&f.submission()).await;

    // Illegal transition: qualify while submitted.
    let res = bureau.act(&id, json!({"type": "qualify"})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
    let e = res.error();
    assert_eq!(e["code"], "conflict");
    let msg = e["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("已提交，待街道初审") && msg.contains("确认取得配售资格"),
        "{b}: names the state and the action: {msg}"
    );
    assert!(
        msg.contains("cannot confirm the qualification while submitted"),
        "{msg}"
    );
    // ... and nothing happened.
    assert_eq!(family.detail(&id).await["version"], json!(1), "{b}");

    // Unknown action type: the field is named.
    let res = bureau.act(&id, json!({"type": "approve"})).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert_eq!(res.error()["code"], "invalid_json");

    // A street rejection without its article: the field is named.
    let street = app.login(&format!("street-{D}")).await;
    let res = street
        .act(
            &id,
            json!({"type": "street_reject", "message": "住房超标", "ref": "10.1.2"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert!(res.error()["message"]
        .as_str()
        .unwrap_or("")
        .contains("article"));

    // Incomplete materials: 422 listing every missing item.
    let g = Family::new(D, ["赵志强", "孙丽娟"]);
    let mut body = g.submission();
    body["materials"]["income"] = json!(false);
    body["materials"]["property_query"] = json!(false);
    body["materials"]["identity_proofs"] = json!(1);
    body["signed_commitment"] = json!(false);
    // Another family's account: this one already has its one application.
    let newcomer = app.login("family3").await;
    let res = newcomer.post_json("/api/v1/applications", &body).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        res.text()
    );
    let e = res.error();
    let msg = e["message"].as_str().unwrap_or("");
    for item in [
        "收入信息",
        "家庭成员不动产查询情况",
        "家庭成员有效身份证明（缺1人）",
        "签订的承诺书",
    ] {
        assert!(msg.contains(item), "{b}: {item} missing from {msg}");
    }
    for item in ["社保信息", "婚姻证明", "申请表"] {
        assert!(!msg.contains(item), "{b}: {item} was given: {msg}");
    }
    assert_eq!(e["field"], "materials", "{b}: {e}");
    // Nothing was stored; a family can apply once complete (another
    // account: this one already has its one active application).
    newcomer.submit_ok(&g.submission()).await;

    // A bad resident ID: 400 naming the member's field.
    let mut h = Family::new(D, ["周文华", "吴海燕"]);
    let bad = with_bad_check(&h.ids[0]);
    h.household["members"][0]["id_number"] = json!(bad);
    let res = family
        .post_json("/api/v1/applications", &h.submission())
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    let e = res.error();
    assert_eq!(e["code"], "invalid_household");
    assert_eq!(e["field"], "household.members[0].id_number", "{b}: {e}");
    let mut h2 = h.clone();
    h2.household["members"][1]["id_number"] = json!("14030219900820");
    h2.household["members"][0]["id_number"] = json!(h.ids[0]);
    let res = family
        .post_json("/api/v1/applications", &h2.submission())
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert_eq!(res.error()["field"], "household.members[1].id_number");
    // A member without an ID cannot apply.
    let mut h3 = h.clone();
    h3.household["members"][0]["id_number"] = json!(h.ids[0]);
    h3.household["members"][1]
        .as_object_mut()
        .expect("member")
        .remove("id_number");
    h3.household["members"][1]["birth_date"] = json!("1990-08-20");
    h3.household["members"][1]["sex"] = json!("female");
    let res = family
        .post_json("/api/v1/applications", &h3.submission())
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert_eq!(res.error()["field"], "household.members[1].id_number");

    // A wrongly typed field of the request.
    let mut body = Family::new(D, ["郑红梅", "钱小军"]).submission();
    body["materials"]["income"] = json!("yes");
    let res = family.post_json("/api/v1/applications", &body).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    let e = res.error();
    assert_eq!(e["code"], "invalid_json");
    assert_eq!(e["field"], "materials.income", "{b}: {e}");
    // Not JSON at all.
    let res = family
        .post_raw(
            "/api/v1/applications",
            "application/json",
            b"{not json".to_vec(),
            &[("x-csrf-token", family.csrf.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert_eq!(res.error()["code"], "invalid_json");

    // CSRF: a state change without the session's token is refused, and
    // changes nothing.
    let res = street
        .post_json_without_csrf(
            &format!("/api/v1/applications/{id}/actions"),
            &json!({"type": "street_pass"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}: {}", res.text());
    let e = res.error();
    assert_eq!(e["code"], "forbidden");
    assert_eq!(e["field"], "x-csrf-token");
    let res = street
        .post_raw(
            &format!("/api/v1/applications/{id}/actions"),
            "application/json",
            json!({"type": "street_pass"}).to_string().into_bytes(),
            &[("x-csrf-token", family.csrf.as_str())],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "{b}: another session's token"
    );
    // A form content type does not exempt the JSON API from the token.
    for content_type in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let res = street
            .post_raw(
                &format!("/api/v1/applications/{id}/actions"),
                content_type,
                json!({"type": "street_pass"}).to_string().into_bytes(),
                &[],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{b}: {content_type} without the token: {}",
            res.text()
        );
    }
    let res = family
        .post_json_without_csrf(
            "/api/v1/applications",
            &Family::new(D, ["冯欣怡", "陈浩然"]).submission(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}: {}", res.text());
    let res = family
        .post_raw(
            "/api/v1/verification/public_security/upload",
            "multipart/form-data; boundary=x",
            b"application_id,resident_id\n".to_vec(),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}: {}", res.text());
    assert_eq!(
        family.detail(&id).await["version"],
        json!(1),
        "{b}: nothing changed"
    );

    // Not signed in, or a forged cookie.
    let res = app.anon_get("/api/v1/applications").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error()["code"], "unauthorized");
    let mut forged = family.clone();
    forged.cookie = "anju_session=00".into();
    let res = forged.get("/api/v1/me").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    // A wrong password names the field; an unknown account answers the same.
    let res = app
        .anon_post_json(
            "/api/v1/session",
            &json!({"username": "family", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let wrong = res.error();
    assert_eq!(wrong["field"], "password");
    let res = app
        .anon_post_json(
            "/api/v1/session",
            &json!({"username": "nobody", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error(), wrong, "{b}: no account enumeration");
    let res = app
        .anon_post_json("/api/v1/session", &json!({"username": "family"}))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.error()["message"]
        .as_str()
        .unwrap_or("")
        .contains("password"));

    // An unknown department, an unknown application.
    let verifier = app.login("verifier-public_security").await;
    let res = verifier
        .get("/api/v1/verification/police/template.csv")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.error()["code"], "not_found");
    let res = bureau
        .get("/api/v1/applications/140302-20260302-nothere0")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.error()["code"], "not_found");

    // Public self-check: a bad household names the field too.
    let mut h = Family::new(D, ["王振国", "李秀梅"]).household;
    h["members"][0]["annual_income_yuan"] = json!(-1);
    let res = app.anon_post_json("/api/v1/check", &h).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    // The body is the household itself: the field is named from there.
    assert_eq!(res.error()["field"], "members[0].annual_income_yuan", "{b}");
    let ok = app
        .anon_post_json(
            "/api/v1/check",
            &Family::new(D, ["王振国", "李秀梅"]).household,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{b}: {}", ok.text());
    let decision: Value = ok.json();
    assert_eq!(decision["eligible"], json!(true), "{b}: {decision}");
}
