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
/// words), longest first, for a reason a person can read.
pub fn shared_terms(a: &str, b: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bt: Vec<char> = b.chars().collect();
    let b_str: String = bt.iter().collect();
    let chars: Vec<char> = a.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if !is_han(chars[k]) {
            k += 1;
            continue;
        }
        // The longest run starting at k that b contains.
        let mut best = 0;
        let mut len = 2;
        while k + len <= chars.len() && chars[k..k + len].iter().all(|&c| is_han(c)) {
            let s: String = chars[k..k + len].iter().collect();
            if b_str.contains(&s) {
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
    let lower_b = b_str.to_lowercase();
    for w in tokens(a) {
        if w.chars().all(|c| c.is_ascii_alphanumeric()) && lower_b.contains(&w) && !out.contains(&w)
        {
            out.push(w);
        }
    }
    out.sort_by(|x, y| y.chars().count().cmp(&x.chars().count()).then(x.cmp(y)));
    out
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
