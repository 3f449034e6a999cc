//! The room's XLSX exports: every cell a string, so that codes stay codes.

use crate::market::service::{DestockSeries, ParcelView, ProjectDetail, ProjectView};
use crate::web::error::ApiResult;
use crate::web::sheets::{sheet, SheetStyle};

fn s<T: ToString>(v: T) -> String {
    v.to_string()
}

pub fn destocking(series: &[DestockSeries]) -> ApiResult<Vec<u8>> {
    let mut rows = vec![[
        "县区代码",
        "县区",
        "住房类型",
        "月份",
        "网签面积",
        "月末可售面积",
        "平均月数",
        "窗口内网签面积",
        "去化周期（月）",
        "供地档位",
    ]
    .map(String::from)
    .to_vec()];
    for d in series {
        for p in &d.periods {
            rows.push(vec![
                d.district.clone(),
                d.district_name.clone(),
                d.housing_type.clone(),
                s(p.period.month),
                s(p.sales_area),
                s(p.period.inventory),
                s(d.window),
                p.period.sales_total.map(s).unwrap_or_default(),
                p.period.describe(),
                p.band_label.clone().unwrap_or_default(),
            ]);
        }
    }
    sheet(
        &rows,
        SheetStyle::Header,
        &[(0, 12.0), (3, 10.0), (8, 16.0), (9, 20.0)],
    )
}

pub fn parcels(ps: &[ParcelView]) -> ApiResult<Vec<u8>> {
    let mut rows = vec![[
        "县区代码",
        "地块编号",
        "名称",
        "用途",
        "用地面积",
        "地上建筑面积",
        "出让价款",
        "供地日期",
        "约定动工日期",
        "实际动工日期",
        "闲置认定",
        "土地闲置费",
        "配建面积下限",
        "配建单元下限",
    ]
    .map(String::from)
    .to_vec()];
    for p in ps {
        // A city without a set-aside rule says so in both columns rather
        // than show a zero that reads as "nothing owed under a rule".
        let (sa_area, sa_units) = match &p.set_aside.not_regulated {
            Some(n) => (n.what.clone(), n.what.clone()),
            None => (s(p.set_aside.min_area), s(p.set_aside.min_units)),
        };
        rows.push(vec![
            p.district.clone(),
            p.id.clone(),
            p.name.clone(),
            p.use_code.clone(),
            s(p.land_area),
            s(p.above_ground_area),
            s(p.price),
            p.supply_date.clone(),
            p.contract_start.clone(),
            p.started_on.clone().unwrap_or_default(),
            p.idle.status.label_zh().into(),
            p.idle.fee.map(s).unwrap_or_default(),
            sa_area,
            sa_units,
        ]);
    }
    sheet(&rows, SheetStyle::AllText, &[(2, 20.0), (10, 20.0)])
}

pub fn projects(ps: &[ProjectView]) -> ApiResult<Vec<u8>> {
    let mut rows = vec![[
        "县区代码",
        "项目编号",
        "项目名称",
        "开发企业",
        "统一社会信用代码",
        "信用等级",
        "总投资",
        "包联领导",
        "阶段",
        "施工节点",
        "风险状态",
        "监管额度",
        "已入账",
        "已拨付",
        "保函",
        "现可拨付",
    ]
    .map(String::from)
    .to_vec()];
    for p in ps {
        rows.push(vec![
            p.district.clone(),
            p.id.clone(),
            p.name.clone(),
            p.developer.clone(),
            p.credit_code.clone(),
            p.grade.clone().unwrap_or_default(),
            s(p.investment),
            p.leader.label_zh().into(),
            p.stage.clone(),
            p.allowance.node_label.clone(),
            p.risk.clone(),
            s(p.supervised),
            s(p.deposited),
            s(p.released),
            s(p.guarantee),
            s(p.allowance.releasable),
        ]);
    }
    sheet(
        &rows,
        SheetStyle::AllText,
        &[(2, 20.0), (3, 24.0), (4, 22.0)],
    )
}

pub fn ledger(d: &ProjectDetail) -> ApiResult<Vec<u8>> {
    let mut rows = vec![["序号", "类型", "金额", "施工节点", "备注", "时间", "经办"]
        .map(String::from)
        .to_vec()];
    for e in &d.ledger {
        let kind = match e.kind.as_str() {
            "deposit" => "入账",
            "release" => "拨付",
            "guarantee" => "保函置换",
            "refused" => "申请不予拨付",
            other => other,
        };
        rows.push(vec![
            s(e.seq),
            kind.into(),
            s(e.amount),
            e.node.clone(),
            e.note.clone(),
            e.at.clone(),
            e.by.clone(),
        ]);
    }
    sheet(&rows, SheetStyle::AllText, &[(4, 24.0), (5, 26.0)])
}
