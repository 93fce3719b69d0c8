//! JSON ledgers: an object whose keys are table names and whose values are arrays of records,
//! or, in a file named after a table (`talent_needs.json`), a bare array of records.
//!
//! Duplicate keys are kept (not merged) so validation reports them; each record's line is
//! found from its position in the text. Numbers stay typed: a number written as a string is an
//! error where a number is needed, and an id written as a number is an error too.

use std::fmt;

use duijie::validate::{RawRecord, RecordKind, Value};
use duijie::{Origin, Problem, ProblemKind, Severity};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Top level: a table map, or a bare array.
enum Top<'a> {
    Tables(Vec<(String, Vec<&'a RawValue>)>),
    Array(Vec<&'a RawValue>),
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables (\"talent_needs\": [...]) or an array of records")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v: Vec<&'de RawValue> = map.next_value()?;
            out.push((k, v));
        }
        Ok(Top::Tables(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<&'de RawValue>()? {
            out.push(v);
        }
        Ok(Top::Array(out))
    }
}

impl<'de> serde::Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

/// A record: its fields in order, duplicates kept.
struct Fields(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a record object {\"id\": \"…\", …}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value_seed(ValueSeed)?;
                    out.push((k, v));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V)
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean, null or array")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(i128::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Integer(i128::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(ValueSeed)? {
            out.push(v);
        }
        Ok(Value::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("a field value may not be an object"))
    }
}

fn syntax(source: &str, e: &serde_json::Error, line_offset: u64) -> Problem {
    let line = if e.line() == 0 {
        None
    } else {
        Some(e.line() as u64 + line_offset)
    };
    let mut p = Problem::at(
        Severity::Error,
        ProblemKind::Syntax,
        &Origin {
            source: source.to_owned(),
            line,
            path: None,
        },
        duijie::message::plain_parser_message(&e.to_string()),
    );
    if e.line() == 0 {
        p.line = None;
    }
    p.suggestion = Some("fix the JSON at this position".into());
    p
}

fn line_of(text: &str, part: &str) -> u64 {
    let offset = (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Parses a JSON ledger. `stem_kind` is the table a bare array belongs to (from the file name).
pub fn parse(
    source: &str,
    text: &str,
    stem_kind: Option<RecordKind>,
) -> (Vec<RawRecord>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let top: Top<'_> = match serde_json::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            problems.push(syntax(source, &e, 0));
            return (records, problems);
        }
    };
    let tables = match top {
        Top::Tables(t) => t,
        Top::Array(a) => match stem_kind {
            Some(k) => vec![(k.name().to_owned(), a)],
            None => {
                problems.push(
                    Problem::at(Severity::Error, ProblemKind::Syntax, &Origin::line(source, 1), "a bare array of records needs a file named after its table")
                        .with_suggestion("name the file talent_needs.json (or another table name), or wrap the array as {\"talent_needs\": [...]}"),
                );
                return (records, problems);
            }
        },
    };
    let mut seen_tables: Vec<&str> = Vec::new();
    for (name, items) in &tables {
        let Some(kind) = RecordKind::from_name(name) else {
            let all: Vec<&str> = RecordKind::ALL.iter().map(|k| k.name()).collect();
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::UnknownField,
                    &Origin::path(source, name.clone()),
                    format!("`{name}` is not a ledger table"),
                )
                .with_suggestion(format!("tables are: {}", all.join(", "))),
            );
            continue;
        };
        if seen_tables.contains(&name.as_str()) {
            problems.push(
                Problem::at(
                    Severity::Error,
                    ProblemKind::DuplicateKey,
                    &Origin::path(source, name.clone()),
                    format!("table `{name}` appears twice"),
                )
                .with_suggestion("merge the two arrays; both were read"),
            );
        }
        seen_tables.push(name);
        for (k, raw) in items.iter().enumerate() {
            let line = line_of(text, raw.get());
            let origin = Origin {
                source: source.to_owned(),
                line: Some(line),
                path: Some(format!("{name}[{k}]")),
            };
            match serde_json::from_str::<Fields>(raw.get()) {
                Ok(Fields(fields)) => records.push(RawRecord {
                    kind,
                    origin,
                    fields,
                    typed: true,
                }),
                Err(e) => {
                    let mut p = syntax(source, &e, line - 1);
                    p.path = origin.path;
                    problems.push(p);
                }
            }
        }
    }
    (records, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_lines_duplicates_and_types() {
        let text = "{\n \"schools\": [\n  {\"id\": \"S1\", \"id\": \"S2\", \"n\": 3, \"r\": 0.5, \"b\": true, \"l\": [\"0802\"], \"z\": null}\n ]\n}";
        let (r, p) = parse("l.json", text, None);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].origin.line, Some(3));
        assert_eq!(r[0].origin.path.as_deref(), Some("schools[0]"));
        assert_eq!(r[0].fields[0], ("id".into(), Value::Text("S1".into())));
        assert_eq!(r[0].fields[1], ("id".into(), Value::Text("S2".into())));
        assert_eq!(r[0].fields[2].1, Value::Integer(3));
        assert_eq!(r[0].fields[3].1, Value::Number(0.5));
        assert_eq!(
            r[0].fields[5].1,
            Value::List(vec![Value::Text("0802".into())])
        );
    }

    #[test]
    fn broken_json_and_unknown_tables_are_reported() {
        let (_, p) = parse("l.json", "{\"schools\": [ {\"id\": \"S1\",} ]}", None);
        assert_eq!(p[0].kind, ProblemKind::Syntax);
        let (_, p) = parse("l.json", "{\"colleges\": []}", None);
        assert_eq!(p[0].kind, ProblemKind::UnknownField);
        let (_, p) = parse("l.json", "{\"schools\": [ {\"id\": {\"x\": 1}} ]}", None);
        assert_eq!(p[0].kind, ProblemKind::Syntax);
        assert_eq!(p[0].path.as_deref(), Some("schools[0]"));
        let (r, p) = parse(
            "schools.json",
            "[{\"id\": \"S1\"}]",
            Some(RecordKind::Schools),
        );
        assert!(p.is_empty());
        assert_eq!(r.len(), 1);
    }
}
