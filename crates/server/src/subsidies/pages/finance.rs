//! The calculators: one page each, the same shape (form, figures, the steps
//! with their articles).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use anju_subsidies::finance::{City, HomeType, LoanKind, TalentHomeKind};
use anju_subsidies::{Fen, Rate, Step};

use super::form::{step_rows, Input, StepRow};
use crate::subsidies::service::{self, *};
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::Path;
use crate::web::forms::{checked, ctx, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Calc {
    DownPayment,
    LoanSplit,
    DeedTax,
    RentalTax,
    TalentPrice,
}

impl Calc {
    pub const ALL: [Calc; 5] = [
        Calc::DownPayment,
        Calc::LoanSplit,
        Calc::DeedTax,
        Calc::RentalTax,
        Calc::TalentPrice,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Calc::DownPayment => "down-payment",
            Calc::LoanSplit => "loan-split",
            Calc::DeedTax => "deed-tax",
            Calc::RentalTax => "rental-tax",
            Calc::TalentPrice => "talent-price",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Calc::DownPayment => "最低首付款",
            Calc::LoanSplit => "组合贷款（公积金 + 商业贷款）",
            Calc::DeedTax => "保障性住房契税",
            Calc::RentalTax => "住房租赁企业房产税",
            Calc::TalentPrice => "人才住房价格",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Calc::DownPayment => "Minimum down payment",
            Calc::LoanSplit => "Combined loan (provident fund + commercial)",
            Calc::DeedTax => "Deed tax on an affordable home",
            Calc::RentalTax => "Rental company property tax",
            Calc::TalentPrice => "Talent-home price",
        }
    }
}

pub(crate) struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/calc.html")]
struct CalcPage<'a> {
    c: &'a Ctx,
    slug: &'static str,
    title: &'static str,
    inputs: Vec<Input>,
    figures: Vec<Figure>,
    steps: Vec<StepRow>,
    error: Option<String>,
    error_field: Option<String>,
}

const CITIES: [(&str, &str, &str); 3] = [
    ("yangquan", "阳泉市", "Yangquan"),
    ("ordos", "鄂尔多斯市", "Ordos"),
    ("loudi", "娄底市", "Loudi"),
];
const HOME_TYPES: [(&str, &str, &str); 2] = [
    ("commercial", "商品住房", "Commercial home"),
    ("affordable", "配售型保障性住房", "Affordable home"),
];
const LOANS: [(&str, &str, &str); 2] = [
    ("commercial", "商业性个人住房贷款", "Commercial loan"),
    ("provident_fund", "住房公积金贷款", "Provident-fund loan"),
];
const TALENT_KINDS: [(&str, &str, &str); 3] = [
    ("full_ownership", "完全产权型", "Full ownership"),
    ("shared_ownership", "共有产权型", "Shared ownership"),
    ("rental", "租赁型", "Rental"),
];

fn inputs(c: &Ctx, calc: Calc, f: &Fields) -> Vec<Input> {
    let city = || Input::select(c, f, "city", "城市", "City", &CITIES);
    let home_type = || Input::select(c, f, "home_type", "住房类型", "Home type", &HOME_TYPES);
    let homes = || {
        Input::number(
            c,
            f,
            "homes_owned",
            "家庭已有住房（套）",
            "Homes the family owns",
            "0",
        )
    };
    let paid = || {
        Input::checkbox(
            c,
            f,
            "loans_paid_off",
            "已有住房的购房贷款已结清",
            "Loans on the homes owned are paid off",
        )
    };
    let price = || Input::decimal(c, f, "price_yuan", "房价（元）", "Price (yuan)", "800000");
    match calc {
        Calc::DownPayment => vec![
            city(),
            home_type(),
            Input::select(c, f, "loan", "贷款类型", "Loan", &LOANS),
            price(),
            homes(),
            paid(),
        ],
        Calc::LoanSplit => vec![
            city(),
            home_type(),
            price(),
            Input::decimal(
                c,
                f,
                "down_payment_yuan",
                "首付款（元）",
                "Down payment (yuan)",
                "160000",
            ),
            Input::decimal(
                c,
                f,
                "provident_fund_cap_yuan",
                "公积金贷款额度上限（元）",
                "Provident-fund loan ceiling (yuan)",
                "400000",
            ),
            homes(),
            paid(),
        ],
        Calc::DeedTax => vec![
            city(),
            price(),
            Input::decimal(
                c,
                f,
                "area_m2",
                "建筑面积（平方米）",
                "Floor area (m²)",
                "89",
            ),
        ],
        Calc::RentalTax => vec![
            Input::number(
                c,
                f,
                "homes",
                "持有或经营租赁住房（套/间）",
                "Rental homes held or run",
                "500",
            ),
            Input::decimal(
                c,
                f,
                "area_m2",
                "建筑面积（平方米）",
                "Floor area (m²)",
                "0",
            ),
        ],
        Calc::TalentPrice => vec![
            Input::select(
                c,
                f,
                "kind",
                "人才住房类型",
                "Talent-home kind",
                &TALENT_KINDS,
            ),
            Input::decimal(
                c,
                f,
                "cost_yuan",
                "成本价（元）",
                "Cost price (yuan)",
                "600000",
            ),
            Input::decimal(
                c,
                f,
                "area_m2",
                "建筑面积（平方米）",
                "Floor area (m²)",
                "100",
            ),
        ],
    }
}

fn pick<T: Copy>(f: &Fields, name: &str, options: &[(&str, T)]) -> ApiResult<T> {
    let v = field(f, name).unwrap_or("");
    options
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_field",
                format!("{name}：“{v}”不是可选的值 (not one of the choices)"),
            )
            .field(name)
        })
}

fn text(f: &Fields, name: &str) -> String {
    field(f, name).unwrap_or("").to_owned()
}

fn money(c: &Ctx, v: Option<Fen>) -> String {
    v.map_or_else(
        || c.t("文件未规定", "not set by the document").to_owned(),
        |f| format!("{f} 元"),
    )
}

fn rate(c: &Ctx, v: Option<Rate>) -> String {
    v.map_or_else(
        || c.t("文件未规定", "not set by the document").to_owned(),
        |r| r.to_string(),
    )
}

fn fig(c: &Ctx, zh: &str, en: &str, value: String) -> Figure {
    Figure {
        label: c.t(zh, en).to_owned(),
        value,
    }
}

fn compute(
    c: &Ctx,
    calc: Calc,
    f: &Fields,
    today: chrono::NaiveDate,
) -> ApiResult<(Vec<Figure>, Vec<Step>)> {
    let city = || {
        pick(
            f,
            "city",
            &[
                ("yangquan", City::Yangquan),
                ("ordos", City::Ordos),
                ("loudi", City::Loudi),
            ],
        )
    };
    let home_type = || {
        pick(
            f,
            "home_type",
            &[
                ("commercial", HomeType::Commercial),
                ("affordable", HomeType::Affordable),
            ],
        )
    };
    let homes = || service::form_whole(field(f, "homes_owned"), "homes_owned", "已有住房套数");
    Ok(match calc {
        Calc::DownPayment => {
            let r = service::down_payment(
                &DownPaymentRequest {
                    city: city()?,
                    home_type: home_type()?,
                    loan: pick(
                        f,
                        "loan",
                        &[
                            ("commercial", LoanKind::Commercial),
                            ("provident_fund", LoanKind::ProvidentFund),
                        ],
                    )?,
                    price_yuan: text(f, "price_yuan"),
                    homes_owned: homes()?,
                    loans_paid_off: checked(f, "loans_paid_off"),
                },
                today,
            )?;
            (
                vec![
                    fig(
                        c,
                        "认定",
                        "Counted as",
                        c.t(r.order.label_zh(), r.order.label_en()).to_owned(),
                    ),
                    fig(c, "最低首付比例", "Minimum rate", rate(c, r.min_rate)),
                    fig(
                        c,
                        "最低首付款",
                        "Minimum down payment",
                        money(c, r.min_amount),
                    ),
                ],
                r.steps,
            )
        }
        Calc::LoanSplit => {
            let r = service::loan_split(
                &LoanSplitRequest {
                    city: city()?,
                    home_type: home_type()?,
                    price_yuan: text(f, "price_yuan"),
                    down_payment_yuan: text(f, "down_payment_yuan"),
                    provident_fund_cap_yuan: text(f, "provident_fund_cap_yuan"),
                    homes_owned: homes()?,
                    loans_paid_off: checked(f, "loans_paid_off"),
                },
                today,
            )?;
            (
                vec![
                    fig(c, "首付款", "Down payment", money(c, Some(r.down_payment))),
                    fig(
                        c,
                        "公积金贷款",
                        "Provident-fund loan",
                        money(c, Some(r.provident_fund_loan)),
                    ),
                    fig(
                        c,
                        "商业贷款",
                        "Commercial loan",
                        money(c, Some(r.commercial_loan)),
                    ),
                ],
                r.steps,
            )
        }
        Calc::DeedTax => {
            let r = service::deed_tax(
                &DeedTaxRequest {
                    city: city()?,
                    price_yuan: text(f, "price_yuan"),
                    area_m2: text(f, "area_m2"),
                },
                today,
            )?;
            (
                vec![
                    fig(c, "契税税率", "Rate", rate(c, r.rate)),
                    fig(c, "契税", "Deed tax", money(c, r.tax)),
                ],
                r.steps,
            )
        }
        Calc::RentalTax => {
            let r = service::rental_tax(
                &RentalTaxRequest {
                    homes: service::form_whole(field(f, "homes"), "homes", "租赁住房套数")?,
                    area_m2: text(f, "area_m2"),
                },
                today,
            )?;
            (
                vec![fig(
                    c,
                    "房产税减按税率",
                    "Reduced property-tax rate",
                    rate(c, r.reduced_rate),
                )],
                r.steps,
            )
        }
        Calc::TalentPrice => {
            let r = service::talent_price(
                &TalentPriceRequest {
                    kind: pick(
                        f,
                        "kind",
                        &[
                            ("full_ownership", TalentHomeKind::FullOwnership),
                            ("shared_ownership", TalentHomeKind::SharedOwnership),
                            ("rental", TalentHomeKind::Rental),
                        ],
                    )?,
                    cost_yuan: text(f, "cost_yuan"),
                    area_m2: text(f, "area_m2"),
                },
                today,
            )?;
            (
                vec![fig(
                    c,
                    "销售价格",
                    "Sale price",
                    r.price.map_or_else(
                        || c.t("只租不售", "rented only").to_owned(),
                        |p| format!("{p} 元"),
                    ),
                )],
                r.steps,
            )
        }
    })
}

async fn show(
    st: AppState,
    headers: HeaderMap,
    q: PageQuery,
    slug: String,
    f: Option<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let Some(calc) = Calc::ALL.into_iter().find(|k| k.slug() == slug) else {
        return c.error(ApiError::not_found(&format!("计算器 {slug}")));
    };
    let empty = Fields::new();
    let fields = f.as_ref().unwrap_or(&empty);
    let mut page = CalcPage {
        c: &c,
        slug: calc.slug(),
        title: c.t(calc.label_zh(), calc.label_en()),
        inputs: inputs(&c, calc, fields),
        figures: vec![],
        steps: vec![],
        error: None,
        error_field: None,
    };
    if f.is_some() {
        match compute(&c, calc, fields, st.clock.today()) {
            Ok((figures, steps)) => {
                page.figures = figures;
                page.steps = step_rows(&c, &steps);
            }
            Err(e) => {
                page.error = Some(c.say(&e.message));
                page.error_field = e.field;
            }
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
