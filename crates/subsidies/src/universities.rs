//! The university lists of 阳政办发〔2022〕39号 二（三） ("世界排名前200名的一流
//! 大学（不含境内）和教育部公布的国内“双一流”高校（学科）") as dated data with
//! their sources (`policies/subsidies/universities.toml`). The talent
//! office's verification looks an applicant's university up here; a
//! university claimed as top but on no list is refused with the article and
//! the lists' sources.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::cite::{Cite, YANGQUAN_2022};

/// The article the lists serve.
pub const TALENT_UNIVERSITIES: Cite = Cite {
    document: YANGQUAN_2022,
    article: "二（三）",
    ref_: "2.3",
    quote: "对全职引进世界排名前200名的一流大学（不含境内）和教育部公布的国内“双一流”高校（学科）的全日制博士研究生、硕士研究生、本科生……给予购房补贴",
};

const FILE: &str = include_str!("../../../policies/subsidies/universities.toml");

/// One list with its source.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniversityList {
    /// `double_first_class` or `world_top200`.
    pub key: String,
    pub zh: String,
    pub en: String,
    /// The day the list took effect.
    pub effective: NaiveDate,
    pub source_title: String,
    pub source_url: String,
    /// Each university's names (the first is the one shown).
    pub universities: Vec<Vec<String>>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Universities {
    pub id: String,
    /// False while the lists are documented subsets of the published ones.
    pub complete: bool,
    pub lists: Vec<UniversityList>,
}

/// Where a university was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub list: &'a UniversityList,
    /// The name as the list writes it.
    pub name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("university list file: {0}")]
    Parse(String),
    #[error("university list {0}: no source title or URL")]
    NoSource(String),
    #[error("university list {list}: an empty entry")]
    Empty { list: String },
}

/// Case, spaces, a leading "the", commas, full-width brackets: what people
/// write differently for the same name.
pub fn normalise(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    lower
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，' && *c != '·')
        .collect()
}

impl Universities {
    pub fn parse(text: &str) -> Result<Universities, ListError> {
        let u: Universities = toml::from_str(text).map_err(|e| ListError::Parse(e.to_string()))?;
        for l in &u.lists {
            if l.source_title.trim().is_empty() || l.source_url.trim().is_empty() {
                return Err(ListError::NoSource(l.key.clone()));
            }
            if l.universities
                .iter()
                .any(|names| names.iter().all(|n| n.trim().is_empty()))
            {
                return Err(ListError::Empty {
                    list: l.key.clone(),
                });
            }
        }
        Ok(u)
    }

    /// The shipped lists.
    pub fn builtin() -> Result<&'static Universities, ListError> {
        static U: OnceLock<Result<Universities, ListError>> = OnceLock::new();
        U.get_or_init(|| Universities::parse(FILE))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The list and name a university is on, on `day` (a list not yet in
    /// effect does not count).
    pub fn find(&self, name: &str, day: NaiveDate) -> Option<Found<'_>> {
        let want = normalise(name);
        if want.is_empty() {
            return None;
        }
        self.lists
            .iter()
            .filter(|l| l.effective <= day)
            .find_map(|l| {
                l.universities
                    .iter()
                    .find(|names| names.iter().any(|n| normalise(n) == want))
                    .and_then(|names| names.first())
                    .map(|n| Found { list: l, name: n })
            })
    }

    /// The list with key `key`.
    pub fn list(&self, key: &str) -> Option<&UniversityList> {
        self.lists.iter().find(|l| l.key == key)
    }

    /// "title (URL), effective …; …": the sources, for a refusal.
    pub fn sources(&self) -> String {
        self.lists
            .iter()
            .map(|l| format!("{}（{}，{} 起）", l.source_title, l.source_url, l.effective))
            .collect::<Vec<_>>()
            .join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_shipped_lists_parse_with_their_sources_and_dates() {
        let u = Universities::builtin().expect("parses");
        assert!(!u.complete, "the lists are documented subsets");
        let keys: Vec<&str> = u.lists.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, ["double_first_class", "world_top200"]);
        let dfc = &u.lists[0];
        assert_eq!(dfc.effective, day("2022-02-14"));
        assert!(dfc.source_title.contains("教研函〔2022〕1号"));
        assert!(dfc.source_url.starts_with("http://www.moe.gov.cn/"));
    }

    #[test]
    fn lookups_tolerate_spelling_and_respect_the_effective_date() {
        let u = Universities::builtin().expect("parses");
        let on = day("2026-01-01");
        assert_eq!(
            u.find("山西大学", on).map(|f| f.list.key.as_str()),
            Some("double_first_class")
        );
        assert_eq!(
            u.find(" 太原理工大学 ", on).map(|f| f.name),
            Some("太原理工大学")
        );
        assert_eq!(
            u.find("the university of hong kong", on).map(|f| f.name),
            Some("香港大学")
        );
        assert_eq!(
            u.find("University of California Berkeley", on)
                .map(|f| f.name),
            Some("加州大学伯克利分校")
        );
        assert_eq!(
            u.find("中国石油大学(华东)", on).map(|f| f.name),
            Some("中国石油大学（华东）")
        );
        assert!(u.find("阳泉职业技术学院", on).is_none());
        assert!(u.find("", on).is_none());
        // Before the second round took effect, its list does not count.
        assert!(u.find("山西大学", day("2022-02-13")).is_none());
    }

    #[test]
    fn a_list_without_its_source_is_refused() {
        let bad = "id = \"x\"\ncomplete = true\n[[lists]]\nkey = \"k\"\nzh = \"z\"\nen = \"e\"\neffective = \"2022-01-01\"\nsource_title = \"\"\nsource_url = \"u\"\nuniversities = [[\"a\"]]\n";
        assert_eq!(
            Universities::parse(bad),
            Err(ListError::NoSource("k".into()))
        );
    }
}
