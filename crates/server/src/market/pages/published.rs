//! `/market/published`: what the housing bureau publishes to everyone —
//! each district's latest destocking period with its inputs and band
//! and the latest rent levels (Ordos: 002 一（一）, 四（三）; Yangquan: the
//! Shanxi plan's rent monitoring, 五（四）, publication by anju's choice).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::market::service::{self as svc, district_name, RESIDENTIAL};
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "market/templates/published.html")]
struct Published<'a> {
    c: &'a Ctx,
    periods: Vec<[String; 5]>,
    rents: Vec<[String; 5]>,
}

pub(super) async fn published(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: axum::extract::Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let en = c.is_en();
    let (series, levels) = match (
        svc::published_destocking(&st).await,
        svc::rent_levels(&st).await,
    ) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(e), _) | (_, Err(e)) => return c.error(e),
    };
    let periods = series
        .iter()
        .filter(|s| s.housing_type == RESIDENTIAL)
        .filter_map(|s| {
            let p = s.periods.last()?;
            Some([
                district_name(&s.district, en),
                p.period.month.to_string(),
                p.period.inventory.to_string(),
                p.period.describe(),
                p.band_label.clone().unwrap_or_default(),
            ])
        })
        .collect();
    let latest = levels.iter().map(|l| l.month).max();
    let rents = levels
        .iter()
        .filter(|l| Some(l.month) == latest)
        .map(|l| {
            [
                district_name(&l.district, en),
                l.home_type.clone(),
                l.month.to_string(),
                l.samples.to_string(),
                anju_market::Fen(l.median_fen_per_m2).to_string(),
            ]
        })
        .collect();
    c.page(&Published {
        c: &c,
        periods,
        rents,
    })
}
