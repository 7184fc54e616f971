//! The lock verifier's hooks (SPEC V1-V3).
//!
//! Every lock calls these hooks from its acquire and release paths, the way
//! parking_lot's raw locks call `deadlock::acquire_resource`. Without the `verifier`
//! cargo feature every hook is an empty `#[inline(always)]` function and the closures
//! passed to them are never called, so the fast paths compile to what they would be
//! without hooks.
//!
//! With the feature (and outside loom), the hooks forward to [`checks`]:
//! - **V1** every thread records the push locks and resources it holds (address,
//!   kind, mode, count, the `#[track_caller]` site of the first acquisition), in a
//!   per-thread list that a global registry also reaches ([`held`]). Push lock misuse
//!   that would hang (recursive exclusive acquire, shared re-acquire behind a queued
//!   waiter), releasing a push lock the thread does not hold, deleting a held or
//!   waited-on push lock, and exiting while holding locks are stops. Resources are
//!   recursive: re-acquires are counted, never stopped.
//! - **V2** a global lock-order graph over both kinds ([`order`]): the first blocking
//!   acquisition that closes a cycle is a stop naming both acquisition sites.
//!   Acquisitions recorded with [`on_try_acquired`] add no edges (a try cannot
//!   deadlock).
//! - **V3** push lock and resource acquire at IRQL `<= APC_LEVEL`, push lock release
//!   `<= APC_LEVEL`, resource release `<= DISPATCH_LEVEL`.
//!
//! - **S1** stress mode ([`crate::stress`]): `on_acquire_start`, `on_acquired`,
//!   `on_try_acquired`, `on_release` and `on_block` are stress points (one relaxed
//!   load when stress mode is off).
//!
//! Every stop is bug check `0xC4` with the sub-code in parameter 1; the table is in
//! [`stops`] (public as `pushlock::verifier_codes`).
//!
//! # Who calls what
//!
//! | Lock operation | Hooks |
//! |---|---|
//! | blocking acquire | `on_acquire_start` before, `on_acquired` after |
//! | try acquire | `on_try_start` before (the IRQL check), `on_try_acquired` after success (or `on_acquire_start` + `on_acquired`, which then also records order edges) |
//! | release, or handing ownership away | `on_release` before |
//! | delete / drop | `on_delete` |
//!
//! Every stop is raised before the lock is touched (`on_acquire_start`, `on_block`,
//! `on_try_start`, `on_release`): the hooks that run after a take (`on_acquired`,
//! `on_try_acquired`) only record, so a caught stop never leaves a lock held with no
//! guard to release it.
//!
//! Lock addresses are graph nodes, so a lock whose memory can be reused must call
//! `on_delete` when it dies (its `Drop`), or a later lock at the same address inherits
//! its order edges.

#![allow(dead_code)]

#[cfg(all(feature = "verifier", not(pushlock_loom)))]
mod checks;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
mod ex_checks;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
mod held;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
mod order;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
mod spin_checks;
pub mod stops;

#[cfg(all(feature = "verifier", not(pushlock_loom)))]
use std::panic::Location;

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
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_acquire_start(
    lock: usize,
    kind: LockKind,
    mode: Mode,
    waiters_queued: impl FnOnce() -> bool,
) -> AcquireAttempt {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        crate::stress::point(crate::stress::Point::Acquire);
        checks::acquire_start(lock, kind, mode, waiters_queued, Location::caller());
        AcquireAttempt { lock, kind }
    }
    #[cfg(not(all(feature = "verifier", not(pushlock_loom))))]
    AcquireAttempt {}
}

/// An acquire between `on_acquire_start` and its end. Dropped without `on_acquired`
/// (a timeout, a failed `try_`, a waiter that unwinds out of its wait) it clears the
/// thread's "waits for" record, so a later delete of the lock does not see a waiter
/// that left (`DELETE_HELD_LOCK`). Empty and without `Drop` when the verifier is off.
#[must_use = "dropping the attempt ends the wait the verifier records"]
pub(crate) struct AcquireAttempt {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    lock: usize,
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    kind: LockKind,
}

#[cfg(all(feature = "verifier", not(pushlock_loom)))]
impl Drop for AcquireAttempt {
    fn drop(&mut self) {
        checks::acquire_ended(self.lock, self.kind);
    }
}

/// Called by a blocking push lock acquire right before it queues (nothing of the
/// caller is linked into the lock yet, so a stop here unwinds safely). A thread that
/// already holds the lock and is about to wait for it would wait forever: behind a
/// queued waiter that waits for it (P4). `on_acquire_start` catches most of these; this
/// closes the window where the waiter queued after that check.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_block(lock: usize, kind: LockKind) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        checks::block(lock, kind);
        crate::stress::point(crate::stress::Point::Wait);
    }
}

/// Called after an acquire succeeded.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_acquired(lock: usize, kind: LockKind, mode: Mode) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        checks::acquired(lock, kind, mode, Location::caller());
        crate::stress::point(crate::stress::Point::Acquired);
    }
}

/// Called before a `try_` acquire attempts the lock: the IRQL check (V3), so that a
/// stop leaves nothing held.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_try_start(lock: usize, kind: LockKind) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    checks::check_acquire_irql(lock, kind, Location::caller());
}

/// Called after a `try_` acquire succeeded, instead of `on_acquire_start` +
/// `on_acquired`: records the holding (the IRQL was checked by `on_try_start`) but
/// adds no lock-order edges, since a try cannot deadlock.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_try_acquired(lock: usize, kind: LockKind, mode: Mode) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        checks::acquired(lock, kind, mode, Location::caller());
        crate::stress::point(crate::stress::Point::Acquired);
    }
}

/// Called before a release (or an ownership transfer away from the thread).
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_release(lock: usize, kind: LockKind) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        crate::stress::point(crate::stress::Point::Release);
        checks::release(lock, kind, Location::caller());
    }
}

/// Called by the `ExAcquirePushLock…` calls ([`crate::ex`]) before the acquire:
/// outside a critical region at `PASSIVE_LEVEL` is a stop.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_ex_acquire(lock: usize) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    ex_checks::acquire(lock, Location::caller());
}

/// Called by `ExReleasePushLockExclusive` / `…Shared` before the release: a release
/// in the other mode than the one held is a stop.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_ex_release(lock: usize, mode: Mode) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    ex_checks::release(lock, mode, Location::caller());
}

/// Called by [`crate::SpinLock`] once it holds the lock: records the acquisition site,
/// which the IRQL stops name when a blocking lock is asked for under it.
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_spin_acquired(lock: usize) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        spin_checks::acquired(lock, Location::caller());
        // S1: a stress point inside the newly taken spin lock (others spin meanwhile).
        crate::stress::point(crate::stress::Point::Acquired);
    }
}

/// Called by [`crate::SpinLock`] before it frees the lock.
#[inline(always)]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_spin_released(lock: usize) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    {
        // S1: a stress point before the spin lock is freed.
        crate::stress::point(crate::stress::Point::Release);
        spin_checks::released(lock);
    }
}

/// Called by the `…AtDpcLevel` / `…FromDpcLevel` spin lock calls before they touch the
/// lock: below `DISPATCH_LEVEL` is a stop (`0x1040`).
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_spin_at_dpc_level(lock: usize, call: &'static str) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    spin_checks::at_dpc_level(lock, call, Location::caller());
}

/// Called by [`crate::RundownRef::wait_for_release`] before it blocks: a wait above
/// `APC_LEVEL` is a stop (`0x1010`, V3).
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_rundown_wait(rundown: usize) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    ex_checks::rundown_wait(rundown, Location::caller());
}

/// Called when a lock is deleted (`FltDeletePushLock`, `ExDeleteResourceLite`, `Drop`).
#[inline(always)]
#[track_caller]
#[cfg_attr(
    not(all(feature = "verifier", not(pushlock_loom))),
    allow(unused_variables)
)]
pub(crate) fn on_delete(lock: usize, kind: LockKind) {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    checks::delete(lock, kind, Location::caller());
}

/// Every push lock some thread holds (empty without the verifier).
pub(crate) fn held_push_locks() -> Vec<HeldPushLock> {
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    return checks::held_push_locks();
    #[cfg(not(all(feature = "verifier", not(pushlock_loom))))]
    Vec::new()
}
