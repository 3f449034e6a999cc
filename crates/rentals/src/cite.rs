//! The Loudi plan's articles on renting, quoted. Only Loudi's document is
//! cited here: Yangquan's 阳政办发〔2026〕2号 is about allotment for sale
//! and has no rental rules, so a Yangquan deployment has none.

pub use anju_allotment::cite::{Cite, LOUDI};

pub const LOUDI_4_WHO: Cite = Cite {
    document: LOUDI,
    article: "四、(一)",
    ref_: "4.1",
    quote: "保障性住房保障对象不受户籍限制,具体包括:1.工薪收入群体……2.基层一线从业人员……3.其他住房困难群体",
};

pub const LOUDI_5_3_2_PRICE: Cite = Cite {
    document: LOUDI,
    article: "五、3(2)",
    ref_: "5.3.2",
    quote: "配租型保障性住房收购价格不高于同地段、同品质普通商品住房市场评估价",
};

pub const LOUDI_7_1_3_RENT: Cite = Cite {
    document: LOUDI,
    article: "七、(一)3",
    ref_: "7.1.3",
    quote: "配租价格:参照同地段、同品质普通商品住房市场租金水平的80%确定。",
};

pub const LOUDI_8_1_1_PRIORITY: Cite = Cite {
    document: LOUDI,
    article: "八、(一)1",
    ref_: "8.1.1",
    quote: "根据轮候库排序结果,按“公开、公平、公正”原则组织配售,对困难退役军人、残疾人家庭、基层一线紧缺从业人员等群体给予优先选房权;",
};

pub const LOUDI_8_2_1_LEASE: Cite = Cite {
    document: LOUDI,
    article: "八、(二)1",
    ref_: "8.2.1",
    quote:
        "保障对象与实施主体签订《保障性住房租赁合同》,租赁期限一般为3年,期满后符合条件的可继续承租;",
};

pub const LOUDI_8_2_2_PAY: Cite = Cite {
    document: LOUDI,
    article: "八、(二)2",
    ref_: "8.2.2",
    quote: "租金按月或按季度支付;",
};

pub const LOUDI_8_2_3_EXIT: Cite = Cite {
    document: LOUDI,
    article: "八、(二)3",
    ref_: "8.2.3",
    quote: "承租人不再符合保障条件、租赁期满未续租或违规使用房源的,应在30日内办理退出手续;逾期未退出的,按市场租金标准收取费用,情节严重的纳入失信名单,3年内不得申请保障性住房。",
};

pub const LOUDI_8_3_3_REVIEW: Cite = Cite {
    document: LOUDI,
    article: "八、(三)3",
    ref_: "8.3.3",
    quote:
        "实施主体每年度对保障性住房使用情况进行核查,建立保障对象动态档案,对不再符合条件的及时清退;",
};
