//! Maximum b-matching (how many needs can get a partner) by Dinic's max-flow, for the
//! threshold search of [`super::MaxMin`]: far cheaper than a weighted solve per threshold.
//!
//! The network is built once, in compressed adjacency form, with every pair's score on its
//! arcs; a search at threshold `t` uses only the pairs scoring at least `t`. A flow found at a
//! threshold stays valid at every lower one (it uses fewer pairs), so the search can start from
//! it and only augment.

/// The coverage network: source → need (capacity 1 when it has demand), need → offer (one arc
/// per pair, capacity 1), offer → sink (its capacity); arcs in pairs `a`, `rev[a]`.
pub(crate) struct CoverageNetwork {
    /// Arcs leaving node `u`: `first[u]..first[u + 1]`.
    first: Vec<usize>,
    head: Vec<u32>,
    rev: Vec<usize>,
    /// Score of the pair an arc belongs to (`i64::MAX` for source and sink arcs).
    score: Vec<i64>,
    /// Each arc's capacity.
    cap: Vec<u32>,
    source: usize,
    sink: usize,
}

/// A flow on a [`CoverageNetwork`]: each arc's residual capacity, and the units it carries.
#[derive(Clone)]
pub(crate) struct CoverageFlow {
    residual: Vec<u32>,
    value: usize,
}

impl CoverageFlow {
    /// How many needs the flow covers.
    pub fn value(&self) -> usize {
        self.value
    }
}

impl CoverageNetwork {
    /// The network of needs with `demand`, offers with `capacity` and `(need, offer, score)`
    /// pairs (pairs with no demand or no capacity left out).
    pub fn new(demand: &[u32], capacity: &[u32], pairs: &[(u32, u32, i64, i64)]) -> Self {
        let (n, m) = (demand.len(), capacity.len());
        let (source, sink) = (n + m, n + m + 1);
        let nodes = n + m + 2;
        // Arc list (tail, head, capacity, score), each followed by its reverse.
        let mut arcs: Vec<(u32, u32, u32, i64)> = Vec::new();
        let node = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        let mut add = |u: usize, v: usize, c: u32, w: i64| {
            arcs.push((node(u), node(v), c, w));
            arcs.push((node(v), node(u), 0, w));
        };
        for (i, &d) in demand.iter().enumerate() {
            if d > 0 {
                add(source, i, 1, i64::MAX);
            }
        }
        for &(i, j, w, _) in pairs {
            if demand[i as usize] > 0 && capacity[j as usize] > 0 {
                add(i as usize, n + j as usize, 1, w);
            }
        }
        for (j, &c) in capacity.iter().enumerate() {
            if c > 0 {
                add(n + j, sink, c, i64::MAX);
            }
        }
        // Counting sort by tail; `pos[k]` is where arc k lands.
        let mut first = vec![0usize; nodes + 1];
        for a in &arcs {
            first[a.0 as usize + 1] += 1;
        }
        for u in 0..nodes {
            first[u + 1] += first[u];
        }
        let mut fill = first.clone();
        let mut pos = vec![0usize; arcs.len()];
        for (k, a) in arcs.iter().enumerate() {
            pos[k] = fill[a.0 as usize];
            fill[a.0 as usize] += 1;
        }
        let mut head = vec![0u32; arcs.len()];
        let mut rev = vec![0usize; arcs.len()];
        let mut score = vec![0i64; arcs.len()];
        let mut cap = vec![0u32; arcs.len()];
        for (k, a) in arcs.iter().enumerate() {
            head[pos[k]] = a.1;
            cap[pos[k]] = a.2;
            rev[pos[k]] = pos[k ^ 1];
            score[pos[k]] = a.3;
        }
        CoverageNetwork {
            first,
            head,
            rev,
            score,
            cap,
            source,
            sink,
        }
    }

    /// The zero flow.
    pub fn empty_flow(&self) -> CoverageFlow {
        CoverageFlow {
            residual: self.cap.clone(),
            value: 0,
        }
    }

    /// Augments `flow` to a maximum flow using only pairs scoring at least `t`. The flow must
    /// use no pair below `t` (a flow found at a threshold ≥ `t` qualifies). Dinic's algorithm:
    /// O(E √V) on this unit-capacity network.
    pub fn augment(&self, flow: &mut CoverageFlow, t: i64) {
        let nodes = self.first.len() - 1;
        let res = &mut flow.residual;
        let mut level = vec![u32::MAX; nodes];
        let mut next = vec![0usize; nodes];
        let mut queue: Vec<usize> = Vec::with_capacity(nodes);
        let mut path: Vec<usize> = Vec::new();
        loop {
            // Breadth-first levels from the source over usable residual arcs.
            level.fill(u32::MAX);
            level[self.source] = 0;
            queue.clear();
            queue.push(self.source);
            let mut q = 0;
            while q < queue.len() {
                let u = queue[q];
                q += 1;
                let arcs = self.first[u]..self.first[u + 1];
                for (a, &v) in arcs.clone().zip(&self.head[arcs]) {
                    let v = v as usize;
                    if res[a] > 0 && self.score[a] >= t && level[v] == u32::MAX {
                        level[v] = level[u] + 1;
                        queue.push(v);
                    }
                }
            }
            if level[self.sink] == u32::MAX {
                return;
            }
            next.copy_from_slice(&self.first[..nodes]);
            // Blocking flow by iterative depth-first search; every path carries one unit (the
            // source arcs have capacity 1).
            loop {
                path.clear();
                let mut u = self.source;
                let found = loop {
                    if u == self.sink {
                        break true;
                    }
                    let mut advanced = false;
                    while next[u] < self.first[u + 1] {
                        let a = next[u];
                        let v = self.head[a] as usize;
                        if res[a] > 0 && self.score[a] >= t && level[v] == level[u] + 1 {
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
                                u = self.head[self.rev[a]] as usize;
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
                    res[a] -= 1;
                    res[self.rev[a]] += 1;
                }
                flow.value += 1;
            }
        }
    }
}
