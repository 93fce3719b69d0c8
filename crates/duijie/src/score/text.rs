//! Text fit for technology needs: Chinese-aware tokens, TF-IDF weights, cosine similarity.
//!
//! Tokens are character unigrams and bigrams of each run of Chinese characters (so 机器人
//! gives 机, 器, 人, 机器, 器人) and lower-cased words of Latin letters and digits (`CT`,
//! `MES`). Measured on the hand-labelled set in `datasets/ranking/` against a word segmenter
//! (jieba, see `datasets/ranking/README.md`): character n-grams rank as well or better there,
//! need no dictionary and cannot mis-split a domain word (jieba splits 运维 into 运 / 维和).
//!
//! A capability's document is its platform name and keywords; a need's is its description and
//! keywords. Weights are `(1 + ln tf) · ln(1 + N / df)` with document frequencies over the
//! capabilities of the ledger (`N` of them), vectors are normalised, and the fit is their
//! cosine, in `[0, 1]`.

use std::collections::HashMap;

use crate::model::Ledger;

/// The tokens of a text, in order of appearance (with repeats).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        for (k, c) in han.iter().enumerate() {
            out.push(c.to_string());
            if let Some(next) = han.get(k + 1) {
                out.push([*c, *next].iter().collect());
            }
        }
        han.clear();
    };
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if is_han(c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else if c.is_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_han(&mut han, &mut out);
            flush_word(&mut word, &mut out);
        }
    }
    flush_han(&mut han, &mut out);
    flush_word(&mut word, &mut out);
    out
}

/// CJK unified ideographs (the basic block and extension A).
fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// A sparse unit vector: `(token id, weight)` sorted by token id.
type Vector = Vec<(u32, f64)>;

/// TF-IDF vectors of every technology need and capability of one ledger.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    needs: Vec<Vector>,
    capabilities: Vec<Vector>,
    /// Distinct tokens seen (token ids are `0..vocabulary`).
    vocabulary: usize,
}

impl TextIndex {
    /// Builds the vectors (O(total text length)).
    pub fn new(l: &Ledger) -> TextIndex {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut intern = |t: String| -> u32 {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(t).or_insert(next)
        };
        let mut count = |text: String| -> Vec<(u32, u32)> {
            let mut v: Vec<u32> = tokens(&text).into_iter().map(&mut intern).collect();
            v.sort_unstable();
            let mut out: Vec<(u32, u32)> = Vec::new();
            for t in v {
                match out.last_mut() {
                    Some((last, n)) if *last == t => *n += 1,
                    _ => out.push((t, 1)),
                }
            }
            out
        };
        let caps: Vec<Vec<(u32, u32)>> = l
            .technology_capabilities
            .iter()
            .map(|c| {
                let mut text = c.platform.clone().unwrap_or_default();
                for k in &c.keywords {
                    text.push(' ');
                    text.push_str(k);
                }
                count(text)
            })
            .collect();
        let needs: Vec<Vec<(u32, u32)>> = l
            .technology_needs
            .iter()
            .map(|n| {
                let mut text = n.description.clone();
                for k in &n.keywords {
                    text.push(' ');
                    text.push_str(k);
                }
                count(text)
            })
            .collect();
        let mut df: HashMap<u32, u32> = HashMap::new();
        for doc in &caps {
            for &(t, _) in doc {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let n_docs = caps.len() as f64;
        let weigh = |doc: &[(u32, u32)]| -> Vector {
            let mut v: Vector = doc
                .iter()
                .map(|&(t, tf)| {
                    let d = f64::from(df.get(&t).copied().unwrap_or(0));
                    let idf = (1.0 + n_docs / d.max(1.0)).ln();
                    (t, (1.0 + f64::from(tf).ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut v {
                    *w /= norm;
                }
            }
            v
        };
        TextIndex {
            needs: needs.iter().map(|d| weigh(d)).collect(),
            capabilities: caps.iter().map(|d| weigh(d)).collect(),
            vocabulary: ids.len(),
        }
    }

    /// A zeroed dense vector over the vocabulary, for [`TextIndex::spread`].
    pub fn dense(&self) -> Vec<f64> {
        vec![0.0; self.vocabulary]
    }

    /// Writes need `i`'s weights into `dense` (zeroed), or clears them again (`on = false`).
    pub fn spread(&self, i: usize, dense: &mut [f64], on: bool) {
        for &(t, w) in self.needs.get(i).map_or(&[][..], Vec::as_slice) {
            dense[t as usize] = if on { w } else { 0.0 };
        }
    }

    /// [`TextIndex::fit`] against a need spread into `dense`: one lookup per capability token
    /// instead of a merge. The shared tokens are added in the same (token) order with the same
    /// products, and the others add exactly 0, so the result is bit-for-bit the same.
    pub fn fit_dense(&self, dense: &[f64], j: usize) -> f64 {
        let Some(b) = self.capabilities.get(j) else {
            return 0.0;
        };
        let mut dot = 0.0;
        for &(t, w) in b {
            dot += dense[t as usize] * w;
        }
        dot.clamp(0.0, 1.0)
    }

    /// Cosine similarity of need `i` and capability `j`, in `[0, 1]`.
    pub fn fit(&self, i: usize, j: usize) -> f64 {
        let (Some(a), Some(b)) = (self.needs.get(i), self.capabilities.get(j)) else {
            return 0.0;
        };
        let (mut p, mut q, mut dot) = (0, 0, 0.0);
        while p < a.len() && q < b.len() {
            match a[p].0.cmp(&b[q].0) {
                std::cmp::Ordering::Less => p += 1,
                std::cmp::Ordering::Greater => q += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[p].1 * b[q].1;
                    p += 1;
                    q += 1;
                }
            }
        }
        dot.clamp(0.0, 1.0)
    }
}

/// The words two texts share (Chinese runs of two or more characters found in both, and Latin
/// words of `a` found in `b`), longest first, for a reason a person can read.
///
/// Greedy from the left: at each Chinese character of `a`, the longest run starting there that
/// occurs in `b` is taken (at least two characters), and the scan goes on after it. Time
/// O(|a| + |b|) (a suffix automaton of `b` answers each "does `b` contain this run" by one step
/// per character), space O(|b|).
pub fn shared_terms(a: &str, b: &str) -> Vec<String> {
    let lower_b = b.to_lowercase();
    let inside = SuffixAutomaton::new(lower_b.chars());
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let chars: Vec<char> = a.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if !is_han(chars[k]) {
            k += 1;
            continue;
        }
        // The longest run of Chinese characters starting at k that b contains.
        let mut state = 0;
        let mut best = 0;
        while k + best < chars.len() && is_han(chars[k + best]) {
            match inside.step(state, chars[k + best]) {
                Some(next) => {
                    state = next;
                    best += 1;
                }
                None => break,
            }
        }
        if best >= 2 {
            let s: String = chars[k..k + best].iter().collect();
            if seen.insert(s.clone()) {
                out.push(s);
            }
            k += best;
        } else {
            k += 1;
        }
    }
    for w in tokens(a) {
        if w.chars().all(|c| c.is_ascii_alphanumeric())
            && inside.contains(w.chars())
            && seen.insert(w.clone())
        {
            out.push(w);
        }
    }
    out.sort_by(|x, y| y.chars().count().cmp(&x.chars().count()).then(x.cmp(y)));
    out
}

/// The suffix automaton of a text (Blumer et al., 1985): the smallest automaton accepting
/// exactly its substrings, built online in O(n) states and transitions. State 0 is the start.
struct SuffixAutomaton {
    /// Transitions, `(state, character) → state`: one table, so that a state with thousands
    /// of transitions (the start, on a text of many distinct characters) costs O(1) a step.
    next: HashMap<(u32, char), u32>,
    /// Per state: the characters it has transitions on (to copy them when a state is cloned).
    out_of: Vec<Vec<char>>,
    link: Vec<u32>,
    len: Vec<u32>,
}

impl SuffixAutomaton {
    fn new(text: impl Iterator<Item = char>) -> Self {
        let mut a = SuffixAutomaton {
            next: HashMap::new(),
            out_of: vec![Vec::new()],
            link: vec![u32::MAX],
            len: vec![0],
        };
        let mut last: u32 = 0;
        for c in text {
            let cur = a.push(a.len[last as usize] + 1, u32::MAX);
            let mut p = last;
            loop {
                if a.step(p, c).is_some() {
                    break;
                }
                a.set(p, c, cur);
                match a.link[p as usize] {
                    u32::MAX => {
                        p = u32::MAX;
                        break;
                    }
                    l => p = l,
                }
            }
            if p == u32::MAX {
                a.link[cur as usize] = 0;
            } else {
                let q = a.step(p, c).unwrap_or(0);
                if a.len[p as usize] + 1 == a.len[q as usize] {
                    a.link[cur as usize] = q;
                } else {
                    let clone = a.push(a.len[p as usize] + 1, a.link[q as usize]);
                    let copied: Vec<(char, u32)> = a.out_of[q as usize]
                        .iter()
                        .filter_map(|&ch| a.step(q, ch).map(|to| (ch, to)))
                        .collect();
                    for (ch, to) in copied {
                        a.set(clone, ch, to);
                    }
                    let mut p = p;
                    while a.step(p, c) == Some(q) {
                        a.set(p, c, clone);
                        match a.link[p as usize] {
                            u32::MAX => break,
                            l => p = l,
                        }
                    }
                    a.link[q as usize] = clone;
                    a.link[cur as usize] = clone;
                }
            }
            last = cur;
        }
        a
    }

    fn push(&mut self, len: u32, link: u32) -> u32 {
        self.out_of.push(Vec::new());
        self.link.push(link);
        self.len.push(len);
        u32::try_from(self.len.len() - 1).unwrap_or(u32::MAX)
    }

    fn step(&self, state: u32, c: char) -> Option<u32> {
        self.next.get(&(state, c)).copied()
    }

    fn set(&mut self, state: u32, c: char, to: u32) {
        if self.next.insert((state, c), to).is_none() {
            self.out_of[state as usize].push(c);
        }
    }

    /// Whether the text contains `s` as a substring.
    fn contains(&self, s: impl Iterator<Item = char>) -> bool {
        let mut state = 0;
        for c in s {
            match self.step(state, c) {
                Some(n) => state = n,
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_give_unigrams_and_bigrams_and_latin_words_lower_case() {
        assert_eq!(
            tokens("机器人 CT-扫描"),
            ["机", "机器", "器", "器人", "人", "ct", "扫", "扫描", "描"]
        );
        assert_eq!(tokens("5G，MES系统"), ["5g", "mes", "系", "系统", "统"]);
        assert!(tokens("  ，。 ").is_empty());
    }

    /// The definition, by brute force: every substring of `b`.
    fn shared_terms_naive(a: &str, b: &str) -> Vec<String> {
        let lower_b = b.to_lowercase();
        let mut out: Vec<String> = Vec::new();
        let chars: Vec<char> = a.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            if !is_han(chars[k]) {
                k += 1;
                continue;
            }
            let mut best = 0;
            let mut len = 1;
            while k + len <= chars.len() && chars[k..k + len].iter().all(|&c| is_han(c)) {
                let s: String = chars[k..k + len].iter().collect();
                if lower_b.contains(&s) {
                    best = len;
                }
                len += 1;
            }
            if best >= 2 {
                let s: String = chars[k..k + best].iter().collect();
                if !out.contains(&s) {
                    out.push(s);
                }
                k += best;
            } else {
                k += 1;
            }
        }
        for w in tokens(a) {
            if w.chars().all(|c| c.is_ascii_alphanumeric())
                && lower_b.contains(&w)
                && !out.contains(&w)
            {
                out.push(w);
            }
        }
        out.sort_by(|x, y| y.chars().count().cmp(&x.chars().count()).then(x.cmp(y)));
        out
    }

    #[test]
    fn shared_terms_agree_with_the_definition_on_random_texts() {
        let alphabet: Vec<char> = "机器人控制伺服图像重建abcCT 5g，".chars().collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut draw = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect()
        };
        for n in 0..300 {
            let (a, b) = (draw(n % 40), draw((n * 7) % 50));
            assert_eq!(
                shared_terms(&a, &b),
                shared_terms_naive(&a, &b),
                "{a:?} / {b:?}"
            );
        }
        let long: String = "机器人".repeat(3000);
        assert_eq!(shared_terms(&long, &long), std::slice::from_ref(&long));
    }

    #[test]
    fn shared_terms_are_the_longest_common_runs() {
        assert_eq!(
            shared_terms(
                "协作机器人关节伺服控制",
                "机器人学国家重点实验室 伺服 运动控制"
            ),
            ["机器人", "伺服", "控制"]
        );
        assert_eq!(
            shared_terms("低剂量CT图像重建", "医学影像 CT 图像重建"),
            ["图像重建", "ct"]
        );
    }
}
