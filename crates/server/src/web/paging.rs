//! Paging for lists on pages, by keyset (issue 11 item 4): a page is read
//! from a cursor (the line just before it, or just after it) in the list's
//! order, so the deepest page costs what the first does — `OFFSET` made
//! the database read and drop every line above the page (380 ms at the
//! end of 10⁵ applications on PostgreSQL). Every list that can outgrow a
//! screen shows its total and pages through it, so no row is ever dropped
//! silently.
//!
//! The links a pager offers: 首页 (the first page), 上一页 (the page
//! ending just before this one's first line), 下一页 (the page starting
//! just after this one's last line) and 末页 (the last page, read
//! backwards from the end). There are no page numbers to jump to: reaching
//! page n by number needs `OFFSET`. The row numbers shown ("第 201–300
//! 条") travel in the links (`row=`) and are a guide only: when lines are
//! added or leave the list between two clicks they may be off by that
//! many, while the pages themselves still hold every line once.
//!
//! The cursor's text is the list's own (a capability encodes and parses
//! it); this module only carries it in links.

use anju_store::ListTotal;

use crate::web::html::url_encode;

/// Where a page of a keyset list starts, as its link asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt<C> {
    /// The first page.
    First,
    /// The page just after this line.
    After(C),
    /// The page just before this line.
    Before(C),
    /// The last page.
    Last,
}

impl<C> PageAt<C> {
    /// The same place with the cursor read by `parse`; a cursor that does
    /// not parse (an edited link) asks for the first page.
    pub fn parse_with<D>(self, parse: impl Fn(&C) -> Option<D>) -> PageAt<D> {
        match self {
            PageAt::First => PageAt::First,
            PageAt::Last => PageAt::Last,
            PageAt::After(c) => parse(&c).map_or(PageAt::First, PageAt::After),
            PageAt::Before(c) => parse(&c).map_or(PageAt::First, PageAt::Before),
        }
    }

    /// Whether the page is read backwards (ending at the cursor or at the
    /// end of the list), so that the rows come one more than a page
    /// before it.
    pub fn backwards(&self) -> bool {
        matches!(self, PageAt::Before(_) | PageAt::Last)
    }
}

/// A page of a keyset list, as the query asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub at: PageAt<String>,
    /// The 1-based number of the page's first line as the link that led
    /// here counted it (a guide; see the module's documentation).
    pub row: Option<u64>,
}

impl PageRequest {
    /// From the query's `after`, `before`, `last` and `row`; anything else
    /// is the first page.
    pub fn from_query(
        after: Option<&str>,
        before: Option<&str>,
        last: Option<&str>,
        row: Option<&str>,
    ) -> PageRequest {
        let some = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
        let at = match (some(after), some(before), some(last)) {
            (Some(a), _, _) => PageAt::After(a),
            (None, Some(b), _) => PageAt::Before(b),
            (None, None, Some(_)) => PageAt::Last,
            (None, None, None) => PageAt::First,
        };
        let row = some(row)
            .and_then(|r| r.parse::<u64>().ok())
            .filter(|r| *r >= 1);
        PageRequest { at, row }
    }
}

/// What a page read with one line more than it shows says about its
/// neighbours (see [`settle`]).
#[derive(Debug)]
pub struct Settled<T> {
    /// The lines to show, in the list's order (at most a page).
    pub rows: Vec<T>,
    /// Whether lines come before the first shown.
    pub more_before: bool,
    /// Whether lines come after the last shown.
    pub more_after: bool,
    /// A page read backwards from a cursor found fewer lines than a page:
    /// it reached the start of the list, so the caller shows the first
    /// page instead (a full one).
    pub restart: bool,
}

/// Settles a page read with `per_page + 1` as its limit: forwards (first
/// page, after a cursor) the extra line is the last one, backwards
/// (before a cursor, the last page) the first one; `rows` are in the
/// list's order either way.
pub fn settle<C, T>(at: &PageAt<C>, mut rows: Vec<T>, per_page: u32) -> Settled<T> {
    let per = per_page.max(1) as usize;
    let extra = rows.len() > per;
    if at.backwards() && extra {
        rows.drain(..rows.len() - per);
    } else {
        rows.truncate(per);
    }
    let (more_before, more_after, restart) = match at {
        PageAt::First => (false, extra, false),
        PageAt::After(_) => (true, extra, false),
        PageAt::Before(_) => (extra, true, !extra),
        PageAt::Last => (extra, false, false),
    };
    Settled {
        rows,
        more_before,
        more_after,
        restart,
    }
}

/// The pager of one page: "第 101–200 条，共 2,345 条" and the links to the
/// first, previous, next and last pages.
pub struct Pager {
    /// The total, or the cap it exceeds (see `exact`).
    pub total: u64,
    /// Whether `total` is exact; otherwise more than `total` match.
    pub exact: bool,
    /// The numbers of the first and last line shown, when known.
    rows: Option<(u64, u64)>,
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    last: Option<String>,
}

/// What a page shows, for its pager.
pub struct Shown<'a, C> {
    /// Where the page was read (after [`Settled::restart`]: the first page).
    pub at: &'a PageAt<C>,
    /// The line number the link carried.
    pub row: Option<u64>,
    /// Lines shown.
    pub count: usize,
    pub more_before: bool,
    pub more_after: bool,
    /// The cursor texts of the first and last line shown.
    pub first_key: Option<String>,
    pub last_key: Option<String>,
}

impl Pager {
    /// The pager of a page of `path` (with its other query parameters
    /// `keep`; empty values are left out) showing `shown` of `total`.
    pub fn new<C>(
        path: &str,
        keep: &[(&str, &str)],
        per_page: u32,
        total: ListTotal,
        shown: Shown<'_, C>,
    ) -> Pager {
        let exact = total.is_exact();
        let total = total.count();
        let per = u64::from(per_page.max(1));
        let query: Vec<String> = keep
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        let base = if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let join = if query.is_empty() { '?' } else { '&' };
        let count = shown.count as u64;
        // The first line's number: known on the first and last pages,
        // carried by the link elsewhere; left out where it cannot be right
        // (a page with lines before it that would start at line 1).
        let row = match shown.at {
            PageAt::First => Some(1),
            // Counted from the end: only with an exact total.
            PageAt::Last => exact.then(|| total.saturating_sub(count) + 1),
            PageAt::After(_) | PageAt::Before(_) => shown.row,
        }
        .filter(|r| !(shown.more_before && *r <= 1))
        .filter(|_| count > 0);
        let rows = row.map(|r| {
            let end = r + count - 1;
            (r, if exact { end.min(total.max(r)) } else { end })
        });
        let link = |k: &str, v: &str, row: Option<u64>| {
            let mut href = format!("{base}{join}{k}={}", url_encode(v));
            if let Some(r) = row {
                href.push_str(&format!("&row={r}"));
            }
            href
        };
        let at_first = matches!(shown.at, PageAt::First);
        Pager {
            total,
            exact,
            rows,
            first: (!at_first && shown.more_before).then(|| base.clone()),
            prev: shown
                .more_before
                .then_some(shown.first_key.as_deref())
                .flatten()
                .map(|k| {
                    let back = row.map(|r| r.saturating_sub(per).max(1)).filter(|r| *r > 1);
                    link("before", k, back)
                }),
            next: shown
                .more_after
                .then_some(shown.last_key.as_deref())
                .flatten()
                .map(|k| link("after", k, row.map(|r| r + count))),
            last: shown.more_after.then(|| format!("{base}{join}last=1")),
        }
    }

    /// The numbers of the first and last line shown (0, 0 for an empty
    /// list; `None` when this page cannot know them).
    pub fn rows(&self) -> Option<(u64, u64)> {
        if self.total == 0 && self.exact {
            Some((0, 0))
        } else {
            self.rows
        }
    }

    /// Whether there is more than one page (otherwise only the total shows).
    pub fn several(&self) -> bool {
        self.prev.is_some() || self.next.is_some()
    }

    /// The first page's link, when this is not it.
    pub fn first(&self) -> Option<&str> {
        self.first.as_deref()
    }

    /// The previous page's link, if any.
    pub fn prev(&self) -> Option<&str> {
        self.prev.as_deref()
    }

    /// The next page's link, if any.
    pub fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// The last page's link, when this is not it.
    pub fn last(&self) -> Option<&str> {
        self.last.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of `n` lines 1..=n, paged by value as a store would.
    fn read(n: u32, at: &PageAt<u32>, limit: u32) -> Vec<u32> {
        let all: Vec<u32> = (1..=n).collect();
        let limit = limit as usize;
        match at {
            PageAt::First => all.into_iter().take(limit).collect(),
            PageAt::After(c) => all.into_iter().filter(|x| x > c).take(limit).collect(),
            PageAt::Before(c) => {
                let before: Vec<u32> = all.into_iter().filter(|x| x < c).collect();
                before[before.len().saturating_sub(limit)..].to_vec()
            }
            PageAt::Last => all[all.len().saturating_sub(limit)..].to_vec(),
        }
    }

    /// Reads a page as a handler does; returns its lines and pager.
    fn page(n: u32, per: u32, href: &str) -> (Vec<u32>, Pager) {
        let q: Vec<(String, String)> = href
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("")
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
        let req = PageRequest::from_query(get("after"), get("before"), get("last"), get("row"));
        let mut at = req.at.parse_with(|c| c.parse::<u32>().ok());
        let mut s = settle(&at, read(n, &at, per + 1), per);
        if s.restart {
            at = PageAt::First;
            s = settle(&at, read(n, &at, per + 1), per);
        }
        let pager = Pager::new(
            "/w",
            &[("status", "x"), ("q", "")],
            per,
            ListTotal::Exact(u64::from(n)),
            Shown {
                at: &at,
                row: req.row,
                count: s.rows.len(),
                more_before: s.more_before,
                more_after: s.more_after,
                first_key: s.rows.first().map(u32::to_string),
                last_key: s.rows.last().map(u32::to_string),
            },
        );
        (s.rows, pager)
    }

    #[test]
    fn next_and_previous_links_walk_every_line_once_with_its_number() {
        let (n, per) = (1001, 100);
        let (mut rows, mut p) = page(n, per, "/w?status=x");
        let mut seen = Vec::new();
        let mut pages = vec![];
        loop {
            let (a, b) = p.rows().expect("numbers");
            assert_eq!(
                (a, b),
                (u64::from(rows[0]), u64::from(*rows.last().unwrap()))
            );
            seen.extend(rows.iter().copied());
            pages.push(rows.clone());
            let Some(next) = p.next().map(String::from) else {
                break;
            };
            (rows, p) = page(n, per, &next);
        }
        assert_eq!(seen, (1..=n).collect::<Vec<_>>());
        assert_eq!(pages.len(), 11);
        // And back from the end, page by page, to the first.
        let mut back = vec![rows.clone()];
        while let Some(prev) = p.prev().map(String::from) {
            (rows, p) = page(n, per, &prev);
            back.push(rows.clone());
        }
        back.reverse();
        assert_eq!(back, pages);
        assert!(p.first().is_none() && p.prev().is_none());
    }

    #[test]
    fn the_last_page_and_back_from_it() {
        let (rows, p) = page(250, 100, "/w?status=x&last=1");
        assert_eq!(rows, (151..=250).collect::<Vec<_>>());
        assert_eq!(p.rows(), Some((151, 250)));
        assert!(p.next().is_none() && p.last().is_none());
        assert_eq!(p.first(), Some("/w?status=x"));
        let prev = p.prev().expect("a previous page").to_string();
        assert_eq!(prev, "/w?status=x&before=151&row=51");
        let (rows, p) = page(250, 100, &prev);
        assert_eq!(rows, (51..=150).collect::<Vec<_>>());
        assert_eq!(p.rows(), Some((51, 150)));
        // Fewer than a page before it: the first page, full.
        let (rows, p) = page(250, 100, p.prev().expect("prev"));
        assert_eq!(rows, (1..=100).collect::<Vec<_>>());
        assert!(p.prev().is_none());
    }

    #[test]
    fn links_keep_the_other_parameters_and_short_lists_have_none() {
        let (_, p) = page(250, 100, "/w");
        assert_eq!(p.next(), Some("/w?status=x&after=100&row=101"));
        assert_eq!(p.last(), Some("/w?status=x&last=1"));
        let (_, one) = page(100, 100, "/w");
        assert!(!one.several());
        assert_eq!(one.rows(), Some((1, 100)));
        let (none, empty) = page(0, 100, "/w?after=5");
        assert!(none.is_empty() && !empty.several());
        assert_eq!(empty.rows(), Some((0, 0)));
    }

    #[test]
    fn an_edited_link_falls_back_to_the_first_page_or_hides_the_numbers() {
        let (rows, p) = page(250, 100, "/w?after=nonsense");
        assert_eq!(rows[0], 1);
        assert_eq!(p.rows(), Some((1, 100)));
        let (rows, p) = page(250, 100, "/w?after=120");
        assert_eq!(rows[0], 121);
        assert_eq!(p.rows(), None, "no row= in the link: numbers unknown");
    }
}
