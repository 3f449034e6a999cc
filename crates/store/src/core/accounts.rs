//! Accounts and sessions.

use super::audit::append_audit_in;
use super::*;
use anju_domain::throttle::{self, Counter};

use crate::ThrottleRecord;

impl Accounts<'_> {
    // ---------------------------------------------------------------- users

    /// anju's storage. Every method that writes does so in one transaction
    /// (its audit entry included), and is safe with several anju processes on
    /// one database.
    /// Creates an account and audits it. `Duplicate` when the user name is
    /// taken.
    pub async fn create_user(&self, user: NewUser, audit: AuditDraft) -> Result<UserRecord> {
        retrying!(self, {
            let id = UserId::new(format!("u-{}", random_hex(16)))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The store keeps no clock: the account is created when its audit
            // entry says.
            let created_at = audit.at;
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            Q::new(
                "INSERT INTO users (id, username, display_name, role_code, district, password_hash, failed_logins, \
                 locked_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7)",
            )
            .text(id.as_str())
            .text(&user.username)
            .text(&user.display_name)
            .text(user.role.code())
            .opt_text(user.district.map(|d| d.as_str().to_owned()))
            .text(&user.password_hash)
            .text(created_at.to_rfc3339())
            .execute(&mut c)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Duplicate {
                        what: format!(
                            "用户名 {} 已被使用 (user name {} is taken)",
                            user.username, user.username
                        ),
                    }
                } else {
                    e.into()
                }
            })?;
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await?;
            Ok(UserRecord {
                id: id.clone(),
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                district: user.district,
                password_hash: user.password_hash.clone(),
                failed_logins: 0,
                locked_until: None,
                created_at,
            })
        })
    }

    /// The account with this user name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE username = $1"))
            .text(username)
            .fetch_optional(&mut pc.conn())
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    /// The account with this id.
    pub async fn user(&self, id: &UserId) -> Result<Option<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .text(id.as_str())
            .fetch_optional(&mut pc.conn())
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    /// Every account, by user name.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {USER_COLS} FROM users ORDER BY username, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(|r| user_from_row(r, "")).collect()
    }

    /// Sets the password hash and clears failures and lock; audited.
    pub async fn set_password(
        &self,
        id: &UserId,
        password_hash: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let n = Q::new("UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1")
                .text(id.as_str())
                .text(password_hash)
                .execute(&mut c)
                .await?;
            if n == 0 {
                return Err(user_not_found(id));
            }
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await
        })
    }

    /// One statement, so that concurrent failures from several processes
    /// are all counted (the row lock serialises them). Reaching `lock_after`
    /// sets `locked_until` and starts the count again from 0.
    pub async fn record_login_failure(
        &self,
        id: &UserId,
        at: Timestamp,
        lock_after: u32,
        lock_for: chrono::Duration,
    ) -> Result<UserRecord> {
        retrying!(self, {
            let until = at
                .to_utc()
                .checked_add_signed(lock_for)
                .map(|t| Timestamp::from_datetime(&t))
                .ok_or_else(|| StoreError::Conflict {
                    what: "锁定时长超出范围 (lock duration out of range)".to_owned(),
                })?;
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let n = Q::new(
                "UPDATE users SET \
                 locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END, \
                 failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END \
                 WHERE id = $1",
            )
            .text(id.as_str())
            .int(i64::from(lock_after))
            .text(until.to_rfc3339())
            .execute(&mut c)
            .await?;
            if n == 0 {
                return Err(user_not_found(id));
            }
            let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
                .text(id.as_str())
                .fetch_one(&mut c)
                .await?;
            let user = user_from_row(&row, "")?;
            tx.commit().await?;
            Ok(user)
        })
    }

    /// Clears the failure count and any lock.
    pub async fn record_login_success(&self, id: &UserId) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                .text(id.as_str())
                .execute(&mut tx.conn())
                .await?;
            if n == 0 {
                return Err(user_not_found(id));
            }
            tx.commit().await
        })
    }

    // ------------------------------------------------ sign-in throttling

    /// The throttle counters stored under `keys` (missing ones have no
    /// failures).
    pub async fn login_throttle(&self, keys: &[String]) -> Result<Vec<ThrottleRecord>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::param_list(1, keys.len());
        let mut q = Q::new(format!(
            "SELECT throttle_key, failures, last_failure, blocked_until FROM login_throttle \
             WHERE throttle_key IN ({})",
            marks
        ));
        for k in keys {
            q = q.text(k.as_str());
        }
        let mut pc = self.read_conn().await?;
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(ThrottleRecord {
                    key: r.text("throttle_key")?,
                    failures: u32::try_from(r.int("failures")?).unwrap_or(u32::MAX),
                    last_failure: parse_ts(&r.text("last_failure")?)?,
                    blocked_until: r
                        .opt_text("blocked_until")?
                        .as_deref()
                        .map(parse_ts)
                        .transpose()?,
                })
            })
            .collect()
    }

    /// Counts one failed sign-in on each counter, in one transaction: a
    /// counter whose last failure is older than a day starts again from
    /// one, and a counter past its free failures is blocked for its wait.
    /// Counters forgotten for a day are removed on the way.
    pub async fn record_login_failures(
        &self,
        at: Timestamp,
        counters: &[(String, Counter)],
    ) -> Result<()> {
        match self.try_record_login_failures(at, counters).await {
            // Two processes counting a new key at once: the loser's INSERT
            // meets the winner's row; counting again updates it.
            Err(StoreError::Duplicate { .. }) => self.try_record_login_failures(at, counters).await,
            r => r,
        }
    }

    async fn try_record_login_failures(
        &self,
        at: Timestamp,
        counters: &[(String, Counter)],
    ) -> Result<()> {
        let forget = chrono::Duration::seconds(throttle::FORGET_AFTER_SECS);
        let cut = Timestamp::from_datetime(&(at.to_utc() - forget));
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            Q::new("DELETE FROM login_throttle WHERE last_failure < $1")
                .text(cut.to_rfc3339())
                .execute(&mut c)
                .await?;
            for (key, counter) in counters {
                // The UPDATE takes the row's lock, so concurrent failures are
                // all counted.
                let n = Q::new("UPDATE login_throttle SET failures = failures + 1, last_failure = $2 WHERE throttle_key = $1")
                .text(key.as_str())
                .text(at.to_rfc3339())
                .execute(&mut c)
                .await?;
                let failures = if n == 0 {
                    Q::new("INSERT INTO login_throttle (throttle_key, failures, last_failure) VALUES ($1, 1, $2)")
                    .text(key.as_str())
                    .text(at.to_rfc3339())
                    .execute(&mut c)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            StoreError::Duplicate { what: "login_throttle".to_owned() }
                        } else {
                            StoreError::from(e)
                        }
                    })?;
                    1
                } else {
                    let row = Q::new("SELECT failures FROM login_throttle WHERE throttle_key = $1")
                        .text(key.as_str())
                        .fetch_one(&mut c)
                        .await?;
                    u32::try_from(row.int("failures")?).unwrap_or(u32::MAX)
                };
                if let Some(wait) = counter.wait_after(failures) {
                    let until = at.to_utc() + chrono::Duration::from_std(wait).unwrap_or(forget);
                    Q::new("UPDATE login_throttle SET blocked_until = $2 WHERE throttle_key = $1")
                        .text(key.as_str())
                        .text(Timestamp::from_datetime(&until).to_rfc3339())
                        .execute(&mut c)
                        .await?;
                }
            }
            tx.commit().await
        })
    }

    /// Forgets the counters under `keys` (after a successful sign-in).
    pub async fn clear_login_throttle(&self, keys: &[String]) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            for k in keys {
                Q::new("DELETE FROM login_throttle WHERE throttle_key = $1")
                    .text(k.as_str())
                    .execute(&mut tx.conn())
                    .await?;
            }
            tx.commit().await
        })
    }

    /// Remembers a browser the account signed in from (the hash of its
    /// device token).
    pub async fn add_login_device(
        &self,
        token_hash: &str,
        user: &UserId,
        at: Timestamp,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new(
                "INSERT INTO login_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
            )
            .text(token_hash)
            .text(user.as_str())
            .text(at.to_rfc3339())
            .execute(&mut tx.conn())
            .await?;
            tx.commit().await
        })
    }

    /// Whose browser this device token is, if it was issued since `since`.
    pub async fn login_device_owner(
        &self,
        token_hash: &str,
        since: Timestamp,
    ) -> Result<Option<UserId>> {
        let mut pc = self.read_conn().await?;
        let row =
            Q::new("SELECT user_id FROM login_devices WHERE token_hash = $1 AND created_at >= $2")
                .text(token_hash)
                .text(since.to_rfc3339())
                .fetch_optional(&mut pc.conn())
                .await?;
        row.map(|r| UserId::new(r.text("user_id")?).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    // ------------------------------------------------------------- sessions

    /// Stores a session. `Duplicate` if the token hash exists.
    pub async fn create_session(&self, s: SessionRecord) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .text(&s.token_hash)
            .text(s.user_id.as_str())
            .text(&s.csrf_token)
            .text(s.created_at.to_rfc3339())
            .text(s.expires_at.to_rfc3339())
            .execute(&mut tx.conn())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Duplicate {
                        what: "会话已存在 (session already exists)".to_owned(),
                    }
                } else if e
                    .as_database_error()
                    .is_some_and(|d| d.is_foreign_key_violation())
                {
                    user_not_found(&s.user_id)
                } else {
                    e.into()
                }
            })?;
            tx.commit().await
        })
    }

    /// The session and its user; `None` when unknown or expired at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(SessionRecord, UserRecord)>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at AS s_created_at, s.expires_at, \
             u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name, u.role_code AS u_role_code, \
             u.district AS u_district, u.password_hash AS u_password_hash, u.failed_logins AS u_failed_logins, \
             u.locked_until AS u_locked_until, u.created_at AS u_created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .text(token_hash)
        .text(now.to_rfc3339())
        .fetch_optional(&mut pc.conn())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let session = SessionRecord {
            token_hash: r.text("token_hash")?,
            user_id: parse_user_id(&r.text("user_id")?)?,
            csrf_token: r.text("csrf_token")?,
            created_at: parse_ts(&r.text("s_created_at")?)?,
            expires_at: parse_ts(&r.text("expires_at")?)?,
        };
        Ok(Some((session, user_from_row(&r, "u_")?)))
    }

    /// Ends a session (no error if it does not exist).
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new("DELETE FROM sessions WHERE token_hash = $1")
                .text(token_hash)
                .execute(&mut tx.conn())
                .await?;
            tx.commit().await
        })
    }

    /// Deletes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("DELETE FROM sessions WHERE expires_at <= $1")
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Ends every session of a user (after a password change or a lock);
    /// returns how many.
    pub async fn delete_user_sessions(&self, user_id: &UserId) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("DELETE FROM sessions WHERE user_id = $1")
                .text(user_id.as_str())
                .execute(&mut tx.conn())
                .await?;
            tx.commit().await?;
            Ok(n)
        })
    }
}

pub(super) fn user_from_row(r: &Row, prefix: &str) -> Result<UserRecord> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(UserRecord {
        id: parse_user_id(&r.text(&col("id"))?)?,
        username: r.text(&col("username"))?,
        display_name: r.text_or_empty(&col("display_name"))?,
        role: Role::parse(&r.text(&col("role_code"))?).map_err(corrupt)?,
        district: r
            .opt_text(&col("district"))?
            .map(|d| DistrictCode::parse(&d).map_err(corrupt))
            .transpose()?,
        password_hash: r.text(&col("password_hash"))?,
        failed_logins: u32::try_from(r.int(&col("failed_logins"))?)
            .map_err(|_| StoreError::Corrupt("failed_logins out of range".to_owned()))?,
        locked_until: r
            .opt_text(&col("locked_until"))?
            .map(|t| parse_ts(&t))
            .transpose()?,
        created_at: parse_ts(&r.text(&col("created_at"))?)?,
    })
}
