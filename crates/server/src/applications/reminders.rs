//! The scheduled "deadline approaching" messages (issue 12 feature 17).
//! Which deadlines and how far ahead is the pure rule
//! `anju_domain::timeline::{Deadline, reminder_due}`; the store finds the
//! open deadlines in each room's tables (`Applications::open_deadlines`).
//! Each reminder carries a key (kind, subject, date), and the store writes
//! a key once whatever process or run tries again, so the job can run on
//! every server of a deployment, as often as it likes. A deadline moved to
//! another date is a new key: the family is told of the new date.

use std::time::Duration;

use anju_domain::timeline::{reminder_due, reminder_window, Deadline, News};
use anju_store::{DeadlineKind, NewMessage, OpenDeadline};

use crate::web::error::ApiResult;
use crate::web::html::Lang;
use crate::web::AppState;

use super::messages::words;

fn deadline_of(kind: DeadlineKind) -> Deadline {
    match kind {
        DeadlineKind::Signing => Deadline::Signing,
        DeadlineKind::Exit => Deadline::Exit,
        DeadlineKind::Correction => Deadline::Correction,
    }
}

/// The reminder of `d`, sent at `now`.
fn reminder(d: &OpenDeadline, now: anju_domain::Timestamp) -> NewMessage {
    let news = News::DeadlineApproaching(deadline_of(d.kind));
    let detail = d.deadline.to_string();
    NewMessage {
        user_id: d.owner_user_id.clone(),
        application_id: Some(d.application_id.clone()),
        kind: news.code().to_string(),
        sms: Some(format!(
            "【安居】您的保障性住房申请{}{}。详情请登录查看。",
            d.application_id,
            words(Lang::Zh, news, &detail)
        )),
        once_key: Some(format!("{}:{}:{detail}", news.code(), d.subject)),
        detail,
        created_at: now.to_rfc3339(),
    }
}

/// Sends the reminders due today (by the server's clock) not sent before;
/// returns how many were new.
pub async fn send_due(st: &AppState) -> ApiResult<u64> {
    let today = st.clock.today();
    let (from, to) = reminder_window(today);
    let now = st.clock.now();
    let due: Vec<NewMessage> = st
        .store
        .applications()
        .open_deadlines(from, to)
        .await?
        .iter()
        .filter(|d| reminder_due(d.deadline, today))
        .map(|d| reminder(d, now))
        .collect();
    Ok(st.store.applications().tell_once(&due).await?)
}

/// Runs [`send_due`] every `every` (and once at start). Errors are
/// printed, not fatal: the next run tries again, and nothing is sent
/// twice.
pub fn spawn_schedule(st: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = send_due(&st).await {
                eprintln!("anju: 期限提醒 (deadline reminders): {}", e.message);
            }
        }
    });
}
