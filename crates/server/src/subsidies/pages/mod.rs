//! The public pages: the index, each programme's self-check, each
//! calculator. Forms are built from [`Input`] lists so one template macro
//! draws every field the same way (label above, full width on a phone).

mod apartments;
mod cases;
mod check;
mod dashboard;
mod finance;
mod form;
mod property;
mod universities;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use anju_subsidies::programme::ProgrammeId;

use crate::web::forms::{ctx, Ctx, PageQuery};

use crate::web::AppState;
use form::Link;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/subsidies", get(index))
        .route(
            "/subsidies/{programme}",
            get(check::form).post(check::submit),
        )
        .route("/finance/{calc}", get(finance::form).post(finance::submit))
        .route("/subsidies/{programme}/apply", post(cases::apply))
        .route("/indicators", get(dashboard::show))
        .route("/indicators/import", post(dashboard::import))
        .route("/static/subsidies/dashboard.js", get(dashboard::script))
        .route("/subsidy-cases", get(cases::list))
        .route("/subsidy-cases/{id}", get(cases::detail))
        .route("/subsidy-cases/{id}/act", post(cases::act))
        .route(
            "/talent-apartments",
            get(apartments::show).post(apartments::record),
        )
        .route("/talent-apartments/{id}/end", post(apartments::end))
        .route(
            "/universities",
            get(universities::show).post(universities::add),
        )
        .route("/universities/import", post(universities::import))
        .route("/universities/{id}/withdraw", post(universities::withdraw))
        .route("/property-records", get(property::list))
        .route("/property-records/{id}", post(property::answer))
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/index.html")]
struct IndexPage<'a> {
    c: &'a Ctx,
    programmes: Vec<Link>,
    calculators: Vec<Link>,
}

async fn index(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let programmes = ProgrammeId::ALL
        .into_iter()
        .map(|p| Link {
            href: format!("/subsidies/{}", p.slug()),
            label: c.t(p.label_zh(), p.label_en()).to_owned(),
        })
        .collect();
    let calculators = finance::Calc::ALL
        .into_iter()
        .map(|k| Link {
            href: format!("/finance/{}", k.slug()),
            label: c.t(k.label_zh(), k.label_en()).to_owned(),
        })
        .collect();
    c.page(&IndexPage {
        c: &c,
        programmes,
        calculators,
    })
}
