//! PLACEHOLDER (skeleton): a yielding spin reader/writer lock with the final API, so
//! that other modules compile while the real push lock is written. To be replaced.
//!
//! TEMPORARY (h-thread): calls the verifier hooks and counts waiting exclusive
//! acquirers (`has_waiters`), so the Flt layer and the verifier can be tested before
//! the real push lock lands. The real lock replaces all of this.

use crate::sys::atomic::{AtomicUsize, Ordering};
use crate::verifier::{self, LockKind, Mode};

const EXCLUSIVE: usize = 1;
const SHARED_ONE: usize = 2;
/// TEMPORARY (h-thread): waiting exclusive acquirers, counted in the upper half.
const WAITER_ONE: usize = 1 << (usize::BITS / 2);
const HOLDERS: usize = WAITER_ONE - 1;

/// The push lock (placeholder).
#[derive(Debug)]
pub struct RawPushLock {
    state: AtomicUsize,
}

impl Default for RawPushLock {
    fn default() -> Self {
        Self::new()
    }
}

impl RawPushLock {
    /// A free lock.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
        }
    }
    /// A free lock.
    #[cfg(loom)]
    pub fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
        }
    }

    /// Acquires exclusive.
    #[track_caller]
    pub fn acquire_exclusive(&self) {
        verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Exclusive, || {
            self.has_waiters()
        });
        if !self.try_exclusive() {
            self.state.fetch_add(WAITER_ONE, Ordering::Relaxed);
            while !self.try_exclusive() {
                crate::sys::yield_now();
            }
            self.state.fetch_sub(WAITER_ONE, Ordering::Relaxed);
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
    }

    /// Acquires shared.
    #[track_caller]
    pub fn acquire_shared(&self) {
        verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Shared, || {
            self.has_waiters()
        });
        while !self.try_shared() {
            crate::sys::yield_now();
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
    }

    /// Tries exclusive.
    #[track_caller]
    pub fn try_acquire_exclusive(&self) -> bool {
        let acquired = self.try_exclusive();
        if acquired {
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
        }
        acquired
    }

    /// Tries shared.
    #[track_caller]
    pub fn try_acquire_shared(&self) -> bool {
        let acquired = self.try_shared();
        if acquired {
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
        }
        acquired
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    /// TEMPORARY (h-thread): whether an exclusive acquirer is waiting.
    pub(crate) fn has_waiters(&self) -> bool {
        self.state.load(Ordering::Relaxed) >= WAITER_ONE
    }

    fn try_exclusive(&self) -> bool {
        let s = self.state.load(Ordering::Relaxed);
        s & HOLDERS == 0
            && self
                .state
                .compare_exchange(s, s | EXCLUSIVE, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    fn try_shared(&self) -> bool {
        let s = self.state.load(Ordering::Relaxed);
        s & EXCLUSIVE == 0
            && self
                .state
                .compare_exchange(s, s + SHARED_ONE, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    /// Releases either mode.
    ///
    /// # Safety
    ///
    /// The caller holds the lock.
    #[track_caller]
    pub unsafe fn release(&self) {
        verifier::on_release(self.addr(), LockKind::PushLock);
        let s = self.state.load(Ordering::Relaxed);
        if s & EXCLUSIVE != 0 {
            self.state.fetch_and(!EXCLUSIVE, Ordering::Release);
        } else {
            self.state.fetch_sub(SHARED_ONE, Ordering::Release);
        }
    }

    /// Whether held in any mode.
    pub fn is_locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & HOLDERS != 0
    }

    /// Whether held exclusive.
    pub fn is_locked_exclusive(&self) -> bool {
        self.state.load(Ordering::Relaxed) & EXCLUSIVE != 0
    }
}

// SAFETY: placeholder; mutual exclusion by the state word.
#[cfg(not(loom))]
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
        // SAFETY: the caller holds it shared.
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
        // SAFETY: the caller holds it exclusive.
        unsafe { self.release() }
    }
    fn is_locked(&self) -> bool {
        RawPushLock::is_locked(self)
    }
    fn is_locked_exclusive(&self) -> bool {
        RawPushLock::is_locked_exclusive(self)
    }
}
