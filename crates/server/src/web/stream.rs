//! Exports that never hold their table (issue 11 item 5): a register of 10⁶
//! applications or a round of 10⁵ entrants is read from the store in keyset
//! pages and written out page by page, so the server's memory stays flat
//! whatever the export's size.
//!
//! * **CSV** goes to the client as it is written: each page becomes one
//!   chunk of the response body ([`csv_download`]). The browser shows the
//!   bytes received as they arrive. An error after the first bytes cuts the
//!   download short — the reader sees an incomplete file, never a wrong one.
//! * **XLSX** is a zip whose directory comes last, so it cannot be sent
//!   before it is finished. [`SheetWriter`] writes the worksheet in
//!   rust_xlsxwriter's constant-memory mode (rows go to a temporary file as
//!   they are written) and saves the workbook into an anonymous temporary
//!   file, which is then sent in 64 KiB chunks with its length
//!   ([`SheetWriter::into_response`]) — so the browser shows a real progress
//!   bar, and a failure is still an error status rather than a cut file.
//!
//! The same writer makes the small in-memory sheets ([`SheetWriter::into_bytes`]),
//! so an official sheet's layout (title, office, period, seal area) is
//! written in one place.

use std::io::{Seek, SeekFrom};

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::error::{ApiError, ApiResult};

/// The XLSX media type.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The CSV media type anju answers with (always UTF-8).
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return first) gets a leading apostrophe, so it shows as
/// text (OWASP "CSV injection"). Every CSV anju writes goes through here.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A cell of an official sheet: numbers stay numbers (Excel sums them).
pub enum Cell {
    Text(String),
    Number(f64),
}

/// How many rows an export reads from the store at a time: a keyset page of
/// 1,000 costs a few milliseconds (8 ms on PostgreSQL at 10⁵) and holds a
/// few hundred KB, and a test city of 2,300 families spans three pages.
pub const PAGE_ROWS: u32 = 1_000;

fn xl(e: XlsxError) -> ApiError {
    ApiError::internal(format!("xlsx: {e}"))
}

fn attachment(media_type: &str, file_name: &str) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, media_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ),
    ]
}

/// A download whose body is sent chunk by chunk as `chunks` yields them.
pub fn bytes_download<S>(chunks: S, media_type: &str, file_name: &str) -> Response
where
    S: Stream<Item = ApiResult<Vec<u8>>> + Send + 'static,
{
    let body = chunks.map(|c| {
        c.map(Bytes::from).map_err(|e| {
            eprintln!(
                "anju: 下载中断 (streamed download cut short): {}",
                e.message
            );
            std::io::Error::other(e.message)
        })
    });
    (attachment(media_type, file_name), Body::from_stream(body)).into_response()
}

/// A CSV download streamed page by page: the BOM and `header` first (Excel
/// then reads the Chinese text as UTF-8), then each page of rows as it is
/// read, every cell neutralised against formula injection.
pub fn csv_download<S>(header_row: Vec<String>, pages: S, file_name: &str) -> Response
where
    S: Stream<Item = ApiResult<Vec<Vec<String>>>> + Send + 'static,
{
    let first = futures_util::stream::once(async move {
        let mut out = vec![0xEF, 0xBB, 0xBF];
        out.extend(csv_rows(std::iter::once(header_row))?);
        Ok(out)
    });
    let rest = pages.map(|page| page.and_then(csv_rows));
    bytes_download(first.chain(rest), CSV_TYPE, file_name)
}

fn csv_rows(rows: impl IntoIterator<Item = Vec<String>>) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))
            .map_err(|e| ApiError::internal(e.to_string()))?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// The block above an official sheet's table and the lines below it: what
/// an office prints and stamps (see `sheets::OfficialSheet`).
pub struct OfficialHead<'a> {
    /// The sheet's tab, e.g. 公示名单 (not "Sheet1").
    pub sheet_name: &'a str,
    pub title: &'a str,
    pub office: &'a str,
    /// e.g. 公示期：2026-03-02 至 2026-03-06.
    pub period: Option<String>,
    pub issued_on: chrono::NaiveDate,
    pub header: &'a [&'a str],
    /// A line below the table (how to object, a total, …).
    pub note: Option<&'a str>,
    pub widths: &'a [(u16, f64)],
}

/// What follows the last row: the note and the seal area of an official
/// sheet, nothing for a plain table.
enum Footer {
    Plain,
    Official {
        office: String,
        issued_on: chrono::NaiveDate,
        note: Option<String>,
    },
}

/// One worksheet written row by row in constant memory: rows must come in
/// order, and a page of rows can be written on a blocking thread
/// ([`SheetWriter::write_page`]) while the next page is read.
pub struct SheetWriter {
    wb: Workbook,
    /// The next row to write.
    row: u32,
    cols: u16,
    footer: Footer,
    cell: Format,
    text: Format,
    all_text: bool,
}

impl SheetWriter {
    fn new(sheet_name: &str) -> ApiResult<SheetWriter> {
        let mut wb = Workbook::new();
        wb.add_worksheet_with_constant_memory()
            .set_name(sheet_name)
            .map_err(xl)?;
        Ok(SheetWriter {
            wb,
            row: 0,
            cols: 1,
            footer: Footer::Plain,
            cell: Format::new(),
            text: Format::new().set_num_format("@"),
            all_text: false,
        })
    }

    fn sheet(&mut self) -> ApiResult<&mut Worksheet> {
        self.wb.worksheet_from_index(0).map_err(xl)
    }

    /// A table with a bold header row. `all_text`: every cell a text cell
    /// (identity numbers must not become numbers in Excel).
    pub fn table(
        sheet_name: &str,
        header: &[&str],
        widths: &[(u16, f64)],
        all_text: bool,
    ) -> ApiResult<SheetWriter> {
        let mut w = SheetWriter::new(sheet_name)?;
        w.all_text = all_text;
        let bold = Format::new().set_bold();
        let ws = w.sheet()?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, *h, &bold)
                .map_err(xl)?;
        }
        for &(c, width) in widths {
            ws.set_column_width(c, width).map_err(xl)?;
        }
        w.cols = col(header.len().max(1))?;
        w.row = 1;
        Ok(w)
    }

    /// A sheet fit to issue: title, issuing office, period and date above
    /// the table; the note and a seal area below it (written by
    /// [`SheetWriter::finish`]).
    pub fn official(head: &OfficialHead) -> ApiResult<SheetWriter> {
        let mut w = SheetWriter::new(head.sheet_name)?;
        let cols = col(head.header.len().max(1))?;
        let title = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center);
        let bold = Format::new().set_bold().set_border(FormatBorder::Thin);
        let mut meta = format!("发布单位：{}", head.office);
        if let Some(p) = &head.period {
            meta.push_str(&format!("　　{p}"));
        }
        meta.push_str(&format!("　　制表日期：{}", head.issued_on));
        let ws = w.sheet()?;
        ws.merge_range(0, 0, 0, cols - 1, head.title, &title)
            .map_err(xl)?;
        ws.merge_range(1, 0, 1, cols - 1, &meta, &Format::new())
            .map_err(xl)?;
        for (c, h) in head.header.iter().enumerate() {
            ws.write_string_with_format(3, col(c)?, *h, &bold)
                .map_err(xl)?;
        }
        for &(c, width) in head.widths {
            ws.set_column_width(c, width).map_err(xl)?;
        }
        ws.set_landscape();
        ws.set_repeat_rows(3, 3).map_err(xl)?;
        w.cols = cols;
        w.row = 4;
        w.cell = Format::new().set_border(FormatBorder::Thin);
        w.footer = Footer::Official {
            office: head.office.to_string(),
            issued_on: head.issued_on,
            note: head.note.map(str::to_string),
        };
        Ok(w)
    }

    /// Writes rows after the ones written so far.
    pub fn write<R: AsRef<[Cell]>>(&mut self, rows: impl IntoIterator<Item = R>) -> ApiResult<()> {
        let (cell, text, all_text) = (self.cell.clone(), self.text.clone(), self.all_text);
        let mut r = self.row;
        let ws = self.sheet()?;
        for row in rows {
            for (c, v) in row.as_ref().iter().enumerate() {
                let c = col(c)?;
                match v {
                    Cell::Text(t) if all_text => ws.write_string_with_format(r, c, t, &text),
                    Cell::Text(t) => ws.write_string_with_format(r, c, t, &cell),
                    Cell::Number(n) => ws.write_number_with_format(r, c, *n, &cell),
                }
                .map_err(xl)?;
            }
            r = r
                .checked_add(1)
                .ok_or_else(|| ApiError::internal("sheet row overflow"))?;
        }
        self.row = r;
        Ok(())
    }

    /// Writes a page of rows on a blocking thread (the XML goes to the
    /// worksheet's temporary file), handing the writer back.
    pub async fn write_page(mut self, rows: Vec<Vec<Cell>>) -> ApiResult<SheetWriter> {
        tokio::task::spawn_blocking(move || {
            self.write(rows)?;
            Ok(self)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
    }

    /// Sets the official sheet's note below the table once the rows are
    /// known (a total, say). A plain table has no note.
    pub fn set_note(&mut self, text: String) {
        if let Footer::Official { note, .. } = &mut self.footer {
            *note = Some(text);
        }
    }

    /// The lines below the table: for an official sheet its note and seal.
    fn finish(&mut self) -> ApiResult<()> {
        let Footer::Official {
            office,
            issued_on,
            note,
        } = std::mem::replace(&mut self.footer, Footer::Plain)
        else {
            return Ok(());
        };
        let cols = self.cols;
        let mut r = self.row + 1;
        let ws = self.sheet()?;
        if let Some(note) = note {
            ws.merge_range(r, 0, r, cols - 1, &note, &Format::new().set_text_wrap())
                .map_err(xl)?;
            ws.set_row_height(r, 32).map_err(xl)?;
            r += 2;
        }
        // The seal area: the office stamps the printout here.
        let right = Format::new().set_align(FormatAlign::Right);
        ws.merge_range(r, 0, r, cols - 1, &format!("{office}（盖章）"), &right)
            .map_err(xl)?;
        ws.merge_range(
            r + 1,
            0,
            r + 1,
            cols - 1,
            &issued_on.format("%Y年%m月%d日").to_string(),
            &right,
        )
        .map_err(xl)?;
        Ok(())
    }

    /// The finished workbook in memory: for the small sheets (templates,
    /// a ledger, a project's leases).
    pub fn into_bytes(mut self) -> ApiResult<Vec<u8>> {
        self.finish()?;
        let mut out = std::io::Cursor::new(Vec::new());
        self.wb.save_to_writer(&mut out).map_err(xl)?;
        Ok(out.into_inner())
    }

    /// The finished workbook as a download: saved into an anonymous
    /// temporary file on a blocking thread, then sent from it in chunks
    /// with its length. Nothing of it stays in memory.
    pub async fn into_response(mut self, file_name: &str) -> ApiResult<Response> {
        let file = tokio::task::spawn_blocking(move || -> ApiResult<std::fs::File> {
            self.finish()?;
            let mut f = tempfile::tempfile().map_err(|e| ApiError::internal(e.to_string()))?;
            self.wb.save_to_writer(&mut f).map_err(xl)?;
            f.seek(SeekFrom::Start(0))
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(f)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
        let len = file
            .metadata()
            .map_err(|e| ApiError::internal(e.to_string()))?
            .len();
        let chunks =
            futures_util::stream::unfold(Some(tokio::fs::File::from_std(file)), |f| async move {
                use tokio::io::AsyncReadExt;
                let mut f = f?;
                let mut buf = vec![0u8; 64 * 1024];
                match f.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(f)))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            });
        let mut resp =
            (attachment(XLSX_TYPE, file_name), Body::from_stream(chunks)).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
        Ok(resp)
    }
}

fn col(c: usize) -> ApiResult<u16> {
    u16::try_from(c).map_err(|_| ApiError::internal(format!("column {c} out of range")))
}
