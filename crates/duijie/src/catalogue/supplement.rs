//! Catalogue supplements: majors added to an embedded catalogue edition (a newer edition's
//! 低空技术与工程, say) from a small CSV file, kept beside the embedded entries and reported.
//!
//! The file has a header `level,code,name,class_code` and one major per line: the level (中职,
//! 高职专科, 高职本科, 本科, 研究生 or their keys), the official code, the official name, and the
//! 专业类 code it belongs to, which must exist at that level in the embedded catalogue (its class
//! and 门类 or 专业大类 names are taken from there; for 研究生, the 门类 code). No quoting; a code
//! or name that the level already has is refused. It must be installed before the catalogues are
//! first used (the CLI's global `--majors FILE` does so at start).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Level, Major};

/// The installed supplement: its source and its majors (strings leaked: they live as long as
/// the catalogues, which is the process).
pub(super) static SUPPLEMENT: OnceLock<(String, Vec<Major>)> = OnceLock::new();

/// Set when the catalogues are built: a supplement after that would change nothing, so it is
/// refused.
pub(super) static STARTED: AtomicBool = AtomicBool::new(false);

/// A supplement file that cannot be used, naming the file and the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplementError {
    /// The file, as given.
    pub source: String,
    /// The 1-based line at fault, when one is.
    pub line: Option<u64>,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl std::fmt::Display for SupplementError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.source, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for SupplementError {}

/// Reads a supplement (see the module docs) and installs it, before any use of
/// [`super::Catalogues::get`]. Returns the number of majors added.
///
/// # Errors
/// [`SupplementError`] naming the line: a wrong header, an unknown level or 专业类, a code or
/// name the level already has (or the file repeats), quotes; or the catalogues already in use or
/// a supplement already installed.
pub fn install_supplement(source: &str, text: &str) -> Result<usize, SupplementError> {
    let err = |line: Option<u64>, message: String| SupplementError {
        source: source.to_owned(),
        line,
        message,
    };
    if STARTED.load(Ordering::SeqCst) || SUPPLEMENT.get().is_some() {
        return Err(err(
            None,
            "the catalogues are already in use (or supplemented): install a supplement first"
                .into(),
        ));
    }
    let embedded = super::embedded::parse_embedded();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(err(
            Some(1),
            "the file is empty: give a header `level,code,name,class_code` and a line per major"
                .into(),
        ));
    };
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    if cols != ["level", "code", "name", "class_code"] {
        return Err(err(
            Some(1),
            format!("the header is `{header}`; it must be `level,code,name,class_code`"),
        ));
    }
    let mut added: Vec<Major> = Vec::new();
    for (k, line) in lines {
        let at = Some(k as u64 + 1);
        if line.contains('"') {
            return Err(err(
                at,
                "quotes are not read here: write the fields plainly, without commas inside".into(),
            ));
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [level, code, name, class_code] = f.as_slice() else {
            return Err(err(
                at,
                format!(
                    "{} fields; a line has 4: level,code,name,class_code",
                    f.len()
                ),
            ));
        };
        let Some(level) = Level::parse(level) else {
            return Err(err(
                at,
                format!("{level:?} is not a level: 中职, 高职专科, 高职本科, 本科 or 研究生"),
            ));
        };
        if code.is_empty() || name.is_empty() {
            return Err(err(at, "the code and the name are required".into()));
        }
        let clash = embedded
            .iter()
            .chain(&added)
            .find(|m| m.level == level && (m.code == *code || m.name == *name));
        if let Some(m) = clash {
            return Err(err(
                at,
                format!(
                    "{level} already has {} {}: a supplement adds majors the catalogue lacks",
                    m.code, m.name
                ),
            ));
        }
        // Graduate entries are their own class: the class code given is the 门类's.
        let parent = embedded.iter().find(|m| {
            m.level == level
                && if level == Level::Graduate {
                    m.category_code == *class_code
                } else {
                    m.class_code == *class_code
                }
        });
        let Some(parent) = parent else {
            return Err(err(
                at,
                format!("{level} has no 专业类 (or 门类) {class_code:?} in the embedded catalogue"),
            ));
        };
        let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        let code: &'static str = leak(code);
        let name: &'static str = leak(name);
        added.push(Major {
            level,
            code,
            name,
            class_code: if level == Level::Graduate {
                code
            } else {
                parent.class_code
            },
            class_name: if level == Level::Graduate {
                name
            } else {
                parent.class_name
            },
            category_code: parent.category_code,
            category_name: parent.category_name,
            professional_degree: false,
            supplement: true,
        });
    }
    let n = added.len();
    SUPPLEMENT
        .set((source.to_owned(), added))
        .map_err(|_| err(None, "a supplement is already installed".into()))?;
    Ok(n)
}
