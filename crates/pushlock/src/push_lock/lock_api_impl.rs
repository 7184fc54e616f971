//! `lock_api` integration: [`RawPushLock`] as a `RawRwLock` with downgrade and timeouts.

use std::time::{Duration, Instant};

use super::raw::RawPushLock;

// SAFETY: the state machine in `raw.rs` gives mutual exclusion for exclusive holds and
// excludes writers from shared holds (invariants 1 and 2 there); guards are `!Send`
// because the verifier records holds per thread.
unsafe impl lock_api::RawRwLock for RawPushLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self::new();
    type SharedGuard = lock_api::GuardNoSend;
    type ExclusiveGuard = lock_api::GuardNoSend;

    fn lock_shared(&self) -> Self::SharedGuard {
        self.acquire_shared();
        lock_api::GuardNoSend::new()
    }

    fn try_lock_shared(&self) -> Option<Self::SharedGuard> {
        self.try_acquire_shared().then(lock_api::GuardNoSend::new)
    }

    unsafe fn unlock_shared(&self, _guard: Self::SharedGuard) {
        // SAFETY: the caller holds it shared (the guard proves it).
        unsafe { self.release() }
    }

    fn lock_exclusive(&self) -> Self::ExclusiveGuard {
        self.acquire_exclusive();
        lock_api::GuardNoSend::new()
    }

    fn try_lock_exclusive(&self) -> Option<Self::ExclusiveGuard> {
        self.try_acquire_exclusive()
            .then(lock_api::GuardNoSend::new)
    }

    unsafe fn unlock_exclusive(&self, _guard: Self::ExclusiveGuard) {
        // SAFETY: the caller holds it exclusive (the guard proves it).
        unsafe { self.release() }
    }

    fn is_locked(&self) -> bool {
        RawPushLock::is_locked(self)
    }

    fn is_locked_exclusive(&self) -> bool {
        RawPushLock::is_locked_exclusive(self)
    }
}

// SAFETY: `downgrade` turns an exclusive hold into a shared one atomically.
unsafe impl lock_api::RawRwLockDowngrade for RawPushLock {
    unsafe fn downgrade(&self, _guard: Self::ExclusiveGuard) -> Self::SharedGuard {
        // SAFETY: the caller holds it exclusive (the guard proves it).
        unsafe { RawPushLock::downgrade(self) };
        lock_api::GuardNoSend::new()
    }
}

/// The deadline `timeout` from now, `None` when it does not fit in an `Instant`.
fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

// SAFETY: timed acquires succeed only as the untimed ones do; a waiter that gives up
// leaves the wait list by invariant 5 of `raw.rs`.
unsafe impl lock_api::RawRwLockTimed for RawPushLock {
    type Duration = Duration;
    type Instant = Instant;

    fn try_lock_shared_for(&self, timeout: Duration) -> Option<Self::SharedGuard> {
        match deadline_after(timeout) {
            Some(deadline) => self.try_lock_shared_until(deadline),
            None => Some(lock_api::RawRwLock::lock_shared(self)),
        }
    }

    fn try_lock_shared_until(&self, deadline: Instant) -> Option<Self::SharedGuard> {
        self.acquire_until(false, deadline)
            .then(lock_api::GuardNoSend::new)
    }

    fn try_lock_exclusive_for(&self, timeout: Duration) -> Option<Self::ExclusiveGuard> {
        match deadline_after(timeout) {
            Some(deadline) => self.try_lock_exclusive_until(deadline),
            None => Some(lock_api::RawRwLock::lock_exclusive(self)),
        }
    }

    fn try_lock_exclusive_until(&self, deadline: Instant) -> Option<Self::ExclusiveGuard> {
        self.acquire_until(true, deadline)
            .then(lock_api::GuardNoSend::new)
    }
}
