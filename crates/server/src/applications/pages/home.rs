//! The home page: where to start, and the rules the engine applies.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::AppState;
use axum::routing::get;
use axum::Router;

#[derive(askama::Template)]
#[template(path = "applications/templates/home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    /// The policy document the engine applies.
    document: &'a str,
    /// The local parameters set for this deployment, in words.
    params: Vec<Setting>,
}

/// A parameter set for this deployment (`--set NAME=VALUE`), said in words:
/// its label in the page's language, the value and the unit.
struct Setting {
    label: String,
    value: String,
    unit: &'static str,
}

pub(super) async fn home(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let l = c.lang;
    let params = st
        .overrides
        .iter()
        .map(|(name, value)| {
            match st.policy.params.iter().find(|p| &p.name == name) {
                Some(p) => Setting {
                    label: match l {
                        Lang::Zh => p.label.clone(),
                        Lang::En => p.label_en.clone().unwrap_or_else(|| p.label.clone()),
                    },
                    value: value.clone(),
                    unit: l.t(p.unit.label_zh(), p.unit.label_en()),
                },
                // Every override names a parameter of the policy (checked at
                // start); should one not, its name is all there is to say.
                None => Setting {
                    label: name.replace('_', " "),
                    value: value.clone(),
                    unit: "",
                },
            }
        })
        .collect();
    c.page(&HomePage {
        c: &c,
        document: &st.policy.document,
        params,
    })
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}
