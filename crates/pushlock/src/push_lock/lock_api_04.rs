//! lock_api 0.4 integration (cargo feature `lock_api_04`): the same [`RawPushLock`] as a
//! lock_api 0.4 `RawRwLock` with downgrade and timeouts, so lock_api 0.4 code
//! (parking_lot 0.12's ecosystem, tracing-mutex 0.3, …) can use it.
//!
//! Trait glue only: every method calls the raw lock's own code, the same calls the
//! lock_api 0.5 impls in `lock_api_impl.rs` make. lock_api 0.4 has no guard tokens, so
//! the guard marker is `GuardNoSend` (holds are attributed to the acquiring thread).
//!
//! Tested (`tests/lock_api_04.rs`) with lock_api 0.4.14 (MSRV 1.71), parking_lot 0.12.5
//! (MSRV 1.71) and tracing-mutex 0.3.3 (MSRV 1.70, feature `lock_api`); pushlock itself
//! needs Rust 1.95 with or without the feature.

use std::time::{Duration, Instant};

use lock_api_04 as lock_api;

use super::lock_api_impl::deadline_after;
use super::raw::RawPushLock;

// SAFETY: exclusive excludes every other hold and shared holds exclude exclusive ones
// (invariants in `raw.rs`); guards are `!Send` because the verifier attributes holds to
// the acquiring thread.
unsafe impl lock_api::RawRwLock for RawPushLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self::new();
    type GuardMarker = lock_api::GuardNoSend;

    #[inline]
    #[track_caller]
    fn lock_shared(&self) {
        self.acquire_shared();
    }

    #[inline]
    #[track_caller]
    fn try_lock_shared(&self) -> bool {
        self.try_acquire_shared()
    }

    #[inline]
    #[track_caller]
    unsafe fn unlock_shared(&self) {
        // SAFETY: the trait's contract: the caller holds it shared.
        unsafe { self.release() }
    }

    #[inline]
    #[track_caller]
    fn lock_exclusive(&self) {
        self.acquire_exclusive();
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive(&self) -> bool {
        self.try_acquire_exclusive()
    }

    #[inline]
    #[track_caller]
    unsafe fn unlock_exclusive(&self) {
        // SAFETY: the trait's contract: the caller holds it exclusive.
        unsafe { self.release_exclusive() }
    }

    #[inline]
    fn is_locked(&self) -> bool {
        RawPushLock::is_locked(self)
    }

    #[inline]
    fn is_locked_exclusive(&self) -> bool {
        RawPushLock::is_locked_exclusive(self)
    }
}

// SAFETY: the lock stays held throughout: exclusive turns into one shared hold in one
// atomic step, or under the list lock with LOCKED set.
unsafe impl lock_api::RawRwLockDowngrade for RawPushLock {
    #[inline]
    #[track_caller]
    unsafe fn downgrade(&self) {
        // SAFETY: the trait's contract: the caller holds it exclusive.
        unsafe { self.downgrade_exclusive() }
    }
}

// SAFETY: a timed acquire that returns false holds nothing and has left the queue
// (invariant 8 in `raw.rs`).
unsafe impl lock_api::RawRwLockTimed for RawPushLock {
    type Duration = Duration;
    type Instant = Instant;

    #[inline]
    #[track_caller]
    fn try_lock_shared_for(&self, timeout: Duration) -> bool {
        self.acquire_until(false, deadline_after(timeout))
    }

    #[inline]
    #[track_caller]
    fn try_lock_shared_until(&self, timeout: Instant) -> bool {
        self.acquire_until(false, Some(timeout))
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive_for(&self, timeout: Duration) -> bool {
        self.acquire_until(true, deadline_after(timeout))
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive_until(&self, timeout: Instant) -> bool {
        self.acquire_until(true, Some(timeout))
    }
}
