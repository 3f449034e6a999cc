//! The family's timeline in words (issue 12 feature 16): each step with
//! the day it was done, what happens now, who does it, by when where a
//! document sets a date, and what the family must do. The rule is
//! `anju_domain::timeline`; this file only says it.

use anju_domain::timeline::{timeline, Next, StepState};
use anju_domain::{Event, Status};

use crate::web::html::Lang;

/// One step of the timeline, ready for the page.
pub(super) struct StepRow {
    pub label: &'static str,
    /// `done`, `current`, `upcoming` or `stopped` (the CSS class).
    pub class: &'static str,
    /// The day done, or the state in words.
    pub when: String,
}

/// What happens now.
pub(super) struct NextWords {
    pub what: String,
    pub by_when: String,
    pub family: String,
}

pub(super) struct Progress {
    pub steps: Vec<StepRow>,
    pub next: NextWords,
}

pub(super) fn progress(l: Lang, status: &Status, events: &[Event]) -> Progress {
    let t = timeline(status, events);
    let steps = t
        .steps
        .iter()
        .map(|(step, state)| {
            let (class, when) = match state {
                StepState::Done(d) => ("done", d.to_string()),
                StepState::Current => ("current", l.t("办理中", "under way").to_string()),
                StepState::Upcoming => ("upcoming", l.t("待办理", "to come").to_string()),
                StepState::Stopped => ("stopped", l.t("不再办理", "will not happen").to_string()),
            };
            StepRow {
                label: l.t(step.label_zh(), step.label_en()),
                class,
                when,
            }
        })
        .collect();
    let no_limit = l.t(
        "文件未规定办理时限",
        "no document sets a time limit for this step",
    );
    let nothing = l.t(
        "无需操作，请保持电话畅通，留意消息",
        "nothing for now; keep your phone on and watch for messages",
    );
    let next = match t.next {
        Next::StreetReview => NextWords {
            what: l.t("街道（乡镇）初审申请材料", "The street reviews the application materials").into(),
            by_when: no_limit.into(),
            family: nothing.into(),
        },
        Next::Correct { reason } => NextWords {
            what: l
                .t("申请已退回补正", "The application was returned for correction")
                .into(),
            by_when: no_limit.into(),
            family: format!(
                "{}{reason}",
                l.t(
                    "请按退回原因补正后重新提交：",
                    "correct it and submit it again. What to correct: "
                )
            ),
        },
        Next::Verification { waiting } => NextWords {
            what: format!(
                "{}{}",
                l.t("相关部门核验家庭信息，尚待：", "The departments verify the family's facts; still to answer: "),
                waiting
                    .iter()
                    .map(|d| l.t(d.label_zh(), d.label_en()))
                    .collect::<Vec<_>>()
                    .join(l.t("、", ", "))
            ),
            by_when: no_limit.into(),
            family: nothing.into(),
        },
        Next::Decision => NextWords {
            what: l
                .t("县（区）住建部门作出资格判定", "The district housing bureau decides eligibility")
                .into(),
            by_when: no_limit.into(),
            family: nothing.into(),
        },
        Next::NoticeToStart => NextWords {
            what: l
                .t(
                    "县（区）住建部门在官方网站公示审核结果，公示期不少于5个工作日",
                    "The district housing bureau publishes the result on its website for at least 5 working days",
                )
                .into(),
            by_when: no_limit.into(),
            family: nothing.into(),
        },
        Next::OnNotice { end } => NextWords {
            what: l
                .t(
                    "公示中；公示无异议后取得配售资格",
                    "On public notice; without a founded objection the family qualifies after it",
                )
                .into(),
            by_when: format!("{}{end}", l.t("公示至 ", "the notice ends on ")),
            family: nothing.into(),
        },
        Next::Waitlist { place } => NextWords {
            what: match place {
                Some(p) => format!(
                    "{}{p}{}",
                    l.t("已进入轮候库，轮候序号第 ", "On the district waitlist at place "),
                    l.t(" 位；配售项目摇号后按顺序叫号选房", "; allotment projects call families in draw order")
                ),
                None => l
                    .t("已取得配售资格，等待编入轮候库", "Qualified; the waitlist place is being assigned")
                    .into(),
            },
            by_when: l.t("按配售项目的安排", "as each allotment project sets").into(),
            family: l
                .t(
                    "留意叫号消息；叫号后按时选房、签约",
                    "watch for your call; when called, choose and sign in time",
                )
                .into(),
        },
        Next::MayRequestReview => NextWords {
            what: l.t("审核未通过", "The application did not pass").into(),
            by_when: no_limit.into(),
            family: l
                .t(
                    "对审核结果有异议的，可向县（区）住建部门申请复核",
                    "if you disagree, you may ask the district housing bureau for a review",
                )
                .into(),
        },
        Next::UnderReview => NextWords {
            what: l
                .t("县（区）住建部门复核中", "The district housing bureau is reviewing the rejection")
                .into(),
            by_when: no_limit.into(),
            family: nothing.into(),
        },
        Next::Ended => NextWords {
            what: l.t("申请已撤回，办理结束", "Withdrawn; nothing more happens").into(),
            by_when: "—".into(),
            family: l
                .t("如需申请，请重新提交", "to apply again, submit a new application")
                .into(),
        },
    };
    Progress { steps, next }
}
