//! Maximum b-matching (how many needs can get a partner) by Dinic's max-flow, for the
//! threshold search of [`super::MaxMin`]: far cheaper than a weighted solve per threshold.

/// The largest number of needs that can each get one unit, using only the pairs `(need,
/// offer)` of `edges`, each offer giving at most `capacity[offer]` units and each need with
/// demand taking at most one. Dinic's algorithm: O(E √V) on this unit-capacity network.
pub(crate) fn max_coverage(demand: &[u32], capacity: &[u32], edges: &[(u32, u32)]) -> usize {
    let (n, m) = (demand.len(), capacity.len());
    let (source, sink) = (n + m, n + m + 1);
    let nodes = n + m + 2;
    // Arcs in pairs: arc k and its reverse k ^ 1.
    let mut head: Vec<usize> = Vec::with_capacity(2 * (edges.len() + n + m));
    let mut cap: Vec<u32> = Vec::with_capacity(head.capacity());
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut add = |u: usize, v: usize, c: u32| {
        adj[u].push(head.len());
        head.push(v);
        cap.push(c);
        adj[v].push(head.len());
        head.push(u);
        cap.push(0);
    };
    for (i, &d) in demand.iter().enumerate() {
        if d > 0 {
            add(source, i, 1);
        }
    }
    for &(i, j) in edges {
        if demand[i as usize] > 0 && capacity[j as usize] > 0 {
            add(i as usize, n + j as usize, 1);
        }
    }
    for (j, &c) in capacity.iter().enumerate() {
        if c > 0 {
            add(n + j, sink, c);
        }
    }
    let mut flow = 0usize;
    let mut level = vec![u32::MAX; nodes];
    let mut next = vec![0usize; nodes];
    loop {
        // Breadth-first levels from the source.
        level.fill(u32::MAX);
        level[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for &a in &adj[u] {
                if cap[a] > 0 && level[head[a]] == u32::MAX {
                    level[head[a]] = level[u] + 1;
                    queue.push_back(head[a]);
                }
            }
        }
        if level[sink] == u32::MAX {
            return flow;
        }
        next.fill(0);
        // Blocking flow by iterative depth-first search; every path carries one unit (the
        // source arcs have capacity 1).
        loop {
            let mut path: Vec<usize> = Vec::new();
            let mut u = source;
            let found = loop {
                if u == sink {
                    break true;
                }
                let mut advanced = false;
                while next[u] < adj[u].len() {
                    let a = adj[u][next[u]];
                    let v = head[a];
                    if cap[a] > 0 && level[v] == level[u] + 1 {
                        path.push(a);
                        u = v;
                        advanced = true;
                        break;
                    }
                    next[u] += 1;
                }
                if !advanced {
                    // Dead end: retreat one arc and skip it.
                    level[u] = u32::MAX;
                    match path.pop() {
                        Some(a) => {
                            u = head[a ^ 1];
                            next[u] += 1;
                        }
                        None => break false,
                    }
                }
            };
            if !found {
                break;
            }
            for &a in &path {
                cap[a] -= 1;
                cap[a ^ 1] += 1;
            }
            flow += 1;
        }
    }
}
