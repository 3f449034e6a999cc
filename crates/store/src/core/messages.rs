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
    /// A message sent once per thing it tells of (a scheduled reminder):
    /// a second message with the same key is not written, by any process.
    /// `None` for messages written with their event.
    pub once_key: Option<String>,
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

pub(super) async fn insert_message(c: &mut crate::sql::Conn<'_>, m: &NewMessage) -> Result<bool> {
    // ON CONFLICT: a keyed message already written (by this process or
    // another) is left alone, and its text message not queued twice.
    let Some(row) = Q::new(
        "INSERT INTO messages (user_id, application_id, kind, detail, created_at, once_key) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (once_key) DO NOTHING RETURNING id",
    )
    .text(&m.user_id)
    .opt_text(m.application_id.clone())
    .text(&m.kind)
    .text(&m.detail)
    .text(&m.created_at)
    .opt_text(m.once_key.clone())
    .fetch_optional(c)
    .await?
    else {
        return Ok(false);
    };
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
    Ok(true)
}

/// Whose messages to read: an account's own and, for staff, their
/// office's shared mailbox (a `user_id` such as `office:street:140302`,
/// which no account has): a message for "the street office of 城区" reaches
/// whoever of it is on duty, without copying it to each account.
#[derive(Debug, Clone, Copy)]
pub struct Mailboxes<'a> {
    /// The account's own id.
    pub own: &'a str,
    /// Its office's mailbox, for staff who have one.
    pub office: Option<&'a str>,
}

impl Mailboxes<'_> {
    fn office_or_own(&self) -> &str {
        self.office.unwrap_or(self.own)
    }
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
    /// The messages of an account and of its office's mailbox (see
    /// [`Mailboxes`]), newest first, `limit` of them before `before` (an
    /// id; keyset paging).
    pub async fn messages(
        &self,
        boxes: Mailboxes<'_>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT id, application_id, kind, detail, created_at, read_at FROM messages \
             WHERE user_id IN ($1, $2) AND id < $3 ORDER BY id DESC LIMIT $4",
        )
        .text(boxes.own)
        .text(boxes.office_or_own())
        .int(before.unwrap_or(i64::MAX))
        .int(i64::from(limit))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(message)
        .collect()
    }

    /// How many of the mailboxes' messages are unread.
    pub async fn unread_messages(&self, boxes: Mailboxes<'_>) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT COUNT(*) AS n FROM messages WHERE user_id IN ($1, $2) AND read_at IS NULL",
        )
        .text(boxes.own)
        .text(boxes.office_or_own())
        .fetch_one(&mut pc.conn())
        .await?;
        to_u64(row.int("n")?)
    }

    /// Marks the mailboxes' messages up to `up_to` (an id) read; returns
    /// how many were unread. Other accounts' messages are never touched;
    /// an office's message read by one of its staff is read for the office.
    pub async fn mark_messages_read(
        &self,
        boxes: Mailboxes<'_>,
        up_to: i64,
        at: &str,
    ) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE messages SET read_at = $4 \
                 WHERE user_id IN ($1, $2) AND id <= $3 AND read_at IS NULL",
            )
            .text(boxes.own)
            .text(boxes.office_or_own())
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

    /// Writes keyed messages (see [`NewMessage::once_key`]) not written
    /// before; returns how many were new. One transaction.
    pub async fn tell_once(&self, messages: &[NewMessage]) -> Result<u64> {
        if messages.is_empty() {
            return Ok(0);
        }
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut n = 0;
            for m in messages {
                if insert_message(&mut tx.conn(), m).await? {
                    n += 1;
                }
            }
            tx.commit().await?;
            Ok(n)
        })
    }

    /// The families' deadlines falling between `from` and `to` (inclusive)
    /// that are still open, with the account to remind (applications
    /// without an account, entered at a counter, have no one to tell
    /// in-app and are left out). Read from each room's own tables: a
    /// chosen home not yet signed (`allot_entrants.sign_by`), a buyback
    /// whose family has not left (`hold_buybacks.exit_by`), a misuse case
    /// served with a notice to correct (`hold_cases.deadline`, the holder
    /// by the home's purchase contract).
    pub async fn open_deadlines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OpenDeadline>> {
        let (from, to) = (from.to_string(), to.to_string());
        let mut pc = self.read_conn().await?;
        let mut out = Vec::new();
        for (kind, sql) in [
            (
                DeadlineKind::Signing,
                "SELECT e.project_id || '/' || e.round_no || '/' || e.application_id AS subject, \
                 e.application_id, a.owner_user_id, e.sign_by AS deadline \
                 FROM allot_entrants e JOIN applications a ON a.id = e.application_id \
                 WHERE e.state = 'chosen' AND e.sign_by >= $1 AND e.sign_by <= $2 \
                 AND a.owner_user_id IS NOT NULL ORDER BY e.sign_by, subject",
            ),
            (
                DeadlineKind::Exit,
                "SELECT b.id AS subject, b.application_id, a.owner_user_id, b.exit_by AS deadline \
                 FROM hold_buybacks b JOIN applications a ON a.id = b.application_id \
                 WHERE b.status IN ('awaiting_city', 'in_progress') AND b.vacated_on IS NULL \
                 AND b.exit_by >= $1 AND b.exit_by <= $2 \
                 AND a.owner_user_id IS NOT NULL ORDER BY b.exit_by, subject",
            ),
            (
                DeadlineKind::Correction,
                "SELECT k.id AS subject, c.application_id, a.owner_user_id, k.deadline \
                 FROM hold_cases k \
                 JOIN allot_contracts c ON c.project_id = k.project_id AND c.home_id = k.home_id \
                 JOIN applications a ON a.id = c.application_id \
                 WHERE k.status = 'noticed' AND k.deadline >= $1 AND k.deadline <= $2 \
                 AND a.owner_user_id IS NOT NULL ORDER BY k.deadline, subject",
            ),
        ] {
            for r in Q::new(sql)
                .text(&from)
                .text(&to)
                .fetch_all(&mut pc.conn())
                .await?
            {
                out.push(OpenDeadline {
                    kind,
                    subject: r.text("subject")?,
                    application_id: r.text("application_id")?,
                    owner_user_id: r.text("owner_user_id")?,
                    deadline: parse_date(&r.text("deadline")?)?,
                });
            }
        }
        Ok(out)
    }
}

/// Which deadline (see [`Applications::open_deadlines`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// Signing the purchase contract for a chosen home.
    Signing,
    /// Leaving the home during a buyback.
    Exit,
    /// Correcting a misuse by the notice's deadline.
    Correction,
}

/// A family's open deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDeadline {
    /// Which.
    pub kind: DeadlineKind,
    /// What it belongs to (entrant `project/round/application`, buyback
    /// id, case id): with the kind and date, the reminder's key.
    pub subject: String,
    /// The family's application.
    pub application_id: String,
    /// The account to remind.
    pub owner_user_id: String,
    /// The last day.
    pub deadline: NaiveDate,
}
