//! PLACEHOLDER (skeleton): a yielding spin reader/writer lock with the final API, so
//! that other modules compile while the real push lock is written. To be replaced.

use crate::sys::atomic::{AtomicUsize, Ordering};

const EXCLUSIVE: usize = 1;
const SHARED_ONE: usize = 2;

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
    pub fn acquire_exclusive(&self) {
        while !self.try_acquire_exclusive() {
            crate::sys::yield_now();
        }
    }

    /// Acquires shared.
    pub fn acquire_shared(&self) {
        while !self.try_acquire_shared() {
            crate::sys::yield_now();
        }
    }

    /// Tries exclusive.
    pub fn try_acquire_exclusive(&self) -> bool {
        self.state
            .compare_exchange(0, EXCLUSIVE, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Tries shared.
    pub fn try_acquire_shared(&self) -> bool {
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
    pub unsafe fn release(&self) {
        let s = self.state.load(Ordering::Relaxed);
        if s & EXCLUSIVE != 0 {
            self.state.store(0, Ordering::Release);
        } else {
            self.state.fetch_sub(SHARED_ONE, Ordering::Release);
        }
    }

    /// Whether held in any mode.
    pub fn is_locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != 0
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
