//! Paging for lists on pages: which slice of a list a page shows, and the
//! links to the others. Every list that can outgrow a screen shows its
//! total and pages through it, so no row is ever dropped silently.

use crate::web::html::url_encode;

/// One page of a list, as a page shows it: "第 1–100 户，共 2,345 户" and
/// links to the first, previous, next and last pages.
pub struct Pager {
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// The page's path with its other query parameters, e.g.
    /// `/work?status=on_notice`; `page=N` is appended.
    base: String,
}

/// A link in the pager.
pub struct PageLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

impl Pager {
    /// `page` as the query gave it: anything that is not a positive number is
    /// the first page, and a page past the end is the last one.
    pub fn new(
        page: Option<&str>,
        per_page: u32,
        total: u64,
        path: &str,
        keep: &[(&str, &str)],
    ) -> Pager {
        let per_page = per_page.max(1);
        let last = Self::last_of(total, per_page);
        let page = page
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(last);
        let query: Vec<String> = keep
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        let base = if query.is_empty() {
            format!("{path}?")
        } else {
            format!("{path}?{}&", query.join("&"))
        };
        Pager {
            page,
            per_page,
            total,
            base,
        }
    }

    fn last_of(total: u64, per_page: u32) -> u32 {
        u32::try_from(total.div_ceil(u64::from(per_page)))
            .unwrap_or(u32::MAX)
            .max(1)
    }

    /// How many rows to skip.
    pub fn offset(&self) -> u32 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The last page's number.
    pub fn last(&self) -> u32 {
        Self::last_of(self.total, self.per_page)
    }

    /// The 1-based number of the first row shown (0 for an empty list).
    pub fn first_row(&self) -> u64 {
        if self.total == 0 {
            0
        } else {
            u64::from(self.offset()) + 1
        }
    }

    /// The 1-based number of the last row shown.
    pub fn last_row(&self) -> u64 {
        (u64::from(self.offset()) + u64::from(self.per_page)).min(self.total)
    }

    /// Whether there is more than one page (otherwise only the total shows).
    pub fn several(&self) -> bool {
        self.last() > 1
    }

    fn href(&self, page: u32) -> String {
        format!("{}page={page}", self.base)
    }

    /// Links: first, a window of pages around this one, last.
    pub fn links(&self) -> Vec<PageLink> {
        let last = self.last();
        let from = self.page.saturating_sub(2).max(1);
        let to = (self.page + 2).min(last);
        let mut pages: Vec<u32> = vec![1];
        pages.extend(from..=to);
        pages.push(last);
        pages.sort_unstable();
        pages.dedup();
        pages
            .into_iter()
            .map(|p| PageLink {
                href: self.href(p),
                label: p.to_string(),
                current: p == self.page,
            })
            .collect()
    }

    /// The previous page's link, if any.
    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    /// The next page's link, if any.
    pub fn next(&self) -> Option<String> {
        (self.page < self.last()).then(|| self.href(self.page + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_row_once() {
        let total = 1001;
        let mut seen = 0;
        let first = Pager::new(None, 100, total, "/notices", &[]);
        for p in 1..=first.last() {
            let pager = Pager::new(Some(&p.to_string()), 100, total, "/notices", &[]);
            assert_eq!(pager.first_row(), seen + 1);
            seen = pager.last_row();
        }
        assert_eq!(seen, total);
        assert_eq!(first.last(), 11);
    }

    #[test]
    fn bad_and_out_of_range_pages_are_clamped() {
        assert_eq!(Pager::new(Some("x"), 10, 95, "/w", &[]).page, 1);
        assert_eq!(Pager::new(Some("0"), 10, 95, "/w", &[]).page, 1);
        assert_eq!(Pager::new(Some("99"), 10, 95, "/w", &[]).page, 10);
        let empty = Pager::new(Some("3"), 10, 0, "/w", &[]);
        assert_eq!((empty.page, empty.first_row(), empty.last_row()), (1, 0, 0));
    }

    #[test]
    fn links_keep_the_other_parameters() {
        let p = Pager::new(
            Some("5"),
            10,
            200,
            "/work",
            &[("status", "on_notice"), ("q", "")],
        );
        assert_eq!(p.next().as_deref(), Some("/work?status=on_notice&page=6"));
        let labels: Vec<String> = p.links().into_iter().map(|l| l.label).collect();
        assert_eq!(labels, ["1", "3", "4", "5", "6", "7", "20"]);
    }
}
