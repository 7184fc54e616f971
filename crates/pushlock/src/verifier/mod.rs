//! The lock verifier's hooks (SPEC V1-V3).
//!
//! Every lock calls these hooks from its acquire and release paths, the way
//! parking_lot's raw locks call `deadlock::acquire_resource`. Without the `verifier`
//! cargo feature every hook is an empty `#[inline(always)]` function and the closures
//! passed to them are never called, so the fast paths compile to what they would be
//! without hooks.

#![allow(dead_code)]

/// Which kind of lock a hook is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum LockKind {
    /// A [`crate::RawPushLock`].
    PushLock,
    /// A [`crate::Resource`].
    Resource,
}

/// The mode of an acquisition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// Any number of holders.
    Shared,
    /// One holder.
    Exclusive,
}

/// A push lock held by some thread, as the verifier saw it (for `locks()`).
#[derive(Clone, Debug)]
pub(crate) struct HeldPushLock {
    /// The lock's address.
    pub(crate) lock: usize,
    /// The holder's `sys::thread_id()`.
    pub(crate) thread: usize,
    /// The mode it holds it in.
    pub(crate) mode: Mode,
    /// How many times (shared re-acquires count).
    pub(crate) count: u32,
}

/// Called before a blocking acquire starts (and before a `try_` acquire). The verifier
/// checks IRQL, recursion and lock order here; `waiters_queued` is called only under
/// the verifier, to tell whether the lock has queued waiters (P4's shared re-acquire
/// behind an exclusive waiter).
#[inline(always)]
#[track_caller]
pub(crate) fn on_acquire_start(
    _lock: usize,
    _kind: LockKind,
    _mode: Mode,
    _waiters_queued: impl FnOnce() -> bool,
) {
}

/// Called after an acquire succeeded.
#[inline(always)]
#[track_caller]
pub(crate) fn on_acquired(_lock: usize, _kind: LockKind, _mode: Mode) {}

/// Called before a release (or an ownership transfer away from the thread).
#[inline(always)]
#[track_caller]
pub(crate) fn on_release(_lock: usize, _kind: LockKind) {}

/// Called when a lock is deleted (`FltDeletePushLock`, `ExDeleteResourceLite`, `Drop`).
#[inline(always)]
#[track_caller]
pub(crate) fn on_delete(_lock: usize, _kind: LockKind) {}

/// Every push lock some thread holds (empty without the verifier).
pub(crate) fn held_push_locks() -> Vec<HeldPushLock> {
    Vec::new()
}
