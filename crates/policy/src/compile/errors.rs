//! Why a policy file does not load, with the file, line and column.

use super::*;

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
