//! V2: the global lock-order graph (lockdep-style, keyed by lock address).
//!
//! An edge `H → L` means: some thread acquired `L` (blocking) while holding `H`. Each
//! edge keeps the two sites of the first time it was seen. Adding `H → L` when `L`
//! already reaches `H` closes a cycle: two threads following those orders can
//! deadlock, whether or not they did this time. Each closing edge is reported once.
//!
//! Locks are nodes by address, so a deleted lock's node and every edge touching it are
//! removed ([`forget`]) before the memory can be reused for another lock.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::held::{Site, lock};

#[derive(Clone, Copy, Debug)]
struct Edge {
    /// Where the held lock was acquired.
    held_site: Site,
    /// Where the later lock was acquired while the first was held.
    acquire_site: Site,
}

#[derive(Default)]
struct Graph {
    /// `out[h][l]`: the edge `h → l`.
    out: HashMap<usize, HashMap<usize, Edge>>,
}

static GRAPH: Mutex<Option<Graph>> = Mutex::new(None);

/// A potential deadlock found by [`record`].
#[derive(Debug)]
pub(super) struct Cycle {
    /// The held lock whose new edge closed the cycle.
    pub(super) held: usize,
    /// The message naming the sites.
    pub(super) message: String,
}

impl Graph {
    /// A path `from → … → to`, as the list of its edges, if one exists.
    fn path(&self, from: usize, to: usize) -> Option<Vec<(usize, usize, Edge)>> {
        // Depth-first search remembering how each node was reached.
        let mut came_from: HashMap<usize, (usize, Edge)> = HashMap::new();
        let mut seen: HashSet<usize> = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            if node == to {
                let mut path = Vec::new();
                let mut at = to;
                while at != from {
                    let (prev, edge) = came_from[&at];
                    path.push((prev, at, edge));
                    at = prev;
                }
                path.reverse();
                return Some(path);
            }
            for (&next, &edge) in self.out.get(&node).into_iter().flatten() {
                if seen.insert(next) {
                    came_from.insert(next, (node, edge));
                    stack.push(next);
                }
            }
        }
        None
    }
}

/// Records that the calling thread (`thread`) acquires `acquired` at `site` while
/// holding `held` (lock, acquisition site). Returns the first cycle a new edge closes.
pub(super) fn record(
    held: &[(usize, Site)],
    acquired: usize,
    site: Site,
    thread: usize,
) -> Option<Cycle> {
    if held.is_empty() {
        return None;
    }
    let mut guard = lock(&GRAPH);
    let graph = guard.get_or_insert_with(Graph::default);
    let mut found = None;
    for &(held_lock, held_site) in held {
        if held_lock == acquired
            || graph
                .out
                .get(&held_lock)
                .is_some_and(|out| out.contains_key(&acquired))
        {
            continue;
        }
        if found.is_none()
            && let Some(path) = graph.path(acquired, held_lock)
        {
            found = Some(describe_cycle(
                held_lock, held_site, acquired, site, thread, &path,
            ));
        }
        // The edge goes in even when it closes a cycle: the same order is then not
        // reported again.
        graph.out.entry(held_lock).or_default().insert(
            acquired,
            Edge {
                held_site,
                acquire_site: site,
            },
        );
    }
    found
}

fn describe_cycle(
    held: usize,
    held_site: Site,
    acquired: usize,
    site: Site,
    thread: usize,
    path: &[(usize, usize, Edge)],
) -> Cycle {
    let mut message = format!(
        "potential deadlock (lock order cycle): thread {thread:#x} acquires lock \
         {acquired:#x} at {site} while holding lock {held:#x} (acquired at {held_site}); \
         earlier the opposite order was seen:"
    );
    for (from, to, edge) in path {
        message.push_str(&format!(
            " lock {to:#x} acquired at {} while holding lock {from:#x} (acquired at {});",
            edge.acquire_site, edge.held_site
        ));
    }
    message.pop();
    Cycle { held, message }
}

/// Forgets a lock: its node and every edge into it (its address may be reused).
pub(super) fn forget(dead: usize) {
    let mut guard = lock(&GRAPH);
    if let Some(graph) = guard.as_mut() {
        graph.out.remove(&dead);
        for out in graph.out.values_mut() {
            out.remove(&dead);
        }
        graph.out.retain(|_, out| !out.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::Location;

    #[test]
    fn v2_graph_finds_two_lock_cycle_and_forgets() {
        let here: Site = Location::caller();
        let (a, b) = (0x1_0000_0008, 0x1_0000_0010);
        assert!(record(&[(a, here)], b, here, 8).is_none());
        let cycle = record(&[(b, here)], a, here, 16).expect("cycle");
        assert_eq!(cycle.held, b);
        // Reported once.
        assert!(record(&[(b, here)], a, here, 16).is_none());
        forget(a);
        forget(b);
        assert!(record(&[(b, here)], a, here, 16).is_none());
        forget(a);
    }
}
