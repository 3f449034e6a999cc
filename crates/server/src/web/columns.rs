//! The columns of the tables anju hands out to be filled in and reads back
//! (a department's verification file, a campaign's request and answer
//! files): a clerk reads the Chinese header, the importer reads the field
//! codes. A template has both, the Chinese row first and the codes in the
//! second row; an upload is read in whichever layout it comes:
//!
//! - the Chinese row with the codes row under it (today's templates);
//! - one row of field codes (files made from the templates before the
//!   headers were Chinese, still in offices' folders);
//! - one Chinese row (a clerk who deleted the codes row, or typed the
//!   table from scratch): each Chinese name maps to its code.
//!
//! A header cell matches a column by its code or its Chinese name, also
//! when more follows after a space or bracket (`项目编号 project`,
//! `resident_id（身份证号）`): the mixed headers of older files.

/// One column: the field code the importer reads and the words a clerk
/// reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub code: String,
    pub zh: String,
}

impl Column {
    pub fn new(code: impl Into<String>, zh: impl Into<String>) -> Column {
        Column {
            code: code.into(),
            zh: zh.into(),
        }
    }

    /// Whether a header cell names this column (by code or by Chinese
    /// name, or either followed by more words).
    fn named_by(&self, cell: &str) -> bool {
        let cell = cell.trim().trim_start_matches('\u{feff}').trim();
        if cell.is_empty() {
            return false;
        }
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if same(cell, &self.code) || cell == self.zh {
            return true;
        }
        let first = cell
            .split([' ', '\u{3000}', '（', '(', '/'])
            .next()
            .unwrap_or("")
            .trim();
        !first.is_empty() && (same(first, &self.code) || first == self.zh)
    }

    /// Whether a cell is exactly this column's code: how a codes row is
    /// told from a row of data.
    fn is_code(&self, cell: &str) -> bool {
        cell.trim()
            .trim_start_matches('\u{feff}')
            .eq_ignore_ascii_case(&self.code)
    }
}

/// The two header rows of a template: the Chinese names, then the codes.
pub fn header_rows(columns: &[Column]) -> [Vec<String>; 2] {
    [
        columns.iter().map(|c| c.zh.clone()).collect(),
        columns.iter().map(|c| c.code.clone()).collect(),
    ]
}

/// How an upload's header was laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The Chinese row, then the codes row.
    ChineseAndCodes,
    /// One row of codes (the older templates).
    Codes,
    /// One row of Chinese names.
    Chinese,
}

/// An upload's header, read: which column of the file holds which code,
/// and how many rows the header took (the data start after them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub layout: Layout,
    /// Rows of header (1 or 2): the first data row is `rows[rows]`.
    pub rows: usize,
    /// For each column of the file, the code it holds (`None`: a column
    /// anju does not know, which is ignored).
    pub codes: Vec<Option<String>>,
}

impl Header {
    /// The file's column holding `code`.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.codes
            .iter()
            .position(|c| c.as_deref().is_some_and(|c| c == code))
    }

    /// The 1-based line of the file of data row `i` (0 = the first row
    /// after the header), as error reports name it.
    pub fn line_of(&self, i: usize) -> usize {
        i + self.rows + 1
    }
}

/// Reads the header of an uploaded table (`rows[0]`, and `rows[1]` when it
/// is a codes row) against the columns anju knows. A file with no row at
/// all has an empty header of one row.
pub fn read_header(rows: &[Vec<String>], columns: &[Column]) -> Header {
    let map = |row: &[String]| -> Vec<Option<String>> {
        row.iter()
            .map(|cell| {
                columns
                    .iter()
                    .find(|c| c.named_by(cell))
                    .map(|c| c.code.clone())
            })
            .collect()
    };
    let first = rows.first().map(Vec::as_slice).unwrap_or_default();
    let codes_in = |row: &[String]| {
        row.iter()
            .filter(|cell| columns.iter().any(|c| c.is_code(cell)))
            .count()
    };
    // A second row is the codes row when most of what it holds are codes
    // (two at least, or the only column's): a row of data never holds
    // two. A clerk's own word in an added column does not undo it.
    if let Some(second) = rows.get(1) {
        let known = codes_in(second);
        let others = second
            .iter()
            .filter(|cell| !cell.trim().is_empty() && !columns.iter().any(|c| c.is_code(cell)))
            .count();
        if known >= 2.min(columns.len()).max(1) && known > others {
            let mut codes = map(second);
            // A codes cell left blank: the Chinese name above still says.
            let above = map(first);
            for (i, c) in codes.iter_mut().enumerate() {
                if c.is_none() {
                    *c = above.get(i).cloned().flatten();
                }
            }
            return Header {
                layout: Layout::ChineseAndCodes,
                rows: 2,
                codes,
            };
        }
    }
    let layout = if codes_in(first) > 0 {
        Layout::Codes
    } else {
        Layout::Chinese
    };
    Header {
        layout,
        rows: 1,
        codes: map(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<Column> {
        vec![
            Column::new("application_id", "申请编号"),
            Column::new("resident_id", "身份证号"),
            Column::new("name", "姓名"),
        ]
    }

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(String::from).collect())
            .collect()
    }

    #[test]
    fn a_template_has_the_chinese_row_then_the_codes() {
        let [zh, codes] = header_rows(&cols());
        assert_eq!(zh, vec!["申请编号", "身份证号", "姓名"]);
        assert_eq!(codes, vec!["application_id", "resident_id", "name"]);
    }

    #[test]
    fn each_layout_is_read_by_code() {
        for (file, layout, data_at) in [
            (
                rows(&[
                    "申请编号,身份证号,姓名,备注",
                    "application_id,resident_id,name,",
                    "A-1,140302199001010011,张三,x",
                ]),
                Layout::ChineseAndCodes,
                2,
            ),
            (
                rows(&[
                    "application_id,resident_id,name",
                    "A-1,140302199001010011,张三",
                ]),
                Layout::Codes,
                1,
            ),
            (
                rows(&["姓名,申请编号,身份证号", "张三,A-1,140302199001010011"]),
                Layout::Chinese,
                1,
            ),
            (
                // The mixed header of older files.
                rows(&[
                    "\u{feff}申请编号 application_id,resident_id（身份证号）,姓名 name",
                    "A-1,140302199001010011,张三",
                ]),
                Layout::Chinese,
                1,
            ),
        ] {
            let h = read_header(&file, &cols());
            assert_eq!((h.layout, h.rows), (layout, data_at), "{file:?}");
            let row = &file[h.rows];
            let get = |code: &str| h.position(code).map(|i| row[i].as_str());
            assert_eq!(get("application_id"), Some("A-1"), "{file:?}");
            assert_eq!(get("resident_id"), Some("140302199001010011"));
            assert_eq!(get("name"), Some("张三"));
            assert_eq!(h.line_of(0), data_at + 1);
        }
    }

    #[test]
    fn a_row_of_data_is_never_taken_for_codes() {
        let file = rows(&["申请编号,身份证号,姓名", "name,140302199001010011,张三"]);
        let h = read_header(&file, &cols());
        assert_eq!((h.layout, h.rows), (Layout::Chinese, 1));
        // A word a clerk typed over the codes row of an added column.
        let file = rows(&[
            "申请编号,身份证号,姓名,备注",
            "application_id,resident_id,name,remark",
            "A-1,140302199001010011,张三,x",
        ]);
        let h = read_header(&file, &cols());
        assert_eq!((h.layout, h.rows), (Layout::ChineseAndCodes, 2));
        assert_eq!(h.codes[3], None);
        // An unknown header keeps its place, unread.
        let h = read_header(&rows(&["序号,申请编号"]), &cols());
        assert_eq!(h.codes, vec![None, Some("application_id".to_string())]);
        assert_eq!(read_header(&[], &cols()).rows, 1);
    }
}
