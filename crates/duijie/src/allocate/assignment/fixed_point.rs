//! Float matrices into exact integers: [`fixed_point_matrix`], [`solve_assignment_f64`], and
//! the rounding they share.

use super::*;
/// How floats were turned into the integers a solver used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Precision {
    /// Decimal places kept: each value `x` became `round(x · 10^decimals)`.
    pub decimals: u32,
}

impl Precision {
    /// The bound on how far an assignment that is optimal for the rounded matrix can be from
    /// optimal for the floats, for `pairs` assigned pairs: `pairs · 10^-decimals` (each of the
    /// two compared assignments is off by at most half a unit per pair).
    pub fn error_bound(self, pairs: usize) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let p = pairs as f64;
        p * 10f64.powi(-i32::try_from(self.decimals).unwrap_or(i32::MAX))
    }
}

/// The most decimal places, at most 15 (the significant digits an `f64` carries), at which
/// every value of magnitude up to `max_abs` stays inside the exact range of a `rows × cols`
/// assignment: the precision to ask of [`solve_assignment_f64`] when the caller gives none.
/// Zero when no value is non-zero or when even whole units are out of range (the solve then
/// reports [`AllocateError::NumericRange`]).
///
/// # Example
/// ```
/// use duijie::allocate::max_decimals;
/// assert_eq!(max_decimals(0.99, 1000, 1000), 15);
/// assert_eq!(max_decimals(1e6, 4000, 4000), 8);
/// ```
pub fn max_decimals(max_abs: f64, rows: usize, cols: usize) -> u32 {
    // The dense solver's range, [-2^k, 2^k) for the largest 2^k within the cost limit (the
    // sparse solver takes the whole limit, so this fits both).
    let k = 63 - cost_limit(rows, cols).max(1).leading_zeros();
    #[allow(clippy::cast_precision_loss)]
    let limit = ((1u64 << k) - 1) as f64;
    if max_abs.is_nan() || max_abs <= 0.0 {
        return 0;
    }
    (0..=15u32)
        .rev()
        .find(|&d| (max_abs * 10f64.powi(d as i32)).round() <= limit)
        .unwrap_or(0)
}

/// Converts a float matrix to fixed point with `decimals` places (`round(x · 10^decimals)`, half
/// away from zero), so that the exact integer solvers can take it.
///
/// # Errors
/// [`AllocateError::InvalidInstance`] naming the first NaN or infinite entry;
/// [`AllocateError::NumericRange`] when a scaled value does not fit the solver's range for this
/// size (choose fewer decimals).
pub fn fixed_point_matrix(
    a: ArrayView2<'_, f64>,
    decimals: u32,
) -> Result<(ndarray::Array2<i64>, Precision), AllocateError> {
    let data = fixed_point_data::<i64>(a, decimals, false)?.ok_or_else(|| {
        AllocateError::InvalidInstance {
            message: "internal: a fixed-point value admitted but not held by i64".into(),
        }
    })?;
    let out = ndarray::Array2::from_shape_vec(a.dim(), data).map_err(|e| {
        AllocateError::InvalidInstance {
            message: e.to_string(),
        }
    })?;
    Ok((out, Precision { decimals }))
}

/// Solves a dense float matrix exactly at `decimals` places: converts it to fixed point as
/// [`fixed_point_matrix`] does, straight into the solver's working buffer — 32-bit when every
/// scaled value fits (half the memory, and half the memory traffic of every later pass), 64-bit
/// otherwise — then runs [`solve_assignment`] on it. The result is exact for the rounded
/// matrix; [`Precision::error_bound`] bounds the distance to the float optimum. To check the
/// certificate, convert with [`fixed_point_matrix`] and call [`verify_assignment`].
///
/// # Errors
/// As [`fixed_point_matrix`] and [`solve_assignment`].
///
/// # Example
/// ```
/// use duijie::allocate::{solve_assignment_f64, Limits, Sense};
/// let fit = ndarray::array![[0.91, 0.35], [0.62, 0.88]];
/// let none = Limits::default();
/// let (a, p) = solve_assignment_f64(fit.view(), 6, Sense::Max, &none).unwrap();
/// assert_eq!(a.objective, 1_790_000); // 0.91 + 0.88, in units of 10^-6
/// assert_eq!(p.decimals, 6);
/// ```
pub fn solve_assignment_f64(
    cost: ArrayView2<'_, f64>,
    decimals: u32,
    sense: Sense,
    limits: &Limits<'_>,
) -> Result<(Assignment, Precision), AllocateError> {
    // A taller matrix than wide is converted transposed, so that the solver takes the buffer
    // as it is (one working copy in all), and the answer is transposed back.
    let transposed = cost.nrows() > cost.ncols();
    let oriented = if transposed {
        cost.reversed_axes()
    } else {
        cost
    };
    let solved = match fixed_point_data::<i32>(oriented, decimals, transposed)? {
        Some(d) => solve_buffer(&d, oriented.dim(), sense, limits)?,
        None => {
            let d = fixed_point_data::<i64>(oriented, decimals, transposed)?.unwrap_or_default();
            solve_buffer(&d, oriented.dim(), sense, limits)?
        }
    };
    let a = if transposed {
        Assignment {
            row_to_col: solved.col_to_row,
            col_to_row: solved.row_to_col,
            row_potential: solved.col_potential,
            col_potential: solved.row_potential,
            ..solved
        }
    } else {
        solved
    };
    Ok((a, Precision { decimals }))
}

/// Solves a row-major buffer of `dim` costs.
pub(super) fn solve_buffer<T: DenseCost>(
    d: &[T],
    dim: (usize, usize),
    sense: Sense,
    limits: &Limits<'_>,
) -> Result<Assignment, AllocateError> {
    let view = ArrayView2::from_shape(dim, d).map_err(|e| AllocateError::InvalidInstance {
        message: e.to_string(),
    })?;
    dense(view, sense, limits)
}

/// An integer type fixed-point values are written into.
pub(super) trait FixedPoint: DenseCost {
    /// The largest magnitude it holds.
    const MAX: f64;
    /// `x` as this type (wrapping; only called on values that fit, or on discarded ones).
    fn narrow(x: i64) -> Self;
}

impl FixedPoint for i64 {
    #[allow(clippy::cast_precision_loss)]
    const MAX: f64 = i64::MAX as f64;
    #[inline(always)]
    fn narrow(x: i64) -> Self {
        x
    }
}

impl FixedPoint for i32 {
    const MAX: f64 = i32::MAX as f64;
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation)]
    fn narrow(x: i64) -> Self {
        x as i32
    }
}

/// The fixed-point values of `a` in row-major order, as `T`; `Ok(None)` when some admitted
/// value does not fit `T` (the caller tries a wider type). `transposed`: `a` is the transpose
/// of the caller's matrix, so errors name entries as `(column, row)` of `a`.
pub(super) fn fixed_point_data<T: FixedPoint>(
    a: ArrayView2<'_, f64>,
    decimals: u32,
    transposed: bool,
) -> Result<Option<Vec<T>>, AllocateError> {
    let mut data = vec![T::narrow(0); a.len()];
    let fits = fixed_point_fill(a, decimals, transposed, &mut data)?;
    Ok(fits.then_some(data))
}

/// Converts a float matrix to fixed point with `decimals` places, as [`fixed_point_matrix`]
/// does, into a buffer the caller owns (`out`, row-major, one slot per entry): for a caller
/// whose allocator serves large buffers better (the Python package lets numpy allocate them,
/// on huge pages). The solver then takes `out` as the rows of a matrix of `a`'s shape.
///
/// # Errors
/// As [`fixed_point_matrix`]; [`AllocateError::InvalidInstance`] when `out` has not one slot
/// per entry.
pub fn fixed_point_into(
    a: ArrayView2<'_, f64>,
    decimals: u32,
    out: &mut [i64],
) -> Result<Precision, AllocateError> {
    if out.len() != a.len() {
        return Err(AllocateError::InvalidInstance {
            message: format!("a buffer of {} slots for {} entries", out.len(), a.len()),
        });
    }
    fixed_point_fill(a, decimals, false, out)?;
    Ok(Precision { decimals })
}

/// Writes the fixed-point values of `a` into `out` (one slot per entry, row-major); `Ok(false)`
/// when some admitted value does not fit `T`.
fn fixed_point_fill<T: FixedPoint>(
    a: ArrayView2<'_, f64>,
    decimals: u32,
    transposed: bool,
    out: &mut [T],
) -> Result<bool, AllocateError> {
    let (n, m) = a.dim();
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(i32::MAX));
    let limit = cost_limit(n, m);
    #[allow(clippy::cast_precision_loss)]
    let flimit = limit as f64;
    // The range of T, below which a rounded value is sure to fit (the limit of the range check
    // is below i64's).
    let tlimit = T::MAX - 1.0;
    // One branch-light pass in row-major order (NaN and ±inf fail the range test too, since
    // every comparison with NaN is false); the exact culprit is found only on failure.
    let bounds = (scale, flimit, tlimit);
    // The branch-free conversion (it vectorises) is exact below 2^50, which is every value
    // when the range is smaller, and most instances even when it is not: only when a value
    // at or above 2^50 was met does the exact general rounding run again. A rejected value's
    // garbage is discarded below.
    let (mut ok, mut fits, small) = convert_fast(a, out, bounds);
    if !small {
        (ok, fits, _) = convert_into(a, out, bounds, round_half_away);
    }
    if !ok {
        for ((i, j), &x) in a.indexed_iter() {
            let (i, j) = if transposed { (j, i) } else { (i, j) };
            if !x.is_finite() {
                return Err(AllocateError::InvalidInstance {
                    message: format!("entry ({i}, {j}) is {x}, not a finite number"),
                });
            }
        }
        let worst = a
            .iter()
            .map(|&x| (x * scale).round().abs())
            .fold(0.0, f64::max);
        return Err(AllocateError::NumericRange {
            max_weight: worst.min(u64::MAX as f64) as u64,
            limit,
        });
    }
    Ok(fits)
}

/// [`convert_into`] with [`round_half_away_small`], on AVX2 when the processor has it (four
/// values per instruction instead of two: the conversion is a third of a float solve at
/// n = 1000).
#[allow(unsafe_code)]
fn convert_fast<T: FixedPoint>(
    a: ArrayView2<'_, f64>,
    out: &mut [T],
    bounds: (f64, f64, f64),
) -> (bool, bool, bool) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `convert_avx2` is compiled with `#[target_feature(enable = "avx2")]`, which
        // is sound to call exactly when the processor supports AVX2, as just checked at run
        // time. The function itself is safe Rust (no other obligation).
        return unsafe { convert_avx2(a, out, bounds) };
    }
    convert_into(a, out, bounds, round_half_away_small)
}

/// [`convert_into`] with [`round_half_away_small`], compiled with AVX2 enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn convert_avx2<T: FixedPoint>(
    a: ArrayView2<'_, f64>,
    out: &mut [T],
    bounds: (f64, f64, f64),
) -> (bool, bool, bool) {
    convert_into(a, out, bounds, round_half_away_small)
}

/// The largest magnitude among the finite entries of `a`, and whether any entry is NaN or
/// infinite: what [`max_decimals`] needs, in one branch-free pass (on AVX2 when the processor
/// has it).
#[allow(unsafe_code)]
pub fn finite_max_abs(a: ArrayView2<'_, f64>) -> (f64, bool) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: as in `convert_fast`: AVX2 is present, checked at run time just above.
        return unsafe { finite_max_abs_avx2(a) };
    }
    finite_max_abs_lanes(a)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn finite_max_abs_avx2(a: ArrayView2<'_, f64>) -> (f64, bool) {
    finite_max_abs_lanes(a)
}

/// [`finite_max_abs`] over eight independent lanes, so that the loop vectorises.
#[inline(always)]
fn finite_max_abs_lanes(a: ArrayView2<'_, f64>) -> (f64, bool) {
    const L: usize = 8;
    let mut max = [0.0f64; L];
    let mut odd = [false; L];
    // NaN and both infinities fail `x <= f64::MAX`.
    let mut lane = |k: usize, x: f64| {
        let x = x.abs();
        let finite = x <= f64::MAX;
        odd[k] |= !finite;
        let x = if finite { x } else { 0.0 };
        max[k] = if x > max[k] { x } else { max[k] };
    };
    match a.as_slice() {
        Some(flat) => {
            let mut chunks = flat.chunks_exact(L);
            for c in &mut chunks {
                for (k, &x) in c.iter().enumerate() {
                    lane(k, x);
                }
            }
            for &x in chunks.remainder() {
                lane(0, x);
            }
        }
        None => a.iter().for_each(|&x| lane(0, x)),
    }
    (
        max.iter().fold(0.0f64, |m, &x| m.max(x)),
        odd.iter().any(|&o| o),
    )
}

/// `out[k] = round(a_k · scale)` in row-major order; whether every value was within `flimit`
/// (else the caller reports the culprit), within `tlimit` (else it does not fit `T`), and
/// below [`MAGIC_LIMIT`] (where [`round_half_away_small`] is exact).
#[inline(always)]
fn convert_into<T: FixedPoint>(
    a: ArrayView2<'_, f64>,
    out: &mut [T],
    (scale, flimit, tlimit): (f64, f64, f64),
    round: impl Fn(f64) -> i64,
) -> (bool, bool, bool) {
    let (mut ok, mut fits, mut small) = (true, true, true);
    let mut convert = |x: f64| {
        let y = x * scale;
        ok &= y.abs() <= flimit;
        fits &= y.abs() <= tlimit;
        small &= y.abs() < MAGIC_LIMIT;
        T::narrow(round(y))
    };
    match a.as_slice() {
        Some(flat) => out.iter_mut().zip(flat).for_each(|(o, &x)| *o = convert(x)),
        None => out
            .iter_mut()
            .zip(a.iter())
            .for_each(|(o, &x)| *o = convert(x)),
    }
    (ok, fits, small)
}

/// `y` rounded to the nearest integer, halves away from zero (as `f64::round`), without the
/// library call: truncate, then correct by the exact remainder. Exact for every `|y| < 2^63`;
/// callers reject larger values (for which the result is meaningless but no panic occurs).
#[inline(always)]
pub(super) fn round_half_away(y: f64) -> i64 {
    // Truncation towards zero; `as` saturates out of range and maps NaN to 0.
    #[allow(clippy::cast_possible_truncation)]
    let t = y as i64;
    // Exact: below 2^52 in magnitude `t` is representable and `y − t` is the fraction; above,
    // `y` is already an integer and the difference is 0.
    #[allow(clippy::cast_precision_loss)]
    let frac = y - t as f64;
    t.wrapping_add(i64::from(frac >= 0.5))
        .wrapping_sub(i64::from(frac <= -0.5))
}

/// `1.5 · 2^52`: adding it to a float below `2^51` in magnitude rounds it to an integer (ties
/// to even) held in the low mantissa bits.
pub(super) const MAGIC: f64 = 6_755_399_441_055_744.0;

/// Magnitudes below which [`round_half_away_small`] is exact (with a margin: `y + MAGIC` stays
/// well inside `[2^52, 2^53)`).
pub(super) const MAGIC_LIMIT: f64 = 1_125_899_906_842_624.0; // 2^50

/// [`round_half_away`] for `|y| < 2^50`, in float and integer additions only (no conversion
/// instruction, so it vectorises): round to nearest even through [`MAGIC`], then move exact
/// halves away from zero as `f64::round` does.
#[inline(always)]
pub(crate) fn round_half_away_small(y: f64) -> i64 {
    let shifted = y + MAGIC; // rounded to an integer, ties to even
    let r = shifted - MAGIC; // that integer as a float (exact)
    let d = y - r; // exact: −0.5 ≤ d ≤ 0.5
    let up = i64::from(d == 0.5 && y > 0.0);
    let down = i64::from(d == -0.5 && y < 0.0);
    // Same binade as MAGIC, so the bit patterns differ by exactly the integer.
    #[allow(clippy::cast_possible_wrap)]
    let int = (shifted.to_bits() as i64).wrapping_sub(MAGIC.to_bits() as i64);
    int.wrapping_add(up).wrapping_sub(down)
}
