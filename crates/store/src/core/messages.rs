//! The message centre's storage (issue 12 feature 17): messages to
//! accounts, written with the event they tell of
//! ([`Applications::append_event_telling`]), and the SMS outbox a gateway
//! drains. Methods of the applications handle: applications own them.

use super::*;

/// A message to write with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The account told.
    pub user_id: String,
    /// The application it concerns.
    pub application_id: Option<String>,
    /// What happened (the application renders it in words).
    pub kind: String,
    /// What the words need (a reason, a date).
    pub detail: String,
    /// When.
    pub created_at: String,
    /// The text message to send, when one is due.
    pub sms: Option<String>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its number (rising).
    pub id: i64,
    /// The application it concerns.
    pub application_id: Option<String>,
    /// What happened.
    pub kind: String,
    /// What the words need.
    pub detail: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// When the account read it.
    pub read_at: Option<String>,
}

/// A text message waiting for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    /// Its number in the outbox.
    pub id: i64,
    /// The account to text.
    pub user_id: String,
    /// The text.
    pub text: String,
    /// When it was queued.
    pub created_at: String,
}

pub(super) async fn insert_message(c: &mut crate::sql::Conn<'_>, m: &NewMessage) -> Result<()> {
    let row = Q::new(
        "INSERT INTO messages (user_id, application_id, kind, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .text(&m.user_id)
    .opt_text(m.application_id.clone())
    .text(&m.kind)
    .text(&m.detail)
    .text(&m.created_at)
    .fetch_one(c)
    .await?;
    if let Some(text) = &m.sms {
        Q::new(
            "INSERT INTO sms_outbox (message_id, user_id, text, created_at) VALUES ($1, $2, $3, $4)",
        )
        .int(row.int("id")?)
        .text(&m.user_id)
        .text(text)
        .text(&m.created_at)
        .execute(c)
        .await?;
    }
    Ok(())
}

fn message(r: &crate::sql::Row) -> Result<MessageRecord> {
    Ok(MessageRecord {
        id: r.int("id")?,
        application_id: r.opt_text("application_id")?,
        kind: r.text("kind")?,
        detail: r.text("detail")?,
        created_at: r.text("created_at")?,
        read_at: r.opt_text("read_at")?,
    })
}

impl Applications<'_> {
    /// An account's messages, newest first, `limit` of them before `before`
    /// (an id; keyset paging).
    pub async fn messages(
        &self,
        user_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT id, application_id, kind, detail, created_at, read_at FROM messages \
             WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .text(user_id)
        .int(before.unwrap_or(i64::MAX))
        .int(i64::from(limit))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(message)
        .collect()
    }

    /// How many of an account's messages are unread.
    pub async fn unread_messages(&self, user_id: &str) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let row =
            Q::new("SELECT COUNT(*) AS n FROM messages WHERE user_id = $1 AND read_at IS NULL")
                .text(user_id)
                .fetch_one(&mut pc.conn())
                .await?;
        to_u64(row.int("n")?)
    }

    /// Marks an account's messages up to `up_to` (an id) read; returns how
    /// many were unread. Another account's messages are never touched.
    pub async fn mark_messages_read(&self, user_id: &str, up_to: i64, at: &str) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE messages SET read_at = $3 WHERE user_id = $1 AND id <= $2 AND read_at IS NULL",
            )
            .text(user_id)
            .int(up_to)
            .text(at)
            .execute(&mut tx.conn())
            .await?;
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Text messages not yet sent, oldest first.
    pub async fn sms_pending(&self, limit: u32) -> Result<Vec<SmsRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT id, user_id, text, created_at FROM sms_outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1",
        )
        .int(i64::from(limit))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(SmsRecord {
                id: r.int("id")?,
                user_id: r.text("user_id")?,
                text: r.text("text")?,
                created_at: r.text("created_at")?,
            })
        })
        .collect()
    }
}
