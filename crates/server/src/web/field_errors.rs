//! What is wrong with a posted form, field by field, all at once, so the
//! page can be shown again with what the person typed and each problem
//! beside the field it concerns (issue 12 defect 7: never one error at a
//! time on a separate page).

pub use super::bilingual::split_bilingual;
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

#[cfg(test)]
mod tests {
    use super::*;

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
