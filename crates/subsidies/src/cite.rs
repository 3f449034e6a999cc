//! The articles the calculators apply, quoted verbatim from
//! `policy-sources/`. A city's rule cites only that city's document (or a
//! national one it refers to); the programmes' own citations live in their
//! policy files.

use serde::Serialize;

/// 阳泉市促进房地产业良性循环和健康发展实施意见 (000).
pub const YANGQUAN_2022: &str = "阳政办发〔2022〕39号";
/// 阳泉市配售型保障性住房管理办法（试行） (001).
pub const YANGQUAN_2026: &str = "阳政办发〔2026〕2号";
/// 鄂尔多斯市 (002).
pub const ORDOS_2025: &str = "鄂府发〔2025〕34号";
/// 山西省“十四五”城镇住房发展规划 (003).
pub const SHANXI_PLAN: &str = "山西省“十四五”城镇住房发展规划";
/// The Loudi plan (004), titled as `policies/loudi-2025.toml` titles it.
pub const LOUDI: &str = "娄底市收购存量商品房用作保障性住房工作实施方案（试行）（征求意见稿）";
/// A cited article with the words it says.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", schema(as = SubsidyCite))]
pub struct Cite {
    pub document: &'static str,
    pub article: &'static str,
    #[serde(rename = "ref")]
    pub ref_: &'static str,
    pub quote: &'static str,
}

impl Cite {
    /// `阳政办发〔2022〕39号 二（一）`.
    pub fn short(&self) -> String {
        format!("{} {}", self.document, self.article)
    }
}

pub const YQ_DOWN_PAYMENT_FIRST: Cite = Cite {
    document: YANGQUAN_2022,
    article: "二（一）",
    ref_: "2.1",
    quote: "商业银行执行居民家庭购买首套住房最低首付比例 20% 的规定。",
};

pub const YQ_PAID_OFF_COUNTS_AS_FIRST: Cite = Cite {
    document: YANGQUAN_2022,
    article: "二（一）",
    ref_: "2.1",
    quote: "对拥有一套住房并已结清相应购房贷款的家庭，为改善居住条件再次申请贷款购买普通商品住房，银行业金融机构执行首套房贷款政策。",
};

pub const YQ_RENTAL_PROPERTY_TAX: Cite = Cite {
    document: YANGQUAN_2022,
    article: "二（四）",
    ref_: "2.4",
    quote: "对于持有或经营租赁住房500套（间）及以上或建筑面积1.5万平方米及以上的租赁企业，减按4%收取房产税。",
};

pub const YQ_AFFORDABLE_TAXES: Cite = Cite {
    document: YANGQUAN_2026,
    article: "第十七条",
    ref_: "17",
    quote: "配售型保障性住房涉及的相关税费，按照《财政部、税务总局、住房城乡建设部关于保障性住房有关税费政策的公告》（2023年第70号）执行。",
};

pub const YQ_VACATE_90_DAYS: Cite = Cite {
    document: YANGQUAN_2026,
    article: "第十条（二）4",
    ref_: "10.2.4",
    quote: "申请家庭正在享受公有住房、公共租赁住房（含租赁补贴）、人才公寓（含人才租房补贴）等政策的，应在取得配售资格后90日内按规定腾退原政策性住房（停止发放政策性补贴）。",
};

pub const YQ_TALENT_SERVICE: Cite = Cite {
    document: YANGQUAN_2022,
    article: "二（三）",
    ref_: "2.3",
    quote: "全日制博士研究生、硕士研究生和一本院校本科毕业生到我市工作，可申请入住市级人才公寓或享受租房补助……发放期限为5年。",
};

pub const ORDOS_DOWN_PAYMENT: Cite = Cite {
    document: ORDOS_2025,
    article: "三（二）",
    ref_: "3.2",
    quote: "居民家庭购买首套、二套商品住房,商业性个人住房贷款最低首付款比例不低于15%。",
};

pub const ORDOS_COUNT_HOMES_NOT_LOANS: Cite = Cite {
    document: ORDOS_2025,
    article: "三（二）",
    ref_: "3.2",
    quote: "住房公积金贷款实行“认房不认贷”政策,以申请贷款房屋所在旗区范围内实有住房套数为认定标准,不涉及贷款信息。",
};

pub const LOUDI_DOWN_PAYMENT: Cite = Cite {
    document: LOUDI,
    article: "八（一）3",
    ref_: "8.1.3",
    quote: "购买配售型保障性住房的,首付比例最低可降至15%,支持组合贷款(公积金+商业按揭),公积金贷款最高额度按娄底市住房公积金贷款政策上限执行;",
};

pub const LOUDI_DEED_TAX: Cite = Cite {
    document: LOUDI,
    article: "十（一）2",
    ref_: "10.1.2",
    quote: "对保障对象购买保障性住房的,减按1%或1.5%税率缴纳契税(根据面积适用);",
};

pub const SHANXI_TALENT_FULL: Cite = Cite {
    document: SHANXI_PLAN,
    article: "四（四）专栏1",
    ref_: "4.4",
    quote: "完全产权型人才住房……建筑面积根据引进人才需求确定，价格采用成本价加 3% 微利。",
};
