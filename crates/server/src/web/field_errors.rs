//! What is wrong with a posted form, field by field, all at once, so the
//! page can be shown again with what the person typed and each problem
//! beside the field it concerns (issue 12 defect 7: never one error at a
//! time on a separate page).

use super::error::ApiError;
use super::html::Lang;

/// One problem: the form field (`""` for the form as a whole) and the
/// words in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub zh: String,
    pub en: String,
}

/// Every problem found in one posted form, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records a problem with `field`. Only the first problem of a field is
    /// kept: the person fixes one thing per field at a time.
    pub fn add(&mut self, field: &str, zh: impl Into<String>, en: impl Into<String>) {
        if self.0.iter().any(|e| e.field == field) {
            return;
        }
        self.0.push(FieldError {
            field: field.to_string(),
            zh: zh.into(),
            en: en.into(),
        });
    }

    /// Records a message written the anju way, `中文 (English)`.
    pub fn add_bilingual(&mut self, field: &str, message: &str) {
        let (zh, en) = split_bilingual(message);
        self.add(field, zh, en);
    }

    /// An error from a service, beside its field when it names one.
    pub fn from_api_error(e: &ApiError) -> FieldErrors {
        let mut out = FieldErrors::new();
        out.add_bilingual(e.field.as_deref().unwrap_or(""), &e.message);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// The problem with `field`, in `lang`.
    pub fn get(&self, field: &str, lang: Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| lang.t(&e.zh, &e.en))
    }
}

/// The refused form of one row of a list page (a form per row, such as
/// triaging a tip or renting a pool home): the page is shown again, with
/// HTTP 422, that row's form open, what was typed kept and the problem
/// beside its field.
#[derive(Debug, Clone, Default)]
pub struct RowForm {
    /// The row (its id as the form posted it).
    pub row: String,
    /// The fields as posted.
    pub values: Vec<(String, String)>,
    /// What is wrong.
    pub errors: FieldErrors,
}

impl RowForm {
    /// The form of `row`, posted with `values`, refused with `e`.
    pub fn refused(row: &str, values: &[(String, String)], e: &ApiError) -> RowForm {
        // A problem with the row's hidden fields (which row, which
        // action) is said for the form as a whole, never lost.
        let field = e
            .field
            .as_deref()
            .filter(|f| !["id", "type", "step"].contains(f))
            .unwrap_or("");
        let mut errors = FieldErrors::new();
        errors.add_bilingual(field, &e.message);
        RowForm {
            row: row.to_string(),
            values: values.to_vec(),
            errors,
        }
    }

    /// Whether this is the form of `row`.
    pub fn is(&self, row: &str) -> bool {
        self.row == row
    }

    /// What was typed in `name` ("" when nothing).
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// What a list page with row forms keeps of a refused one: the value of a
/// field of a row's form, and its problem.
pub trait RowForms {
    /// The refused form, if the page shows one.
    fn refused_form(&self) -> Option<&RowForm>;
    /// The page's language.
    fn row_lang(&self) -> Lang;

    /// What was typed in `name` of `row`'s form ("" unless that form was
    /// refused).
    fn kept(&self, row: &str, name: &str) -> &str {
        self.refused_form()
            .filter(|f| f.is(row))
            .map_or("", |f| f.value(name))
    }

    /// The problem with `name` of `row`'s form (`""`: the form as a whole).
    fn row_err(&self, row: &str, name: &str) -> Option<&str> {
        let lang = self.row_lang();
        self.refused_form()
            .filter(|f| f.is(row))
            .and_then(|f| f.errors.get(name, lang))
    }

    /// Whether `row`'s form is the refused one (shown open).
    fn row_open(&self, row: &str) -> bool {
        self.refused_form().is_some_and(|f| f.is(row))
    }
}

/// Splits `中文 (English)` at its last top-level parenthesis; a message
/// without one is the same in both languages.
///
/// A message put together from bilingual parts (`身份证号码无效 (invalid
/// resident ID): 应为18位 (expected 18 characters)`, or a name with its
/// gloss inside a sentence, `持有房屋 (held home) 不存在 (not found)`) keeps
/// no English in its Chinese: every gloss (a bracketed group of Latin
/// words right after Chinese text) is taken out of the Chinese, and the
/// English is the glosses and the last group joined with `: `.
pub fn split_bilingual(message: &str) -> (String, String) {
    let m = message.trim();
    let Some((zh, en)) = split_last(m) else {
        // `请求内容有误 (invalid request body): missing field` — a gloss,
        // then a detail in neither language (a parser's words, a value):
        // the detail goes with both.
        let (zh, glosses, tail) = take_glosses(m);
        if glosses.is_empty() {
            return (m.to_string(), m.to_string());
        }
        let mut en = glosses.join(": ");
        if !tail.trim().is_empty() {
            en.push_str(": ");
            en.push_str(tail.trim());
        }
        return (zh, en);
    };
    let (zh, glosses, _) = take_glosses(zh);
    if glosses.is_empty() {
        return (zh, en.to_string());
    }
    let mut parts = glosses;
    parts.push(en.to_string());
    (zh, parts.join(": "))
}

/// `body (last)` split at the group that closes the message.
fn split_last(m: &str) -> Option<(&str, &str)> {
    let body = m.strip_suffix(')')?;
    // Find the '(' that opens the final group, counting nesting.
    let mut depth = 0usize;
    for (i, ch) in body.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' if depth == 0 => {
                let zh = body[..i].trim_end();
                return (!zh.is_empty()).then(|| (zh, &body[i + 1..]));
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Takes the English glosses out of Chinese text: a group `(words)` of
/// ASCII starting with a letter, right after Chinese text (a space
/// between allowed). Returns the text without them (an ASCII colon after
/// a gloss becomes a Chinese one), the glosses in order, and the text
/// after the last gloss.
fn take_glosses(text: &str) -> (String, Vec<String>, &str) {
    let mut out = String::with_capacity(text.len());
    let mut glosses = Vec::new();
    let mut rest = text;
    let mut tail = "";
    while let Some(open) = rest.find('(') {
        let before = &rest[..open];
        let after = &rest[open + 1..];
        let gloss = after.find(')').map(|close| &after[..close]);
        let follows_chinese = before.trim_end().chars().last().is_some_and(is_cjk);
        match gloss {
            Some(g)
                if follows_chinese
                    && g.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && g.chars().all(|c| c.is_ascii() && c != '(') =>
            {
                out.push_str(before.trim_end());
                glosses.push(g.trim().to_string());
                rest = &after[g.len() + 1..];
                if let Some(r) = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(':')) {
                    out.push('：');
                    rest = r;
                } else {
                    rest = rest.trim_start();
                }
                tail = rest;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, glosses, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_messages_split_at_their_last_group() {
        assert_eq!(
            split_bilingual(
                "居民身份证号码应为18位，实际为11位 (expected 18 characters, found 11)"
            ),
            (
                "居民身份证号码应为18位，实际为11位".to_string(),
                "expected 18 characters, found 11".to_string()
            )
        );
        assert_eq!(
            split_bilingual(
                "第18位应为数字或X (character 18 must be a digit or 'X', found (\"Y\"))"
            ),
            (
                "第18位应为数字或X".to_string(),
                "character 18 must be a digit or 'X', found (\"Y\")".to_string()
            )
        );
        assert_eq!(
            split_bilingual("只有中文"),
            ("只有中文".to_string(), "只有中文".to_string())
        );
        // Bilingual parts inside a message: no English in the Chinese.
        assert_eq!(
            split_bilingual(
                "身份证号码无效 (invalid resident ID): 居民身份证号码应为18位，实际为11位 (expected 18 characters, found 11)"
            ),
            (
                "身份证号码无效：居民身份证号码应为18位，实际为11位".to_string(),
                "invalid resident ID: expected 18 characters, found 11".to_string()
            )
        );
        assert_eq!(
            split_bilingual("持有房屋 (held home) 不存在 (not found)"),
            (
                "持有房屋不存在".to_string(),
                "held home: not found".to_string()
            )
        );
        // A gloss, then a detail in neither language.
        assert_eq!(
            split_bilingual("请求内容有误 (invalid request body): missing field `x`"),
            (
                "请求内容有误：missing field `x`".to_string(),
                "invalid request body: missing field `x`".to_string()
            )
        );
        // A bracket that is not a gloss stays.
        assert_eq!(
            split_bilingual("第3行 A-1 (2024) 有误 (row 3 is wrong)").0,
            "第3行 A-1 (2024) 有误"
        );
    }

    #[test]
    fn one_problem_per_field_in_the_order_found() {
        let mut e = FieldErrors::new();
        e.add("a", "甲", "A");
        e.add("b", "乙", "B");
        e.add("a", "甲2", "A2");
        assert_eq!(e.len(), 2);
        assert_eq!(e.get("a", Lang::Zh), Some("甲"));
        assert_eq!(e.get("b", Lang::En), Some("B"));
        assert_eq!(e.get("c", Lang::En), None);
    }
}
