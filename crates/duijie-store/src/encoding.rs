//! Strict text decoding: UTF-8, UTF-8 with a BOM, or GB18030 (which covers GBK), never lossy.

use duijie::{Origin, Problem, ProblemKind, Severity};

/// The encoding a file was decoded from, recorded so that a report can say what was assumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030, a superset of GBK and GB2312 (Excel's "CSV" on a Chinese Windows).
    Gb18030,
}

impl Encoding {
    /// A name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Gb18030 => "GB18030/GBK",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Decodes a file's bytes strictly.
///
/// A UTF-8 BOM is honoured and removed. Otherwise the bytes must be valid UTF-8, or failing
/// that valid GB18030; detection is strict (no replacement characters), so a file is decoded
/// exactly or not at all, and in one encoding: a UTF-8 file with a row pasted from a GBK file
/// is refused at that row, never decoded whole as GB18030 (which would turn every other row
/// into mojibake). UTF-16 (Excel's "Unicode text"), with or without a byte-order mark, is
/// refused with advice. The work is linear in the length of the file.
///
/// # Errors
/// A [`ProblemKind::Encoding`] problem naming the line of the first byte that does not belong
/// to the file's encoding.
pub fn decode(source: &str, bytes: &[u8]) -> Result<(String, Encoding), Box<Problem>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), Encoding::Utf8Bom)),
            Err(e) => Err(Box::new(not_one_encoding(source, rest).unwrap_or_else(
                || {
                    let at = e.valid_up_to();
                    bad(
                        source,
                        rest,
                        at,
                        "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
                    )
                },
            ))),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || looks_like_utf16(bytes) {
        let without = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            ""
        } else {
            " without a byte-order mark (every other byte is 0)"
        };
        return Err(Box::new(
            Problem::at(
                Severity::Error,
                ProblemKind::Encoding,
                &Origin::line(source, 1),
                format!("the file is UTF-16 (Excel \"Unicode text\"){without}"),
            )
            .with_suggestion("save it from Excel as \"CSV UTF-8 (comma delimited)\"")
            .in_chinese(
                "文件是 UTF-16 编码（Excel 的“Unicode 文本”）",
                Some("在 Excel 中另存为“CSV UTF-8（逗号分隔）”".into()),
            ),
        ));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), Encoding::Utf8));
    }
    if let Some(p) = not_one_encoding(source, bytes) {
        return Err(Box::new(p));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok((s.into_owned(), Encoding::Gb18030)),
        // Here no line is non-ASCII UTF-8 (else `not_one_encoding` would have answered: a bad
        // byte never spans a line break), so the byte GB18030 stops at is the one to name.
        None => Err(Box::new(bad(
            source,
            bytes,
            gb18030_error(bytes),
            "the file is neither UTF-8 nor GB18030/GBK",
        ))),
    }
}

/// Whether the bytes look like UTF-16 without a byte-order mark: in the first few hundred
/// bytes, a third or more of the bytes at even (big-endian) or odd (little-endian) positions
/// are 0, which text in UTF-8 or GB18030 never has.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    if head.len() < 4 {
        return false;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    3 * zero_at(0) >= pairs || 3 * zero_at(1) >= pairs
}

/// A file whose lines are in two encodings: some non-ASCII lines valid UTF-8, others not. The
/// problem names the first line that differs from the file's majority.
fn not_one_encoding(source: &str, bytes: &[u8]) -> Option<Problem> {
    let mut utf8: Vec<u64> = Vec::new();
    let mut other: Vec<u64> = Vec::new();
    for (k, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        let n = k as u64 + 1;
        if std::str::from_utf8(line).is_ok() {
            utf8.push(n);
        } else {
            other.push(n);
        }
    }
    let (&first_utf8, &first_other) = (utf8.first()?, other.first()?);
    let (line, message, help) = if utf8.len() >= other.len() {
        (
            first_other,
            format!(
                "this line is not UTF-8, although the file's other lines are ({} UTF-8 lines, {} not): a row pasted from a GBK file?",
                utf8.len(),
                other.len()
            ),
            "retype the line, or save the whole file once more as \"CSV UTF-8\" from the program it came from",
        )
    } else {
        (
            first_utf8,
            format!(
                "this line is UTF-8, although the file's other lines are GB18030/GBK ({} lines GBK, {} UTF-8): a row pasted from a UTF-8 file?",
                other.len(),
                utf8.len()
            ),
            "save the file as \"CSV UTF-8\" from Excel and retype the line",
        )
    };
    Some(
        Problem::at(
            Severity::Error,
            ProblemKind::Encoding,
            &Origin::line(source, line),
            format!("two encodings in one file: {message}"),
        )
        .with_suggestion(help)
        .in_chinese(
            "一个文件中混有两种编码（UTF-8 与 GBK）：这一行可能是从另一种编码的文件粘贴来的",
            Some("重新输入这一行，或在原程序中把整个文件另存为“CSV UTF-8”".into()),
        ),
    )
}

/// The offset of the first byte strict GB18030 decoding rejects.
fn gb18030_error(bytes: &[u8]) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, consumed_after) => {
            read.saturating_sub(usize::from(bad) + usize::from(consumed_after))
        }
        _ => read,
    }
}

fn bad(source: &str, bytes: &[u8], offset: usize, message: &str) -> Problem {
    let line = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1;
    Problem::at(
        Severity::Error,
        ProblemKind::Encoding,
        &Origin::line(source, line),
        format!("{message} (first bad byte at offset {offset})"),
    )
    .with_suggestion("save the file as UTF-8 (Excel: \"CSV UTF-8 (comma delimited)\")")
    .in_chinese(
        format!("文件既不是 UTF-8 也不是 GBK 编码（第一个无法识别的字节在偏移 {offset} 处）"),
        Some("把文件另存为 UTF-8（Excel：“CSV UTF-8（逗号分隔）”）".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_is_detected_and_decoded_exactly() {
        let text = "id,name\nS1,沈阳工业大学\n";
        assert_eq!(
            decode("a", text.as_bytes()).unwrap(),
            (text.to_owned(), Encoding::Utf8)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            decode("a", &bom).unwrap(),
            (text.to_owned(), Encoding::Utf8Bom)
        );
        let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
        assert!(!lossy);
        assert_ne!(gbk.as_ref(), text.as_bytes());
        assert_eq!(
            decode("a", &gbk).unwrap(),
            (text.to_owned(), Encoding::Gb18030)
        );
    }

    #[test]
    fn a_utf8_file_with_a_gbk_row_is_refused_at_that_row() {
        let (gbk, _, _) = encoding_rs::GBK.encode("E03,大连船舶重工,大型,37,大连市\n");
        let mut bytes = "id,name,size,industry,city\nE01,沈阳机床,大型,34,沈阳市\nE02,新松机器人,大型,34,沈阳市\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(&gbk);
        bytes.extend_from_slice("E04,大连云启软件,小型,65,大连市\n".as_bytes());
        let p = decode("enterprises.csv", &bytes).unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Encoding, Some(4)));
        assert!(p.message.contains("not UTF-8"), "{}", p.message);
        // The other way round: a GBK file with one UTF-8 row.
        let (mut gbk_file, _, _) =
            encoding_rs::GBK.encode("id,name\nE01,沈阳机床\nE02,新松机器人\n");
        let mut g = gbk_file.to_mut().clone();
        g.extend_from_slice("E03,大连船舶重工\n".as_bytes());
        let p = decode("e.csv", &g).unwrap_err();
        assert_eq!(p.line, Some(4), "{}", p.message);
    }

    #[test]
    fn utf16_without_a_bom_and_a_bad_gbk_byte_are_named_rightly() {
        let utf16: Vec<u8> = "id,name\nS1,沈阳\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let p = decode("s.csv", &utf16).unwrap_err();
        assert!(p.message.contains("UTF-16"), "{}", p.message);
        // A GBK file whose third line holds a byte GB18030 rejects.
        let (gbk, _, _) = encoding_rs::GBK.encode("id,name\nS1,沈阳工业大学\n");
        let mut bytes = gbk.into_owned();
        bytes.extend_from_slice(b"S2,\xB2\xBB\xFF\x30\n");
        let p = decode("s.csv", &bytes).unwrap_err();
        assert_eq!(p.line, Some(3), "{}", p.message);
    }

    #[test]
    fn undecodable_bytes_and_utf16_are_refused_with_their_line() {
        let p = decode("f.csv", b"id\nS1\n\xFF\xFF\xFF\n").unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Encoding, Some(3)));
        let p = decode("f.csv", b"\xFF\xFEi\0d\0").unwrap_err();
        assert_eq!(p.kind, ProblemKind::Encoding);
        let p = decode("f.csv", b"\xEF\xBB\xBFid\n\xC3(").unwrap_err();
        assert_eq!(p.line, Some(2));
    }
}
