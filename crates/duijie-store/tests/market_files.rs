//! Market instance files: read back exactly, policies on them equal the same policies on the
//! ledger's own instance, and every bad file gets a typed error naming file, line and id.

#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use duijie::policy::{self, MarketInstance};
use duijie::score::{Market, ScoreConfig, Scorer};
use duijie_store::market::read_market;

/// `inst` written as the three CSV files, ids `N{i}` and `O{j}`.
fn write(dir: &std::path::Path, inst: &MarketInstance) {
    let mut needs = String::from("id,demand\n");
    for (i, d) in inst.demand.iter().enumerate() {
        let _ = writeln!(needs, "N{i},{d}");
    }
    let mut offers = String::from("id,capacity\n");
    for (j, c) in inst.capacity.iter().enumerate() {
        let _ = writeln!(offers, "O{j},{c}");
    }
    let mut pairs = String::from("need,offer,need_score,offer_score\n");
    for &(i, j, w, v) in &inst.pairs {
        let _ = writeln!(
            pairs,
            "N{i},O{j},{},{}",
            duijie_export_like(w),
            duijie_export_like(v)
        );
    }
    std::fs::write(dir.join("needs.csv"), needs).unwrap();
    std::fs::write(dir.join("offers.csv"), offers).unwrap();
    std::fs::write(dir.join("pairs.csv"), pairs).unwrap();
}

/// A fixed-point score as a decimal with six places.
fn duijie_export_like(x: i64) -> String {
    format!("{}.{:06}", x / 1_000_000, x % 1_000_000)
}

#[test]
fn a_ledger_instance_written_as_files_reads_back_and_allocates_the_same() {
    let (l, _) = duijie::synth::ledger(duijie::synth::Scale::Sample, 5);
    let cfg = ScoreConfig::default();
    let scorer = Scorer::new(&cfg, &l);
    for m in [Market::Talent, Market::Training] {
        let inst = MarketInstance::from_scorer(&scorer, m, Some(10));
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &inst);
        let back = read_market(dir.path(), m).unwrap();
        assert_eq!(back.instance, inst, "{m}");
        for p in policy::all() {
            let a = p.allocate(&inst).unwrap();
            let b = p.allocate(&back.instance).unwrap();
            assert_eq!(
                policy::measure(&inst, &a),
                policy::measure(&back.instance, &b)
            );
            assert_eq!(a.matches, b.matches, "{m} {}", p.name());
        }
    }
}

#[test]
fn the_bundled_instance_reads_the_same_from_csv_and_json() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/instances");
    let a = read_market(&root.join("small"), Market::Talent).unwrap();
    let b = read_market(&root.join("small.json"), Market::Talent).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.need_ids[0], "沈阳机床");
}

#[test]
fn bad_instance_files_are_refused_with_file_line_and_id() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (needs, offers, pairs, expected message part)
        (
            "id,demand\nA,1\nA,2\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\n",
            "needs.csv:3: id \"A\" is listed twice",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,-1\n",
            "need,offer,need_score\n",
            "offers.csv:2: capacity of \"X\" is \"-1\"",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nB,X,0.5\n",
            "pairs.csv:2: pair names need \"B\"",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,Y,0.5\n",
            "pair names offer \"Y\"",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,0.5\nA,X,0.6\n",
            "pairs.csv:3: pair (\"A\", \"X\") is listed twice",
        ),
        // The first problem in file order: a repeat before an unknown id, a bad score before
        // a repeat, and a repeat on the line whose score is also bad.
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,0.5\nA,X,0.6\nA,Z,0.6\n",
            "pairs.csv:3: pair (\"A\", \"X\") is listed twice",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,2\nA,X,0.6\n",
            "pairs.csv:2: need_score is \"2\"",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,0.5\nA,X,7\n",
            "pairs.csv:3: pair (\"A\", \"X\") is listed twice",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,NaN\n",
            "need_score is \"NaN\": a number from 0 to 1",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\nA,X,1.5\n",
            "need_score is \"1.5\"",
        ),
        (
            "id,demand\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score,offer_score\nA,X,0.5,-0.1\n",
            "offer_score is \"-0.1\"",
        ),
        (
            "id,demand\nA\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\n",
            "needs.csv:2: 1 fields, but the header has 2",
        ),
        (
            "id,amount\nA,1\n",
            "id,capacity\nX,1\n",
            "need,offer,need_score\n",
            "needs.csv:2: no demand",
        ),
        (
            "",
            "id,capacity\nX,1\n",
            "need,offer,need_score\n",
            "needs.csv: the file is empty",
        ),
    ];
    for (needs, offers, pairs, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("needs.csv"), needs).unwrap();
        std::fs::write(dir.path().join("offers.csv"), offers).unwrap();
        std::fs::write(dir.path().join("pairs.csv"), pairs).unwrap();
        let e = read_market(dir.path(), Market::Talent)
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "expected {want:?} in {e:?}");
    }
    // A missing file, and JSON without its lists or with a bad entry.
    let dir = tempfile::tempdir().unwrap();
    let e = read_market(dir.path(), Market::Talent)
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs.csv: cannot read"), "{e}");
    let j = dir.path().join("x.json");
    std::fs::write(&j, r#"{"needs": [], "offers": []}"#).unwrap();
    let e = read_market(&j, Market::Talent).unwrap_err().to_string();
    assert!(e.contains("no list \"pairs\""), "{e}");
    std::fs::write(
        &j,
        r#"{"needs": [{"id": "A", "demand": 1.5}], "offers": [], "pairs": []}"#,
    )
    .unwrap();
    let e = read_market(&j, Market::Talent).unwrap_err().to_string();
    assert!(e.contains("x.json:1: demand of \"A\" is \"1.5\""), "{e}");
    std::fs::write(&j, "{not json").unwrap();
    let e = read_market(&j, Market::Talent).unwrap_err().to_string();
    assert!(e.contains("not JSON"), "{e}");
}

#[test]
fn two_satisfaction_matrices_are_the_one_to_one_instance_of_their_cells() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/instances");
    let m = read_market(&root.join("matrices"), Market::Talent).unwrap();
    assert_eq!(m.need_ids, ["王同学", "李同学", "张同学"]);
    assert_eq!(m.offer_ids, ["沈阳机床", "大连重工", "鞍钢"]);
    // The same cells as a pairs file: the same instance, so the same allocations.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &m.instance);
    let back = read_market(dir.path(), Market::Talent).unwrap();
    assert_eq!(back.instance, m.instance);
    assert_eq!(m.instance.demand, [1, 1, 1]);
    assert_eq!(m.instance.pairs.len(), 7);
    assert_eq!(m.instance.views(1, 2), (600_000, 700_000));
    for p in policy::all() {
        assert_eq!(
            p.allocate(&m.instance).unwrap().matches,
            p.allocate(&back.instance).unwrap().matches,
            "{}",
            p.name()
        );
    }
    // Without the offer side's matrix, the offer side's view is the need side's.
    let one = tempfile::tempdir().unwrap();
    std::fs::copy(
        root.join("matrices/need_scores.csv"),
        one.path().join("need_scores.csv"),
    )
    .unwrap();
    let m1 = read_market(one.path(), Market::Talent).unwrap();
    assert!(m1.instance.pairs.iter().all(|p| p.2 == p.3));
}

#[test]
fn bad_matrices_are_refused_with_file_line_and_ids() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "n,A,B\nx,0.5,\n",
            "n,A,B\nx,0.5,0.2\n",
            "offer_scores.csv:2: (\"x\", \"B\") is a candidate on one side only",
        ),
        (
            "n,A,B\nx,0.5,NaN\n",
            "",
            "need_scores.csv:2: need_score of (\"x\", \"B\") is \"NaN\"",
        ),
        (
            "n,A,B\nx,0.5,0.1\nx,0.2,0.3\n",
            "",
            "need_scores.csv:3: need id \"x\" is empty or listed twice",
        ),
        (
            "n,A,B\nx,0.5\n",
            "",
            "need_scores.csv:2: 2 fields, but the header has 3",
        ),
        (
            "n,A,A\nx,0.5,0.1\n",
            "",
            "need_scores.csv:1: offer id \"A\" is empty or listed twice",
        ),
        (
            "n,A,B\nx,0.5,0.1\n",
            "n,B,A\nx,0.5,0.1\n",
            "offer_scores.csv:1: the offer side's matrix must list the same offers",
        ),
    ];
    for (need, offer, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("need_scores.csv"), need).unwrap();
        if !offer.is_empty() {
            std::fs::write(dir.path().join("offer_scores.csv"), offer).unwrap();
        }
        let e = read_market(dir.path(), Market::Talent)
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{need:?} {offer:?}\n→ {e}");
    }
}

/// A market of one need and one offer, joined by one pair.
fn one_pair_market() -> duijie_store::market::MarketFile {
    duijie_store::market::parse_market_json(
        "m",
        r#"{"needs": [{"id": "沈阳机床", "demand": 2}], "offers": [{"id": "东北大学", "capacity": 2}],
            "pairs": [{"need": "沈阳机床", "offer": "东北大学", "need_score": 0.5}]}"#,
        Market::Talent,
    )
    .unwrap()
}

#[test]
fn a_round_of_changes_reads_in_the_markets_ids_and_names_each_bad_entry() {
    use duijie_store::market::{Ids, parse_market_changes};
    let file = one_pair_market();
    let (need_ids, offer_ids) = (
        Ids::new(file.need_ids.clone()),
        Ids::new(file.offer_ids.clone()),
    );
    let read =
        |text: &str| parse_market_changes("changes", text, &need_ids, &offer_ids, &file.instance);
    let c = read(
        r#"{"offers": [{"id": "大连理工大学", "capacity": 3}],
            "needs": [{"id": "华晨宝马", "demand": 1}],
            "pairs": [{"need": "华晨宝马", "offer": "大连理工大学", "need_score": 0.25},
                      {"need": "沈阳机床", "offer": "东北大学", "need_score": 0.75, "offer_score": 0.5}],
            "withdraw": ["东北大学"]}"#,
    )
    .unwrap();
    assert_eq!(c.offers, vec![("大连理工大学".to_owned(), 3)]);
    assert_eq!(
        c.needs,
        vec![("华晨宝马".to_owned(), 1, vec![(1, 250_000, 250_000)])]
    );
    assert_eq!(c.scores, vec![(0, 0, 750_000, 500_000)]);
    assert_eq!(c.withdraw, vec![0]);
    assert_eq!(read("{}").unwrap(), Default::default());
    for (text, message) in [
        (
            r#"{"needs": [{"id": "沈阳机床", "demand": 1}]}"#,
            "already has one",
        ),
        (
            r#"{"pairs": [{"need": "nobody", "offer": "东北大学", "need_score": 0.5}]}"#,
            "\"nobody\"",
        ),
        (
            r#"{"needs": [{"id": "x", "demand": 1}], "pairs": [{"need": "x", "offer": "东北大学", "need_score": 0.5}, {"need": "x", "offer": "东北大学", "need_score": 0.5}]}"#,
            "listed twice",
        ),
        (
            r#"{"offers": [{"id": "y", "capacity": 1}], "pairs": [{"need": "沈阳机床", "offer": "y", "need_score": 0.5}]}"#,
            "arrive with a new need",
        ),
        (r#"{"withdraw": ["东北"]}"#, "\"东北\""),
        (r#"{"withdraw": [3]}"#, "not an offer id"),
        (r#"{"needs": 3}"#, "not a list"),
        ("{", "not JSON"),
    ] {
        let e = read(text).unwrap_err().to_string();
        assert!(e.contains(message), "{text}: {e}");
    }
}

#[test]
fn the_ids_a_round_adds_are_known_to_the_next_round_and_not_before_it_is_applied() {
    use duijie_store::market::{Ids, parse_market_changes};
    let file = one_pair_market();
    let mut live = duijie::policy::LiveWelfare::new(file.instance).unwrap();
    let (mut needs, mut offers) = (Ids::new(file.need_ids), Ids::new(file.offer_ids));
    let round1 = r#"{"offers": [{"id": "大连理工大学", "capacity": 3}],
        "needs": [{"id": "华晨宝马", "demand": 1}],
        "pairs": [{"need": "华晨宝马", "offer": "大连理工大学", "need_score": 0.25}]}"#;
    let c = parse_market_changes("r1", round1, &needs, &offers, live.instance()).unwrap();
    // Read, not applied: the market's ids are as they were.
    assert_eq!((needs.len(), offers.get("大连理工大学")), (1, None));
    c.apply(&mut live, &mut needs, &mut offers).unwrap();
    assert_eq!(needs.names(), ["沈阳机床", "华晨宝马"]);
    assert_eq!(
        (offers.get("大连理工大学"), needs.get("华晨宝马")),
        (Some(1), Some(1))
    );
    let round2 = r#"{"pairs": [{"need": "华晨宝马", "offer": "大连理工大学", "need_score": 0.75}],
        "withdraw": ["大连理工大学"]}"#;
    let c = parse_market_changes("r2", round2, &needs, &offers, live.instance()).unwrap();
    assert_eq!(
        (c.scores, c.withdraw),
        (vec![(1, 1, 750_000, 750_000)], vec![1])
    );
    let again = r#"{"needs": [{"id": "华晨宝马", "demand": 1}]}"#;
    let e = parse_market_changes("r3", again, &needs, &offers, live.instance()).unwrap_err();
    assert!(e.to_string().contains("already has one"), "{e}");
}
