//! `/market`: the dashboard and the monthly import.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use crate::market::service::{self as svc, district_name, RESIDENTIAL};
use crate::web::forms::{ctx, done_redirect, read_upload, Ctx, PageQuery};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "market/templates/dashboard.html")]
struct Dashboard<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    can_write: bool,
    year: i32,
    rule_name: String,
    /// The article rent monitoring comes from, or words saying there is none.
    rent_basis: String,
    destock: Vec<DestockRow>,
    /// ECharts data (JSON in a data attribute: the page has no inline script).
    destock_chart: String,
    land: Vec<LandRow>,
    idle: Vec<IdleRow>,
    funds: Vec<FundRow>,
    funds_chart: String,
    rents: Vec<RentRow>,
    land_chart: String,
    idle_chart: String,
    /// (code, name) of each district, for the forms.
    districts: Vec<(String, String)>,
}

struct RentRow {
    district: String,
    home_type: String,
    month: String,
    samples: usize,
    median: String,
    mean: String,
}

struct DestockRow {
    district: String,
    housing_type: String,
    month: String,
    inventory: String,
    sales_total: String,
    window: u32,
    period: String,
    band: String,
}

struct LandRow {
    district: String,
    month: String,
    period: String,
    band: String,
    max_area: String,
    checks: Vec<String>,
}

struct IdleRow {
    district: String,
    id: String,
    name: String,
    contract_start: String,
    status: String,
    fee: String,
    set_aside: String,
}

struct FundRow {
    district: String,
    code: String,
    id: String,
    name: String,
    leader: String,
    node: String,
    supervised: String,
    deposited: String,
    released: String,
    guarantee: String,
    releasable: String,
}

impl FundRow {
    fn district_code(&self) -> &str {
        &self.code
    }
}

pub(super) async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: axum::extract::Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/market") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let en = c.is_en();
    let series = match svc::destocking(&st, &user).await {
        Ok(s) => s,
        Err(e) => return c.error(e),
    };
    let year = svc::year_of(st.clock.today());
    let (land, parcels, projects) = match (
        svc::land_decisions(&st, &user, year).await,
        svc::parcels(&st, &user).await,
        svc::projects(&st, &user).await,
    ) {
        (Ok(a), Ok(b), Ok(p)) => (a, b, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return c.error(e),
    };
    let levels = match svc::rent_levels(&st).await {
        Ok(l) => l,
        Err(e) => return c.error(e),
    };
    let latest = levels.iter().map(|l| l.month).max();
    let rents = levels
        .iter()
        .filter(|l| Some(l.month) == latest)
        .map(|l| RentRow {
            district: district_name(&l.district, en),
            home_type: l.home_type.clone(),
            month: l.month.to_string(),
            samples: l.samples,
            median: anju_market::Fen(l.median_fen_per_m2).to_string(),
            mean: anju_market::Fen(l.mean_fen_per_m2).to_string(),
        })
        .collect();
    let city_rules = svc::rules(&st).ok();
    let rule_name = city_rules.map(|r| r.title.clone()).unwrap_or_default();
    // Rent levels cite the city's own article; a city whose documents ask
    // for no rent monitoring is told so, not given another city's article.
    let rent_basis = match city_rules.and_then(|r| r.rent_monitoring.as_ref()) {
        Some(cite) => cite.to_string(),
        None => c
            .t(
                "本市文件未规定租金监测",
                "this city's documents set no rent monitoring",
            )
            .into(),
    };
    let mut destock = Vec::new();
    let mut months: Vec<String> = Vec::new();
    for s in &series {
        if let Some(p) = s.periods.last() {
            destock.push(DestockRow {
                district: district_name(&s.district, en),
                housing_type: s.housing_type.clone(),
                month: p.period.month.to_string(),
                inventory: p.period.inventory.to_string(),
                sales_total: p
                    .period
                    .sales_total
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                window: s.window,
                period: p.period.describe(),
                band: p.band_label.clone().unwrap_or_default(),
            });
        }
        if s.housing_type == RESIDENTIAL {
            months.extend(s.periods.iter().map(|p| p.period.month.to_string()));
        }
    }
    months.sort();
    months.dedup();
    let lines: Vec<_> = series
        .iter()
        .filter(|s| s.housing_type == RESIDENTIAL)
        .map(|s| {
            let data: Vec<Option<f64>> = months
                .iter()
                .map(|m| {
                    s.periods
                        .iter()
                        .find(|p| p.period.month.to_string() == *m)
                        .and_then(|p| p.period.tenths)
                        // Display only: the chart's axis is a float; the rules never see it.
                        .map(|t| t as f64 / 10.0)
                })
                .collect();
            json!({"name": district_name(&s.district, en), "data": data})
        })
        .collect();
    let bands: Vec<u32> = svc::rules(&st)
        .ok()
        .and_then(|r| r.land_rule(st.clock.today()).ok())
        .map(|r| r.bands.iter().filter_map(|b| b.above_months).collect())
        .unwrap_or_default();
    let destock_chart =
        json!({"kind": "destock", "months": months, "series": lines, "bands": bands,
        "y": c.t("去化周期（月）", "Destocking period (months)")})
        .to_string();
    // Display only (m² as a float for the chart's axis).
    let m2 = |a: anju_market::Area| a.0 as f64 / 100.0;
    let land_chart = json!({"kind": "land",
        "districts": land.iter().map(|d| district_name(&d.district, en)).collect::<Vec<_>>(),
        "series": [
            {"name": c.t("本年已供应", "supplied this year"), "data": land.iter().map(|d| m2(d.supplied)).collect::<Vec<_>>()},
            {"name": c.t("本档上限", "band's maximum"), "data": land.iter().map(|d| d.decision.as_ref().and_then(|x| x.max_area).map(m2)).collect::<Vec<_>>()},
            {"name": c.t("上年供应", "last year"), "data": land.iter().map(|d| m2(d.last_year)).collect::<Vec<_>>()},
        ],
        "y": "㎡"})
    .to_string();
    let land = land
        .into_iter()
        .map(|d| LandRow {
            district: district_name(&d.district, en),
            month: d.month.unwrap_or_default(),
            period: d
                .period
                .as_ref()
                .map(|p| p.describe())
                .unwrap_or_else(|| c.t("无数据", "no data").into()),
            band: d
                .decision
                .as_ref()
                .map(|x| {
                    if en {
                        x.label_en.clone()
                    } else {
                        x.label.clone()
                    }
                })
                .unwrap_or_else(|| {
                    c.t("数据不足，不作决定", "not enough data: no decision")
                        .into()
                }),
            max_area: d
                .decision
                .as_ref()
                .map(|x| anju_market::land::describe_range(x.min_area, x.max_area))
                .unwrap_or_default(),
            checks: d
                .checks
                .iter()
                .map(|k| {
                    format!(
                        "{}（{}）",
                        if en { &k.message_en } else { &k.message },
                        k.citation
                    )
                })
                .collect(),
        })
        .collect();
    let statuses = [
        anju_market::parcel::IdleStatus::Started,
        anju_market::parcel::IdleStatus::NotYetIdle,
        anju_market::parcel::IdleStatus::Fee,
        anju_market::parcel::IdleStatus::Reclaim,
    ];
    let idle_chart = json!({"kind": "idle",
        "statuses": statuses.iter().map(|x| if en { x.label_en() } else { x.label_zh() }).collect::<Vec<_>>(),
        "series": [{"name": c.t("地块数", "parcels"), "data": statuses.iter().map(|x| parcels.iter().filter(|p| p.idle.status == *x).count()).collect::<Vec<_>>()}],
        "y": c.t("宗", "parcels")})
    .to_string();
    let idle = parcels
        .iter()
        .map(|p| IdleRow {
            district: district_name(&p.district, en),
            id: p.id.clone(),
            name: p.name.clone(),
            contract_start: p.contract_start.clone(),
            status: if en {
                p.idle.status.label_en()
            } else {
                p.idle.status.label_zh()
            }
            .into(),
            fee: p.idle.fee.map(|f| f.to_string()).unwrap_or_default(),
            set_aside: if let Some(n) = &p.set_aside.not_regulated {
                if en {
                    n.what_en.clone()
                } else {
                    n.what.clone()
                }
            } else if p.set_aside.min_units == 0 && p.set_aside.min_area.0 == 0 {
                c.t("无", "none").into()
            } else {
                format!(
                    "≥{} / ≥{}{}",
                    p.set_aside.min_area,
                    p.set_aside.min_units,
                    c.t("个单元", " unit(s)")
                )
            },
        })
        .collect();
    let funds: Vec<FundRow> = projects
        .iter()
        .map(|p| FundRow {
            district: district_name(&p.district, en),
            code: p.district.clone(),
            id: p.id.clone(),
            name: p.name.clone(),
            leader: if en {
                p.leader.label_en()
            } else {
                p.leader.label_zh()
            }
            .into(),
            node: svc::node_label(&st, &p.allowance.node, en, st.clock.today()),
            supervised: p.supervised.to_string(),
            deposited: p.deposited.to_string(),
            released: p.released.to_string(),
            guarantee: p.guarantee.to_string(),
            releasable: p.allowance.releasable.to_string(),
        })
        .collect();
    // Display only (yuan as a float for the chart's axis).
    let y = |f: anju_market::Fen| f.0 as f64 / 100.0;
    let funds_chart = json!({"kind": "funds",
        "projects": projects.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "series": [
            {"name": c.t("已入账", "deposited"), "data": projects.iter().map(|p| y(p.deposited)).collect::<Vec<_>>()},
            {"name": c.t("已拨付", "released"), "data": projects.iter().map(|p| y(p.released)).collect::<Vec<_>>()},
            {"name": c.t("现可拨付", "releasable now"), "data": projects.iter().map(|p| y(p.allowance.releasable)).collect::<Vec<_>>()},
        ],
        "y": c.t("元", "yuan")}).to_string();
    let done = c.done().map(|d| match d {
        "import" => c.t("月度数据已导入", "Monthly figures imported"),
        "parcel" => c.t("地块已登记", "Parcel registered"),
        "project" => c.t("开发项目已登记", "Project registered"),
        "land_year" => c.t("年度土地数据已保存", "Yearly land figures saved"),
        _ => c.t("已完成", "Done"),
    });
    c.page(&Dashboard {
        c: &c,
        done,
        can_write: svc::may_write(&user).is_ok(),
        year,
        rule_name,
        rent_basis,
        destock,
        destock_chart,
        land,
        idle,
        funds,
        funds_chart,
        rents,
        land_chart,
        idle_chart,
        districts: anju_domain::YANGQUAN_DISTRICTS
            .iter()
            .map(|d| {
                (
                    d.code.as_str().to_string(),
                    if en { d.name_en } else { d.name_zh }.to_string(),
                )
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "market/templates/import_result.html")]
struct ImportResult<'a> {
    c: &'a Ctx,
    r: svc::MonthlyImport,
}

pub(super) async fn import(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: axum::extract::Query<PageQuery>,
    mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/market") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    // The role first: nobody else makes the server read an upload.
    if let Err(e) = svc::may_write(&user) {
        return c.error(e);
    }
    let file = match read_upload(&user, mp).await {
        Ok(f) => f,
        Err(e) => return c.error(e),
    };
    let rows = match crate::web::sheets::upload_rows(&file) {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    match svc::import_monthly(&st, &user, &rows, "page").await {
        Ok(r) if r.errors.is_empty() => done_redirect(&headers, &st, "/market", "import"),
        Ok(r) => c.page(&ImportResult { c: &c, r }),
        Err(e) => c.error(e),
    }
}
