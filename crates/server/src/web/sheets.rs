//! Spreadsheets in and out, the way officials use them: every table anju
//! hands out is XLSX (and CSV where a department's system wants it), and
//! every import takes either. One writer and one response helper per
//! format, so headers, the BOM and cell neutralisation live in one place.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, ApiResult};

/// The limits every import of a table (XLSX or CSV) is held to, so that a
/// small file cannot make the server inflate, parse or hold more than an
/// official's real spreadsheet ever needs. A file over one is refused with
/// a message that names the limit.
pub mod limits {
    /// The file as uploaded (a department's file of a whole district is
    /// well under 1 MB).
    pub const UPLOAD_BYTES: usize = 4 * 1024 * 1024;
    /// An XLSX unpacked: every part of the archive together.
    pub const INFLATED_BYTES: u64 = 32 * 1024 * 1024;
    /// Rows of a sheet or CSV file, the header included.
    pub const ROWS: usize = 50_000;
    /// Columns of a row.
    pub const COLUMNS: usize = 64;
}

// The cell type, the media types and the formula guard are the streamed
// writer's (`stream`, which imports nothing from here), re-exported for the
// small sheets and imports.
pub use super::stream::{neutralise, Cell, CSV_TYPE, XLSX_TYPE};

/// A download: the bytes with their media type and a file name.
pub fn download(bytes: Vec<u8>, media_type: &str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// An XLSX download.
pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    download(bytes, XLSX_TYPE, file_name)
}

/// A CSV download.
pub fn csv_response(bytes: Vec<u8>, file_name: &str) -> Response {
    download(bytes, CSV_TYPE, file_name)
}

/// The inverse of [`neutralise`] for a file coming back: an apostrophe
/// before a formula character is dropped again.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// UTF-8 CSV with a BOM (Excel then opens Chinese text correctly), every
/// cell neutralised.
pub fn csv_bytes<R, C>(rows: R) -> ApiResult<Vec<u8>>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        w.write_record(&cells)
            .map_err(|e| ApiError::internal(e.to_string()))?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// How the cells of a sheet are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetStyle {
    /// First row bold (a table with a header).
    Header,
    /// Every cell a text cell: IDs must not become numbers in Excel.
    AllText,
}

/// One worksheet of strings, as XLSX bytes.
pub fn sheet(rows: &[Vec<String>], style: SheetStyle, widths: &[(u16, f64)]) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let xl = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e.to_string());
    for (r, row) in rows.iter().enumerate() {
        let r32 = u32::try_from(r).map_err(|e| ApiError::internal(e.to_string()))?;
        for (c, v) in row.iter().enumerate() {
            let c16 = u16::try_from(c).map_err(|e| ApiError::internal(e.to_string()))?;
            match style {
                SheetStyle::Header if r == 0 => ws.write_string_with_format(0, c16, v, &bold),
                SheetStyle::Header => ws.write_string(r32, c16, v),
                SheetStyle::AllText => ws.write_string_with_format(r32, c16, v, &text),
            }
            .map_err(xl)?;
        }
    }
    for &(col, width) in widths {
        ws.set_column_width(col, width).map_err(xl)?;
    }
    wb.save_to_buffer().map_err(xl)
}

/// A spreadsheet fit to issue: a named sheet with the document's title, the
/// issuing office, the period and the date above the table, and the note
/// and a seal area below it — what an office prints and stamps.
pub struct OfficialSheet<'a> {
    /// The sheet's tab, e.g. 公示名单 (not "Sheet1").
    pub sheet_name: &'a str,
    pub title: &'a str,
    pub office: &'a str,
    /// e.g. 公示期：2026-03-02 至 2026-03-06.
    pub period: Option<String>,
    pub issued_on: chrono::NaiveDate,
    pub header: &'a [&'a str],
    pub rows: Vec<Vec<Cell>>,
    /// A line below the table (how to object, a total, …).
    pub note: Option<&'a str>,
    pub widths: &'a [(u16, f64)],
}

/// An [`OfficialSheet`] as XLSX bytes (the layout is the streamed
/// writer's, `stream::SheetWriter::official`).
pub fn official_sheet(doc: &OfficialSheet) -> ApiResult<Vec<u8>> {
    let mut w = super::stream::SheetWriter::official(&super::stream::OfficialHead {
        sheet_name: doc.sheet_name,
        title: doc.title,
        office: doc.office,
        period: doc.period.clone(),
        issued_on: doc.issued_on,
        header: doc.header,
        note: doc.note,
        widths: doc.widths,
    })?;
    w.write(&doc.rows)?;
    w.into_bytes()
}

fn too_large(zh: &str, en: &str, limit: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        format!("文件过大：{zh}不能超过 {limit} (file too large: {en} may not exceed {limit})"),
    )
    .field("file")
}

/// Refuses an upload over [`limits::UPLOAD_BYTES`].
pub fn check_upload_size(body: &[u8]) -> ApiResult<()> {
    if body.len() > limits::UPLOAD_BYTES {
        return Err(too_large(
            "上传的文件",
            "the uploaded file",
            format!("{} MB", limits::UPLOAD_BYTES / 1024 / 1024),
        ));
    }
    Ok(())
}

/// Reads an upload's body, refusing it as soon as it passes
/// [`limits::UPLOAD_BYTES`]. Handlers take the body unread and call this
/// only after the caller's role was checked.
pub async fn read_body(body: axum::body::Body) -> ApiResult<axum::body::Bytes> {
    axum::body::to_bytes(body, limits::UPLOAD_BYTES)
        .await
        .map_err(|_| {
            too_large(
                "上传的文件",
                "the uploaded file",
                format!("{} MB", limits::UPLOAD_BYTES / 1024 / 1024),
            )
        })
}

/// Unpacks every part of an XLSX archive into nothing, counting, and stops
/// as soon as the total passes [`limits::INFLATED_BYTES`]: the sizes an
/// archive declares may lie, the bytes it inflates to do not.
fn check_inflated_size(body: &[u8]) -> ApiResult<()> {
    let bad = |e: String| {
        ApiError::bad_request(
            "invalid_file",
            format!("无法读取 Excel 文件 (cannot read the XLSX file: {e})"),
        )
        .field("file")
    };
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(body)).map_err(|e| bad(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        let room = limits::INFLATED_BYTES - total;
        let n = std::io::copy(
            &mut std::io::Read::take(&mut part, room + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| bad(e.to_string()))?;
        total += n;
        if total > limits::INFLATED_BYTES {
            return Err(too_large(
                "解压后的 Excel 内容",
                "the unpacked XLSX",
                format!("{} MB", limits::INFLATED_BYTES / 1024 / 1024),
            ));
        }
    }
    Ok(())
}

/// Refuses a table over [`limits::ROWS`] rows or [`limits::COLUMNS`] columns.
pub fn check_shape(rows: usize, columns: usize) -> ApiResult<()> {
    if rows > limits::ROWS {
        return Err(too_large("表格行数", "the number of rows", limits::ROWS));
    }
    if columns > limits::COLUMNS {
        return Err(too_large(
            "每行的列数",
            "the number of columns",
            limits::COLUMNS,
        ));
    }
    Ok(())
}

/// Reads an uploaded XLSX (first sheet) as CSV text, so both formats go
/// through the same row validation. The upload, its unpacked size, its rows
/// and its columns are held to [`limits`] before and while it is parsed.
pub fn xlsx_to_csv(body: &[u8]) -> ApiResult<Vec<u8>> {
    use calamine::{Data, Reader, Xlsx};
    check_upload_size(body)?;
    check_inflated_size(body)?;
    let bad = |e: String| {
        ApiError::bad_request(
            "invalid_file",
            format!("无法读取 Excel 文件 (cannot read the XLSX file: {e})"),
        )
        .field("file")
    };
    let mut wb: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(body.to_vec())).map_err(|e| bad(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad("没有工作表 (no worksheet)".into()))?
        .map_err(|e| bad(e.to_string()))?;
    let (height, width) = range.get_size();
    check_shape(height, width)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
                other => other.to_string(),
            })
            .collect();
        w.write_record(&cells).map_err(|e| bad(e.to_string()))?;
    }
    w.into_inner().map_err(|e| bad(e.to_string()))
}

/// How an uploaded CSV was encoded, as the import report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (and every XLSX).
    Utf8,
    /// GB18030 (a superset of GBK): what Excel and WPS on a Chinese
    /// Windows machine write when saving "CSV (逗号分隔)".
    Gb18030,
}

impl Encoding {
    pub fn label_zh(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GBK/GB18030（中文 Windows 下 Excel、WPS 另存的 CSV）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GBK/GB18030 (a CSV saved by Excel or WPS on Chinese Windows)",
        }
    }
}

/// The text of an uploaded CSV: UTF-8 (a BOM is dropped) when it is valid
/// UTF-8, otherwise GB18030/GBK — the two encodings offices' spreadsheets
/// write. Anything that is neither is refused, saying what to do.
pub fn decode_csv(bytes: &[u8]) -> ApiResult<(String, Encoding)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), Encoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ApiError::bad_request(
            "invalid_encoding",
            "无法识别 CSV 文件的编码（既不是 UTF-8，也不是 GBK）：请在 Excel 或 WPS 中另存为“CSV UTF-8”或 XLSX 后再上传 (the CSV is neither UTF-8 nor GBK: save it as CSV UTF-8 or XLSX)",
        )
        .field("file"));
    }
    Ok((text.into_owned(), Encoding::Gb18030))
}

/// Whether a cell is a long number a spreadsheet turned into scientific
/// notation (`1.40311E+17`): an ID typed into a number cell.
pub fn is_scientific_number(cell: &str) -> bool {
    let t = cell.trim();
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// What to tell an official whose ID column a spreadsheet turned into
/// numbers.
pub const ID_AS_NUMBER: &str = "身份证号被表格软件当成了数字（显示为 1.40311E+17 之类，后几位已丢失）：请把该列设置为“文本”格式后重新填写号码，或在号码前加英文单引号 ' (the spreadsheet turned the ID into a number and lost its last digits: format the column as Text and type the IDs again)";

/// An uploaded table (XLSX by its signature, otherwise CSV in UTF-8 or
/// GBK) as rows of cells.
pub fn upload_rows(body: &[u8]) -> ApiResult<Vec<Vec<String>>> {
    upload_table(body).map(|(rows, _)| rows)
}

/// [`upload_rows`], and the encoding the CSV was read in.
pub fn upload_table(body: &[u8]) -> ApiResult<(Vec<Vec<String>>, Encoding)> {
    check_upload_size(body)?;
    let (text, encoding) = if body.starts_with(b"PK\x03\x04") {
        let csv_bytes = xlsx_to_csv(body)?;
        decode_csv(&csv_bytes)?
    } else {
        decode_csv(body)?
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| {
            ApiError::bad_request(
                "invalid_csv",
                format!("第{}行无法读取：{e} (row {} unreadable: {e})", i + 1, i + 1),
            )
            .field("file")
        })?;
        check_shape(i + 1, rec.len())?;
        rows.push(rec.iter().map(|c| unneutralise(c).to_string()).collect());
    }
    Ok((rows, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_from_chinese_excel_is_read_as_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("楼栋,单元\n1,张三\n");
        let (text, enc) = decode_csv(&gbk).expect("GBK reads");
        assert_eq!(
            (text.as_str(), enc),
            ("楼栋,单元\n1,张三\n", Encoding::Gb18030)
        );
        let (text, enc) = decode_csv("\u{feff}楼栋\n".as_bytes()).expect("UTF-8 with BOM");
        assert_eq!((text.as_str(), enc), ("楼栋\n", Encoding::Utf8));
        assert_eq!(
            decode_csv("楼栋".as_bytes()).expect("UTF-8").1,
            Encoding::Utf8
        );
        // Bytes that are neither are refused with what to do.
        let e = decode_csv(&[0x81, 0x20, 0xFF, 0xFE]).unwrap_err();
        assert!(e.message.contains("CSV UTF-8"), "{}", e.message);
    }

    #[test]
    fn ids_turned_into_numbers_are_recognised() {
        for s in ["1.40311E+17", "1.40311e17", "1E+17"] {
            assert!(is_scientific_number(s), "{s}");
        }
        for s in [
            "140302198805120011",
            "14030219880512001X",
            "E+17",
            "1.2.3",
            "",
        ] {
            assert!(!is_scientific_number(s), "{s}");
        }
    }

    /// An XLSX-shaped archive with one part of `n` zero bytes (deflated to
    /// almost nothing): the shape of a decompression bomb.
    fn bomb(n: usize) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![b'0'; 1 << 20];
        for _ in 0..n / chunk.len() {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn uploads_are_held_to_their_limits() {
        // 64 MB of zeros deflate to well under the upload limit …
        let b = bomb(64 << 20);
        assert!(b.len() < limits::UPLOAD_BYTES, "{}", b.len());
        // … and are refused once more than the inflated limit came out.
        let e = xlsx_to_csv(&b).unwrap_err();
        assert_eq!(e.code, "file_too_large", "{}", e.message);
        assert!(e.message.contains("32 MB"), "{}", e.message);
        // Too many bytes, rows or columns in a CSV.
        let e = upload_rows(&vec![b'a'; limits::UPLOAD_BYTES + 1]).unwrap_err();
        assert!(e.message.contains("4 MB"), "{}", e.message);
        let many_rows = "a\n".repeat(limits::ROWS + 1);
        let e = upload_rows(many_rows.as_bytes()).unwrap_err();
        assert!(e.message.contains("50000"), "{}", e.message);
        let wide = vec!["x"; limits::COLUMNS + 1].join(",");
        let e = upload_rows(wide.as_bytes()).unwrap_err();
        assert!(e.message.contains("64"), "{}", e.message);
        // A file at the limits is read.
        let ok = "a\n".repeat(limits::ROWS);
        assert_eq!(upload_rows(ok.as_bytes()).unwrap().len(), limits::ROWS);
    }

    #[test]
    fn formula_cells_are_neutralised_and_read_back() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1)",
            "-2+3+cmd",
            "\tx",
            "\rx",
        ] {
            let out = neutralise(cell);
            assert!(out.starts_with('\''), "{cell:?} not neutralised");
            assert_eq!(unneutralise(&out), cell);
        }
        assert_eq!(neutralise("王小明"), "王小明");
        assert_eq!(neutralise("'quoted"), "'quoted");
        assert_eq!(unneutralise("'quoted"), "'quoted");
        let bytes = csv_bytes([["=1+1", "ok"]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}'=1+1,ok\n");
        let back = upload_rows(text.as_bytes()).unwrap();
        assert_eq!(back, vec![vec!["=1+1".to_string(), "ok".to_string()]]);
    }
}
