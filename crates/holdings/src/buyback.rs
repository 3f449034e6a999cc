//! Exit and buyback: the cases, who may ask and when, the exit deadline,
//! the appraisal, the price with every term shown, and the steps.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use anju_allotment::Fen;

use crate::cite::{
    Cite, City, Regime, ART19_1_LEFT, ART19_2_ILLNESS, ART19_3_SECOND_HOME, ART19_4_NEW_OWNER,
    ART19_5_CITY, LOUDI_8_1_4_TRADE, LOUDI_8_3_3_REVIEW,
};

/// Why a home is bought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuybackCase {
    /// 阳泉 19 (一): long idle after a job change, or resigned and left the city.
    LeftCity,
    /// 阳泉 19 (二): serious illness in the family, money needed for treatment.
    Illness,
    /// 阳泉 19 (三): one family holds two or more affordable homes.
    SecondHome,
    /// 阳泉 19 (四): ownership passed to someone not eligible.
    NewOwnerIneligible,
    /// 阳泉 19 (五): another case the city housing bureau accepts.
    CityDecided,
    /// 娄底 八、(一)4: after five full years an owner must transfer.
    AfterFiveYears,
    /// 娄底 八、(三)3: the yearly check found the family no longer
    /// eligible or misusing the home; the company clears it out.
    Clearance,
}

impl BuybackCase {
    pub const ALL: [BuybackCase; 7] = [
        BuybackCase::LeftCity,
        BuybackCase::Illness,
        BuybackCase::SecondHome,
        BuybackCase::NewOwnerIneligible,
        BuybackCase::CityDecided,
        BuybackCase::AfterFiveYears,
        BuybackCase::Clearance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BuybackCase::LeftCity => "left_city",
            BuybackCase::Illness => "illness",
            BuybackCase::SecondHome => "second_home",
            BuybackCase::NewOwnerIneligible => "new_owner_ineligible",
            BuybackCase::CityDecided => "city_decided",
            BuybackCase::AfterFiveYears => "after_five_years",
            BuybackCase::Clearance => "clearance",
        }
    }

    pub fn parse(s: &str) -> Option<BuybackCase> {
        BuybackCase::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    pub fn zh(self) -> &'static str {
        match self {
            BuybackCase::LeftCity => "长期闲置或辞职离开本市",
            BuybackCase::Illness => "家庭成员患重大疾病需筹措医疗费用",
            BuybackCase::SecondHome => "一个家庭持有两套及以上配售型保障性住房",
            BuybackCase::NewOwnerIneligible => "所有权转移后新所有权人不符合申请条件",
            BuybackCase::CityDecided => "经市住建部门认定的其他情形",
            BuybackCase::AfterFiveYears => "取得不动产权证书满5年后确需转让",
            BuybackCase::Clearance => "年度核查不再符合条件，予以清退",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BuybackCase::LeftCity => "Home long idle, or the buyer left the city",
            BuybackCase::Illness => "Serious illness: money needed for treatment",
            BuybackCase::SecondHome => "One family holds two or more affordable homes",
            BuybackCase::NewOwnerIneligible => "New owner after a transfer is not eligible",
            BuybackCase::CityDecided => "Another case accepted by the city housing bureau",
            BuybackCase::AfterFiveYears => "Transfer after five full years of title",
            BuybackCase::Clearance => "No longer eligible at the yearly check: cleared out",
        }
    }

    /// The article of this case in the city's document; `None` when the
    /// city has no such case (Loudi has no list; Yangquan has no
    /// five-year rule).
    pub fn cite(self, regime: Regime) -> Option<Cite> {
        match (regime.0, self) {
            (City::Yangquan, BuybackCase::LeftCity) => Some(ART19_1_LEFT),
            (City::Yangquan, BuybackCase::Illness) => Some(ART19_2_ILLNESS),
            (City::Yangquan, BuybackCase::SecondHome) => Some(ART19_3_SECOND_HOME),
            (City::Yangquan, BuybackCase::NewOwnerIneligible) => Some(ART19_4_NEW_OWNER),
            (City::Yangquan, BuybackCase::CityDecided) => Some(ART19_5_CITY),
            (City::Loudi, BuybackCase::AfterFiveYears) => Some(LOUDI_8_1_4_TRADE),
            (City::Loudi, BuybackCase::Clearance) => Some(LOUDI_8_3_3_REVIEW),
            _ => None,
        }
    }

    /// The cases of a city, in the document's order.
    pub fn of(regime: Regime) -> Vec<BuybackCase> {
        BuybackCase::ALL
            .into_iter()
            .filter(|c| c.cite(regime).is_some())
            .collect()
    }

    /// Case (5) is the city housing bureau's to accept (19 (五) 经市住建部门认定).
    pub fn needs_city_decision(self) -> bool {
        self == BuybackCase::CityDecided
    }
}

/// Why a buyback cannot be applied for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyRefusal {
    #[error("本市政策没有“{case}”这一回购情形 (this city's document has no such buyback case)")]
    NotACaseHere { case: &'static str },
    #[error("房屋尚未办理不动产权登记，不能申请回购 (the home has no registered title)")]
    NoTitle,
    #[error("取得不动产权证书满5年（{from}）后方可申请转让回购 (transfer only after five full years, from {from})")]
    BeforeFiveYears { from: NaiveDate },
    #[error(
        "申请日期 {applied} 早于不动产权登记日期 {title} (application dated before the title)"
    )]
    BeforeTitle {
        applied: NaiveDate,
        title: NaiveDate,
    },
}

/// The day a home has been held for five full years (满5年): the fifth
/// anniversary of the title date. A title dated 29 February completes its
/// fifth year on 1 March when that year has no 29 February — the same
/// whole-years rule anju uses for ages (docs/status.md).
pub fn five_full_years_on(title: NaiveDate) -> NaiveDate {
    let y = title.year() + 5;
    NaiveDate::from_ymd_opt(y, title.month(), title.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .unwrap_or(title)
}

/// Whether a buyback may be applied for on `applied` for a home titled on
/// `title`.
pub fn may_apply(
    regime: Regime,
    case: BuybackCase,
    title: Option<NaiveDate>,
    applied: NaiveDate,
) -> Result<Cite, ApplyRefusal> {
    let cite = case
        .cite(regime)
        .ok_or(ApplyRefusal::NotACaseHere { case: case.zh() })?;
    let title = title.ok_or(ApplyRefusal::NoTitle)?;
    if applied < title {
        return Err(ApplyRefusal::BeforeTitle { applied, title });
    }
    if case == BuybackCase::AfterFiveYears {
        let from = five_full_years_on(title);
        if applied < from {
            return Err(ApplyRefusal::BeforeFiveYears { from });
        }
    }
    Ok(cite)
}

/// The last day the family may still be in the home: "在提出申请 30 日内主动
/// 退出该住房" (阳泉 第二十条).
///
/// Interpretation: 30 calendar days (the document says 工作日 where it
/// means working days, as in article 14's notice), counted from the day
/// after the application as periods are under the Civil Code (第二百零一条:
/// 开始的当日不计入), so an application on 1 March must be vacated by 31
/// March. Loudi states no period for owners: the date is agreed when the
/// company accepts the application (八、(一)4 经双方协商一致), so this
/// returns `None` there.
pub fn exit_deadline(regime: Regime, applied: NaiveDate) -> Option<NaiveDate> {
    match regime.0 {
        City::Yangquan => applied.checked_add_days(Days::new(30)),
        City::Loudi => None,
    }
}

/// One reasonable fee deducted from a Loudi buyback (八、(一)4 扣除合理相关费用).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub name: String,
    pub amount: Fen,
}

/// The appraisal report of a home to be bought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    /// The appraisal firm.
    pub firm: String,
    /// Its real-estate appraisal qualification certificate number
    /// (阳泉 21: 具备房地产评估资质).
    pub qualification_no: String,
    pub report_no: String,
    pub valued_on: NaiveDate,
    /// The appraised value as reported, decoration and additions included.
    pub value: Fen,
    /// The family's own decoration, as the report itemises it.
    pub decoration: Fen,
    /// Additions to the home (添附), as the report itemises them.
    pub additions: Fen,
    /// Whether the firm declared no tie to the family or the company.
    pub independent: bool,
}

/// Why an appraisal or a price cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppraisalError {
    #[error("请填写评估机构名称 (the appraisal firm is required)")]
    NoFirm,
    #[error("请填写评估机构的房地产评估资质证书编号 (the firm's appraisal qualification number is required)")]
    NoQualification,
    #[error("请填写评估报告编号 (the report number is required)")]
    NoReport,
    #[error("评估机构须为与购房家庭和收购主体均无利害关系的第三方 (the firm must have no tie to either side)")]
    NotIndependent,
    #[error("评估日期 {valued_on} 早于回购申请日期 {applied} (appraised before the application)")]
    BeforeApplication {
        valued_on: NaiveDate,
        applied: NaiveDate,
    },
    #[error(
        "扣除项合计 {deducted} 元超过评估价 {value} 元 (deductions exceed the appraised value)"
    )]
    DeductionsExceedValue { deducted: Fen, value: Fen },
    #[error("本市政策未规定扣除“{name}”等费用 (this city's document deducts no fees)")]
    FeesNotInArticle { name: String },
    #[error("费用名称不能为空 (each fee needs a name)")]
    FeeWithoutName,
}

impl Appraisal {
    /// Checks the report against the article: a qualified third party with
    /// no tie to either side, valued at the time of the buyback.
    pub fn check(&self, applied: NaiveDate) -> Result<(), AppraisalError> {
        if self.firm.trim().is_empty() {
            return Err(AppraisalError::NoFirm);
        }
        if self.qualification_no.trim().is_empty() {
            return Err(AppraisalError::NoQualification);
        }
        if self.report_no.trim().is_empty() {
            return Err(AppraisalError::NoReport);
        }
        if !self.independent {
            return Err(AppraisalError::NotIndependent);
        }
        if self.valued_on < applied {
            return Err(AppraisalError::BeforeApplication {
                valued_on: self.valued_on,
                applied,
            });
        }
        Ok(())
    }
}

/// One line of a buyback price: what it is, how much, added or deducted,
/// and its article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceTerm {
    pub label_zh: String,
    pub label_en: String,
    pub amount: Fen,
    pub deducted: bool,
    pub cite: Cite,
}

/// A buyback price in fen with every term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuybackPrice {
    pub terms: Vec<PriceTerm>,
    pub total: Fen,
}

/// The buyback price.
///
/// * Yangquan (第二十一条): the appraised value less the family's own
///   decoration and additions, which are not compensated. The article
///   names no fees, so fees are refused.
/// * Loudi (八、(一)4): the market appraisal at the time less reasonable
///   fees, itemised. The plan says nothing of decoration; a market
///   appraisal values the home as it stands, so nothing else is deducted.
pub fn buyback_price(
    regime: Regime,
    appraisal: &Appraisal,
    fees: &[Fee],
) -> Result<BuybackPrice, AppraisalError> {
    let cite = regime.price();
    let mut terms = vec![PriceTerm {
        label_zh: format!("评估价（{}，报告 {}）", appraisal.firm, appraisal.report_no),
        label_en: format!(
            "Appraised value ({}, report {})",
            appraisal.firm, appraisal.report_no
        ),
        amount: appraisal.value,
        deducted: false,
        cite,
    }];
    match regime.0 {
        City::Yangquan => {
            if let Some(f) = fees.first() {
                return Err(AppraisalError::FeesNotInArticle {
                    name: f.name.clone(),
                });
            }
            terms.push(PriceTerm {
                label_zh: "扣除：购房家庭自行装修".into(),
                label_en: "Less: the family's own decoration".into(),
                amount: appraisal.decoration,
                deducted: true,
                cite,
            });
            terms.push(PriceTerm {
                label_zh: "扣除：对房屋的添附".into(),
                label_en: "Less: additions to the home".into(),
                amount: appraisal.additions,
                deducted: true,
                cite,
            });
        }
        City::Loudi => {
            for f in fees {
                if f.name.trim().is_empty() {
                    return Err(AppraisalError::FeeWithoutName);
                }
                terms.push(PriceTerm {
                    label_zh: format!("扣除：{}", f.name.trim()),
                    label_en: format!("Less: {}", f.name.trim()),
                    amount: f.amount,
                    deducted: true,
                    cite,
                });
            }
        }
    }
    let deducted: u128 = terms
        .iter()
        .filter(|t| t.deducted)
        .map(|t| u128::from(t.amount.fen()))
        .sum();
    let deducted_fen = Fen::new(u64::try_from(deducted).unwrap_or(u64::MAX));
    let total =
        appraisal
            .value
            .checked_sub(deducted_fen)
            .ok_or(AppraisalError::DeductionsExceedValue {
                deducted: deducted_fen,
                value: appraisal.value,
            })?;
    Ok(BuybackPrice { terms, total })
}

/// Where a buyback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuybackStatus {
    /// Case (5): waiting for the city housing bureau.
    AwaitingCity,
    /// Accepted: exit, appraisal and payment under way.
    InProgress,
    /// Paid: the title goes back to the company next.
    Paid,
    /// The title is the company's again and the home is back in the pool.
    Completed,
    /// The company stopped it (阳泉 20: the family did not leave in time
    /// or did not fulfil the contract).
    Stopped,
    /// The city housing bureau did not accept case (5).
    Refused,
    /// The family withdrew before payment.
    Withdrawn,
}

impl BuybackStatus {
    pub const ALL: [BuybackStatus; 7] = [
        BuybackStatus::AwaitingCity,
        BuybackStatus::InProgress,
        BuybackStatus::Paid,
        BuybackStatus::Completed,
        BuybackStatus::Stopped,
        BuybackStatus::Refused,
        BuybackStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BuybackStatus::AwaitingCity => "awaiting_city",
            BuybackStatus::InProgress => "in_progress",
            BuybackStatus::Paid => "paid",
            BuybackStatus::Completed => "completed",
            BuybackStatus::Stopped => "stopped",
            BuybackStatus::Refused => "refused",
            BuybackStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<BuybackStatus> {
        BuybackStatus::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            BuybackStatus::AwaitingCity => "待市住建部门认定",
            BuybackStatus::InProgress => "办理中",
            BuybackStatus::Paid => "已付款，待转移登记",
            BuybackStatus::Completed => "已完成，房源已收回",
            BuybackStatus::Stopped => "已停止回购",
            BuybackStatus::Refused => "市住建部门不予认定",
            BuybackStatus::Withdrawn => "已撤回",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BuybackStatus::AwaitingCity => "Awaiting the city housing bureau",
            BuybackStatus::InProgress => "In progress",
            BuybackStatus::Paid => "Paid; title transfer next",
            BuybackStatus::Completed => "Completed; home back in the pool",
            BuybackStatus::Stopped => "Stopped by the company",
            BuybackStatus::Refused => "Not accepted by the city housing bureau",
            BuybackStatus::Withdrawn => "Withdrawn",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            BuybackStatus::AwaitingCity | BuybackStatus::InProgress | BuybackStatus::Paid
        )
    }
}

/// A step of a buyback, as the service records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuybackStep {
    CityDecides { accept: bool },
    Appraise,
    Vacated { on: NaiveDate },
    Pay { on: NaiveDate },
    ReturnTitle { on: NaiveDate },
    Stop,
    Withdraw,
}

/// What is known of a buyback when a step is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuybackFacts {
    pub applied_on: NaiveDate,
    pub exit_by: Option<NaiveDate>,
    pub appraised: bool,
    pub vacated_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
}

/// Why a step is not allowed now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuybackStepError {
    #[error("当前状态“{status}”不能办理此步骤 (not allowed in this state)")]
    NotNow { status: &'static str },
    #[error("须先录入评估报告 (record the appraisal first)")]
    NotAppraised,
    #[error("须先确认家庭已腾退住房 (the family must have left the home first)")]
    NotVacated,
    #[error("须先付款 (pay first)")]
    NotPaid,
    #[error("日期 {on} 早于回购申请日期 {applied} (dated before the application)")]
    BeforeApplication { on: NaiveDate, applied: NaiveDate },
    #[error("腾退期限 {exit_by} 尚未届满，且家庭已按期腾退或仍在期限内，不能以未按期退出为由停止回购 (the exit deadline {exit_by} has not passed)")]
    DeadlineNotPassed { exit_by: NaiveDate },
}

/// The status a step leads to, or why it may not be taken.
///
/// The company may stop a buyback (阳泉 20) only once the exit deadline
/// has passed with the family still in the home; `today` is the date the
/// step is asked on.
pub fn next_status(
    status: BuybackStatus,
    step: &BuybackStep,
    facts: &BuybackFacts,
    today: NaiveDate,
) -> Result<BuybackStatus, BuybackStepError> {
    use BuybackStatus as S;
    let not_now = || BuybackStepError::NotNow {
        status: status.zh(),
    };
    let dated = |on: NaiveDate| {
        if on < facts.applied_on {
            Err(BuybackStepError::BeforeApplication {
                on,
                applied: facts.applied_on,
            })
        } else {
            Ok(())
        }
    };
    match (status, step) {
        (S::AwaitingCity, BuybackStep::CityDecides { accept: true }) => Ok(S::InProgress),
        (S::AwaitingCity, BuybackStep::CityDecides { accept: false }) => Ok(S::Refused),
        (S::InProgress, BuybackStep::Appraise) => Ok(S::InProgress),
        (S::InProgress, BuybackStep::Vacated { on }) => {
            dated(*on)?;
            Ok(S::InProgress)
        }
        (S::InProgress, BuybackStep::Pay { on }) => {
            dated(*on)?;
            if !facts.appraised {
                return Err(BuybackStepError::NotAppraised);
            }
            if facts.vacated_on.is_none() {
                return Err(BuybackStepError::NotVacated);
            }
            Ok(S::Paid)
        }
        (S::Paid, BuybackStep::ReturnTitle { on }) => {
            dated(*on)?;
            if facts.paid_on.is_none() {
                return Err(BuybackStepError::NotPaid);
            }
            Ok(S::Completed)
        }
        (S::InProgress, BuybackStep::Stop) => {
            match (facts.exit_by, facts.vacated_on) {
                (Some(exit_by), None) if today > exit_by => Ok(S::Stopped),
                (Some(exit_by), _) => Err(BuybackStepError::DeadlineNotPassed { exit_by }),
                // Loudi: no stated deadline; stopping is the company's
                // negotiated right, recorded with its reason.
                (None, _) => Ok(S::Stopped),
            }
        }
        (S::AwaitingCity | S::InProgress, BuybackStep::Withdraw) => Ok(S::Withdrawn),
        _ => Err(not_now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    const YQ: Regime = Regime(City::Yangquan);
    const LD: Regime = Regime(City::Loudi);

    fn appraisal() -> Appraisal {
        Appraisal {
            firm: "山西某评估公司".into(),
            qualification_no: "晋评字001".into(),
            report_no: "R-1".into(),
            valued_on: d("2027-03-10"),
            value: Fen::new(40_000_000),
            decoration: Fen::new(3_000_000),
            additions: Fen::new(500_000),
            independent: true,
        }
    }

    #[test]
    fn yangquan_has_the_five_cases_and_loudi_its_two() {
        assert_eq!(BuybackCase::of(YQ).len(), 5);
        assert_eq!(
            BuybackCase::of(LD),
            vec![BuybackCase::AfterFiveYears, BuybackCase::Clearance]
        );
        for case in BuybackCase::of(YQ) {
            assert!(may_apply(YQ, case, Some(d("2026-06-01")), d("2026-06-02")).is_ok());
            assert_eq!(
                may_apply(LD, case, Some(d("2026-06-01")), d("2040-01-01")),
                Err(ApplyRefusal::NotACaseHere { case: case.zh() })
            );
        }
        assert!(BuybackCase::CityDecided.needs_city_decision());
        assert!(!BuybackCase::Illness.needs_city_decision());
    }

    #[test]
    fn no_buyback_without_a_title_or_before_it() {
        assert_eq!(
            may_apply(YQ, BuybackCase::Illness, None, d("2026-06-02")),
            Err(ApplyRefusal::NoTitle)
        );
        assert!(matches!(
            may_apply(
                YQ,
                BuybackCase::Illness,
                Some(d("2026-06-02")),
                d("2026-06-01")
            ),
            Err(ApplyRefusal::BeforeTitle { .. })
        ));
    }

    /// Loudi's five years on their boundary: the anniversary is the first
    /// allowed day; the day before is refused; 29 February rolls to 1 March.
    #[test]
    fn loudi_five_years_on_the_boundary() {
        let title = d("2026-06-15");
        assert_eq!(five_full_years_on(title), d("2031-06-15"));
        assert_eq!(
            may_apply(
                LD,
                BuybackCase::AfterFiveYears,
                Some(title),
                d("2031-06-14")
            ),
            Err(ApplyRefusal::BeforeFiveYears {
                from: d("2031-06-15")
            })
        );
        assert_eq!(
            may_apply(
                LD,
                BuybackCase::AfterFiveYears,
                Some(title),
                d("2031-06-15")
            ),
            Ok(LOUDI_8_1_4_TRADE)
        );
        assert_eq!(five_full_years_on(d("2028-02-29")), d("2033-03-01"));
        assert_eq!(five_full_years_on(d("2027-02-28")), d("2032-02-28"));
        // The company's clearance is not held to five years.
        assert!(may_apply(LD, BuybackCase::Clearance, Some(title), d("2027-01-01")).is_ok());
    }

    /// 30 calendar days from the day after the application.
    #[test]
    fn exit_deadline_is_thirty_calendar_days() {
        assert_eq!(exit_deadline(YQ, d("2027-03-01")), Some(d("2027-03-31")));
        assert_eq!(exit_deadline(YQ, d("2027-01-31")), Some(d("2027-03-02")));
        // Across the Spring Festival holiday: calendar days, not working days.
        assert_eq!(exit_deadline(YQ, d("2027-02-01")), Some(d("2027-03-03")));
        assert_eq!(exit_deadline(LD, d("2027-03-01")), None);
    }

    #[test]
    fn yangquan_price_excludes_decoration_and_additions() {
        let p = buyback_price(YQ, &appraisal(), &[]).unwrap();
        assert_eq!(p.total, Fen::new(36_500_000));
        assert_eq!(p.terms.len(), 3);
        assert!(p
            .terms
            .iter()
            .all(|t| t.cite.document == crate::cite::YANGQUAN));
        let fee = Fee {
            name: "手续费".into(),
            amount: Fen::new(100),
        };
        assert!(matches!(
            buyback_price(YQ, &appraisal(), &[fee]),
            Err(AppraisalError::FeesNotInArticle { .. })
        ));
    }

    #[test]
    fn loudi_price_is_appraisal_less_itemised_fees() {
        let fees = vec![
            Fee {
                name: "交易税费".into(),
                amount: Fen::new(400_000),
            },
            Fee {
                name: "评估费".into(),
                amount: Fen::new(150_000),
            },
        ];
        let p = buyback_price(LD, &appraisal(), &fees).unwrap();
        // Decoration is not deducted in Loudi: the market appraisal stands.
        assert_eq!(p.total, Fen::new(40_000_000 - 550_000));
        assert_eq!(p.terms.len(), 3);
        assert!(p.terms.iter().all(|t| t.cite == LOUDI_8_1_4_TRADE));
        let too_much = vec![Fee {
            name: "x".into(),
            amount: Fen::new(50_000_000),
        }];
        assert!(matches!(
            buyback_price(LD, &appraisal(), &too_much),
            Err(AppraisalError::DeductionsExceedValue { .. })
        ));
    }

    #[test]
    fn appraisal_must_be_independent_qualified_and_timely() {
        let applied = d("2027-03-01");
        assert_eq!(appraisal().check(applied), Ok(()));
        let mut a = appraisal();
        a.independent = false;
        assert_eq!(a.check(applied), Err(AppraisalError::NotIndependent));
        let mut a = appraisal();
        a.qualification_no = " ".into();
        assert_eq!(a.check(applied), Err(AppraisalError::NoQualification));
        let mut a = appraisal();
        a.valued_on = d("2027-02-28");
        assert!(matches!(
            a.check(applied),
            Err(AppraisalError::BeforeApplication { .. })
        ));
    }

    #[test]
    fn steps_follow_the_article() {
        use BuybackStatus as S;
        let facts = BuybackFacts {
            applied_on: d("2027-03-01"),
            exit_by: Some(d("2027-03-31")),
            appraised: false,
            vacated_on: None,
            paid_on: None,
        };
        let today = d("2027-03-31");
        // No payment before the appraisal and the exit.
        assert_eq!(
            next_status(
                S::InProgress,
                &BuybackStep::Pay { on: today },
                &facts,
                today
            ),
            Err(BuybackStepError::NotAppraised)
        );
        let appraised = BuybackFacts {
            appraised: true,
            ..facts
        };
        assert_eq!(
            next_status(
                S::InProgress,
                &BuybackStep::Pay { on: today },
                &appraised,
                today
            ),
            Err(BuybackStepError::NotVacated)
        );
        // Stop only after the deadline, with the family still in the home.
        assert_eq!(
            next_status(S::InProgress, &BuybackStep::Stop, &facts, d("2027-03-31")),
            Err(BuybackStepError::DeadlineNotPassed {
                exit_by: d("2027-03-31")
            })
        );
        assert_eq!(
            next_status(S::InProgress, &BuybackStep::Stop, &facts, d("2027-04-01")),
            Ok(S::Stopped)
        );
        let vacated = BuybackFacts {
            vacated_on: Some(d("2027-03-20")),
            ..appraised
        };
        assert!(next_status(S::InProgress, &BuybackStep::Stop, &vacated, d("2027-05-01")).is_err());
        assert_eq!(
            next_status(
                S::InProgress,
                &BuybackStep::Pay { on: today },
                &vacated,
                today
            ),
            Ok(S::Paid)
        );
        let paid = BuybackFacts {
            paid_on: Some(today),
            ..vacated
        };
        assert_eq!(
            next_status(
                S::Paid,
                &BuybackStep::ReturnTitle { on: today },
                &paid,
                today
            ),
            Ok(S::Completed)
        );
        // Nothing after completion; no withdrawal once paid.
        assert!(next_status(S::Completed, &BuybackStep::Withdraw, &paid, today).is_err());
        assert!(next_status(S::Paid, &BuybackStep::Withdraw, &paid, today).is_err());
        assert_eq!(
            next_status(
                S::AwaitingCity,
                &BuybackStep::CityDecides { accept: false },
                &facts,
                today
            ),
            Ok(S::Refused)
        );
    }
}
