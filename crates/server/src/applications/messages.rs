//! The message centre (issue 12 feature 17): what a family is told, in
//! words, and the text message queued for an SMS gateway. Which events
//! tell the family is the pure rule `anju_domain::timeline::news_for_family`;
//! the message is written in the same transaction as its event.

use anju_domain::timeline::{news_for_family, News};
use anju_domain::{Application, Event, Timestamp};
use anju_store::{MessageRecord, NewMessage};

use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::html::Lang;
use crate::web::AppState;

/// The message (and text message) `event` calls for, if any.
pub fn message_for(event: &Event, after: &Application, now: Timestamp) -> Option<NewMessage> {
    let owner = after.owner()?;
    let (news, detail) = news_for_family(event, after.status(), Some(owner))?;
    let id = after.id().as_str();
    Some(NewMessage {
        user_id: owner.as_str().to_string(),
        application_id: Some(id.to_string()),
        kind: news.code().to_string(),
        sms: Some(format!(
            "【安居】您的保障性住房申请{id}{}。详情请登录查看。",
            words(Lang::Zh, news, &detail)
        )),
        detail,
        created_at: now.to_rfc3339(),
    })
}

/// What happened, in a sentence.
pub fn words(l: Lang, news: News, detail: &str) -> String {
    match news {
        News::ReturnedForCorrection => format!(
            "{}{detail}",
            l.t(
                "已退回补正，需补正：",
                " was returned for correction. What to correct: "
            )
        ),
        News::NoticeStarted => format!(
            "{}{detail}",
            l.t("已进入公示，公示至 ", " is on public notice until ")
        ),
        News::Qualified => l
            .t(
                "已取得配售资格，进入轮候库",
                " qualified and is on the waitlist",
            )
            .to_string(),
        News::Rejected => l
            .t(
                "审核未通过，可向县（区）住建部门申请复核",
                " did not pass; you may ask the district housing bureau for a review",
            )
            .to_string(),
        News::ReviewReversed => l
            .t(
                "复核撤销了不予通过的决定，申请继续办理",
                ": the review reversed the rejection; the application goes on",
            )
            .to_string(),
    }
}

/// One message as a page shows it.
pub struct Shown {
    pub id: i64,
    pub application_id: Option<String>,
    pub text: String,
    pub at: String,
    pub unread: bool,
}

/// The signed-in account's messages, newest first (one page), and how many
/// were unread; opening them marks them read.
pub async fn inbox(st: &AppState, user: &CurrentUser, l: Lang) -> ApiResult<(Vec<Shown>, u64)> {
    let store = st.store.applications();
    let me = user.user.id.as_str();
    let unread = store.unread_messages(me).await?;
    let list: Vec<MessageRecord> = store.messages(me, None, 100).await?;
    if let Some(newest) = list.first() {
        store
            .mark_messages_read(me, newest.id, &st.clock.now().to_rfc3339())
            .await?;
    }
    let shown = list
        .into_iter()
        .map(|m| {
            let what = News::from_code(&m.kind)
                .map(|n| words(l, n, &m.detail))
                .unwrap_or_default();
            Shown {
                text: match &m.application_id {
                    Some(a) => format!("{}{a}{what}", l.t("您的申请", "Your application ")),
                    None => what,
                },
                id: m.id,
                application_id: m.application_id,
                at: m
                    .created_at
                    .get(..16)
                    .unwrap_or(&m.created_at)
                    .replace('T', " "),
                unread: m.read_at.is_none(),
            }
        })
        .collect();
    Ok((shown, unread))
}
