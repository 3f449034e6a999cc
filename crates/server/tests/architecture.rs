//! The shape of the server, checked (docs/architecture.md):
//!
//! * rooms (top-level modules) depend on each other without cycles, and
//!   `web` depends on no room;
//! * inside the crate no module imports another in a circle (a parent
//!   module that uses its child, and the child that uses the parent, count);
//! * no source file of the server or the store is over 1,000 lines;
//! * no Rust string literal holds HTML: pages are templates.
//!
//! These read the source text: `use` paths and `crate::…`/`super::…`
//! references, which is how the modules of this crate name each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → ["a", "b"]; `src/lib.rs` → [].
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments and string literals (so that a
/// path in a doc comment or a message is not taken for a dependency), and
/// without its unit tests (an inline `mod tests` at the end, whose `super`
/// is the file's own module).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.trim_start() == "#[cfg(test)]" {
            break;
        }
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut in_str = false;
        let mut prev = ' ';
        for ch in line.chars() {
            if ch == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(ch);
            }
            prev = ch;
        }
        out.push('\n');
    }
    out
}

/// Every `crate::x::y…`, `super::…` and `self::…` path in `code`, as an
/// absolute module path (items and all: callers cut it to a module).
fn paths(code: &str, me: &[String], is_mod_file: bool) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let text: String = bytes.iter().collect();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 {
                let before = text[..at].chars().last().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' || before == ':' {
                    continue;
                }
            }
            // The rest of the path, possibly a `{a, b::c}` group.
            let rest: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || "_:{}, \n".contains(*c))
                .collect();
            for p in expand(&rest) {
                let mut segs: Vec<String> = p
                    .split("::")
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if segs.is_empty() {
                    continue;
                }
                let head = segs.remove(0);
                // The module a file's own `self`/`super` are relative to:
                // a mod.rs file is its directory's module; `x.rs` is `x`.
                let mut base: Vec<String> = me.to_vec();
                let _ = is_mod_file;
                let mut abs = match head.as_str() {
                    "crate" => Vec::new(),
                    "self" => base.clone(),
                    "super" => {
                        base.pop();
                        while segs.first().is_some_and(|s| s == "super") {
                            segs.remove(0);
                            base.pop();
                        }
                        base
                    }
                    _ => continue,
                };
                abs.extend(segs.into_iter().filter(|s| s != "self" && s != "*"));
                found.push(abs);
            }
        }
    }
    found
}

/// `crate::a::{b, c::d}` → [`crate::a::b`, `crate::a::c::d`] (one level of
/// braces is what rustfmt leaves in this crate; deeper groups are kept whole).
fn expand(path: &str) -> Vec<String> {
    let path = path.split(['\n']).next().unwrap_or("").to_string();
    match (path.find('{'), path.rfind('}')) {
        (Some(a), Some(b)) if b > a => {
            let prefix = &path[..a];
            path[a + 1..b]
                .split(',')
                .map(|s| format!("{prefix}{}", s.trim()))
                .collect()
        }
        _ => vec![path
            .split([' ', ',', '{', '}'])
            .next()
            .unwrap_or("")
            .to_string()],
    }
}

struct Crate {
    /// Module path → its source (code only).
    modules: BTreeMap<Vec<String>, (PathBuf, String)>,
}

impl Crate {
    fn load() -> Crate {
        let mut files = Vec::new();
        rust_files(&src(), &mut files);
        let modules = files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("read");
                (module_of(&p), (p, code_only(&text)))
            })
            .collect();
        Crate { modules }
    }

    /// The longest module path that `path` starts with.
    fn module_named(&self, path: &[String]) -> Option<Vec<String>> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| self.modules.contains_key(p))
    }

    /// module → modules it refers to (its children's names in a mod.rs
    /// count as the parent using the child).
    fn edges(&self) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (me, (file, code)) in &self.modules {
            let is_mod = file.ends_with("mod.rs") || file.ends_with("lib.rs");
            let set = edges.entry(me.clone()).or_default();
            for p in paths(code, me, is_mod) {
                if let Some(m) = self.module_named(&p) {
                    if &m != me && !m.is_empty() {
                        set.insert(m);
                    }
                }
            }
            // A parent naming a child module directly (`pages::routes()`).
            for (child, _) in self.modules.range(me.clone()..) {
                if child.len() == me.len() + 1 && child.starts_with(me) {
                    let name = &child[me.len()];
                    let used = code.match_indices(&format!("{name}::")).any(|(i, _)| {
                        let before = code[..i].chars().last().unwrap_or(' ');
                        !(before.is_alphanumeric() || before == '_' || before == ':')
                    });
                    if used {
                        set.insert(child.clone());
                    }
                }
            }
        }
        edges
    }
}

fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let i = stack.iter().position(|x| x == m).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[i..].iter().map(|p| p.join("::")).collect();
                    cycle.push(m.join("::"));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let krate = Crate::load();
    let edges = krate.edges();
    // lib.rs composes every room and nothing names it: leave it out.
    let edges: BTreeMap<_, _> = edges.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    assert!(
        edges.len() > 40,
        "the scan found only {} modules: is it reading src/?",
        edges.len()
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!(
            "modules import each other in a circle: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn rooms_depend_one_way_and_web_on_none() {
    let krate = Crate::load();
    let mut rooms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in krate.edges() {
        let Some(a) = from.first() else { continue };
        for t in to {
            if let Some(b) = t.first() {
                if a != b {
                    rooms.entry(a.clone()).or_default().insert(b.clone());
                }
            }
        }
    }
    let web = rooms.get("web").cloned().unwrap_or_default();
    assert!(web.is_empty(), "web uses capability rooms: {web:?}");
    // The one-way flow this crate relies on (docs/architecture.md).
    assert!(rooms["allotment"].contains("applications"), "{rooms:?}");
    assert!(!rooms["applications"].contains("allotment"), "{rooms:?}");
    let edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = rooms
        .iter()
        .map(|(k, v)| (vec![k.clone()], v.iter().map(|x| vec![x.clone()]).collect()))
        .collect();
    if let Some(cycle) = find_cycle(&edges) {
        panic!(
            "rooms depend on each other in a circle: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_scan_sees_a_circle_when_there_is_one() {
    // The checker itself: two modules naming each other form a cycle.
    let mut edges = BTreeMap::new();
    let a = vec!["x".to_string(), "a".to_string()];
    let b = vec!["x".to_string(), "b".to_string()];
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert!(find_cycle(&edges).is_some());
    let code = code_only("use super::b::thing; // crate::c in a comment\nlet s = \"crate::d\";");
    let found = paths(&code, &a, false);
    assert_eq!(
        found,
        vec![vec!["x".to_string(), "b".to_string(), "thing".to_string()]]
    );
}

#[test]
fn no_source_file_is_over_1000_lines() {
    // Every crate of the workspace, not only this one.
    let mut files = Vec::new();
    let crates = src().join("../..");
    for entry in std::fs::read_dir(&crates).expect("crates/") {
        let dir = entry.expect("entry").path().join("src");
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
    }
    assert!(
        files.len() > 100,
        "the scan found the workspace's files ({} of them)",
        files.len()
    );
    let long: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            (n > 1000).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by subject: {long:?}");
}

#[test]
fn no_html_is_built_in_rust() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("//") {
                continue;
            }
            // A string literal holding a tag: `"<p>`, `r#"<div`, `"</td>`.
            let bytes = line.as_bytes();
            for (j, w) in bytes.windows(3).enumerate() {
                if w[0] == b'"'
                    && w[1] == b'<'
                    && (w[2].is_ascii_alphabetic() || w[2] == b'/' || w[2] == b'!')
                    && (j == 0 || bytes[j - 1] != b'\'')
                {
                    found.push(format!("{}:{}: {}", p.display(), i + 1, t));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "HTML in Rust strings (use a template): {found:#?}"
    );
}

fn template_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            template_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// Every table says how it fits a phone (anju.css): `stack` (a list whose
/// rows become cards, each cell labelled by `data-label`), `terms` (a
/// two-column table of terms that stacks), or `narrow` (a few short
/// columns that fit as they are). A table without one of these is how a
/// page came to be wider than the screen, or squeezed to a character a
/// column.
#[test]
fn every_table_says_how_it_fits_a_phone() {
    let mut files = Vec::new();
    template_files(&src(), &mut files);
    let mut found = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        for (start, _) in text.match_indices("<table") {
            let tag = &text[start..start + text[start..].find('>').expect("tag ends")];
            let classes: Vec<&str> = tag
                .split("class=\"")
                .nth(1)
                .and_then(|c| c.split('"').next())
                .map(|c| c.split_whitespace().collect())
                .unwrap_or_default();
            let body = &text[start..start + text[start..].find("</table>").unwrap_or(0)];
            let ok = if classes.contains(&"stack") {
                body.contains("data-label=")
            } else {
                classes.contains(&"terms") || classes.contains(&"narrow")
            };
            if !ok {
                found.push(format!("{}: {tag}>", p.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "tables that do not say how they fit a phone (class stack with data-label cells, terms or narrow): {found:#?}"
    );
}

/// The pages send people to the site's own addresses, never to files of
/// the source tree (`docs/lottery.md`, `tools/lottery_reference.py`) that
/// the site does not serve: a document a page refers to is served by the
/// site (as `/lottery` and `/lottery/lottery_reference.py` are).
#[test]
fn no_page_points_at_the_source_tree() {
    let mut files = Vec::new();
    template_files(&src(), &mut files);
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        let is_rust = p.extension().is_some_and(|x| x == "rs");
        // Template comments ({# … #}) are for developers.
        let mut shown = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("{#") {
            shown.push_str(&rest[..i]);
            rest = rest[i..].find("#}").map_or("", |j| &rest[i + j + 2..]);
        }
        shown.push_str(rest);
        for (i, line) in shown.lines().enumerate() {
            let t = line.trim_start();
            if is_rust
                && (t.starts_with("//")
                    || t.contains("include_bytes!")
                    || t.contains("include_str!"))
            {
                continue;
            }
            let in_string = |pat: &str| {
                if is_rust {
                    line.split('"').skip(1).step_by(2).any(|s| s.contains(pat))
                } else {
                    line.contains(pat)
                }
            };
            if in_string("docs/") || in_string("tools/") {
                found.push(format!("{}:{}: {t}", p.display(), i + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "pages that name files of the source tree (serve them and link the site's address): {found:#?}"
    );
}

/// The OpenAPI document names a schema by its type (or its `schema(as =
/// …)`): two types of one name in different rooms would silently share a
/// component, and one room's answers be documented with the other's shape
/// (schema fuzzing found acquisition's ledger checked against rentals').
#[test]
fn every_schema_has_its_own_component_name() {
    let mut files = Vec::new();
    let crates = src().join("../..");
    for e in std::fs::read_dir(&crates).expect("crates") {
        let dir = e.expect("entry").path().join("src");
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
    }
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if !(l.contains("derive") && l.contains("ToSchema")) {
                continue;
            }
            let mut alias = None;
            for next in lines.iter().skip(i).take(15) {
                if let Some(rest) = next.split("schema(as = ").nth(1) {
                    alias = rest.split(')').next().map(str::to_string);
                }
                // `struct X`, `pub struct X`, `pub(crate) enum X` …
                let t = next.trim_start();
                let t = match t.strip_prefix("pub") {
                    Some(rest) if rest.starts_with('(') => {
                        rest.split_once(')').map_or("", |(_, r)| r.trim_start())
                    }
                    Some(rest) => rest.trim_start(),
                    None => t,
                };
                let item = t
                    .strip_prefix("struct ")
                    .or_else(|| t.strip_prefix("enum "));
                if let Some(item) = item {
                    let name: String = item
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names
                        .entry(alias.clone().unwrap_or(name))
                        .or_default()
                        .push(format!("{}:{}", p.display(), i + 1));
                    break;
                }
            }
        }
    }
    let clashes: Vec<_> = names.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        clashes.is_empty(),
        "give each its own name with #[schema(as = …)]: {clashes:?}"
    );
}
