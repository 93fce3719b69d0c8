//! Solver instances from files: the DIMACS formats LEMON and the DIMACS challenges use —
//! minimum-cost flow (`p min`) and assignment (`p asn`) — and dense matrices as CSV.
//!
//! Parsing reads straight into the solvers' final buffers. Every error names its line.

use rayon::prelude::*;

use duijie::allocate::{CostMatrix, DenseMatrix, FlowNetwork, SparseMatrix, fixed_point_matrix};

/// A parse error, with the 1-based line where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceError {
    /// 1-based line (0 when the problem is with the file as a whole).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for InstanceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for InstanceError {}

/// An instance read from a file.
#[derive(Clone, Debug)]
pub enum Instance {
    /// `p min`: a minimum-cost flow network (nodes renumbered from 0).
    MinCostFlow(FlowNetwork),
    /// `p asn`: an assignment between the `n`-listed nodes (rows, in file order) and the other
    /// nodes (columns, in id order); minimise the total cost.
    Assignment {
        /// Costs of the allowed pairs: dense (narrowest width) when every row–column pair is
        /// listed and there are no more rows than columns, else sparse.
        matrix: AssignmentMatrix,
        /// The DIMACS id of each row.
        row_ids: Vec<u64>,
        /// The DIMACS id of each column.
        col_ids: Vec<u64>,
    },
    /// A dense matrix (CSV), in fixed point when it held decimals.
    Dense {
        /// The matrix, as integers in the narrowest width that holds them.
        matrix: DenseMatrix,
        /// Decimal places kept when the file held decimals (`0` for integers).
        decimals: u32,
    },
}

/// The costs of a `p asn` file, in the form its solver runs fastest on.
#[derive(Clone, Debug)]
pub enum AssignmentMatrix {
    /// Some pairs are missing (or rows outnumber columns): the sparse solver.
    Sparse(SparseMatrix),
    /// Every pair is listed and rows ≤ columns: the dense solver (the same answer; complete
    /// instances run several times faster on it).
    Dense(DenseMatrix),
}

impl AssignmentMatrix {
    /// The matrix as solver input.
    pub fn view(&self) -> CostMatrix<'_> {
        match self {
            AssignmentMatrix::Sparse(m) => CostMatrix::Sparse(m),
            AssignmentMatrix::Dense(m) => m.view(),
        }
    }

    /// Rows and columns.
    pub fn dim(&self) -> (usize, usize) {
        match self {
            AssignmentMatrix::Sparse(m) => (m.rows(), m.cols()),
            AssignmentMatrix::Dense(m) => m.dim(),
        }
    }
}

/// Integers gathered in 32 bits until one does not fit, then in 64: a reader's values land in
/// the narrowest buffer without a second pass.
enum Ints {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Ints {
    fn with_capacity(n: usize) -> Self {
        Ints::Narrow(Vec::with_capacity(n))
    }

    fn push(&mut self, v: i64) {
        match self {
            Ints::Narrow(a) => match i32::try_from(v) {
                Ok(x) => a.push(x),
                Err(_) => {
                    let mut w: Vec<i64> = Vec::with_capacity(a.capacity());
                    w.extend(a.iter().map(|&x| i64::from(x)));
                    w.push(v);
                    *self = Ints::Wide(w);
                }
            },
            Ints::Wide(a) => a.push(v),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ints::Narrow(a) => a.len(),
            Ints::Wide(a) => a.len(),
        }
    }

    fn as_f64(&self) -> Vec<f64> {
        #[allow(clippy::cast_precision_loss)]
        match self {
            Ints::Narrow(a) => a.iter().map(|&x| f64::from(x)).collect(),
            Ints::Wide(a) => a.iter().map(|&x| x as f64).collect(),
        }
    }

    fn into_matrix(self, rows: usize, cols: usize) -> Result<DenseMatrix, InstanceError> {
        let shape = |e: ndarray::ShapeError| InstanceError {
            line: 0,
            message: e.to_string(),
        };
        Ok(match self {
            Ints::Narrow(a) => {
                DenseMatrix::I32(ndarray::Array2::from_shape_vec((rows, cols), a).map_err(shape)?)
            }
            Ints::Wide(a) => {
                DenseMatrix::I64(ndarray::Array2::from_shape_vec((rows, cols), a).map_err(shape)?)
            }
        })
    }
}

/// The most memory an instance read from a file may need (bytes): 8 GiB, a third of the
/// 24 GiB machines duijie is measured on.
pub const MEMORY_BUDGET: u64 = 8 << 30;

fn err<T>(line: u64, message: impl Into<String>) -> Result<T, InstanceError> {
    Err(InstanceError {
        line,
        message: message.into(),
    })
}

fn int(line: u64, field: &str, what: &str) -> Result<i64, InstanceError> {
    field
        .parse::<i64>()
        .or_else(|_| err(line, format!("{what} {field:?} is not a 64-bit integer")))
}

fn node(line: u64, field: &str, nodes: u64) -> Result<usize, InstanceError> {
    let id: u64 = field
        .parse()
        .or_else(|_| err(line, format!("node id {field:?} is not a positive integer")))?;
    node_in_range(line, id, nodes)
}

/// Node `id` (counted from 1) as an index, when within `1..=nodes`.
fn node_in_range(line: u64, id: u64, nodes: u64) -> Result<usize, InstanceError> {
    if id == 0 || id > nodes {
        return err(line, format!("node {id} is outside 1..={nodes}"));
    }
    usize::try_from(id - 1).or_else(|_| err(line, "node id too large"))
}

/// Parses DIMACS text (`p min` or `p asn`).
///
/// Arc lines in the plain form (`a`, one space or tab between fields, decimal integers) are
/// read byte by byte straight into the network or the entry list; any other line, and any
/// arc line the fast reader does not take, goes through the general reader, which names what
/// is wrong. Both apply the same checks in the same order, so the answer and every error are
/// the general reader's.
///
/// # Errors
/// An [`InstanceError`] with the line of the first malformed, out-of-range or inconsistent
/// line: a missing or repeated problem line, an unknown line type, more arcs than declared, a
/// node id out of range, a lower bound above its capacity, a number that does not fit `i64`.
pub fn parse_dimacs(text: &str) -> Result<Instance, InstanceError> {
    read_dimacs(text, true, PIECE)
}

/// Plain arc lines are read in parallel in pieces of at least this many bytes.
const PIECE: usize = 1 << 20;

/// [`parse_dimacs`], with the fast arc reader (`plain`: in parallel pieces of at least
/// `piece` bytes) or with the general reader alone.
fn read_dimacs(text: &str, plain: bool, piece: usize) -> Result<Instance, InstanceError> {
    let bytes = text.as_bytes();
    let mut r = Reader {
        text_len: bytes.len(),
        ..Reader::default()
    };
    let (mut pos, mut line) = (0usize, 0u64);
    // Tried once, at the first arc line with at least two pieces' worth of text after it: a
    // file whose arcs are interrupted (comments, errors) reads on line by line from there.
    let mut parallel = plain;
    while pos < bytes.len() {
        if parallel && r.kind.is_some() && bytes[pos] == b'a' && bytes.len() - pos >= 2 * piece {
            parallel = false;
            let (read, next) = r.plain_arcs_parallel(bytes, pos, line + 1, piece)?;
            line += read;
            pos = next;
            continue;
        }
        line += 1;
        let read = if plain {
            r.plain_arc(bytes, pos, line)?
        } else {
            None
        };
        if let Some(next) = read {
            pos = next;
            continue;
        }
        let end = text[pos..].find('\n').map_or(bytes.len(), |k| pos + k);
        r.line(line, &text[pos..end])?;
        pos = end + 1;
    }
    r.finish()
}

/// The problem line's type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Min,
    Asn,
}

impl Kind {
    /// Numbers on an arc line.
    fn fields(self) -> usize {
        match self {
            Kind::Min => 5,
            Kind::Asn => 3,
        }
    }
}

/// What [`parse_dimacs`] has read so far.
#[derive(Default)]
struct Reader {
    /// The problem line: type, nodes, arcs.
    kind: Option<(Kind, u64, u64)>,
    supply: Vec<i64>,
    net: Option<FlowNetwork>,
    asn_rows: Vec<u64>,
    asn_is_row: Vec<bool>,
    asn_arcs: Vec<(u32, u32, i64)>,
    arcs_seen: u64,
    /// Length of the text: no more arcs than lines of 8 bytes are reserved, whatever the
    /// problem line declares.
    text_len: usize,
}

/// A plain decimal integer at `b[*at..]` after spaces or tabs, ending at a space, tab, `\r`,
/// `\n`, a comma or the end: at most 18 digits (so no overflow), with a `-` only when `signed`.
/// `None` for anything else, which the general reader then reads.
#[inline]
fn plain_int(b: &[u8], at: &mut usize, signed: bool) -> Option<i64> {
    let mut k = *at;
    while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
        k += 1;
    }
    let negative = signed && b.get(k) == Some(&b'-');
    k += usize::from(negative);
    let digits = k;
    // One to seven digits without a branch per digit; more (or fewer than eight bytes left)
    // one digit at a time.
    let v = if let Some((v, len)) = b.get(k..k + 8).and_then(eight_digits) {
        k += len;
        v
    } else {
        let mut v: i64 = 0;
        while let Some(d) = b.get(k).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
            // At most 18 digits are kept (checked below), far from overflow: no check per
            // digit.
            v = v.wrapping_mul(10).wrapping_add(i64::from(d));
            k += 1;
        }
        v
    };
    let len = k - digits;
    if len == 0 || len > 18 || (k < b.len() && !matches!(b[k], b' ' | b'\t' | b'\r' | b'\n' | b','))
    {
        return None;
    }
    *at = k;
    Some(if negative { -v } else { v })
}

/// The number the leading digits of `b` (eight bytes) spell and how many there are, when
/// there are one to seven: the bytes are read as one word, the first non-digit found by
/// arithmetic on all eight at once, and the digits combined in three multiplications (each
/// byte's digit, then pairs, fours and the eight). `None` for no digit or eight (the caller
/// reads those one by one).
#[inline]
fn eight_digits(b: &[u8]) -> Option<(i64, usize)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let word = u64::from_le_bytes(b.try_into().ok()?);
    // Each byte minus '0': a digit's byte is then below 10; any other byte is 10 or more, or
    // wraps to 0x80 or more. Borrows only move towards later bytes, past the first non-digit.
    let sub = word.wrapping_sub(ONES * u64::from(b'0'));
    let high = (sub.wrapping_add(ONES * 0x76) | sub) & (ONES * 0x80);
    let len = (high.trailing_zeros() / 8) as usize;
    if len == 0 || len == 8 {
        return None;
    }
    // The digits moved to the word's end, leading zeros before them, as an eight-digit number
    // in reading order (the first byte the most significant digit).
    let d = (sub << (8 * (8 - len))) & (ONES * 0x0F);
    // (Wrapping: what overflows the word is above every part kept.)
    let d = d.wrapping_mul(1 + (10 << 8)) >> 8; // each pair of bytes: 10·a + b
    let d = (d & 0x00FF_00FF_00FF_00FF).wrapping_mul(1 + (100 << 16)) >> 16; // fours
    let d = (d & 0x0000_FFFF_0000_FFFF).wrapping_mul(1 + (10_000 << 32)) >> 32; // the eight
    Some((d as i64, len))
}

/// The fields of the plain arc line at `b[pos..]` (`a` and `fields` plain integers, node ids
/// unsigned) and where the next line starts; `None` when the general reader must read it.
#[inline]
fn plain_fields(b: &[u8], pos: usize, fields: usize) -> Option<([i64; 5], usize)> {
    if b.get(pos) != Some(&b'a') || !matches!(b.get(pos + 1), Some(b' ' | b'\t')) {
        return None;
    }
    let mut at = pos + 1;
    let mut v = [0i64; 5];
    for (k, x) in v[..fields].iter_mut().enumerate() {
        // Node ids are unsigned: a `-` goes to the general reader's message.
        *x = plain_int(b, &mut at, k >= 2)?;
    }
    while at < b.len() && matches!(b[at], b' ' | b'\t' | b'\r') {
        at += 1;
    }
    if at < b.len() && b[at] != b'\n' {
        return None;
    }
    Some((v, at + 1))
}

/// Where to cut `b[pos..]` into pieces of about `piece` bytes (at most 64) at line starts:
/// the starts of the pieces, then the end.
fn cut_lines(b: &[u8], pos: usize, piece: usize) -> Vec<usize> {
    let count = ((b.len() - pos) / piece.max(1)).clamp(1, 64);
    let mut cuts = vec![pos];
    for k in 1..count {
        let at = pos + (b.len() - pos) * k / count;
        let at = b[at..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| at + i + 1);
        if at > cuts[cuts.len() - 1] && at < b.len() {
            cuts.push(at);
        }
    }
    cuts.push(b.len());
    cuts
}

/// The plain arc lines at the start of `b` whose ids are within `1..=nodes`, each made by
/// `make` (ids from 0) and handed to `put` with its index; how many there are and how many
/// bytes they fill.
fn plain_lines<A>(
    b: &[u8],
    fields: usize,
    nodes: u64,
    make: impl Fn(u32, u32, [i64; 5]) -> A,
    mut put: impl FnMut(usize, A),
) -> (usize, usize) {
    let (mut pos, mut count) = (0, 0);
    while pos < b.len() {
        let Some((v, next)) = plain_fields(b, pos, fields) else {
            break;
        };
        let (t, h) = (v[0] as u64, v[1] as u64);
        if t == 0 || t > nodes || h == 0 || h > nodes {
            break;
        }
        put(count, make((t - 1) as u32, (h - 1) as u32, v));
        count += 1;
        pos = next.min(b.len());
    }
    (count, pos)
}

/// Lines in `b` (a last line without its `\n` counts).
fn lines_in(b: &[u8]) -> usize {
    count_bytes(b, |c| c == b'\n') + usize::from(b.last().is_some_and(|&c| c != b'\n'))
}

/// The bytes of `b` that `hit` picks, counted in byte lanes 255 bytes at a time (which
/// vectorises, where a count per byte did not: counting the lines of a 250 MB `p asn` file
/// fell from 13% of `duijie solve`'s profile to under 1%).
#[inline]
fn count_bytes(b: &[u8], hit: impl Fn(u8) -> bool) -> usize {
    b.chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &x| n.wrapping_add(u8::from(hit(x))))))
        .sum()
}

/// How many of the pieces read (each: how many arcs, and the bytes they fill; `cuts` their
/// starts and the end) to keep, and where reading stops: up to and including the first piece
/// not read to its end, and no piece that would bring the arcs past `left`.
fn taken(got: &[(usize, usize)], cuts: &[usize], left: u64) -> (usize, usize) {
    let mut total = 0u64;
    for (k, &(arcs, filled)) in got.iter().enumerate() {
        total += arcs as u64;
        if total > left {
            return (k, cuts[k]);
        }
        if cuts[k] + filled < cuts[k + 1] {
            return (k + 1, cuts[k] + filled);
        }
    }
    (got.len(), cuts[got.len()])
}

impl Reader {
    /// Reads the arc line at `b[pos..]` when it is in the plain form, returning where the next
    /// line starts; `None` (nothing read) when the general reader must read it.
    #[inline]
    fn plain_arc(
        &mut self,
        b: &[u8],
        pos: usize,
        line: u64,
    ) -> Result<Option<usize>, InstanceError> {
        let Some((kind, n, m)) = self.kind else {
            return Ok(None);
        };
        let Some((v, next)) = plain_fields(b, pos, kind.fields()) else {
            return Ok(None);
        };
        self.count_arc(line, m)?;
        let (t, h) = (
            node_in_range(line, v[0] as u64, n)?,
            node_in_range(line, v[1] as u64, n)?,
        );
        match kind {
            Kind::Min => self.min_arc(line, t, h, v[2], v[3], v[4])?,
            Kind::Asn => self.asn_arcs.push((t as u32, h as u32, v[2])),
        }
        Ok(Some(next))
    }

    /// Reads the plain arc lines from `b[pos..]` (`line` being the first's number) on the
    /// rayon pool, in pieces of at least `piece` bytes cut at line ends, as far as they go
    /// without anything the general reader must see: another kind of line, an id out of
    /// range, an arc past the declared count. Returns the lines read and where the next line
    /// starts. The arcs land in file order, so the answer is the same on any number of threads.
    ///
    /// # Errors
    /// A bound the network refuses, at its line, as the general reader gives it.
    fn plain_arcs_parallel(
        &mut self,
        b: &[u8],
        pos: usize,
        line: u64,
        piece: usize,
    ) -> Result<(u64, usize), InstanceError> {
        let Some((kind, n, m)) = self.kind else {
            return Ok((0, pos));
        };
        let cuts = cut_lines(b, pos, piece);
        let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &b[w[0]..w[1]]).collect();
        let left = m.saturating_sub(self.arcs_seen);
        let lines: Vec<usize> = pieces.par_iter().map(|p| lines_in(p)).collect();
        let all_lines: usize = lines.iter().sum();
        // Room is made for a line per arc: a text with many more lines than arcs left to read
        // (blank lines, comments, an error) is read line by line instead.
        if all_lines as u64 > left.saturating_add(64) {
            return Ok((0, pos));
        }
        match kind {
            Kind::Asn => {
                // Each piece writes its arcs straight into its own stretch of the list, as
                // long as its lines: no piece's list is copied into the whole one.
                let base = self.asn_arcs.len();
                self.asn_arcs.resize(base + all_lines, (0, 0, 0));
                let mut slots = Vec::with_capacity(pieces.len());
                let mut rest = &mut self.asn_arcs[base..];
                for &l in &lines {
                    let (slot, tail) = rest.split_at_mut(l);
                    slots.push(slot);
                    rest = tail;
                }
                let got: Vec<(usize, usize)> = pieces
                    .par_iter()
                    .zip(slots)
                    .map(|(p, slot)| {
                        plain_lines(p, 3, n, |t, h, v| (t, h, v[2]), |k, a| slot[k] = a)
                    })
                    .collect();
                let (used, end) = taken(&got, &cuts, left);
                // Every piece kept but the last was read whole, one arc a line, so its stretch
                // is full: the arcs kept are contiguous, and only the tail is cut.
                let read: usize = got[..used].iter().map(|g| g.0).sum();
                self.asn_arcs.truncate(base + read);
                self.arcs_seen += read as u64;
                Ok((read as u64, end))
            }
            Kind::Min => {
                let got: Vec<(Vec<_>, usize)> = pieces
                    .par_iter()
                    .zip(&lines)
                    .map(|(p, &l)| {
                        let mut arcs = Vec::with_capacity(l);
                        let (_, filled) = plain_lines(
                            p,
                            5,
                            n,
                            |t, h, v| (t, h, [v[2], v[3], v[4]]),
                            |_, a| arcs.push(a),
                        );
                        (arcs, filled)
                    })
                    .collect();
                let counts: Vec<(usize, usize)> = got.iter().map(|g| (g.0.len(), g.1)).collect();
                let (used, end) = taken(&counts, &cuts, left);
                let mut read = 0u64;
                // In file order, so the first arc the network refuses is the file's first.
                for &(t, h, [lo, cap, cost]) in got[..used].iter().flat_map(|g| &g.0) {
                    self.arcs_seen += 1;
                    self.min_arc(line + read, t as usize, h as usize, lo, cap, cost)?;
                    read += 1;
                }
                Ok((read, end))
            }
        }
    }

    /// The arcs to make room for: the problem line's count, but no more than the text can hold
    /// (a short file declaring many arcs reserves little).
    fn arc_room(&self) -> usize {
        let m = self.kind.map_or(0, |k| k.2);
        usize::try_from(m).unwrap_or(0).min(self.text_len / 8)
    }

    /// One more arc line, within the declared count.
    fn count_arc(&mut self, line: u64, m: u64) -> Result<(), InstanceError> {
        self.arcs_seen += 1;
        if self.arcs_seen > m {
            return err(line, format!("more arcs than the {m} declared"));
        }
        Ok(())
    }

    fn min_arc(
        &mut self,
        line: u64,
        t: usize,
        h: usize,
        lo: i64,
        cap: i64,
        cost: i64,
    ) -> Result<(), InstanceError> {
        let room = self.arc_room();
        let supply = &mut self.supply;
        let net = self.net.get_or_insert_with(|| {
            let mut net = FlowNetwork::new(std::mem::take(supply));
            net.reserve(room);
            net
        });
        net.add_arc(t as u32, h as u32, lo, cap, cost)
            .or_else(|e| err(line, e.to_string()))?;
        Ok(())
    }

    /// Reads one line (any type) as whitespace-separated fields.
    fn line(&mut self, line: u64, raw: &str) -> Result<(), InstanceError> {
        let mut f = raw.split_ascii_whitespace();
        let Some(tag) = f.next() else {
            return Ok(());
        };
        // A line's fields without allocating: at most 6 are ever needed (one more shows a
        // line too long for its kind).
        let mut fields = [""; 6];
        let mut count = 0;
        for x in f.by_ref().take(fields.len()) {
            fields[count] = x;
            count += 1;
        }
        let rest = &fields[..count];
        match tag {
            "c" => {}
            "p" => self.problem(line, rest)?,
            "n" => {
                let Some((p, n, _)) = self.kind else {
                    return err(line, "a node line before the problem line");
                };
                if self.net.is_some() || self.arcs_seen > 0 {
                    return err(line, "node lines must come before arc lines");
                }
                if p == Kind::Min {
                    let [id, b] = rest[..] else {
                        return err(line, "expected `n ID SUPPLY`");
                    };
                    let v = node(line, id, n)?;
                    self.supply[v] = self.supply[v].checked_add(int(line, b, "supply")?).ok_or(
                        InstanceError {
                            line,
                            message: "supply overflows".into(),
                        },
                    )?;
                } else {
                    let [id] = rest[..] else {
                        return err(line, "expected `n ID`");
                    };
                    let v = node(line, id, n)?;
                    if self.asn_is_row[v] {
                        return err(line, format!("node {id} is listed twice"));
                    }
                    self.asn_is_row[v] = true;
                    self.asn_rows.push(v as u64 + 1);
                }
            }
            "a" => {
                let Some((p, n, m)) = self.kind else {
                    return err(line, "an arc line before the problem line");
                };
                self.count_arc(line, m)?;
                if p == Kind::Min {
                    let [t, h, lo, cap, cost] = rest[..] else {
                        return err(line, "expected `a SRC DST LOW CAP COST`");
                    };
                    let (t, h) = (node(line, t, n)?, node(line, h, n)?);
                    let (lo, cap, cost) = (
                        int(line, lo, "lower bound")?,
                        int(line, cap, "capacity")?,
                        int(line, cost, "cost")?,
                    );
                    self.min_arc(line, t, h, lo, cap, cost)?;
                } else {
                    let [t, h, cost] = rest[..] else {
                        return err(line, "expected `a SRC DST COST`");
                    };
                    // Node ids fit u32: the problem line allows at most u32::MAX nodes.
                    self.asn_arcs.push((
                        node(line, t, n)? as u32,
                        node(line, h, n)? as u32,
                        int(line, cost, "cost")?,
                    ));
                }
            }
            other => {
                return err(
                    line,
                    format!("unknown line type {other:?} (expected c, p, n or a)"),
                );
            }
        }
        Ok(())
    }

    /// The problem line `p min|asn NODES ARCS`.
    fn problem(&mut self, line: u64, rest: &[&str]) -> Result<(), InstanceError> {
        if self.kind.is_some() {
            return err(line, "a second problem line");
        }
        let [p, n, m] = rest[..] else {
            return err(line, "expected `p min|asn NODES ARCS`");
        };
        if p != "min" && p != "asn" {
            return err(
                line,
                format!("problem type {p:?}: duijie reads `min` and `asn`"),
            );
        }
        let n: u64 = n
            .parse()
            .or_else(|_| err(line, format!("node count {n:?} is not a number")))?;
        let m: u64 = m
            .parse()
            .or_else(|_| err(line, format!("arc count {m:?} is not a number")))?;
        if n > u64::from(u32::MAX) || m > (1 << 34) {
            return err(
                line,
                format!("{n} nodes and {m} arcs are more than duijie takes"),
            );
        }
        // Refuse before allocating: the simplex keeps about 96 bytes a node (with its
        // artificial arc) and 80 an arc (with the arc list it is built from).
        let need = n.saturating_mul(96).saturating_add(m.saturating_mul(80));
        if need > MEMORY_BUDGET {
            return err(
                line,
                format!(
                    "{n} nodes and {m} arcs would need about {} GiB, more than the {} GiB duijie allows itself",
                    need >> 30,
                    MEMORY_BUDGET >> 30
                ),
            );
        }
        let nu = usize::try_from(n).or_else(|_| err(line, "too many nodes"))?;
        let kind = if p == "min" { Kind::Min } else { Kind::Asn };
        if kind == Kind::Min {
            self.supply = vec![0; nu];
        } else {
            self.asn_is_row = vec![false; nu];
        }
        self.kind = Some((kind, n, m));
        if kind == Kind::Asn {
            self.asn_arcs.reserve(self.arc_room());
        }
        Ok(())
    }

    /// The instance, once every line is read.
    fn finish(self) -> Result<Instance, InstanceError> {
        let Some((p, _, m)) = self.kind else {
            return err(0, "no problem line (`p min` or `p asn`)");
        };
        if self.arcs_seen != m {
            return err(
                0,
                format!("{} arcs, but the problem line declares {m}", self.arcs_seen),
            );
        }
        if p == Kind::Min {
            return Ok(Instance::MinCostFlow(
                self.net.unwrap_or_else(|| FlowNetwork::new(self.supply)),
            ));
        }
        let (asn_rows, asn_is_row) = (self.asn_rows, self.asn_is_row);
        // Rows: the `n` nodes in file order; columns: the others in id order.
        let mut row_of = vec![u32::MAX; asn_is_row.len()];
        for (r, &id) in asn_rows.iter().enumerate() {
            row_of[(id - 1) as usize] = r as u32;
        }
        let mut col_ids = Vec::new();
        let mut col_of = vec![u32::MAX; asn_is_row.len()];
        for (v, &is_row) in asn_is_row.iter().enumerate() {
            if !is_row {
                col_of[v] = col_ids.len() as u32;
                col_ids.push(v as u64 + 1);
            }
        }
        let (rows, cols) = (asn_rows.len(), col_ids.len());
        // The arcs become (row, column, cost) entries in place.
        let mut entries = self.asn_arcs;
        for (k, e) in entries.iter_mut().enumerate() {
            let (t, h) = (e.0 as usize, e.1 as usize);
            if row_of[t] == u32::MAX || col_of[h] == u32::MAX {
                return err(
                    0,
                    format!(
                        "arc {} ({} → {}) must go from an `n` node to another node",
                        k + 1,
                        t + 1,
                        h + 1
                    ),
                );
            }
            *e = (row_of[t], col_of[h], e.2);
        }
        let matrix = match complete(rows, cols, &entries) {
            Some(dense) => AssignmentMatrix::Dense(dense),
            None => AssignmentMatrix::Sparse(
                SparseMatrix::new(rows, cols, entries).or_else(|e| err(0, e.to_string()))?,
            ),
        };
        Ok(Instance::Assignment {
            matrix,
            row_ids: asn_rows,
            col_ids,
        })
    }
}

/// The dense matrix of `entries` when they list every pair of `rows × cols` once and
/// `rows ≤ cols` (the dense solver then gives the sparse one's answer), else `None`.
fn complete(rows: usize, cols: usize, entries: &[(u32, u32, i64)]) -> Option<DenseMatrix> {
    if rows == 0 || rows > cols || entries.len() != rows.checked_mul(cols)? {
        return None;
    }
    let at = |i: u32, j: u32| i as usize * cols + j as usize;
    if entries.iter().enumerate().all(|(k, e)| at(e.0, e.1) == k) {
        // Row by row, each pair once (as generators write them): the costs in order.
        let ints = match entries.iter().map(|e| i32::try_from(e.2)).collect() {
            Ok(narrow) => Ints::Narrow(narrow),
            Err(_) => Ints::Wide(entries.iter().map(|e| e.2).collect()),
        };
        return ints.into_matrix(rows, cols).ok();
    }
    // One pass for the width, one to place the entries; a pair listed twice is left to the
    // sparse reader, which names it.
    let mut seen = vec![false; entries.len()];
    let place = |k: usize, seen: &mut [bool]| !std::mem::replace(&mut seen[k], true);
    let ints = if entries.iter().all(|e| i32::try_from(e.2).is_ok()) {
        let mut full = vec![0i32; entries.len()];
        for &(i, j, c) in entries {
            if !place(at(i, j), &mut seen) {
                return None;
            }
            full[at(i, j)] = c as i32;
        }
        Ints::Narrow(full)
    } else {
        let mut full = vec![0i64; entries.len()];
        for &(i, j, c) in entries {
            if !place(at(i, j), &mut seen) {
                return None;
            }
            full[at(i, j)] = c;
        }
        Ints::Wide(full)
    };
    ints.into_matrix(rows, cols).ok()
}

/// The rows of plain integers at the start of `b` (see [`read_matrix_csv`]), read in
/// parallel pieces: the numbers, the rows, the first row's count of numbers, where reading
/// stopped and the lines (empty ones included) read before it.
///
/// The numbers land straight in one buffer, `i32` while every one fits (else the pieces are
/// read again into an `i64` one): each piece first counts its separators, which bounds its
/// numbers, and then writes them into its own stretch of the buffer, so that no piece's list
/// is copied into the whole one. With [`eight_digits`] this took the time `duijie solve` reads
/// a 62 MB matrix of 16·10⁶ numbers in (one thread) from 0.42–0.47 s to 0.31–0.37 s
/// (`benches/results/2026-12-05-csv-reading.csv`).
fn plain_rows(b: &[u8], piece: usize) -> (Ints, usize, Option<usize>, usize, u64) {
    // A byte-order mark opens the first line (Excel writes one).
    let bom = if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let cuts = cut_lines(b, bom, piece);
    let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &b[w[0]..w[1]]).collect();
    // Each number is followed by a comma, a line end or the piece's end.
    let room: Vec<usize> = pieces
        .par_iter()
        .map(|p| {
            count_bytes(p, |c| (c == b',') | (c == b'\n'))
                + usize::from(p.last().is_some_and(|&c| c != b'\n'))
        })
        .collect();
    let (narrow, got) = plain_rows_into::<i32>(&pieces, &room);
    if got.iter().all(|g| !g.wide) {
        let (values, head) = kept(narrow, &got, &cuts);
        return (Ints::Narrow(values), head.0, head.1, head.2, head.3);
    }
    let (wide, got) = plain_rows_into::<i64>(&pieces, &room);
    let (values, head) = kept(wide, &got, &cuts);
    (Ints::Wide(values), head.0, head.1, head.2, head.3)
}

/// Reads each piece into its stretch (`room[k]` long) of one buffer.
fn plain_rows_into<T: TryFrom<i64> + Copy + Default + Send + Sync>(
    pieces: &[&[u8]],
    room: &[usize],
) -> (Vec<T>, Vec<PlainRows>) {
    let mut values = vec![T::default(); room.iter().sum()];
    let mut slots = Vec::with_capacity(pieces.len());
    let mut rest = &mut values[..];
    for &l in room {
        let (slot, tail) = rest.split_at_mut(l);
        slots.push(slot);
        rest = tail;
    }
    let got = pieces
        .par_iter()
        .zip(slots)
        .map(|(p, slot)| plain_rows_in(p, slot))
        .collect();
    (values, got)
}

/// The pieces in order while each is read to its end with the first row's count, their
/// numbers closed up into one list (a stretch is longer than its numbers only around empty
/// lines), and the rows, the first row's count, where reading stopped and the lines read.
fn kept<T: Copy>(
    mut values: Vec<T>,
    got: &[PlainRows],
    cuts: &[usize],
) -> (Vec<T>, (usize, Option<usize>, usize, u64)) {
    let cols = got.iter().find_map(|g| g.cols);
    let (mut rows, mut lines, mut stop) = (0usize, 0u64, 0usize);
    let (mut from, mut to) = (0usize, 0usize);
    for (k, g) in got.iter().enumerate() {
        if g.cols.is_some() && g.cols != cols {
            break;
        }
        if from != to {
            values.copy_within(from..from + g.count, to);
        }
        to += g.count;
        from += g.room;
        rows += g.rows;
        lines += g.lines;
        stop = cuts[k] + g.filled;
        if cuts[k] + g.filled < cuts[k + 1] {
            break;
        }
    }
    values.truncate(to);
    (
        values,
        (rows, if rows == 0 { None } else { cols }, stop, lines),
    )
}

/// One piece's plain rows.
struct PlainRows {
    /// Numbers read, and the length of the piece's stretch.
    count: usize,
    room: usize,
    rows: usize,
    /// The count of numbers on the piece's first row (`None`: no row).
    cols: Option<usize>,
    /// Bytes read and lines (empty ones included) they hold.
    filled: usize,
    lines: u64,
    /// Whether reading stopped at a number that does not fit `T`.
    wide: bool,
}

fn plain_rows_in<T: TryFrom<i64> + Copy>(b: &[u8], slot: &mut [T]) -> PlainRows {
    let mut out = PlainRows {
        count: 0,
        room: slot.len(),
        rows: 0,
        cols: None,
        filled: 0,
        lines: 0,
        wide: false,
    };
    let mut pos = 0;
    'lines: while pos < b.len() {
        let mut at = pos;
        let mut n = 0usize;
        let start = out.count;
        loop {
            while at < b.len() && matches!(b[at], b' ' | b'\t') {
                at += 1;
            }
            if n == 0 && matches!(b.get(at), None | Some(b'\n' | b'\r')) {
                // An empty line (or one of spaces): skipped, as the general reader does.
                break;
            }
            let Some(v) = plain_int(b, &mut at, true) else {
                out.count = start;
                break 'lines;
            };
            let Ok(x) = T::try_from(v) else {
                out.count = start;
                out.wide = true;
                break 'lines;
            };
            let Some(cell) = slot.get_mut(out.count) else {
                out.count = start;
                break 'lines;
            };
            *cell = x;
            out.count += 1;
            n += 1;
            while at < b.len() && matches!(b[at], b' ' | b'\t') {
                at += 1;
            }
            if b.get(at) == Some(&b',') {
                at += 1;
            } else {
                break;
            }
        }
        if at < b.len() && b[at] == b'\r' {
            at += 1;
        }
        if at < b.len() && b[at] != b'\n' {
            out.count = start;
            break;
        }
        if n > 0 {
            if out.cols.is_some_and(|c| c != n) {
                out.count = start;
                break;
            }
            out.cols = Some(n);
            out.rows += 1;
        }
        out.lines += 1;
        pos = (at + 1).min(b.len());
        out.filled = pos;
    }
    out
}

/// Parses a dense matrix from CSV text: one row per line, comma-separated numbers, no header.
/// Integers are kept exactly; when any entry has a fraction or exponent the whole matrix is read
/// as floats and converted to fixed point with `decimals` places.
///
/// # Errors
/// An [`InstanceError`] with the line of a ragged row, an empty cell, a non-number, NaN or
/// infinity, or a value out of range.
pub fn parse_matrix_csv(text: &str, decimals: u32) -> Result<Instance, InstanceError> {
    read_matrix_csv(text, decimals, true, PIECE)
}

/// [`parse_matrix_csv`], reading rows of plain integers in parallel pieces of at least
/// `piece` bytes first (`plain`), then every other line with the general reader; or with the
/// general reader alone.
///
/// The plain reader takes lines of decimal integers (an optional `-`, at most 18 digits)
/// separated by commas with spaces or tabs around them, and empty lines; it stops, for the
/// general reader to go on, at the first line it does not take or whose count of numbers
/// differs from the first row's. Rows land in file order, so the answer is the same on any
/// number of threads, and the same as the general reader's (a property test holds them to
/// it).
fn read_matrix_csv(
    text: &str,
    decimals: u32,
    plain: bool,
    piece: usize,
) -> Result<Instance, InstanceError> {
    let mut floats: Vec<f64> = Vec::new();
    let mut all_int = true;
    let (mut ints, mut rows, mut cols, start, lines) = if plain {
        plain_rows(text.as_bytes(), piece)
    } else {
        // About one entry per four bytes of text: a first guess at the buffer's size.
        (Ints::with_capacity(text.len() / 4), 0, None, 0, 0)
    };
    for (k, raw) in text[start..].lines().enumerate() {
        let line = lines + k as u64 + 1;
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        let mut n = 0usize;
        for cell in raw.split(',') {
            let cell = cell.trim();
            n += 1;
            if all_int {
                if let Ok(v) = cell.parse::<i64>() {
                    ints.push(v);
                    continue;
                }
                all_int = false;
                floats = ints.as_f64();
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => floats.push(v),
                Ok(v) => return err(line, format!("column {n}: {v} is not a finite number")),
                Err(_) => return err(line, format!("column {n}: {cell:?} is not a number")),
            }
        }
        match cols {
            None => cols = Some(n),
            Some(c) if c != n => {
                return err(line, format!("{n} columns, but the first row has {c}"));
            }
            _ => {}
        }
        rows += 1;
    }
    let cols = cols.unwrap_or(0);
    if all_int {
        debug_assert_eq!(ints.len(), rows * cols);
        return Ok(Instance::Dense {
            matrix: ints.into_matrix(rows, cols)?,
            decimals: 0,
        });
    }
    let f =
        ndarray::Array2::from_shape_vec((rows, cols), floats).or_else(|e| err(0, e.to_string()))?;
    let (matrix, p) = fixed_point_matrix(f.view(), decimals).or_else(|e| err(0, e.to_string()))?;
    Ok(Instance::Dense {
        matrix: DenseMatrix::narrowest(matrix),
        decimals: p.decimals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eight_bytes_give_the_number_their_leading_digits_spell() {
        for text in [
            "0,",
            "7\n",
            "42 ",
            "1234567,",
            "9999999\r",
            "10000001",
            "-5,",
            "x",
            "00012,",
        ] {
            let mut b = text.as_bytes().to_vec();
            b.resize(8, b'\n');
            let len = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let want = (1..8)
                .contains(&len)
                .then(|| (text[..len].parse::<i64>().unwrap(), len));
            assert_eq!(eight_digits(&b), want, "{text:?}");
        }
        // Every length and every digit in every place.
        for len in 1..8usize {
            for d in 0..10u8 {
                for at in 0..len {
                    let mut b = vec![b'3'; len];
                    b[at] = b'0' + d;
                    b.resize(8, 0xFF);
                    let want = std::str::from_utf8(&b[..len])
                        .unwrap()
                        .parse::<i64>()
                        .unwrap();
                    assert_eq!(eight_digits(&b), Some((want, len)));
                }
            }
        }
    }

    #[test]
    fn min_cost_flow_files_parse_with_lower_bounds_and_comments() {
        let t = "c example\np min 3 2\nn 1 2\nn 3 -2\na 1 2 0 5 3\na 2 3 1 4 1\n";
        let Instance::MinCostFlow(net) = parse_dimacs(t).unwrap() else {
            panic!()
        };
        assert_eq!(net.supply(), &[2, 0, -2]);
        assert_eq!(net.arcs().len(), 2);
        assert_eq!((net.arcs()[1].lower, net.arcs()[1].upper), (1, 4));
    }

    #[test]
    fn assignment_files_parse_rows_and_columns() {
        let t = "p asn 4 3\nn 1\nn 2\na 1 3 5\na 1 4 2\na 2 3 1\n";
        let Instance::Assignment {
            matrix,
            row_ids,
            col_ids,
        } = parse_dimacs(t).unwrap()
        else {
            panic!()
        };
        assert_eq!((row_ids, col_ids), (vec![1, 2], vec![3, 4]));
        assert!(matches!(matrix, AssignmentMatrix::Sparse(_)));
        assert_eq!(matrix.view().get(0, 1), Some(2));
        // Every pair listed: the dense solver's form, 32-bit when the costs fit, 64 otherwise.
        let t = "p asn 4 4\nn 1\nn 2\na 1 3 5\na 1 4 2\na 2 3 1\na 2 4 7\n";
        let Instance::Assignment { matrix, .. } = parse_dimacs(t).unwrap() else {
            panic!()
        };
        let AssignmentMatrix::Dense(d) = &matrix else {
            panic!("{matrix:?}")
        };
        assert_eq!((d.bits(), matrix.view().get(1, 1)), (32, Some(7)));
        // The same pairs in another order: the same matrix; one listed twice: refused.
        let shuffled = "p asn 4 4\nn 1\nn 2\na 2 4 7\na 1 4 2\na 2 3 1\na 1 3 5\n";
        let Instance::Assignment { matrix: again, .. } = parse_dimacs(shuffled).unwrap() else {
            panic!()
        };
        assert!(matches!(&again, AssignmentMatrix::Dense(_)));
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            assert_eq!(again.view().get(i, j), matrix.view().get(i, j));
        }
        let twice = t.replace("a 2 3 1", "a 1 3 1");
        assert!(parse_dimacs(&twice).is_err());
        let t = t.replace("a 2 4 7", "a 2 4 7000000000");
        let Instance::Assignment { matrix, .. } = parse_dimacs(&t).unwrap() else {
            panic!()
        };
        assert!(matches!(&matrix, AssignmentMatrix::Dense(d) if d.bits() == 64));
    }

    #[test]
    fn hostile_dimacs_gives_errors_with_lines() {
        for (text, line) in [
            ("a 1 2 0 1 1\n", 1),
            ("p min 2 1\np min 2 1\n", 2),
            ("p min 2 1\na 1 3 0 1 1\n", 2),
            ("p min 2 1\na 1 2 2 1 1\n", 2),
            ("p min 2 1\na 1 2 0 1 99999999999999999999\n", 2),
            ("p min 2 0\nx\n", 2),
            ("p min 2 1\na 1 2 0 1 1\na 1 2 0 1 1\n", 3),
            ("p max 2 1\n", 1),
            ("p asn 2 1\nn 1\nn 1\n", 3),
        ] {
            let e = parse_dimacs(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
        assert_eq!(parse_dimacs("c nothing\n").unwrap_err().line, 0);
        // Found by the `dimacs` fuzz target: a 21-byte file declaring 3·10⁸ nodes made the
        // parser allocate 2.4 GB before reading a single node line.
        let e = parse_dimacs("p min 299999999 2\n\u{1}\u{8}\n").unwrap_err();
        assert!(e.message.contains("GiB"), "{e}");
        assert_eq!(
            parse_dimacs("p min 2 2\na 1 2 0 1 1\n").unwrap_err().line,
            0
        );
    }

    /// A text in the shape of a DIMACS file with the variations both readers must agree on:
    /// spaces and tabs, `\r`, signs, `+`, leading zeros, long numbers, comments, stray
    /// fields, ids out of range, missing lines.
    fn dimacs_text() -> impl Strategy<Value = String> {
        let field = prop_oneof![
            12 => (1u64..4).prop_map(|x| x.to_string()),
            1 => (0u64..6).prop_map(|x| x.to_string()),
            1 => (-3i64..3).prop_map(|x| x.to_string()),
            1 => Just("+2".to_string()),
            1 => Just("007".to_string()),
            1 => Just("1234567890123456789".to_string()),
            1 => Just("99999999999999999999".to_string()),
            1 => Just("x".to_string()),
            1 => Just("-".to_string()),
        ];
        let sep = prop_oneof![Just(" "), Just("  "), Just("\t")];
        let arc = (
            prop_oneof![Just(3usize..4), Just(5usize..6), Just(2usize..7)]
                .prop_flat_map(move |k| proptest::collection::vec((sep.clone(), field.clone()), k)),
            prop_oneof![Just(""), Just(" "), Just("\r"), Just(" x")],
        )
            .prop_map(|(f, end)| {
                let mut l = "a".to_string();
                for (s, x) in f {
                    l += s;
                    l += &x;
                }
                l + end
            });
        let line = prop_oneof![
            6 => arc,
            1 => Just("c note".to_string()),
            1 => Just(String::new()),
            1 => (1u64..6, -3i64..4).prop_map(|(v, b)| format!("n {v} {b}")),
            1 => (1u64..6).prop_map(|v| format!("n {v}")),
            1 => Just("a".to_string()),
            1 => Just("ab 1 2 3".to_string()),
        ];
        (
            prop_oneof![Just("min"), Just("asn")],
            1u64..6,
            0u64..8,
            proptest::collection::vec(line, 0..12),
            any::<bool>(),
        )
            .prop_map(|(p, n, m, lines, newline)| {
                let mut t = format!("p {p} {n} {m}\n") + &lines.join("\n");
                if newline {
                    t.push('\n');
                }
                t
            })
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The fast arc reader, line by line or in parallel pieces, changes nothing: same
        /// instance, or the same error on the same line.
        #[test]
        fn the_plain_arc_reader_agrees_with_the_general_one(text in dimacs_text()) {
            let general = format!("{:?}", read_dimacs(&text, false, PIECE));
            // Line by line, and in parallel pieces of a few bytes.
            for piece in [PIECE, 1, 7, 30] {
                let fast = format!("{:?}", read_dimacs(&text, true, piece));
                prop_assert_eq!(&fast, &general, "{:?}, pieces of {}", text, piece);
            }
        }
    }

    /// CSV text with what both matrix readers must agree on: integers narrow and wide,
    /// decimals, exponents, NaN, empty cells, spaces, `+`, ragged rows, empty lines, `\r\n`
    /// and a byte-order mark.
    fn csv_text() -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            12 => (-50i64..50).prop_map(|x| x.to_string()),
            1 => Just("4000000000".to_string()),
            1 => Just("-99999999999999999999".to_string()),
            1 => Just("1.5".to_string()),
            1 => Just("2e3".to_string()),
            1 => Just("NaN".to_string()),
            1 => Just(String::new()),
            1 => Just(" 7\t".to_string()),
            1 => Just("+3".to_string()),
        ];
        let row = (1usize..4).prop_flat_map(move |k| {
            prop_oneof![
                8 => proptest::collection::vec(cell.clone(), 3..4),
                1 => proptest::collection::vec(cell.clone(), k..k + 1),
            ]
        });
        let line = prop_oneof![
            10 => row.prop_map(|r| r.join(",")),
            1 => Just(String::new()),
            1 => Just("  ".to_string()),
        ];
        (
            proptest::collection::vec(line, 0..10),
            prop_oneof![Just("\n"), Just("\r\n")],
            any::<bool>(),
        )
            .prop_map(|(lines, end, bom)| {
                let t = lines.join(end) + end;
                if bom { format!("\u{feff}{t}") } else { t }
            })
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Reading plain rows first, in one piece or many, changes nothing: the same matrix
        /// or the same error on the same line.
        #[test]
        fn the_plain_row_reader_agrees_with_the_general_one(text in csv_text()) {
            let general = format!("{:?}", read_matrix_csv(&text, 2, false, PIECE));
            for piece in [PIECE, 1, 4, 20] {
                let fast = format!("{:?}", read_matrix_csv(&text, 2, true, piece));
                prop_assert_eq!(&fast, &general, "{:?}, pieces of {}", text, piece);
            }
        }
    }

    #[test]
    fn plain_text_is_read_whole_by_the_fast_readers() {
        let csv = "1,-2, 3\r\n\n4 ,5,6\n";
        let (ints, rows, cols, stop, lines) = plain_rows(csv.as_bytes(), 4);
        assert_eq!(
            (ints.len(), rows, cols, stop, lines),
            (6, 2, Some(3), csv.len(), 3)
        );
        let mut r = Reader {
            kind: Some((Kind::Asn, 4, 3)),
            text_len: 100,
            ..Reader::default()
        };
        let arcs = "a 1 3 5\na 1 4 -2\na 2 3 1";
        assert_eq!(
            r.plain_arcs_parallel(arcs.as_bytes(), 0, 1, 4),
            Ok((3, arcs.len()))
        );
    }

    #[test]
    fn matrices_parse_as_integers_or_fixed_point() {
        let Instance::Dense { matrix, decimals } = parse_matrix_csv("1,2\n3,4\n", 6).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (matrix.view().get(1, 0), decimals, matrix.bits()),
            (Some(3), 0, 32)
        );
        // A value past 32 bits midway widens what was read so far.
        let Instance::Dense { matrix, .. } =
            parse_matrix_csv("1,2\n3,4000000000\n5,6\n", 6).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                matrix.view().get(1, 1),
                matrix.view().get(2, 0),
                matrix.bits()
            ),
            (Some(4_000_000_000), Some(5), 64)
        );
        let Instance::Dense { matrix, decimals } = parse_matrix_csv("0.5,2\n3,4.25\n", 2).unwrap()
        else {
            panic!()
        };
        let v = matrix.view();
        assert_eq!(
            (v.get(0, 0), v.get(1, 1), decimals),
            (Some(50), Some(425), 2)
        );
        assert_eq!(parse_matrix_csv("1,2\n3\n", 6).unwrap_err().line, 2);
        assert_eq!(parse_matrix_csv("1,NaN\n", 6).unwrap_err().line, 1);
        assert_eq!(parse_matrix_csv("1,x\n", 6).unwrap_err().line, 1);
    }
}
