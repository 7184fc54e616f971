//! The ownership queries of [`Resource`] (SPEC R9, R13): what the calling thread
//! holds, waiter counts, whether anyone uses it.

use super::*;

impl Resource {
    // ---- queries (R9) ---------------------------------------------------------------

    fn query<R>(&self, fast: impl FnOnce(usize) -> R, slow: impl FnOnce(&Core) -> R) -> R {
        // Acquire pairs with the Release CAS of a fast release / the AcqRel of
        // materialization, so a fast owner's own queries see its own state.
        let state = self.state.load(Ordering::Acquire);
        if state != SLOW || self.table.load(Ordering::Acquire).is_null() {
            return fast(state);
        }
        self.with_core(|core| slow(core))
    }

    /// `ExIsResourceAcquiredExclusiveLite`: whether the calling thread owns it
    /// exclusive.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let guard = r.acquire_exclusive();
    /// assert!(r.is_acquired_exclusive());
    /// drop(guard);
    /// assert!(!r.is_acquired_exclusive());
    /// ```
    pub fn is_acquired_exclusive(&self) -> bool {
        let tid = current_tid();
        self.query(
            |state| state == tid | FAST_EXCL,
            |core| core.exclusive_owner() == Some(tid),
        )
    }

    /// `ExIsResourceAcquiredSharedLite`: how many acquisitions the calling thread
    /// holds (exclusive ones count too, R2).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let a = r.acquire_exclusive();
    /// let b = r.acquire_exclusive();
    /// let c = r.acquire_shared();
    /// assert_eq!(r.shared_count(), 3);
    /// # drop((c, b, a));
    /// ```
    pub fn shared_count(&self) -> u32 {
        let tid = current_tid();
        self.query(
            |state| u32::from(state != IDLE && state & !MODE_MASK == tid),
            |core| core.find(tid).map_or(0, |i| core.owners[i].count),
        )
    }

    /// `ExGetExclusiveWaiterCount`: threads waiting for exclusive access (estimate).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(pushlock::Resource::new().exclusive_waiters(), 0);
    /// ```
    pub fn exclusive_waiters(&self) -> u32 {
        self.query(|_| 0, |core| core.exclusive_waiters)
    }

    /// `ExGetSharedWaiterCount`: threads waiting for shared access (estimate).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(pushlock::Resource::new().shared_waiters(), 0);
    /// ```
    pub fn shared_waiters(&self) -> u32 {
        self.query(|_| 0, |core| core.shared_waiters)
    }

    /// How many acquires had to wait since initialization (`ContentionCount`).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(pushlock::Resource::new().contention_count(), 0);
    /// ```
    pub fn contention_count(&self) -> u32 {
        // The count lives in the table, which outlives a return to the one-word mode.
        // Acquire pairs with the AcqRel CAS that publishes the table in `table()`.
        let table = self.table.load(Ordering::Acquire);
        if table.is_null() {
            return 0;
        }
        // SAFETY: non-null `table` stays valid until Drop (Invariant 2).
        unsafe { &*table }.locked(|core| core.contention)
    }
}
