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
/// exactly or not at all. UTF-16 (Excel's "Unicode text") is refused with advice.
///
/// # Errors
/// A [`ProblemKind::Encoding`] problem naming the line of the first byte that is valid in
/// neither encoding.
pub fn decode(source: &str, bytes: &[u8]) -> Result<(String, Encoding), Box<Problem>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), Encoding::Utf8Bom)),
            Err(e) => Err(Box::new(bad(
                source,
                rest,
                e.valid_up_to(),
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
            ))),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Box::new(
            Problem::at(
                Severity::Error,
                ProblemKind::Encoding,
                &Origin::line(source, 1),
                "the file is UTF-16 (Excel \"Unicode text\")",
            )
            .with_suggestion("save it from Excel as \"CSV UTF-8 (comma delimited)\""),
        ));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_owned(), Encoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok((s.into_owned(), Encoding::Gb18030)),
        None => Err(Box::new(bad(
            source,
            bytes,
            utf8_error,
            "the file is neither UTF-8 nor GB18030/GBK",
        ))),
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
    fn undecodable_bytes_and_utf16_are_refused_with_their_line() {
        let p = decode("f.csv", b"id\nS1\n\xFF\xFF\xFF\n").unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Encoding, Some(3)));
        let p = decode("f.csv", b"\xFF\xFEi\0d\0").unwrap_err();
        assert_eq!(p.kind, ProblemKind::Encoding);
        let p = decode("f.csv", b"\xEF\xBB\xBFid\n\xC3(").unwrap_err();
        assert_eq!(p.line, Some(2));
    }
}
