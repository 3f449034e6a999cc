//! Allotment through the API, on every backend: a plan with a failing and
//! then passing price check, return and approval by the city bureau,
//! tiered rounds with the priority group first, a draw that re-checks from
//! the published files, a re-draw only with a reason and a second approver,
//! selection with a race for one home, contract with the 15% minimum,
//! title with the article-18 annotation and its locks, abandonments that
//! the eligibility rules then enforce, and the masked public view.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use axum::http::StatusCode;
use serde_json::{json, Value};

const P: &str = "T-2026-01";
const HEADER: &str = "楼栋,单元,楼层,房号,建筑面积（㎡）,户型,朝向,房源类型（新建/收购/政府持有）,收购成本（元）,配售价格（元）\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allotment_from_plan_to_title() {
    for app in TestApp::each_backend().await {
        allotment(&app).await;
    }
}

pub fn plan_terms(today: chrono::NaiveDate) -> Value {
    let d = |n: i64| (today + chrono::Duration::days(n)).to_string();
    json!({
        "name": "测试项目", "location": "城区某路1号", "guided_price_per_m2": 420000,
        "sale_method": "摇号选房", "lottery_rules": "按 docs/lottery.md", "buyback_terms": "按第十九条回购",
        "schedule": [
            {"round": 1, "opens": d(0), "closes": d(40)},
            {"round": 2, "opens": d(41), "closes": d(60)},
            {"round": 3, "opens": d(61), "closes": d(90)},
        ],
        "absent_rule": "call_again_at_end", "signing_days": 15, "min_down_payment_percent": 20,
    })
}

async fn qualified(
    app: &TestApp,
    account: &str,
    mut f: Family,
    tier2: bool,
    disabled: bool,
) -> (String, Family) {
    // A fresh session: walking to qualified moves the clock past the last
    // one. One account per family: an account holds one active application.
    let family = app.login(account).await;
    if tier2 {
        f.household["housing"] =
            json!({"owned_homes": 1, "owned_floor_area_m2": 30, "affordable_homes_owned": 0});
    }
    if disabled {
        f.household["special"] = json!(["disabled"]);
    }
    let id = family.submit_ok(&f.submission()).await;
    walk_to_qualified(app, &id).await;
    (id, f)
}

fn project_url(rest: &str) -> String {
    format!("/api/v1/projects/{P}{rest}")
}

async fn version(s: &Session) -> i64 {
    s.get(&project_url("")).await.json()["version"]
        .as_i64()
        .expect("version")
}

async fn allotment(app: &TestApp) {
    let b = app.backend();
    let (a, fa) = qualified(
        app,
        "family",
        Family::new(D, ["赵一", "钱一"]),
        false,
        false,
    )
    .await;
    let (pri, _) = qualified(
        app,
        "family3",
        Family::new(D, ["孙二", "李二"]),
        false,
        true,
    )
    .await;
    let (c, _) = qualified(
        app,
        "family4",
        Family::new(D, ["周三", "吴三"]),
        false,
        false,
    )
    .await;
    let (t2, _) = qualified(
        app,
        "family5",
        Family::new(D, ["郑四", "王四"]),
        true,
        false,
    )
    .await;
    let today = app.state().clock.today();
    let company = app.login("company").await;
    let company2 = app.login("company2").await;
    let city = app.login("city").await;
    let family = app.login("family").await;
    let family_pri = app.login("family3").await;
    let family_c = app.login("family4").await;

    // Only the company creates projects; ids are checked by field.
    let res = family
        .post_json(
            "/api/v1/projects",
            &json!({"id": P, "name": "x", "district": D}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}");
    let res = company
        .post_json(
            "/api/v1/projects",
            &json!({"id": "bad id!", "name": "x", "district": D}),
        )
        .await;
    assert_eq!(res.error()["field"], "id", "{b}");
    let res = company
        .post_json(
            "/api/v1/projects",
            &json!({"id": P, "name": "测试项目", "district": D}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
    // Not published: invisible to the public.
    assert_eq!(
        app.anon_get(&project_url("")).await.status,
        StatusCode::NOT_FOUND,
        "{b}"
    );

    // Homes: a bad row is reported with its row and column; good rows are kept.
    let csv = format!(
        "{HEADER}1,1,3,301,89.56,三室两厅,南北,新建,,376000\n1,1,3,302,89.5.6,两室,南,新建,,300000\n1,1,4,401,100,三室,南北,收购,300000,316000\n1,1,4,402,76.2,两室,南,新建,,320000\n1,1,5,501,76.2,两室,南,新建,,320000\n"
    );
    let res = company
        .upload(&project_url("/homes"), csv.as_bytes(), "application/json")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let r = res.json();
    assert_eq!(r["homes_saved"], 4, "{b}: {r}");
    assert_eq!(r["errors"][0]["row"], 3, "{b}: {r}");
    assert_eq!(r["errors"][0]["column"], "建筑面积（㎡）", "{b}: {r}");

    // The plan: required fields by name, then the price check.
    let mut terms = plan_terms(today);
    terms["lottery_rules"] = json!("");
    let res = company
        .put_json(
            &project_url("/plan"),
            &json!({"terms": terms, "version": version(&company).await}),
        )
        .await;
    assert_eq!(
        res.error()["field"],
        "terms.lottery_rules",
        "{b}: {}",
        res.text()
    );
    let res = company
        .put_json(
            &project_url("/plan"),
            &json!({"terms": plan_terms(today), "version": version(&company).await}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let p = res.json();
    assert_eq!(
        p["price_check"]["passed"], false,
        "{b}: cost 300000 + 5% < 316000"
    );
    assert_eq!(
        p["price_check"]["violations"][0]["citation"]["ref"], "7.3",
        "{b}: {p}"
    );
    let res = company
        .post_json(
            &project_url("/plan/steps"),
            &json!({"step": "submit", "version": version(&company).await}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        res.text()
    );
    assert!(
        res.text().contains("第七条（三）") && !res.text().contains("娄底"),
        "{b}: cites Yangquan's own article 7(3): {}",
        res.text()
    );
    // A corrected row alone fixes it.
    let fix = format!("{HEADER}1,1,4,401,100,三室,南北,收购,300000,315000\n");
    let res = company
        .upload(&project_url("/homes"), fix.as_bytes(), "application/json")
        .await;
    assert_eq!(res.json()["homes_saved"], 1, "{b}");
    let step = |s: &'static str| json!({"step": s});
    let with_version = |mut v: Value, n: i64| {
        v["version"] = json!(n);
        v
    };
    let res = company
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("submit"), version(&company).await),
        )
        .await;
    assert_eq!(
        res.json()["plan_status"],
        "submitted",
        "{b}: {}",
        res.text()
    );
    // Approval is the city bureau's (第十五条), and a return needs a reason.
    let res = company
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("approve"), version(&company).await),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}");
    let res = city
        .post_json(
            &project_url("/plan/steps"),
            &with_version(
                json!({"step": "return", "reason": " "}),
                version(&city).await,
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let res = city
        .post_json(
            &project_url("/plan/steps"),
            &with_version(
                json!({"step": "return", "reason": "请补充回购条款"}),
                version(&city).await,
            ),
        )
        .await;
    assert_eq!(res.json()["plan_status"], "returned", "{b}");
    company
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("submit"), version(&company).await),
        )
        .await;
    // A stale version is a conflict, not a silent overwrite.
    let res = city
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("approve"), 1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
    let res = city
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("approve"), version(&city).await),
        )
        .await;
    assert_eq!(res.json()["plan_status"], "approved", "{b}: {}", res.text());
    // Rounds wait for publication.
    let res = company
        .post_json(&project_url("/rounds"), &json!({"round": 1}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let res = company
        .post_json(
            &project_url("/plan/steps"),
            &with_version(step("publish"), version(&company).await),
        )
        .await;
    assert_eq!(res.json()["plan_status"], "published", "{b}");

    // Round 1: tier 1 only (第十六条); the commitment is the entrant file's SHA-256.
    let res = company
        .post_json(&project_url("/rounds"), &json!({"round": 1}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let frozen = res.json();
    assert_eq!(frozen["entrants"], 3, "{b}: {frozen}");
    let ex = frozen["excluded"].as_array().expect("excluded");
    assert_eq!(ex.len(), 1, "{b}");
    assert_eq!(ex[0]["application_id"], t2.as_str(), "{b}");
    assert_eq!(ex[0]["citation"]["ref"], "16", "{b}");
    // The exclusions are kept and published with the round (no personal data).
    let public = app.anon_get(&project_url("")).await.json();
    assert_eq!(
        public["rounds"][0]["excluded"][0]["application_id"],
        t2.as_str(),
        "{b}: {public}"
    );
    let file = app.anon_get(&project_url("/rounds/1/entrants.csv")).await;
    let list = anju_lottery::EntrantList::parse(&file.body).expect("published entrant file parses");
    assert_eq!(list.commitment_hex(), frozen["commitment"], "{b}");
    // The file is served in parts (a city's is megabytes): parts of any
    // size join to the same bytes, and no part splits a character.
    for chars in [3u32, 7, 1000] {
        let mut joined = String::new();
        let mut from = 0u64;
        loop {
            let part = app
                .store()
                .allotment()
                .round_entrant_file_part(P, 1, from, chars)
                .await
                .expect("part")
                .expect("the round");
            if part.is_empty() {
                break;
            }
            from += part.chars().count() as u64;
            joined.push_str(&part);
        }
        assert_eq!(joined.as_bytes(), &file.body[..], "{b}: parts of {chars}");
    }
    assert!(app
        .store()
        .allotment()
        .round_entrant_file_part(P, 3, 0, 10)
        .await
        .expect("part")
        .is_none());
    assert_eq!(
        app.anon_get(&project_url("/rounds/3/entrants.csv"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "{b}"
    );
    // Round 2 cannot open while round 1 is not closed.
    let res = company
        .post_json(&project_url("/rounds"), &json!({"round": 2}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

    // The draw: the notary is named; a second draw needs reason + second approver.
    let res = company
        .post_json(
            &project_url("/rounds/1/draws"),
            &json!({"reveal": "2026 公证 8731", "notary": " "}),
        )
        .await;
    assert_eq!(res.error()["field"], "notary", "{b}");
    let res = company
        .post_json(
            &project_url("/rounds/1/draws"),
            &json!({"reveal": "8731-4410-2209", "notary": "阳泉市公证处 张公证"}),
        )
        .await;
    assert_eq!(res.json()["draw_no"], 1, "{b}: {}", res.text());
    let res = company
        .post_json(
            &project_url("/rounds/1/draws"),
            &json!({"reveal": "again", "notary": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
    let res = company
        .post_json(
            &project_url("/rounds/1/redraw-request"),
            &json!({"reason": ""}),
        )
        .await;
    assert_eq!(res.error()["field"], "reason", "{b}");
    company
        .post_json(
            &project_url("/rounds/1/redraw-request"),
            &json!({"reason": "公证员录入随机值时现场断电，经公证处确认重新录入"}),
        )
        .await;
    let res = company
        .post_json(&project_url("/rounds/1/redraw-approval"), &json!({}))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "{b}: the requester cannot approve: {}",
        res.text()
    );
    let res = company2
        .post_json(&project_url("/rounds/1/redraw-approval"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let res = company
        .post_json(
            &project_url("/rounds/1/draws"),
            &json!({"reveal": "5520-1934-7781", "notary": "阳泉市公证处 张公证"}),
        )
        .await;
    assert_eq!(res.json()["draw_no"], 2, "{b}: {}", res.text());
    let public = app.anon_get(&project_url("")).await.json();
    let draws = public["rounds"][0]["draws"]
        .as_array()
        .expect("draws")
        .clone();
    assert_eq!(draws.len(), 2, "{b}: every draw is kept");
    assert_eq!(draws[0]["superseded"], true, "{b}");
    assert!(
        draws[1]["redraw_reason"]
            .as_str()
            .unwrap_or("")
            .contains("断电"),
        "{b}"
    );
    for n in [1, 2] {
        let v = app
            .anon_get(&project_url(&format!("/rounds/1/draws/{n}/verify")))
            .await
            .json();
        assert_eq!(v["verified"], true, "{b}: draw {n}: {v}");
        // Every verdict names the entrant file's commitment; checked against
        // the one published before the draw it holds, against another not.
        let c = v["commitment"].as_str().expect("commitment").to_string();
        let url = format!("/rounds/1/draws/{n}/verify?commitment={}", c.to_uppercase());
        let v = app.anon_get(&project_url(&url)).await.json();
        assert_eq!(
            (v["verified"].clone(), v["checked_against"].clone()),
            (json!(true), json!(c)),
            "{b}: {v}"
        );
        let other = "0".repeat(64);
        let url = format!("/rounds/1/draws/{n}/verify?commitment={other}");
        let v = app.anon_get(&project_url(&url)).await.json();
        assert_eq!(v["verified"], false, "{b}: {v}");
        assert_eq!(v["commitment"], json!(c), "{b}: {v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap_or("")
                .contains("published before the draw"),
            "{b}: {v}"
        );
    }
    // Independently: the published result file re-checks with the lottery crate.
    let result = app
        .anon_get(&project_url("/rounds/1/draws/2/result.csv"))
        .await;
    let reveal = anju_lottery::Reveal::new("5520-1934-7781").expect("reveal");
    anju_lottery::verify(&file.body, &reveal, &result.body).expect("published draw verifies");

    // The priority group (disabled family, 004 §8(1)1) is called first.
    let entrants = public["rounds"][0]["entrants"]
        .as_array()
        .expect("entrants")
        .clone();
    let first = entrants
        .iter()
        .find(|e| e["call_position"] == 1)
        .expect("first call");
    assert_eq!(first["application_id"], pri.as_str(), "{b}: {entrants:?}");
    // Masked identities only.
    let text = app.anon_get(&project_url("")).await.text();
    crate::lifecycle::assert_no_personal_data(&text, &fa, "public project page");

    // Selection.
    let sel = project_url("/rounds/1/selection");
    let res = family
        .post_json(
            &sel,
            &json!({"type": "choose", "application_id": a, "home_id": "1-1-301"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "{b}: not selecting yet: {}",
        res.text()
    );
    company
        .post_json(
            &project_url("/rounds/1/status"),
            &json!({"to": "selecting"}),
        )
        .await;
    let res = family
        .post_json(
            &sel,
            &json!({"type": "choose", "application_id": a, "home_id": "1-1-301"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: not called yet: {}",
        res.text()
    );
    let called = company
        .post_json(&project_url("/rounds/1/calls"), &json!({"count": 3}))
        .await
        .json();
    assert_eq!(called["called"][0], pri.as_str(), "{b}: {called}");
    // Each called family is told, with the call (issue 12 feature 17).
    let inbox = family_pri.get("/messages").await.text();
    assert!(
        inbox.contains("已叫号：请在选房期内登录选房"),
        "{b}: the called family is told: {inbox}"
    );
    assert!(
        !app.login("family5")
            .await
            .get("/messages")
            .await
            .text()
            .contains("已叫号"),
        "{b}: a family not called is not"
    );
    // Two called families race for one home: it is sold once.
    let (ba, bc) = (
        json!({"type": "choose", "application_id": a, "home_id": "1-1-301"}),
        json!({"type": "choose", "application_id": c, "home_id": "1-1-301"}),
    );
    let (r1, r2) = tokio::join!(family.post_json(&sel, &ba), family_c.post_json(&sel, &bc));
    let ok = [&r1, &r2]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{b}: {} / {}", r1.text(), r2.text());
    let (winner, loser, loser_family) = if r1.status == StatusCode::OK {
        (&a, &c, &family_c)
    } else {
        (&c, &a, &family)
    };
    let lost = if r1.status == StatusCode::OK {
        &r2
    } else {
        &r1
    };
    assert!(lost.text().contains("已被选定"), "{b}: {}", lost.text());
    let res = loser_family
        .post_json(
            &sel,
            &json!({"type": "choose", "application_id": loser, "home_id": "1-1-402"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let res = family_pri
        .post_json(
            &sel,
            &json!({"type": "choose", "application_id": pri, "home_id": "1-1-401"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());

    // Contract: at least the plan's 20% down (Yangquan's own rule,
    // 阳政办发〔2022〕39号 二、（一）; never the Loudi plan), amounts adding up.
    let res = company
        .post_json(&sel, &json!({"type": "sign", "application_id": winner, "contract": {"contract_no": "HT-001", "down_payment": "75199.99", "commercial_loan": "300800.01"}}))
        .await;
    assert_eq!(
        res.error()["field"],
        "contract.down_payment",
        "{b}: {}",
        res.text()
    );
    assert!(
        res.text().contains("阳政办发〔2022〕39号"),
        "{b}: {}",
        res.text()
    );
    assert!(
        !res.text().contains("娄底"),
        "{b}: a Yangquan family is never told Loudi's rules"
    );
    let res = company
        .post_json(&sel, &json!({"type": "sign", "application_id": winner, "contract": {"contract_no": "HT-001", "down_payment": "75200", "provident_fund_loan": "300800"}}))
        .await;
    assert_eq!(res.json()["state"], "signed", "{b}: {}", res.text());
    // Title with article 18's annotation; then the home is locked.
    let res = company
        .post_json(
            &project_url("/homes/1-1-302/title"),
            &json!({"certificate_no": "晋(2026)阳泉市不动产权第0000001号"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "{b}: no contract for that home"
    );
    let res = company
        .post_json(
            &project_url("/homes/1-1-301/title"),
            &json!({"certificate_no": "晋(2026)阳泉市不动产权第0000001号"}),
        )
        .await;
    assert_eq!(
        res.json()["annotation"],
        anju_allotment::ART18_ANNOTATION,
        "{b}: {}",
        res.text()
    );
    for d in ["sale", "lease", "gift", "other_mortgage"] {
        let res = company
            .post_json(
                &project_url("/homes/1-1-301/dealings"),
                &json!({"dealing": d}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {d}");
        assert!(res.text().contains("第十八条"), "{b} {d}: {}", res.text());
        assert!(!res.text().contains("娄底"), "{b} {d}: {}", res.text());
    }
    let res = company
        .post_json(
            &project_url("/homes/1-1-301/dealings"),
            &json!({"dealing": "purchase_loan_mortgage"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());

    // The priority family gives up its home: an abandonment under 第十四条,
    // which the eligibility rules then enforce on a new application.
    let res = family_pri
        .post_json(&sel, &json!({"type": "give_up", "application_id": pri}))
        .await;
    assert_eq!(res.json()["state"], "abandoned", "{b}: {}", res.text());
    let homes = company.get(&project_url("")).await.json()["homes"].clone();
    let h401 = homes
        .as_array()
        .expect("homes")
        .iter()
        .find(|h| h["id"] == "1-1-401")
        .expect("401")
        .clone();
    assert_eq!(h401["state"], "available", "{b}: the home is free again");
    // One of the same people as the abandoned application applies again.
    let mut again = Family::new(D, ["孙二", "李二"]);
    again.household["members"][0]["id_number"] = json!(pri_ids(app, &pri).await.0);
    let res = app
        .login("family6")
        .await
        .post_json("/api/v1/applications", &again.submission())
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        res.text()
    );
    let msg = res.error()["message"].as_str().unwrap_or("").to_owned();
    assert!(msg.contains("第十四条"), "{b}: {msg}");
    let until = (today + chrono::Duration::days(365 * 2))
        .format("%Y")
        .to_string();
    assert!(msg.contains(&until), "{b}: a 2-year ban: {msg}");

    // The family still to sign is reminded three days before its signing
    // deadline (today + 15), once: by the job run again, or by two server
    // processes at the same time (issue 12 feature 17).
    let reminders = anju_server::applications::reminders::send_due;
    app.set_today(today + chrono::Duration::days(11));
    assert_eq!(
        reminders(&app.state()).await.ok(),
        Some(0),
        "{b}: too early"
    );
    app.set_today(today + chrono::Duration::days(12));
    let (s1, s2) = (app.state(), app.state());
    let (r1, r2) = tokio::join!(reminders(&s1), reminders(&s2));
    assert_eq!(
        r1.ok().unwrap_or(9) + r2.ok().unwrap_or(9),
        1,
        "{b}: one reminder in all"
    );
    app.set_today(today + chrono::Duration::days(15));
    assert_eq!(
        reminders(&app.state()).await.ok(),
        Some(0),
        "{b}: sent once"
    );
    let inbox = app
        .login(if loser == &a { "family" } else { "family4" })
        .await
        .get("/messages")
        .await
        .text();
    let deadline = (today + chrono::Duration::days(15)).to_string();
    assert_eq!(
        inbox.matches("签约期限将至").count(),
        1,
        "{b}: reminded once: {inbox}"
    );
    assert!(inbox.contains(&deadline), "{b}: {inbox}");

    // Not signing within the plan's 15 days is an abandonment too (the
    // plan's schedule, article 15).
    app.set_today(today + chrono::Duration::days(16));
    let company = app.login("company").await;
    let res = company
        .post_json(&project_url("/expire-overdue"), &json!({}))
        .await;
    assert_eq!(res.json()["abandonments"], 1, "{b}: {}", res.text());

    // Round 2 after round 1 closes: tier 2 enters; abandoned families do not.
    company
        .post_json(&project_url("/rounds/1/status"), &json!({"to": "closed"}))
        .await;
    let res = company
        .post_json(&project_url("/rounds"), &json!({"round": 2}))
        .await;
    let r2 = res.json();
    assert_eq!(r2["entrants"], 1, "{b}: {r2}");
    let ex: Vec<&Value> = r2["excluded"]
        .as_array()
        .expect("excluded")
        .iter()
        .collect();
    assert!(ex.iter().any(|e| e["citation"]["ref"] == "14"), "{b}: {r2}");
    let entrants = company.get(&project_url("")).await.json()["rounds"][1]["entrants"].clone();
    assert_eq!(entrants[0]["application_id"], t2.as_str(), "{b}");

    // Absent when called: called once more at the end of the round, then
    // passes (the plan's call_again_at_end) — not an abandonment.
    let sel2 = project_url("/rounds/2/selection");
    company
        .post_json(
            &project_url("/rounds/2/draws"),
            &json!({"reveal": "2-2026", "notary": "阳泉市公证处 张公证"}),
        )
        .await;
    company
        .post_json(
            &project_url("/rounds/2/status"),
            &json!({"to": "selecting"}),
        )
        .await;
    let absent = json!({"type": "absent", "application_id": t2});
    let called = company
        .post_json(&project_url("/rounds/2/calls"), &json!({"count": 5}))
        .await
        .json();
    assert_eq!(called["called"], json!([t2]), "{b}");
    assert_eq!(
        company.post_json(&sel2, &absent).await.json()["state"],
        "absent",
        "{b}"
    );
    let again = company
        .post_json(&project_url("/rounds/2/calls"), &json!({"count": 5}))
        .await
        .json();
    assert_eq!(again["called"], json!([t2]), "{b}: called again at the end");
    assert_eq!(
        company.post_json(&sel2, &absent).await.json()["state"],
        "passed",
        "{b}"
    );
    let none = company
        .post_json(&project_url("/rounds/2/calls"), &json!({"count": 5}))
        .await
        .json();
    assert_eq!(none["called"], json!([]), "{b}: nobody left to call");

    // Results as XLSX for the public.
    let x = app.anon_get(&project_url("/results.xlsx")).await;
    assert_eq!(x.status, StatusCode::OK, "{b}");
    assert!(x.body.starts_with(b"PK"), "{b}");
    // The audit log holds the allotment steps.
    let auditor = app.login("auditor").await;
    let log = auditor.get("/api/v1/audit?limit=1000").await.text();
    for action in [
        "allotment.plan_approve",
        "allotment.draw",
        "allotment.redraw_approve",
        "allotment.choose",
        "allotment.sign",
        "allotment.title",
        "allotment.dealing_refused",
        "allotment.abandon",
    ] {
        assert!(log.contains(action), "{b}: audit has {action}");
    }
}

/// The resident IDs of an application's first member, via the family's own detail view.
async fn pri_ids(app: &TestApp, id: &str) -> (String,) {
    let family = app.login("family3").await;
    let d = family.detail(id).await;
    let hid = d["household"]["members"][0]["id_number"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    (hid,)
}
