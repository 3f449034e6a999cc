//! Anyone re-checks a draw from the published files.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::error::{ApiError, ApiResult};
use crate::web::html::{banner, esc, url_encode, Lang};
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

pub(super) async fn verify(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, draw)): Path<(String, String, String)>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let k = colon(l);
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
    let ok = v["verified"] == true;
    let verdict = if ok {
        banner(
            "good",
            l.t(
                "一致：本站用摇号前公布的参与名单、公证随机值和公开的算法重新计算，得到的顺序与公布的结果文件逐位相同。",
                "Identical: re-computed from the entrant list published before the draw, the notary's reveal and the published algorithm, the order matches the published result file position by position.",
            ),
        )
    } else {
        banner(
            "bad",
            &format!(
                "{}{}",
                l.t(
                    "不一致：重新计算的结果与公布的结果文件不同。",
                    "Mismatch: the re-computed order differs from the published result file. "
                ),
                v["message"].as_str().unwrap_or("")
            ),
        )
    };
    let href = url_encode(&id);
    let facts = if ok {
        format!(
            "<p>{}{k}<code>{}</code></p><p>{}{k}<code>{}</code></p><p>{}{k}<code>{}</code></p>",
            l.t("承诺值", "Commitment"),
            esc(v["commitment"].as_str().unwrap_or("")),
            l.t("公证随机值", "Reveal"),
            esc(v["reveal"].as_str().unwrap_or("")),
            l.t("种子", "Seed"),
            esc(v["seed"].as_str().unwrap_or("")),
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<p class="muted"><a href="/projects/{href}#round-{r}">{back}</a></p><h1>{title}</h1><div id="verify-result">{verdict}</div><div class="card">{facts}<p><a href="/api/v1/projects/{href}/rounds/{r}/entrants.csv" download>{ef}</a> · <a href="/api/v1/projects/{href}/rounds/{r}/draws/{n}/result.csv" download>{rf}</a></p><p class="muted">{how}</p></div>"#,
        back = l.t("← 返回项目", "← Back to the project"),
        title = match l {
            Lang::Zh => format!("复核第{r}轮第{n}次摇号"),
            Lang::En => format!("Check of round {r}, draw {n}"),
        },
        ef = l.t("参与名单文件", "Entrant file"),
        rf = l.t("结果文件", "Result file"),
        how = l.t(
            "不必相信本站：下载这两个文件，用 anju lottery verify 或 python3 tools/lottery_reference.py 自行复核（docs/lottery.md）。",
            "You need not trust this site: download both files and run anju lottery verify or python3 tools/lottery_reference.py yourself (docs/lottery.md)."
        ),
    );
    c.render(l.t("摇号复核", "Draw check"), &body)
}
