//! What each audit action code means, in words: the audit log is read by
//! auditors, not programmers, so the page says 街道初审通过 where the log
//! stores `application.street_pass`. The codes themselves stay in the log
//! (they are hashed into the chain and never change).

use crate::application::ActionKind;

/// Every action code anju writes outside the application lifecycle, with
/// its Chinese and English words. Application actions are
/// `application.<ActionKind::code>` and take [`ActionKind`]'s labels.
const OTHER_ACTIONS: &[(&str, &str, &str)] = &[
    ("user.create", "创建账号", "account created"),
    ("user.reset_password", "重置密码", "password reset"),
    ("personal_data.read", "查看个人信息", "personal data viewed"),
    (
        "material.upload",
        "上传申请材料",
        "application material uploaded",
    ),
    (
        "material.download",
        "下载申请材料",
        "application material downloaded",
    ),
    (
        "material.delete",
        "删除申请材料",
        "application material deleted",
    ),
    (
        "personal_data.export",
        "导出个人信息",
        "personal data exported",
    ),
    (
        "verification.import",
        "导入部门核验结果",
        "department results imported",
    ),
    (
        "allotment.project_create",
        "创建配售项目",
        "project created",
    ),
    ("allotment.homes_import", "导入房源", "homes imported"),
    (
        "allotment.plan_save",
        "保存配售方案",
        "allotment plan saved",
    ),
    (
        "allotment.plan_submit",
        "报审配售方案",
        "allotment plan submitted",
    ),
    (
        "allotment.plan_return",
        "退回配售方案",
        "allotment plan returned",
    ),
    (
        "allotment.plan_approve",
        "批准配售方案",
        "allotment plan approved",
    ),
    (
        "allotment.plan_publish",
        "公布配售方案",
        "allotment plan published",
    ),
    ("allotment.round_open", "开启配售轮次", "round opened"),
    ("allotment.round_close", "结束配售轮次", "round closed"),
    ("allotment.draw", "公开摇号", "lottery drawn"),
    (
        "allotment.redraw_request",
        "申请重新摇号",
        "redraw requested",
    ),
    (
        "allotment.redraw_approve",
        "批准重新摇号",
        "redraw approved",
    ),
    (
        "allotment.selection_start",
        "开始选房",
        "home selection started",
    ),
    ("allotment.call", "叫号选房", "family called to choose"),
    ("allotment.absent", "登记未到场", "absence recorded"),
    ("allotment.choose", "选定房源", "home chosen"),
    ("allotment.decline", "放弃本轮选房", "round passed"),
    ("allotment.abandon", "弃购", "purchase abandoned"),
    ("allotment.sign", "签订购房合同", "contract signed"),
    ("allotment.title", "办理不动产登记", "title registered"),
    (
        "allotment.dealing_recorded",
        "登记房屋处分",
        "dealing recorded",
    ),
    (
        "allotment.dealing_refused",
        "拒绝房屋处分",
        "dealing refused",
    ),
    (
        "market.monthly_import",
        "导入商品住房月度销售与库存",
        "monthly market figures imported",
    ),
    (
        "market.land_year",
        "录入年度土地盘活与供应数据",
        "yearly land figures recorded",
    ),
    ("market.parcel_create", "登记地块", "land parcel registered"),
    (
        "market.parcel_started",
        "登记地块动工",
        "parcel construction start recorded",
    ),
    (
        "market.project_create",
        "登记房地产开发项目",
        "development project registered",
    ),
    (
        "market.project_update",
        "更新开发项目状态",
        "development project updated",
    ),
    (
        "market.fund_deposit",
        "预售资金入账",
        "pre-sale funds deposited",
    ),
    (
        "market.fund_guarantee",
        "银行保函置换",
        "bank guarantee recorded",
    ),
    (
        "market.fund_release",
        "预售资金拨付",
        "pre-sale funds released",
    ),
    (
        "market.fund_refused",
        "预售资金拨付申请不予拨付",
        "pre-sale release refused",
    ),
    (
        "holdings.campaign_open",
        "开启年度核查",
        "yearly campaign opened",
    ),
    (
        "holdings.campaign_answers",
        "导入部门核查结果",
        "department answers imported",
    ),
    ("holdings.report", "登记违规使用线索", "misuse reported"),
    (
        "holdings.tip_receive",
        "收到群众举报",
        "public tip received",
    ),
    (
        "holdings.tip_attach",
        "举报并入年度核查",
        "public tip attached to the campaign",
    ),
    (
        "holdings.tip_dismiss",
        "举报不予采纳",
        "public tip dismissed",
    ),
    ("holdings.buyback_apply", "申请回购", "buyback applied for"),
    (
        "holdings.buyback_city_accept",
        "市住建部门认定回购情形",
        "buyback case accepted by the city bureau",
    ),
    (
        "holdings.buyback_city_refuse",
        "市住建部门不予认定回购情形",
        "buyback case refused by the city bureau",
    ),
    (
        "holdings.buyback_appraise",
        "录入回购评估报告",
        "buyback appraisal recorded",
    ),
    (
        "holdings.buyback_vacated",
        "家庭腾退住房",
        "family left the home",
    ),
    ("holdings.buyback_pay", "支付回购款", "buyback paid"),
    (
        "holdings.buyback_return_title",
        "产权转回实施主体",
        "title returned to the company",
    ),
    ("holdings.buyback_stop", "停止回购", "buyback stopped"),
    (
        "holdings.buyback_withdraw",
        "撤回回购申请",
        "buyback withdrawn",
    ),
    (
        "holdings.case_notice",
        "责令限期整改",
        "notice to correct served",
    ),
    ("holdings.case_corrected", "确认已整改", "case corrected"),
    (
        "holdings.case_recover",
        "启动回购收回",
        "recovery by buyback started",
    ),
    (
        "holdings.case_dismiss",
        "案件经核查不成立",
        "case found unfounded",
    ),
    ("subsidy.submit", "提交补贴申请", "subsidy applied for"),
    (
        "subsidy.verify",
        "核验补贴申请",
        "subsidy application verified",
    ),
    ("subsidy.refuse", "不予发放补贴", "subsidy refused"),
    ("subsidy.approve", "批准补贴", "subsidy approved"),
    ("subsidy.pay", "发放补贴", "subsidy paid"),
    ("subsidy.stop", "停止发放补贴", "subsidy stopped"),
    (
        "subsidy.property_request",
        "请求首套房不动产登记核查",
        "property records asked for a first-home check",
    ),
    (
        "subsidy.property_answer",
        "答复首套房不动产登记核查",
        "property records answered for a first-home check",
    ),
    (
        "benefit.talent_apartment",
        "登记人才公寓",
        "talent apartment recorded",
    ),
    (
        "benefit.talent_apartment_end",
        "人才公寓提前退出",
        "talent apartment ended early",
    ),
    (
        "indicators.import",
        "导入省级指标完成值",
        "indicator actuals imported",
    ),
    // Rentals (Loudi 八、(二)).
    ("rentals.home_add", "登记配租房源", "rental home registered"),
    (
        "rentals.survey_add",
        "登记市场租金评估",
        "market-rent survey recorded",
    ),
    (
        "rentals.offer",
        "向轮候家庭发出配租通知",
        "rental home offered",
    ),
    (
        "rentals.offer_accept",
        "家庭接受配租",
        "rental offer accepted",
    ),
    (
        "rentals.offer_refuse",
        "家庭放弃配租",
        "rental offer refused",
    ),
    ("rentals.renew", "续签租赁合同", "lease renewed"),
    ("rentals.exit_notice", "发出腾退通知", "exit notice given"),
    ("rentals.close", "租赁结束", "lease closed"),
    (
        "rentals.charge_month",
        "生成当月租金",
        "month's rent charged",
    ),
    ("rentals.charge", "记收租金", "rent charged"),
    ("rentals.payment", "登记租金缴纳", "rent payment recorded"),
    ("rentals.adjustment", "调整租金账目", "rent ledger adjusted"),
    ("rentals.overstay", "记收逾期占用费", "overstay charged"),
    // Acquisition of existing homes.
    (
        "acquisition.company_add",
        "登记收购主体",
        "implementing company registered",
    ),
    (
        "acquisition.survey_freeze",
        "冻结需求摸排",
        "demand survey frozen",
    ),
    (
        "acquisition.offers_import",
        "导入房源报价",
        "developers' offers imported",
    ),
    ("acquisition.cap", "登记限价依据", "price cap recorded"),
    (
        "acquisition.plan_propose",
        "拟定收购计划",
        "purchase plan proposed",
    ),
    (
        "acquisition.plan_edit",
        "调整收购计划",
        "purchase plan edited",
    ),
    (
        "acquisition.plan_approve",
        "批准收购计划",
        "purchase plan approved",
    ),
    (
        "acquisition.purchase_negotiate",
        "记录议价",
        "negotiation recorded",
    ),
    (
        "acquisition.purchase_appraise",
        "记录评估",
        "appraisal recorded",
    ),
    ("acquisition.purchase_file", "收购备案", "purchase filed"),
    (
        "acquisition.purchase_notice",
        "收购公示",
        "purchase notice started",
    ),
    (
        "acquisition.purchase_object",
        "登记公示异议",
        "objection to a purchase recorded",
    ),
    (
        "acquisition.purchase_answer",
        "答复公示异议",
        "objection answered",
    ),
    (
        "acquisition.purchase_sign",
        "签订收购合同",
        "purchase contract signed",
    ),
    (
        "acquisition.purchase_hand_over",
        "交付验收",
        "homes handed over",
    ),
    (
        "acquisition.purchase_register",
        "办理产权登记",
        "title registered",
    ),
    (
        "acquisition.preference_record",
        "登记家庭住房需求偏好",
        "a family's housing preference recorded",
    ),
    (
        "acquisition.home_allot",
        "收购房源转入配售项目",
        "acquired home added to an allotment project",
    ),
    (
        "acquisition.ledger_entry",
        "登记资金台账",
        "ledger entry recorded",
    ),
];

/// The words for an audit action code, Chinese and English; `None` for a
/// code this version does not know (the page then shows the code).
pub fn action_words(code: &str) -> Option<(&'static str, &'static str)> {
    if let Some(kind) = code.strip_prefix("application.") {
        return ActionKind::ALL
            .iter()
            .find(|k| k.code() == kind)
            .map(|k| (k.label_zh(), k.label_en()));
    }
    OTHER_ACTIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| (*zh, *en))
}

/// Every known action code with its words, application actions first: the
/// choices of the audit page's filter.
pub fn known_actions() -> Vec<(String, &'static str, &'static str)> {
    ActionKind::ALL
        .iter()
        .map(|k| {
            (
                format!("application.{}", k.code()),
                k.label_zh(),
                k.label_en(),
            )
        })
        .chain(
            OTHER_ACTIONS
                .iter()
                .map(|(c, zh, en)| ((*c).to_owned(), *zh, *en)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_application_action_has_words() {
        for k in ActionKind::ALL {
            let code = format!("application.{}", k.code());
            assert_eq!(action_words(&code), Some((k.label_zh(), k.label_en())));
        }
        assert_eq!(
            action_words("user.create"),
            Some(("创建账号", "account created"))
        );
        assert_eq!(action_words("application.nonsense"), None);
        assert_eq!(action_words("nonsense"), None);
    }

    #[test]
    fn codes_are_unique() {
        let all = known_actions();
        let mut codes: Vec<&str> = all.iter().map(|(c, _, _)| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
