//! The talent office's additions to the university lists of
//! 阳政办发〔2022〕39号 二（三）. The shipped lists
//! (`policies/subsidies/universities.toml`) are documented subsets; the
//! office completes them from the official notices, and each addition
//! carries the list it joins, its names and the source the official read it
//! from (title, URL or 文号, effective date). This module checks a proposed
//! addition field by field, finds where a name is already listed (shipped
//! or added: an addition never overwrites), and looks a university up in
//! the shipped lists and the additions together. Pure: the store keeps the
//! additions, the server runs these checks.

use chrono::NaiveDate;

use crate::universities::{normalise, Universities, UniversityList};

/// Longest shown (Chinese) name, other name, source title and reference.
pub const NAME_MAX: usize = 80;
pub const OTHER_NAME_MAX: usize = 120;
/// At most this many other names (English, former names, …).
pub const OTHER_NAMES_MAX: usize = 5;
pub const SOURCE_TITLE_MAX: usize = 200;
pub const SOURCE_REF_MAX: usize = 300;
pub const REASON_MAX: usize = 200;

/// An addition as the lookups need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addition {
    /// `UA-…`.
    pub id: String,
    /// The list's key (`double_first_class`, `world_top200`).
    pub list: String,
    /// Its names; the first is the one shown.
    pub names: Vec<String>,
    /// The source's effective date: the entry counts from that day.
    pub effective: NaiveDate,
    /// Withdrawn entries are kept (and shown) but never count.
    pub withdrawn: bool,
}

/// A proposed addition as typed: a form, a JSON body or one file line.
#[derive(Debug, Clone, Default)]
pub struct Draft<'a> {
    /// The list: its key, its Chinese name, or 双一流 / 世界前200名.
    pub list: &'a str,
    /// The name shown (Chinese where there is one).
    pub name_zh: &'a str,
    /// Other names (English, former), separated by ；, ; or |.
    pub other_names: &'a str,
    pub source_title: &'a str,
    /// The source's URL or 文号.
    pub source_ref: &'a str,
    /// The source's effective date (YYYY-MM-DD; 2025/6/19 and 2025年6月19日 read too).
    pub effective: &'a str,
}

/// A proposed addition that passed every field check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    pub list: String,
    pub names: Vec<String>,
    pub source_title: String,
    pub source_ref: String,
    pub effective: NaiveDate,
}

impl Proposed {
    /// The normalised shown name: the store's last defence against a
    /// duplicate on one list.
    pub fn name_key(&self) -> String {
        normalise(self.names.first().map(String::as_str).unwrap_or(""))
    }
}

/// A field's problem, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `list`, `name_zh`, `other_names`, `source_title`, `source_ref` or `effective`.
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

fn problem(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem {
        field,
        zh: zh.into(),
        en: en.into(),
    }
}

/// The list a cell names: its key, its Chinese or English name, or the
/// short names officials write.
pub fn parse_list<'a>(s: &str, lists: &'a Universities) -> Option<&'a UniversityList> {
    let s = s.trim();
    let short = match s {
        "双一流" | "国内双一流" | "“双一流”" | "双一流高校" => {
            Some("double_first_class")
        }
        "世界前200" | "世界前200名" | "世界排名前200名" | "境外前200名" => {
            Some("world_top200")
        }
        _ => None,
    };
    lists
        .lists
        .iter()
        .find(|l| Some(l.key.as_str()) == short || l.key == s || l.zh == s || l.en == s)
}

/// A day as officials write it: 2025-06-19, 2025/6/19, 2025.6.19 or 2025年6月19日.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let t = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (
        y.trim().parse::<i32>().ok()?,
        m.trim().parse::<u32>().ok()?,
        d.trim().parse::<u32>().ok()?,
    );
    if !(1990..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Other names, one per ；, ; | or line (a comma belongs to names such as
/// "University of California, Berkeley").
pub fn split_names(s: &str) -> Vec<String> {
    s.split(['；', ';', '|', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_url_like(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http") || l.starts_with("www.")
}

fn good_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    let rest = l
        .strip_prefix("https://")
        .or_else(|| l.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        host.contains('.') && !r.chars().any(char::is_whitespace)
    })
}

/// Every problem of a proposed addition, each naming its field; or the
/// addition, checked.
pub fn check(d: &Draft<'_>, lists: &Universities) -> Result<Proposed, Vec<Problem>> {
    let mut out = Vec::new();
    let list = if d.list.trim().is_empty() {
        out.push(problem(
            "list",
            "请选择名单（国内“双一流”或世界前200名）",
            "choose the list (Double First-Class or world top 200)",
        ));
        None
    } else {
        let l = parse_list(d.list, lists);
        if l.is_none() {
            let keys: Vec<&str> = lists.lists.iter().map(|l| l.key.as_str()).collect();
            out.push(problem(
                "list",
                format!(
                    "名单“{}”不存在，应为 双一流、世界前200名 或 {}",
                    d.list.trim(),
                    keys.join("、")
                ),
                format!("no list “{}”: one of {}", d.list.trim(), keys.join(", ")),
            ));
        }
        l
    };
    let name = d.name_zh.trim();
    if name.is_empty() || normalise(name).is_empty() {
        out.push(problem(
            "name_zh",
            "请填写高校名称（中文）",
            "enter the university's name (Chinese)",
        ));
    } else if name.chars().count() > NAME_MAX {
        out.push(problem(
            "name_zh",
            format!("高校名称不能超过 {NAME_MAX} 个字"),
            format!("at most {NAME_MAX} characters"),
        ));
    }
    let others = split_names(d.other_names);
    if others.len() > OTHER_NAMES_MAX {
        out.push(problem(
            "other_names",
            format!("其他名称最多 {OTHER_NAMES_MAX} 个（以“；”分隔）"),
            format!("at most {OTHER_NAMES_MAX} other names (separated by ;)"),
        ));
    } else if let Some(long) = others.iter().find(|n| n.chars().count() > OTHER_NAME_MAX) {
        out.push(problem(
            "other_names",
            format!("名称“{long}”超过 {OTHER_NAME_MAX} 个字"),
            format!("the name “{long}” is over {OTHER_NAME_MAX} characters"),
        ));
    }
    let title = d.source_title.trim();
    if title.is_empty() {
        out.push(problem(
            "source_title",
            "请填写来源文件名称（如 教育部关于公布……名单的通知）",
            "enter the source document's title",
        ));
    } else if title.chars().count() > SOURCE_TITLE_MAX {
        out.push(problem(
            "source_title",
            format!("来源文件名称不能超过 {SOURCE_TITLE_MAX} 个字"),
            format!("at most {SOURCE_TITLE_MAX} characters"),
        ));
    }
    let reference = d.source_ref.trim();
    if reference.is_empty() {
        out.push(problem(
            "source_ref",
            "请填写来源网址或文号（如 教研函〔2022〕1号）",
            "enter the source's URL or document number",
        ));
    } else if reference.chars().count() > SOURCE_REF_MAX {
        out.push(problem(
            "source_ref",
            format!("网址或文号不能超过 {SOURCE_REF_MAX} 个字"),
            format!("at most {SOURCE_REF_MAX} characters"),
        ));
    } else if is_url_like(reference) && !good_url(reference) {
        out.push(problem(
            "source_ref",
            format!("网址“{reference}”无效，应以 http:// 或 https:// 开头且不含空格"),
            format!("“{reference}” is not a URL starting with http:// or https://"),
        ));
    }
    let effective = parse_day(d.effective);
    if effective.is_none() {
        out.push(problem(
            "effective",
            if d.effective.trim().is_empty() {
                "请填写来源的生效日期（YYYY-MM-DD）".to_owned()
            } else {
                format!("生效日期“{}”无效，应为 YYYY-MM-DD", d.effective.trim())
            },
            "enter the source's effective date (YYYY-MM-DD)",
        ));
    }
    match (list, effective, out.is_empty()) {
        (Some(l), Some(effective), true) => {
            let mut names = vec![name.to_owned()];
            for n in others {
                if !names.iter().any(|m| normalise(m) == normalise(&n)) {
                    names.push(n);
                }
            }
            Ok(Proposed {
                list: l.key.clone(),
                names,
                source_title: title.to_owned(),
                source_ref: reference.to_owned(),
                effective,
            })
        }
        _ => Err(out),
    }
}

/// Where one of a proposed entry's names is already listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held<'a> {
    pub list: &'a UniversityList,
    /// The name as that list writes it (its shown name).
    pub name: String,
    /// The addition that holds it; `None` for the shipped list.
    pub addition: Option<String>,
}

impl Held<'_> {
    /// "已在《…》名单中（…）", for a report.
    pub fn zh(&self) -> String {
        match &self.addition {
            None => format!(
                "已在{}名单中（“{}”，随系统发布的名单），未重复添加",
                self.list.zh, self.name
            ),
            Some(id) => format!(
                "已在{}名单中（“{}”，补录 {id}），未重复添加",
                self.list.zh, self.name
            ),
        }
    }

    pub fn en(&self) -> String {
        match &self.addition {
            None => format!(
                "already on the list {} (“{}”, shipped list); not added again",
                self.list.en, self.name
            ),
            Some(id) => format!(
                "already on the list {} (“{}”, addition {id}); not added again",
                self.list.en, self.name
            ),
        }
    }
}

/// The first list (shipped or added, whatever its effective date) that
/// already holds one of `names`: a university is on one list once, and the
/// two lists exclude each other (mainland vs outside the mainland), so a
/// name on either list is a duplicate. Withdrawn additions do not hold.
pub fn already_held<'a>(
    lists: &'a Universities,
    additions: &'a [Addition],
    names: &[String],
) -> Option<Held<'a>> {
    let wanted: Vec<String> = names
        .iter()
        .map(|n| normalise(n))
        .filter(|n| !n.is_empty())
        .collect();
    let hit = |list: &[String]| list.iter().any(|n| wanted.contains(&normalise(n)));
    for l in &lists.lists {
        if let Some(u) = l.universities.iter().find(|u| hit(u)) {
            return Some(Held {
                list: l,
                name: u.first().cloned().unwrap_or_default(),
                addition: None,
            });
        }
    }
    additions
        .iter()
        .filter(|a| !a.withdrawn && hit(&a.names))
        .find_map(|a| {
            Some(Held {
                list: lists.list(&a.list)?,
                name: a.names.first().cloned().unwrap_or_default(),
                addition: Some(a.id.clone()),
            })
        })
}

/// What a lookup found: the list, the name as listed, and the addition
/// when the office added it (`None`: the shipped list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<'a> {
    pub list: &'a UniversityList,
    pub name: &'a str,
    pub addition: Option<&'a Addition>,
}

/// Looks `name` up on `day` in the shipped lists, then in the additions in
/// effect (not withdrawn, effective on or before `day`).
pub fn find<'a>(
    lists: &'a Universities,
    additions: &'a [Addition],
    name: &str,
    day: NaiveDate,
) -> Option<Listed<'a>> {
    if let Some(f) = lists.find(name, day) {
        return Some(Listed {
            list: f.list,
            name: f.name,
            addition: None,
        });
    }
    let want = normalise(name);
    if want.is_empty() {
        return None;
    }
    additions
        .iter()
        .filter(|a| !a.withdrawn && a.effective <= day)
        .find(|a| a.names.iter().any(|n| normalise(n) == want))
        .and_then(|a| {
            Some(Listed {
                list: lists.list(&a.list)?,
                name: a.names.first()?.as_str(),
                addition: Some(a),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).expect("day")
    }

    fn draft<'a>(list: &'a str, name: &'a str, effective: &'a str) -> Draft<'a> {
        Draft {
            list,
            name_zh: name,
            other_names: "",
            source_title:
                "教育部 财政部 国家发展改革委关于公布第二轮“双一流”建设高校及建设学科名单的通知",
            source_ref: "教研函〔2022〕1号",
            effective,
        }
    }

    fn lists() -> &'static Universities {
        Universities::builtin().expect("parses")
    }

    #[test]
    fn a_good_draft_is_checked_into_an_addition() {
        let d = Draft {
            other_names: "Example Univ ; 示例大学 ；Example Univ",
            ..draft("双一流", "示例大学", "2022/2/14")
        };
        let p = check(&d, lists()).expect("good");
        assert_eq!(p.list, "double_first_class");
        // The shown name first; a repeat (after normalising) is dropped.
        assert_eq!(p.names, ["示例大学", "Example Univ"]);
        assert_eq!(p.effective, day("2022-02-14"));
        assert_eq!(
            check(&draft("world_top200", "x", "2024年6月4日"), lists())
                .map(|p| (p.list, p.effective)),
            Ok(("world_top200".to_owned(), day("2024-06-04")))
        );
    }

    #[test]
    fn every_bad_field_is_reported_beside_itself() {
        let d = Draft {
            list: "985",
            name_zh: " ",
            other_names: "",
            source_title: "",
            source_ref: "http://exa mple",
            effective: "2022-02-30",
        };
        let fields: Vec<&str> = check(&d, lists())
            .expect_err("bad")
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            ["list", "name_zh", "source_title", "source_ref", "effective"]
        );
        let long = "名".repeat(NAME_MAX + 1);
        let e = check(&draft("双一流", &long, "2022-02-14"), lists()).expect_err("long");
        assert_eq!(e[0].field, "name_zh");
        let e = check(
            &Draft {
                source_ref: "",
                ..draft("", "示例大学", "")
            },
            lists(),
        )
        .expect_err("empty");
        let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["list", "source_ref", "effective"]);
        // A URL must be one; a 文号 is free text.
        assert!(check(
            &Draft {
                source_ref: "https://www.moe.gov.cn/a.html",
                ..draft("双一流", "示例大学", "2022-02-14")
            },
            lists()
        )
        .is_ok());
    }

    #[test]
    fn a_name_already_listed_is_found_on_its_list() {
        let adds = [Addition {
            id: "UA-1".into(),
            list: "world_top200".into(),
            names: vec![
                "示例理工大学".into(),
                "Example Institute of Technology".into(),
            ],
            effective: day("2025-06-19"),
            withdrawn: false,
        }];
        let held = |names: &[&str]| {
            let v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            already_held(lists(), &adds, &v).map(|h| (h.list.key.clone(), h.addition))
        };
        assert_eq!(
            held(&["新名字", "山西大学"]),
            Some(("double_first_class".into(), None))
        );
        assert_eq!(
            held(&["the example institute of technology"]),
            Some(("world_top200".into(), Some("UA-1".into())))
        );
        assert_eq!(held(&["另一所大学"]), None);
        let withdrawn = [Addition {
            withdrawn: true,
            ..adds[0].clone()
        }];
        let v = vec!["示例理工大学".to_owned()];
        assert_eq!(already_held(lists(), &withdrawn, &v), None);
    }

    #[test]
    fn lookups_read_the_additions_in_effect() {
        let adds = [Addition {
            id: "UA-1".into(),
            list: "world_top200".into(),
            names: vec![
                "示例理工大学".into(),
                "Example Institute of Technology".into(),
            ],
            effective: day("2025-06-19"),
            withdrawn: false,
        }];
        let found = find(
            lists(),
            &adds,
            "Example Institute of Technology",
            day("2026-01-01"),
        )
        .expect("found");
        assert_eq!(found.name, "示例理工大学");
        assert_eq!(found.list.key, "world_top200");
        assert_eq!(found.addition.map(|a| a.id.as_str()), Some("UA-1"));
        // Not before its source took effect; not once withdrawn.
        assert!(find(lists(), &adds, "示例理工大学", day("2025-06-18")).is_none());
        let w = [Addition {
            withdrawn: true,
            ..adds[0].clone()
        }];
        assert!(find(lists(), &w, "示例理工大学", day("2026-01-01")).is_none());
        // The shipped list first, with no addition.
        let f = find(lists(), &adds, "山西大学", day("2026-01-01")).expect("shipped");
        assert!(f.addition.is_none());
    }
}
