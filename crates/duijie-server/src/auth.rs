//! Bearer tokens: a file of hashed tokens with their roles, and the check of a request's token.
//!
//! The file has one token per line: `ROLE SHA256 NAME`, where `ROLE` is `read` or `write`,
//! `SHA256` the token's SHA-256 digest in hex (`printf %s "$TOKEN" | sha256sum`) and `NAME` who
//! holds it (recorded with every write). Blank lines and lines starting with `#` are skipped.
//! The tokens themselves are never stored; a presented token is hashed and compared with every
//! entry in constant time.

use std::path::Path;

use sha2::{Digest, Sha256};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read: parties, recommendations, explanations, runs, matches and diffs.
    Read,
    /// Read and write: start runs, record agreements, import ledgers.
    Write,
}

/// Who made a request: the token's holder and role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The name the tokens file gives the token (`anonymous` without a tokens file).
    pub name: String,
    /// Its role.
    pub role: Role,
}

/// The tokens a server accepts; empty means no tokens file (every caller reads, nobody writes).
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    entries: Vec<([u8; 32], Role, String)>,
}

/// A tokens file that cannot be used, naming the line.
#[derive(Debug)]
pub struct TokensError {
    /// The file.
    pub path: String,
    /// The line (1-based), or 0 when the file could not be read.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for TokensError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for TokensError {}

fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

impl Tokens {
    /// Reads a tokens file.
    ///
    /// # Errors
    /// [`TokensError`] naming the file and line of an unreadable file, an unknown role, a hash
    /// that is not 64 hex digits, a missing name, or no token at all.
    pub fn read(path: &Path) -> Result<Tokens, TokensError> {
        let err = |line: usize, message: String| TokensError {
            path: path.display().to_string(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(0, e.to_string()))?;
        let mut entries = Vec::new();
        for (k, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let (role, hash, name) = (fields.next(), fields.next(), fields.next());
            let role = match role {
                Some("read") => Role::Read,
                Some("write") => Role::Write,
                other => {
                    return Err(err(
                        k + 1,
                        format!("role {other:?}: expected read or write"),
                    ));
                }
            };
            let hash = hash.unwrap_or_default();
            let bytes = decode_hex(hash).ok_or_else(|| {
                err(
                    k + 1,
                    "the second field must be the token's SHA-256 in 64 hex digits".into(),
                )
            })?;
            let Some(name) = name else {
                return Err(err(
                    k + 1,
                    "the third field names the token's holder".into(),
                ));
            };
            entries.push((bytes, role, name.to_owned()));
        }
        if entries.is_empty() {
            return Err(err(0, "no token in the file".into()));
        }
        Ok(Tokens { entries })
    }

    /// Whether no tokens file was given.
    pub fn is_open(&self) -> bool {
        self.entries.is_empty()
    }

    /// The caller presenting `authorization` (the `Authorization` header's value, if any):
    /// `None` for a missing, malformed or unknown token when the server has tokens; without
    /// tokens every caller is an anonymous reader.
    pub fn caller(&self, authorization: Option<&[u8]>) -> Option<Caller> {
        if self.is_open() {
            return Some(Caller {
                name: "anonymous".into(),
                role: Role::Read,
            });
        }
        let token = authorization?.strip_prefix(b"Bearer ")?;
        let presented = digest(token);
        // Every entry is compared, each in constant time, so that the time taken says nothing
        // about which entry (if any) is close.
        let mut found = None;
        for (hash, role, name) in &self.entries {
            let diff = hash
                .iter()
                .zip(&presented)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if diff == 0 {
                found = Some(Caller {
                    name: name.clone(),
                    role: *role,
                });
            }
        }
        found
    }
}

fn decode_hex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (k, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * k..2 * k + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The SHA-256 of `token` in hex, as a tokens file holds it.
pub fn hash_token(token: &str) -> String {
    digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tokens_file_gives_roles_and_refuses_what_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("tokens");
        let text = format!(
            "# officers\nread {} 张三\nwrite {} platform\n",
            hash_token("r-secret"),
            hash_token("w-secret")
        );
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let t = Tokens::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let who = |h: &str| t.caller(Some(h.as_bytes())).map(|c| (c.name, c.role));
        assert_eq!(who("Bearer r-secret"), Some(("张三".into(), Role::Read)));
        assert_eq!(
            who("Bearer w-secret"),
            Some(("platform".into(), Role::Write))
        );
        assert_eq!(who("Bearer w-secreT"), None);
        assert_eq!(who("w-secret"), None);
        assert_eq!(t.caller(None), None);
        for (bad, line, what) in [
            ("admin abc x\n", 1, "role"),
            ("read 12 x\n", 1, "SHA-256"),
            (&*format!("\nread {}\n", hash_token("a")), 2, "holder"),
            ("# none\n", 0, "no token"),
        ] {
            std::fs::write(&path, bad).unwrap_or_else(|e| panic!("{e}"));
            let e = Tokens::read(&path)
                .err()
                .unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert_eq!(e.line, line, "{bad:?}");
            assert!(e.to_string().contains(what), "{e}");
        }
    }
}
