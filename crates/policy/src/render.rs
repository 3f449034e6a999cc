//! Writing decisions out: the contract's JSON (decision.schema.json), with a
//! plain Chinese message for every condition giving the figures compared.
//!
//! The writer is hand-rolled over precomputed fragments because a batch run
//! writes several gigabytes of decisions; everything that does not depend on
//! the household (rule ids, categories, citations) is escaped once.

use chrono::NaiveDate;

use crate::engine::{from_day_number, Decision, Evaluator, Outcome};
use crate::fixed::{fmt_ratio, Fixed4, SCALE};
use crate::household::Household;
use crate::model::*;
use crate::template::Template;

/// JSON-escapes `s` into `out` (with quotes).
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn citation_json(out: &mut Vec<u8>, c: &Citation) {
    out.extend_from_slice(b"{\"document\":");
    json_str(out, &c.document);
    out.extend_from_slice(b",\"article\":");
    json_str(out, &c.article);
    out.extend_from_slice(b",\"ref\":");
    json_str(out, &c.ref_);
    out.push(b'}');
}

/// Per-thread memory of the last message rendered for each rule. A
/// message is a function of the rule's outcome (figures included), except a
/// failed family-composition rule, which names the members; so households
/// with the same outcome — most of them, for most rules — reuse the escaped
/// bytes instead of rendering and escaping the sentence again.
#[derive(Default)]
pub struct MessageCache {
    entries: Vec<Option<(Outcome, Vec<u8>)>>,
}

/// One line of `reasons`: a rule as evaluated for a category (None = a
/// condition of every category).
struct ReasonSlot {
    rule: RuleId,
    prefix: Vec<u8>,
    suffix: Vec<u8>,
}

/// Precomputed fragments for one evaluator.
pub struct Renderer<'e, 'p> {
    ev: &'e Evaluator<'p>,
    head: Vec<u8>,
    reasons: Vec<ReasonSlot>,
    obligations: Vec<Vec<Vec<u8>>>,
    /// (category index, JSON string of its id), sorted by id as the
    /// contract requires.
    categories: Vec<(usize, Vec<u8>)>,
    basis_tail: Vec<u8>,
}

impl<'e, 'p> Renderer<'e, 'p> {
    pub fn new(ev: &'e Evaluator<'p>) -> Self {
        let p = ev.policy;
        let mut head = Vec::new();
        head.extend_from_slice(b",\"policy\":");
        json_str(&mut head, &p.id);
        head.extend_from_slice(b",\"policy_digest\":");
        json_str(&mut head, &ev.digest);
        head.extend_from_slice(b",\"as_of\":");
        json_str(&mut head, &ev.as_of.to_string());
        let mut reasons = Vec::new();
        let mut slot = |rule: RuleId, cat: Option<&str>| {
            let r = &p.rules[rule];
            let mut prefix = b"{\"rule\":".to_vec();
            json_str(&mut prefix, &r.id);
            prefix.extend_from_slice(b",\"category\":");
            match cat {
                Some(c) => json_str(&mut prefix, c),
                None => prefix.extend_from_slice(b"null"),
            }
            prefix.extend_from_slice(b",\"passed\":");
            let mut suffix = b",\"citation\":".to_vec();
            citation_json(&mut suffix, &r.citation);
            suffix.push(b'}');
            reasons.push(ReasonSlot {
                rule,
                prefix,
                suffix,
            });
        };
        for &r in &p.common_rules {
            slot(r, None);
        }
        for c in &p.categories {
            for &r in &c.rules {
                slot(r, Some(&c.id));
            }
        }
        let obligations = p
            .obligations
            .iter()
            .map(|o| {
                o.clauses
                    .iter()
                    .map(|c| {
                        let mut b = b"{\"code\":".to_vec();
                        json_str(&mut b, &o.code);
                        if let Some(d) = o.within_days {
                            b.extend_from_slice(b",\"within_days\":");
                            b.extend_from_slice(ev.value(d).fmt_trim().as_bytes());
                        }
                        b.extend_from_slice(b",\"citation\":");
                        citation_json(&mut b, &c.citation);
                        b.push(b'}');
                        b
                    })
                    .collect()
            })
            .collect();
        let mut categories: Vec<(usize, Vec<u8>)> = p
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut b = Vec::new();
                json_str(&mut b, &c.id);
                (i, b)
            })
            .collect();
        categories.sort_by(|a, b| p.categories[a.0].id.cmp(&p.categories[b.0].id));
        let mut basis_tail = Vec::new();
        basis_tail.extend_from_slice(b",\"scope\":");
        match &p.scope_citation {
            Some(c) => citation_json(&mut basis_tail, c),
            None => basis_tail.extend_from_slice(b"null"),
        }
        basis_tail.extend_from_slice(b",\"priority\":");
        match &p.priority {
            Some(pr) => citation_json(&mut basis_tail, &pr.citation),
            None => basis_tail.extend_from_slice(b"null"),
        }
        basis_tail.extend_from_slice(b"}}");
        Renderer {
            ev,
            head,
            reasons,
            obligations,
            categories,
            basis_tail,
        }
    }

    /// Writes the decision as one JSON object (no trailing newline).
    pub fn write_json(&self, h: &Household, d: &Decision, out: &mut Vec<u8>) {
        self.write_json_cached(h, d, &mut MessageCache::default(), out)
    }

    /// As [`Self::write_json`], reusing messages through `cache` (keep one
    /// cache per thread for a batch).
    pub fn write_json_cached(
        &self,
        h: &Household,
        d: &Decision,
        cache: &mut MessageCache,
        out: &mut Vec<u8>,
    ) {
        let p = self.ev.policy;
        if cache.entries.len() != p.rules.len() {
            cache.entries = vec![None; p.rules.len()];
        }
        out.extend_from_slice(b"{\"household_id\":");
        json_str(out, &h.id);
        out.extend_from_slice(&self.head);
        out.extend_from_slice(if d.eligible() {
            b",\"eligible\":true,\"categories\":["
        } else {
            b",\"eligible\":false,\"categories\":["
        });
        let mut first = true;
        for (idx, json) in &self.categories {
            if d.categories & (1 << idx) != 0 {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(json);
            }
        }
        out.extend_from_slice(b"],\"tier\":");
        match d.tier {
            Some(t) => out.extend_from_slice(t.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"scope\":");
        match d.scope {
            Some(s) => json_str(out, s.as_str()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if d.priority {
            b",\"priority\":true,\"obligations\":["
        } else {
            b",\"priority\":false,\"obligations\":["
        });
        for (i, (o, c)) in d.obligations.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&self.obligations[*o as usize][*c as usize]);
        }
        out.extend_from_slice(b"],\"reasons\":[");
        let mut msg = String::with_capacity(128);
        for (i, slot) in self.reasons.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&slot.prefix);
            let o = &d.outcomes[slot.rule];
            out.extend_from_slice(if o.passed { b"true" } else { b"false" });
            out.extend_from_slice(b",\"message\":");
            let rule = &p.rules[slot.rule];
            let cacheable = o.passed || !matches!(rule.kind, RuleKind::Composition { .. });
            match &cache.entries[slot.rule] {
                Some((co, bytes)) if cacheable && co == o => out.extend_from_slice(bytes),
                _ => {
                    msg.clear();
                    self.message_into(rule, o, h, &mut msg);
                    let start = out.len();
                    json_str(out, &msg);
                    if cacheable {
                        cache.entries[slot.rule] = Some((*o, out[start..].to_vec()));
                    }
                }
            }
            out.extend_from_slice(&slot.suffix);
        }
        out.extend_from_slice(b"],\"basis\":{\"tier\":");
        match (&p.tier_citation, d.tier) {
            (Some(c), Some(_)) => citation_json(out, c),
            _ => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(&self.basis_tail);
    }

    /// The plain Chinese sentence explaining one rule's outcome.
    pub fn message(&self, rule: RuleId, o: &Outcome, h: &Household) -> String {
        let mut s = String::new();
        self.message_into(&self.ev.policy.rules[rule], o, h, &mut s);
        s
    }

    fn message_into(&self, rule: &Rule, o: &Outcome, h: &Household, out: &mut String) {
        let m = &rule.messages;
        match &rule.kind {
            RuleKind::Facts { test } => {
                if o.passed {
                    self.facts_render(m.pass.as_ref(), test, o, out);
                } else if let Some(f) = &m.fail {
                    self.facts_render(Some(f), test, o, out);
                } else {
                    let mut parts = Vec::new();
                    self.fail_texts(test, o, &mut parts);
                    out.push_str(&parts.join("；"));
                }
            }
            RuleKind::Composition { .. } => {
                let t = if o.passed { &m.pass } else { &m.fail };
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "members" => s.push_str(&o.v[0].to_string()),
                        "offenders" => {
                            let mut first = true;
                            for (i, mem) in h.members.iter().enumerate() {
                                if o.mask & (1 << i) == 0 {
                                    continue;
                                }
                                if !first {
                                    s.push('、');
                                }
                                first = false;
                                let age = mem.age_on(self.ev.as_of);
                                s.push_str(&format!(
                                    "第{}名成员（{}，{} 周岁{}）",
                                    i + 1,
                                    mem.relation.label_zh(),
                                    age,
                                    if mem.married { "，已婚" } else { "" }
                                ));
                            }
                        }
                        _ => {}
                    });
                }
            }
            RuleKind::SingleApplicant { .. } => {
                let t = if o.mask == 0 {
                    &m.not_applicable
                } else if o.passed {
                    &m.pass
                } else {
                    &m.fail
                };
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "age" => s.push_str(&o.v[0].to_string()),
                        "limit" => s.push_str(&o.v[1].to_string()),
                        "sex" => s.push_str(if o.v[2] == 0 { "男" } else { "女" }),
                        _ => {}
                    });
                }
            }
            RuleKind::PerCapitaIncome {
                statistic,
                multiple,
                ..
            } => {
                let t = if o.passed { &m.pass } else { &m.fail };
                let (total, n, threshold) = (o.v[0], o.v[1], o.v[2]);
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "per_capita" => s.push_str(&fmt_near(total, n, threshold)),
                        "threshold" => s.push_str(&Fixed4::from_raw(threshold).fmt_decimals(2)),
                        "total" => s.push_str(&Fixed4::from_raw(total).fmt_decimals(2)),
                        "members" => s.push_str(&n.to_string()),
                        "statistic" => s.push_str(&self.ev.value(*statistic).fmt_decimals(2)),
                        "multiple" => s.push_str(
                            &multiple.map_or("1".to_string(), |p| self.ev.value(p).fmt_trim()),
                        ),
                        _ => {}
                    });
                }
            }
            RuleKind::HousingArea { .. } => {
                let (area, n, limit) = (o.v[0], o.v[1], o.v[2]);
                let t = if o.mask == 1 {
                    &m.no_home
                } else if o.passed {
                    &m.pass
                } else {
                    &m.fail
                };
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "per_capita" => s.push_str(&fmt_near(area, n, limit)),
                        "limit" => s.push_str(&Fixed4::from_raw(limit).fmt_trim()),
                        "area" => s.push_str(&Fixed4::from_raw(area).fmt_trim()),
                        "members" => s.push_str(&n.to_string()),
                        _ => {}
                    });
                }
            }
            RuleKind::Lookback { .. } => {
                let t = if o.passed { &m.pass } else { &m.fail };
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "date" => s.push_str(&date_str(o.v[0])),
                        "years" => s.push_str(&o.v[1].to_string()),
                        "since" => s.push_str(&date_str(o.v[2])),
                        "count" => s.push_str(&o.mask.to_string()),
                        _ => {}
                    });
                }
            }
            RuleKind::Ban { .. } => {
                let t = if o.mask == 0 {
                    &m.none
                } else if o.passed {
                    &m.pass
                } else {
                    &m.fail
                };
                if let Some(t) = t {
                    t.render_into(out, |name, s| match name {
                        "count" => s.push_str(&o.mask.to_string()),
                        "date" => s.push_str(&date_str(o.v[0])),
                        "years" => s.push_str(&o.v[1].to_string()),
                        "until" => s.push_str(&date_str(o.v[2])),
                        _ => {}
                    });
                }
            }
        }
    }

    fn facts_render(&self, t: Option<&Template>, test: &Test, o: &Outcome, out: &mut String) {
        let Some(t) = t else { return };
        let mut atoms = Vec::new();
        collect_num_atoms(test, &mut atoms);
        t.render_into(out, |name, s| {
            for (atom, slot, vname) in &atoms {
                if name == *vname {
                    s.push_str(&fmt_figure(vname, o.v[*slot as usize]));
                    return;
                }
                if name.strip_suffix("_limit") == Some(vname) {
                    if let Some(l) = self.ev.atom_limit(atom) {
                        s.push_str(&fmt_figure(vname, l.raw()));
                    }
                    return;
                }
            }
        });
    }

    fn fail_texts(&self, t: &Test, o: &Outcome, parts: &mut Vec<String>) {
        if passed(t, o) {
            return;
        }
        match t {
            Test::All(children, own) | Test::Any(children, own) => {
                if let Some(own) = own {
                    let mut s = String::new();
                    own.render_into(&mut s, |_, _| {});
                    parts.push(s);
                } else {
                    for c in children {
                        self.fail_texts(c, o, parts);
                    }
                }
            }
            Test::Atom {
                atom,
                num_slot,
                name,
                fail,
                ..
            } => {
                if let Some(f) = fail {
                    let mut s = String::new();
                    f.render_into(&mut s, |n, s| match n {
                        "value" => {
                            if let Some(slot) = num_slot {
                                s.push_str(&fmt_figure(name, o.v[*slot as usize]));
                            }
                        }
                        "limit" => {
                            if let Some(l) = self.ev.atom_limit(atom) {
                                s.push_str(&fmt_figure(name, l.raw()));
                            }
                        }
                        _ => {}
                    });
                    parts.push(s);
                }
            }
        }
    }
}

fn passed(t: &Test, o: &Outcome) -> bool {
    match t {
        Test::All(c, _) => c.iter().all(|x| passed(x, o)),
        Test::Any(c, _) => c.iter().any(|x| passed(x, o)),
        Test::Atom { slot, .. } => o.mask & (1 << slot) != 0,
    }
}

fn collect_num_atoms<'t>(t: &'t Test, out: &mut Vec<(&'t Atom, u8, &'static str)>) {
    match t {
        Test::All(c, _) | Test::Any(c, _) => c.iter().for_each(|x| collect_num_atoms(x, out)),
        Test::Atom {
            atom,
            num_slot: Some(s),
            name,
            ..
        } => out.push((atom, *s, name)),
        Test::Atom { .. } => {}
    }
}

/// Money in yuan with fen; counts and other measures as short as exact.
fn fmt_figure(name: &str, raw: i64) -> String {
    if name.ends_with("income_yuan") {
        Fixed4::from_raw(raw).fmt_decimals(2)
    } else {
        Fixed4::from_raw(raw).fmt_trim()
    }
}

/// `num / n` (raw Fixed4 over a count) with two decimals — or four when two
/// would print it equal to `other` while it is not, so a message never reads
/// "20.00㎡，超过 20㎡".
fn fmt_near(num: i64, n: i64, other: i64) -> String {
    let n = n.max(1);
    let den = i128::from(n) * i128::from(SCALE);
    let s2 = fmt_ratio(i128::from(num), den, 2);
    let exact_equal = i128::from(num) == i128::from(other) * i128::from(n);
    if !exact_equal && s2 == Fixed4::from_raw(other).fmt_decimals(2) {
        fmt_ratio(i128::from(num), den, 4)
    } else {
        s2
    }
}

fn date_str(day: i64) -> String {
    from_day_number(day).map_or_else(String::new, |d: NaiveDate| d.to_string())
}
