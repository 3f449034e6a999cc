//! The articles allotment applies, quoted. Every refusal and every check
//! result carries one of these, so an official sees which article decided.

use serde::Serialize;

/// 阳泉市配售型保障性住房实施办法（试行）.
pub const YANGQUAN: &str = "阳政办发〔2026〕2号";
/// The Loudi plan, titled exactly as `policies/loudi-2025.toml` and the
/// source (004, published 2025-12-12 for comment) title it.
pub const LOUDI: &str = "娄底市收购存量商品房用作保障性住房工作实施方案（试行）（征求意见稿）";

/// A cited article with the words it says.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cite {
    pub document: &'static str,
    pub article: &'static str,
    #[serde(rename = "ref")]
    pub ref_: &'static str,
    pub quote: &'static str,
}

impl Cite {
    /// `阳政办发〔2026〕2号 第十八条`.
    pub fn short(&self) -> String {
        format!("{} {}", self.document, self.article)
    }
}

pub const ART11_COUNTY_SEAT: Cite = Cite {
    document: YANGQUAN,
    article: "第十一条",
    ref_: "11",
    quote: "可纳入县城保障范围，对收入不作要求，但仅能申请所在县城范围内的保障性住房。",
};

pub const ART14_ABANDONMENT: Cite = Cite {
    document: YANGQUAN,
    article: "第十四条",
    ref_: "14",
    quote: "申请人在首次选房后弃购的，2年内不予受理其保障性住房购房申请；二次选房后弃购的，5年内不予受理其保障性住房购房申请。",
};

pub const ART15_ONE_PLAN: Cite = Cite {
    document: YANGQUAN,
    article: "第十五条",
    ref_: "15",
    quote: "配售型保障性住房实施“一项目一配售方案”……配售方案应当明确项目名称、坐落、配售价格、配售方式、摇号规则、配售活动安排、回购事宜等内容，报市住房和城乡建设局批准后实施。配售对象为经各县（区）审核已取得配售资格的家庭，不得向未取得配售资格的家庭销售配售型保障性住房。",
};

pub const ART16_TIERS: Cite = Cite {
    document: YANGQUAN,
    article: "第十六条",
    ref_: "16",
    quote: "配售采取阶梯保障的方式，首先向在我市无房且收入不高的工薪家庭、引进的各类人才配售；在规定期限内未销售完毕的，范围可扩大至家庭人均住房建筑面积不超20平方米（含）且收入不高的工薪家庭；二次销售后仍有剩余房源的，可面向整个工薪收入群体销售。",
};

pub const ART17_PRICE: Cite = Cite {
    document: YANGQUAN,
    article: "第十七条",
    ref_: "17",
    quote: "配售型保障性住房配售价格实行政府指导价，以保本微利为原则，定期向社会公布。",
};

pub const ART18_TITLE: Cite = Cite {
    document: YANGQUAN,
    article: "第十八条",
    ref_: "18",
    quote: "配售型保障性住房购房人，应当签订买卖合同，办理不动产权属登记手续。不动产权证附记信息栏应记载：“该房屋为配售型保障性住房，建设用地以划拨方式供应，实施封闭管理，不得进行除房屋按揭贷款外其他抵押，禁止以任何方式违法违规将保障性住房变更为商品住房流入市场”。",
};

/// The exact annotation article 18 requires in the title's 附记 field. The
/// source file breaks the sentence across a page boundary ("违" / "法违规");
/// the text is joined here without the break.
pub const ART18_ANNOTATION: &str = "该房屋为配售型保障性住房，建设用地以划拨方式供应，实施封闭管理，不得进行除房屋按揭贷款外其他抵押，禁止以任何方式违法违规将保障性住房变更为商品住房流入市场";

pub const LOUDI_7_1_2_PRICE: Cite = Cite {
    document: LOUDI,
    article: "七、(一)2",
    ref_: "7.1.2",
    quote: "配售价格:实施主体按照“收购成本+不超过5%利润”的原则测算确定,不得高于同地段保障性住房市场指导价格",
};

pub const LOUDI_8_1_1_PRIORITY: Cite = Cite {
    document: LOUDI,
    article: "八、(一)1",
    ref_: "8.1.1",
    quote: "根据轮候库排序结果,按“公开、公平、公正”原则组织配售,对困难退役军人、残疾人家庭、基层一线紧缺从业人员等群体给予优先选房权",
};

pub const LOUDI_8_1_2_SIGNING: Cite = Cite {
    document: LOUDI,
    article: "八、(一)2",
    ref_: "8.1.2",
    quote: "保障对象选定房源后,在15日内与实施主体签订《保障性住房购房合同》,逾期未签约视为自动放弃,1年内不得再次申请",
};

pub const LOUDI_8_1_3_DOWN_PAYMENT: Cite = Cite {
    document: LOUDI,
    article: "八、(一)3",
    ref_: "8.1.3",
    quote: "购买配售型保障性住房的,首付比例最低可降至15%,支持组合贷款(公积金+商业按揭)",
};

pub const LOUDI_8_1_4_TRADE: Cite = Cite {
    document: LOUDI,
    article: "八、(一)4",
    ref_: "8.1.4",
    quote: "保障性住房自取得不动产权证书之日起,不得上市交易、出租、赠与、抵押。满5年后确需转让的,产权人应提前向项目实施主体提出书面申请,经双方协商一致后,由实施主体按照届时市场评估价格扣除合理相关费用后优先回购",
};

/// 阳政办发〔2026〕2号 article 7(3): the acquisition price cap the
/// cost-plus-5% check applies in Yangquan.
pub const ART7_3_ACQUISITION_PRICE: Cite = Cite {
    document: YANGQUAN,
    article: "第七条（三）",
    ref_: "7.3",
    quote: "收购价格应以同地段保障性住房重置价格为参考上限，即划拨土地成本和建安成本、加不超过5%的利润。",
};

/// Yangquan's own rule on minimum down payments (阳政办发〔2022〕39号
/// 二(一)): the city's document on first homes, applied to the purchase of
/// an affordable home (interpretation: the 2026 measures are silent on down
/// payments, and an affordable home is the family's first home).
pub const YANGQUAN_2022_DOWN_PAYMENT: Cite = Cite {
    document: "阳政办发〔2022〕39号",
    article: "二、（一）",
    ref_: "2.1",
    quote: "商业银行执行居民家庭购买首套住房最低首付比例 20% 的规定。",
};

/// Whose documents an allotment follows: the deployment's city. A rule of
/// one city never cites another city's document, so every term whose
/// source differs by city is asked of this (issue 12 defect 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum City {
    /// 阳政办发〔2026〕2号: the schedule (signing), the lottery rules
    /// (priority) and the price are the project's own plan's (article 15).
    Yangquan,
    /// The Loudi plan, which fixes them itself (八、(一)).
    Loudi,
}

impl City {
    /// From the policy file's id (`yangquan-2026`, `loudi-2025`); any other
    /// is Yangquan, anju's home city.
    pub fn of_policy(id: &str) -> City {
        if id.starts_with("loudi") {
            City::Loudi
        } else {
            City::Yangquan
        }
    }

    /// Where the signing deadline comes from: Yangquan's article 15 leaves
    /// the 配售活动安排 to the project's plan; Loudi fixes 15 days.
    pub fn signing(self) -> Cite {
        match self {
            City::Yangquan => ART15_ONE_PLAN,
            City::Loudi => LOUDI_8_1_2_SIGNING,
        }
    }

    /// The longest signing period a plan may set. Loudi: 15 days.
    /// Yangquan (interpretation): the plan sets it; anju holds it to 30
    /// days so a round cannot stay open without end.
    pub fn max_signing_days(self) -> u16 {
        match self {
            City::Yangquan => 30,
            City::Loudi => 15,
        }
    }

    /// Where the down-payment floor comes from, and the floor.
    pub fn down_payment(self) -> (Cite, u8) {
        match self {
            City::Yangquan => (YANGQUAN_2022_DOWN_PAYMENT, 20),
            City::Loudi => (LOUDI_8_1_3_DOWN_PAYMENT, 15),
        }
    }

    /// The cost-plus-5% cap for acquired homes.
    pub fn acquired_price(self) -> Cite {
        match self {
            City::Yangquan => ART7_3_ACQUISITION_PRICE,
            City::Loudi => LOUDI_7_1_2_PRICE,
        }
    }

    /// Why priority groups choose first: Loudi names them; in Yangquan the
    /// project's plan sets the lottery rules (article 15), and anju's plans
    /// give the same groups priority.
    pub fn priority(self) -> Cite {
        match self {
            City::Yangquan => ART15_ONE_PLAN,
            City::Loudi => LOUDI_8_1_1_PRIORITY,
        }
    }

    /// What a sold home may not be used for: Yangquan's article 18 (closed
    /// management, no mortgage but the purchase loan); Loudi 八、(一)4.
    pub fn trade(self) -> Cite {
        match self {
            City::Yangquan => ART18_TITLE,
            City::Loudi => LOUDI_8_1_4_TRADE,
        }
    }

    /// What giving up a chosen home (or not signing in time) costs, and
    /// where it is written: Yangquan's article 14 (2 years after the first
    /// abandonment, 5 after the second); Loudi 八、(一)2 (1 year).
    pub fn abandonment(self) -> Cite {
        match self {
            City::Yangquan => ART14_ABANDONMENT,
            City::Loudi => LOUDI_8_1_2_SIGNING,
        }
    }

    /// [`abandonment`](Self::abandonment) in a sentence for the family,
    /// Chinese and English.
    pub fn abandonment_words(self) -> (&'static str, &'static str) {
        match self {
            City::Yangquan => (
                "弃购（放弃所选房源或逾期未签约）的，首次选房后弃购2年内、二次选房后弃购5年内不予受理保障性住房购房申请",
                "giving up the chosen home (or not signing in time) is an abandonment: no new application is accepted for 2 years after the first, 5 years after the second",
            ),
            City::Loudi => (
                "放弃所选房源或逾期未签约视为自动放弃，1年内不得再次申请",
                "giving up the chosen home or not signing in time counts as giving it up: no new application for 1 year",
            ),
        }
    }

    /// The document every cite of this city must come from.
    pub fn documents(self) -> &'static [&'static str] {
        match self {
            City::Yangquan => &[YANGQUAN, "阳政办发〔2022〕39号"],
            City::Loudi => &[LOUDI],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No city's term cites another city's document.
    #[test]
    fn each_city_cites_its_own_documents() {
        for city in [City::Yangquan, City::Loudi] {
            for cite in [
                city.signing(),
                city.down_payment().0,
                city.acquired_price(),
                city.priority(),
                city.trade(),
                city.abandonment(),
            ] {
                assert!(
                    city.documents().contains(&cite.document),
                    "{city:?} cites {}",
                    cite.short()
                );
            }
        }
    }

    /// The annotation is quoted verbatim inside article 18's quote.
    #[test]
    fn annotation_is_in_article_18() {
        assert!(ART18_TITLE.quote.contains(ART18_ANNOTATION));
    }

    /// Allotment names the documents exactly as the policy files do.
    #[test]
    fn documents_are_titled_as_in_the_policy_files() {
        for (file, document) in [("yangquan-2026.toml", YANGQUAN), ("loudi-2025.toml", LOUDI)] {
            let path = format!("{}/../../policies/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("policy file");
            assert!(
                text.contains(&format!("document = \"{document}\"")),
                "{file} does not title its document {document}"
            );
        }
    }
}
