//! Ledgers from Excel workbooks: the bundled sample converted to `.xlsx` (as `duijie template`
//! writes it) loads to the same ledger as its CSV files, and broken workbooks get errors at
//! their file, sheet, row and column.
#![cfg(feature = "xlsx")]
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use duijie::validate::RecordKind;
use duijie::{ProblemKind, Severity};
use duijie_store::{Source, load_paths, load_sources, read_paths};
use rust_xlsxwriter::{Format, Formula, Workbook};

fn sample() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample")
}

#[test]
fn the_sample_as_workbooks_loads_to_the_same_ledger() {
    let csv = load_paths(&[sample()]).unwrap();
    assert_eq!(csv.report.error_count(), 0);
    let records = read_paths(&[sample()]).unwrap().records;
    let dir = tempfile::tempdir().unwrap();
    for kind in RecordKind::ALL {
        let rows: Vec<_> = records.iter().filter(|r| r.kind == kind).collect();
        let path = dir.path().join(format!("{}.xlsx", kind.name()));
        let bytes = duijie_export::template_workbook_bytes(&path, kind, &rows).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let xlsx = load_paths(&[dir.path()]).unwrap();
    assert_eq!(xlsx.report.error_count(), 0, "{}", xlsx.report);
    assert_eq!(xlsx.report.warning_count(), 0, "{}", xlsx.report);
    assert_eq!(xlsx.ledger, csv.ledger);
    assert!(
        xlsx.files
            .iter()
            .all(|f| f.format == duijie_store::Format::Xlsx)
    );
}

/// The problems of a workbook written by `build`, read back as `name`.
fn problems(
    name: &str,
    build: impl FnOnce(&mut Workbook) -> Result<(), rust_xlsxwriter::XlsxError>,
) -> Vec<duijie::Problem> {
    let mut wb = Workbook::new();
    build(&mut wb).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    load_sources(vec![Source::new(name, bytes)]).report.problems
}

/// Whether a problem is at `source`, line and column (`None`: any) and says `says`.
fn at(
    p: &duijie::Problem,
    source: &str,
    line: Option<u64>,
    column: Option<u64>,
    says: &str,
) -> bool {
    p.source == source
        && (line.is_none() || p.line == line)
        && (column.is_none() || p.column == column)
        && p.message.contains(says)
        && p.severity == Severity::Error
}

/// Asserts that the workbook `build` writes, read as `name`, has an error at `(source, line,
/// column)` saying `says` (of `kind` when given).
fn expect(
    name: &str,
    build: impl FnOnce(&mut Workbook) -> Result<(), rust_xlsxwriter::XlsxError>,
    (source, line, column, says, kind): (&str, Option<u64>, Option<u64>, &str, Option<ProblemKind>),
) {
    let p = problems(name, build);
    assert!(
        p.iter()
            .any(|x| at(x, source, line, column, says) && kind.is_none_or(|k| x.kind == k)),
        "{p:?}"
    );
}

/// The schools sheet with a header and one good row, for the broken cases to add to.
fn schools(
    wb: &mut Workbook,
) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("schools 学校")?;
    for (c, h) in ["编号 id", "名称 name", "层次 level", "城市 city"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    for (c, v) in ["S1", "沈阳工业大学", "研究生", "沈阳市"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *v)?;
    }
    Ok(ws)
}

/// A second school in row 3, but for column `skip` (the broken cell's).
fn second_school(
    ws: &mut rust_xlsxwriter::Worksheet,
    skip: u16,
) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    for (c, v) in ["S2", "大连理工大学", "研究生", "大连市"]
        .iter()
        .enumerate()
    {
        if c as u16 != skip {
            ws.write_string(2, c as u16, *v)?;
        }
    }
    Ok(ws)
}

#[test]
fn broken_workbooks_get_located_errors() {
    // A formula cell: the row is not read, the cell is named.
    expect(
        "ledger.xlsx",
        |wb| {
            let ws = second_school(schools(wb)?, 1)?;
            ws.write_formula(2, 1, Formula::new("=B2&\"分校\""))?;
            Ok(())
        },
        (
            "ledger.xlsx[schools 学校]",
            Some(3),
            Some(2),
            "B3 holds a formula",
            None,
        ),
    );

    // Merged cells.
    expect(
        "ledger.xlsx",
        |wb| {
            let ws = second_school(schools(wb)?, 0)?;
            ws.merge_range(2, 0, 3, 0, "S2", &Format::new())?;
            Ok(())
        },
        (
            "ledger.xlsx[schools 学校]",
            Some(3),
            Some(1),
            "A3:A4 are merged",
            None,
        ),
    );

    // A date-formatted id.
    expect(
        "ledger.xlsx",
        |wb| {
            let ws = second_school(schools(wb)?, 0)?;
            let date = Format::new().set_num_format("yyyy-mm-dd");
            ws.write_number_with_format(2, 0, 45_000.0, &date)?;
            Ok(())
        },
        (
            "ledger.xlsx[schools 学校]",
            Some(3),
            Some(1),
            "A3: the cell is formatted as a date",
            Some(ProblemKind::InvalidValue),
        ),
    );

    // An extra sheet that is no table, beside a good one.
    expect(
        "ledger.xlsx",
        |wb| {
            schools(wb)?;
            wb.add_worksheet().set_name("备注")?;
            Ok(())
        },
        (
            "ledger.xlsx[备注]",
            None,
            None,
            "sheet `备注` is not a ledger table",
            None,
        ),
    );

    // No table sheet at all (the one expected is missing).
    expect(
        "notes.xlsx",
        |wb| {
            wb.add_worksheet().set_name("Sheet1")?;
            Ok(())
        },
        ("notes.xlsx[Sheet1]", None, None, "not a ledger table", None),
    );

    // A missing required column is the CSV reader's error, located in the sheet.
    expect(
        "schools.xlsx",
        |wb| {
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "id")?;
            ws.write_string(1, 0, "S1")?;
            Ok(())
        },
        (
            "schools.xlsx[Sheet1]",
            Some(1),
            None,
            "required column `name` is missing",
            None,
        ),
    );

    // Not a workbook at all.
    let loaded = load_sources(vec![Source::new("bad.xlsx", b"PK not a zip".to_vec())]);
    assert!(
        loaded
            .report
            .to_string()
            .contains("not a readable .xlsx workbook")
    );
}
