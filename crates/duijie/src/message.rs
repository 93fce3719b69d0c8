//! Text for messages: invisible characters made visible, and operating-system errors in plain
//! words.
//!
//! A message that prints a zero-width space or a byte-order mark raw says "`id` is missing"
//! when `id` is visibly there; every message duijie prints goes through [`escape_invisible`].

use std::borrow::Cow;

/// Whether `c` is a character a person cannot see or that changes how text around it is
/// shown: control characters (C0 but tab, line feed and carriage return; DEL; C1), format
/// characters (zero-width space and joiners, the byte-order mark U+FEFF, soft hyphen,
/// direction marks and overrides, invisible operators, tags), the replacement character
/// U+FFFD (left where some program decoded text lossily) and the non-characters U+FFFE and
/// U+FFFF.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{b}'..='\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{ffff}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// Whether `c` is hidden in a one-line value: an invisible character ([`is_invisible`]), a
/// tab, a line break or a carriage return.
pub fn is_hidden(c: char) -> bool {
    is_invisible(c) || matches!(c, '\t' | '\n' | '\r')
}

/// `s` without its hidden characters ([`is_hidden`]): what a person sees, for a "retype it as"
/// suggestion.
pub fn without_hidden(s: &str) -> String {
    s.chars().filter(|&c| !is_hidden(c)).collect()
}

/// The name of an invisible character for messages (`U+200B zero-width space`).
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\u{0}' => "NUL byte",
        '\t' => "tab",
        '\n' => "line break",
        '\r' => "carriage return",
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{200e}' | '\u{200f}' | '\u{61c}' => "direction mark",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "direction override",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{2060}' => "word joiner",
        '\u{feff}' => "byte-order mark",
        '\u{fffd}' => "replacement character (the text was damaged when converted)",
        c if c.is_control() => "control character",
        _ => "invisible character",
    };
    format!("U+{:04X} {name}", u32::from(c))
}

/// `s` with every invisible character (see [`is_invisible`]) and every tab, line break and
/// carriage return written as `<U+200B>`, so that a message shows what is really there.
/// Borrowed when there is nothing to escape.
pub fn escape_invisible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hidden(c) {
            use std::fmt::Write as _;
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape_invisible`] for a multi-line message: line breaks are kept, everything else
/// invisible is escaped.
pub fn escape_invisible_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_invisible(c) || c == '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (k, line) in s.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(&escape_invisible(line));
    }
    Cow::Owned(out)
}

/// An operating-system error in plain words, without the error number (`File exists (os
/// error 17)` becomes `a file of that name is already there`).
pub fn plain_io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let plain = match e.kind() {
        K::NotFound => "there is no such file or folder",
        K::PermissionDenied => "permission denied: you may not read or write it",
        K::AlreadyExists => "a file of that name is already there",
        K::NotADirectory => "a file stands where a folder is needed",
        K::IsADirectory => "it is a folder, not a file",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is used up",
        K::FileTooLarge => "the file would be larger than the system allows",
        K::InvalidFilename => "the name is not a valid file name",
        K::Interrupted => "interrupted",
        K::UnexpectedEof => "the file ended early",
        _ => {
            let text = e.to_string();
            return match text.find(" (os error") {
                Some(k) => text[..k].to_owned(),
                None => text,
            };
        }
    };
    plain.to_owned()
}

/// A parser's message (serde, serde_json, toml) in plain words: `invalid type: string "50",
/// expected usize` becomes `"50" is text in quotes, but a whole number (0 or more) is needed
/// here`. Messages it does not recognise are returned as they are, without a trailing
/// `at line N column M` (the caller names the place).
pub fn plain_parser_message(message: &str) -> String {
    let m = message.trim();
    let m = match m.rfind(" at line ") {
        Some(k) if m[k..].contains(" column ") => &m[..k],
        _ => m,
    };
    if let Some(rest) = m.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "{} is written here, but {} is needed",
            found_in_words(found),
            expected_in_words(expected)
        );
    }
    if let Some(rest) = m.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "{} is not allowed here: {} is needed",
            found_in_words(found),
            expected_in_words(expected)
        );
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let (field, known) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let known = known.strip_prefix("one of ").unwrap_or(known);
        return if known.is_empty() {
            format!("{field} is not a field here")
        } else {
            format!("{field} is not a field here; the fields are {known}")
        };
    }
    if let Some(field) = m.strip_prefix("missing field ") {
        return format!("{field} is required");
    }
    if let Some(field) = m.strip_prefix("duplicate field ") {
        return format!("{field} is given twice; keep one");
    }
    match m {
        "number out of range" => {
            "the number is too large (or too small) to be read exactly".to_owned()
        }
        "EOF while parsing a value"
        | "EOF while parsing an object"
        | "EOF while parsing a list"
        | "EOF while parsing a string" => {
            "the file ends in the middle of a value: a bracket or a quote is not closed".to_owned()
        }
        "trailing comma" => "a comma stands before a closing bracket; remove it".to_owned(),
        "key must be a string" => "a key is not in double quotes".to_owned(),
        "expected value" => {
            "a value is missing or mistyped here (text must be in double quotes)".to_owned()
        }
        _ => m.to_owned(),
    }
}

fn found_in_words(found: &str) -> String {
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text {s}");
    }
    if let Some(v) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        return format!("the number {}", v.trim_matches('`'));
    }
    if let Some(v) = found.strip_prefix("boolean ") {
        return format!("the value {}", v.trim_matches('`'));
    }
    match found {
        "map" => "an object { … }".to_owned(),
        "sequence" => "a list [ … ]".to_owned(),
        "null" | "unit value" => "null".to_owned(),
        other => other.to_owned(),
    }
}

fn expected_in_words(expected: &str) -> String {
    let e = expected.trim();
    let plain = match e {
        "usize" | "u64" | "u32" | "u16" | "u8" => "a whole number, 0 or more",
        "i64" | "i32" | "isize" => "a whole number",
        "f64" | "f32" => "a number",
        "a string" | "string" => "text in double quotes",
        "a boolean" | "bool" => "true or false",
        "a sequence" => "a list [ … ]",
        "a map" | "struct" => "an object { … }",
        _ if e.starts_with("struct ") => "a table of fields",
        _ if e.starts_with("a ") || e.starts_with("an ") => return e.to_owned(),
        _ => return format!("a value of the form {e}"),
    };
    plain.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_escaped_and_visible_ones_kept() {
        assert_eq!(escape_invisible("id"), "id");
        assert_eq!(escape_invisible("\u{feff}id"), "<U+FEFF>id");
        assert_eq!(escape_invisible("E\u{200b}01"), "E<U+200B>01");
        assert_eq!(escape_invisible("a\0b"), "a<U+0000>b");
        assert_eq!(escape_invisible("沈阳 机床"), "沈阳 机床");
        assert_eq!(escape_invisible_lines("a\nb\u{200d}"), "a\nb<U+200D>");
        for c in [
            '\u{200b}', '\u{feff}', '\u{202e}', '\0', '\u{fffd}', '\u{7f}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', '沈', ' ', '\u{3000}', '、', '；'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    #[test]
    fn parser_jargon_becomes_plain_words() {
        assert_eq!(
            plain_parser_message("invalid type: string \"50\", expected usize"),
            "the text \"50\" is written here, but a whole number, 0 or more is needed"
        );
        assert_eq!(
            plain_parser_message("invalid type: map, expected a sequence at line 1 column 12"),
            "an object { … } is written here, but a list [ … ] is needed"
        );
        assert_eq!(
            plain_parser_message("invalid value: integer `-3`, expected usize"),
            "the number -3 is not allowed here: a whole number, 0 or more is needed"
        );
        assert_eq!(
            plain_parser_message("number out of range at line 1 column 49"),
            "the number is too large (or too small) to be read exactly"
        );
        for expected in ["usize", "u64", "f64", "a sequence", "a map"] {
            let m = format!("invalid type: string \"x\", expected {expected}");
            let plain = plain_parser_message(&m);
            assert!(!plain.contains(expected), "{m} → {plain}");
        }
        for found in ["sequence", "map"] {
            let m = format!("invalid type: {found}, expected a string");
            let plain = plain_parser_message(&m);
            assert!(!plain.contains(found), "{m} → {plain}");
        }
    }

    #[test]
    fn io_errors_lose_their_numbers() {
        let e = std::io::Error::from_raw_os_error(17);
        assert_eq!(plain_io_error(&e), "a file of that name is already there");
        let e = std::io::Error::other("odd (os error 99)");
        assert_eq!(plain_io_error(&e), "odd");
    }
}

/// The language of what people read: Chinese (the default) or English.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language named `s`: `zh` (also `cn`, `中文`) or `en`.
    ///
    /// # Errors
    /// A sentence naming the two when `s` is neither.
    pub fn from_name(s: &str) -> Result<Lang, String> {
        match s {
            "zh" | "cn" | "中文" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(format!("{s:?} is not a language here: zh (中文) or en")),
        }
    }
}
