//! Validation tests: each case is records in, problem kinds out.

use proptest::prelude::*;

use super::*;

fn rec(kind: RecordKind, line: u64, fields: &[(&str, &str)]) -> RawRecord {
    RawRecord {
        kind,
        origin: Origin::line(format!("{}.csv", kind.name()), line),
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::Text((*v).to_owned())))
            .collect(),
        typed: false,
    }
}

fn school(line: u64, id: &str, level: &str) -> RawRecord {
    rec(
        RecordKind::Schools,
        line,
        &[
            ("id", id),
            ("name", "学校"),
            ("level", level),
            ("city", "沈阳"),
        ],
    )
}

fn enterprise(line: u64, id: &str) -> RawRecord {
    rec(
        RecordKind::Enterprises,
        line,
        &[
            ("id", id),
            ("name", "企业"),
            ("size", "大型"),
            ("industry", "34"),
            ("city", "沈阳"),
        ],
    )
}

/// Validates `records`; checks the problems as `(line, kind)` and returns the ledger.
fn check(records: Vec<RawRecord>, expected: &[(u64, ProblemKind)]) -> Ledger {
    let (ledger, report) = Ledger::from_records(records);
    let got: Vec<(u64, ProblemKind)> = report
        .problems
        .iter()
        .map(|p| (p.line.unwrap_or(0), p.kind))
        .collect();
    assert_eq!(got, expected, "{report}");
    ledger
}

#[test]
fn parties_resolve_whatever_the_input_order() {
    let l = check(
        vec![
            rec(
                RecordKind::TalentNeeds,
                2,
                &[
                    ("id", "N1"),
                    ("enterprise", "E1"),
                    ("major_code", "080202"),
                    ("level", "本科"),
                    ("headcount", "5"),
                    ("year", "2025"),
                ],
            ),
            enterprise(2, "E1"),
        ],
        &[],
    );
    assert_eq!(l.talent_needs.len(), 1);
    assert_eq!(
        l.talent_needs[0].city, l.parties[0].city,
        "need city defaults to the enterprise's"
    );
}

#[test]
fn party_ids_are_one_namespace_and_needs_have_their_own() {
    check(
        vec![
            school(2, "X1", "本科"),
            enterprise(2, "X1"),
            enterprise(3, "E2"),
            rec(
                RecordKind::TalentNeeds,
                2,
                &[
                    ("id", "X1"),
                    ("enterprise", "E2"),
                    ("major_code", "080202"),
                    ("level", "本科"),
                    ("headcount", "5"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[(2, ProblemKind::DuplicateId)],
    );
}

#[test]
fn references_must_name_a_party_of_the_right_kind() {
    check(
        vec![
            school(2, "S1", "本科"),
            enterprise(2, "E1"),
            rec(
                RecordKind::TalentNeeds,
                2,
                &[
                    ("id", "N1"),
                    ("enterprise", "S1"),
                    ("major_code", "080202"),
                    ("level", "本科"),
                    ("headcount", "5"),
                    ("year", "2025"),
                ],
            ),
            rec(
                RecordKind::TalentSupply,
                2,
                &[
                    ("id", "T1"),
                    ("school", "E1"),
                    ("major_code", "080202"),
                    ("level", "本科"),
                    ("graduates", "5"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[
            (2, ProblemKind::WrongPartyKind),
            (2, ProblemKind::WrongPartyKind),
        ],
    );
}

#[test]
fn a_school_cannot_supply_above_its_level() {
    check(
        vec![
            school(2, "S1", "高职专科"),
            rec(
                RecordKind::TalentSupply,
                2,
                &[
                    ("id", "T1"),
                    ("school", "S1"),
                    ("major_code", "080202"),
                    ("level", "本科"),
                    ("graduates", "5"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[(2, ProblemKind::Inconsistent)],
    );
}

#[test]
fn a_reference_to_a_rejected_party_says_so() {
    let (_, report) = Ledger::from_records(vec![
        rec(
            RecordKind::Enterprises,
            2,
            &[
                ("id", "E1"),
                ("name", "企业"),
                ("size", "巨型"),
                ("industry", "34"),
                ("city", "沈阳"),
            ],
        ),
        rec(
            RecordKind::TalentNeeds,
            2,
            &[
                ("id", "N1"),
                ("enterprise", "E1"),
                ("major_code", "080202"),
                ("level", "本科"),
                ("headcount", "5"),
                ("year", "2025"),
            ],
        ),
    ]);
    let p = report
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::UnknownReference)
        .unwrap();
    assert!(
        p.message.contains("was rejected at enterprises.csv:2"),
        "{p}"
    );
}

#[test]
fn code_and_name_must_agree() {
    check(
        vec![
            enterprise(2, "E1"),
            rec(
                RecordKind::TalentNeeds,
                2,
                &[
                    ("id", "N1"),
                    ("enterprise", "E1"),
                    ("major_code", "080202"),
                    ("major_name", "机器人工程"),
                    ("level", "本科"),
                    ("headcount", "5"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[(2, ProblemKind::Inconsistent)],
    );
    let l = check(
        vec![
            enterprise(2, "E1"),
            rec(
                RecordKind::TalentNeeds,
                2,
                &[
                    ("id", "N1"),
                    ("enterprise", "E1"),
                    ("major_name", "机器人工程"),
                    ("level", "本科"),
                    ("headcount", "5"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[],
    );
    assert_eq!(
        crate::Catalogues::get().major(l.talent_needs[0].major).code,
        "080803T"
    );
}

#[test]
fn technology_records_need_known_disciplines() {
    check(
        vec![
            enterprise(2, "E1"),
            rec(
                RecordKind::TechnologyNeeds,
                2,
                &[
                    ("id", "K1"),
                    ("enterprise", "E1"),
                    ("kind", "core"),
                    ("disciplines", "0802;机械工程;9999"),
                    ("year", "2025"),
                ],
            ),
            rec(
                RecordKind::TechnologyNeeds,
                3,
                &[
                    ("id", "K2"),
                    ("enterprise", "E1"),
                    ("kind", "core"),
                    ("year", "2025"),
                ],
            ),
        ],
        &[
            (2, ProblemKind::UnknownDiscipline),
            (2, ProblemKind::UnknownDiscipline),
            (3, ProblemKind::MissingField),
        ],
    );
}

#[test]
fn typed_sources_refuse_numbers_as_text_and_ids_as_numbers() {
    let mut r = enterprise(2, "E1");
    r.typed = true;
    r.fields[0].1 = Value::Integer(1);
    let mut need = rec(
        RecordKind::TalentNeeds,
        3,
        &[
            ("id", "N1"),
            ("enterprise", "E1"),
            ("major_code", "080202"),
            ("level", "本科"),
            ("year", "2025"),
        ],
    );
    need.typed = true;
    need.fields
        .push(("headcount".into(), Value::Number(f64::NAN)));
    check(
        vec![r, need],
        &[
            (2, ProblemKind::InvalidValue),
            (3, ProblemKind::InvalidValue),
            (3, ProblemKind::InvalidValue),
            (3, ProblemKind::UnknownReference),
        ],
    );
}

#[test]
fn out_of_province_members_need_no_city() {
    let l = check(
        vec![rec(
            RecordKind::Schools,
            2,
            &[
                ("id", "S1"),
                ("name", "清华大学"),
                ("level", "研究生"),
                ("out_of_province", "true"),
            ],
        )],
        &[],
    );
    assert!(l.parties[0].out_of_province && l.parties[0].city.is_none());
    check(
        vec![rec(
            RecordKind::Schools,
            2,
            &[("id", "S1"), ("name", "某校"), ("level", "本科")],
        )],
        &[(2, ProblemKind::MissingField)],
    );
}

fn text_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{0,12}".prop_map(Value::Text),
        any::<i64>().prop_map(|i| Value::Integer(i128::from(i))),
        any::<f64>().prop_map(Value::Number),
        Just(Value::Null),
        proptest::collection::vec("[0-9]{0,5}".prop_map(Value::Text), 0..3).prop_map(Value::List),
    ]
}

proptest! {
    /// Any record of any kind, with any values in its fields, gives a ledger and a report:
    /// never a panic, and every rejected record has at least one error.
    #[test]
    fn validation_never_panics_and_explains_every_rejection(
        kind_ix in 0usize..12,
        values in proptest::collection::vec(text_value(), 12),
        typed in any::<bool>(),
    ) {
        let kind = RecordKind::ALL[kind_ix];
        let fields = kind.fields().iter().zip(values).map(|(f, v)| (f.name.to_owned(), v)).collect();
        let r = RawRecord { kind, origin: Origin::line("x", 1), fields, typed };
        let (ledger, report) = Ledger::from_records(vec![enterprise(1, "E1"), school(1, "S1", "研究生"), r]);
        let accepted: usize = ledger.counts().iter().map(|c| c.1).sum();
        prop_assert!(accepted == 3 || report.has_errors(), "{report}");
    }
}
