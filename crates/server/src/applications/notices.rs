//! The public notice as a spreadsheet fit to issue (公示名单): a named sheet,
//! the title, issuing office, period and date, categories in words, rounds
//! as numbers, how to object, and a seal area.

use anju_store::{ApplicationSummary, ListCursor};
use axum::response::Response;

use super::service;
use crate::web::error::ApiResult;
use crate::web::sheets::Cell;
use crate::web::stream::{OfficialHead, SheetWriter, PAGE_ROWS};
use crate::web::AppState;

/// How to object, as article 14 says and the notice page shows.
pub const HOW_TO_OBJECT: &str = "对公示对象有异议的，请在公示期内向所在县（区）住建部门实名反映，写明异议事实（阳政办发〔2026〕2号 第十四条）。";

/// The notice as a streamed download: the period read first (it stands
/// above the table), then every family under notice a keyset page at a
/// time — the export never drops a row and never holds the list.
pub async fn workbook_response(st: &AppState) -> ApiResult<Response> {
    let period = service::notices_span(st)
        .await?
        .map(|(s, e)| format!("公示期：{s} 至 {e}"));
    let office = issuing_office(st);
    let mut w = SheetWriter::official(&OfficialHead {
        sheet_name: "公示名单",
        title: "配售型保障性住房配售资格公示名单",
        office: &office,
        period,
        issued_on: st.clock.today(),
        header: &[
            "序号",
            "申请编号",
            "县（区）",
            "姓名",
            "身份证号",
            "类别",
            "轮次",
            "公示开始",
            "公示结束",
        ],
        note: Some(HOW_TO_OBJECT),
        widths: &[
            (1, 26.0),
            (2, 12.0),
            (4, 22.0),
            (5, 30.0),
            (7, 12.0),
            (8, 12.0),
        ],
    })?;
    let mut after = None;
    let mut seq = 0u64;
    loop {
        let page = service::notices_after(st, after, PAGE_ROWS).await?;
        after = page.last().map(ListCursor::of);
        let full = page.len() == PAGE_ROWS as usize;
        let rows = page
            .iter()
            .map(|n| {
                seq += 1;
                vec![
                    Cell::Number(seq as f64),
                    Cell::Text(n.id.as_str().to_string()),
                    Cell::Text(n.district.describe_zh().to_string()),
                    Cell::Text(n.masked_name.clone()),
                    Cell::Text(n.masked_id.clone()),
                    Cell::Text(categories_zh(&st.policy, &n.categories)),
                    n.tier
                        .map_or(Cell::Text(String::new()), |t| Cell::Number(f64::from(t))),
                    Cell::Text(n.notice_start.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::Text(n.notice_end.map(|d| d.to_string()).unwrap_or_default()),
                ]
            })
            .collect();
        w = w.write_page(rows).await?;
        if !full {
            break;
        }
    }
    w.into_response("notices.xlsx").await
}

/// A family's categories in the policy's words, joined as a list is
/// written in Chinese (整个工薪收入群体、…); an unknown code is shown as it is.
pub fn categories_zh(policy: &anju_policy::Policy, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            policy
                .categories
                .iter()
                .find(|c| &c.id == id)
                .map_or(id.as_str(), |c| c.label.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The span of the notice periods of these families: from the earliest
/// start to the latest end (the export's and the printable notice's period).
pub fn period(rows: &[ApplicationSummary]) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let start = rows.iter().filter_map(|n| n.notice_start).min()?;
    let end = rows.iter().filter_map(|n| n.notice_end).max()?;
    Some((start, end))
}

/// Who issues a city-wide notice: the city's housing bureau (article 14 has
/// each district's bureau publish its own families; the city-wide file
/// gathers them). The city is read from the policy's issuer
/// (阳泉市人民政府办公室 → 阳泉市).
pub fn issuing_office(st: &AppState) -> String {
    let issuer = st.policy.issued_by.as_deref().unwrap_or(&st.policy.title);
    match issuer.find('市') {
        Some(i) => format!("{}住房和城乡建设局", &issuer[..i + '市'.len_utf8()]),
        None => "住房和城乡建设局".to_string(),
    }
}
