//! The steps after a plan: negotiation and tender, independent appraisal,
//! filing, public notice (working days on the holiday calendar), contract,
//! handover and the registration deadline, each checked against the city's
//! rules; the purchase's status machine.

use anju_allotment::Fen;
use anju_calendar::{Calendar, CalendarError};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::policy::Policy;

/// 限面积、竞房价 or 限房价、竞面积.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegotiationMode {
    /// 限面积、竞房价: area fixed, developers compete on price.
    FixedAreaPrice,
    /// 限房价、竞面积: price fixed, developers compete on area.
    FixedPriceArea,
}

impl NegotiationMode {
    pub fn zh(self) -> &'static str {
        match self {
            NegotiationMode::FixedAreaPrice => "限面积、竞房价",
            NegotiationMode::FixedPriceArea => "限房价、竞面积",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            NegotiationMode::FixedAreaPrice => "area fixed, compete on price",
            NegotiationMode::FixedPriceArea => "price fixed, compete on area",
        }
    }
}

/// An independent appraisal when negotiation fails (Loudi 七、(一)1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    pub firm: String,
    /// The firm's filing number in the city (在娄底市范围内备案).
    pub registration: String,
    pub registered_in_city: bool,
    /// 不得与开发企业、实施主体存在利害关系: a signed declaration.
    pub no_conflict_declared: bool,
    pub value: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("本市规则没有独立评估这一步（{0}） (this city has no appraisal step)")]
    NoAppraisal(String),
    #[error("评估机构须在本市备案（{0}） (the firm must be registered in the city)")]
    FirmNotRegistered(String),
    #[error("评估机构须声明与双方无利害关系（{0}） (the firm must declare no conflict)")]
    Conflict(String),
    #[error("请填写评估机构名称、备案号和评估价 (firm, registration and value are required)")]
    Incomplete,
    #[error("公示期 {end} 才结束，今天 {today} 不能签约 (the notice ends on {end})")]
    NoticeOpen { end: NaiveDate, today: NaiveDate },
    #[error("公示期内有 {0} 条异议未处理 (objections unresolved)")]
    Objections(u32),
    #[error("成交价 {price} 元高于限价 {cap} 元，不能签约 (price above the cap)")]
    AboveCap { price: Fen, cap: Fen },
    #[error("节假日安排未收录该年份 (holiday schedule missing): {0}")]
    Calendar(String),
    #[error("现在的状态是{from}，不能{to} (cannot go from {from} to {to})")]
    Order {
        from: &'static str,
        to: &'static str,
    },
}

impl From<CalendarError> for StepError {
    fn from(e: CalendarError) -> Self {
        StepError::Calendar(e.to_string())
    }
}

/// Checks an appraisal against the city's rule.
pub fn check_appraisal(policy: &Policy, a: &Appraisal) -> Result<(), StepError> {
    let r = &policy.rules.appraisal;
    if !r.applies {
        return Err(StepError::NoAppraisal(
            r.interpretation.clone().unwrap_or_default(),
        ));
    }
    if a.firm.trim().is_empty() || a.registration.trim().is_empty() || a.value == Fen::ZERO {
        return Err(StepError::Incomplete);
    }
    if !a.registered_in_city {
        return Err(StepError::FirmNotRegistered(r.cited()));
    }
    if !a.no_conflict_declared {
        return Err(StepError::Conflict(r.cited()));
    }
    Ok(())
}

/// The notice's last day: `working_days` working days from `start`.
pub fn notice_end(
    policy: &Policy,
    cal: &Calendar,
    start: NaiveDate,
) -> Result<NaiveDate, StepError> {
    let days = policy.rules.notice.working_days.unwrap_or(5);
    Ok(cal.notice_end(start, days)?)
}

/// A contract may be signed the day after the notice's last day, with no
/// unresolved objection, at a price within the cap (`cap`: the lot's caps
/// summed, see [`crate::PriceCap::home_cap`]).
pub fn may_sign(
    notice_end: NaiveDate,
    today: NaiveDate,
    open_objections: u32,
    cap: Fen,
    price: Fen,
) -> Result<(), StepError> {
    if today <= notice_end {
        return Err(StepError::NoticeOpen {
            end: notice_end,
            today,
        });
    }
    if open_objections > 0 {
        return Err(StepError::Objections(open_objections));
    }
    if price > cap {
        return Err(StepError::AboveCap { price, cap });
    }
    Ok(())
}

/// The registration deadline: `months` calendar months after handover (the
/// same day of the month, or the month's last day).
pub fn registration_due(policy: &Policy, handed_over: NaiveDate) -> NaiveDate {
    let months = policy.rules.registration.months.unwrap_or(3);
    handed_over
        .checked_add_months(Months::new(months))
        .unwrap_or(handed_over)
}

/// Overdue: not registered and past its due date (the due date itself is
/// still in time).
pub fn registration_overdue(
    due: NaiveDate,
    registered: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    match registered {
        Some(_) => false,
        None => today > due,
    }
}

/// A purchase's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In the approved plan; negotiating.
    Planned,
    /// Price agreed (or appraised), filed with the housing and finance bureaus.
    Filed,
    /// On public notice.
    Noticed,
    /// Contract signed.
    Contracted,
    /// Handed over after inspection; registration pending.
    HandedOver,
    /// Title registered: the homes are available to the company.
    Registered,
}

impl Status {
    pub fn zh(self) -> &'static str {
        match self {
            Status::Planned => "计划内",
            Status::Filed => "已备案",
            Status::Noticed => "公示中",
            Status::Contracted => "已签约",
            Status::HandedOver => "已交接",
            Status::Registered => "已登记",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Filed => "filed",
            Status::Noticed => "on notice",
            Status::Contracted => "contracted",
            Status::HandedOver => "handed over",
            Status::Registered => "registered",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Planned,
            Status::Filed,
            Status::Noticed,
            Status::Contracted,
            Status::HandedOver,
            Status::Registered,
        ]
        .into_iter()
        .find(|x| x.key() == s)
    }
    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Filed => "filed",
            Status::Noticed => "noticed",
            Status::Contracted => "contracted",
            Status::HandedOver => "handed_over",
            Status::Registered => "registered",
        }
    }
    /// The only next status.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Planned => Some(Status::Filed),
            Status::Filed => Some(Status::Noticed),
            Status::Noticed => Some(Status::Contracted),
            Status::Contracted => Some(Status::HandedOver),
            Status::HandedOver => Some(Status::Registered),
            Status::Registered => None,
        }
    }
    /// Moves to `to` if it is the next status.
    pub fn step(self, to: Status) -> Result<Status, StepError> {
        if self.next() == Some(to) {
            Ok(to)
        } else {
            Err(StepError::Order {
                from: self.zh(),
                to: to.zh(),
            })
        }
    }
}

/// One line of the handover inspection (房屋质量查验).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionItem {
    pub item: String,
    pub passed: bool,
    pub defect: Option<String>,
}

/// The handover checklist every inspection walks (Loudi 七、(二)4; in
/// Yangquan the company's own practice).
pub const CHECKLIST: [(&str, &str); 6] = [
    ("结构与墙面", "structure and walls"),
    ("门窗", "doors and windows"),
    ("水电燃气", "water, power and gas"),
    ("防水", "waterproofing"),
    ("消防与电梯", "fire safety and lifts"),
    ("配套设施移交", "shared facilities handed over"),
];

/// Handover may complete when every defect found has a remedy recorded
/// (the developer's warranty covers it), and a warranty period is set.
pub fn may_hand_over(items: &[InspectionItem], warranty_years: u32) -> Result<(), String> {
    if items.len() < CHECKLIST.len() {
        return Err("查验清单未填完 (checklist incomplete)".into());
    }
    if warranty_years == 0 {
        return Err("请填写保修期 (warranty period required)".into());
    }
    if let Some(i) = items
        .iter()
        .find(|i| !i.passed && i.defect.as_deref().unwrap_or("").trim().is_empty())
    {
        return Err(format!(
            "{} 未通过，请写明缺陷及整改 (describe the defect)",
            i.item
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cap::PriceCap;
    use anju_allotment::Area;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn five_working_days_skip_the_national_day_holiday() {
        let cal = Calendar::builtin();
        let l = Policy::loudi();
        // 2026-09-30 (Wed) is a working day; 10-01..10-07 are holidays.
        let end = notice_end(&l, cal, d("2026-09-28")).unwrap();
        assert!(end > d("2026-10-07"), "{end}");
        // An ordinary week: Monday to Friday.
        assert_eq!(
            notice_end(&l, cal, d("2026-06-08")).unwrap(),
            d("2026-06-12")
        );
        // Starting on a Saturday: the next Monday counts first.
        assert_eq!(
            notice_end(&l, cal, d("2026-06-06")).unwrap(),
            d("2026-06-12")
        );
    }

    #[test]
    fn sign_only_after_the_notice_and_within_the_cap() {
        let p = Policy::yangquan();
        let cap = PriceCap::sale(&p, Fen::new(100_000), Fen::new(400_000), 500).unwrap();
        let area = Area::parse_m2("100").unwrap();
        let limit = cap.home_cap(area);
        assert_eq!(limit, Fen::new(52_500_000));
        let end = d("2026-06-12");
        assert!(may_sign(end, end, 0, limit, limit).is_err());
        assert!(may_sign(end, d("2026-06-13"), 1, limit, limit).is_err());
        assert!(may_sign(end, d("2026-06-13"), 0, limit, limit).is_ok());
        assert_eq!(
            may_sign(end, d("2026-06-13"), 0, limit, Fen::new(limit.fen() + 1)),
            Err(StepError::AboveCap {
                price: Fen::new(52_500_001),
                cap: limit
            })
        );
    }

    #[test]
    fn registration_three_months_boundary() {
        let p = Policy::loudi();
        let due = registration_due(&p, d("2026-03-15"));
        assert_eq!(due, d("2026-06-15"));
        assert!(!registration_overdue(due, None, d("2026-06-15")));
        assert!(registration_overdue(due, None, d("2026-06-16")));
        assert!(!registration_overdue(
            due,
            Some(d("2026-06-20")),
            d("2026-07-01")
        ));
        // Month ends: 30 November + 3 months is the last day of February.
        assert_eq!(registration_due(&p, d("2026-11-30")), d("2027-02-28"));
    }

    #[test]
    fn appraisal_rules_are_loudis_only() {
        let a = Appraisal {
            firm: "娄底某评估公司".into(),
            registration: "LD-2025-01".into(),
            registered_in_city: true,
            no_conflict_declared: true,
            value: Fen::new(1),
        };
        assert!(check_appraisal(&Policy::loudi(), &a).is_ok());
        assert!(matches!(
            check_appraisal(&Policy::yangquan(), &a),
            Err(StepError::NoAppraisal(_))
        ));
        let mut b = a.clone();
        b.registered_in_city = false;
        assert!(matches!(
            check_appraisal(&Policy::loudi(), &b),
            Err(StepError::FirmNotRegistered(_))
        ));
        let mut c = a.clone();
        c.no_conflict_declared = false;
        assert!(matches!(
            check_appraisal(&Policy::loudi(), &c),
            Err(StepError::Conflict(_))
        ));
    }

    #[test]
    fn status_goes_one_step_at_a_time() {
        assert_eq!(Status::Planned.step(Status::Filed), Ok(Status::Filed));
        assert!(Status::Planned.step(Status::Contracted).is_err());
        assert!(Status::Registered.next().is_none());
        for s in [
            "planned",
            "filed",
            "noticed",
            "contracted",
            "handed_over",
            "registered",
        ] {
            assert_eq!(Status::parse(s).unwrap().key(), s);
        }
    }

    #[test]
    fn handover_needs_defects_described() {
        let mut items: Vec<InspectionItem> = CHECKLIST
            .iter()
            .map(|(zh, _)| InspectionItem {
                item: zh.to_string(),
                passed: true,
                defect: None,
            })
            .collect();
        assert!(may_hand_over(&items, 2).is_ok());
        assert!(may_hand_over(&items, 0).is_err());
        items[1].passed = false;
        assert!(may_hand_over(&items, 2).is_err());
        items[1].defect = Some("窗框渗水，开发企业保修期内整改".into());
        assert!(may_hand_over(&items, 2).is_ok());
    }
}
