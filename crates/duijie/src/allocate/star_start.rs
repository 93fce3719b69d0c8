//! A starting basis for networks shaped like a transportation problem: every node but one (the
//! root, the only node with negative supply) has an arc straight to the root that can carry its
//! supply with room to spare. The simplex then starts from that star — every unit sent along
//! its node's own arc, as if unmet — instead of the artificial big-M start, which is what makes
//! the transportation solver several times faster than the general one on the same network.
//!
//! The network [`max_weight_transport`](super::max_weight_transport) builds (rows → columns,
//! rows → sink "unmet", columns → sink) is the model case; any network with those arcs to the
//! root qualifies, whatever its other arcs.

use super::FlowNetwork;

/// The star around the root: `(root, tree arc of each node, flow on it)`, when the network
/// has one that is strongly feasible: no lower bounds, exactly one node with negative supply,
/// and for every other node `v` an arc `v → root` with capacity above `v`'s supply (which it
/// carries; the spare unit keeps the basis strongly feasible). The root's own entry is unused.
pub(crate) fn star_start(net: &FlowNetwork) -> Option<(usize, Vec<u32>, Vec<i64>)> {
    let supply = net.supply();
    let n = supply.len();
    let mut negative = (0..n).filter(|&v| supply[v] < 0);
    let root = negative.next()?;
    if negative.next().is_some() {
        return None;
    }
    const NONE: u32 = u32::MAX;
    let mut tree_arc = vec![NONE; n];
    for (k, a) in net.arcs().iter().enumerate() {
        if a.lower != 0 {
            return None;
        }
        let t = a.tail as usize;
        if a.head as usize == root && t != root && tree_arc[t] == NONE && a.upper > supply[t] {
            tree_arc[t] = u32::try_from(k).ok()?;
        }
    }
    tree_arc[root] = 0;
    if tree_arc.contains(&NONE) {
        return None;
    }
    let flow = (0..n)
        .map(|v| if v == root { 0 } else { supply[v] })
        .collect();
    Some((root, tree_arc, flow))
}
