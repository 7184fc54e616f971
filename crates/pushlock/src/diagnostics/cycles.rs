//! Cycles in the wait-for graph (D2).
//!
//! Nodes are threads; an edge `t → u` means `t` waits on a lock that `u` owns.
//! Every elementary cycle is found once, by starting a depth-first search at each
//! thread and only walking to threads with a larger id than the start (so each cycle
//! is reported from its smallest thread). The graphs are tiny (one node per waiting
//! thread), so the simple search is enough; the output is capped.

use std::collections::BTreeMap;

/// At most this many cycles are listed.
const MAX_CYCLES: usize = 64;

/// An edge: `from` waits on `lock`, which `to` owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WaitEdge {
    pub(crate) from: usize,
    pub(crate) lock: usize,
    pub(crate) to: usize,
}

/// Every elementary cycle, each as its list of edges starting at its smallest thread.
pub(crate) fn find_cycles(edges: &[WaitEdge]) -> Vec<Vec<WaitEdge>> {
    let mut graph: BTreeMap<usize, Vec<WaitEdge>> = BTreeMap::new();
    for edge in edges {
        graph.entry(edge.from).or_default().push(*edge);
    }
    let mut cycles = Vec::new();
    for &start in graph.keys() {
        let mut path = Vec::new();
        search(&graph, start, start, &mut path, &mut cycles);
        if cycles.len() >= MAX_CYCLES {
            break;
        }
    }
    cycles
}

fn search(
    graph: &BTreeMap<usize, Vec<WaitEdge>>,
    start: usize,
    at: usize,
    path: &mut Vec<WaitEdge>,
    cycles: &mut Vec<Vec<WaitEdge>>,
) {
    let Some(out) = graph.get(&at) else { return };
    for edge in out {
        if cycles.len() >= MAX_CYCLES {
            return;
        }
        if edge.to == start {
            let mut cycle = path.clone();
            cycle.push(*edge);
            cycles.push(cycle);
        } else if edge.to > start && !path.iter().any(|step| step.from == edge.to) {
            path.push(*edge);
            search(graph, start, edge.to, path, cycles);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: usize, lock: usize, to: usize) -> WaitEdge {
        WaitEdge { from, lock, to }
    }

    #[test]
    fn d2_two_thread_cycle_found_once() {
        let cycles = find_cycles(&[edge(8, 100, 16), edge(16, 200, 8)]);
        assert_eq!(cycles, vec![vec![edge(8, 100, 16), edge(16, 200, 8)]]);
    }

    #[test]
    fn d2_chain_without_cycle() {
        assert!(find_cycles(&[edge(8, 100, 16), edge(16, 200, 24)]).is_empty());
    }

    #[test]
    fn d2_two_cycles_sharing_a_thread() {
        let cycles = find_cycles(&[
            edge(8, 1, 16),
            edge(16, 2, 8),
            edge(16, 3, 24),
            edge(24, 4, 16),
        ]);
        assert_eq!(cycles.len(), 2);
    }
}
