//! Bytes decoded into a small market instance written as a JSON file (each table as rows or
//! columns, ids now and then padded or repeated) and rounds of changes written as round files;
//! also the raw bytes as an instance and as a round. Reading must not panic, a file read must
//! be the instance it describes, and the welfare allocation kept live through the rounds must
//! equal a fresh allocation of each round's market; a panic or a mismatch is a crash.
#![no_main]

use duijie::policy::{LiveWelfare, Policy, Welfare};
use duijie::score::Market;
use duijie_store::market::{parse_market_changes, parse_market_json};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// A table as rows, or as columns when `columns`.
fn table(rows: Vec<Value>, columns: bool) -> Value {
    if !columns {
        return Value::Array(rows);
    }
    let mut out = serde_json::Map::new();
    for (k, row) in rows.iter().enumerate() {
        for (key, x) in row.as_object().into_iter().flatten() {
            let c = out
                .entry(key.clone())
                .or_insert_with(|| Value::Array(vec![Value::Null; rows.len()]));
            c[k] = x.clone();
        }
    }
    Value::Object(out)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_market_json("raw.json", text, Market::Talent);
    }
    if data.len() < 3 {
        return;
    }
    let (n, m, flags) = (
        usize::from(data[0] % 6),
        usize::from(data[1] % 5) + 1,
        data[2],
    );
    let mut it = data[3..].iter().copied();
    let mut next = move || it.next().unwrap_or(0);
    let needs: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("n{i}"), "demand": next() % 5}))
        .collect();
    let offers: Vec<Value> = (0..m)
        .map(|j| json!({"id": format!("o{j}"), "capacity": next() % 6}))
        .collect();
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in 0..m {
            let b = next();
            if b % 3 == 0 {
                let mut p = json!({"need": format!("n{i}"), "offer": format!("o{j}"),
                                   "need_score": f64::from(b) / 255.0});
                if b % 2 == 0 {
                    p["offer_score"] = json!(f64::from(next()) / 255.0);
                }
                pairs.push(p);
            }
        }
    }
    let doc = json!({
        "needs": table(needs, flags & 1 != 0),
        "offers": table(offers, flags & 2 != 0),
        "pairs": table(pairs, flags & 4 != 0),
    });
    let file = match parse_market_json("m.json", &doc.to_string(), Market::Talent) {
        Ok(f) => f,
        Err(e) => panic!("a well-formed instance was refused: {e}\n{doc}"),
    };
    assert_eq!(file.instance.needs(), n);
    assert_eq!(file.instance.offers(), m);
    let Ok(mut live) = LiveWelfare::new(file.instance) else {
        return;
    };
    let (mut need_ids, mut offer_ids) = (file.need_ids, file.offer_ids);
    let first = live.allocate().expect("solves");
    assert_eq!(
        first.welfare,
        Welfare.allocate(live.instance()).expect("solves").welfare
    );
    for round in 0..3u32 {
        let kind = next();
        let mut changes = serde_json::Map::new();
        if kind % 4 == 0 {
            let id = format!("new{round}");
            let offer = format!("o{}", usize::from(next()) % offer_ids.len());
            changes.insert("needs".into(), json!([{"id": id, "demand": next() % 4}]));
            changes.insert(
                "pairs".into(),
                json!([{"need": id, "offer": offer, "need_score": f64::from(next()) / 255.0}]),
            );
        }
        if kind % 4 == 1 {
            changes.insert(
                "offers".into(),
                json!([{"id": format!("p{round}"), "capacity": next() % 4}]),
            );
        }
        if kind % 4 == 2 {
            let offer = &offer_ids[usize::from(next()) % offer_ids.len()];
            changes.insert("withdraw".into(), json!([offer]));
        }
        if kind % 4 == 3 {
            // A score change of an existing pair, or (when there is none) a bad round.
            match live.instance().pairs.first() {
                Some(&(i, j, _, _)) => {
                    changes.insert(
                        "pairs".into(),
                        json!([{
                            "need": need_ids[i as usize], "offer": offer_ids[j as usize],
                            "need_score": f64::from(next()) / 255.0,
                        }]),
                    );
                }
                None => {
                    changes.insert("withdraw".into(), json!(["nobody"]));
                }
            }
        }
        let text = Value::Object(changes).to_string();
        let Ok(c) = parse_market_changes("r.json", &text, &need_ids, &offer_ids, live.instance())
        else {
            continue;
        };
        c.apply(&mut live, &mut need_ids, &mut offer_ids)
            .expect("in range");
        let a = live.allocate().expect("solves");
        let fresh = Welfare.allocate(live.instance()).expect("solves");
        assert_eq!(a.welfare, fresh.welfare, "round {round}: {text}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_market_changes("raw.json", text, &need_ids, &offer_ids, live.instance());
    }
});
