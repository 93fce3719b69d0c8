//! Ranked-list games from JSON, in the shape the Python `matching` package builds them from
//! (`create_from_dictionaries`): one object whose keys are that function's argument names.
//!
//! - stable marriage: `suitor_prefs`, `reviewer_prefs`;
//! - hospitals/residents: `resident_prefs`, `hospital_prefs`, `hospital_capacities`;
//! - student–project allocation: `student_prefs`, `supervisor_prefs`, `project_supervisors`,
//!   `project_capacities`, `supervisor_capacities`.
//!
//! Each `*_prefs` maps a name to its list, best first; an entry that is itself a list is a
//! tie (`["C", ["D", "E"], "F"]`: D and E equally ranked). Names are text (numbers are read as
//! their text). Players are numbered in the order their names first appear as keys. Every
//! problem is a [`PrefsFileError`] naming the file, the line and the name: an unknown name in a
//! list, a name listed twice, an empty list, a capacity that is not a whole number of at
//! least 1, a missing section.

use std::collections::HashMap;
use std::fmt;

use duijie::allocate::{NoSuperStable, TiedList};
use duijie::games::{Game, GameError, PreferenceGame};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A game file that cannot be used, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefsFileError {
    /// The file.
    pub file: String,
    /// 1-based line of the entry (0: the file as a whole).
    pub line: u64,
    /// What is wrong, naming the section and the player, and what is accepted.
    pub message: String,
}

impl fmt::Display for PrefsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for PrefsFileError {}

/// A value whose objects keep their key order (as `[[key, value], …]` pairs in an array
/// tagged by [`ORDER_TAG`]).
struct OrderedValue(Value);

/// Marks an object rewritten as ordered pairs.
const ORDER_TAG: &str = "\u{0}ordered";

impl<'de> Deserialize<'de> for OrderedValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedValue, A::Error> {
                let mut pairs = vec![Value::String(ORDER_TAG.into())];
                while let Some((k, v)) = map.next_entry::<String, OrderedValue>()? {
                    pairs.push(Value::Array(vec![Value::String(k), v.0]));
                }
                Ok(OrderedValue(Value::Array(pairs)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OrderedValue, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<OrderedValue>()? {
                    out.push(v.0);
                }
                Ok(OrderedValue(Value::Array(out)))
            }
            fn visit_str<E>(self, v: &str) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::String(v.into())))
            }
            fn visit_string<E>(self, v: String) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::String(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::from(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::Bool(v)))
            }
            fn visit_unit<E>(self) -> Result<OrderedValue, E> {
                Ok(OrderedValue(Value::Null))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `(key, value)` entries of an object read by [`OrderedValue`], in file order; `None`
/// for anything else.
fn object_entries(v: &Value) -> Option<Vec<(String, &Value)>> {
    match v.as_array() {
        Some(a) if a.first() == Some(&Value::String(ORDER_TAG.into())) => Some(
            a[1..]
                .iter()
                .filter_map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([Value::String(k), v]) => Some((k.clone(), v)),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    }
}

/// What a JSON value is, in words.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "true or false",
        Value::Null => "null",
        Value::Object(_) => "an object",
    }
}

/// The reading of one file: its text (for line numbers) and name.
struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    sections: Vec<(String, Value)>,
}

impl Reader<'_> {
    fn err(&self, line: u64, message: String) -> PrefsFileError {
        PrefsFileError {
            file: self.file.into(),
            line,
            message,
        }
    }

    /// The line of `"key"` inside section `section` (the first after the section's name).
    fn line_of(&self, section: &str, key: &str) -> u64 {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let Some(at) = self.text.find(&quoted(section)) else {
            return 0;
        };
        let from = at + quoted(section).len();
        let pos = self.text[from..]
            .find(&quoted(key))
            .map_or(at, |p| from + p);
        1 + self.text[..pos].bytes().filter(|&b| b == b'\n').count() as u64
    }

    fn section(&self, name: &str) -> Option<&Value> {
        self.sections
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// A section that must be an object: its `(name, value)` entries in order.
    fn entries(&self, name: &str) -> Result<Vec<(String, &Value)>, PrefsFileError> {
        let v = self
            .section(name)
            .ok_or_else(|| self.err(0, format!("the section \"{name}\" is missing")))?;
        object_entries(v).ok_or_else(|| {
            self.err(
                self.line_of(name, name),
                format!("\"{name}\" must be an object mapping each name to its value"),
            )
        })
    }

    /// The names of a `*_prefs` section, in order, with their index.
    fn names(&self, section: &str) -> Result<(Vec<String>, HashMap<String, u32>), PrefsFileError> {
        let mut names = Vec::new();
        let mut index = HashMap::new();
        for (k, _) in self.entries(section)? {
            if index.insert(k.clone(), names.len() as u32).is_some() {
                return Err(self.err(
                    self.line_of(section, &k),
                    format!("{section}: \"{k}\" has two lists"),
                ));
            }
            names.push(k);
        }
        Ok((names, index))
    }

    /// Each owner's list in `section`, over the players of `index` (named `other`).
    fn lists(
        &self,
        section: &str,
        owners: &[String],
        index: &HashMap<String, u32>,
        other: &str,
    ) -> Result<Vec<TiedList>, PrefsFileError> {
        let entries = self.entries(section)?;
        let mut out = Vec::with_capacity(owners.len());
        for (owner, v) in entries {
            let line = self.line_of(section, &owner);
            let at = |m: String| self.err(line, format!("{section}[\"{owner}\"]: {m}"));
            let items = v
                .as_array()
                .ok_or_else(|| at("must be a list of names, best first".into()))?;
            if items.is_empty() {
                return Err(at(format!(
                    "the list is empty; leave \"{owner}\" out, or list the {other}s it accepts"
                )));
            }
            let mut seen = HashMap::new();
            let mut groups: TiedList = Vec::with_capacity(items.len());
            for item in items {
                let members: Vec<&Value> = match item {
                    Value::Array(t) if t.first() != Some(&Value::String(ORDER_TAG.into())) => {
                        t.iter().collect()
                    }
                    other_value => vec![other_value],
                };
                if members.is_empty() {
                    return Err(at("an empty tie [] ranks nobody".into()));
                }
                let mut group = Vec::with_capacity(members.len());
                for m in members {
                    let name = match m {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err(at(format!("{m} is not a name (text or a number)"))),
                    };
                    let &i = index.get(&name).ok_or_else(|| {
                        at(format!(
                            "ranks \"{name}\", which is not a {other} of this file"
                        ))
                    })?;
                    if seen.insert(i, ()).is_some() {
                        return Err(at(format!("lists \"{name}\" twice")));
                    }
                    group.push(i);
                }
                groups.push(group);
            }
            out.push(groups);
        }
        Ok(out)
    }

    /// Whole numbers ≥ 1 for every name of `names`, from `section`.
    fn capacities(
        &self,
        section: &str,
        names: &[String],
        what: &str,
    ) -> Result<Vec<u32>, PrefsFileError> {
        let given: HashMap<String, &Value> = self.entries(section)?.into_iter().collect();
        names
            .iter()
            .map(|n| {
                let line = self.line_of(section, n);
                let v = given.get(n).ok_or_else(|| {
                    self.err(
                        self.line_of(section, section),
                        format!("{section}: the {what} \"{n}\" has no capacity"),
                    )
                })?;
                match v.as_u64() {
                    Some(c @ 1..=0xFFFF_FFFF) => Ok(c as u32),
                    _ => Err(self.err(
                        line,
                        format!(
                            "{section}[\"{n}\"]: the capacity {v} is not a whole number of at least 1"
                        ),
                    )),
                }
            })
            .collect()
    }
}

/// Reads a game from the JSON `text` of file `file` (named in errors).
///
/// # Errors
/// A [`PrefsFileError`] naming the line and the player.
pub fn parse_game(file: &str, text: &str) -> Result<PreferenceGame, PrefsFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let not_object = |line: usize, why: String| PrefsFileError {
        file: file.into(),
        line: line as u64,
        message: format!("not a JSON object: {why}"),
    };
    let top = serde_json::from_str::<OrderedValue>(text)
        .map_err(|e| not_object(e.line(), e.to_string()))?
        .0;
    let sections = object_entries(&top)
        .ok_or_else(|| not_object(1, format!("the file holds {}", kind(&top))))?
        .into_iter()
        .map(|(k, v)| (k, v.clone()))
        .collect();
    let r = Reader {
        file,
        text,
        sections,
    };
    let has = |k: &str| r.section(k).is_some();
    if has("suitor_prefs") || has("reviewer_prefs") {
        let (applicants, a_index) = r.names("suitor_prefs")?;
        let (reviewers, r_index) = r.names("reviewer_prefs")?;
        Ok(PreferenceGame {
            game: Game::Marriage,
            applicant_prefs: r.lists("suitor_prefs", &applicants, &r_index, "reviewer")?,
            reviewer_prefs: r.lists("reviewer_prefs", &reviewers, &a_index, "suitor")?,
            capacity: vec![1; reviewers.len()],
            applicants,
            reviewers,
            supervisors: Vec::new(),
            project_supervisor: Vec::new(),
            supervisor_capacity: Vec::new(),
        })
    } else if has("resident_prefs") || has("hospital_prefs") {
        let (applicants, a_index) = r.names("resident_prefs")?;
        let (reviewers, r_index) = r.names("hospital_prefs")?;
        Ok(PreferenceGame {
            game: Game::HospitalResident,
            applicant_prefs: r.lists("resident_prefs", &applicants, &r_index, "hospital")?,
            reviewer_prefs: r.lists("hospital_prefs", &reviewers, &a_index, "resident")?,
            capacity: r.capacities("hospital_capacities", &reviewers, "hospital")?,
            applicants,
            reviewers,
            supervisors: Vec::new(),
            project_supervisor: Vec::new(),
            supervisor_capacity: Vec::new(),
        })
    } else if has("student_prefs") || has("supervisor_prefs") {
        let (applicants, a_index) = r.names("student_prefs")?;
        let (supervisors, s_index) = r.names("supervisor_prefs")?;
        let mut reviewers = Vec::new();
        let mut project_supervisor = Vec::new();
        for (p, v) in r.entries("project_supervisors")? {
            let line = r.line_of("project_supervisors", &p);
            let l = v.as_str().and_then(|s| s_index.get(s)).ok_or_else(|| {
                r.err(
                    line,
                    format!(
                        "project_supervisors[\"{p}\"]: {v} is not a supervisor of supervisor_prefs"
                    ),
                )
            })?;
            if reviewers.contains(&p) {
                return Err(r.err(
                    line,
                    format!("project_supervisors: \"{p}\" is listed twice"),
                ));
            }
            reviewers.push(p);
            project_supervisor.push(*l);
        }
        let p_index: HashMap<String, u32> = reviewers
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Ok(PreferenceGame {
            game: Game::StudentAllocation,
            applicant_prefs: r.lists("student_prefs", &applicants, &p_index, "project")?,
            reviewer_prefs: r.lists("supervisor_prefs", &supervisors, &a_index, "student")?,
            capacity: r.capacities("project_capacities", &reviewers, "project")?,
            supervisor_capacity: r.capacities(
                "supervisor_capacities",
                &supervisors,
                "supervisor",
            )?,
            applicants,
            reviewers,
            supervisors,
            project_supervisor,
        })
    } else {
        Err(r.err(
            0,
            "no game found: expected suitor_prefs and reviewer_prefs (stable marriage), \
             resident_prefs, hospital_prefs and hospital_capacities (hospitals/residents), or \
             student_prefs, supervisor_prefs, project_supervisors, project_capacities and \
             supervisor_capacities (student–project allocation)"
                .into(),
        ))
    }
}

/// The line of a list's owner in the file, for messages about a list (a tie in strict mode):
/// `section` as in the file (`resident_prefs`).
pub fn owner_line(text: &str, section: &str, owner: &str) -> u64 {
    Reader {
        file: "",
        text,
        sections: Vec::new(),
    }
    .line_of(section, owner)
}

/// A game error in the names of the file `file` (its JSON `text`), with the line of the list it
/// concerns: what `duijie stable` and the Python package say when a game cannot be solved. An
/// empty `file` leaves the location out (a game given as objects, not read from a file).
pub fn describe_error(g: &PreferenceGame, text: &str, file: &str, e: &GameError) -> String {
    let at = |line: u64| {
        if file.is_empty() {
            String::new()
        } else {
            format!("{file}:{line}: ")
        }
    };
    let (a_role, r_role, s_role) = g.game.roles();
    let name = |role: &str, i: u32| -> String {
        let names = if role == a_role {
            &g.applicants
        } else if role == s_role {
            &g.supervisors
        } else {
            &g.reviewers
        };
        names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| i.to_string())
    };
    match e {
        GameError::Tie { side, owner, tied } => {
            let owner_name = name(side, *owner);
            let other = if *side == a_role {
                if g.game == Game::StudentAllocation {
                    "project"
                } else {
                    r_role
                }
            } else {
                a_role
            };
            let line = owner_line(text, &format!("{side}_prefs"), &owner_name);
            let tied: Vec<String> = tied
                .iter()
                .map(|&i| format!("\"{}\"", name(other, i)))
                .collect();
            format!(
                "{}{side}_prefs[\"{owner_name}\"] ranks {} equally; with ties choose ties index or random (weakly stable) or super (super-stable)",
                at(line),
                tied.join(", ")
            )
        }
        GameError::NoSuperStable(n) => {
            // One party holding two others it ranks equally, by role.
            let in_two = |role: &str, who: u32, other: &str, (x, y): (u32, u32)| {
                format!(
                    "no super-stable matching exists: {role} \"{}\" ranks \"{}\" and \"{}\" equally and both would take it",
                    name(role, who),
                    name(other, x),
                    name(other, y)
                )
            };
            match n {
                NoSuperStable::ResidentInTwo {
                    resident,
                    hospitals,
                } => in_two(a_role, *resident, r_role, *hospitals),
                NoSuperStable::HospitalInTwo {
                    hospital,
                    residents,
                } => in_two(r_role, *hospital, a_role, *residents),
                NoSuperStable::HospitalNotFull { hospital } => format!(
                    "no super-stable matching exists: {r_role} \"{}\" was full while the {a_role}s applied and cannot be filled",
                    name(r_role, *hospital)
                ),
                NoSuperStable::ResidentLeftOut { resident } => format!(
                    "no super-stable matching exists: {a_role} \"{}\" held a proposal and cannot be matched",
                    name(a_role, *resident)
                ),
                other => other.to_string(),
            }
        }
        other if file.is_empty() => other.to_string(),
        other => format!("{file}: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_game("g.json", text).unwrap_err().to_string()
    }

    #[test]
    fn names_keep_file_order_and_ties_are_groups() {
        let g = parse_game(
            "g.json",
            r#"{"suitor_prefs": {"B": ["E", ["D", "F"]], "A": ["D"]},
                "reviewer_prefs": {"F": ["B"], "D": ["A", "B"], "E": ["B"]}}"#,
        )
        .unwrap();
        assert_eq!(g.applicants, ["B", "A"]);
        assert_eq!(g.reviewers, ["F", "D", "E"]);
        assert_eq!(g.applicant_prefs[0], vec![vec![2], vec![1, 0]]);
        assert_eq!(g.capacity, [1, 1, 1]);
    }

    #[test]
    fn hostile_files_name_the_line_and_the_player() {
        let base = |r: &str, cap: &str| {
            format!(
                "{{\"resident_prefs\": {{\n\"A\": {r}\n}},\n\"hospital_prefs\": {{\n\"H\": [\"A\"]\n}},\n\"hospital_capacities\": {{\"H\": {cap}}}}}"
            )
        };
        let e = err(&base(r#"["Q"]"#, "1"));
        assert!(
            e.starts_with("g.json:2: resident_prefs[\"A\"]: ranks \"Q\", which is not a hospital"),
            "{e}"
        );
        let e = err(&base(r#"["H", "H"]"#, "1"));
        assert!(
            e.contains("g.json:2: resident_prefs[\"A\"]: lists \"H\" twice"),
            "{e}"
        );
        let e = err(&base("[]", "1"));
        assert!(
            e.contains("g.json:2: resident_prefs[\"A\"]: the list is empty"),
            "{e}"
        );
        let e = err(&base(r#"["H"]"#, "0"));
        assert!(e.contains("g.json:7: hospital_capacities[\"H\"]: the capacity 0 is not a whole number of at least 1"), "{e}");
        let e = err(&base(r#"["H"]"#, "1.5"));
        assert!(e.contains("capacity 1.5"), "{e}");
        let e = err("{\"resident_prefs\": {\"A\": [\"H\"]}}");
        assert!(
            e.contains("the section \"hospital_prefs\" is missing"),
            "{e}"
        );
        let e = err("[1, 2]");
        assert!(e.contains("not a JSON object"), "{e}");
        let e = err("{\"x\": 1}");
        assert!(e.contains("no game found"), "{e}");
    }
}
