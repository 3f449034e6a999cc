//! `/market/plot`: the plot-ratio calculator. A GET form (it changes
//! nothing): one home type, the excluded items, a stilt floor; the counted
//! area comes back item by item with the figure and the article of each.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use anju_market::plot::{Balcony, HomeType, Schedule, SkyGarden, Stilt, Void, Walkway};
use anju_market::Area;

use crate::market::service::{self as svc, PlotRequest};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::AppState;

/// The form's fields (all text, as typed).
#[derive(Deserialize, Default)]
pub(super) struct PlotForm {
    lang: Option<String>,
    #[serde(default)]
    site: String,
    #[serde(default)]
    ratio: String,
    #[serde(default)]
    ordinary: String,
    #[serde(default)]
    public: String,
    #[serde(default)]
    basement: String,
    #[serde(default)]
    insulation: String,
    #[serde(default)]
    cladding: String,
    #[serde(default)]
    homes: String,
    #[serde(default)]
    internal: String,
    #[serde(default)]
    home_area: String,
    #[serde(default)]
    balcony_w: String,
    #[serde(default)]
    balcony_d: String,
    #[serde(default)]
    void: String,
    #[serde(default)]
    garden: String,
    #[serde(default)]
    garden_two: Option<String>,
    #[serde(default)]
    walkway: String,
    #[serde(default)]
    walkway_enclosed: Option<String>,
    #[serde(default)]
    footprint: String,
    #[serde(default)]
    stilt: String,
    #[serde(default)]
    stilt_h: String,
    #[serde(default)]
    commercial: String,
}

#[derive(Template)]
#[template(path = "market/templates/plot.html")]
struct PlotPage<'a> {
    c: &'a Ctx,
    f: PlotForm,
    result: Option<svc::PlotResult>,
    error: Option<String>,
    /// Rows of an uploaded schedule that could not be read.
    row_errors: Vec<anju_market::import::RowError>,
    /// Whose counting rules are used: named on the page so that a reference
    /// calculation is never read as this city's rule.
    basis: Option<svc::PlotBasis>,
}

impl PlotPage<'_> {
    fn ratio(&self) -> String {
        self.result
            .as_ref()
            .and_then(|r| r.counted.ratio_10k)
            .map_or_else(
                || "—".into(),
                |r| format!("{}.{:04}", r / 10_000, r % 10_000),
            )
    }
}

fn area(field: &str, label: &str, s: &str) -> ApiResult<Area> {
    if s.trim().is_empty() {
        return Ok(Area::ZERO);
    }
    Area::parse_m2(s).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_field",
            format!("{label}应为非负面积（平方米），最多两位小数 ({field}: square metres)"),
        )
        .field(field.to_string())
    })
}

fn whole(field: &str, label: &str, s: &str) -> ApiResult<u32> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    s.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_field",
            format!("{label}应为非负整数 ({field}: a whole number)"),
        )
        .field(field.to_string())
    })
}

/// Metres with two decimals to centimetres.
fn cm(field: &str, label: &str, s: &str) -> ApiResult<u32> {
    Ok(area(field, label, s)?.0.clamp(0, u32::MAX as i64) as u32)
}

fn request(f: &PlotForm) -> ApiResult<PlotRequest> {
    let ratio = area("ratio", "规划容积率", &f.ratio)?
        .0
        .clamp(0, u32::MAX as i64) as u32;
    let homes = whole("homes", "户数", &f.homes)?;
    let bw = cm("balcony_w", "阳台面宽", &f.balcony_w)?;
    let bd = cm("balcony_d", "阳台进深", &f.balcony_d)?;
    let void = area("void", "挑空投影面积", &f.void)?;
    let mut schedule = Schedule {
        site_area: area("site", "用地面积", &f.site)?,
        permitted_ratio: ratio,
        ordinary: area("ordinary", "其他计容面积", &f.ordinary)?,
        public_facilities: area("public", "无偿移交公共服务设施", &f.public)?,
        basement_facilities: area("basement", "地下自持配套", &f.basement)?,
        insulation: area("insulation", "外墙保温", &f.insulation)?,
        cladding: area("cladding", "立面饰面层", &f.cladding)?,
        ..Default::default()
    };
    if homes > 0 {
        schedule.homes.push(HomeType {
            label: "A".into(),
            count: homes,
            internal: area("internal", "套内面积", &f.internal)?,
            home_area: area("home_area", "套型建筑面积", &f.home_area)?,
            balconies: if bw > 0 && bd > 0 {
                vec![Balcony {
                    width_cm: bw,
                    depth_cm: bd,
                }]
            } else {
                vec![]
            },
            void: (void.0 > 0).then_some(Void {
                projection: void,
                storeys: 2,
            }),
        });
    }
    let garden = area("garden", "空中花园", &f.garden)?;
    if garden.0 > 0 {
        schedule.sky_gardens.push(SkyGarden {
            area: garden,
            two_storeys: f.garden_two.is_some(),
        });
    }
    let walkway = area("walkway", "风雨连廊", &f.walkway)?;
    if walkway.0 > 0 {
        schedule.walkways.push(Walkway {
            area: walkway,
            enclosed: f.walkway_enclosed.is_some(),
        });
    }
    let stilt = area("stilt", "架空层面积", &f.stilt)?;
    if stilt.0 > 0 {
        schedule.stilts.push(Stilt {
            footprint: area("footprint", "建筑基底面积", &f.footprint)?,
            area: stilt,
            height_cm: cm("stilt_h", "架空层高度", &f.stilt_h)?,
        });
    }
    let commercial = area("commercial", "配套商业面积", &f.commercial)?;
    Ok(PlotRequest {
        schedule,
        commercial: (commercial.0 > 0).then_some(commercial),
        contract_percent: None,
    })
}

pub(super) async fn plot(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<PlotForm>,
) -> Response {
    let pq = PageQuery {
        lang: f.lang.clone(),
        ..Default::default()
    };
    let c = ctx(&st, &headers, &pq).await;
    let user = match c.require_user("/market/plot") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = svc::may_read(&user) {
        return c.error(e);
    }
    let (result, error) = if f.site.trim().is_empty() {
        (None, None)
    } else {
        match request(&f).and_then(|r| svc::plot_ratio(&st, &user, &r)) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(c.say(&e.message))),
        }
    };
    c.page(&PlotPage {
        c: &c,
        f,
        result,
        error,
        row_errors: vec![],
        basis: svc::plot_basis(&st).ok(),
    })
}

/// An uploaded area schedule (CSV or XLSX), counted.
pub(super) async fn upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    mp: axum::extract::Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/market/plot") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    // The role first: nobody else makes the server read an upload.
    if let Err(e) = svc::may_read(&user) {
        return c.error(e);
    }
    let rows = match crate::web::forms::read_upload(&user, mp)
        .await
        .and_then(|f| crate::web::sheets::upload_rows(&f))
    {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    match svc::plot_ratio_sheet(&st, &user, &rows) {
        Ok(r) => c.page(&PlotPage {
            c: &c,
            f: PlotForm::default(),
            result: Some(r.result),
            error: None,
            row_errors: r.errors,
            basis: svc::plot_basis(&st).ok(),
        }),
        Err(e) => c.error(e),
    }
}
