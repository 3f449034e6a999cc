//! The articles a held home's life applies, quoted, and which city's
//! document each step cites. A rule for one city never cites another
//! city's document: every cite a step shows comes from [`Regime`].

pub use anju_allotment::cite::{Cite, City, ART18_TITLE, LOUDI, LOUDI_8_1_4_TRADE, YANGQUAN};

pub const ART19_BUYBACK: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条",
    ref_: "19",
    quote: "购房家庭有下列情形之一的，需退出保障性住房的，由收购主体予以回购：",
};

pub const ART19_1_LEFT: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条（一）",
    ref_: "19.1",
    quote: "购房人因工作变动等原因长期闲置、辞职离开本市的；",
};

pub const ART19_2_ILLNESS: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条（二）",
    ref_: "19.2",
    quote: "购房人或家庭成员患有重大疾病，需筹措医疗费用的；",
};

pub const ART19_3_SECOND_HOME: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条（三）",
    ref_: "19.3",
    quote: "因继承、结婚、离婚析产、法院判(裁)决等原因，造成一个家庭持有两套及以上配售型保障性住房的，其中一套由收购主体进行回购；",
};

pub const ART19_4_NEW_OWNER: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条（四）",
    ref_: "19.4",
    quote: "因继承、结婚、离婚析产、法院判(裁)决等原因，发生配售型保障性住房所有权转移，新的所有权人不符合配售型保障性住房申请条件的；",
};

pub const ART19_5_CITY: Cite = Cite {
    document: YANGQUAN,
    article: "第十九条（五）",
    ref_: "19.5",
    quote: "经市住建部门认定其他需回购的情形。",
};

pub const ART20_EXIT: Cite = Cite {
    document: YANGQUAN,
    article: "第二十条",
    ref_: "20",
    quote: "申请退出保障性住房的家庭，应当按购房时签订的合同约定内容履约到位，并在提出申请 30 日内主动退出该住房。购房家庭未能履行合同约定内容，未按期退出住房的，收购主体可以停止回购。",
};

pub const ART21_PRICE: Cite = Cite {
    document: YANGQUAN,
    article: "第二十一条",
    ref_: "21",
    quote: "配售型保障性住房回购价格由具备房地产评估资质的第三方专业机构综合考虑房屋使用年限、折旧、维修资金使用、区位交通、配套设施等情况评估确定，回购时购房家庭自行装修及对房屋的添附成本不予补偿。",
};

pub const ART22_FRAUD: Cite = Cite {
    document: YANGQUAN,
    article: "第二十二条",
    ref_: "22",
    quote: "对弄虚作假、隐瞒家庭实际情况，骗购保障性住房的个人，依据法律和有关规定追究责任；对出具虚假证明的，依法追究相关责任人(单位)的责任。",
};

pub const LOUDI_8_3_3_REVIEW: Cite = Cite {
    document: LOUDI,
    article: "八、(三)3",
    ref_: "8.3.3",
    quote: "实施主体每年度对保障性住房使用情况进行核查,建立保障对象动态档案,对不再符合条件的及时清退;可运用大数据、人脸识别等技术,防范违规出租、出借、闲置等行为。",
};

pub const LOUDI_10_3_FRAUD: Cite = Cite {
    document: LOUDI,
    article: "十、(三)",
    ref_: "10.3",
    quote: "加强信用监管,对开发企业弄虚作假、保障对象违规骗购骗租等行为,纳入失信名单,实施联合惩戒",
};

pub const ART2_SALE_ONLY: Cite = Cite {
    document: YANGQUAN,
    article: "第二条",
    ref_: "2",
    quote: "本办法所称的配售型保障性住房，是指限定套型、面积和销售价格，按规定实施封闭管理，面向符合条件的人群配售的保障性住房。",
};

pub const LOUDI_8_1_4_BACK_IN_SUPPLY: Cite = Cite {
    document: LOUDI,
    article: "八、(一)4",
    ref_: "8.1.4",
    quote: "回购后的房源继续用作保障性住房,纳入当地保障性住房供给体系统一管理",
};

/// Whose rules a deployment's held homes follow.
///
/// Interpretations, written here because the two documents differ:
///
/// * **Yangquan** has the five buyback cases (article 19), any time after
///   the sale, the 30-day exit (20) and the appraisal without decoration
///   (21). It has no yearly check article: anju's yearly campaign looks
///   for exactly the situations article 19 (3) and (4) and article 22
///   name, and for misuse of a closed-management home (article 18 — letting
///   or lending a home turns it to market use; a long-idle home is
///   article 19 (1)'s situation).
/// * **Loudi** has no list of cases: from the title date a home may not be
///   sold, let, given or mortgaged, and after five full years an owner
///   who must transfer applies in writing and the company buys back at
///   the market appraisal less reasonable fees (八、(一)4). The yearly
///   check and clearing out those no longer eligible, and misuse
///   (letting, lending, idle), are 八、(三)3; fraud is 十、(三).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regime(pub City);

impl Regime {
    /// The article under which the yearly campaign runs.
    pub fn review(self) -> Cite {
        match self.0 {
            City::Yangquan => ART19_BUYBACK,
            City::Loudi => LOUDI_8_3_3_REVIEW,
        }
    }

    /// The exit deadline's article (Loudi states none for owners: anju
    /// uses the negotiated date, see [`crate::buyback::exit_deadline`]).
    pub fn exit(self) -> Cite {
        match self.0 {
            City::Yangquan => ART20_EXIT,
            City::Loudi => LOUDI_8_1_4_TRADE,
        }
    }

    /// The buyback price's article.
    pub fn price(self) -> Cite {
        match self.0 {
            City::Yangquan => ART21_PRICE,
            City::Loudi => LOUDI_8_1_4_TRADE,
        }
    }

    /// Closed management: what letting or lending a home breaks.
    pub fn misuse(self) -> Cite {
        match self.0 {
            City::Yangquan => ART18_TITLE,
            City::Loudi => LOUDI_8_3_3_REVIEW,
        }
    }

    /// Fraud found after the sale.
    pub fn fraud(self) -> Cite {
        match self.0 {
            City::Yangquan => ART22_FRAUD,
            City::Loudi => LOUDI_10_3_FRAUD,
        }
    }

    /// Whether a bought-back home may go into the rental programme: `Ok`
    /// with the article that allows it, `Err` with the article that shows
    /// why not.
    ///
    /// *Interpretation*: Loudi's plan keeps bought-back homes in "the local
    /// affordable-housing supply" (八、(一)4), which has both sale (八、(一))
    /// and rent (八、(二)), so the company may let one. Yangquan's
    /// 阳政办发〔2026〕2号 defines only homes for sale (第二条) and has no
    /// rental rules: a bought-back home there goes back into a new
    /// allotment project (第十五条's "一项目一配售方案").
    pub fn rental(self) -> Result<Cite, Cite> {
        match self.0 {
            City::Yangquan => Err(ART2_SALE_ONLY),
            City::Loudi => Ok(LOUDI_8_1_4_BACK_IN_SUPPLY),
        }
    }

    /// The documents this city's cites may come from.
    pub fn documents(self) -> &'static [&'static str] {
        self.0.documents()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buyback::BuybackCase;
    use crate::review::Flag;

    #[test]
    fn each_city_cites_its_own_documents() {
        for city in [City::Yangquan, City::Loudi] {
            let r = Regime(city);
            let mut cites = vec![r.review(), r.exit(), r.price(), r.misuse(), r.fraud()];
            cites.push(r.rental().unwrap_or_else(|c| c));
            for case in BuybackCase::ALL {
                if let Some(c) = case.cite(r) {
                    cites.push(c);
                }
            }
            for flag in Flag::ALL {
                cites.push(flag.cite(r));
            }
            for c in cites {
                assert!(
                    r.documents().contains(&c.document),
                    "{city:?} cites {}",
                    c.short()
                );
            }
        }
    }
}
