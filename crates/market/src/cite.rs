//! Citations. The market rules file carries every article it applies (with
//! the words quoted); this module holds the shape and the documents' names
//! so that code and files spell them alike.

use std::fmt;

use serde::{Deserialize, Serialize};

/// 鄂尔多斯市人民政府关于促进房地产市场平稳健康发展的若干措施.
pub const ORDOS: &str = "鄂府发〔2025〕34号";
/// 山西省“十四五”城镇住房发展规划.
pub const SHANXI: &str = "山西省“十四五”城镇住房发展规划";
/// 阳泉市促进房地产业良性循环和健康发展的若干措施.
pub const YANGQUAN_2022: &str = "阳政办发〔2022〕39号";
/// Yangquan's allocation-for-sale affordable housing measures (001).
pub const YANGQUAN_2026: &str = "阳政办发〔2026〕2号";

/// Where a figure or a rule comes from: the document, the article as
/// written, and the article's words. A value the documents do not fix (a
/// city's own figure) says so in `note`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub document: String,
    pub article: String,
    #[serde(default)]
    pub quote: String,
    /// How anju reads the article where it leaves room, or where a value
    /// comes from when the documents give none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.document, self.article)
    }
}

/// The plot-ratio items whose rule has no figure: the article and its words
/// (quoted from 002 二（二）1). Items with figures take their citation from
/// the rules file's parameters.
pub fn plot_item(n: u8) -> Citation {
    let (article, quote) = match n {
        1 => ("二（二）1（1）", "项目用地范围内按要求配建的公共服务配套设施(包含社区服务用房、养老服务用房、托育助残用房、医疗卫生用房、公共卫生间、文体用房等)建成并完成竣工验收备案后无偿移交且产权登记给各相关部门,建筑面积不计入容积率。"),
        2 => ("二（二）1（2）", "鼓励房地产企业利用地下空间增设社区食堂、图书室、游泳馆、洗车房、健身房等配套设施,建筑面积不计入容积率。建成后由开发建设企业自持,面向全体居民运营,不得分割登记,不得转让、抵押。"),
        4 => ("二（二）1（4）", "建筑外墙保温不计入地块容积率计算。"),
        5 => ("二（二）1（5）", "鼓励房地产企业采用石材、陶板、金属板等富有质感的高品质建筑立面装饰做法,其饰面层建筑面积不计入容积率。"),
        6 => ("二（二）1（6）", "鼓励提升住宅半开敞空间,可设置外挑层高不小于两个自然层高的户属空中花园,户属空中花园不计入容积率,不计入地块建筑面积。"),
        _ => ("二（二）1（8）", "无围护结构风雨连廊,其建筑面积不计入容积率、不计入建筑密度。"),
    };
    Citation {
        document: ORDOS.into(),
        article: article.into(),
        quote: quote.into(),
        note: None,
    }
}
