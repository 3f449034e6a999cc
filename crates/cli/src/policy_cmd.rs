//! `anju policy list | show`: what a policy says, for officials.

use anju_policy::Policy;
use clap::Subcommand;
use std::path::Path;

use crate::{parse_date, policies, today_shanghai, Fail};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// 列出可用政策 (list the policies available).
    List,
    /// 显示政策在某日生效的参数、规则及出处 (parameters in force on a date, with citations).
    Show {
        id: String,
        /// Date (default: today in Asia/Shanghai).
        #[arg(long)]
        as_of: Option<String>,
        /// Language of the headings: zh (default) or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
}

pub fn run(cmd: PolicyCommand, dir: Option<&Path>) -> Result<(), Fail> {
    match cmd {
        PolicyCommand::List => {
            println!("编号 (id)\t文件 (source)\t文号 (document)\t施行 (in force)");
            for (id, origin) in policies::list(dir) {
                let spec = if origin.starts_with("builtin:") {
                    id.clone()
                } else {
                    origin.clone()
                };
                match policies::load(&spec, dir) {
                    Ok(p) => println!(
                        "{id}\t{origin}\t{}\t{} 起{}",
                        p.document,
                        p.valid_from,
                        p.valid_until
                            .map(|u| format!("，有效期至 {u}"))
                            .unwrap_or_default()
                    ),
                    Err(Fail(e)) => println!("{id}\t{origin}\t无法加载 (cannot load): {e}"),
                }
            }
            Ok(())
        }
        PolicyCommand::Show { id, as_of, lang } => {
            let p = policies::load(&id, dir)?;
            let on = match as_of {
                Some(s) => parse_date(&s, "--as-of")?,
                None => today_shanghai(),
            };
            let en = match lang.as_str() {
                "zh" => false,
                "en" => true,
                other => return Err(Fail(format!("--lang {other}: 只支持 zh 或 en (zh or en)"))),
            };
            print!("{}", show(&p, on, en));
            Ok(())
        }
    }
}

fn show(p: &Policy, on: chrono::NaiveDate, en: bool) -> String {
    let mut s = String::new();
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let title = if en {
        p.title_en.as_deref().unwrap_or(&p.title)
    } else {
        &p.title
    };
    s.push_str(&format!("{title}\n{}", p.document));
    if let Some(by) = &p.issued_by {
        s.push_str(&format!("  {by}"));
    }
    if let Some(d) = p.issued_on {
        s.push_str(&format!("  {d}"));
    }
    if let Some(st) = &p.status {
        s.push_str(&format!("  （{st}）"));
    }
    s.push('\n');
    s.push_str(&format!(
        "{}: {}{}\n",
        t("施行", "in force"),
        p.valid_from,
        p.valid_until
            .map(|u| format!(
                " — {u}{}",
                t(
                    "（有效期届满后仍按本文件判定，直至修订）",
                    " (decisions continue after expiry until revised)"
                )
            ))
            .unwrap_or_default()
    ));
    s.push_str(&format!(
        "{}: {}   {}: {}\n\n",
        t("查询日期", "as of"),
        on,
        t("来源", "loaded from"),
        p.origin
    ));
    if on < p.valid_from {
        s.push_str(&format!(
            "{}\n\n",
            t(
                "注意：查询日期早于本政策施行日期。",
                "Note: the date is before the policy took effect."
            )
        ));
    }
    s.push_str(&format!(
        "{}\n",
        t(
            "一、参数（该日生效的取值）",
            "1. Parameters in force on that date"
        )
    ));
    for (i, prm) in p.params.iter().enumerate() {
        let label = if en {
            prm.label_en.as_deref().unwrap_or(&prm.label)
        } else {
            &prm.label
        };
        s.push_str(&format!("{}. {label}  [{}]\n", i + 1, prm.name));
        match prm.value_on(on) {
            Some(v) => {
                s.push_str(&format!(
                    "   {}: {} {}   {}: {}{}\n",
                    t("取值", "value"),
                    v.value.fmt_trim(),
                    if en {
                        prm.unit.as_str()
                    } else {
                        prm.unit.label_zh()
                    },
                    t("自", "from"),
                    v.from,
                    v.until
                        .map(|u| format!(" {} {u}", t("至", "until")))
                        .unwrap_or_default()
                ));
                s.push_str(&format!(
                    "   {}: {} {}（ref {}）\n",
                    t("出处", "source"),
                    v.citation.document,
                    v.citation.article,
                    v.citation.ref_
                ));
                if let Some(q) = &v.citation.text {
                    s.push_str(&format!("   {}: “{q}”\n", t("原文", "text")));
                }
            }
            None => {
                s.push_str(&format!(
                    "   {}{}\n",
                    t(
                        "该日无生效取值：须由主管部门公布后写入政策文件，或判定时用 --set 提供",
                        "no value in force: add the published figure to the policy file, or pass --set"
                    ),
                    prm.used_in.as_ref().map(|u| format!("（{u}）")).unwrap_or_default()
                ));
            }
        }
        let later: Vec<_> = prm.values.iter().filter(|v| v.from > on).collect();
        for v in later {
            s.push_str(&format!(
                "   {} {}: {} {}\n",
                t("将于", "from"),
                v.from,
                v.value.fmt_trim(),
                t("起生效", "(scheduled)")
            ));
        }
    }
    s.push_str(&format!(
        "\n{}\n",
        t("二、类别与条件", "2. Categories and their conditions")
    ));
    let common: Vec<_> = p.common_rules.iter().map(|&r| &p.rules[r]).collect();
    s.push_str(&format!(
        "{}\n",
        t("所有类别均须满足：", "Every category requires:")
    ));
    for r in &common {
        s.push_str(&format!(
            "   - {}（{} {}）\n",
            r.label.as_deref().unwrap_or(&r.id),
            r.citation.document,
            r.citation.article
        ));
    }
    for c in &p.categories {
        let label = if en {
            c.label_en.as_deref().unwrap_or(&c.label)
        } else {
            &c.label
        };
        s.push_str(&format!(
            "{label} [{}]{}，{}: {}\n",
            c.id,
            c.citation
                .as_ref()
                .map(|x| format!("（{}）", x.article))
                .unwrap_or_default(),
            t("范围", "scope"),
            if en {
                c.scope.as_str()
            } else {
                c.scope.label_zh()
            }
        ));
        for &r in &c.rules {
            let r = &p.rules[r];
            s.push_str(&format!(
                "   - {}（{}）\n",
                r.label.as_deref().unwrap_or(&r.id),
                r.citation.article
            ));
        }
    }
    s
}
