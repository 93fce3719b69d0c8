//! A strict RFC 4180 CSV reader that knows where every field came from.
//!
//! Written here rather than taken from the `csv` crate because validation needs what that crate
//! does not give: an unterminated quote is reported at the line where it opened (the `csv`
//! crate silently reads the rest of the file into one field), parsing resumes on the next line
//! so later problems are still found, and every record keeps its starting line.

use duijie::validate::{RawRecord, RecordKind, Value};
use duijie::{Origin, Problem, ProblemKind, Severity};

/// One parsed row: its starting line and its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based line where the row starts.
    pub line: u64,
    /// Fields, unquoted.
    pub fields: Vec<String>,
}

/// `text` with every carriage return that does not begin a CRLF turned into a line feed: old
/// Excel for Mac ends lines with CR alone, and its rows must still get their own line numbers.
fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut from = 0;
    for k in (0..b.len()).filter(|&k| b[k] == b'\r' && b.get(k + 1) != Some(&b'\n')) {
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[from..k]);
        o.push('\n');
        from = k + 1;
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[from..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// Splits CSV text into rows. Lines end with LF, CRLF or (old Excel for Mac) CR alone. Blank
/// lines are skipped. Problems (an unterminated quote, text after a closing quote) are returned
/// beside the rows; the row concerned is left out.
pub fn split_rows(source: &str, text: &str) -> (Vec<Row>, Vec<Problem>) {
    let text = &*lone_cr_to_lf(text);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let b = text.as_bytes();
    let mut pos = 0usize;
    let mut line = 1u64;
    while pos < b.len() {
        let start_line = line;
        let start_pos = pos;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut bad: Option<Problem> = None;
        let mut at_field_start = true;
        // Byte positions are on UTF-8 boundaries whenever we slice: we only stop on ASCII bytes.
        loop {
            if pos >= b.len() {
                fields.push(std::mem::take(&mut field));
                break;
            }
            let c = b[pos];
            if at_field_start && c == b'"' {
                let open_line = line;
                let open_col = fields.len() + 1;
                pos += 1;
                let mut closed = false;
                let mut seg = pos;
                while pos < b.len() {
                    match b[pos] {
                        b'"' if b.get(pos + 1) == Some(&b'"') => {
                            field.push_str(&text[seg..=pos]);
                            pos += 2;
                            seg = pos;
                        }
                        b'"' => {
                            field.push_str(&text[seg..pos]);
                            pos += 1;
                            closed = true;
                            break;
                        }
                        b'\n' => {
                            line += 1;
                            pos += 1;
                        }
                        _ => pos += 1,
                    }
                }
                if !closed {
                    bad = Some(
                        Problem::at(Severity::Error, ProblemKind::Syntax, &Origin::line(source, open_line), "a quote opened here is never closed")
                            .with_column(open_col as u64)
                            .with_suggestion("close the quote (write \"\" for a quote inside a field); this row was skipped and reading went on at the next line")
                            .in_chinese("此处的引号没有闭合", Some("补上闭合的引号（字段内的引号写作 \"\"）；该行已跳过，从下一行继续读取".into())),
                    );
                    // Resume on the line after the one where the row started.
                    line = start_line;
                    pos = start_pos;
                    while pos < b.len() && b[pos] != b'\n' {
                        pos += 1;
                    }
                    if pos < b.len() {
                        pos += 1;
                        line += 1;
                    }
                    break;
                }
                at_field_start = false;
                // After a closing quote only a delimiter or the end of the line may follow.
                match b.get(pos) {
                    None | Some(b',') | Some(b'\n') => {}
                    Some(b'\r') if matches!(b.get(pos + 1), None | Some(b'\n')) => {}
                    Some(_) => {
                        let col = fields.len() + 1;
                        bad = Some(
                            Problem::at(
                                Severity::Error,
                                ProblemKind::Syntax,
                                &Origin::line(source, line),
                                "text follows a closing quote",
                            )
                            .with_column(col as u64)
                            .with_suggestion(
                                "quote the whole field, and double any quote inside it",
                            )
                            .in_chinese(
                                "闭合引号后还有文字",
                                Some("用引号括住整个字段，字段内的引号写两遍".into()),
                            ),
                        );
                        while pos < b.len() && b[pos] != b'\n' {
                            pos += 1;
                        }
                        if pos < b.len() {
                            pos += 1;
                            line += 1;
                        }
                        break;
                    }
                }
                continue;
            }
            match c {
                b',' => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                    pos += 1;
                }
                b'\n' => {
                    if field.ends_with('\r') {
                        field.pop();
                    }
                    fields.push(std::mem::take(&mut field));
                    pos += 1;
                    line += 1;
                    break;
                }
                _ => {
                    // Copy a run of ordinary bytes at once.
                    let run = pos;
                    while pos < b.len() && !matches!(b[pos], b',' | b'\n') {
                        pos += 1;
                    }
                    field.push_str(&text[run..pos]);
                    at_field_start = false;
                }
            }
        }
        if let Some(p) = bad {
            problems.push(p);
            continue;
        }
        if let Some(last) = fields.last_mut()
            && last.ends_with('\r')
        {
            last.pop();
        }
        let blank = fields.len() == 1 && fields[0].trim().is_empty();
        if !blank {
            rows.push(Row {
                line: start_line,
                fields,
            });
        }
    }
    (rows, problems)
}

/// The most columns a header may have (a ledger table has fewer than 20 fields); a wider file
/// is refused with one error rather than one per column.
pub const MAX_COLUMNS: usize = 1_000;

/// A CSV file of one record kind, parsed and checked against the schema's header.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvTable {
    /// The header as written.
    pub header: Vec<String>,
    /// The records of well-formed rows.
    pub records: Vec<RawRecord>,
    /// Problems with the structure (quotes, ragged rows, the header).
    pub problems: Vec<Problem>,
}

/// Parses CSV text holding records of `kind`.
///
/// The header must name only fields of `kind` (unknown columns are reported once, then
/// ignored), each once, and every required field. When a required column is missing or a
/// column is named twice, no row is read and the report says so: every row would fail alike.
pub fn parse_table(source: &str, text: &str, kind: RecordKind) -> CsvTable {
    let (rows, problems) = split_rows(source, text);
    parse_rows(source, rows, problems, kind)
}

/// Checks rows (a header, then records) of `kind` as [`parse_table`] does, whatever they were
/// read from (a CSV file, a workbook's sheet); `problems` are those found reading them.
pub fn parse_rows(
    source: &str,
    rows: Vec<Row>,
    mut problems: Vec<Problem>,
    kind: RecordKind,
) -> CsvTable {
    let mut it = rows.into_iter();
    let Some(head) = it.next() else {
        problems.push(
            Problem::at(
                Severity::Warning,
                ProblemKind::MissingField,
                &Origin::line(source, 1),
                "the file is empty: no header and no records",
            )
            .in_chinese("文件为空：没有表头，也没有记录", None),
        );
        return CsvTable {
            header: Vec::new(),
            records: Vec::new(),
            problems,
        };
    };
    let header: Vec<String> = head.fields.iter().map(|h| h.trim().to_owned()).collect();
    if header.len() > MAX_COLUMNS {
        problems.push(
            Problem::at(
                Severity::Error,
                ProblemKind::TooLong,
                &Origin::line(source, head.line),
                format!(
                    "the header has {} columns; a {kind} table has {} fields, and at most {MAX_COLUMNS} columns are read",
                    header.len(),
                    kind.fields().len()
                ),
            )
            .with_suggestion("the first line must name the table's fields (duijie schema lists them); no row of this file was read"),
        );
        return CsvTable {
            header,
            records: Vec::new(),
            problems,
        };
    }
    let mut fatal = false;
    let mut keep = vec![true; header.len()];
    let mut first_at: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        let at = || Origin::line(source, head.line);
        if let Some(c) = h.chars().find(|&c| duijie::message::is_hidden(c)) {
            fatal = true;
            keep[i] = false;
            let visible = duijie::message::without_hidden(h);
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::InvisibleCharacter,
                    &at(),
                    format!(
                        "column {}'s name `{}` holds an invisible character ({})",
                        i + 1,
                        duijie::message::escape_invisible(h),
                        duijie::message::describe_char(c)
                    ),
                )
                .with_column(i as u64 + 1)
                .with_suggestion(format!(
                    "retype the name as `{visible}` (a byte-order mark inside a file often comes from joining two files); no row of this file was read"
                )),
            );
            continue;
        }
        if let Some(&first) = first_at.get(h.as_str()) {
            fatal = true;
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::DuplicateHeader,
                    &at(),
                    format!(
                        "column `{h}` appears twice (columns {} and {})",
                        first + 1,
                        i + 1
                    ),
                )
                .with_column(i as u64 + 1)
                .with_field(h.as_str())
                .with_suggestion("remove or rename one of them; no row of this file was read"),
            );
            continue;
        }
        first_at.insert(h, i);
        if kind.field(h).is_none() {
            keep[i] = false;
            let all: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            let labelled: Vec<String> = all
                .iter()
                .map(|f| format!("{f}（{}）", duijie::validate::field_label_zh(f)))
                .collect();
            let (help, help_zh) =
                match duijie::catalogue::closest(h, all.iter().copied(), 0.8, 1).first() {
                    Some(f) => (
                        format!(
                            "did you mean `{f}`? ({kind} files take: {})",
                            all.join(", ")
                        ),
                        format!(
                            "是否应为 {f}？（{}表的列：{}）",
                            kind.name_zh(),
                            labelled.join("、")
                        ),
                    ),
                    None => (
                        format!("{kind} files take: {}", all.join(", ")),
                        format!("{}表的列：{}", kind.name_zh(), labelled.join("、")),
                    ),
                };
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::UnknownField,
                    &at(),
                    format!("column `{h}` is not a field of {kind}"),
                )
                .with_column(i as u64 + 1)
                .with_field(h.as_str())
                .with_suggestion(help)
                .in_chinese(
                    format!("列 {h} 不是{}表的字段", kind.name_zh()),
                    Some(help_zh),
                ),
            );
        }
    }
    for f in kind.fields().iter().filter(|f| f.required) {
        if !header.iter().any(|h| h == f.name) {
            fatal = true;
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::MissingField,
                    &Origin::line(source, head.line),
                    format!("required column `{}` is missing", f.name),
                )
                .with_field(f.name)
                .with_suggestion(format!(
                    "add a `{}` column ({}); no row of this file was read",
                    f.name, f.doc
                ))
                .in_chinese(
                    format!(
                        "缺少必填列 {}（{}）",
                        f.name,
                        duijie::validate::field_label_zh(f.name)
                    ),
                    Some(format!(
                        "添加 {} 列（{}）；本文件未读取任何行",
                        f.name, f.doc
                    )),
                ),
            );
        }
    }
    let has_major = header
        .iter()
        .any(|h| h == "major_code" || h == "major_name");
    if kind.field("major_code").is_some() && !has_major {
        fatal = true;
        problems.push(
            Problem::at(
                Severity::Error,
                ProblemKind::MissingField,
                &Origin::line(source, head.line),
                "neither `major_code` nor `major_name` is a column",
            )
            .with_suggestion("add a `major_code` column; no row of this file was read"),
        );
    }
    if fatal {
        return CsvTable {
            header,
            records: Vec::new(),
            problems,
        };
    }
    let mut records = Vec::new();
    for row in it {
        if row.fields.len() != header.len() {
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::RaggedRow,
                    &Origin::line(source, row.line),
                    format!(
                        "{} fields, but the header has {}",
                        row.fields.len(),
                        header.len()
                    ),
                )
                .with_suggestion(
                    "a comma inside a value needs the value in quotes; or a field is missing",
                )
                .in_chinese(
                    format!(
                        "该行有 {} 个字段，表头有 {} 个",
                        row.fields.len(),
                        header.len()
                    ),
                    Some("值中含逗号时须用引号括起；或缺了一个字段".into()),
                ),
            );
            continue;
        }
        let fields = header
            .iter()
            .zip(row.fields)
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|((h, v), _)| (h.clone(), Value::Text(v)))
            .collect();
        records.push(RawRecord {
            kind,
            origin: Origin::line(source, row.line),
            fields,
            typed: false,
        });
    }
    CsvTable {
        header,
        records,
        problems,
    }
}

/// Writes a table as RFC 4180 CSV that [`parse_table`] reads back to the same records: a
/// header of `columns`, then one line per record with each column's text (a value that is not
/// text is written as JSON would spell it; a missing field is an empty cell). Cells holding a
/// comma, a quote or a line break are quoted. UTF-8, `\n` line ends, no byte-order mark.
pub fn write_table(columns: &[&str], records: &[RawRecord]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = std::borrow::Cow<'_, str>>| {
        for (k, c) in cells.enumerate() {
            if k > 0 {
                out.push(',');
            }
            if c.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&c.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&c);
            }
        }
        out.push('\n');
    };
    line(
        &mut out,
        &mut columns.iter().map(|c| std::borrow::Cow::Borrowed(*c)),
    );
    for r in records {
        line(
            &mut out,
            &mut columns.iter().map(|c| {
                r.fields
                    .iter()
                    .find(|(name, _)| name == c)
                    .map_or(std::borrow::Cow::Borrowed(""), |(_, v)| cell_text(v))
            }),
        );
    }
    out
}

fn cell_text(v: &Value) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match v {
        Value::Text(t) => Cow::Borrowed(t.as_str()),
        Value::Integer(i) => Cow::Owned(i.to_string()),
        Value::Number(x) => Cow::Owned(x.to_string()),
        Value::Bool(b) => Cow::Owned(b.to_string()),
        Value::List(items) => Cow::Owned(
            items
                .iter()
                .map(|x| cell_text(x).into_owned())
                .collect::<Vec<_>>()
                .join(";"),
        ),
        Value::Null => Cow::Borrowed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as `(line, fields)` and problems as `(line, kind)`.
    type Split = (Vec<(u64, Vec<&'static str>)>, Vec<(u64, ProblemKind)>);

    fn rows(text: &str) -> Split {
        let (r, p) = split_rows("t.csv", text);
        let r = r
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.fields
                        .iter()
                        .map(|f| Box::leak(f.clone().into_boxed_str()) as &str)
                        .collect(),
                )
            })
            .collect();
        (r, p.iter().map(|p| (p.line.unwrap_or(0), p.kind)).collect())
    }

    #[test]
    fn quoting_and_line_endings() {
        let (r, p) = rows("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\n\"multi\nline\",z\nlast,\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            r,
            vec![
                (1, vec!["a", "b"]),
                (2, vec!["x,1", "say \"hi\""]),
                (4, vec!["multi\nline", "z"]),
                (6, vec!["last", ""])
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_reported_and_the_rest_still_read() {
        let (r, p) = rows("a,b\n1,\"open\n3,4\n5,6\n");
        assert_eq!(p, vec![(2, ProblemKind::Syntax)]);
        assert_eq!(
            r,
            vec![
                (1, vec!["a", "b"]),
                (3, vec!["3", "4"]),
                (4, vec!["5", "6"])
            ]
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_an_error() {
        let (r, p) = rows("a,b\n\"x\"y,2\n3,4");
        assert_eq!(p, vec![(2, ProblemKind::Syntax)]);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn carriage_returns_alone_end_lines_too() {
        let (r, p) = rows("a,b\r1,2\r\"x\ry\",3\r\n4,5\r");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            r,
            vec![
                (1, vec!["a", "b"]),
                (2, vec!["1", "2"]),
                (3, vec!["x\ny", "3"]),
                (5, vec!["4", "5"])
            ]
        );
    }

    #[test]
    fn no_trailing_newline_and_empty_input() {
        assert_eq!(rows("").0, vec![]);
        assert_eq!(rows("x").0, vec![(1, vec!["x"])]);
        assert_eq!(rows("x,").0, vec![(1, vec!["x", ""])]);
    }
}
