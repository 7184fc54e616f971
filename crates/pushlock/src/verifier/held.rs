//! V1: the locks each thread holds, and the registry of every live thread's list.
//!
//! Each thread's list sits in an `Arc<Mutex<_>>` that its thread-local slot and the
//! global registry share: the thread itself updates it on every hook call (an
//! uncontended mutex), and [`all_threads`] lets `held_push_locks` and the delete check
//! look at every thread. The slot's destructor is the thread's exit: it leaves the
//! registry and reports the locks still held (`EXIT_HOLDING_LOCKS`).
//!
//! Lock order (no nesting beyond it): the registry mutex is never held while a
//! thread's mutex is taken; a thread's mutex is never held while raising a stop.

use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::stops::EXIT_HOLDING_LOCKS;
use super::{LockKind, Mode};
use crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION;

/// A source location recorded by `#[track_caller]`.
pub(super) type Site = &'static Location<'static>;

/// One lock a thread holds.
#[derive(Clone, Debug)]
pub(super) struct Holding {
    pub(super) lock: usize,
    pub(super) kind: LockKind,
    /// The mode of the first acquisition (a resource's exclusive owner asking shared
    /// stays exclusive, R2).
    pub(super) mode: Mode,
    /// Acquisitions not yet released (shared push lock re-acquires, resource
    /// recursion).
    pub(super) count: u32,
    /// Where the first acquisition happened.
    pub(super) site: Site,
}

/// What one thread holds, and what it is about to acquire.
#[derive(Debug)]
pub(super) struct ThreadLocks {
    pub(super) thread: usize,
    pub(super) held: Vec<Holding>,
    /// Set between `on_acquire_start` and `on_acquired`: the lock the thread waits
    /// for (so a delete can see waiters).
    pub(super) acquiring: Option<(usize, LockKind, Site)>,
}

impl ThreadLocks {
    pub(super) fn position(&self, lock: usize, kind: LockKind) -> Option<usize> {
        self.held
            .iter()
            .position(|held| held.lock == lock && held.kind == kind)
    }
}

pub(super) type SharedLocks = Arc<Mutex<ThreadLocks>>;

/// Locks a mutex of this module; a poisoned one (a panic in a hook's short section)
/// still holds consistent data.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

static REGISTRY: Mutex<Vec<(u64, SharedLocks)>> = Mutex::new(Vec::new());
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(0);

struct Registered {
    serial: u64,
    locks: SharedLocks,
}

impl Registered {
    fn new() -> Self {
        // Relaxed: only uniqueness matters.
        let serial = NEXT_SERIAL.fetch_add(1, Ordering::Relaxed);
        let locks = Arc::new(Mutex::new(ThreadLocks {
            thread: crate::sys::thread_id(),
            held: Vec::new(),
            acquiring: None,
        }));
        lock(&REGISTRY).push((serial, locks.clone()));
        Self { serial, locks }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&REGISTRY).retain(|(serial, _)| *serial != self.serial);
        let (thread, held) = {
            let mut locks = lock(&self.locks);
            (locks.thread, std::mem::take(&mut locks.held))
        };
        if let Some(first) = held.first() {
            let list: Vec<String> = held.iter().map(describe).collect();
            // A destructor cannot unwind: show the stop to the handler and go on.
            crate::bugcheck::report_bug_check(
                DRIVER_VERIFIER_DETECTED_VIOLATION,
                [EXIT_HOLDING_LOCKS, first.lock, thread, held.len()],
                format!(
                    "thread {thread:#x} exited holding {} lock(s): {}",
                    held.len(),
                    list.join("; ")
                ),
            );
        }
    }
}

/// "push lock 0x… shared x2, acquired at file:line:col".
pub(super) fn describe(held: &Holding) -> String {
    let kind = match held.kind {
        LockKind::PushLock => "push lock",
        LockKind::Resource => "resource",
    };
    format!(
        "{kind} {:#x} {} x{}, acquired at {}",
        held.lock,
        mode_name(held.mode),
        held.count,
        held.site
    )
}

pub(super) fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Shared => "shared",
        Mode::Exclusive => "exclusive",
    }
}

thread_local! {
    static CURRENT: Registered = Registered::new();
}

/// Runs `f` on the calling thread's list; `None` while the thread is being torn down.
pub(super) fn with_current<R>(f: impl FnOnce(&mut ThreadLocks) -> R) -> Option<R> {
    CURRENT
        .try_with(|registered| f(&mut lock(&registered.locks)))
        .ok()
}

/// Every live thread's list (a snapshot of the registry).
pub(super) fn all_threads() -> Vec<SharedLocks> {
    lock(&REGISTRY)
        .iter()
        .map(|(_, locks)| locks.clone())
        .collect()
}
