//! Reads typed fields out of one [`RawRecord`], collecting a problem for every bad field.

use crate::catalogue::{Catalogues, CityId, DivisionId, InstitutionId, Level, MajorId};

use super::{Problem, ProblemKind, RawRecord, Severity, Value};

pub(super) struct Reader<'r> {
    rec: &'r RawRecord,
    problems: Vec<Problem>,
    record_id: Option<String>,
    /// Fields already reported as unreadable (an invisible character, too long): read as
    /// absent, with no second problem.
    unreadable: Vec<&'r str>,
}

/// The most characters a text field may hold: ids and references 100, names 200, free text
/// (`description`) 20,000, a list field 2,000 in all, any other field 500. Longer values are
/// errors naming the field, so that no text operation ever sees an unbounded value.
pub fn max_chars(field: &str) -> usize {
    match field {
        "id" | "enterprise" | "school" | "provider" => 100,
        "name" | "major_name" | "platform" => 200,
        "description" => 20_000,
        "keywords" | "disciplines" => 2_000,
        _ => 500,
    }
}

/// What separates the items of a list field in CSV.
pub const LIST_SEPARATORS: [char; 3] = [';', '；', '、'];

/// Fields that may hold several lines and tabs (free text).
fn multi_line(field: &str) -> bool {
    field == "description"
}

/// A field value after "absent" has been folded: `None` for a missing field, `null` or blank.
enum Got<'r> {
    Absent,
    Text(&'r str),
    Other(&'r Value),
}

impl<'r> Reader<'r> {
    pub(super) fn new(rec: &'r RawRecord) -> Self {
        let mut r = Reader {
            rec,
            problems: Vec::new(),
            record_id: None,
            unreadable: Vec::new(),
        };
        // Problems name the record by its id as written (escaped when shown); `id()` sets the
        // same value again once the id is read.
        r.record_id = rec.fields.iter().find_map(|(k, v)| match v {
            Value::Text(t) if k == "id" => Some(t.trim().to_owned()),
            _ => None,
        });
        for (name, value) in &rec.fields {
            if !r.text_is_readable(name, value) {
                r.unreadable.push(name);
            }
        }
        r
    }

    /// Checks every text in `value` for invisible characters and its length against
    /// [`max_chars`]; reports the first problem and returns false if there is one.
    fn text_is_readable(&mut self, name: &str, value: &Value) -> bool {
        let texts: Vec<&str> = match value {
            Value::Text(t) => vec![t.as_str()],
            Value::List(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect(),
            _ => return true,
        };
        let limit = max_chars(name);
        let mut total = 0usize;
        for t in &texts {
            let t = t.trim();
            // Free text may hold tabs and line breaks; nothing may hold an invisible character.
            let bad = |c: char| {
                if multi_line(name) {
                    crate::message::is_invisible(c)
                } else {
                    crate::message::is_hidden(c)
                }
            };
            if let Some((k, c)) = t.chars().enumerate().find(|&(_, c)| bad(c)) {
                let shown: String = t.chars().take(60).collect();
                let visible = crate::message::without_hidden(&shown);
                self.push_zh(
                    ProblemKind::InvisibleCharacter,
                    name,
                    (
                        format!(
                            "`{name}` holds an invisible character, {}, at character {}: \"{}\"",
                            crate::message::describe_char(c),
                            k + 1,
                            crate::message::escape_invisible(&shown)
                        ),
                        format!(
                            "{name} 的第 {} 个字符是不可见字符 {}：\"{}\"",
                            k + 1,
                            crate::message::describe_char(c),
                            crate::message::escape_invisible(&shown)
                        ),
                    ),
                    Some((
                        format!(
                            "retype the value as \"{visible}\": an invisible character makes two values that look the same differ (two ids, two names)"
                        ),
                        format!(
                            "重新输入为 \"{visible}\"：不可见字符会让看起来相同的两个值（编号、名称）被当作不同"
                        ),
                    )),
                );
                return false;
            }
            total += t.chars().count();
        }
        if total > limit {
            self.push_zh(
                ProblemKind::TooLong,
                name,
                (format!("`{name}` has {total} characters; at most {limit} are read"), format!("{name} 有 {total} 个字符，最多读取 {limit} 个")),
                Some((format!(
                    "shorten it to {limit} characters or fewer (datasets/README.md lists every field's limit)"
                ), format!("缩短到 {limit} 个字符以内（datasets/README.md 列出每个字段的上限）"))),
            );
            return false;
        }
        true
    }

    /// Moves the problems out; returns whether the record had no error.
    pub(super) fn finish(mut self, out: &mut Vec<Problem>) -> bool {
        let kind = self.rec.kind;
        let mut seen: Vec<&str> = Vec::with_capacity(self.rec.fields.len());
        for (name, _) in &self.rec.fields {
            if seen.contains(&name.as_str()) {
                self.push_zh(
                    ProblemKind::DuplicateKey,
                    name,
                    (
                        format!("field `{name}` is given twice"),
                        format!("字段 {name} 出现了两次"),
                    ),
                    Some(("keep one of them".to_owned(), "只保留一个".to_owned())),
                );
                continue;
            }
            seen.push(name);
            if kind.field(name).is_none() {
                let best =
                    crate::catalogue::closest(name, kind.fields().iter().map(|f| f.name), 0.8, 1);
                let help = match best.first() {
                    Some(f) => (
                        format!("did you mean `{f}`?"),
                        format!("是否应为 {f}（{}）？", super::field_label_zh(f)),
                    ),
                    None => {
                        let all: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
                        let zh: Vec<String> = all
                            .iter()
                            .map(|f| format!("{f}（{}）", super::field_label_zh(f)))
                            .collect();
                        (
                            format!("{} records take: {}", kind.name(), all.join(", ")),
                            format!("{}表的字段：{}", kind.name_zh(), zh.join("、")),
                        )
                    }
                };
                self.push_zh(
                    ProblemKind::UnknownField,
                    name,
                    (
                        format!("`{name}` is not a field of {}", kind.name()),
                        format!("{name} 不是{}（{}）的字段", kind.name_zh(), kind.name()),
                    ),
                    Some(help),
                );
            }
        }
        let ok = !self.problems.iter().any(|p| p.severity == Severity::Error);
        out.append(&mut self.problems);
        ok
    }

    /// Records an error of `kind` at `field`, its message and suggestion in English and Chinese.
    fn push_zh(
        &mut self,
        kind: ProblemKind,
        field: &str,
        (message, message_zh): (String, String),
        suggestion: Option<(String, String)>,
    ) {
        let (en, zh) = suggestion.map_or((None, None), |(e, z)| (Some(e), Some(z)));
        let mut p = Problem::at(Severity::Error, kind, &self.rec.origin, message)
            .with_field(field)
            .in_chinese(message_zh, zh);
        p.record_id = self.record_id.clone();
        p.suggestion = en;
        self.problems.push(p);
    }

    fn get(&self, name: &str) -> Got<'r> {
        match self
            .rec
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
        {
            _ if self.unreadable.contains(&name) => Got::Absent,
            None | Some(Value::Null) => Got::Absent,
            Some(Value::Text(s)) if s.trim().is_empty() => Got::Absent,
            Some(Value::Text(s)) => Got::Text(s.trim()),
            Some(v) => Got::Other(v),
        }
    }

    fn missing(&mut self, name: &str) {
        if self.unreadable.contains(&name) {
            return;
        }
        let doc = self
            .rec
            .kind
            .field(name)
            .map(|f| f.doc)
            .unwrap_or("a value");
        self.push_zh(
            ProblemKind::MissingField,
            name,
            (
                format!("`{name}` is required"),
                format!("必须填写 {name}（{}）", super::field_label_zh(name)),
            ),
            Some((format!("give {doc}"), format!("填写：{doc}"))),
        );
    }

    /// A text field; numbers and booleans are errors (ids must be text).
    pub(super) fn text(&mut self, name: &str, required: bool) -> Option<String> {
        match self.get(name) {
            Got::Absent => {
                if required {
                    self.missing(name);
                }
                None
            }
            Got::Text(s) => Some(s.to_owned()),
            Got::Other(v) => {
                let (help, help_zh) = match v {
                    Value::Integer(_) | Value::Number(_) => (
                        "write it as a JSON string, in quotes, so no digits are lost",
                        "写成带引号的 JSON 字符串，以免丢失数字",
                    ),
                    _ => ("write it as a string", "写成字符串"),
                };
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` must be text, not {}", describe(v)),
                        format!("{name} 应为文本，而不是 {}", describe_zh(v)),
                    ),
                    Some((help.to_owned(), help_zh.to_owned())),
                );
                None
            }
        }
    }

    /// A text field that takes one value (a domain, a park): the separators of a list field
    /// (`;`, `；`, `、`) are refused, so that an alliance is never named after a whole list.
    pub(super) fn single(&mut self, name: &str) -> Option<String> {
        let t = self.text(name, false)?;
        let Some(sep) = t.chars().find(|c| LIST_SEPARATORS.contains(c)) else {
            return Some(t);
        };
        let first = t
            .split(LIST_SEPARATORS)
            .map(str::trim)
            .find(|s| !s.is_empty())
            .unwrap_or("");
        self.push_zh(
            ProblemKind::InvalidValue,
            name,
            (
                format!("`{name}` takes one value, but {t:?} is a list (separated by `{sep}`)"),
                format!("{name} 只能填一个值，但 {t:?} 是用“{sep}”分隔的多个值"),
            ),
            Some((
                format!(
                    "give the one that applies, such as {first:?}; an enterprise belongs to one {name}"
                ),
                format!("填写适用的一个，如 {first:?}"),
            )),
        );
        None
    }

    /// The record's own id, checked for spreadsheet damage.
    pub(super) fn id(&mut self) -> Option<String> {
        let id = self.text("id", true)?;
        self.record_id = Some(id.clone());
        self.check_id_form("id", &id).then_some(id)
    }

    /// A party reference, checked for spreadsheet damage (resolution happens in the builder).
    pub(super) fn reference(&mut self, name: &str) -> Option<String> {
        let r = self.text(name, true)?;
        self.check_id_form(name, &r).then_some(r)
    }

    pub(super) fn check_id_form(&mut self, field: &str, id: &str) -> bool {
        match mangled_id(id) {
            None => true,
            Some(help) => {
                self.push_zh(
                    ProblemKind::MangledId,
                    field,
                    (
                        format!("{id:?} looks like an id a spreadsheet has changed"),
                        format!("{id:?} 像是被表格软件改写过的编号"),
                    ),
                    Some(help),
                );
                false
            }
        }
    }

    pub(super) fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.get(name) {
            Got::Absent => None,
            Got::Other(Value::Bool(b)) => Some(*b),
            Got::Text(t) if !self.rec.typed => match t.to_lowercase().as_str() {
                "true" | "yes" | "1" | "是" | "y" => Some(true),
                "false" | "no" | "0" | "否" | "n" => Some(false),
                _ => {
                    self.push_zh(
                        ProblemKind::InvalidValue,
                        name,
                        (
                            format!("{t:?} is not true or false"),
                            format!("{t:?} 不是 true 或 false"),
                        ),
                        Some((
                            "write true/false (是/否)".to_owned(),
                            "填写 true/false（是/否）".to_owned(),
                        )),
                    );
                    None
                }
            },
            _ => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` must be true or false"),
                        format!("{name} 应为 true 或 false"),
                    ),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn choice<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: fn(&str) -> Option<T>,
        spellings: fn() -> String,
    ) -> Option<T> {
        let t = self.text(name, required)?;
        let v = parse(&t);
        if v.is_none() {
            self.push_zh(
                ProblemKind::InvalidValue,
                name,
                (
                    format!("{t:?} is not a known {name}"),
                    format!("{t:?} 不是有效的{}", super::field_label_zh(name)),
                ),
                Some((
                    format!("use one of: {}", spellings()),
                    format!("可填：{}", spellings()),
                )),
            );
        }
        v
    }

    pub(super) fn level(&mut self, name: &str) -> Option<Level> {
        let t = self.text(name, true)?;
        let l = Level::parse(&t);
        if l.is_none() {
            let all: Vec<String> = Level::ALL
                .iter()
                .map(|l| format!("{} ({})", l.name_zh(), l.key()))
                .collect();
            self.push_zh(
                ProblemKind::InvalidValue,
                name,
                (
                    format!("{t:?} is not an education level"),
                    format!("{t:?} 不是办学层次"),
                ),
                Some((
                    format!("use one of: {}", all.join(", ")),
                    format!("可填：{}", all.join("、")),
                )),
            );
        }
        l
    }

    pub(super) fn city(&mut self, name: &str, required: bool) -> Option<CityId> {
        let t = self.text(name, required)?;
        let c = Catalogues::get();
        let id = c.city_by_name(&t);
        if id.is_none() {
            let s = c.suggest_cities(&t, 2);
            let help = if s.is_empty() {
                "for a member from outside Liaoning (省外, 柔性加入) set out_of_province to true and leave city empty; otherwise write one of Liaoning's 14 cities (沈阳市 … 葫芦岛市)"
                    .to_string()
            } else {
                format!("did you mean {}?", join(&s))
            };
            self.push_zh(
                ProblemKind::UnknownCity,
                name,
                (
                    format!("{t:?} is not a city of Liaoning"),
                    format!("{t:?} 不是辽宁省的地级市"),
                ),
                Some((help.clone(), help)),
            );
        }
        id
    }

    pub(super) fn institution(
        &mut self,
        moe_code: &str,
        name: Option<&str>,
    ) -> Option<InstitutionId> {
        let c = Catalogues::get();
        let id = c.institution_by_name(moe_code);
        if let (Some(i), Some(name)) = (id, name) {
            let listed = c.institutions()[i.index()].name;
            if listed != name.trim() {
                let mut p = Problem::at(
                    Severity::Warning,
                    ProblemKind::InvalidValue,
                    &self.rec.origin,
                    format!("moe_code {moe_code} is {listed:?} in the MoE list of 2025-06-20, but the name is {name:?}"),
                )
                .with_field("name")
                .with_suggestion(format!(
                    "correct the name to {listed} or the code to the school's own"
                ))
                .in_chinese(
                    format!("学校标识码 {moe_code} 在教育部 2025-06-20 名单中是 {listed:?}，但名称为 {name:?}"),
                    Some(format!("把名称改为{listed}，或把标识码改为本校的")),
                );
                p.record_id = self.record_id.clone();
                self.problems.push(p);
            }
        }
        if id.is_none() {
            let mut p = Problem::at(Severity::Warning, ProblemKind::InvalidValue, &self.rec.origin, format!("{moe_code:?} is not the code of a Liaoning institution in the MoE list of 2025-06-20"))
                .in_chinese(format!("{moe_code:?} 不是教育部 2025-06-20 名单中辽宁高校的学校标识码"), None)
                .with_field("moe_code");
            p.record_id = self.record_id.clone();
            self.problems.push(p);
        }
        id
    }

    /// The institution a school's `name` names exactly. A higher-education school whose name is
    /// not in the MoE list but close to a name that is (大连理功大学 / 大连理工大学) gets a
    /// warning naming the listed one: a typo would otherwise pass unseen.
    pub(super) fn institution_named(&mut self, name: &str, higher: bool) -> Option<InstitutionId> {
        let c = Catalogues::get();
        let id = c.institution_by_name(name);
        if id.is_none() && higher {
            // A typo: few characters edited (not a generic name contained in many, 学校).
            let best = c
                .institutions()
                .iter()
                .map(|i| (strsim::normalized_levenshtein(name.trim(), i.name), i.name))
                .filter(|(sim, _)| *sim >= 0.75)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
                .map(|(_, n)| n);
            if let Some(best) = best {
                let code = c
                    .institution_by_name(best)
                    .map_or("", |i| c.institutions()[i.index()].moe_code);
                let mut p = Problem::at(
                    Severity::Warning,
                    ProblemKind::InvalidValue,
                    &self.rec.origin,
                    format!(
                        "{name:?} is not the name of a Liaoning institution in the MoE list of 2025-06-20; {best:?} ({code}) is"
                    ),
                )
                .with_field("name")
                .with_suggestion(format!(
                    "if it is {best}, correct the name or give moe_code {code}; if it is another school, leave it"
                ))
                .in_chinese(
                    format!("{name:?} 不在教育部 2025-06-20 辽宁高校名单中；名单中有 {best:?}（{code}）"),
                    Some(format!("如果就是{best}，请改正名称或填写学校标识码 {code}；如果是另一所学校，可不处理")),
                );
                p.record_id = self.record_id.clone();
                self.problems.push(p);
            }
        }
        id
    }

    pub(super) fn division(&mut self, name: &str) -> Option<DivisionId> {
        let t = self.text(name, true)?;
        let c = Catalogues::get();
        let id = c.division_by_code(&t);
        if id.is_none() {
            let help = if t.len() == 1 && t.chars().all(|c| c.is_ascii_digit()) {
                let named = c
                    .division_by_code(&format!("0{t}"))
                    .map(|d| c.division(d).name)
                    .unwrap_or("?");
                (
                    format!("division codes have two digits: did you mean \"0{t}\" ({named})?"),
                    format!("行业大类代码是两位数：是否应为 \"0{t}\"（{named}）？"),
                )
            } else if let Some(d) = c.divisions().iter().find(|d| d.name == t) {
                (
                    format!("write the code {} for {}", d.code, d.name),
                    format!("{}请写代码 {}", d.name, d.code),
                )
            } else {
                (
                    "use a two-digit GB/T 4754—2017 division code, such as 35 专用设备制造业"
                        .into(),
                    "填写两位数的 GB/T 4754—2017 行业大类代码，如 35 专用设备制造业".into(),
                )
            };
            self.push_zh(
                ProblemKind::UnknownIndustry,
                name,
                (
                    format!("{t:?} is not a GB/T 4754—2017 division"),
                    format!("{t:?} 不是 GB/T 4754—2017 的行业大类代码"),
                ),
                Some(help),
            );
        }
        id
    }

    /// The major given by `major_code` and/or `major_name` in `level`'s catalogue.
    pub(super) fn major(&mut self, level: Option<Level>) -> Option<MajorId> {
        let code = self.text("major_code", false);
        let name = self.text("major_name", false);
        let level = level?;
        let c = Catalogues::get();
        let by_code = match &code {
            Some(code) => {
                let id = c.major_by_code(level, code);
                if id.is_none() {
                    self.unknown_major_code(level, code);
                    return None;
                }
                id
            }
            None => None,
        };
        let by_name = match &name {
            Some(name) => {
                let id = c.major_by_name(level, name);
                if id.is_none() && by_code.is_none() {
                    let s = c.suggest_majors(level, name, 3);
                    let help = if s.is_empty() {
                        (
                            format!("look the major up in {}", level.catalogue().title()),
                            format!("请在{}中查找该专业", level.catalogue().title()),
                        )
                    } else {
                        (
                            format!("did you mean {}?", join(&s)),
                            format!("是否应为 {}？", join(&s).replace(" or ", "、")),
                        )
                    };
                    self.push_zh(
                        ProblemKind::UnknownMajor,
                        "major_name",
                        (
                            format!(
                                "{name:?} is not a {level} major in {}",
                                level.catalogue().title()
                            ),
                            format!("{name:?} 不是{}中的{level}专业", level.catalogue().title()),
                        ),
                        Some(help),
                    );
                    return None;
                }
                id
            }
            None => None,
        };
        match (by_code, by_name, &name) {
            (Some(a), Some(b), _) if a != b => {
                let (ma, mb) = (c.major(a), c.major(b));
                self.push_zh(
                    ProblemKind::Inconsistent,
                    "major_name",
                    (
                        format!(
                            "major_code {} is {}, but major_name is {}",
                            ma.code, ma.name, mb.name
                        ),
                        format!(
                            "专业代码 {} 是{}，但专业名称是{}",
                            ma.code, ma.name, mb.name
                        ),
                    ),
                    Some((
                        "correct one of the two, or give only the code".to_owned(),
                        "改正其中一个，或只填专业代码".to_owned(),
                    )),
                );
                None
            }
            (Some(a), None, Some(name)) => {
                let m = c.major(a);
                let mut p = Problem::at(
                    Severity::Warning,
                    ProblemKind::Inconsistent,
                    &self.rec.origin,
                    format!(
                        "major_code {} is {}, not {name:?}; the code was used",
                        m.code, m.name
                    ),
                )
                .with_field("major_name")
                .in_chinese(
                    format!(
                        "专业代码 {} 是{}，不是{name:?}；已按代码处理",
                        m.code, m.name
                    ),
                    None,
                );
                p.record_id = self.record_id.clone();
                self.problems.push(p);
                Some(a)
            }
            (Some(a), _, _) | (None, Some(a), _) => Some(a),
            (None, None, _) => {
                self.push_zh(
                    ProblemKind::MissingField,
                    "major_code",
                    (
                        "give major_code or major_name".into(),
                        "须填写专业代码（major_code）或专业名称（major_name）".to_owned(),
                    ),
                    Some((
                        format!("a code from {}", level.catalogue().title()),
                        format!("{}中的代码", level.catalogue().title()),
                    )),
                );
                None
            }
        }
    }

    fn unknown_major_code(&mut self, level: Level, code: &str) {
        let c = Catalogues::get();
        let elsewhere = c.levels_with_code(code);
        if let Some(other) = elsewhere.first() {
            let m = c.major(
                c.major_by_code(*other, code)
                    .expect("levels_with_code lists only levels that have the code"),
            );
            self.push_zh(
                ProblemKind::WrongLevel,
                "major_code",
                (
                    format!("{code} ({}) is a {other} major, not {level}", m.name),
                    format!("{code}（{}）是{other}专业，不是{level}专业", m.name),
                ),
                Some((
                    format!("set level to {other}, or use a {level} major code"),
                    format!("把层次改为{other}，或改用{level}专业代码"),
                )),
            );
            return;
        }
        let digits = code.chars().all(|ch| ch.is_ascii_digit());
        if digits && (code.len() == 5 || code.len() == 3) {
            let padded = format!("0{code}");
            if let Some(id) = c.major_by_code(level, &padded) {
                self.push_zh(
                    ProblemKind::UnknownMajor,
                    "major_code",
                    (
                        format!("{code} is not a {level} major code"),
                        format!("{code} 不是{level}专业代码"),
                    ),
                    Some((
                        format!(
                            "a spreadsheet may have dropped its leading zero: {padded} {}",
                            c.major(id).name
                        ),
                        format!(
                            "表格软件可能去掉了开头的 0：{padded} {}（请把该列设为文本）",
                            c.major(id).name
                        ),
                    )),
                );
                return;
            }
        }
        let s = c.suggest_major_codes(level, code, 3);
        let help = if s.is_empty() {
            (
                format!("look the code up in {}", level.catalogue().title()),
                format!("请在{}中查找代码", level.catalogue().title()),
            )
        } else {
            (
                format!("did you mean {}?", join(&s)),
                format!("是否应为 {}？", join(&s).replace(" or ", "、")),
            )
        };
        self.push_zh(
            ProblemKind::UnknownMajor,
            "major_code",
            (
                format!(
                    "{code:?} is not a {level} major code in {}",
                    level.catalogue().title()
                ),
                format!(
                    "{code:?} 不是{}中的{level}专业代码",
                    level.catalogue().title()
                ),
            ),
            Some(help),
        );
    }

    /// A list of graduate discipline codes.
    pub(super) fn disciplines(&mut self, name: &str) -> Option<Vec<MajorId>> {
        let items = self.list(name);
        if items.is_empty() {
            if !self
                .problems
                .iter()
                .any(|p| p.field.as_deref() == Some(name))
            {
                self.missing(name);
            }
            return None;
        }
        let c = Catalogues::get();
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for code in items {
            match c.major_by_code(Level::Graduate, &code) {
                Some(id) => {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                None => {
                    ok = false;
                    let help = match c.major_by_name(Level::Graduate, &code) {
                        Some(id) => format!("write the code {} for {}", c.major(id).code, code),
                        None => {
                            let s = c.suggest_majors(Level::Graduate, &code, 2);
                            if s.is_empty() {
                                "use 4-digit codes from 研究生教育学科专业目录（2022年）, such as 0802 机械工程".into()
                            } else {
                                format!("did you mean {}?", join(&s))
                            }
                        }
                    };
                    self.push_zh(
                        ProblemKind::UnknownDiscipline,
                        name,
                        (
                            format!(
                                "{code:?} is not a discipline of 研究生教育学科专业目录（2022年）"
                            ),
                            format!("{code:?} 不是研究生教育学科专业目录（2022年）中的学科"),
                        ),
                        Some((help.clone(), help)),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// A list of texts: `;`-separated in CSV (`；` and `、` too), an array of strings in JSON.
    pub(super) fn list(&mut self, name: &str) -> Vec<String> {
        match self.get(name) {
            Got::Absent => Vec::new(),
            Got::Text(t) => t
                .split(LIST_SEPARATORS)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            Got::Other(Value::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    match v {
                        Value::Text(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        Value::Text(_) => {}
                        other => self.push_zh(
                            ProblemKind::InvalidValue,
                            name,
                            (
                                format!("list items must be strings, not {}", describe(other)),
                                format!("列表各项应为文本，而不是 {}", describe_zh(other)),
                            ),
                            Some((
                                "quote codes so leading zeros are kept".to_owned(),
                                "把代码写在引号中，以保留开头的 0".to_owned(),
                            )),
                        ),
                    }
                }
                out
            }
            Got::Other(v) => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` must be a list of strings, not {}", describe(v)),
                        format!("{name} 应为文本列表，而不是 {}", describe_zh(v)),
                    ),
                    None,
                );
                Vec::new()
            }
        }
    }

    /// A whole number, checked for sign, fraction and range.
    fn whole(&mut self, name: &str, required: bool, max: u64) -> Option<u64> {
        let n: f64;
        match self.get(name) {
            Got::Absent => {
                if required {
                    self.missing(name);
                }
                return None;
            }
            Got::Other(Value::Integer(i)) => {
                if *i < 0 {
                    self.push_zh(
                        ProblemKind::NegativeNumber,
                        name,
                        (format!("{i} is negative"), format!("{i} 是负数")),
                        Some((
                            format!("`{name}` counts something: give 0 or more"),
                            format!("{}是数量，应填 0 或更大的数", super::field_label_zh(name)),
                        )),
                    );
                    return None;
                }
                return match u64::try_from(*i).ok().filter(|v| *v <= max) {
                    Some(v) => Some(v),
                    None => {
                        self.push_zh(
                            ProblemKind::OutOfRange,
                            name,
                            (
                                format!("{i} is larger than {max}"),
                                format!("{i} 大于上限 {max}"),
                            ),
                            None,
                        );
                        None
                    }
                };
            }
            Got::Other(Value::Number(f)) => n = *f,
            Got::Text(t) if !self.rec.typed => match t.parse::<f64>() {
                Ok(f)
                    if t.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')
                    }) =>
                {
                    n = f
                }
                _ => {
                    let help = if t.chars().any(|c| ('０'..='９').contains(&c)) {
                        (
                            "write the digits in ASCII (0-9), not full-width".to_string(),
                            "用半角数字 0-9 书写，不要用全角数字".to_string(),
                        )
                    } else if t.contains(',') {
                        (
                            format!(
                                "write it without thousands separators: {}",
                                t.replace(',', "")
                            ),
                            format!("去掉千位分隔符：{}", t.replace(',', "")),
                        )
                    } else if name == "year" {
                        match t.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())) {
                            Some(y) => (
                                format!("this looks like a date: write the year alone, {y}"),
                                format!("这像是日期：只写年份 {y}"),
                            ),
                            None => (
                                "write the year as four digits, such as 2025".to_string(),
                                "年份写成四位数字，如 2025".to_string(),
                            ),
                        }
                    } else {
                        let doc = self.rec.kind.field(name).map_or("a count", |f| f.doc);
                        (
                            format!("write a whole number such as 12 ({doc})"),
                            format!("填写整数，如 12（{doc}）"),
                        )
                    };
                    self.push_zh(
                        ProblemKind::InvalidValue,
                        name,
                        (format!("{t:?} is not a number"), format!("{t:?} 不是数字")),
                        Some(help),
                    );
                    return None;
                }
            },
            Got::Text(t) => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` is the text {t:?}, not a number"),
                        format!("{name} 是文本 {t:?}，不是数字"),
                    ),
                    Some((
                        "write the number without quotes".to_owned(),
                        "去掉引号，直接写数字".to_owned(),
                    )),
                );
                return None;
            }
            Got::Other(v) => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` must be a number, not {}", describe(v)),
                        format!("{name} 应为数字，而不是 {}", describe_zh(v)),
                    ),
                    None,
                );
                return None;
            }
        }
        if !n.is_finite() {
            self.push_zh(
                ProblemKind::InvalidValue,
                name,
                (
                    format!("{n} is not a finite number"),
                    format!("{n} 不是有限的数"),
                ),
                None,
            );
            None
        } else if n < 0.0 {
            self.push_zh(
                ProblemKind::NegativeNumber,
                name,
                (format!("{n} is negative"), format!("{n} 是负数")),
                Some((
                    format!("`{name}` counts something: give 0 or more"),
                    format!("{}是数量，应填 0 或更大的数", super::field_label_zh(name)),
                )),
            );
            None
        } else if n.fract() != 0.0 {
            self.push_zh(
                ProblemKind::FractionalNumber,
                name,
                (
                    format!("{n} is not a whole number"),
                    format!("{n} 不是整数"),
                ),
                Some((
                    format!("`{name}` counts whole units"),
                    format!("{}应为整数", super::field_label_zh(name)),
                )),
            );
            None
        } else if n > max as f64 {
            self.push_zh(
                ProblemKind::OutOfRange,
                name,
                (
                    format!("{n} is larger than {max}"),
                    format!("{n} 大于上限 {max}"),
                ),
                None,
            );
            None
        } else {
            // Exact: n is a non-negative whole number no larger than `max` < 2^53 or u64::MAX.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(n as u64)
        }
    }

    /// A count that fits in `u32` (headcounts, places, capacities).
    pub(super) fn count(&mut self, name: &str, required: bool) -> Option<u32> {
        self.whole(name, required, u64::from(u32::MAX))
            .and_then(|v| u32::try_from(v).ok())
    }

    /// An optional whole number up to 2^53 (budgets).
    pub(super) fn count_u64(&mut self, name: &str) -> Option<u64> {
        self.whole(name, false, 1 << 53)
    }

    pub(super) fn year(&mut self) -> Option<u16> {
        let y = self.whole("year", true, u64::from(u16::MAX))?;
        if !(2000..=2100).contains(&y) {
            self.push_zh(
                ProblemKind::OutOfRange,
                "year",
                (
                    format!("{y} is not a year between 2000 and 2100"),
                    format!("{y} 不是 2000 至 2100 之间的年份"),
                ),
                None,
            );
            return None;
        }
        u16::try_from(y).ok()
    }

    /// A rate in `[0, 1]`; in CSV a percentage such as `95%` is accepted.
    pub(super) fn rate(&mut self, name: &str) -> Option<f64> {
        let v = match self.get(name) {
            Got::Absent => return None,
            Got::Other(Value::Number(f)) => *f,
            #[allow(clippy::cast_precision_loss)]
            Got::Other(Value::Integer(i)) if (0..=1).contains(i) => *i as f64,
            Got::Text(t) if !self.rec.typed => {
                let (num, scale) = match t.strip_suffix('%') {
                    Some(n) => (n.trim(), 100.0),
                    None => (t, 1.0),
                };
                match num.parse::<f64>() {
                    Ok(f) => f / scale,
                    Err(_) => {
                        self.push_zh(
                            ProblemKind::InvalidValue,
                            name,
                            (format!("{t:?} is not a rate"), format!("{t:?} 不是比率")),
                            Some((
                                "write a number from 0 to 1, or a percentage such as 95%"
                                    .to_owned(),
                                "填 0 到 1 之间的数，或百分数，如 95%".to_owned(),
                            )),
                        );
                        return None;
                    }
                }
            }
            Got::Text(t) => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` is the text {t:?}, not a number"),
                        format!("{name} 是文本 {t:?}，不是数字"),
                    ),
                    None,
                );
                return None;
            }
            Got::Other(v) => {
                self.push_zh(
                    ProblemKind::InvalidValue,
                    name,
                    (
                        format!("`{name}` must be a number from 0 to 1, not {}", describe(v)),
                        format!("{name} 应为 0 到 1 之间的数，而不是 {}", describe_zh(v)),
                    ),
                    None,
                );
                return None;
            }
        };
        if !(0.0..=1.0).contains(&v) {
            self.push_zh(
                ProblemKind::OutOfRange,
                name,
                (
                    format!("{v} is not between 0 and 1"),
                    format!("{v} 不在 0 到 1 之间"),
                ),
                Some((
                    "write 0.95 or 95% for ninety-five percent".to_owned(),
                    "九成五写作 0.95 或 95%".to_owned(),
                )),
            );
            return None;
        }
        Some(v)
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("the text {s:?}"),
        Value::Integer(i) => format!("the number {i}"),
        Value::Number(f) => format!("the number {f}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::List(_) => "a list".into(),
        Value::Null => "null".into(),
    }
}

/// [`describe`] in Chinese.
fn describe_zh(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("文本 {s:?}"),
        Value::Integer(i) => format!("数字 {i}"),
        Value::Number(f) => format!("数字 {f}"),
        Value::Bool(b) => format!("布尔值 {b}"),
        Value::List(_) => "列表".into(),
        Value::Null => "空值 null".into(),
    }
}

fn join(s: &[crate::catalogue::Suggestion]) -> String {
    let v: Vec<String> = s.iter().map(|s| s.to_string()).collect();
    v.join(" or ")
}

/// Why an id looks spreadsheet-damaged, with a suggestion in English and Chinese; `None` if it
/// looks fine.
pub(crate) fn mangled_id(id: &str) -> Option<(String, String)> {
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // 1.10101E+17, 1E+5
    if let Some(e) = id.find(['E', 'e']) {
        let (mant, exp) = (&id[..e], &id[e + 1..]);
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        let mant_ok = match mant.split_once('.') {
            Some((a, f)) => digits(a.as_bytes()) && digits(f.as_bytes()),
            None => digits(mant.as_bytes()),
        };
        if mant_ok && digits(exp.as_bytes()) {
            return Some((
                "Excel shows long numbers in scientific notation and loses their digits: format the id column as text and re-enter the ids".into(),
                "Excel 用科学计数法显示长数字并丢失了位数：把编号列设为文本后重新输入编号".into(),
            ));
        }
    }
    // 1,234,567
    if id.contains(',') && id.split(',').all(|p| digits(p.as_bytes())) {
        return Some((
            format!(
                "thousands separators were added: did you mean {:?}?",
                id.replace(',', "")
            ),
            format!("被加上了千位分隔符：是否应为 {:?}？", id.replace(',', "")),
        ));
    }
    // 12345.0
    if let Some((a, f)) = id.split_once('.')
        && digits(a.as_bytes())
        && digits(f.as_bytes())
        && f.bytes().all(|c| c == b'0')
    {
        return Some((
            format!("the id was saved as a number with decimals: did you mean {a:?}?"),
            format!("编号被存成了带小数的数字：是否应为 {a:?}？"),
        ));
    }
    if id.chars().any(|c| {
        ('０'..='９').contains(&c) || ('Ａ'..='Ｚ').contains(&c) || ('ａ'..='ｚ').contains(&c)
    }) {
        let ascii: String = id
            .chars()
            .map(|c| match c {
                '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                c => c,
            })
            .collect();
        return Some((
            format!("the id has full-width characters: did you mean {ascii:?}?"),
            format!("编号含全角字符：是否应为 {ascii:?}？"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::mangled_id;

    #[test]
    fn spreadsheet_damage_is_recognised() {
        for bad in [
            "1.10101E+17",
            "1E+5",
            "2.5e10",
            "1,234",
            "12,345,678",
            "101.0",
            "Ｅ００１",
            "１２",
        ] {
            assert!(mangled_id(bad).is_some(), "{bad}");
        }
        for good in [
            "E001",
            "0101",
            "SY-2024-7",
            "沈阳机床",
            "1.5",
            "A,B",
            "E1E2",
        ] {
            assert!(mangled_id(good).is_none(), "{good}");
        }
    }
}
