//! The OpenAPI 3.1 document of `/api/v1`, written out by hand so it says
//! exactly what the handlers do (a test checks every documented path is
//! routed and answers).

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::web::AppState;

/// `GET /api/v1/openapi.json`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { Json(document()) }))
}

fn err() -> Value {
    json!({"description": "错误 (error)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn document() -> Value {
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {}}});
    let csrf = json!([{"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}, "description": "the session's csrf_token (from POST /session or GET /me)"}]);
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let dept = json!({"name": "department", "in": "path", "required": true, "schema": {"enum": ["public_security", "civil_affairs", "natural_resources", "human_resources", "provident_fund"]}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "anju API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "安居 配售型保障性住房平台 API。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}；改变状态的请求需要 X-CSRF-Token。"},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "anju_session"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]}}}}},
                "Household": {"description": "contracts/household.schema.json", "type": "object"},
                "Decision": {"description": "contracts/decision.schema.json", "type": "object"},
                "SubmitRequest": {"type": "object", "required": ["household", "materials", "signed_commitment", "consent_to_verification"], "properties": {
                    "household": {"$ref": "#/components/schemas/Household"},
                    "materials": {"type": "object", "description": "article 13 checklist: application_form, member_count, identity_proofs, hukou_or_residence_proof, marital_status, marriage_proof, divorce_proof, income, social_insurance, property_query"},
                    "signed_commitment": {"type": "boolean"}, "consent_to_verification": {"type": "boolean"}}},
                "Action": {"type": "object", "required": ["type"], "properties": {"type": {"enum": [
                    "street_pass", "street_return", "street_reject", "resubmit", "department_confirm", "record_decision",
                    "start_notice", "record_objection", "resolve_objection", "qualify", "request_review", "decide_review", "withdraw"]}},
                    "description": "street_return{reason}; street_reject{message, article, ref}; department_confirm{department, corrections:[{path, old, new}]}; record_decision (the server runs the policy engine); start_notice{start?} (end from the working-day calendar, ≥5 working days); record_objection{text}; resolve_objection{id, upheld, note, article?, ref?}; request_review{reasons}; decide_review{reverse, note}"}
            }
        },
        "paths": {
            "/api/v1/session": {
                "post": {"summary": "登录 sign in", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                         "responses": {"200": ok("user and csrf_token; sets the session cookie"), "401": err(), "423": err(), "429": err()}},
                "delete": {"summary": "退出 sign out", "parameters": csrf, "security": [{"session": []}], "responses": {"204": {"description": "signed out"}, "401": err(), "403": err()}}
            },
            "/api/v1/me": {"get": {"summary": "当前账号 current account", "security": [{"session": []}], "responses": {"200": ok("user and csrf_token"), "401": err()}}},
            "/api/v1/check": {"post": {"summary": "资格自测 self-check (public)", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Household"}}}},
                                        "responses": {"200": {"description": "decision", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}}, "400": err()}}},
            "/api/v1/applications": {
                "get": {"summary": "申请列表（按角色与县区限定）list, scoped by role and district", "security": [{"session": []}],
                        "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {"200": ok("items"), "401": err()}},
                "post": {"summary": "提交申请 submit (family online, community at the counter)", "security": [{"session": []}], "parameters": csrf,
                         "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitRequest"}}}},
                         "responses": {"201": ok("the application"), "400": err(), "401": err(), "403": err(), "409": err(), "422": err()}}
            },
            "/api/v1/applications/{id}": {"get": {"summary": "申请详情（员工查看记入审计）detail (staff reads are audited)", "security": [{"session": []}], "parameters": [id],
                                                  "responses": {"200": ok("the application with household facts"), "401": err(), "404": err()}}},
            "/api/v1/applications/{id}/actions": {"post": {"summary": "办理 take an action", "security": [{"session": []}], "parameters": [id, csrf[0]],
                                                           "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}}},
                                                           "responses": {"200": ok("the application after the action"), "400": err(), "401": err(), "403": err(), "404": err(), "409": err(), "422": err()}}},
            "/api/v1/notices": {"get": {"summary": "公示名单（脱敏）families under notice, masked (public)", "responses": {"200": ok("items and how_to_object")}}},
            "/api/v1/notices.xlsx": {"get": {"summary": "公示名单 Excel (public)", "responses": {"200": {"description": "XLSX", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}}},
            "/api/v1/verification/{department}/template.csv": {"get": {"summary": "部门核验模板 verification template", "security": [{"session": []}], "parameters": [dept], "responses": {"200": {"description": "CSV"}, "401": err(), "403": err(), "404": err()}}},
            "/api/v1/verification/{department}/template.xlsx": {"get": {"summary": "部门核验模板（Excel）verification template as XLSX", "security": [{"session": []}], "parameters": [dept], "responses": {"200": {"description": "XLSX"}, "401": err(), "403": err(), "404": err()}}},
            "/api/v1/verification/{department}/upload": {"post": {"summary": "上传核验结果（CSV 或 XLSX）upload results as CSV or XLSX (Accept: text/csv for the error report)", "security": [{"session": []}], "parameters": [dept, csrf[0]],
                                                                   "requestBody": {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}, "responses": {"200": ok("import report"), "400": err(), "401": err(), "403": err(), "404": err()}}},
            "/api/v1/audit": {"get": {"summary": "审计日志 audit log (auditor, city bureau)", "security": [{"session": []}], "responses": {"200": ok("items"), "401": err(), "403": err()}}},
            "/api/v1/audit/verify": {"get": {"summary": "校验审计链 verify the audit chain", "security": [{"session": []}], "responses": {"200": ok("ok, entries or error"), "401": err(), "403": err()}}},
            "/api/v1/districts": {"get": {"summary": "县（区）列表 districts (public)", "responses": {"200": ok("items")}}},
            "/api/v1/openapi.json": {"get": {"summary": "this document", "responses": {"200": ok("OpenAPI")}}}

        }
    });
    if let (Some(all), Value::Object(more)) = (doc["paths"].as_object_mut(), allotment_paths()) {
        all.extend(more);
    }
    doc
}

/// The allotment operations (issue #4), kept apart from the rest of the
/// document so the `json!` macro stays within its recursion limit.
fn allotment_paths() -> Value {
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {}}});
    let csrf = json!([{"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}, "description": "the session's csrf_token"}]);
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let round = json!({"name": "round", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 3}});
    let draw = json!({"name": "draw", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}});
    let home = json!({"name": "home", "in": "path", "required": true, "schema": {"type": "string"}, "description": "building-unit-number, e.g. 1-1-301"});
    let body = |desc: &str| json!({"content": {"application/json": {"schema": {"type": "object", "description": desc}}}});
    // A state-changing allotment operation (company / city bureau / family as the description says).
    let change = |summary: &str, params: Value, req: Value| {
        json!({"summary": summary, "security": [{"session": []}], "parameters": params, "requestBody": req,
        "responses": {"200": ok("result"), "400": err(), "401": err(), "403": err(), "404": err(), "409": err(), "422": err()}})
    };
    let public = |summary: &str, params: Value, what: Value| json!({"summary": summary, "parameters": params, "responses": {"200": what, "404": err()}});
    let csv = json!({"description": "CSV", "content": {"text/csv": {}}});
    let xlsx = json!({"description": "XLSX", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}});
    json!({
            "/api/v1/projects": {
                "get": {"summary": "配售项目（公众只见已公布的）projects (the public sees published ones)", "responses": {"200": ok("projects")}},
                "post": {"summary": "新建项目（实施主体）create a project (company)", "security": [{"session": []}], "parameters": csrf,
                         "requestBody": body("{id, name, district, districts?, county_seat_of?}"),
                         "responses": {"201": ok("the project"), "400": err(), "401": err(), "403": err(), "409": err()}}
            },
            "/api/v1/projects/{id}": {"get": public("项目、配售方案、价格核定、房源、轮次、承诺值、摇号与脱敏结果 project, plan, price check, homes, rounds, commitments, draws, masked results", json!([id]), ok("project"))},
            "/api/v1/projects/{id}/plan": {"put": change("编制配售方案（第十五条，实施主体）write the plan (company)", json!([id, csrf[0]]), body("{terms: PlanTerms, version}"))},
            "/api/v1/projects/{id}/plan/steps": {"post": change("报批/批准/退回/公布 submit (company), approve or return (city bureau), publish (company)", json!([id, csrf[0]]), body("{step: submit|approve|return|publish, reason?, version}"))},
            "/api/v1/projects/{id}/homes": {"post": {"summary": "导入房源（CSV 或 XLSX，逐行报错）import homes, row-level errors (company)", "security": [{"session": []}], "parameters": [id, csrf[0]],
                "requestBody": {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                "responses": {"200": ok("rows, homes_saved, errors[{row, column, message}]"), "400": err(), "401": err(), "403": err(), "404": err(), "409": err()}}},
            "/api/v1/projects/homes-template.csv": {"get": {"summary": "房源表模板 homes template", "responses": {"200": csv}}},
            "/api/v1/projects/homes-template.xlsx": {"get": {"summary": "房源表模板（Excel）homes template as XLSX", "responses": {"200": xlsx}}},
            "/api/v1/projects/{id}/rounds": {"post": change("开启轮次并冻结名单、公布承诺值（第十六条）open a round: freeze the entrants, publish the commitment (company)", json!([id, csrf[0]]), body("{round}"))},
            "/api/v1/projects/{id}/rounds/{round}/entrants.csv": {"get": public("冻结的入围名单（承诺值即其 SHA-256）the frozen entrant file (its SHA-256 is the commitment)", json!([id, round]), csv.clone())},
            "/api/v1/projects/{id}/rounds/{round}/draws": {"post": change("摇号（公证员录入随机值）draw with the notary's reveal (company)", json!([id, round, csrf[0]]), body("{reveal, notary}"))},
            "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/result.csv": {"get": public("摇号结果文件 the draw's result file", json!([id, round, draw]), csv)},
            "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/verify": {"get": public("按公布文件重新计算核对 re-run the draw from the published files", json!([id, round, draw]), ok("verified, message"))},
            "/api/v1/projects/{id}/rounds/{round}/redraw-request": {"post": change("申请重新摇号（须书面理由）request a re-draw with a written reason (company)", json!([id, round, csrf[0]]), body("{reason}"))},
            "/api/v1/projects/{id}/rounds/{round}/redraw-approval": {"post": change("第二人批准重新摇号 second approver (city bureau or another company officer)", json!([id, round, csrf[0]]), body("{}"))},
            "/api/v1/projects/{id}/rounds/{round}/status": {"post": change("开始选房 / 结束本轮 start selection or close the round (company)", json!([id, round, csrf[0]]), body("{to: selecting|closed}"))},
            "/api/v1/projects/{id}/rounds/{round}/calls": {"post": change("按顺序叫号 call the next families (company)", json!([id, round, csrf[0]]), body("{count}"))},
            "/api/v1/projects/{id}/rounds/{round}/selection": {"post": change("选房、未到场、放弃本轮、弃购、签约 choose, absent, decline, give_up, sign", json!([id, round, csrf[0]]),
                body("{type: choose{application_id, home_id} | absent{application_id} | decline{application_id} | give_up{application_id} | sign{application_id, contract{contract_no, down_payment, provident_fund_loan?, commercial_loan?}}}"))},
            "/api/v1/projects/{id}/expire-overdue": {"post": change("逾期未签约视为放弃（娄底方案八、(一)2）expire unsigned choices (company)", json!([id, csrf[0]]), body("{}"))},
            "/api/v1/projects/{id}/homes/{home}/title": {"post": change("登记不动产权证（附记第十八条原文）register the title (company)", json!([id, home, csrf[0]]), body("{certificate_no, registered_on?}"))},
            "/api/v1/projects/{id}/homes/{home}/dealings": {"post": change("登记交易/出租/赠与/抵押（除购房按揭外均拒绝）record a dealing (only the purchase-loan mortgage is allowed)", json!([id, home, csrf[0]]), body("{dealing: sale|lease|gift|purchase_loan_mortgage|other_mortgage}"))},
            "/api/v1/projects/{id}/results.xlsx": {"get": public("摇号与选房结果（脱敏）results, masked", json!([id]), xlsx)},
            "/api/v1/applications/{id}/allotment": {"get": {"summary": "本申请的配售进展 this application's rounds, positions and choices", "security": [{"session": []}], "parameters": [id], "responses": {"200": ok("entries"), "401": err(), "404": err()}}}
    })
}
