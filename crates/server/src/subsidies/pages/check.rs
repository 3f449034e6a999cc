//! A programme's self-check: the form, then the award and every reason
//! (the engine's decision) above the same form, filled in.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde_json::Value;

use anju_subsidies::programme::{Award, Payment, ProgrammeId};

use super::form::{check_facts, Input};
use crate::subsidies::service;
use crate::web::error::ApiError;
use crate::web::extract::Path;
use crate::web::forms::{ctx, Ctx, Fields, PageQuery};
use crate::web::AppState;

pub(crate) struct ReasonRow {
    pub group: String,
    pub passed: bool,
    pub message: String,
    pub cite: String,
}

pub(crate) struct AwardView {
    pub label: String,
    pub amount: String,
    pub payment: String,
    pub total: String,
    pub cite: String,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/check.html")]
struct CheckPage<'a> {
    c: &'a Ctx,
    slug: &'static str,
    title: &'static str,
    document: String,
    checked: bool,
    award: Option<AwardView>,
    reasons: Vec<ReasonRow>,
    error: Option<String>,
    inputs: Vec<Input>,
    /// Signed in as someone who may apply (an applicant or the talent office).
    may_apply: bool,
    /// The application just submitted (`submitted:<id>`).
    submitted: Option<String>,
}

fn inputs(c: &Ctx, id: ProgrammeId, f: &Fields) -> Vec<Input> {
    let degree = Input::select(
        c,
        f,
        "degree",
        "最高全日制学历",
        "Highest full-time degree",
        &[
            ("", "（无）", "(none)"),
            ("phd", "博士研究生", "PhD"),
            ("master", "硕士研究生", "Master"),
            ("bachelor", "本科", "Bachelor"),
        ],
    );
    let university = Input::select(
        c,
        f,
        "university",
        "毕业院校",
        "University",
        &[
            ("", "（无）", "(none)"),
            (
                "top",
                "世界前200名（不含境内）或“双一流”高校（学科）",
                "World top 200 (outside China) or Double First-Class",
            ),
            (
                "first_tier",
                "其他一本院校",
                "Another first-tier university",
            ),
            ("other", "其他普通高校", "Another regular university"),
        ],
    );
    // Verification looks a top claim up in the dated lists by this name.
    let university_name = || {
        Input::text(
            c,
            f,
            "university_name",
            "毕业院校名称（按毕业证书填写）",
            "University name (as on the diploma)",
        )
    };
    let employed = Input::checkbox(
        c,
        f,
        "employed_in_city",
        "与本市用人单位签订劳动合同、全职工作",
        "Employed full time in the city with a labour contract",
    );
    match id {
        ProgrammeId::TalentPurchase => vec![
            degree,
            university,
            university_name(),
            employed,
            Input::number(
                c,
                f,
                "service_pledge_years",
                "承诺服务年限（年）",
                "Years of service pledged",
                "5",
            ),
            Input::number(
                c,
                f,
                "homes_owned",
                "家庭在本市已有住房（套）",
                "Homes the family owns in the city",
                "0",
            ),
        ],
        ProgrammeId::TalentRent => vec![
            degree,
            university,
            university_name(),
            employed,
            Input::checkbox(
                c,
                f,
                "in_talent_apartment",
                "已入住市级人才公寓",
                "Lives in a city talent apartment",
            ),
        ],
        ProgrammeId::ProvidentRent => vec![
            Input::checkbox(
                c,
                f,
                "provident_fund",
                "本人缴存住房公积金",
                "I pay into the housing provident fund",
            ),
            Input::checkbox(c, f, "married", "已婚", "Married"),
            Input::checkbox(
                c,
                f,
                "spouse_provident_fund",
                "配偶也缴存住房公积金",
                "My spouse pays into it too",
            ),
        ],
    }
}

fn award_view(c: &Ctx, a: &Award) -> AwardView {
    let (payment, total) = match a.payment {
        Payment::OneOff => (
            c.t("一次性发放", "paid once").to_owned(),
            format!("{} 元", a.total),
        ),
        Payment::Monthly { months } => (
            if c.is_en() {
                format!("monthly for {months} months")
            } else {
                format!("按月发放 {months} 个月")
            },
            format!("{} 元", a.total),
        ),
        Payment::Yearly { times } => (
            if c.is_en() {
                format!("up to {times} withdrawal(s) a calendar year")
            } else {
                format!("每年可提取 {times} 次")
            },
            format!("{} 元", a.total),
        ),
    };
    AwardView {
        label: if c.is_en() {
            a.label_en.clone().unwrap_or_else(|| a.label.clone())
        } else {
            a.label.clone()
        },
        amount: format!("{} 元", a.amount),
        payment,
        total,
        cite: format!("{} {}", a.document, a.article),
    }
}

fn reasons(decision: &Value, labels: &[(String, String)]) -> Vec<ReasonRow> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    decision["reasons"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| ReasonRow {
                    group: r["category"]
                        .as_str()
                        .and_then(|id| labels.iter().find(|(i, _)| i == id))
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default(),
                    passed: r["passed"].as_bool().unwrap_or(false),
                    message: s(&r["message"]),
                    cite: format!(
                        "{} {}",
                        s(&r["citation"]["document"]),
                        s(&r["citation"]["article"])
                    ),
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn show(
    st: AppState,
    headers: HeaderMap,
    q: PageQuery,
    slug: String,
    f: Option<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let Some(id) = ProgrammeId::from_slug(&slug) else {
        return c.error(ApiError::not_found(&format!("补贴项目 {slug}")));
    };
    let prog = match service::programme(id) {
        Ok(p) => p,
        Err(e) => return c.error(e),
    };
    let labels: Vec<(String, String)> = prog
        .policy
        .categories
        .iter()
        .map(|k| {
            let l = if c.is_en() {
                k.label_en.clone().unwrap_or_else(|| k.label.clone())
            } else {
                k.label.clone()
            };
            (k.id.clone(), l)
        })
        .collect();
    let empty = Fields::new();
    let fields = f.as_ref().unwrap_or(&empty);
    let mut page = CheckPage {
        c: &c,
        slug: id.slug(),
        title: c.t(id.label_zh(), id.label_en()),
        document: prog.policy.document.clone(),
        checked: false,
        award: None,
        reasons: vec![],
        error: None,
        inputs: inputs(&c, id, fields),
        may_apply: c
            .user
            .as_ref()
            .is_some_and(|u| crate::subsidies::cases::may_submit(u).is_ok()),
        submitted: c
            .done()
            .and_then(|d| d.strip_prefix("submitted:"))
            .map(str::to_owned),
    };
    if f.is_some() {
        match check_facts(fields).and_then(|x| service::check(id, &x, st.clock.today())) {
            Ok(r) => {
                page.checked = true;
                page.award = r.award.as_ref().map(|a| award_view(&c, a));
                page.reasons = reasons(&r.decision, &labels);
            }
            Err(e) => page.error = Some(c.say(&e.message)),
        }
    }
    c.page(&page)
}

pub(super) async fn form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(slug): Path<String>,
) -> Response {
    show(st, headers, q, slug, None).await
}

pub(super) async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(slug): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    show(st, headers, q, slug, Some(f)).await
}
