//! `lock_api` integration: [`RawPushLock`] as a `RawRwLock` with downgrade and timeouts,
//! which makes [`PushLock<T>`](crate::PushLock) a full `lock_api::RwLock`.

use std::time::{Duration, Instant};

use lock_api::GuardNoSend;

use super::raw::RawPushLock;

/// `Instant::now() + timeout`, or no deadline at all when that overflows.
pub(super) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

// SAFETY: exclusive excludes every other hold and shared holds exclude exclusive ones
// (invariants in `raw.rs`); guards are `!Send` because the verifier attributes holds to
// the acquiring thread.
unsafe impl lock_api::RawRwLock for RawPushLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self::new();
    type SharedGuard = GuardNoSend;
    type ExclusiveGuard = GuardNoSend;

    #[inline]
    #[track_caller]
    fn lock_shared(&self) -> Self::SharedGuard {
        self.acquire_shared();
        GuardNoSend::new()
    }

    #[inline]
    #[track_caller]
    fn try_lock_shared(&self) -> Option<Self::SharedGuard> {
        self.try_acquire_shared().then(GuardNoSend::new)
    }

    #[inline]
    #[track_caller]
    unsafe fn unlock_shared(&self, _guard: Self::SharedGuard) {
        // SAFETY: the guard proves the caller holds it shared.
        unsafe { self.release() }
    }

    #[inline]
    #[track_caller]
    fn lock_exclusive(&self) -> Self::ExclusiveGuard {
        self.acquire_exclusive();
        GuardNoSend::new()
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive(&self) -> Option<Self::ExclusiveGuard> {
        self.try_acquire_exclusive().then(GuardNoSend::new)
    }

    #[inline]
    #[track_caller]
    unsafe fn unlock_exclusive(&self, _guard: Self::ExclusiveGuard) {
        // SAFETY: the guard proves the caller holds it exclusive.
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
    unsafe fn downgrade(&self, _guard: Self::ExclusiveGuard) -> Self::SharedGuard {
        // SAFETY: the guard proves the caller holds it exclusive.
        unsafe { self.downgrade_exclusive() };
        GuardNoSend::new()
    }
}

// SAFETY: a timed acquire that returns `None` holds nothing and has left the queue
// (invariant 8 in `raw.rs`).
unsafe impl lock_api::RawRwLockTimed for RawPushLock {
    type Duration = Duration;
    type Instant = Instant;

    #[inline]
    #[track_caller]
    fn try_lock_shared_for(&self, timeout: Duration) -> Option<Self::SharedGuard> {
        self.acquire_until(false, deadline_after(timeout))
            .then(GuardNoSend::new)
    }

    #[inline]
    #[track_caller]
    fn try_lock_shared_until(&self, timeout: Instant) -> Option<Self::SharedGuard> {
        self.acquire_until(false, Some(timeout))
            .then(GuardNoSend::new)
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive_for(&self, timeout: Duration) -> Option<Self::ExclusiveGuard> {
        self.acquire_until(true, deadline_after(timeout))
            .then(GuardNoSend::new)
    }

    #[inline]
    #[track_caller]
    fn try_lock_exclusive_until(&self, timeout: Instant) -> Option<Self::ExclusiveGuard> {
        self.acquire_until(true, Some(timeout))
            .then(GuardNoSend::new)
    }
}
