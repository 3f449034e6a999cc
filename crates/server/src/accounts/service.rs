//! Signing in: throttling (anju_domain::throttle), the password check, a
//! new session and a device token.
//!
//! An unknown name and a known name with a wrong password take the same
//! steps (a user lookup, one Argon2 verification, one counter write) and get
//! the same answer; a throttled name gets the same 429 whether it exists or
//! not, and while it is throttled no password is checked at all.

use anju_domain::throttle::Counter;
use anju_domain::Timestamp;
use axum::http::StatusCode;

use crate::web::auth;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A successful sign-in: the session's cookie token, the account, the
/// session's CSRF token and the browser's device token.
pub struct SignedIn {
    pub token: String,
    pub user: anju_store::UserRecord,
    pub csrf: String,
    /// The device token to set (new, or the one the browser sent).
    pub device: String,
}

pub async fn do_login(
    st: &AppState,
    ip: std::net::IpAddr,
    device: Option<&str>,
    username: &str,
    password: &str,
) -> ApiResult<SignedIn> {
    // Burst limit per address (shared by every process): keeps Argon2
    // from eating the CPU under a flood; the throttle below is the
    // per-counter one that locks names out.
    if !st.limiter.allow(&st.store, ip).await? {
        return Err(too_many(60));
    }
    let name = username.trim();
    let now = st.clock.now();
    let keys = counter_keys(name, ip);
    let user = st.store.accounts().user_by_username(name).await?;
    let known_device = match (device, &user) {
        (Some(d), Some(u)) if !d.is_empty() => {
            let since = Timestamp::from_datetime(
                &(now.to_utc() - chrono::Duration::days(auth::DEVICE_DAYS)),
            );
            st.store
                .accounts()
                .login_device_owner(&auth::token_hash(d), since)
                .await?
                .is_some_and(|owner| owner == u.id)
        }
        _ => false,
    };
    let counters = st
        .store
        .accounts()
        .login_throttle(&keys.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
        .await?;
    let is_name = |key: &str| keys.iter().any(|(k, c)| *c == Counter::Name && k == key);
    let throttled = counters
        .iter()
        .filter(|r| !(known_device && is_name(&r.key)))
        .filter_map(|r| r.blocked_until)
        .filter(|until| *until > now)
        .max();
    if let Some(until) = throttled {
        let secs = (until.to_utc() - now.to_utc()).num_seconds().max(1);
        return Err(too_many(u32::try_from(secs).unwrap_or(1)));
    }
    let hash = user
        .as_ref()
        .map_or(auth::dummy_hash(), |u| u.password_hash.as_str());
    let ok = auth::verify_password(password, hash);
    let Some(user) = user.filter(|_| ok) else {
        st.store
            .accounts()
            .record_login_failures(now, &keys)
            .await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误 (wrong username or password)",
        )
        .field("password"));
    };
    // A success forgets this client's own mistakes. The address's counter
    // keeps counting (a success at one account does not excuse guesses at
    // others), and so does the name's once it is past its free failures:
    // the official's sign-in from a known browser must not hand an
    // attacker elsewhere a fresh set of guesses.
    let name_under_attack = counters
        .iter()
        .any(|r| is_name(&r.key) && r.failures >= Counter::Name.free_failures());
    let clear: Vec<String> = keys
        .iter()
        .filter(|(_, c)| match c {
            Counter::NameAndAddress => true,
            Counter::Address => false,
            Counter::Name => !name_under_attack,
        })
        .map(|(k, _)| k.clone())
        .collect();
    st.store.accounts().clear_login_throttle(&clear).await?;
    let device = match device.filter(|_| known_device) {
        Some(d) => d.to_owned(),
        None => {
            let d = auth::random_token();
            st.store
                .accounts()
                .add_login_device(&auth::token_hash(&d), &user.id, now)
                .await?;
            d
        }
    };
    let token = auth::random_token();
    let csrf = auth::random_token();
    st.store
        .accounts()
        .create_session(anju_store::SessionRecord {
            token_hash: auth::token_hash(&token),
            user_id: user.id.clone(),
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: Timestamp::from_datetime(
                &(now.to_utc() + chrono::Duration::hours(auth::SESSION_HOURS)),
            ),
        })
        .await?;
    Ok(SignedIn {
        token,
        user,
        csrf,
        device,
    })
}

/// The three counters of an attempt, keyed by hashes (a name typed by
/// mistake may be a password; it is not kept).
fn counter_keys(name: &str, ip: std::net::IpAddr) -> Vec<(String, Counter)> {
    let key = |c: Counter, what: &str| {
        let h = auth::token_hash(&format!("{}\u{0}{what}", c.prefix()));
        (format!("{}:{}", c.prefix(), &h[..40]), c)
    };
    vec![
        key(Counter::NameAndAddress, &format!("{name}\u{0}{ip}")),
        key(Counter::Address, &ip.to_string()),
        key(Counter::Name, name),
    ]
}

fn too_many(secs: u32) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("登录失败次数过多，请 {secs} 秒后再试 (too many failed sign-ins; try again in {secs} seconds)"),
    )
    .retry_after(secs)
}
