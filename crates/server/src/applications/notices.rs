//! The public notice as a spreadsheet (公示名单), for the API and the page.

use anju_store::ApplicationSummary;

use crate::web::error::ApiResult;
use crate::web::sheets::{sheet, SheetStyle};

pub fn workbook(rows: &[ApplicationSummary]) -> ApiResult<Vec<u8>> {
    let mut table = vec![[
        "申请编号",
        "县（区）",
        "姓名",
        "身份证号",
        "类别",
        "轮次",
        "公示开始",
        "公示结束",
    ]
    .map(String::from)
    .to_vec()];
    for n in rows {
        table.push(vec![
            n.id.as_str().to_string(),
            n.district.describe_zh().to_string(),
            n.masked_name.clone(),
            n.masked_id.clone(),
            n.categories.join("、"),
            n.tier.map(|t| t.to_string()).unwrap_or_default(),
            n.notice_start.map(|d| d.to_string()).unwrap_or_default(),
            n.notice_end.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    sheet(&table, SheetStyle::Header, &[(0, 28.0), (3, 22.0)])
}
