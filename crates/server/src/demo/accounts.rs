//! The demo's accounts: one per role (and per district for district staff),
//! all with the password printed at start.

use anju_domain::{Department, DistrictCode, Role, UserId, YANGQUAN_DISTRICTS};
use anju_store::{AuditDraft, NewUser};
use serde_json::json;

use crate::web::auth::{hash_password, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

pub const DEMO_PASSWORD: &str = "anju-demo-2026";

/// The accounts a demo creates: (username, display name, role, district).
pub fn demo_accounts() -> Vec<(String, String, Role, Option<DistrictCode>)> {
    let mut v = vec![
        (
            "family".to_string(),
            "王建国（申请家庭）".to_string(),
            Role::Applicant,
            None,
        ),
        (
            "family-qualified".to_string(),
            "李秀英（已取得配售资格）".to_string(),
            Role::Applicant,
            None,
        ),
        (
            "family-holder".to_string(),
            "赵玉兰（已购房）".to_string(),
            Role::Applicant,
            None,
        ),
        (
            "company2".to_string(),
            "市保障房公司（第二审批人）".to_string(),
            Role::Company,
            None,
        ),
        (
            "city".to_string(),
            "市住建局".to_string(),
            Role::CityBureau,
            None,
        ),
        (
            "company".to_string(),
            "市保障房公司（实施主体）".to_string(),
            Role::Company,
            None,
        ),
        (
            "auditor".to_string(),
            "审计人员".to_string(),
            Role::Auditor,
            None,
        ),
        (
            "market".to_string(),
            "住建、自然资源市场监管员".to_string(),
            Role::MarketRegulator,
            None,
        ),
        (
            "talent".to_string(),
            "市委人才办（人才补贴）".to_string(),
            Role::TalentOffice,
            None,
        ),
        (
            "family-tenant".to_string(),
            "孙丽华（承租家庭）".to_string(),
            Role::Applicant,
            None,
        ),
    ];
    for d in [
        Department::PublicSecurity,
        Department::CivilAffairs,
        Department::NaturalResources,
        Department::HumanResources,
        Department::ProvidentFund,
    ] {
        v.push((
            format!("verifier-{}", d.code()),
            format!("{}核验员", d.label_zh()),
            Role::Verifier(d),
            None,
        ));
    }
    for d in YANGQUAN_DISTRICTS.iter() {
        let c = d.code.as_str();
        v.push((
            format!("community-{c}"),
            format!("{}社区受理员", d.name_zh),
            Role::Community,
            Some(d.code),
        ));
        v.push((
            format!("street-{c}"),
            format!("{}街道初审员", d.name_zh),
            Role::Street,
            Some(d.code),
        ));
        v.push((
            format!("bureau-{c}"),
            format!("{}住建局", d.name_zh),
            Role::DistrictBureau,
            Some(d.code),
        ));
    }
    v
}

/// Creates the demo accounts that do not exist yet.
pub async fn create(st: &AppState) -> ApiResult<()> {
    let hash = hash_password(DEMO_PASSWORD)?;
    let system = UserId::new("system").map_err(|e| ApiError::internal(e.to_string()))?;
    for (username, display, role, district) in demo_accounts() {
        if st
            .store
            .accounts()
            .user_by_username(&username)
            .await?
            .is_some()
        {
            continue;
        }
        st.store
            .accounts()
            .create_user(
                NewUser {
                    username: username.clone(),
                    display_name: display,
                    role,
                    district,
                    password_hash: hash.clone(),
                },
                AuditDraft {
                    at: st.clock.now(),
                    actor_user_id: system.clone(),
                    role: Role::CityBureau,
                    action: "user.create".into(),
                    subject: format!("user:{username}"),
                    detail: json!({"demo": true}),
                },
            )
            .await?;
    }
    Ok(())
}

/// The signed-in form of a demo account, for seeding through the services.
pub async fn staff(st: &AppState, username: &str) -> ApiResult<CurrentUser> {
    let user = st
        .store
        .accounts()
        .user_by_username(username)
        .await?
        .ok_or_else(|| ApiError::internal(format!("demo account {username} missing")))?;
    let actor = anju_domain::Actor::new(user.id.clone(), user.role, user.district)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(CurrentUser {
        session: anju_store::SessionRecord {
            token_hash: String::new(),
            user_id: user.id.clone(),
            csrf_token: String::new(),
            created_at: st.clock.now(),
            expires_at: st.clock.now(),
        },
        user,
        actor,
    })
}
