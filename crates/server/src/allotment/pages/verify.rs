//! Anyone re-checks a draw from the published files.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::Ctx;
use crate::web::html::{esc, Lang};
use crate::web::AppState;

use super::common::*;
use super::view::*;

// ------------------------------------------------------------------ verification

pub(super) fn verify_box(l: Lang, pid: &str, rounds: &[RoundView]) -> String {
    let k = colon(l);
    let mut cmds = String::new();
    for rv in rounds {
        let n = rv.round.round_no;
        for d in rv.draws.iter().filter(|d| !d.superseded) {
            let entrants = format!("{pid}-round{n}-entrants.csv");
            let result = format!("{pid}-round{n}-draw{}-result.csv", d.draw_no);
            cmds.push_str(&format!(
                "<p>{} · {} {}{k}</p><pre>anju lottery verify --entrants {e} --reveal {r} --result {res}\npython3 tools/lottery_reference.py {e} {r} {res}</pre>",
                round_name(l, n),
                l.t("现行摇号结果，第", "current draw no."),
                d.draw_no,
                e = esc(&entrants),
                r = esc(&sh_quote(&d.reveal)),
                res = esc(&result),
            ));
        }
    }
    format!(
        r#"<div class="card" id="how-to-verify"><h2>{}</h2><ol><li>{}</li><li>{}</li><li>{}</li><li>{}</li></ol>{cmds}<p class="muted">{}</p></div>"#,
        l.t("如何自行验证摇号结果", "How to verify the draw yourself"),
        l.t(
            "下载该轮的参与名单文件和结果文件（见上方各轮的链接）。用 sha256sum（Windows：certutil -hashfile 文件名 SHA256）计算名单文件的摘要，应与摇号前公布的承诺值相同。",
            "Download the round's entrant file and result file (links above). Its SHA-256 (sha256sum, or certutil -hashfile FILE SHA256 on Windows) must equal the commitment published before the draw."
        ),
        l.t(
            "用安居程序复核：anju lottery verify --entrants 名单文件 --reveal 公证随机值 --result 结果文件，输出“复核一致”即结果无误。",
            "With anju: anju lottery verify --entrants FILE --reveal VALUE --result FILE; it prints “verified” when the result is right."
        ),
        l.t(
            "或只用 Python 3（无需安装其他软件）：python3 tools/lottery_reference.py 名单文件 公证随机值 结果文件，输出 MATCH 即一致。",
            "Or with Python 3 only: python3 tools/lottery_reference.py FILE VALUE RESULT; it prints MATCH when identical."
        ),
        l.t(
            "也可以点击各次摇号的“在线复核”，由本站用公布的文件重新计算。",
            "Or use “Check online” beside each draw: this site re-computes it from the published files."
        ),
        l.t(
            "算法（anju-lottery-v1）的完整说明和算例见 docs/lottery.md；公证随机值须原样输入（含空格）。",
            "The algorithm (anju-lottery-v1) and a worked example are in docs/lottery.md; enter the reveal exactly, spaces included."
        ),
    )
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
    /// Why it does not match.
    message: String,
}

struct DrawFacts {
    commitment: String,
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
    let v = match svc::verify_draw(&st, c.user.as_ref(), &id, r, n).await {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let facts = (v["verified"] == true).then(|| DrawFacts {
        commitment: s("commitment"),
        reveal: s("reveal"),
        seed: s("seed"),
    });
    c.page(&VerifyPage {
        c: &c,
        pid: &id,
        round: r,
        draw: n,
        facts,
        message: s("message"),
    })
}
