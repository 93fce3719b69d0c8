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
    // The Latin words of `a` (as `tokens` cuts them: runs of letters and digits that are not
    // Chinese), lower-cased, that `b` contains.
    let words = a.split(|c: char| is_han(c) || !c.is_alphanumeric());
    for w in words.filter(|w| !w.is_empty()) {
        let w = w.to_lowercase();
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

/// A multiplicative hash for the automaton's `(state, character)` keys: two words mixed by a
/// multiply and a rotation (the keys come from our own automaton, not from an adversary who
/// could choose colliding keys: the text picks characters, the construction picks states).
#[derive(Clone, Copy, Default)]
struct BuildPairHasher;

#[derive(Default)]
struct PairHasher(u64);

impl std::hash::BuildHasher for BuildPairHasher {
    type Hasher = PairHasher;
    fn build_hasher(&self) -> PairHasher {
        PairHasher(0)
    }
}

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: every input bit reaches the low bits the table indexes by.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(26) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The suffix automaton of a text (Blumer et al., 1985): the smallest automaton accepting
/// exactly its substrings, built online in O(n) states and transitions. State 0 is the start.
struct SuffixAutomaton {
    /// The states, each in one record so that a visit costs one cache line.
    states: Vec<SamState>,
    /// Every transition beyond a state's first, `(state, character) → state` (the start
    /// state of a text of many distinct characters has thousands).
    more: HashMap<(u32, char), u32, BuildPairHasher>,
    /// The characters of each state's further transitions, as linked lists (`SamState::more`
    /// is the head, then `(character, next entry)`), to copy them when a state is cloned.
    arena: Vec<(char, u32)>,
}

/// One state of a [`SuffixAutomaton`].
#[derive(Clone, Copy)]
struct SamState {
    /// The first transition, inline: most states of a text have one, and a walk along the
    /// text reads them in order.
    first_char: char,
    /// Its target, [`NONE`] when the state has no transition.
    first_to: u32,
    /// Head of the list of further transitions in the arena, [`NONE`] when there are none.
    more: u32,
    /// Suffix link, [`NONE`] for the start state.
    link: u32,
    /// Length of the longest string the state stands for.
    len: u32,
}

const NONE: u32 = u32::MAX;

impl SuffixAutomaton {
    fn new(text: impl Iterator<Item = char> + Clone) -> Self {
        // At most 2n states.
        let n = text.clone().count();
        let mut a = SuffixAutomaton {
            states: Vec::with_capacity(2 * n + 1),
            more: HashMap::with_capacity_and_hasher(n / 2, BuildPairHasher),
            arena: Vec::new(),
        };
        a.push(0, NONE);
        let mut last: u32 = 0;
        for c in text {
            let cur = a.push(a.state(last).len + 1, NONE);
            let mut p = last;
            while p != NONE && a.step(p, c).is_none() {
                a.set(p, c, cur);
                p = a.state(p).link;
            }
            if p == NONE {
                a.states[cur as usize].link = 0;
            } else {
                let q = a.step(p, c).unwrap_or(0);
                if a.state(p).len + 1 == a.state(q).len {
                    a.states[cur as usize].link = q;
                } else {
                    let clone = a.push(a.state(p).len + 1, a.state(q).link);
                    for (ch, to) in a.transitions(q) {
                        a.set(clone, ch, to);
                    }
                    while p != NONE && a.step(p, c) == Some(q) {
                        a.set(p, c, clone);
                        p = a.state(p).link;
                    }
                    a.states[q as usize].link = clone;
                    a.states[cur as usize].link = clone;
                }
            }
            last = cur;
        }
        a
    }

    fn state(&self, s: u32) -> SamState {
        self.states[s as usize]
    }

    fn push(&mut self, len: u32, link: u32) -> u32 {
        self.states.push(SamState {
            first_char: '\0',
            first_to: NONE,
            more: NONE,
            link,
            len,
        });
        u32::try_from(self.states.len() - 1).unwrap_or(NONE)
    }

    fn step(&self, state: u32, c: char) -> Option<u32> {
        let s = self.state(state);
        if s.first_to == NONE {
            None
        } else if s.first_char == c {
            Some(s.first_to)
        } else if s.more == NONE {
            None
        } else {
            self.more.get(&(state, c)).copied()
        }
    }

    fn set(&mut self, state: u32, c: char, to: u32) {
        let s = &mut self.states[state as usize];
        if s.first_to == NONE || s.first_char == c {
            s.first_char = c;
            s.first_to = to;
        } else if self.more.insert((state, c), to).is_none() {
            let at = u32::try_from(self.arena.len()).unwrap_or(NONE);
            self.arena.push((c, s.more));
            s.more = at;
        }
    }

    /// Every transition of `state`, `(character, target)`.
    fn transitions(&self, state: u32) -> Vec<(char, u32)> {
        let s = self.state(state);
        let mut out = Vec::new();
        if s.first_to != NONE {
            out.push((s.first_char, s.first_to));
        }
        let mut e = s.more;
        while e != NONE {
            let (ch, after) = self.arena[e as usize];
            if let Some(&to) = self.more.get(&(state, ch)) {
                out.push((ch, to));
            }
            e = after;
        }
        out
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
        let mut next = crate::testkit::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut draw = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    let x = next();
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
