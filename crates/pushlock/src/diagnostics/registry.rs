//! The registry of owner tables that `locks()` walks.
//!
//! A resource joins it when its owner table is created (first contention, first
//! recursion, first acquire of a named resource) and leaves it in `Drop`. The registry
//! holds an `Arc` of the table, never a pointer to the resource, so a resource that
//! moves while idle (Rust allows it) leaves nothing dangling behind.

use std::sync::Arc;
#[cfg(not(pushlock_loom))]
use std::sync::{Mutex, MutexGuard};

use crate::resource::OwnerTable;

#[cfg(not(pushlock_loom))]
static TABLES: Mutex<Vec<Arc<OwnerTable>>> = Mutex::new(Vec::new());

#[cfg(not(pushlock_loom))]
fn tables() -> MutexGuard<'static, Vec<Arc<OwnerTable>>> {
    TABLES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Adds a freshly created owner table (once per resource lifetime).
#[cfg(not(pushlock_loom))]
pub(crate) fn register(table: Arc<OwnerTable>) {
    tables().push(table);
}

/// Removes a table (resource drop).
#[cfg(not(pushlock_loom))]
pub(crate) fn unregister(table: &Arc<OwnerTable>) {
    tables().retain(|entry| !Arc::ptr_eq(entry, table));
}

/// Every registered table (cloned out, so no table lock is taken under ours).
#[cfg(not(pushlock_loom))]
pub(crate) fn all() -> Vec<Arc<OwnerTable>> {
    tables().clone()
}

/// Loom: no global registry (statics would outlive a model run).
#[cfg(pushlock_loom)]
pub(crate) fn register(_table: Arc<OwnerTable>) {}

/// Loom: no global registry.
#[cfg(pushlock_loom)]
pub(crate) fn unregister(_table: &Arc<OwnerTable>) {}

/// Loom: no global registry.
#[cfg(pushlock_loom)]
pub(crate) fn all() -> Vec<Arc<OwnerTable>> {
    Vec::new()
}
