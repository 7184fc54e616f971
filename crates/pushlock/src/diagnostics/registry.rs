//! The registry of owner tables that `locks()` walks.
//!
//! A resource joins it when its owner table is created (first contention, first
//! recursion, first acquire of a named resource) and leaves it in `Drop`. The registry
//! holds an `Arc` of the table, never a pointer to the resource, so a resource that
//! moves while idle (Rust allows it) leaves nothing dangling behind.

use std::sync::Arc;
#[cfg(not(pushlock_loom))]
use std::sync::{Mutex, MutexGuard};

/// What `locks()` reads from a registered owner table: a copy of its fields taken
/// under the table's own lock, `None` when nobody owns or waits on it. The resource
/// implements it; this module names no resource type, so the modules form a DAG
/// (`resource` -> `diagnostics`).
pub(crate) trait TableSource: Send + Sync {
    fn snapshot(&self) -> Option<TableSnapshot>;
}

/// One owner table's state at one moment.
pub(crate) struct TableSnapshot {
    /// Where the resource was last seen.
    pub(crate) address: usize,
    pub(crate) name: Option<&'static str>,
    pub(crate) exclusive: bool,
    /// (owner: thread id or owner pointer, acquisitions).
    pub(crate) owners: Vec<(usize, u32)>,
    /// (thread id, exclusive), in queue order.
    pub(crate) waiters: Vec<(usize, bool)>,
    pub(crate) contention: u32,
    pub(crate) exclusive_waiters: u32,
    pub(crate) shared_waiters: u32,
}

/// A registered table.
pub(crate) type Table = Arc<dyn TableSource>;

#[cfg(not(pushlock_loom))]
static TABLES: Mutex<Vec<Table>> = Mutex::new(Vec::new());

#[cfg(not(pushlock_loom))]
fn tables() -> MutexGuard<'static, Vec<Table>> {
    TABLES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Adds a freshly created owner table (once per resource lifetime).
#[cfg(not(pushlock_loom))]
pub(crate) fn register(table: Table) {
    tables().push(table);
}

/// Removes a table (resource drop).
#[cfg(not(pushlock_loom))]
pub(crate) fn unregister(table: &Table) {
    // The data addresses (a `dyn` pointer's metadata plays no part in identity).
    let address = Arc::as_ptr(table).cast::<()>();
    tables().retain(|entry| Arc::as_ptr(entry).cast::<()>() != address);
}

/// Every registered table (cloned out, so no table lock is taken under ours).
#[cfg(not(pushlock_loom))]
pub(crate) fn all() -> Vec<Table> {
    tables().clone()
}

/// Loom: no global registry (statics would outlive a model run).
#[cfg(pushlock_loom)]
pub(crate) fn register(_table: Table) {}

/// Loom: no global registry.
#[cfg(pushlock_loom)]
pub(crate) fn unregister(_table: &Table) {}

/// Loom: no global registry.
#[cfg(pushlock_loom)]
pub(crate) fn all() -> Vec<Table> {
    Vec::new()
}
