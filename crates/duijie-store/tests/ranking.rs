//! The ranking check on the hand-labelled set in `datasets/ranking/`: for each technology need
//! the labelled best capability should come first under the default weights.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use duijie::score::{self, Market, ScoreConfig};
use duijie::testkit::brute_top_candidates as brute_force;

/// Precision figures of one scorer on the labelled set.
#[derive(Debug)]
struct Figures {
    needs: usize,
    /// Share of needs whose labelled best is ranked first.
    best_first: f64,
    /// Share of needs whose labelled best is among the first five.
    best_in_five: f64,
    /// Mean over needs of (relevant among the first five) / min(5, relevant).
    precision_at_5: f64,
}

fn evaluate(cfg: &ScoreConfig) -> Figures {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/ranking");
    let loaded = duijie_store::load_paths(&[root.join("ledger")]).unwrap();
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    let l = &loaded.ledger;
    let labels = std::fs::read_to_string(root.join("labels.csv")).unwrap();
    let m = Market::Technology;
    let scorer = score::Scorer::new(cfg, l);
    let (mut n, mut first, mut five, mut p5) = (0usize, 0usize, 0usize, 0.0f64);
    for line in labels.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (need, best, relevant) = (f[0], f[1], f[2].split(';').collect::<Vec<_>>());
        let i = (0..m.needs(l))
            .find(|&i| score::need_external_id(l, m, i) == need)
            .unwrap();
        let ranked: Vec<&str> = score::ranked_offers(&scorer, m, i)
            .iter()
            .map(|(j, _)| score::offer_external_id(l, m, *j as usize))
            .collect();
        n += 1;
        first += usize::from(ranked.first() == Some(&best));
        five += usize::from(ranked.iter().take(5).any(|&o| o == best));
        let hits = ranked
            .iter()
            .take(5)
            .filter(|o| relevant.contains(o))
            .count();
        p5 += hits as f64 / relevant.len().min(5) as f64;
    }
    Figures {
        needs: n,
        best_first: first as f64 / n as f64,
        best_in_five: five as f64 / n as f64,
        precision_at_5: p5 / n as f64,
    }
}

#[test]
fn default_weights_rank_the_labelled_best_first_for_most_needs() {
    let f = evaluate(&ScoreConfig::default());
    println!("default weights: {f:?}");
    // The same without the text component, to show what it adds (printed with --nocapture).
    let mut no_text = ScoreConfig::default();
    no_text.technology.text_fit = 0.0;
    let g = evaluate(&no_text);
    println!("without text fit: {g:?}");
    assert!(f.best_first >= g.best_first, "{f:?} vs {g:?}");
    assert_eq!(f.needs, 40);
    assert!(f.best_first >= 0.75, "{f:?}");
    assert!(f.best_in_five >= 0.9, "{f:?}");
    assert!(f.precision_at_5 >= 0.8, "{f:?}");
}

/// Every ledger under `datasets/` that loads cleanly.
fn ledgers() -> Vec<duijie::Ledger> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
    ["sample", "ranking/ledger"]
        .iter()
        .map(|d| {
            let loaded = duijie_store::load_paths(&[root.join(d)]).unwrap();
            assert!(!loaded.report.has_errors(), "{}", loaded.report);
            loaded.ledger
        })
        .collect()
}

#[test]
fn the_fast_value_equals_the_explained_score_on_every_pair() {
    let cfg = ScoreConfig::default();
    for l in ledgers() {
        let s = score::Scorer::new(&cfg, &l);
        for m in Market::ALL {
            for i in 0..m.needs(&l) {
                for j in 0..m.offers(&l) {
                    assert_eq!(
                        s.value(m, i, j),
                        s.score(m, i, j).map(|x| x.fixed()),
                        "{m} {i} {j}"
                    );
                }
            }
        }
    }
}

#[test]
fn candidates_equal_full_scoring_and_top_k_equals_brute_force_top_k() {
    let configs = [
        ScoreConfig::default(),
        // Discounts that reorder the tiers: same 专业类 above same name.
        toml::from_str("[major]\nsame_name = 0.2\nsame_class = 0.7\nsame_category = 0.5\n")
            .unwrap(),
    ];
    for cfg in &configs {
        for l in ledgers() {
            let s = score::Scorer::new(cfg, &l);
            for m in Market::ALL {
                assert_eq!(
                    score::top_candidates(&s, m, None),
                    brute_force(&s, &l, m, None),
                    "{m}"
                );
                for k in [1, 2, 3, 5, 8] {
                    assert_eq!(
                        score::top_candidates(&s, m, Some(k)),
                        brute_force(&s, &l, m, Some(k)),
                        "{m} k = {k}"
                    );
                }
            }
        }
    }
}

#[test]
fn candidates_with_views_score_each_pair_once_and_agree_with_both_scorers() {
    let cfg = ScoreConfig::default();
    for l in ledgers() {
        let s = score::Scorer::new(&cfg, &l);
        for m in Market::ALL {
            for k in [None, Some(1), Some(3)] {
                let plain = score::top_candidates(&s, m, k);
                let viewed = score::top_candidates_with_views(&s, m, k);
                assert_eq!(viewed.len(), plain.len(), "{m} {k:?}");
                for (&(i, j, w), &(vi, vj, vw, v)) in plain.iter().zip(&viewed) {
                    assert_eq!((i, j, w), (vi, vj, vw), "{m} {k:?}");
                    assert_eq!(
                        Some(v),
                        s.offer_view(m, i as usize, j as usize),
                        "{m} {i} {j}"
                    );
                }
            }
        }
    }
}

#[test]
fn candidates_are_identical_on_one_and_two_threads() {
    let cfg = ScoreConfig::default();
    for l in ledgers() {
        let s = score::Scorer::new(&cfg, &l);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    Market::ALL
                        .iter()
                        .map(|&m| score::top_candidates(&s, m, Some(3)))
                        .collect::<Vec<_>>()
                })
        };
        assert_eq!(run(1), run(2));
    }
}

#[test]
fn the_dense_score_matrix_feeds_the_dense_solver_and_matches_brute_force() {
    let cfg = ScoreConfig::default();
    let mut solved = 0;
    for l in ledgers() {
        let s = score::Scorer::new(&cfg, &l);
        for m in Market::ALL {
            let Some(a) = score::score_matrix(&s, m, 64) else {
                continue; // only the small markets
            };
            solved += 1;
            let candidates = score::top_candidates(&s, m, None);
            assert_eq!(
                a.iter().filter(|&&w| w > 0).count(),
                candidates.len(),
                "{m}"
            );
            for &(i, j, w) in &candidates {
                assert_eq!(a[[i as usize, j as usize]], w);
            }
            // The best 1:1 assignment by brute force over the smaller side.
            let (n, k) = a.dim();
            let best = if n <= k {
                brute_assign(&|i, j| a[[i, j]], n, k)
            } else {
                brute_assign(&|i, j| a[[j, i]], k, n)
            };
            let got = duijie::allocate::max_weight_assignment(a.view()).unwrap();
            assert_eq!(got.objective, i128::from(best), "{m}");
        }
        // Too large: refused before allocating.
        assert!(score::score_matrix(&s, Market::Technology, 1).is_none());
    }
    assert!(solved >= 4, "{solved} markets small enough");
}

/// The largest total of an injective assignment of `n` rows into `k ≥ n` columns.
fn brute_assign(w: &dyn Fn(usize, usize) -> i64, n: usize, k: usize) -> i64 {
    fn go(w: &dyn Fn(usize, usize) -> i64, i: usize, n: usize, used: &mut Vec<bool>) -> i64 {
        if i == n {
            return 0;
        }
        let mut best = i64::MIN;
        for j in 0..used.len() {
            if !used[j] {
                used[j] = true;
                best = best.max(w(i, j) + go(w, i + 1, n, used));
                used[j] = false;
            }
        }
        best
    }
    go(w, 0, n, &mut vec![false; k])
}

/// A two-capability ledger small enough to compute TF-IDF by hand.
fn tiny_ledger(cap_keywords: [&str; 2], need_keywords: &[(&str, &str, &str)]) -> duijie::Ledger {
    use duijie_store::Source;
    let mut needs =
        String::from("id,enterprise,kind,disciplines,keywords,description,scale,year\n");
    for (id, disciplines, kw) in need_keywords {
        needs.push_str(&format!("{id},E1,技术升级改造,{disciplines},{kw},,,2025\n"));
    }
    let caps = format!(
        "id,provider,platform,platform_level,disciplines,keywords,capacity,year\n\
         C1,R1,,无,0802,{},1,2025\nC2,R1,,无,0802,{},1,2025\n",
        cap_keywords[0], cap_keywords[1]
    );
    let loaded = duijie_store::load_sources([
        Source::new(
            "enterprises.csv",
            "id,name,size,industry,city,domain\nE1,甲,大型,34,沈阳市,\n"
                .as_bytes()
                .to_vec(),
        ),
        Source::new(
            "institutes.csv",
            "id,name,city,out_of_province\nR1,乙,沈阳市,\n"
                .as_bytes()
                .to_vec(),
        ),
        Source::new("technology_needs.csv", needs.into_bytes()),
        Source::new("technology_capabilities.csv", caps.into_bytes()),
    ]);
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    loaded.ledger
}

#[test]
fn text_fit_matches_tf_idf_computed_by_hand() {
    // C1 "机器人" → 机 机器 器 器人 人 (5 tokens, each only in C1: idf ln 3);
    // C2 "焊接" → 焊 焊接 接. Need K1 "机器人": the same 5 tokens, so cosine 1.
    // Need K2 "机器": 机 机器 器, weights ln 3 each, unit 1/√3; C1's 1/√5: cosine 3/√15.
    // Need K3 "焊接": cosine 0 with C1, 1 with C2.
    let l = tiny_ledger(
        ["机器人", "焊接"],
        &[
            ("K1", "0802", "机器人"),
            ("K2", "0802", "机器"),
            ("K3", "0802", "焊接"),
        ],
    );
    let text = score::text::TextIndex::new(&l);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(text.fit(0, 0), 1.0), "{}", text.fit(0, 0));
    assert!(close(text.fit(0, 1), 0.0));
    assert!(
        close(text.fit(1, 0), 3.0 / 15f64.sqrt()),
        "{}",
        text.fit(1, 0)
    );
    assert!(close(text.fit(2, 0), 0.0) && close(text.fit(2, 1), 1.0));
}

#[test]
fn an_offer_sharing_only_a_near_identical_keyword_is_found_by_top_k() {
    // K1 asks for 机器人 in 0101 (哲学: no 门类 in common with the capabilities' 0802); C1 lists
    // 机器人学 (near-identical, 0.75), C2 焊接 (nothing): C1 is a candidate, through its keyword
    // alone, and top-k must find it as full scoring does.
    let l = tiny_ledger(["机器人学", "焊接"], &[("K1", "0101", "机器人")]);
    let cfg = ScoreConfig::default();
    let s = score::Scorer::new(&cfg, &l);
    let all = brute_force(&s, &l, Market::Technology, None);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].1, 0);
    for k in [None, Some(1), Some(5)] {
        assert_eq!(score::top_candidates(&s, Market::Technology, k), all);
    }
    let why = s.score(Market::Technology, 0, 0).unwrap();
    assert!(
        why.components
            .iter()
            .any(|c| c.reason.contains("机器人≈机器人学 (0.75)")),
        "{why}"
    );
}

#[test]
fn the_public_keyword_fit_equals_the_scorers_keyword_component() {
    // `keyword_fit` works on the texts, the scorer on interned ids with precomputed
    // near-identical lists: the same rule twice, so check they agree on every pair.
    let cfg = ScoreConfig::default();
    for l in ledgers() {
        let s = score::Scorer::new(&cfg, &l);
        let m = Market::Technology;
        for i in 0..m.needs(&l) {
            for j in 0..m.offers(&l) {
                let Some(sc) = s.score(m, i, j) else { continue };
                let kw = sc
                    .components
                    .iter()
                    .find(|c| c.name == "keyword_fit")
                    .unwrap();
                let (n, o) = (&l.technology_needs[i], &l.technology_capabilities[j]);
                assert_eq!(
                    kw.value,
                    score::keyword_fit(&n.keywords, &o.keywords).0,
                    "{i} {j}"
                );
            }
        }
    }
}
