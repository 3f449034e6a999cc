//! Files uploaded with an application (issue 12 feature 18): which of the
//! city's materials each is (the list comes from the city's materials file,
//! `policies/materials/<city>.toml`, with its article), what kinds of file
//! are accepted (told by their first bytes, never by the name or the
//! browser's claim), how many and how large, and who sees them.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::permissions::DeclarationView;
use crate::role::Department;
use crate::role::{can_see_district, Actor, Role};
use crate::{Application, Channel, StatusKind};

/// Largest file: 5 MiB. A phone photograph of a document page is 1–4 MB
/// as JPEG; a scanned multi-page PDF of a booklet stays under this at the
/// 200 dpi a reviewer needs. Larger files are rejected, not shrunk.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Most files per application: 20. Article 13 lists seven materials; an
/// identity card has two sides and a family up to five adults, so 20 covers
/// a large family with room for a page or two more.
pub const MAX_FILES: usize = 20;
/// Most bytes per application: 30 MiB. The files are stored in the
/// database; 10⁵ applications (a city) at this limit would be 3 TB, while
/// real families stay far below it.
pub const MAX_TOTAL_BYTES: usize = 30 * 1024 * 1024;
/// Longest file name kept (characters); longer names are cut.
pub const MAX_NAME_CHARS: usize = 80;

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// PDF document.
    Pdf,
}

impl FileKind {
    /// Told by the file's first bytes (its magic number): a `.pdf` that is
    /// an executable, or an HTML page sent as `image/png`, is refused.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    /// The Content-Type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    /// From a stored Content-Type.
    pub fn from_content_type(s: &str) -> Option<FileKind> {
        match s {
            "image/jpeg" => Some(FileKind::Jpeg),
            "image/png" => Some(FileKind::Png),
            "application/pdf" => Some(FileKind::Pdf),
            _ => None,
        }
    }

    /// The file name extension it is downloaded with.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }
}

/// The states in which a family (or the counter) may add or delete
/// materials: before the street's review starts (submitted) and while the
/// application is returned for correction (001 art. 14: the street reviews
/// "申请家庭提交的材料"; once reviewed, what it reviewed stays as it was).
pub fn materials_editable(state: StatusKind) -> bool {
    matches!(
        state,
        StatusKind::Submitted | StatusKind::ReturnedForCorrection
    )
}

/// Whether `actor` may add or delete files of `app` now: the family that
/// owns the application, or the community staff of its district for an
/// application taken at their counter (they scan the papers the family
/// brought; an online family's files are the family's own to change, as
/// its withdrawal is), and only while [`materials_editable`].
pub fn may_edit(actor: &Actor, app: &Application) -> bool {
    if !materials_editable(app.status().kind()) {
        return false;
    }
    match actor.role() {
        Role::Applicant => app.owner() == Some(actor.user_id()),
        Role::Community => {
            app.channel() == Channel::Counter && can_see_district(actor, app.district())
        }
        _ => false,
    }
}

/// Whether a reader with `view` sees files of `item`: the family and the
/// staff who review the whole application see every file; a department
/// sees the materials of the facts it verifies (the item's `departments`
/// in the city's file); the city bureau, the company and auditors — who do
/// not assess the declaration — see none.
pub fn may_view(view: DeclarationView, item: &MaterialItem) -> bool {
    match view {
        DeclarationView::Full => true,
        DeclarationView::Department(d) => item.departments.contains(&d),
        DeclarationView::Masked => false,
    }
}

/// The city's list of materials with the article that asks for them.
#[derive(Debug, Clone, Deserialize)]
pub struct MaterialList {
    /// Where the list comes from.
    pub list: ListHeader,
    /// The materials, in the article's order.
    #[serde(rename = "item")]
    pub items: Vec<MaterialItem>,
}

/// Where the list comes from.
#[derive(Debug, Clone, Deserialize)]
pub struct ListHeader {
    /// The eligibility policy's city prefix (`yangquan` for `yangquan-2026`).
    pub policy: String,
    /// The document's number or title.
    pub document: String,
    /// The article in the document's own words.
    pub article: String,
    /// Dotted reference.
    #[serde(rename = "ref")]
    pub ref_: String,
    /// The article's text.
    pub quote: String,
}

/// One material of the list.
#[derive(Debug, Clone, Deserialize)]
pub struct MaterialItem {
    /// Stable code stored with each file.
    pub code: String,
    /// Chinese name.
    pub label: String,
    /// English name.
    pub label_en: String,
    /// Verifying departments that see files of this material.
    #[serde(default)]
    pub departments: Vec<Department>,
}

impl MaterialList {
    /// The item with `code`.
    pub fn item(&self, code: &str) -> Option<&MaterialItem> {
        self.items.iter().find(|i| i.code == code)
    }
}

/// The built-in lists: (city prefix, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "yangquan",
        include_str!("../../../policies/materials/yangquan-2026.toml"),
    ),
    (
        "loudi",
        include_str!("../../../policies/materials/loudi-2025.toml"),
    ),
];

/// The list of the city whose eligibility policy is `policy_id`
/// (`yangquan-2026` → `yangquan`), or None when anju has none for it.
pub fn for_policy(policy_id: &str) -> Option<&'static MaterialList> {
    static LISTS: OnceLock<Vec<MaterialList>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        BUILTIN
            .iter()
            // A built-in file that does not parse is caught by the test
            // below; at run time that city simply has no list.
            .filter_map(|(_, text)| toml::from_str::<MaterialList>(text).ok())
            .collect()
    });
    let city = policy_id.split('-').next().unwrap_or(policy_id);
    lists.iter().find(|l| l.list.policy == city)
}

/// A file name as shown and downloaded: its last path segment, control
/// characters and quotes removed, at most [`MAX_NAME_CHARS`] characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != ';')
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_list_parses_and_has_unique_codes() {
        for (city, text) in BUILTIN {
            let l: MaterialList = toml::from_str(text).unwrap_or_else(|e| panic!("{city}: {e}"));
            assert_eq!(&l.list.policy, city);
            let mut codes: Vec<&str> = l.items.iter().map(|i| i.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), l.items.len(), "{city}: duplicate codes");
        }
        assert_eq!(
            for_policy("yangquan-2026").map(|l| l.list.article.as_str()),
            Some("第十三条")
        );
        assert_eq!(
            for_policy("loudi-2025").map(|l| l.list.article.as_str()),
            Some("四、(二)")
        );
        assert!(for_policy("ordos-2025").is_none());
    }

    #[test]
    fn kind_is_told_by_the_bytes_not_the_name() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::sniff(b"MZ\x90\x00 an exe named a.pdf"), None);
        assert_eq!(FileKind::sniff(b"<html><script>"), None);
        assert_eq!(FileKind::sniff(b""), None);
    }

    #[test]
    fn departments_see_their_own_materials_only() {
        let l = for_policy("yangquan-2026").expect("list");
        let marriage = l.item("marriage").expect("marriage");
        assert!(may_view(DeclarationView::Full, marriage));
        assert!(may_view(
            DeclarationView::Department(Department::CivilAffairs),
            marriage
        ));
        assert!(!may_view(
            DeclarationView::Department(Department::NaturalResources),
            marriage
        ));
        assert!(!may_view(DeclarationView::Masked, marriage));
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\x\\身份证.jpg"), "身份证.jpg");
        assert_eq!(clean_file_name("a\"b;\r\nc.pdf"), "abc.pdf");
        assert_eq!(clean_file_name("  "), "file");
        assert_eq!(
            clean_file_name(&"长".repeat(200)).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn only_before_review_or_when_returned() {
        assert!(materials_editable(StatusKind::Submitted));
        assert!(materials_editable(StatusKind::ReturnedForCorrection));
        assert!(!materials_editable(StatusKind::UnderVerification));
        assert!(!materials_editable(StatusKind::Qualified));
    }
}
