//! Policy file text -> checked [`Policy`].
//!
//! Every error carries the file and the line (and column) of the offending
//! key, so an official editing a threshold is told exactly where the file is
//! wrong: unknown keys, overlapping date ranges, rules without citations,
//! parameters used but never defined, placeholders a message cannot fill.

use chrono::NaiveDate;
use sha2::Digest as _;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use toml::value::Datetime;
use toml::Spanned;

use crate::file::*;
use crate::fixed::Fixed4;
use crate::household::{BENEFITS, SPECIALS};
use crate::model::*;
use crate::template::{Template, TemplateError};

mod condition;
mod errors;

use condition::{compile_test, test_has_fail_texts, Slots};
pub use errors::{LoadError, LoadErrorKind};

struct Ctx<'a> {
    origin: &'a str,
    text: &'a str,
    document: String,
    params: HashMap<String, ParamId>,
    used: BTreeSet<ParamId>,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, kind: LoadErrorKind) -> LoadError {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(start, |i| start - i - 1) + 1;
        LoadError {
            file: self.origin.to_string(),
            line,
            column,
            kind,
        }
    }

    fn invalid(&self, span: Range<usize>, msg: impl Into<String>) -> LoadError {
        self.err(span, LoadErrorKind::Invalid(msg.into()))
    }

    fn param(&mut self, name: &Spanned<String>, used_by: &str) -> Result<ParamId, LoadError> {
        match self.params.get(name.get_ref()) {
            Some(&id) => {
                self.used.insert(id);
                Ok(id)
            }
            None => Err(self.err(
                name.span(),
                LoadErrorKind::UndefinedParameter {
                    name: name.get_ref().clone(),
                    used_by: used_by.to_string(),
                },
            )),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn citation(
        &self,
        span: Range<usize>,
        what: &str,
        document: &Option<String>,
        article: &Option<String>,
        ref_: &Option<Spanned<String>>,
        quote: &Option<String>,
        quote_required: bool,
    ) -> Result<Citation, LoadError> {
        let missing = |m| {
            self.err(
                span.clone(),
                LoadErrorKind::MissingCitation {
                    what: what.to_string(),
                    missing: m,
                },
            )
        };
        let article = article.clone().ok_or_else(|| missing("article"))?;
        let r = ref_.as_ref().ok_or_else(|| missing("ref"))?;
        if !valid_ref(r.get_ref()) {
            return Err(self.err(
                r.span(),
                LoadErrorKind::BadRef {
                    what: what.to_string(),
                    value: r.get_ref().clone(),
                },
            ));
        }
        if quote_required && quote.as_deref().is_none_or(|q| q.trim().is_empty()) {
            return Err(missing("quote"));
        }
        Ok(Citation {
            document: document.clone().unwrap_or_else(|| self.document.clone()),
            article,
            ref_: r.get_ref().clone(),
            text: quote.clone(),
        })
    }

    fn date(&self, d: &Spanned<Datetime>, what: &str) -> Result<NaiveDate, LoadError> {
        let dt = d.get_ref();
        match (&dt.date, &dt.time) {
            (Some(date), None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| self.invalid(d.span(), format!("{what}: 日期无效 (invalid date {dt})"))),
            _ => Err(self.invalid(
                d.span(),
                format!(
                    "{what}: 应为日期 YYYY-MM-DD，不含时间 (expected a plain date, found {dt})"
                ),
            )),
        }
    }

    fn template(
        &self,
        t: &Option<Spanned<String>>,
        allowed: &[&str],
        what: &str,
    ) -> Result<Option<Template>, LoadError> {
        let Some(t) = t else { return Ok(None) };
        Template::parse(t.get_ref(), allowed).map(Some).map_err(|e| match e {
            TemplateError::Unclosed => self.invalid(t.span(), format!("{what}: 消息中的 {{ 未闭合 (unclosed placeholder)")),
            TemplateError::Unknown { name, allowed } => self.invalid(
                t.span(),
                format!(
                    "{what}: 消息占位符 {{{name}}} 无法填写 (unknown placeholder; this kind provides: {})",
                    allowed.join(", ")
                ),
            ),
        })
    }

    fn require_template(
        &self,
        t: &Option<Spanned<String>>,
        allowed: &[&str],
        what: &str,
        key: &str,
        span: Range<usize>,
    ) -> Result<Template, LoadError> {
        self.template(t, allowed, what)?.ok_or_else(|| {
            self.invalid(
                span,
                format!("{what}: 缺少消息 `{key}` (message `{key}` is required for this kind)"),
            )
        })
    }
}

fn valid_ref(r: &str) -> bool {
    !r.is_empty()
        && r.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// Loads and checks a policy file. `origin` names it in errors.
pub fn load(origin: &str, text: &str) -> Result<Policy, LoadError> {
    let mut ctx = Ctx {
        origin,
        text,
        document: String::new(),
        params: HashMap::new(),
        used: BTreeSet::new(),
    };
    let file: PolicyFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        let kind = if msg.starts_with("unknown field") {
            LoadErrorKind::UnknownKey(msg)
        } else {
            LoadErrorKind::Syntax(msg)
        };
        ctx.err(span, kind)
    })?;
    ctx.document = file.policy.document.clone();
    let meta = &file.policy;
    let id = meta.id.get_ref().clone();
    if id.is_empty()
        || !id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    {
        return Err(ctx.invalid(
            meta.id.span(),
            format!(
                "policy id \"{id}\" 只能包含字母、数字、- 和 _ (letters, digits, - and _ only)"
            ),
        ));
    }

    // Parameters first: rules refer to them.
    let mut params = Vec::new();
    for (name, def) in &file.parameters {
        let pid = params.len();
        ctx.params.insert(name.clone(), pid);
        params.push(compile_param(&ctx, name, def)?);
    }

    // Rules.
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_ids: HashMap<String, RuleId> = HashMap::new();
    for def in &file.rule {
        let rid = def.get_ref().id.get_ref().clone();
        if rule_ids.contains_key(&rid) {
            return Err(ctx.err(
                def.get_ref().id.span(),
                LoadErrorKind::Duplicate {
                    what: "规则 rule",
                    id: rid,
                },
            ));
        }
        let rule = compile_rule(&mut ctx, def)?;
        rule_ids.insert(rid, rules.len());
        rules.push(rule);
    }
    let lookup_rule =
        |ctx: &Ctx, name: &Spanned<String>, used_by: &str| -> Result<RuleId, LoadError> {
            rule_ids.get(name.get_ref()).copied().ok_or_else(|| {
                ctx.err(
                    name.span(),
                    LoadErrorKind::UndefinedRule {
                        name: name.get_ref().clone(),
                        used_by: used_by.to_string(),
                    },
                )
            })
        };
    let common_rules = meta
        .common_rules
        .iter()
        .map(|n| lookup_rule(&ctx, n, "policy.common_rules"))
        .collect::<Result<Vec<_>, _>>()?;

    // Categories.
    let mut categories: Vec<Category> = Vec::new();
    for def in &file.category {
        let c = def.get_ref();
        let cid = c.id.get_ref().clone();
        if categories.iter().any(|x| x.id == cid) {
            return Err(ctx.err(
                c.id.span(),
                LoadErrorKind::Duplicate {
                    what: "类别 category",
                    id: cid,
                },
            ));
        }
        if categories.len() >= 32 {
            return Err(ctx.invalid(c.id.span(), "at most 32 categories per policy"));
        }
        let what = format!("category {cid}");
        let citation = if c.article.is_some() || c.ref_.is_some() {
            Some(ctx.citation(
                def.span(),
                &what,
                &c.document,
                &c.article,
                &c.ref_,
                &c.quote,
                false,
            )?)
        } else {
            None
        };
        let rules_of = c
            .rules
            .iter()
            .map(|n| lookup_rule(&ctx, n, &what))
            .collect::<Result<Vec<_>, _>>()?;
        if rules_of.is_empty() {
            return Err(ctx.invalid(
                def.span(),
                format!("{what}: 类别至少需要一条规则 (a category needs at least one rule)"),
            ));
        }
        let scope = match &c.scope {
            None => Scope::City,
            Some(s) => parse_scope(&ctx, s)?,
        };
        let mut tiers = Vec::new();
        for t in &c.tiers {
            let tc = t.get_ref();
            if tc.tier == 0 {
                return Err(ctx.invalid(
                    t.span(),
                    format!("{what}: tier 从 1 开始 (tiers start at 1)"),
                ));
            }
            let when = match &tc.when {
                None => None,
                Some(w) => Some(compile_test(
                    &mut ctx,
                    w,
                    t.span(),
                    &what,
                    &mut Slots::unlabelled(),
                )?),
            };
            tiers.push(TierClause {
                tier: tc.tier,
                when,
            });
        }
        categories.push(Category {
            id: cid,
            label: c.label.clone(),
            label_en: c.label_en.clone(),
            citation,
            rules: rules_of,
            scope,
            tiers,
        });
    }
    // A file of parameters only (no rules, no categories) decides nothing:
    // it holds dated, cited values that calculators read (docs/policy-files.md,
    // "Parameter files"). A file with rules needs a category to use them.
    let parameters_only = rules.is_empty() && file.obligation.is_empty();
    if categories.is_empty() && !parameters_only {
        return Err(ctx.invalid(0..0, "policy defines no [[category]] (至少需要一个类别)"));
    }
    let cat_index =
        |ctx: &Ctx, name: &Spanned<String>, used_by: &str| -> Result<usize, LoadError> {
            categories
                .iter()
                .position(|c| &c.id == name.get_ref())
                .ok_or_else(|| {
                    ctx.err(
                        name.span(),
                        LoadErrorKind::UndefinedCategory {
                            name: name.get_ref().clone(),
                            used_by: used_by.to_string(),
                        },
                    )
                })
        };

    // Obligations.
    let mut obligations = Vec::new();
    for def in &file.obligation {
        let o = def.get_ref();
        let what = format!("obligation {}", o.code.get_ref());
        let within_days = match &o.within_days {
            None => None,
            Some(p) => Some(ctx.param(p, &what)?),
        };
        let mut clauses = Vec::new();
        for w in &o.when {
            let wc = w.get_ref();
            let mut mask = 0u32;
            for c in &wc.categories {
                mask |= 1 << cat_index(&ctx, c, &what)?;
            }
            let test = match &wc.test {
                None => None,
                Some(t) => Some(compile_test(
                    &mut ctx,
                    t,
                    w.span(),
                    &what,
                    &mut Slots::unlabelled(),
                )?),
            };
            let citation = ctx.citation(
                w.span(),
                &what,
                &wc.document,
                &wc.article,
                &wc.ref_,
                &wc.quote,
                true,
            )?;
            clauses.push(ObligationClause {
                categories: mask,
                test,
                citation,
            });
        }
        if clauses.is_empty() {
            return Err(ctx.invalid(
                def.span(),
                format!("{what}: 至少需要一个 [[obligation.when]] (no clause)"),
            ));
        }
        obligations.push(Obligation {
            code: o.code.get_ref().clone(),
            label: o.label.clone(),
            within_days,
            clauses,
        });
    }

    let cite_opt = |ctx: &Ctx,
                    c: &Option<Spanned<CiteDef>>,
                    what: &str|
     -> Result<Option<Citation>, LoadError> {
        match c {
            None => Ok(None),
            Some(c) => {
                let d = c.get_ref();
                ctx.citation(
                    c.span(),
                    what,
                    &d.document,
                    &d.article,
                    &d.ref_,
                    &d.quote,
                    true,
                )
                .map(Some)
            }
        }
    };
    let tier_citation = cite_opt(&ctx, &meta.tier, "policy.tier")?;
    let scope_citation = cite_opt(&ctx, &meta.scope, "policy.scope")?;
    if categories.iter().any(|c| !c.tiers.is_empty()) && tier_citation.is_none() {
        return Err(ctx.err(
            0..0,
            LoadErrorKind::MissingCitation {
                what: "[policy.tier]".into(),
                missing: "article",
            },
        ));
    }
    let priority = match &meta.priority {
        None => None,
        Some(p) => {
            let d = p.get_ref();
            let citation = ctx.citation(
                p.span(),
                "policy.priority",
                &d.document,
                &d.article,
                &d.ref_,
                &d.quote,
                true,
            )?;
            let when = compile_test(
                &mut ctx,
                &d.when,
                p.span(),
                "policy.priority",
                &mut Slots::unlabelled(),
            )?;
            Some(Priority { citation, when })
        }
    };
    let scope_if_ineligible = match &meta.scope_if_ineligible {
        None => None,
        Some(s) => Some(parse_scope(&ctx, s)?),
    };
    let valid_from = ctx.date(&meta.valid_from, "policy.valid_from")?;
    let valid_until = match &meta.valid_until {
        None => None,
        Some(d) => Some(ctx.date(d, "policy.valid_until")?),
    };
    let issued_on = match &meta.issued_on {
        None => None,
        Some(d) => Some(ctx.date(d, "policy.issued_on")?),
    };
    Ok(Policy {
        id,
        title: meta.title.clone(),
        title_en: meta.title_en.clone(),
        document: meta.document.clone(),
        issued_by: meta.issued_by.clone(),
        issued_on,
        status: meta.status.clone(),
        valid_from,
        valid_until,
        source: meta.source.clone(),
        origin: origin.to_string(),
        text: text.to_string(),
        text_sha256: sha2::Sha256::digest(text.as_bytes()).into(),
        params,
        rules,
        common_rules,
        categories,
        obligations,
        tier_citation,
        scope_citation,
        priority,
        scope_if_ineligible,
        used_params: ctx.used.iter().copied().collect(),
    })
}

fn parse_scope(ctx: &Ctx, s: &Spanned<String>) -> Result<Scope, LoadError> {
    match s.get_ref().as_str() {
        "city" => Ok(Scope::City),
        "county_seat" => Ok(Scope::CountySeat),
        other => Err(ctx.invalid(
            s.span(),
            format!("scope \"{other}\" 无效 (expected city or county_seat)"),
        )),
    }
}

fn compile_param(ctx: &Ctx, name: &str, def: &Spanned<ParamDef>) -> Result<Param, LoadError> {
    let d = def.get_ref();
    let what = format!("parameter {name}");
    let unit = Unit::parse(d.unit.get_ref()).ok_or_else(|| {
        ctx.invalid(
            d.unit.span(),
            format!(
                "{what}: 单位 \"{}\" 无效 (unit must be one of {})",
                d.unit.get_ref(),
                Unit::NAMES
            ),
        )
    })?;
    let mut values = Vec::new();
    for v in &d.values {
        let vd = v.get_ref();
        let from = ctx.date(&vd.from, &what)?;
        let until = match &vd.until {
            None => None,
            Some(u) => Some(ctx.date(u, &what)?),
        };
        if let Some(u) = until {
            if u < from {
                return Err(ctx.invalid(
                    v.span(),
                    format!("{what}: until {u} 早于 from {from} (until is before from)"),
                ));
            }
        }
        let raw = vd.value.get_ref().as_f64();
        let value = Fixed4::from_f64(raw)
            .filter(|x| x.raw() >= 0)
            .ok_or_else(|| {
                ctx.invalid(
                    vd.value.span(),
                    format!("{what}: 取值 {raw} 无效 (value must be ≥ 0)"),
                )
            })?;
        if unit.is_whole() && value.as_whole().is_none() {
            return Err(ctx.invalid(
                vd.value.span(),
                format!(
                    "{what}: 单位为 {} 的参数必须为整数 (a {} value must be whole)",
                    unit.label_zh(),
                    unit.as_str()
                ),
            ));
        }
        let citation = ctx.citation(
            v.span(),
            &format!("{what} (from {from})"),
            &vd.document,
            &vd.article,
            &vd.ref_,
            &vd.quote,
            false,
        )?;
        values.push((
            v.span(),
            ParamValue {
                from,
                until,
                value,
                citation,
                note: vd.note.clone(),
            },
        ));
    }
    values.sort_by_key(|(_, v)| v.from);
    for w in values.windows(2) {
        let (a, b) = (&w[0].1, &w[1].1);
        if a.from == b.from || a.until.is_some_and(|u| u >= b.from) {
            return Err(ctx.err(
                w[1].0.clone(),
                LoadErrorKind::OverlappingDates {
                    param: name.to_string(),
                    first: a.from,
                    second: b.from,
                },
            ));
        }
    }
    Ok(Param {
        name: name.to_string(),
        label: d.label.clone(),
        label_en: d.label_en.clone(),
        unit,
        used_in: d.used_in.clone(),
        values: values.into_iter().map(|(_, v)| v).collect(),
    })
}

fn parse_cmp(
    ctx: &Ctx,
    c: &Option<Spanned<String>>,
    what: &str,
    span: Range<usize>,
) -> Result<Cmp, LoadError> {
    let c = c.as_ref().ok_or_else(|| {
        ctx.invalid(
            span,
            format!("{what}: 需要 cmp = \"<\" 或 \"<=\" (cmp is required)"),
        )
    })?;
    match c.get_ref().as_str() {
        "<" => Ok(Cmp::Lt),
        "<=" => Ok(Cmp::Le),
        o => Err(ctx.invalid(
            c.span(),
            format!("{what}: cmp \"{o}\" 无效 (expected \"<\" or \"<=\")"),
        )),
    }
}

/// Keys that each rule kind may carry besides the common ones.
fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "facts" => &["test", "pass", "fail"],
        "composition" => &["children", "adult_age", "pass", "fail"],
        "single_applicant" => &[
            "min_age_male",
            "min_age_female",
            "pass",
            "fail",
            "not_applicable",
        ],
        "per_capita_income" => &["cmp", "statistic", "multiple", "pass", "fail"],
        "housing_area" => &["cmp", "limit", "no_home", "pass", "fail"],
        "lookback" => &["field", "years", "pass", "fail"],
        "ban" => &["field", "tiers", "none", "pass", "fail"],
        _ => return None,
    })
}

const KINDS: &str =
    "facts, composition, single_applicant, per_capita_income, housing_area, lookback, ban";

fn compile_rule(ctx: &mut Ctx, def: &Spanned<RuleDef>) -> Result<Rule, LoadError> {
    let r = def.get_ref();
    let id = r.id.get_ref().clone();
    let what = format!("rule {id}");
    let span = def.span();
    let citation = ctx.citation(
        span.clone(),
        &what,
        &r.document,
        &r.article,
        &r.ref_,
        &r.quote,
        true,
    )?;
    let kind_name = r.kind.get_ref().as_str();
    let allowed = allowed_keys(kind_name).ok_or_else(|| {
        ctx.invalid(
            r.kind.span(),
            format!("{what}: kind \"{kind_name}\" 未知 (known kinds: {KINDS})"),
        )
    })?;
    // Kind-specific keys that this kind does not use are errors: a setting
    // that silently does nothing is how a policy goes wrong unnoticed.
    let present: [(&str, Option<Range<usize>>); 16] = [
        ("test", r.test.as_ref().map(|x| x.span())),
        ("pass", r.pass.as_ref().map(|x| x.span())),
        ("fail", r.fail.as_ref().map(|x| x.span())),
        ("no_home", r.no_home.as_ref().map(|x| x.span())),
        ("none", r.none.as_ref().map(|x| x.span())),
        (
            "not_applicable",
            r.not_applicable.as_ref().map(|x| x.span()),
        ),
        ("cmp", r.cmp.as_ref().map(|x| x.span())),
        ("limit", r.limit.as_ref().map(|x| x.span())),
        ("statistic", r.statistic.as_ref().map(|x| x.span())),
        ("multiple", r.multiple.as_ref().map(|x| x.span())),
        ("years", r.years.as_ref().map(|x| x.span())),
        ("field", r.field.as_ref().map(|x| x.span())),
        (
            "tiers",
            r.tiers.as_ref().and_then(|t| t.first()).map(|x| x.span()),
        ),
        ("children", r.children.as_ref().map(|x| x.span())),
        ("adult_age", r.adult_age.as_ref().map(|x| x.span())),
        (
            "min_age_male",
            r.min_age_male
                .as_ref()
                .or(r.min_age_female.as_ref())
                .map(|x| x.span()),
        ),
    ];
    for (key, sp) in &present {
        if let Some(sp) = sp {
            // min_age_male and min_age_female are one rule's pair.
            let paired = *key == "min_age_male" && allowed.contains(&"min_age_female");
            if !allowed.contains(key) && !paired {
                return Err(ctx.err(
                    sp.clone(),
                    LoadErrorKind::UnknownKey(format!(
                        "{what}: 键 `{key}` 不适用于 kind \"{kind_name}\" (not used by this kind)"
                    )),
                ));
            }
        }
    }
    let need =
        |ctx: &Ctx, v: &Option<Spanned<String>>, key: &str| -> Result<Spanned<String>, LoadError> {
            v.clone().ok_or_else(|| {
                ctx.invalid(
                    span.clone(),
                    format!("{what}: kind \"{kind_name}\" 需要 `{key}` (required)"),
                )
            })
        };
    let mut messages = Messages::default();
    let kind = match kind_name {
        "facts" => {
            let t = r.test.as_ref().ok_or_else(|| {
                ctx.invalid(
                    span.clone(),
                    format!("{what}: kind \"facts\" 需要 `test` (required)"),
                )
            })?;
            let mut slots = Slots::default();
            let test = compile_test(ctx, t.get_ref(), t.span(), &what, &mut slots)?;
            let names: Vec<&str> = slots.names.iter().flat_map(|n| [n.0, n.1]).collect();
            messages.pass =
                Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
            messages.fail = ctx.template(&r.fail, &names, &what)?;
            if messages.fail.is_none() && !test_has_fail_texts(&test) {
                return Err(ctx.invalid(
                    span.clone(),
                    format!("{what}: 需要 `fail` 消息，或为每个条件写 fail (a failure message is required)"),
                ));
            }
            RuleKind::Facts { test }
        }
        "composition" => {
            let children = need(ctx, &r.children, "children")?;
            let children_rule = match children.get_ref().as_str() {
                "minor" => ChildrenRule::Minor,
                "minor_or_unmarried_adult" => ChildrenRule::MinorOrUnmarriedAdult,
                o => {
                    return Err(ctx.invalid(
                        children.span(),
                        format!("{what}: children \"{o}\" 无效 (expected minor or minor_or_unmarried_adult)"),
                    ))
                }
            };
            let adult_age = ctx.param(&need(ctx, &r.adult_age, "adult_age")?, &what)?;
            let names = ["members", "offenders"];
            messages.pass =
                Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
            messages.fail =
                Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
            RuleKind::Composition {
                children: children_rule,
                adult_age,
            }
        }
        "single_applicant" => {
            let m = ctx.param(&need(ctx, &r.min_age_male, "min_age_male")?, &what)?;
            let f = ctx.param(&need(ctx, &r.min_age_female, "min_age_female")?, &what)?;
            let names = ["age", "limit", "sex"];
            messages.pass =
                Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
            messages.fail =
                Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
            messages.not_applicable = Some(ctx.require_template(
                &r.not_applicable,
                &[],
                &what,
                "not_applicable",
                span.clone(),
            )?);
            RuleKind::SingleApplicant {
                min_age_male: m,
                min_age_female: f,
            }
        }
        "per_capita_income" => {
            let cmp = parse_cmp(ctx, &r.cmp, &what, span.clone())?;
            let statistic = ctx.param(&need(ctx, &r.statistic, "statistic")?, &what)?;
            let multiple = match &r.multiple {
                None => None,
                Some(m) => Some(ctx.param(m, &what)?),
            };
            let names = [
                "per_capita",
                "threshold",
                "total",
                "members",
                "statistic",
                "multiple",
            ];
            messages.pass =
                Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
            messages.fail =
                Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
            RuleKind::PerCapitaIncome {
                cmp,
                statistic,
                multiple,
            }
        }
        "housing_area" => {
            let cmp = parse_cmp(ctx, &r.cmp, &what, span.clone())?;
            let limit = ctx.param(&need(ctx, &r.limit, "limit")?, &what)?;
            let names = ["per_capita", "limit", "area", "members"];
            messages.pass =
                Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
            messages.fail =
                Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
            messages.no_home = Some(ctx.require_template(
                &r.no_home,
                &["limit"],
                &what,
                "no_home",
                span.clone(),
            )?);
            RuleKind::HousingArea { cmp, limit }
        }
        "lookback" | "ban" => {
            let f = need(ctx, &r.field, "field")?;
            let field = DateField::parse(f.get_ref()).ok_or_else(|| {
                ctx.invalid(
                    f.span(),
                    format!(
                        "{what}: field \"{}\" 不是日期列表 (expected one of {})",
                        f.get_ref(),
                        DateField::NAMES
                    ),
                )
            })?;
            if kind_name == "lookback" {
                let years = ctx.param(&need(ctx, &r.years, "years")?, &what)?;
                let names = ["date", "years", "since", "count"];
                messages.pass =
                    Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
                messages.fail =
                    Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
                RuleKind::Lookback { field, years }
            } else {
                let defs = r.tiers.as_ref().filter(|t| !t.is_empty()).ok_or_else(|| {
                    ctx.invalid(
                        span.clone(),
                        format!("{what}: kind \"ban\" 需要 `tiers` (required)"),
                    )
                })?;
                let mut tiers = Vec::new();
                for t in defs {
                    let td = t.get_ref();
                    if td.min_count == 0 {
                        return Err(ctx.invalid(
                            t.span(),
                            format!("{what}: min_count 至少为 1 (must be ≥ 1)"),
                        ));
                    }
                    tiers.push((td.min_count, ctx.param(&td.years, &what)?));
                }
                tiers.sort_by_key(|t| t.0);
                if tiers.windows(2).any(|w| w[0].0 == w[1].0) {
                    return Err(ctx.invalid(
                        span.clone(),
                        format!("{what}: 两个 tier 的 min_count 相同 (duplicate min_count)"),
                    ));
                }
                let names = ["count", "date", "years", "until"];
                messages.pass =
                    Some(ctx.require_template(&r.pass, &names, &what, "pass", span.clone())?);
                messages.fail =
                    Some(ctx.require_template(&r.fail, &names, &what, "fail", span.clone())?);
                messages.none =
                    Some(ctx.require_template(&r.none, &[], &what, "none", span.clone())?);
                RuleKind::Ban { field, tiers }
            }
        }
        _ => unreachable!("kind checked by allowed_keys"),
    };
    Ok(Rule {
        id,
        label: r.label.clone(),
        label_en: r.label_en.clone(),
        citation,
        kind,
        messages,
    })
}
