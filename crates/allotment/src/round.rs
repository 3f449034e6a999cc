//! Rounds (001 art. 16) and who may enter them: qualified families of the
//! project's districts whose tier has been reached, county-seat-only
//! families (art. 11) only in their own county seat; within a round the
//! priority groups of 004 §8(1)1 are called first.

use serde::{Deserialize, Serialize};

use crate::cite::{Cite, ART11_COUNTY_SEAT, ART14_ABANDONMENT, ART15_ONE_PLAN, ART16_TIERS};

/// The rounds article 16 describes: round 1 for tier 1, then widened.
pub const MAX_ROUNDS: u8 = 3;

/// The facts `household.special` may hold that give priority in choosing
/// (004 §8(1)1: 困难退役军人、残疾人家庭、基层一线紧缺从业人员).
pub const PRIORITY_SPECIAL: [&str; 3] = ["veteran_in_difficulty", "disabled", "frontline_shortage"];

/// Where a qualified family may buy: the decision's scope, as the domain
/// records it (001 art. 11).
pub use anju_domain::Scope;

/// Where a project is: the districts whose families it serves and, when it
/// lies in a county seat, that county's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectArea {
    pub districts: Vec<String>,
    pub county_seat_of: Option<String>,
}

/// A family as allotment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub application_id: String,
    pub district: String,
    pub qualified: bool,
    pub tier: Option<u8>,
    pub scope: Option<Scope>,
    /// `household.special` facts.
    pub special: Vec<String>,
    /// Already holds (chosen or signed) a home in any project.
    pub holds_home: bool,
    /// Has abandoned a chosen home: its qualification ended (art. 14).
    pub abandoned: bool,
}

/// Why a family is not in a round, with the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    pub message: String,
    pub citation: Cite,
}

/// Whether `round` has reached `tier`: round r admits tiers 1..=r.
pub fn tier_admitted(round: u8, tier: u8) -> bool {
    tier >= 1 && tier <= round
}

/// Whether the family has a priority-group fact (004 §8(1)1).
pub fn has_priority(special: &[String]) -> bool {
    special
        .iter()
        .any(|s| PRIORITY_SPECIAL.contains(&s.as_str()))
}

/// Whether `c` may enter `round` of a project in `area`, or why not.
/// Interpretation (written in docs/allotment.md): a family that abandoned a
/// chosen home no longer enters rounds (its qualification ended with the
/// abandonment, and art. 14 bars a new application for 2 or 5 years); a
/// family already holding a home never enters another draw.
pub fn admit(round: u8, area: &ProjectArea, c: &Candidate) -> Result<(), Exclusion> {
    let no = |message: String, citation: Cite| Err(Exclusion { message, citation });
    if !c.qualified {
        return no("未取得配售资格 (not qualified)".into(), ART15_ONE_PLAN);
    }
    if c.abandoned {
        return no(
            "已弃购，配售资格终止 (abandoned a chosen home)".into(),
            ART14_ABANDONMENT,
        );
    }
    if c.holds_home {
        return no(
            "已选定或已购买房源 (already holds a home)".into(),
            ART15_ONE_PLAN,
        );
    }
    match c.scope {
        Some(Scope::CountySeat) => {
            if area.county_seat_of.as_deref() != Some(c.district.as_str()) {
                return no(
                    "县城保障范围的家庭仅能申请所在县城范围内的保障性住房，本项目不在其县城 (county-seat-only family; project is not in its county seat)".into(),
                    ART11_COUNTY_SEAT,
                );
            }
        }
        _ => {
            if !area.districts.iter().any(|d| d == &c.district) {
                return no(
                    "不属于本项目配售的县（区） (not a district this project serves)".into(),
                    ART15_ONE_PLAN,
                );
            }
        }
    }
    match c.tier {
        Some(t) if tier_admitted(round, t) => Ok(()),
        Some(t) => no(format!("资格层级为第{t}层，第{round}轮尚未面向该层级 (tier {t} is not yet admitted in round {round})"), ART16_TIERS),
        // A qualification without a tier comes from a policy that has none
        // (Loudi: `tier` is null by the eligibility contract, and its plan
        // orders selection by priority group and draw, 8(1)1): article
        // 16's rounds by tier do not apply to it, so every round admits it.
        None => Ok(()),
    }
}

/// One entrant with its place in the draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn<'a> {
    pub entrant_id: &'a str,
    pub priority: bool,
}

/// The calling order: priority-group families first, each group in draw
/// order (004 §8(1)1 gives priority groups the right to choose first; the
/// draw still orders families within each group). `drawn` is the draw's
/// order; the result lists indexes into it.
pub fn calling_order(drawn: &[Drawn<'_>]) -> Vec<usize> {
    let mut first: Vec<usize> = Vec::new();
    let mut rest: Vec<usize> = Vec::new();
    for (i, d) in drawn.iter().enumerate() {
        if d.priority {
            first.push(i);
        } else {
            rest.push(i);
        }
    }
    first.extend(rest);
    first
}

/// Where a round is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Entrant list frozen, commitment published, waiting for the draw.
    Frozen,
    /// Drawn; selection not begun (a re-draw is still possible).
    Drawn,
    /// Families are being called.
    Selecting,
    /// Over: remaining homes may open the next round.
    Closed,
}

impl RoundStatus {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            RoundStatus::Frozen => "list frozen, awaiting the draw",
            RoundStatus::Drawn => "drawn, selection not begun",
            RoundStatus::Selecting => "selecting",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            RoundStatus::Frozen => "名单已冻结，待摇号",
            RoundStatus::Drawn => "已摇号，待选房",
            RoundStatus::Selecting => "选房中",
            RoundStatus::Closed => "本轮已结束",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Frozen => "frozen",
            RoundStatus::Drawn => "drawn",
            RoundStatus::Selecting => "selecting",
            RoundStatus::Closed => "closed",
        }
    }
}

/// Why a round cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenRoundError {
    #[error("配售方案尚未公布实施，不能开始配售（第十五条） (the plan is not published)")]
    PlanNotPublished,
    #[error("第{0}轮不存在：配售最多三轮（第十六条） (at most three rounds)")]
    NoSuchRound(u8),
    #[error("第{0}轮尚未结束，不能开启下一轮（第十六条） (round {0} is not closed)")]
    PreviousOpen(u8),
    #[error("上一轮后已无剩余房源，无需开启下一轮（第十六条） (no homes left)")]
    NoHomesLeft,
    #[error("第{0}轮已开启 (round {0} already exists)")]
    Exists(u8),
    #[error("没有符合条件的家庭可参加第{0}轮 (no family may enter round {0})")]
    NoEntrants(u8),
}

/// Whether round `next` may open: the plan is published, rounds go in
/// order, the previous one is closed and homes are left (art. 16: the
/// range widens only for homes "在规定期限内未销售完毕").
pub fn may_open(
    plan_published: bool,
    existing: &[(u8, RoundStatus)],
    next: u8,
    homes_left: usize,
) -> Result<(), OpenRoundError> {
    if !plan_published {
        return Err(OpenRoundError::PlanNotPublished);
    }
    if next == 0 || next > MAX_ROUNDS {
        return Err(OpenRoundError::NoSuchRound(next));
    }
    if existing.iter().any(|(r, _)| *r == next) {
        return Err(OpenRoundError::Exists(next));
    }
    let expected = existing.iter().map(|(r, _)| *r).max().unwrap_or(0) + 1;
    if next != expected {
        return Err(OpenRoundError::NoSuchRound(next));
    }
    if let Some((r, s)) = existing.iter().find(|(r, _)| *r == next - 1) {
        if *s != RoundStatus::Closed {
            return Err(OpenRoundError::PreviousOpen(*r));
        }
    }
    if homes_left == 0 {
        return Err(OpenRoundError::NoHomesLeft);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam(district: &str, tier: u8, scope: Scope) -> Candidate {
        Candidate {
            application_id: "A".into(),
            district: district.into(),
            qualified: true,
            tier: Some(tier),
            scope: Some(scope),
            special: vec![],
            holds_home: false,
            abandoned: false,
        }
    }

    #[test]
    fn tiers_widen_by_round() {
        let area = ProjectArea {
            districts: vec!["140302".into()],
            county_seat_of: None,
        };
        let t2 = fam("140302", 2, Scope::City);
        assert_eq!(admit(1, &area, &t2).unwrap_err().citation.ref_, "16");
        assert!(admit(2, &area, &t2).is_ok());
        assert!(admit(3, &area, &t2).is_ok());
        assert_eq!(
            admit(1, &area, &fam("140303", 1, Scope::City))
                .unwrap_err()
                .citation
                .ref_,
            "15"
        );
    }

    #[test]
    fn a_family_without_a_tier_enters_every_round_of_its_districts() {
        // Loudi qualifications have no tier (contract: tier null).
        let area = ProjectArea {
            districts: vec!["140302".into()],
            county_seat_of: None,
        };
        let loudi = Candidate {
            tier: None,
            ..fam("140302", 1, Scope::City)
        };
        for round in 1..=3 {
            assert!(admit(round, &area, &loudi).is_ok(), "round {round}");
        }
        let elsewhere = Candidate {
            district: "140303".into(),
            ..loudi.clone()
        };
        assert_eq!(admit(1, &area, &elsewhere).unwrap_err().citation.ref_, "15");
        let not_qualified = Candidate {
            qualified: false,
            ..loudi
        };
        assert!(admit(1, &area, &not_qualified).is_err());
    }

    #[test]
    fn county_seat_families_only_in_their_county_seat() {
        let seat = ProjectArea {
            districts: vec!["140321".into()],
            county_seat_of: Some("140321".into()),
        };
        let city = ProjectArea {
            districts: vec!["140321".into()],
            county_seat_of: None,
        };
        let f = fam("140321", 3, Scope::CountySeat);
        assert!(admit(3, &seat, &f).is_ok());
        assert_eq!(admit(3, &city, &f).unwrap_err().citation.ref_, "11");
        let other = fam("140322", 3, Scope::CountySeat);
        assert_eq!(admit(3, &seat, &other).unwrap_err().citation.ref_, "11");
    }

    #[test]
    fn priority_groups_first_in_draw_order() {
        let d = [
            Drawn {
                entrant_id: "a",
                priority: false,
            },
            Drawn {
                entrant_id: "b",
                priority: true,
            },
            Drawn {
                entrant_id: "c",
                priority: false,
            },
            Drawn {
                entrant_id: "d",
                priority: true,
            },
        ];
        assert_eq!(calling_order(&d), vec![1, 3, 0, 2]);
        assert!(has_priority(&["disabled".to_string()]));
        assert!(!has_priority(&["veteran".to_string()]));
    }

    #[test]
    fn rounds_open_in_order() {
        use RoundStatus::*;
        assert_eq!(
            may_open(false, &[], 1, 5),
            Err(OpenRoundError::PlanNotPublished)
        );
        assert!(may_open(true, &[], 1, 5).is_ok());
        assert_eq!(
            may_open(true, &[], 2, 5),
            Err(OpenRoundError::NoSuchRound(2))
        );
        assert_eq!(
            may_open(true, &[(1, Selecting)], 2, 5),
            Err(OpenRoundError::PreviousOpen(1))
        );
        assert_eq!(
            may_open(true, &[(1, Closed)], 2, 0),
            Err(OpenRoundError::NoHomesLeft)
        );
        assert!(may_open(true, &[(1, Closed)], 2, 1).is_ok());
        assert_eq!(
            may_open(true, &[(1, Closed), (2, Closed), (3, Closed)], 4, 1),
            Err(OpenRoundError::NoSuchRound(4))
        );
    }
}
