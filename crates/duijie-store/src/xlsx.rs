//! Ledgers from Excel workbooks (`.xlsx`, feature `xlsx`): one sheet per table, checked as
//! strictly as CSV, every problem located by file, sheet, row and column.
//!
//! A sheet is a table when its name is the table's (`talent_needs`), its Chinese name
//! (`人才需求`) or both (`talent_needs 人才需求`, as `duijie template` writes them); a workbook
//! with one sheet named after its table (`talent_needs.xlsx`) may call the sheet anything. The
//! first row names the fields, by field name, Chinese label or both (`headcount 需求人数`).
//! Cells must hold values as typed: a formula, a date-formatted cell, an Excel error (`#N/A`)
//! or a merged range is an error at its cell, and the row is not read — nothing is converted
//! behind the user's back. A sheet named `_lists` (the template's drop-down values) is skipped.

use std::io::Cursor;

use calamine::{Data, Reader, SheetVisible, Xlsx};
use duijie::validate::{RawRecord, RecordKind, field_label_zh};
use duijie::{Origin, Problem, ProblemKind, Severity};

use crate::csv::{CsvTable, Row, parse_rows};

/// The sheet of `duijie template`'s drop-down lists, never a table.
pub const LISTS_SHEET: &str = "_lists";

/// What a workbook held: one table per sheet, and the problems found.
#[derive(Debug, Default)]
pub struct Workbook {
    /// `(source, header, records)` per table sheet; the source names file and sheet
    /// (`ledger.xlsx[talent_needs]`).
    pub tables: Vec<(String, Vec<String>, Vec<RawRecord>)>,
    /// Every problem, sheet by sheet.
    pub problems: Vec<Problem>,
}

/// The source name of a sheet in messages: `ledger.xlsx[talent_needs]`.
pub fn sheet_source(file: &str, sheet: &str) -> String {
    format!("{file}[{sheet}]")
}

fn error(source: &str, row: u64, kind: ProblemKind, message: String) -> Problem {
    Problem::at(Severity::Error, kind, &Origin::line(source, row), message)
}

/// The column letters of a 1-based column (`1` → `A`, `28` → `AB`).
fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    while col > 0 {
        let r = (col - 1) % 26;
        s.push(b'A' + u8::try_from(r).unwrap_or(0));
        col = (col - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell's text, or why it cannot be read as typed (in English and Chinese).
fn cell_text(d: &Data) -> Result<String, (String, String)> {
    match d {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Int(i) => Ok(i.to_string()),
        // Whole numbers as Excel shows them (6, not 6.0); others in full.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(format!("{f:.0}")),
        Data::Float(f) => Ok(f.to_string()),
        Data::Bool(b) => Ok(b.to_string()),
        Data::DateTime(x) => Err((
            format!(
                "the cell is formatted as a date or time (Excel stores {}), so what it shows is not what it holds; format the column as 文本 (text) and retype the value",
                x.as_f64()
            ),
            format!(
                "单元格设成了日期或时间格式（Excel 实际存的是 {}），显示的不是存的值；请把该列设为“文本”并重新输入",
                x.as_f64()
            ),
        )),
        Data::DateTimeIso(x) | Data::DurationIso(x) => Err((
            format!(
                "the cell holds a date or duration ({x}); format the column as 文本 (text) and retype the value"
            ),
            format!("单元格是日期或时长（{x}）；请把该列设为“文本”并重新输入"),
        )),
        Data::Error(e) => Err((
            format!("the cell shows an Excel error ({e}); correct or clear it"),
            format!("单元格显示 Excel 错误（{e}）；请改正或清空"),
        )),
    }
}

/// A header cell as a field name of `kind`: the name itself, a Chinese label, or a label with
/// the name (`headcount 需求人数`); otherwise the cell as written (reported as unknown).
fn header_field(kind: RecordKind, cell: &str) -> String {
    let cell = cell.trim();
    kind.fields()
        .iter()
        .find(|f| {
            cell == f.name
                || cell == field_label_zh(f.name)
                || cell.split_whitespace().any(|t| t == f.name)
        })
        .map_or_else(|| cell.to_owned(), |f| f.name.to_owned())
}

/// Reads a workbook's bytes. `name` is the file as the user gave it; its stem names the table
/// of a one-sheet workbook.
pub fn parse_workbook(name: &str, bytes: &[u8]) -> Workbook {
    let mut out = Workbook::default();
    let mut wb = match Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            out.problems.push(
                error(
                    name,
                    1,
                    ProblemKind::NotRead,
                    format!("not a readable .xlsx workbook ({e})"),
                )
                .with_suggestion("save it from Excel or WPS as Excel 工作簿 (.xlsx)")
                .in_chinese(
                    format!("不是可读取的 .xlsx 工作簿（{e}）"),
                    Some("在 Excel 或 WPS 中另存为“Excel 工作簿 (.xlsx)”".into()),
                ),
            );
            return out;
        }
    };
    let sheets: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .rsplit_once('.')
        .map_or(name, |(s, _)| s);
    let one_sheet_kind = RecordKind::from_label(stem).filter(|_| sheets.len() == 1);
    let merged: Vec<(String, calamine::Dimensions)> = match wb.load_merged_regions() {
        Ok(()) => wb
            .merged_regions()
            .iter()
            .map(|(sheet, _, d)| (sheet.clone(), *d))
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut found = false;
    for (sheet, visible) in sheets {
        if sheet == LISTS_SHEET {
            continue;
        }
        let source = sheet_source(name, &sheet);
        let Some(kind) = RecordKind::from_label(&sheet).or(one_sheet_kind) else {
            let all: Vec<&str> = RecordKind::ALL.iter().map(|k| k.name()).collect();
            out.problems.push(
                error(
                    &source,
                    1,
                    ProblemKind::NotRead,
                    format!(
                        "sheet `{sheet}`{} is not a ledger table, so it was not read",
                        if visible { "" } else { " (hidden)" }
                    ),
                )
                .with_suggestion(format!(
                    "name each sheet after its table ({}), or move other sheets to another workbook",
                    all.join(", ")
                ))
                .in_chinese(
                    format!("工作表“{sheet}”不是台账表，未读取"),
                    Some(format!(
                        "按表名命名各工作表（{}），或把其他工作表移到另一个工作簿",
                        RecordKind::ALL
                            .iter()
                            .map(|k| format!("{} {}", k.name(), k.name_zh()))
                            .collect::<Vec<_>>()
                            .join("、")
                    )),
                ),
            );
            continue;
        };
        found = true;
        let t = read_sheet(&mut wb, &sheet, &source, kind, &merged);
        out.problems.extend(t.problems);
        out.tables.push((source, t.header, t.records));
    }
    if !found && !out.problems.iter().any(|p| p.kind == ProblemKind::NotRead) {
        out.problems.push(error(
            name,
            1,
            ProblemKind::NotRead,
            "the workbook has no sheet".to_owned(),
        ));
    }
    out
}

/// One table sheet: its cells as rows (Excel's row numbers), formulas, merged ranges and cells
/// that are not plain values reported at their cell, then the header and rows checked as CSV's.
fn read_sheet(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    source: &str,
    kind: RecordKind,
    merged: &[(String, calamine::Dimensions)],
) -> CsvTable {
    let mut problems = Vec::new();
    let range = match wb.worksheet_range(sheet) {
        Ok(r) => r,
        Err(e) => {
            problems.push(error(
                source,
                1,
                ProblemKind::NotRead,
                format!("the sheet cannot be read ({e})"),
            ));
            return parse_rows(source, Vec::new(), problems, kind);
        }
    };
    // Rows left out: a formula, a merged range or a cell that is not a plain value.
    let mut bad_rows = std::collections::BTreeSet::new();
    if let Ok(formulas) = wb.worksheet_formula(sheet) {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            if f.is_empty() {
                continue;
            }
            let (row, col) = (r0 + r as u32 + 1, c0 + c as u32 + 1);
            bad_rows.insert(row);
            problems.push(
                error(
                    source,
                    u64::from(row),
                    ProblemKind::Syntax,
                    format!(
                        "cell {}{row} holds a formula (={f}); the ledger takes values only",
                        column_letters(col)
                    ),
                )
                .with_column(u64::from(col))
                .with_suggestion("copy the column and paste it back as values (选择性粘贴 → 数值); this row was not read")
                .in_chinese(
                    format!("单元格 {}{row} 是公式（={f}），台账只接受数值", column_letters(col)),
                    Some("复制该列并“选择性粘贴 → 数值”；该行未读取".into()),
                ),
            );
        }
    }
    for (_, d) in merged.iter().filter(|(s, _)| s == sheet) {
        let (top, left) = (d.start.0 + 1, d.start.1 + 1);
        let (bottom, right) = (d.end.0 + 1, d.end.1 + 1);
        bad_rows.extend(top..=bottom);
        problems.push(
            error(
                source,
                u64::from(top),
                ProblemKind::Syntax,
                format!(
                    "cells {}{top}:{}{bottom} are merged; a merged range holds one value for several rows or columns",
                    column_letters(left),
                    column_letters(right)
                ),
            )
            .with_column(u64::from(left))
            .with_suggestion("unmerge the cells (取消合并) and fill in every row; these rows were not read")
            .in_chinese(
                format!(
                    "单元格 {}{top}:{}{bottom} 已合并：一个值占了多行或多列",
                    column_letters(left),
                    column_letters(right)
                ),
                Some("取消合并并逐行填写；这些行未读取".into()),
            ),
        );
    }
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Row> = Vec::new();
    for (r, cells) in range.rows().enumerate() {
        let row = r0 + r as u32 + 1;
        // Columns keep Excel's numbering when the used range does not start at A.
        let mut fields = vec![String::new(); c0 as usize];
        let mut ok = !bad_rows.contains(&row);
        for (c, d) in cells.iter().enumerate() {
            match cell_text(d) {
                Ok(t) => fields.push(t),
                Err((why, why_zh)) => {
                    let col = c0 + c as u32 + 1;
                    problems.push(
                        error(
                            source,
                            u64::from(row),
                            ProblemKind::InvalidValue,
                            format!("cell {}{row}: {why}", column_letters(col)),
                        )
                        .with_column(u64::from(col))
                        .with_suggestion("this row was not read")
                        .in_chinese(
                            format!("单元格 {}{row}：{why_zh}", column_letters(col)),
                            Some("该行未读取".into()),
                        ),
                    );
                    ok = false;
                    fields.push(String::new());
                }
            }
        }
        // Trailing empty cells do not make a row ragged.
        if rows.is_empty() {
            while fields.last().is_some_and(String::is_empty) {
                fields.pop();
            }
            fields = fields.iter().map(|h| header_field(kind, h)).collect();
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if ok || rows.is_empty() {
            rows.push(Row {
                line: u64::from(row),
                fields,
            });
        }
    }
    // Every record row as wide as the header: Excel does not store trailing empty cells.
    if let Some(width) = rows.first().map(|h| h.fields.len()) {
        for r in rows.iter_mut().skip(1) {
            while r.fields.len() > width && r.fields.last().is_some_and(String::is_empty) {
                r.fields.pop();
            }
            if r.fields.len() < width {
                r.fields.resize(width, String::new());
            }
        }
    }
    parse_rows(source, rows, problems, kind)
}
