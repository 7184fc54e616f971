//! Under `--cfg pushlock_loom` the `lock_api` traits are unavailable (they need a `const INIT`),
//! so the loom models reach downgrade and timed acquires through these twins.

use std::time::Instant;

use super::raw::RawPushLock;

impl RawPushLock {
    /// Loom twin of `RawRwLockDowngrade::downgrade`.
    ///
    /// # Safety
    ///
    /// - The calling thread holds the lock exclusive.
    #[doc(hidden)]
    pub unsafe fn downgrade(&self) {
        // SAFETY: forwarded contract.
        unsafe { self.downgrade_exclusive() }
    }

    /// Loom twin of `try_lock_exclusive_until` (`true` when acquired). Loom's timed
    /// park returns at once, so a queued waiter times out after its first park.
    #[doc(hidden)]
    pub fn try_acquire_exclusive_until(&self, deadline: Instant) -> bool {
        self.acquire_until(true, Some(deadline))
    }

    /// Loom twin of `try_lock_shared_until` (`true` when acquired).
    #[doc(hidden)]
    pub fn try_acquire_shared_until(&self, deadline: Instant) -> bool {
        self.acquire_until(false, Some(deadline))
    }
}
