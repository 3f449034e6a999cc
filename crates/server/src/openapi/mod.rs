//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers:
//! each room's `api.rs` declares every operation once, with
//! `#[utoipa::path]` on its handler, and `utoipa_axum::routes!` gives both
//! its route and its entry here. Request and response bodies are their
//! Rust types' schemas; who may call an operation is its `x-anju-roles`
//! extension (role codes, `*` for any signed-in account, `{param}` for the
//! path parameter's value; absent: public).
//!
//! The household and decision bodies are the contracts' own JSON Schemas,
//! vendored beside this file from `shared/contracts/household.schema.json`
//! and `shared/contracts/decision.schema.json` (a test checks the copies
//! against `../shared/contracts` when it is there).

use std::sync::OnceLock;

use axum::response::IntoResponse;
use serde_json::{json, Map, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::web::AppState;

/// `shared/contracts/household.schema.json`, vendored.
pub const HOUSEHOLD_SCHEMA: &str = include_str!("household.schema.json");
/// `shared/contracts/decision.schema.json`, vendored.
pub const DECISION_SCHEMA: &str = include_str!("decision.schema.json");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "anju API",
        description = "安居 配售型保障性住房平台 API。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}；改变状态的请求需要 X-CSRF-Token。谁可以调用某个操作见其 x-anju-roles（角色代码；* 为任何已登录账号；无此项为公开）。\n\nErrors are always {\"error\": {\"code\", \"message\", \"field\"}}; state-changing calls need the session's X-CSRF-Token. Who may call an operation is its x-anju-roles (role codes; * for any signed-in account; absent: public).",
    ),
    modifiers(&Security),
    components(
        schemas(crate::web::error::ErrorBody, crate::web::apidoc::RoleCode),
    ),
    tags(
        (name = "accounts", description = "登录与当前账号 sessions"),
        (name = "applications", description = "资格自测、申请、公示 self-check, applications, notices"),
        (name = "verification", description = "部门核验 department verification by file"),
        (name = "allotment", description = "配售：项目、方案、轮次、摇号、选房、签约、产权 allotment"),
        (name = "holdings", description = "持有与退出：登记簿、年度核查、案件、回购、房源收回 holdings"),
        (name = "market", description = "市场监管：去化周期、土地供应、地块、容积率、开发项目与预售资金 market regulation"),
        (name = "audit", description = "审计日志 the audit log"),
        (name = "subsidies", description = "补贴自测与购房金融计算 subsidy self-checks and finance calculators"),
        (name = "rentals", description = "配租：房源与市场租金、配租通知、租赁合同、租金台账、退出与失信名单 rentals"),
        (name = "acquisition", description = "收购存量商品房：需求摸排、房源筛查、限价、以需定购计划、公示、签约、交接、登记、资金台账 acquisition of existing homes"),
        (name = "meta", description = "this document"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        // Every error response, from the one list in `web::apidoc`.
        components
            .responses
            .extend(crate::web::apidoc::error_responses());
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::web::auth::SESSION_COOKIE,
                "会话 cookie (set by POST /api/v1/session)",
            ))),
        );
    }
}

/// Every `/api/v1` operation, routed and documented: each room's API and
/// this document.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .merge(crate::accounts::api())
        .merge(crate::applications::api())
        .merge(crate::allotment::api())
        .merge(crate::holdings::api())
        .merge(crate::market::api())
        .merge(crate::audit::api())
        .merge(crate::subsidies::api())
        .merge(crate::rentals::api())
        .merge(crate::acquisition::api())
}

/// The document as JSON (built once).
pub fn document() -> Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| finish(api().into_openapi())).clone()
}

/// The document, pretty-printed with its keys in a stable (sorted) order:
/// what `GET /api/v1/openapi.json` serves and the snapshot holds.
pub fn document_pretty() -> String {
    let mut s = serde_json::to_string_pretty(&sorted(document())).unwrap_or_default();
    s.push('\n');
    s
}

/// 本文档 this OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> axum::response::Response {
    static BODY: OnceLock<String> = OnceLock::new();
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        BODY.get_or_init(document_pretty).clone(),
    )
        .into_response()
}

/// Puts the contracts' schemas in, as `Household` and `Decision` (their
/// `$defs` become components of their own: `HouseholdPerson`,
/// `DecisionCitation`), and the domain's application record.
fn finish(doc: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let schemas = &mut doc["components"]["schemas"];
    for (name, text) in [
        ("Household", HOUSEHOLD_SCHEMA),
        ("Decision", DECISION_SCHEMA),
    ] {
        let contract: Value = serde_json::from_str(text).unwrap_or_else(|e| {
            panic!("vendored {name} schema is not JSON: {e}");
        });
        for (def, schema) in component(name, contract) {
            schemas[def] = schema;
        }
    }
    schemas["ApplicationRecord"] = application_record();
    database_faults(&mut doc);
    doc
}

/// Any operation can meet a database that is away or contended (503, with
/// `Retry-After`); any operation that writes, a full volume (507). Added
/// here, once, rather than to each handler's annotation.
fn database_faults(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut add = |status: &str, name: &str| {
                responses.entry(status).or_insert_with(
                    || serde_json::json!({ "$ref": format!("#/components/responses/{name}") }),
                );
            };
            add("503", "Unavailable");
            if method != "get" && method != "head" {
                add("507", "InsufficientStorage");
            }
        }
    }
}

/// A contract's JSON Schema as components: the schema itself under `name`
/// and each of its `$defs` under `name` + the def's name in upper camel
/// case, with `#/$defs/...` references pointing there.
fn component(name: &str, mut contract: Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(obj) = contract.as_object_mut() else {
        return out;
    };
    // `$id` would re-base the references; `$schema` is the document's.
    obj.remove("$schema");
    let id = obj.remove("$id");
    let defs = obj.remove("$defs");
    let source = format!(
        "contracts/{} (shared/contracts, vendored)",
        id.as_ref()
            .and_then(Value::as_str)
            .and_then(|s| s.rsplit('/').next())
            .unwrap_or(name)
    );
    obj.insert("description".into(), Value::String(source));
    let def_name = |def: &str| {
        let camel: String = def
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        format!("{name}{camel}")
    };
    let mut all = vec![(name.to_string(), contract)];
    if let Some(Value::Object(defs)) = defs {
        for (def, schema) in defs {
            all.push((def_name(&def), schema));
        }
    }
    for (n, mut schema) in all {
        rewrite_refs(&mut schema, &def_name);
        out.push((n, schema));
    }
    out
}

fn rewrite_refs(v: &mut Value, def_name: &dyn Fn(&str) -> String) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(def) = r.strip_prefix("#/$defs/") {
                    *r = format!("#/components/schemas/{}", def_name(def));
                }
            }
            for x in m.values_mut() {
                rewrite_refs(x, def_name);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite_refs(x, def_name)),
        _ => {}
    }
}

/// `anju_domain::Application` as it serialises: its top level exactly,
/// the nested history records as objects.
fn application_record() -> Value {
    let object = |d: &str| json!({"type": "object", "description": d});
    let list = |d: &str| json!({"type": "array", "items": {"type": "object"}, "description": d});
    json!({
        "type": "object",
        "description": "the application record (anju_domain::Application)",
        "required": ["id", "district", "household_id", "owner", "channel", "submission", "submitted_at",
                     "updated_at", "version", "status", "verifications", "decisions", "objections"],
        "properties": {
            "id": {"type": "string"},
            "district": {"$ref": "#/components/schemas/DistrictCode"},
            "household_id": {"type": "string"},
            "owner": {"type": ["string", "null"], "description": "the family's account"},
            "channel": {"enum": ["online", "counter"]},
            "submission": {
                "type": "object",
                "required": ["household_id", "district", "materials", "signed_commitment", "consent_to_verification"],
                "properties": {
                    "household_id": {"type": "string"},
                    "district": {"$ref": "#/components/schemas/DistrictCode"},
                    "applicant_account": {"type": ["string", "null"]},
                    "materials": {"$ref": "#/components/schemas/MaterialsChecklist"},
                    "signed_commitment": {"type": "boolean"},
                    "consent_to_verification": {"type": "boolean"}
                }
            },
            "submitted_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer", "minimum": 1},
            "status": object("the state, with its data (e.g. the notice period)"),
            "verifications": list("departments' confirmations {department, by, at, corrections}"),
            "decisions": list("recorded engine decisions {decision_ref, recorded_at, recorded_by, decision}"),
            "objections": list("objections received during the notice {id, notice, text, recorded_at, recorded_by, resolved}")
        }
    })
}

/// `v` with every object's keys in sorted order (whatever map type
/// serde_json was built with).
pub fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut pairs: Vec<(String, Value)> = m.into_iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}
