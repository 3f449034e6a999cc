//! The message centre (issue 12 feature 17): what a family is told, in
//! words, and the text message queued for an SMS gateway. Which events
//! tell the family is the pure rule `anju_domain::timeline::news_for_family`;
//! the message is written in the same transaction as its event.

use anju_domain::timeline::{news_for_family, news_for_office, Deadline, News, OfficeNews};
use anju_domain::{Application, DistrictCode, Event, Role, Timestamp};
use anju_store::{Mailboxes, MessageRecord, NewMessage};

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
        once_key: None,
    })
}

/// The message to a family whose turn in the calling order came (issue 12
/// feature 17), written with the call (`allot_call_next`).
pub fn called_message(
    application_id: &str,
    owner: &str,
    project_id: &str,
    round_no: u8,
    now: Timestamp,
) -> NewMessage {
    let detail = format!("{project_id}/{round_no}");
    NewMessage {
        user_id: owner.to_string(),
        application_id: Some(application_id.to_string()),
        kind: News::CalledToChoose.code().to_string(),
        sms: Some(format!(
            "【安居】您的保障性住房申请{application_id}{}。详情请登录查看。",
            words(Lang::Zh, News::CalledToChoose, &detail)
        )),
        detail,
        created_at: now.to_rfc3339(),
        once_key: None,
    }
}

/// The shared mailbox of `role`'s office in `district` (see
/// [`Mailboxes`]); no account has this id.
pub fn office_mailbox(role: Role, district: &DistrictCode) -> String {
    format!("office:{}:{}", role.code(), district.as_str())
}

/// The message `event` calls for to an office of the application's
/// district, if any. Staff read it in the message centre; no text message.
pub fn office_message_for(
    event: &Event,
    after: &Application,
    now: Timestamp,
) -> Option<NewMessage> {
    let news = news_for_office(event)?;
    Some(NewMessage {
        user_id: office_mailbox(news.office(), after.district()),
        application_id: Some(after.id().as_str().to_string()),
        kind: news.code().to_string(),
        sms: None,
        detail: String::new(),
        created_at: now.to_rfc3339(),
        once_key: None,
    })
}

/// What an office is told, after "申请 X".
pub fn office_words(l: Lang, news: OfficeNews) -> &'static str {
    match news {
        OfficeNews::Resubmitted => l.t(
            "退回补正后已重新提交，待街道初审",
            " was corrected and submitted again; it waits for the initial review",
        ),
        OfficeNews::ObjectionRecorded => l.t(
            "公示期间收到异议，待县（区）住建部门处理",
            " received an objection during its notice; the district bureau must resolve it",
        ),
        OfficeNews::ReviewRequested => l.t(
            "的家庭申请复核，待作出复核决定",
            ": the family asked for a review; a review decision is due",
        ),
    }
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
        News::CalledToChoose => {
            // detail: "<project>/<round>".
            let (project, round) = detail.split_once('/').unwrap_or((detail, ""));
            match l {
                Lang::Zh => format!("已叫号：请在选房期内登录选房（项目 {project} 第{round}轮）"),
                Lang::En => format!(
                    " was called: choose a home during the selection period (project {project}, round {round})"
                ),
            }
        }
        News::DeadlineApproaching(d) => {
            let what = match d {
                Deadline::Signing => l.t(
                    "所选房屋的购房合同签约期限将至，逾期未签约视为放弃选房：请于",
                    ": the contract for the chosen home must be signed soon (unsigned it counts as giving up), by ",
                ),
                Deadline::Exit => l.t(
                    "回购腾退期限将至，逾期未腾退的，实施主体可停止回购：请于",
                    ": the home must be vacated for the buyback soon (late, the company may stop the buyback), by ",
                ),
                Deadline::Correction => l.t(
                    "整改期限将至，逾期未整改的，房屋可被依法收回：请于",
                    ": the deadline to correct the use of the home is near (uncorrected, the home may be recovered), by ",
                ),
            };
            format!("{what}{detail}{}", l.t(" 前办理", ""))
        }
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
    // Staff of a district also read their office's shared mailbox.
    let office = match (user.user.role, user.user.district.as_ref()) {
        (r @ (Role::Street | Role::DistrictBureau), Some(d)) => Some(office_mailbox(r, d)),
        _ => None,
    };
    let boxes = Mailboxes {
        own: user.user.id.as_str(),
        office: office.as_deref(),
    };
    let unread = store.unread_messages(boxes).await?;
    let list: Vec<MessageRecord> = store.messages(boxes, None, 100).await?;
    if let Some(newest) = list.first() {
        store
            .mark_messages_read(boxes, newest.id, &st.clock.now().to_rfc3339())
            .await?;
    }
    let shown = list
        .into_iter()
        .map(|m| {
            let text = match (OfficeNews::from_code(&m.kind), &m.application_id) {
                (Some(n), Some(a)) => {
                    format!("{}{a}{}", l.t("申请", "Application "), office_words(l, n))
                }
                _ => {
                    let what = News::from_code(&m.kind)
                        .map(|n| words(l, n, &m.detail))
                        .unwrap_or_default();
                    match &m.application_id {
                        Some(a) => format!("{}{a}{what}", l.t("您的申请", "Your application ")),
                        None => what,
                    }
                }
            };
            Shown {
                text,
                id: m.id,
                application_id: m.application_id,
                at: crate::web::html::beijing_minute(&m.created_at),
                unread: m.read_at.is_none(),
            }
        })
        .collect();
    Ok((shown, unread))
}
