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

/// What is wrong with a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// TOML syntax, a missing required key, a wrong type, or an unknown key.
    Syntax(String),
    UnknownKey(String),
    /// A rule, category, obligation or parameter value with no (or an
    /// incomplete) citation.
    MissingCitation {
        what: String,
        missing: &'static str,
    },
    BadRef {
        what: String,
        value: String,
    },
    /// Two values of one parameter in force on the same day.
    OverlappingDates {
        param: String,
        first: NaiveDate,
        second: NaiveDate,
    },
    /// A rule refers to a parameter that is not defined.
    UndefinedParameter {
        name: String,
        used_by: String,
    },
    UndefinedRule {
        name: String,
        used_by: String,
    },
    UndefinedCategory {
        name: String,
        used_by: String,
    },
    Duplicate {
        what: &'static str,
        id: String,
    },
    /// Anything else that makes the file meaningless (wrong kind settings,
    /// bad units, invalid dates, message placeholders…).
    Invalid(String),
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadErrorKind::Syntax(m) => write!(f, "格式错误 (syntax): {m}"),
            LoadErrorKind::UnknownKey(m) => write!(f, "未知的键 (unknown key): {m}"),
            LoadErrorKind::MissingCitation { what, missing } => write!(
                f,
                "{what} 缺少出处 (citation is missing `{missing}`: every rule and value must cite its article)"
            ),
            LoadErrorKind::BadRef { what, value } => write!(
                f,
                "{what} 的 ref \"{value}\" 无效 (ref must be dotted Arabic numbers such as 10.1.3)"
            ),
            LoadErrorKind::OverlappingDates { param, first, second } => write!(
                f,
                "参数 {param} 的取值日期重叠 (overlapping date ranges: the value from {second} starts before the value from {first} ends)"
            ),
            LoadErrorKind::UndefinedParameter { name, used_by } => write!(
                f,
                "{used_by} 引用的参数 {name} 未定义 (parameter `{name}` is used but not defined under [parameters])"
            ),
            LoadErrorKind::UndefinedRule { name, used_by } => {
                write!(f, "{used_by} 引用的规则 {name} 未定义 (rule `{name}` is not defined)")
            }
            LoadErrorKind::UndefinedCategory { name, used_by } => write!(
                f,
                "{used_by} 引用的类别 {name} 未定义 (category `{name}` is not defined)"
            ),
            LoadErrorKind::Duplicate { what, id } => {
                write!(f, "{what} {id} 重复定义 (defined twice)")
            }
            LoadErrorKind::Invalid(m) => write!(f, "{m}"),
        }
    }
}

/// A policy file that cannot be loaded, with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub kind: LoadErrorKind,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.kind
        )
    }
}

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

fn test_has_fail_texts(t: &Test) -> bool {
    match t {
        Test::All(children, own) => own.is_some() || children.iter().all(test_has_fail_texts),
        Test::Any(_, own) => own.is_some(),
        Test::Atom { fail, .. } => fail.is_some(),
    }
}

/// Numbering of atoms inside one facts rule, and the placeholder names its
/// numeric atoms provide to the rule's own messages.
#[derive(Default)]
pub(crate) struct Slots {
    next: u8,
    next_num: u8,
    names: Vec<(&'static str, &'static str)>,
    unlabelled: bool,
}

impl Slots {
    fn unlabelled() -> Self {
        Slots {
            unlabelled: true,
            ..Default::default()
        }
    }
}

pub(crate) const MAX_NUM_SLOTS: u8 = 3;

fn applicant_field(name: &str) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match name {
        "resident" => ABool(ApplicantBool::Resident),
        "hukou_local" => ABool(ApplicantBool::HukouLocal),
        "married" => ABool(ApplicantBool::Married),
        "full_civil_capacity" => ABool(ApplicantBool::FullCivilCapacity),
        "labor_contract" => ABool(ApplicantBool::LaborContract),
        "residence_registration" => ABool(ApplicantBool::ResidenceRegistration),
        "workplace_township" => ABool(ApplicantBool::WorkplaceTownship),
        "provident_fund" => ABool(ApplicantBool::ProvidentFund),
        "age" => ANum(ApplicantNum::Age, "age", "age_limit"),
        "residence_years" => ANum(
            ApplicantNum::ResidenceYears,
            "residence_years",
            "residence_years_limit",
        ),
        "social_insurance_months" => ANum(
            ApplicantNum::SocialInsuranceMonths,
            "social_insurance_months",
            "social_insurance_months_limit",
        ),
        "annual_income_yuan" => ANum(
            ApplicantNum::AnnualIncome,
            "annual_income_yuan",
            "annual_income_yuan_limit",
        ),
        "service_pledge_years" => ANum(
            ApplicantNum::ServicePledgeYears,
            "service_pledge_years",
            "service_pledge_years_limit",
        ),
        "degree" => AEnum(ApplicantEnum::Degree),
        "university" => AEnum(ApplicantEnum::University),
        "employment" => AEnum(ApplicantEnum::Employment),
        "occupation" => AEnum(ApplicantEnum::Occupation),
        "talent" => AEnum(ApplicantEnum::Talent),
        "sex" => AEnum(ApplicantEnum::Sex),
        _ => return None,
    })
}

fn household_field(name: &str) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match name {
        "history.policy_housing" => HBool(HouseholdBool::PolicyHousing),
        "history.affordable_housing_received" => HBool(HouseholdBool::AffordableHousingReceived),
        "history.affordable_housing_exited" => HBool(HouseholdBool::AffordableHousingExited),
        "history.fraud" => HBool(HouseholdBool::Fraud),
        "housing.owned_homes" => HNum(HouseholdNum::OwnedHomes, "owned_homes", "owned_homes_limit"),
        "housing.owned_floor_area_m2" => HNum(
            HouseholdNum::OwnedFloorArea,
            "owned_floor_area_m2",
            "owned_floor_area_m2_limit",
        ),
        "housing.affordable_homes_owned" => HNum(
            HouseholdNum::AffordableHomesOwned,
            "affordable_homes_owned",
            "affordable_homes_owned_limit",
        ),
        "members" => HNum(HouseholdNum::Members, "members", "members_limit"),
        "total_income_yuan" => HNum(
            HouseholdNum::TotalIncome,
            "total_income_yuan",
            "total_income_yuan_limit",
        ),
        "provident_fund_contributors" => HNum(
            HouseholdNum::ProvidentFundContributors,
            "provident_fund_contributors",
            "provident_fund_contributors_limit",
        ),
        "current_benefits" => HSet(HouseholdSet::CurrentBenefits),
        "special" => HSet(HouseholdSet::Special),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum FieldKind {
    ABool(ApplicantBool),
    ANum(ApplicantNum, &'static str, &'static str),
    AEnum(ApplicantEnum),
    HBool(HouseholdBool),
    HNum(HouseholdNum, &'static str, &'static str),
    HSet(HouseholdSet),
}

const APPLICANT_FIELDS: &str = "resident, hukou_local, married, full_civil_capacity, labor_contract, residence_registration, workplace_township, provident_fund, age, residence_years, social_insurance_months, annual_income_yuan, service_pledge_years, employment, occupation, talent, sex, degree, university";
const HOUSEHOLD_FIELDS: &str = "history.policy_housing, history.affordable_housing_received, history.affordable_housing_exited, history.fraud, housing.owned_homes, housing.owned_floor_area_m2, housing.affordable_homes_owned, members, total_income_yuan, provident_fund_contributors, current_benefits, special";

/// Value spellings of the closed enums, in the order `engine::enum_index` uses.
pub(crate) fn enum_values(e: ApplicantEnum) -> Option<&'static [&'static str]> {
    match e {
        ApplicantEnum::Employment => Some(&[
            "employee",
            "flexible",
            "new_form",
            "self_employed",
            "unemployed",
            "retired",
        ]),
        ApplicantEnum::Talent => Some(&["high_level", "certified", "none"]),
        ApplicantEnum::Sex => Some(&["male", "female"]),
        ApplicantEnum::Degree => Some(crate::household::Degree::NAMES),
        ApplicantEnum::University => Some(crate::household::University::NAMES),
        // Occupation is free text in the contract ("or any other word").
        ApplicantEnum::Occupation => None,
    }
}

fn compile_test(
    ctx: &mut Ctx,
    t: &TestDef,
    span: Range<usize>,
    what: &str,
    slots: &mut Slots,
) -> Result<Test, LoadError> {
    let combos = t.all.is_some() as u8 + t.any.is_some() as u8;
    let subjects = t.applicant.is_some() as u8 + t.household.is_some() as u8;
    if combos + subjects != 1 {
        return Err(ctx.invalid(
            span,
            format!("{what}: 每个条件须恰好写一个 all、any、applicant 或 household (a test needs exactly one of all / any / applicant / household)"),
        ));
    }
    let fail_names: &[&str] = &["value", "limit"];
    if let Some(list) = t.all.as_ref().or(t.any.as_ref()) {
        let mut children = Vec::new();
        for c in list {
            children.push(compile_test(ctx, c.get_ref(), c.span(), what, slots)?);
        }
        if children.is_empty() {
            return Err(ctx.invalid(span, format!("{what}: all/any 不能为空 (empty list)")));
        }
        let own = ctx.template(&t.fail, &[], what)?;
        return Ok(if t.all.is_some() {
            Test::All(children, own)
        } else {
            Test::Any(children, own)
        });
    }
    let (field_name, field) = if let Some(a) = &t.applicant {
        let f = applicant_field(a.get_ref()).ok_or_else(|| {
            ctx.invalid(
                a.span(),
                format!(
                    "{what}: applicant 字段 \"{}\" 未知 (known: {APPLICANT_FIELDS})",
                    a.get_ref()
                ),
            )
        })?;
        (a, f)
    } else {
        let h = t
            .household
            .as_ref()
            .expect("checked above: exactly one subject");
        let f = household_field(h.get_ref()).ok_or_else(|| {
            ctx.invalid(
                h.span(),
                format!(
                    "{what}: household 字段 \"{}\" 未知 (known: {HOUSEHOLD_FIELDS})",
                    h.get_ref()
                ),
            )
        })?;
        (h, f)
    };
    let fname = field_name.get_ref().clone();
    let ops = [
        ("is", t.is.is_some()),
        ("in", t.in_.is_some()),
        ("not_in", t.not_in.is_some()),
        ("any_of", t.any_of.is_some()),
        ("none_of", t.none_of.is_some()),
        ("at_least", t.at_least.is_some()),
        ("at_most", t.at_most.is_some()),
        ("less_than", t.less_than.is_some()),
    ];
    let given: Vec<&str> = ops.iter().filter(|o| o.1).map(|o| o.0).collect();
    if given.len() != 1 {
        return Err(ctx.invalid(
            field_name.span(),
            format!(
                "{what}: 条件 {fname} 须恰好写一个比较 (exactly one comparison; found {})",
                if given.is_empty() {
                    "none".to_string()
                } else {
                    given.join(", ")
                }
            ),
        ));
    }
    let op = given[0];
    let wrong = |ctx: &Ctx, expected: &str| {
        ctx.invalid(
            field_name.span(),
            format!("{what}: 字段 {fname} 不能用 `{op}` 比较 (use {expected})"),
        )
    };
    let mut num_slot = None;
    let mut placeholder = None;
    let atom = match field {
        FieldKind::ABool(b) => match t.is {
            Some(v) => Atom::ApplicantBool(b, v),
            None => return Err(wrong(ctx, "is = true/false")),
        },
        FieldKind::HBool(b) => match t.is {
            Some(v) => Atom::HouseholdBool(b, v),
            None => return Err(wrong(ctx, "is = true/false")),
        },
        FieldKind::AEnum(e) => {
            let (list, negate) = match (&t.in_, &t.not_in) {
                (Some(l), None) => (l, false),
                (None, Some(l)) => (l, true),
                _ => return Err(wrong(ctx, "in = [...] or not_in = [...]")),
            };
            if let Some(known) = enum_values(e) {
                if let Some(bad) = list.iter().find(|v| !known.contains(&v.as_str())) {
                    return Err(ctx.invalid(
                        field_name.span(),
                        format!(
                            "{what}: {fname} 的取值 \"{bad}\" 未知 (known: {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
            let mask = enum_values(e).map_or(0, |known| {
                list.iter()
                    .filter_map(|v| known.iter().position(|k| k == v))
                    .fold(0u32, |m, i| m | 1 << i)
            });
            Atom::ApplicantEnum {
                field: e,
                values: list.clone(),
                mask,
                negate,
            }
        }
        FieldKind::HSet(s) => {
            let (list, negate) = match (&t.any_of, &t.none_of) {
                (Some(l), None) => (l, false),
                (None, Some(l)) => (l, true),
                _ => return Err(wrong(ctx, "any_of = [...] or none_of = [...]")),
            };
            let names: &[&str] = match s {
                HouseholdSet::CurrentBenefits => &BENEFITS,
                HouseholdSet::Special => &SPECIALS,
            };
            let mut mask = 0u8;
            for v in list {
                let i = names.iter().position(|n| n == v).ok_or_else(|| {
                    ctx.invalid(
                        field_name.span(),
                        format!(
                            "{what}: {fname} 的取值 \"{v}\" 未知 (known: {})",
                            names.join(", ")
                        ),
                    )
                })?;
                mask |= 1 << i;
            }
            Atom::HouseholdSet(s, mask, negate)
        }
        FieldKind::ANum(_, vname, lname) | FieldKind::HNum(_, vname, lname) => {
            let (nop, n) = match (&t.at_least, &t.at_most, &t.less_than) {
                (Some(n), None, None) => (NumOp::AtLeast, n),
                (None, Some(n), None) => (NumOp::AtMost, n),
                (None, None, Some(n)) => (NumOp::LessThan, n),
                _ => return Err(wrong(ctx, "at_least, at_most or less_than")),
            };
            let num = match n.get_ref() {
                NumOrParam::Num(l) => Num::Lit(Fixed4::from_f64(l.as_f64()).ok_or_else(|| {
                    ctx.invalid(n.span(), format!("{what}: 数值无效 (invalid number)"))
                })?),
                NumOrParam::Param(p) => {
                    Num::Param(ctx.param(&Spanned::new(n.span(), p.clone()), what)?)
                }
            };
            if !slots.unlabelled {
                if slots.next_num >= MAX_NUM_SLOTS {
                    return Err(ctx.invalid(
                        field_name.span(),
                        format!("{what}: 一条规则最多 {MAX_NUM_SLOTS} 个数值条件 (at most {MAX_NUM_SLOTS} numeric tests per rule)"),
                    ));
                }
                num_slot = Some(slots.next_num);
                slots.next_num += 1;
                placeholder = Some((vname, lname));
            }
            match field {
                FieldKind::ANum(f, ..) => Atom::ApplicantNum(f, nop, num),
                FieldKind::HNum(f, ..) => Atom::HouseholdNum(f, nop, num),
                _ => unreachable!(),
            }
        }
    };
    if slots.next >= 32 {
        return Err(ctx.invalid(
            field_name.span(),
            format!("{what}: 一条规则最多 32 个条件 (at most 32 tests)"),
        ));
    }
    let slot = slots.next;
    slots.next += 1;
    if let Some(p) = placeholder {
        slots.names.push(p);
    }
    let allowed: &[&str] = if num_slot.is_some() { fail_names } else { &[] };
    let fail = ctx.template(&t.fail, allowed, what)?;
    let name: &'static str = match field {
        FieldKind::ANum(_, v, _) | FieldKind::HNum(_, v, _) => v,
        _ => "",
    };
    Ok(Test::Atom {
        atom,
        slot,
        num_slot,
        name,
        fail,
    })
}
