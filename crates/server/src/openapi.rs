//! The OpenAPI 3.1 document of `/api/v1`, written out by hand so it says
//! exactly what the handlers do (a test checks every documented path is
//! routed and answers).

use serde_json::{json, Value};

fn err() -> Value {
    json!({"description": "错误 (error)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn document() -> Value {
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {}}});
    let csrf = json!([{"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}, "description": "the session's csrf_token (from POST /session or GET /me)"}]);
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let dept = json!({"name": "department", "in": "path", "required": true, "schema": {"enum": ["public_security", "civil_affairs", "natural_resources", "human_resources", "provident_fund"]}});
    json!({
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
    })
}
