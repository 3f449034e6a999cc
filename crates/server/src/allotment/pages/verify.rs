//! Anyone re-checks a draw from the published files.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::Ctx;
use crate::web::html::Lang;
use crate::web::AppState;

use super::common::*;
use super::view::*;

// ------------------------------------------------------------------ verification

pub(super) fn verify_box(l: Lang, pid: &str, rounds: &[RoundView]) -> VerifyBox {
    let mut cmds = Vec::new();
    for rv in rounds {
        let n = rv.round.round_no;
        for d in rv.draws.iter().filter(|d| !d.superseded) {
            cmds.push(VerifyCmd {
                round: round_name(l, n),
                draw_no: d.draw_no,
                entrants: format!("{pid}-round{n}-entrants.csv"),
                reveal: sh_quote(&d.reveal),
                result: format!("{pid}-round{n}-draw{}-result.csv", d.draw_no),
                commitment: rv.round.commitment.clone(),
            });
        }
    }
    VerifyBox { cmds }
}

pub(super) fn parse_round(s: &str) -> ApiResult<u8> {
    s.trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=3).contains(r))
        .ok_or_else(|| {
            ApiError::bad_request("invalid_round", "轮次应为1至3 (round must be 1 to 3)")
                .field("round")
        })
}

#[derive(Template)]
#[template(path = "allotment/templates/verify.html")]
struct VerifyPage<'a> {
    c: &'a Ctx,
    pid: &'a str,
    round: u8,
    draw: u32,
    /// What was re-computed, when it matches the published result.
    facts: Option<DrawFacts>,
    /// The entrant file's commitment (shown on every verdict).
    commitment: String,
    /// The published commitment it was checked against, if one was given.
    checked_against: Option<String>,
    /// What the visitor typed into the commitment field.
    given: String,
    /// Why it does not match.
    message: String,
}

struct DrawFacts {
    reveal: String,
    seed: String,
}

pub(super) async fn verify(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, draw)): Path<(String, String, String)>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let parsed = parse_round(&round).and_then(|r| {
        draw.trim()
            .parse::<u32>()
            .map(|n| (r, n))
            .map_err(|_| ApiError::not_found("摇号记录 (draw)"))
    });
    let (r, n) = match parsed {
        Ok(x) => x,
        Err(e) => return c.error(e),
    };
    let published = q.commitment.as_deref();
    let v = match svc::check_draw(&st, c.user.as_ref(), &id, r, n, published).await {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let facts = v.verified.then(|| DrawFacts {
        reveal: v.reveal.clone().unwrap_or_default(),
        seed: v.seed.clone().unwrap_or_default(),
    });
    c.page(&VerifyPage {
        c: &c,
        pid: &id,
        round: r,
        draw: n,
        facts,
        commitment: v.commitment.clone().unwrap_or_default(),
        checked_against: v.checked_against.clone(),
        given: q.commitment.clone().unwrap_or_default(),
        message: v.message,
    })
}
