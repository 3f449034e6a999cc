//! Why an action is refused, and why a stored history does not load.

use super::*;

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransitionError {
    /// The action is never possible in the current state.
    #[error("当前状态“{}”不能执行“{}” (cannot {} while {})", .state.label_zh(), .action.label_zh(), .action.label_en(), .state.label_en())]
    IllegalTransition {
        /// The current state.
        state: StatusKind,
        /// The action refused.
        action: ActionKind,
    },
    /// The actor may not take the action on this application.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Article 13 materials or commitments missing.
    #[error("申请材料不全，缺少：{} (materials incomplete, missing: {})", join_zh(.missing), join_en(.missing))]
    IncompleteMaterials {
        /// What is missing.
        missing: Vec<Material>,
    },
    /// The action is dated before the application's last event.
    #[error("操作时间 {at} 早于上一次操作时间 {last} (timestamp {at} is before the previous event at {last})")]
    ClockWentBackwards {
        /// The last event's time.
        last: Timestamp,
        /// The time given.
        at: Timestamp,
    },
    /// The department has already confirmed.
    #[error("{}已确认核验，不能重复确认 ({} has already confirmed)", .department.label_zh(), .department.label_en())]
    AlreadyConfirmed {
        /// The department.
        department: Department,
    },
    /// A correction of a field another department (or none) owns.
    #[error("{}无权更正字段 {path}：{} ({} may not correct {path}: {})", .department.label_zh(), owner_zh(.path), .department.label_en(), owner_en(.path))]
    FieldNotOwned {
        /// The department correcting.
        department: Department,
        /// The field.
        path: FactPath,
    },
    /// The same field corrected twice in one confirmation.
    #[error(
        "字段 {path} 在同一次核验中被更正了两次 ({path} is corrected twice in one confirmation)"
    )]
    DuplicateCorrection {
        /// The field.
        path: FactPath,
    },
    /// A decision dated after today.
    #[error("判定基准日 {as_of} 晚于今天 {today} (decision as of {as_of} is after today {today})")]
    DecisionInFuture {
        /// The decision's date.
        as_of: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Notice end before its start.
    #[error("公示结束日 {end} 早于开始日 {start} (notice ends {end} before it starts {start})")]
    NoticeEndsBeforeStart {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// Notice start before today.
    #[error(
        "公示开始日 {start} 早于今天 {today} (a notice cannot start {start}, before today {today})"
    )]
    NoticeStartsInPast {
        /// First day.
        start: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Fewer than five calendar days cannot hold five working days.
    #[error("公示期不少于5个工作日，{start}至{end}容纳不下 (a notice of at least 5 working days does not fit in {start} to {end})")]
    NoticeTooShort {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// Qualify before the notice is over.
    #[error("公示期至{notice_end}结束，{today}尚不能确认配售资格 (the notice runs until {notice_end}; cannot qualify on {today})")]
    NoticeNotOver {
        /// Last day of the notice.
        notice_end: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Qualify with objections still open.
    #[error("公示期间的异议尚未处理完毕：第{}号 (objections not yet resolved: {})", join_ids(.ids, "、"), join_ids(.ids, ", "))]
    UnresolvedObjections {
        /// The open objections.
        ids: Vec<ObjectionId>,
    },
    /// No such objection in the current notice.
    #[error("本次公示没有第{id}号异议 (no objection {id} in this notice)")]
    UnknownObjection {
        /// The id given.
        id: ObjectionId,
    },
    /// The objection was resolved before.
    #[error("第{id}号异议已处理 (objection {id} is already resolved)")]
    ObjectionAlreadyResolved {
        /// The objection.
        id: ObjectionId,
    },
    /// An upheld objection without the article the family fails.
    #[error("认定第{id}号异议成立时，须注明申请家庭不符合的条款 (upholding objection {id} requires citing the article the family fails)")]
    CitationRequired {
        /// The objection.
        id: ObjectionId,
    },
    /// A second review of the same rejection.
    #[error(
        "复核已维持不予通过的决定，不能再次申请复核 (a review has already upheld this rejection)"
    )]
    ReviewAlreadyDecided,
    /// The application's own records disagree (a bug or a damaged store).
    #[error("申请记录不一致：{what} (application record is inconsistent: {what})")]
    Corrupt {
        /// What disagrees.
        what: &'static str,
    },
}

fn owner_zh(path: &FactPath) -> String {
    match path.owner() {
        Some(d) => format!("该字段由{}核验", d.label_zh()),
        None => "该字段不由核验部门更正".to_owned(),
    }
}

fn owner_en(path: &FactPath) -> String {
    match path.owner() {
        Some(d) => format!("it is verified by {}", d.label_en()),
        None => "no verifying department corrects it".to_owned(),
    }
}

fn join_ids(ids: &[ObjectionId], sep: &str) -> String {
    ids.iter()
        .map(ObjectionId::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Why a stored history does not fold into an application.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FoldError {
    /// No events at all.
    #[error("没有任何事件 (no events)")]
    NoEvents,
    /// The first event is not a submission.
    #[error("第一个事件必须是提交申请 (the first event must be Submit)")]
    FirstEventNotSubmit,
    /// An event of another application.
    #[error("事件属于申请 {found}，而不是 {expected} (event belongs to application {found}, not {expected})")]
    WrongApplication {
        /// This application.
        expected: ApplicationId,
        /// The event's.
        found: ApplicationId,
    },
    /// An event out of sequence (missing, repeated or reordered).
    #[error("事件序号应为{expected}，实际为{found} (expected event {expected}, found {found})")]
    OutOfSequence {
        /// The next number.
        expected: u64,
        /// The event's.
        found: u64,
    },
    /// The event's action is not valid in the state folded so far.
    #[error("第{seq}个事件无效：{source}")]
    Invalid {
        /// The event.
        seq: u64,
        /// Why.
        source: TransitionError,
    },
    /// The event's recorded state differs from the state the fold reaches.
    #[error("第{seq}个事件记录的状态“{}”与重放得到的“{}”不符 (event {seq} records {} but replay gives {})", .recorded.label_zh(), .computed.label_zh(), .recorded.label_en(), .computed.label_en())]
    StatusMismatch {
        /// The event.
        seq: u64,
        /// As recorded.
        recorded: StatusKind,
        /// As folded.
        computed: StatusKind,
    },
}

/// A waitlist place given to an application that is not qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("只有已取得配售资格的申请才有轮候序号，当前状态为“{}” (only a qualified application has a waitlist place; this one is {})", .0.label_zh(), .0.label_en())]
pub struct NotQualified(pub StatusKind);
