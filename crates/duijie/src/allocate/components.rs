//! Independent parts of a transportation problem: the connected components of its candidate
//! graph (rows and columns joined by pairs), each solved on its own and in parallel, then
//! combined into one plan whose certificate is checked whole by the caller.
//!
//! Rows in different components share no column, so the LP separates: a plan and prices
//! optimal for every component are optimal together, and the combined objective is the sum.
//! Rows with no pair are left unmet at price 0 and columns with no pair keep price 0, which is
//! what the whole solve gives them too.

use rayon::prelude::*;

use super::transport::{Transport, TransportSolution, max_weight_transport_with};
use super::{AllocateError, Limits, Status};

/// One connected component of a transportation problem's candidate graph: its rows and
/// columns in increasing order (in the whole problem's indices).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Rows (needs) of the component.
    pub rows: Vec<u32>,
    /// Columns (offers) of the component.
    pub cols: Vec<u32>,
}

/// The components of `t` with at least one pair, ordered by their first row (deterministic:
/// the order does not depend on how the union–find merged them).
pub fn components(t: &Transport) -> Vec<Component> {
    components_of(
        t.rows(),
        t.cols(),
        (0..t.rows()).flat_map(|i| t.row(i).map(move |(j, _)| (i as u32, j))),
    )
}

/// The connected components of the bipartite graph of `rows` × `cols` with these `(row, col)`
/// edges, as [`components`]: those with at least one edge, ordered by their first row.
pub fn components_of(
    rows: usize,
    cols: usize,
    edges: impl Iterator<Item = (u32, u32)>,
) -> Vec<Component> {
    let mut uf = petgraph::unionfind::UnionFind::<usize>::new(rows + cols);
    let mut linked = vec![false; rows];
    for (i, j) in edges {
        uf.union(i as usize, rows + j as usize);
        linked[i as usize] = true;
    }
    // Label each root by the first row that reaches it.
    let mut label = vec![usize::MAX; rows + cols];
    let mut out: Vec<Component> = Vec::new();
    for i in (0..rows).filter(|&i| linked[i]) {
        let r = uf.find(i);
        if label[r] == usize::MAX {
            label[r] = out.len();
            out.push(Component {
                rows: Vec::new(),
                cols: Vec::new(),
            });
        }
        out[label[r]]
            .rows
            .push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    for j in 0..cols {
        let r = uf.find(rows + j);
        if let Some(c) = out.get_mut(label[r]) {
            c.cols.push(u32::try_from(j).unwrap_or(u32::MAX));
        }
    }
    out
}

/// `f` on every component, in parallel on the rayon pool, the answers in component order. The
/// largest components start first, one task each, so the biggest starts at once and the small
/// ones fill the other threads; the answers do not depend on the number of threads.
pub(crate) fn each_largest_first<R: Send>(
    comps: &[Component],
    f: impl Fn(&Component) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..comps.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(comps[k].rows.len() + comps[k].cols.len()));
    let mut by_size: Vec<(usize, R)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&k| (k, f(&comps[k])))
        .collect();
    by_size.sort_by_key(|(k, _)| *k);
    by_size.into_iter().map(|(_, r)| r).collect()
}

/// The sub-problem of component `c`: its rows' demands, its columns' capacities and its pairs,
/// renumbered from 0 in the same order.
pub(super) fn sub_problem(t: &Transport, c: &Component) -> Result<Transport, AllocateError> {
    // The component's columns are sorted: a column's new index is its rank among them.
    let rank = |j: u32| u32::try_from(c.cols.partition_point(|&x| x < j)).unwrap_or(u32::MAX);
    let mut pairs = Vec::new();
    for (k, &i) in c.rows.iter().enumerate() {
        let r = u32::try_from(k).unwrap_or(u32::MAX);
        pairs.extend(t.row(i as usize).map(|(j, w)| (r, rank(j), w)));
    }
    // Rows in order, each row's columns in order (ranks keep it): one pass.
    Transport::from_sorted(
        c.rows.iter().map(|&i| t.demand()[i as usize]).collect(),
        c.cols.iter().map(|&j| t.capacity()[j as usize]).collect(),
        pairs.into_iter(),
    )
}

/// One component solved on its own.
fn solve_component(
    t: &Transport,
    c: &Component,
    limits: &Limits<'_>,
) -> Result<TransportSolution, AllocateError> {
    max_weight_transport_with(&sub_problem(t, c)?, limits)
}

/// [`max_weight_transport_with`], component by component: each connected component solved on
/// its own (in parallel on the rayon pool; each solve under `limits`, whose iteration cap then
/// counts per component), the answers combined into one plan of the whole problem, with the
/// components' prices as its certificate. The objective equals the whole solve's, and the
/// result is the same on any number of threads. As for [`max_weight_transport_with`], check
/// the certificate with [`verify_transport`](super::verify_transport) on `t` (the policies do): one check of the
/// combined plan covers every component's prices and the combination.
///
/// # Errors
/// As [`max_weight_transport_with`].
pub fn max_weight_transport_by_components(
    t: &Transport,
    limits: &Limits<'_>,
) -> Result<TransportSolution, AllocateError> {
    let comps = components(t);
    if comps.len() <= 1 {
        return max_weight_transport_with(t, limits);
    }
    let solved: Vec<Result<TransportSolution, AllocateError>> =
        each_largest_first(&comps, |c| solve_component(t, c, limits));
    let solved: Vec<TransportSolution> =
        solved.into_iter().collect::<Result<_, AllocateError>>()?;
    Ok(combine(
        t,
        comps
            .iter()
            .zip(&solved)
            .map(|(c, s)| (&c.rows[..], &c.cols[..], s, &[][..])),
    )
    .0)
}

/// The plan of the whole problem `t` from its components' solutions, each with its rows and
/// columns in `t`'s indices: flows and prices put back in place, rows outside every component
/// unmet at price 0, the objectives summed. A component stopped by a limit makes the whole
/// stopped, without prices (its prices are no certificate, and neither are the combined ones).
/// Each part may come with the weight of each of its flows, in their order; when every part
/// does, the weights of the combined plan's flows are returned beside it, in its order (empty
/// otherwise).
pub(super) fn combine<'a>(
    t: &Transport,
    parts: impl Iterator<Item = (&'a [u32], &'a [u32], &'a TransportSolution, &'a [i64])>,
) -> (TransportSolution, Vec<i64>) {
    let mut out = TransportSolution {
        flows: Vec::new(),
        unmet: t.demand().to_vec(),
        objective: 0,
        row_price: vec![0; t.rows()],
        col_price: vec![0; t.cols()],
        status: Status::Optimal,
        algorithm: super::Algorithm::NetworkSimplex,
    };
    // Each row is in one part, whose flows list it with its columns in order: the flows are
    // placed by row (a counting sort), and sorted only if a part's columns were not in the
    // whole instance's order.
    let parts: Vec<_> = parts.collect();
    let weighed = parts.iter().all(|p| p.3.len() == p.2.flows.len());
    let mut at = vec![0usize; t.rows() + 1];
    for (rows, _, s, _) in &parts {
        for &(r, _, _) in &s.flows {
            at[rows[r as usize] as usize + 1] += 1;
        }
    }
    for i in 0..t.rows() {
        at[i + 1] += at[i];
    }
    out.flows = vec![(0, 0, 0); at[t.rows()]];
    let mut weights = vec![0i64; if weighed { out.flows.len() } else { 0 }];
    for (rows, cols, s, w) in parts {
        out.objective += s.objective;
        out.algorithm = s.algorithm;
        if s.status != Status::Optimal {
            out.status = s.status;
        }
        for (f, &(r, k, u)) in s.flows.iter().enumerate() {
            let i = rows[r as usize];
            let to = at[i as usize];
            out.flows[to] = (i, cols[k as usize], u);
            if weighed {
                weights[to] = w[f];
            }
            at[i as usize] += 1;
        }
        for (k, &i) in rows.iter().enumerate() {
            out.unmet[i as usize] = s.unmet[k];
            if let Some(&p) = s.row_price.get(k) {
                out.row_price[i as usize] = p;
            }
        }
        for (k, &j) in cols.iter().enumerate() {
            if let Some(&p) = s.col_price.get(k) {
                out.col_price[j as usize] = p;
            }
        }
    }
    if !out.flows.is_sorted() {
        if weighed {
            let mut both: Vec<_> = out.flows.into_iter().zip(weights).collect();
            both.sort_unstable();
            (out.flows, weights) = both.into_iter().unzip();
        } else {
            out.flows.sort_unstable();
        }
    }
    if out.status != Status::Optimal {
        out.row_price.clear();
        out.col_price.clear();
    }
    (out, weights)
}
