//! One plan per project (001 art. 15): what it must say, the price check
//! (001 art. 17; 004 §7(1)2), and its approval: drafted by the implementing
//! company, approved or returned by the city housing bureau, then published.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cite::{Cite, City, ART15_ONE_PLAN, ART17_PRICE};
use crate::home::{Home, HomeId, HomeSource};
use crate::money::Fen;

/// What a family that is not there when called is treated as (the plan
/// decides; 001 art. 15 "摇号规则、配售活动安排").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsentRule {
    /// Called once more after the last family of the round; absent again:
    /// passes this round (not an abandonment: no home was chosen).
    CallAgainAtEnd,
    /// Passes this round at once.
    PassRound,
}

impl AbsentRule {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            AbsentRule::CallAgainAtEnd => "absent families are called once more at the end of the round; absent again, they pass the round",
            AbsentRule::PassRound => "absent families pass the round",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            AbsentRule::CallAgainAtEnd => {
                "未到场的家庭顺延至本轮最后再叫号一次，仍未到场视为本轮放弃选房"
            }
            AbsentRule::PassRound => "未到场的家庭视为本轮放弃选房",
        }
    }
}

/// The dates of one round's selection window.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundWindow {
    pub round: u8,
    pub opens: NaiveDate,
    pub closes: NaiveDate,
}

/// What the company writes; every field article 15 names.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTerms {
    /// 项目名称.
    pub name: String,
    /// 坐落.
    pub location: String,
    /// 政府指导价 per m² (001 art. 17): no home may be priced above it.
    pub guided_price_per_m2: Fen,
    /// 配售方式, e.g. 摇号选房.
    pub sale_method: String,
    /// 摇号规则 in words (the algorithm itself is docs/lottery.md).
    pub lottery_rules: String,
    /// 配售活动安排: one window per round, 1..=3 in order.
    pub schedule: Vec<RoundWindow>,
    /// 回购事宜.
    pub buyback_terms: String,
    pub absent_rule: AbsentRule,
    /// Days after choosing within which the contract must be signed
    /// (004 §8(1)2: 15 days). Calendar days.
    pub signing_days: u16,
    /// Minimum down payment in percent (004 §8(1)3: as low as 15%).
    pub min_down_payment_percent: u8,
}

/// A plan field that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TermsError {
    pub field: &'static str,
    pub message: String,
}

impl PlanTerms {
    /// Every field article 15 requires, and a schedule that is in order.
    /// Checks the terms against the city's documents (`city`: whose rules
    /// bound the signing period and the down payment).
    pub fn validate(&self, city: City) -> Result<(), TermsError> {
        let need = |field: &'static str, v: &str, zh: &str| {
            let n = v.trim().chars().count();
            if n == 0 || n > 2000 {
                Err(TermsError {
                    field,
                    message: format!(
                        "配售方案须写明{zh}（{}），不超过2000字 ({field} is required)",
                        ART15_ONE_PLAN.short()
                    ),
                })
            } else {
                Ok(())
            }
        };
        need("name", &self.name, "项目名称")?;
        need("location", &self.location, "坐落")?;
        need("sale_method", &self.sale_method, "配售方式")?;
        need("lottery_rules", &self.lottery_rules, "摇号规则")?;
        need("buyback_terms", &self.buyback_terms, "回购事宜")?;
        if self.guided_price_per_m2 == Fen::ZERO {
            return Err(TermsError {
                field: "guided_price_per_m2",
                message: "须写明政府指导价（第十七条） (the guided price is required)".into(),
            });
        }
        if self.schedule.is_empty() || self.schedule.len() > 3 {
            return Err(TermsError {
                field: "schedule",
                message: "配售活动安排须有1至3轮（第十六条） (one to three rounds)".into(),
            });
        }
        let mut prev_close: Option<NaiveDate> = None;
        for (i, w) in self.schedule.iter().enumerate() {
            if usize::from(w.round) != i + 1 {
                return Err(TermsError {
                    field: "schedule",
                    message: format!(
                        "第{}项应为第{}轮 (rounds must be numbered 1, 2, 3 in order)",
                        i + 1,
                        i + 1
                    ),
                });
            }
            if w.closes < w.opens || prev_close.is_some_and(|p| w.opens <= p) {
                return Err(TermsError {
                    field: "schedule",
                    message: format!("第{}轮的选房期不对：须结束不早于开始，且在上一轮结束之后开始 (round {} window out of order)", w.round, w.round),
                });
            }
            prev_close = Some(w.closes);
        }
        let max_days = city.max_signing_days();
        if self.signing_days == 0 || self.signing_days > max_days {
            return Err(TermsError {
                field: "signing_days",
                message: format!(
                    "签约期限应为1至{max_days}日（{}） (1 to {max_days} days)",
                    city.signing().short()
                ),
            });
        }
        let (cite, floor) = city.down_payment();
        if self.min_down_payment_percent < floor || self.min_down_payment_percent > 100 {
            return Err(TermsError {
                field: "min_down_payment_percent",
                message: format!(
                    "最低首付比例应在{floor}%至100%之间（{}） ({floor} to 100)",
                    cite.short()
                ),
            });
        }
        Ok(())
    }

    pub fn window(&self, round: u8) -> Option<&RoundWindow> {
        self.schedule.iter().find(|w| w.round == round)
    }
}

/// One home priced above what the articles allow.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceViolation {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub home: HomeId,
    pub price: Fen,
    pub cap: Fen,
    pub message: String,
    pub citation: Cite,
}

/// The price check over every home of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceCheck {
    pub homes_checked: usize,
    pub violations: Vec<PriceViolation>,
}

impl PriceCheck {
    pub fn passed(&self) -> bool {
        self.violations.is_empty() && self.homes_checked > 0
    }
}

/// Each home's price against the guided price × floor area (001 art. 17)
/// and, for acquired homes, against acquisition cost + 5% (the city's
/// article: 001 art. 7(3) or 004 §7(1)2). Both caps are rounded down to the
/// fen.
pub fn check_prices(guided_per_m2: Fen, homes: &[Home], city: City) -> PriceCheck {
    let mut violations = Vec::new();
    for h in homes {
        let guided_cap = h.floor_area.times_price_floor(guided_per_m2);
        if h.price > guided_cap {
            violations.push(PriceViolation {
                home: h.id.clone(),
                price: h.price,
                cap: guided_cap,
                message: format!(
                    "房源{}配售价格{}元，高于政府指导价{}元/㎡×{}㎡={}元 (price above the guided price)",
                    h.id, h.price, guided_per_m2, h.floor_area, guided_cap
                ),
                citation: ART17_PRICE,
            });
        }
        if h.source == HomeSource::Acquired {
            match h.acquisition_cost {
                Some(cost) => {
                    let cap = cost.mul_ratio_floor(105, 100);
                    if h.price > cap {
                        violations.push(PriceViolation {
                            home: h.id.clone(),
                            price: h.price,
                            cap,
                            message: format!(
                                "房源{}配售价格{}元，超过收购成本{}元+5%利润={}元 (price above cost + 5%)",
                                h.id, h.price, cost, cap
                            ),
                            citation: city.acquired_price(),
                        });
                    }
                }
                None => violations.push(PriceViolation {
                    home: h.id.clone(),
                    price: h.price,
                    cap: Fen::ZERO,
                    message: format!(
                        "收购房源{}缺少收购成本，无法核定价格 (acquired home without its cost)",
                        h.id
                    ),
                    citation: city.acquired_price(),
                }),
            }
        }
    }
    PriceCheck {
        homes_checked: homes.len(),
        violations,
    }
}

/// Where a plan is in its approval.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written by the company.
    Draft,
    /// Sent to the city housing bureau.
    Submitted,
    /// Sent back with a reason; the company edits and resubmits.
    Returned,
    /// Approved by the city housing bureau (001 art. 15 "报市住房和城乡建设局批准后实施").
    Approved,
    /// Published: rounds may start.
    Published,
}

impl PlanStatus {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted to the city housing bureau",
            PlanStatus::Returned => "returned for changes",
            PlanStatus::Approved => "approved, awaiting publication",
            PlanStatus::Published => "published",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草拟中",
            PlanStatus::Submitted => "已报市住建局审批",
            PlanStatus::Returned => "已退回修改",
            PlanStatus::Approved => "已批准，待公布",
            PlanStatus::Published => "已公布实施",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Returned => "returned",
            PlanStatus::Approved => "approved",
            PlanStatus::Published => "published",
        }
    }

    pub fn editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Returned)
    }
}

/// A step in a plan's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum PlanStep {
    Submit,
    Approve,
    Return { reason: String },
    Publish,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanStepError {
    #[error("配售方案当前状态为“{}”，不能{} (the plan is {}: this step is not allowed)", .status.zh(), .step, .status.code())]
    NotNow {
        status: PlanStatus,
        step: &'static str,
    },
    #[error("退回须写明原因 (a return needs a reason)")]
    ReasonRequired,
    #[error("价格核定未通过，不能报批或批准：{0} (the price check failed)")]
    PriceCheckFailed(String),
    #[error("项目尚无房源，不能报批 (the project has no homes)")]
    NoHomes,
}

/// The status after `step`, or why not. Submitting and approving both need
/// a passing price check: the bureau cannot approve prices the articles
/// forbid, even by mistake.
pub fn next_status(
    status: PlanStatus,
    step: &PlanStep,
    prices: &PriceCheck,
) -> Result<PlanStatus, PlanStepError> {
    let needs_prices = || {
        if prices.homes_checked == 0 {
            return Err(PlanStepError::NoHomes);
        }
        match prices.violations.first() {
            Some(v) => Err(PlanStepError::PriceCheckFailed(format!(
                "{}（{}）等{}处",
                v.message,
                v.citation.short(),
                prices.violations.len()
            ))),
            None => Ok(()),
        }
    };
    match (status, step) {
        (PlanStatus::Draft | PlanStatus::Returned, PlanStep::Submit) => {
            needs_prices()?;
            Ok(PlanStatus::Submitted)
        }
        (PlanStatus::Submitted, PlanStep::Approve) => {
            needs_prices()?;
            Ok(PlanStatus::Approved)
        }
        (PlanStatus::Submitted, PlanStep::Return { reason }) => {
            if reason.trim().is_empty() {
                Err(PlanStepError::ReasonRequired)
            } else {
                Ok(PlanStatus::Returned)
            }
        }
        (PlanStatus::Approved, PlanStep::Publish) => Ok(PlanStatus::Published),
        (s, st) => Err(PlanStepError::NotNow {
            status: s,
            step: match st {
                PlanStep::Submit => "报批",
                PlanStep::Approve => "批准",
                PlanStep::Return { .. } => "退回",
                PlanStep::Publish => "公布",
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Area;

    fn home(id: &str, area: &str, source: HomeSource, cost: Option<&str>, price: &str) -> Home {
        let parts: Vec<&str> = id.split('-').collect();
        Home {
            id: HomeId::parse(id).unwrap(),
            building: parts[0].into(),
            unit: parts[1].into(),
            floor: 1,
            number: parts[2].into(),
            floor_area: Area::parse_m2(area).unwrap(),
            layout: "两室".into(),
            orientation: "南".into(),
            source,
            acquisition_cost: cost.map(|c| Fen::parse_yuan(c).unwrap()),
            price: Fen::parse_yuan(price).unwrap(),
        }
    }

    #[test]
    fn price_caps_cite_their_articles() {
        let guided = Fen::parse_yuan("4000").unwrap();
        let homes = vec![
            home("1-1-101", "100", HomeSource::NewBuild, None, "400000"), // exactly the cap
            home("1-1-102", "100", HomeSource::NewBuild, None, "400000.01"),
            home(
                "1-1-103",
                "100",
                HomeSource::Acquired,
                Some("300000"),
                "315000",
            ), // cost + 5%
            home(
                "1-1-104",
                "100",
                HomeSource::Acquired,
                Some("300000"),
                "315000.01",
            ),
        ];
        let c = check_prices(guided, &homes, City::Yangquan);
        let v: Vec<(&str, &str)> = c
            .violations
            .iter()
            .map(|v| (v.home.as_str(), v.citation.ref_))
            .collect();
        assert_eq!(v, vec![("1-1-102", "17"), ("1-1-104", "7.3")]);
        // In Loudi the same cap is the Loudi plan's.
        let loudi = check_prices(guided, &homes, City::Loudi);
        assert_eq!(loudi.violations[1].citation.ref_, "7.1.2");
        assert!(!c.passed());
        assert!(matches!(
            next_status(PlanStatus::Draft, &PlanStep::Submit, &c),
            Err(PlanStepError::PriceCheckFailed(_))
        ));
    }

    #[test]
    fn approval_path() {
        let ok = PriceCheck {
            homes_checked: 1,
            violations: vec![],
        };
        let s = next_status(PlanStatus::Draft, &PlanStep::Submit, &ok).unwrap();
        assert_eq!(s, PlanStatus::Submitted);
        assert_eq!(
            next_status(s, &PlanStep::Return { reason: " ".into() }, &ok),
            Err(PlanStepError::ReasonRequired)
        );
        let r = next_status(
            s,
            &PlanStep::Return {
                reason: "价格表缺页".into(),
            },
            &ok,
        )
        .unwrap();
        assert!(r.editable());
        let s = next_status(r, &PlanStep::Submit, &ok).unwrap();
        let a = next_status(s, &PlanStep::Approve, &ok).unwrap();
        assert!(next_status(a, &PlanStep::Approve, &ok).is_err());
        assert_eq!(
            next_status(a, &PlanStep::Publish, &ok).unwrap(),
            PlanStatus::Published
        );
        assert!(next_status(PlanStatus::Draft, &PlanStep::Publish, &ok).is_err());
    }
}
