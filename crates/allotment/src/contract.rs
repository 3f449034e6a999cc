//! Purchase contracts (001 art. 18; 004 §8(1)3) and titles with the
//! article-18 annotation, after which the home is locked (001 art. 18;
//! 004 §8(1)4): a sale, lease, gift, or any mortgage other than the
//! purchase loan is refused with the cited article.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cite::{Cite, City, ART18_ANNOTATION};
use crate::money::Fen;

/// What the company records when a family signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractTerms {
    /// 合同编号.
    pub contract_no: String,
    pub signed_on: NaiveDate,
    pub price: Fen,
    pub down_payment: Fen,
    /// 公积金贷款.
    pub provident_fund_loan: Fen,
    /// 商业贷款.
    pub commercial_loan: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("{field}: 合同编号须为1–40个字符 (contract number required)")]
    Number { field: &'static str },
    #[error("price: 合同价格{given}元与房源配售价格{price}元不一致 (contract price differs from the home's price)")]
    Price { given: Fen, price: Fen },
    #[error("down_payment: 首付款{given}元低于房价的{percent}%即{min}元（本项目配售方案；{}） (down payment below the minimum)", .cite.short())]
    DownPayment {
        given: Fen,
        min: Fen,
        percent: u8,
        /// The city's article on down payments.
        cite: Cite,
    },
    #[error("loans: 首付款与贷款合计{sum}元，不等于房价{price}元 (down payment plus loans must equal the price)")]
    Sum { sum: Fen, price: Fen },
}

/// Checks a contract against the home's price and the plan's minimum
/// down payment (rounded up to the fen).
pub fn check_contract(
    terms: &ContractTerms,
    home_price: Fen,
    min_percent: u8,
    city: City,
) -> Result<(), ContractError> {
    let n = terms.contract_no.trim().chars().count();
    if n == 0 || n > 40 {
        return Err(ContractError::Number {
            field: "contract_no",
        });
    }
    if terms.price != home_price {
        return Err(ContractError::Price {
            given: terms.price,
            price: home_price,
        });
    }
    let min = home_price.mul_ratio_ceil(u64::from(min_percent), 100);
    if terms.down_payment < min {
        return Err(ContractError::DownPayment {
            given: terms.down_payment,
            min,
            percent: min_percent,
            cite: city.down_payment().0,
        });
    }
    let sum = terms
        .down_payment
        .fen()
        .saturating_add(terms.provident_fund_loan.fen())
        .saturating_add(terms.commercial_loan.fen());
    if sum != home_price.fen() {
        return Err(ContractError::Sum {
            sum: Fen::new(sum),
            price: home_price,
        });
    }
    Ok(())
}

/// A registered title. The annotation is always article 18's text: it is
/// not an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Title {
    /// 不动产权证书号.
    pub certificate_no: String,
    pub registered_on: NaiveDate,
    pub annotation: String,
}

impl Title {
    pub fn new(certificate_no: &str, registered_on: NaiveDate) -> Result<Title, ContractError> {
        let n = certificate_no.trim().chars().count();
        if n == 0 || n > 60 {
            return Err(ContractError::Number {
                field: "certificate_no",
            });
        }
        Ok(Title {
            certificate_no: certificate_no.trim().to_string(),
            registered_on,
            annotation: ART18_ANNOTATION.to_string(),
        })
    }
}

/// Something an owner might try to do with a titled home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dealing {
    Sale,
    Lease,
    Gift,
    /// A mortgage; `purchase_loan` when it secures the loan that bought the
    /// home (the one mortgage art. 18 allows).
    Mortgage {
        purchase_loan: bool,
    },
}

impl Dealing {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            Dealing::Sale => "sale",
            Dealing::Lease => "lease",
            Dealing::Gift => "gift",
            Dealing::Mortgage {
                purchase_loan: true,
            } => "mortgage for the purchase loan",
            Dealing::Mortgage {
                purchase_loan: false,
            } => "other mortgage",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Dealing::Sale => "出售（上市交易）",
            Dealing::Lease => "出租",
            Dealing::Gift => "赠与",
            Dealing::Mortgage {
                purchase_loan: true,
            } => "购房按揭贷款抵押",
            Dealing::Mortgage {
                purchase_loan: false,
            } => "其他抵押",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Dealing::Sale => "sale",
            Dealing::Lease => "lease",
            Dealing::Gift => "gift",
            Dealing::Mortgage {
                purchase_loan: true,
            } => "purchase_loan_mortgage",
            Dealing::Mortgage {
                purchase_loan: false,
            } => "other_mortgage",
        }
    }

    pub fn parse(s: &str) -> Option<Dealing> {
        Some(match s {
            "sale" => Dealing::Sale,
            "lease" => Dealing::Lease,
            "gift" => Dealing::Gift,
            "purchase_loan_mortgage" => Dealing::Mortgage {
                purchase_loan: true,
            },
            "other_mortgage" => Dealing::Mortgage {
                purchase_loan: false,
            },
            _ => return None,
        })
    }
}

/// A refused dealing, with its articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub message: String,
    pub citations: Vec<Cite>,
}

/// Whether `dealing` may be recorded on a titled home. Only the purchase
/// loan's mortgage is allowed; a sale is refused too after five years,
/// when the only way out is the implementing company's buyback
/// (004 §8(1)4; 001 art. 19).
pub fn check_dealing(dealing: Dealing, city: City) -> Result<(), Refusal> {
    // Each city's own article: Yangquan's article 18 (closed management;
    // leaving goes through the company's buyback, articles 19–21), Loudi's
    // 八、(一)4 (no dealing; after 5 years only the company's buyback).
    let citations = vec![city.trade()];
    match dealing {
        Dealing::Mortgage { purchase_loan: true } => Ok(()),
        Dealing::Sale => Err(Refusal {
            message: match city {
                City::Yangquan => "配售型保障性住房实施封闭管理，禁止变更为商品住房流入市场；需退出的，由收购主体回购（第十九条至第二十一条） (closed management: no sale; a family that leaves sells back to the company)".into(),
                City::Loudi => "保障性住房不得上市交易；满5年确需转让的，只能由实施主体按评估价格扣除合理费用后回购 (no sale; after 5 years only buyback by the implementing company)".into(),
            },
            citations,
        }),
        Dealing::Mortgage { purchase_loan: false } => Err(Refusal {
            message: "不得进行除房屋按揭贷款外其他抵押 (no mortgage other than the purchase loan)".into(),
            citations,
        }),
        Dealing::Lease | Dealing::Gift => Err(Refusal {
            message: format!(
                "配售型保障性住房自取得不动产权证书之日起不得{} (no {} of an affordable home)",
                dealing.zh(),
                dealing.code()
            ),
            citations,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(down: &str, pf: &str, com: &str) -> ContractTerms {
        ContractTerms {
            contract_no: "YQ-2026-001".into(),
            signed_on: "2026-12-01".parse().unwrap(),
            price: Fen::parse_yuan("358000").unwrap(),
            down_payment: Fen::parse_yuan(down).unwrap(),
            provident_fund_loan: Fen::parse_yuan(pf).unwrap(),
            commercial_loan: Fen::parse_yuan(com).unwrap(),
        }
    }

    #[test]
    fn down_payment_at_least_fifteen_percent() {
        let price = Fen::parse_yuan("358000").unwrap();
        let loudi = City::Loudi;
        assert!(check_contract(&terms("53700", "304300", "0"), price, 15, loudi).is_ok());
        match check_contract(&terms("53699.99", "304300.01", "0"), price, 15, loudi) {
            Err(e @ ContractError::DownPayment { .. }) => {
                assert!(e.to_string().contains("娄底"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        // A Yangquan refusal cites Yangquan's own document, never Loudi's.
        let e = check_contract(
            &terms("53699.99", "304300.01", "0"),
            price,
            15,
            City::Yangquan,
        )
        .unwrap_err();
        assert!(e.to_string().contains("阳政办发〔2022〕39号"), "{e}");
        assert!(!e.to_string().contains("娄底"), "{e}");
        assert!(matches!(
            check_contract(&terms("53700", "300000", "0"), price, 15, loudi),
            Err(ContractError::Sum { .. })
        ));
        let other = Fen::parse_yuan("1").unwrap();
        assert!(matches!(
            check_contract(&terms("53700", "304300", "0"), other, 15, loudi),
            Err(ContractError::Price { .. })
        ));
    }

    #[test]
    fn titles_carry_article_18_and_lock_the_home() {
        let t = Title::new(
            "晋(2026)阳泉市不动产权第0001234号",
            "2026-12-20".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(t.annotation, ART18_ANNOTATION);
        for city in [City::Yangquan, City::Loudi] {
            assert!(check_dealing(
                Dealing::Mortgage {
                    purchase_loan: true
                },
                city
            )
            .is_ok());
        }
        for d in [
            Dealing::Sale,
            Dealing::Lease,
            Dealing::Gift,
            Dealing::Mortgage {
                purchase_loan: false,
            },
        ] {
            let r = check_dealing(d, City::Yangquan).unwrap_err();
            assert!(r.citations.iter().any(|c| c.ref_ == "18"), "{d:?}");
            let r = check_dealing(d, City::Loudi).unwrap_err();
            assert!(
                r.citations.iter().all(|c| c.document == crate::cite::LOUDI),
                "{d:?}: a Loudi refusal cites Loudi's plan only"
            );
            assert_eq!(Dealing::parse(d.code()), Some(d));
        }
    }
}
