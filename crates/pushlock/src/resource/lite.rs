//! The guard-free "Lite" API of [`Resource`]: the calls the C ABI and the Filter
//! Manager layer make (`ExAcquireResourceExclusiveLite`, `ExReleaseResourceLite`, ...),
//! with their bug checks. Built on the state word and table in `mod.rs`.

use super::*;

impl Resource {
    // ---- Lite API ----------------------------------------------------------------

    /// `ExAcquireResourceExclusiveLite`: exclusive (recursive) ownership. With
    /// `wait == false` it never blocks and returns `false` if not granted at once.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.acquire_exclusive_lite(true));
    /// assert!(r.acquire_exclusive_lite(false)); // recursion
    /// r.release_lite();
    /// r.release_lite();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_exclusive_lite(&self, wait: bool) -> bool {
        self.acquire_lite(Flavour::Exclusive, wait)
    }

    /// `ExAcquireResourceSharedLite` (R3).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.acquire_shared_lite(false));
    /// r.release_lite();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared_lite(&self, wait: bool) -> bool {
        self.acquire_lite(Flavour::Shared, wait)
    }

    /// `ExAcquireSharedStarveExclusive` (R4).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.acquire_shared_starve_exclusive_lite(false));
    /// r.release_lite();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared_starve_exclusive_lite(&self, wait: bool) -> bool {
        self.acquire_lite(Flavour::StarveExclusive, wait)
    }

    /// `ExAcquireSharedWaitForExclusive` (R5).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.acquire_shared_wait_for_exclusive_lite(false));
    /// r.release_lite();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared_wait_for_exclusive_lite(&self, wait: bool) -> bool {
        self.acquire_lite(Flavour::WaitForExclusive, wait)
    }

    /// `ExReleaseResourceLite`: releases one acquisition of the calling thread,
    /// handing the resource to waiters when it becomes free (R7).
    ///
    /// # Panics
    ///
    /// Bug check `0xE3 RESOURCE_NOT_OWNED` (p1 = resource, p2 = thread, p3 = owner
    /// table or 0) if the thread owns no acquisition (R11).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// r.acquire_shared_lite(true);
    /// r.release_lite();
    /// ```
    #[inline]
    #[track_caller]
    pub fn release_lite(&self) {
        verifier::on_release(self.addr(), LockKind::Resource);
        let tid = current_tid();
        if !self.release_owner(tid) {
            self.release_by_non_owner(tid);
        }
    }

    /// The bug check of [`release_lite`](Self::release_lite), out of line so that its
    /// message formatting costs the inline release nothing.
    #[cold]
    #[inline(never)]
    fn release_by_non_owner(&self, tid: usize) -> ! {
        bug_check(
            codes::RESOURCE_NOT_OWNED,
            [self.addr(), tid, self.owner_table_addr(), 0],
            format!(
                "release of resource {:#x} by thread {tid:#x}, which does not own it",
                self.addr()
            ),
        )
    }

    /// `ExReleaseResourceForThreadLite`: releases one acquisition of `owner`, a
    /// thread id ([`current_resource_thread`]) or an [`OwnerPointer`] value, from any
    /// thread (R10).
    ///
    /// # Panics
    ///
    /// Bug check `0x16E ERESOURCE_INVALID_RELEASE` (p1 = resource, p2 = owner,
    /// p3 = calling thread) if `owner` owns nothing (R11).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// r.acquire_exclusive_lite(true);
    /// r.release_for_thread_lite(pushlock::current_resource_thread());
    /// ```
    #[track_caller]
    pub fn release_for_thread_lite(&self, owner: usize) {
        // The verifier tracks what the *calling* thread holds: an owner pointer's
        // acquisition left the thread's books at the transfer, and another thread's
        // acquisition is not on this thread's books, so only a self-release is told.
        if owner == current_tid() {
            verifier::on_release(self.addr(), LockKind::Resource);
        }
        // 0 is neither a thread (ids are non-zero) nor an owner pointer, and it would
        // match the masked IDLE and SLOW words in `release_owner` (whose fast path
        // relies on a non-zero owner): refuse it before touching the word (R11).
        if owner == 0 || !self.release_owner(owner) {
            self.release_for_non_owner(owner);
        }
    }

    /// The bug check of [`release_for_thread_lite`](Self::release_for_thread_lite),
    /// out of line like [`release_by_non_owner`](Self::release_by_non_owner).
    #[cold]
    #[inline(never)]
    fn release_for_non_owner(&self, owner: usize) -> ! {
        bug_check(
            codes::ERESOURCE_INVALID_RELEASE,
            [self.addr(), owner, current_tid(), 0],
            format!(
                "release of resource {:#x} for owner {owner:#x}, which does not own it",
                self.addr()
            ),
        )
    }

    /// `ExConvertExclusiveToSharedLite` (R8): the caller's exclusive ownership
    /// (all its recursions) becomes shared; every shared waiter is granted;
    /// exclusive waiters keep waiting. A no-op if the caller owns it shared.
    ///
    /// # Panics
    ///
    /// Bug check `0xE3` if the caller does not own the resource.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// r.acquire_exclusive_lite(true);
    /// r.convert_exclusive_to_shared_lite();
    /// assert!(!r.is_acquired_exclusive());
    /// assert_eq!(r.shared_count(), 1);
    /// r.release_lite();
    /// ```
    #[track_caller]
    pub fn convert_exclusive_to_shared_lite(&self) {
        let tid = current_tid();
        // A fast exclusive owner converts with one CAS (no waiters can exist).
        // Release/Acquire as a release followed by an acquire.
        if self
            .state
            .compare_exchange(
                tid | FAST_EXCL,
                tid | FAST_SHARED,
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_ok()
        {
            return;
        }
        // Relaxed: only this thread writes its own fast encoding; a change by
        // another thread (materialization) only sends us to the locked path.
        if self.state.load(Ordering::Relaxed) == tid | FAST_SHARED {
            return;
        }
        if !self.with_core(|core| core.convert_to_shared(tid)) {
            self.not_owned(tid);
        }
    }

    #[cold]
    #[track_caller]
    fn not_owned(&self, tid: usize) -> ! {
        bug_check(
            codes::RESOURCE_NOT_OWNED,
            [self.addr(), tid, self.owner_table_addr(), 0],
            format!(
                "resource {:#x} is not owned by thread {tid:#x}",
                self.addr()
            ),
        )
    }

    /// `ExSetResourceOwnerPointer`: all of the calling thread's acquisitions now
    /// belong to `owner`; only [`Resource::release_for_thread_lite`] naming it may
    /// release them, from any thread (R10).
    ///
    /// # Panics
    ///
    /// Bug check `0xE3` if the caller does not own the resource.
    ///
    /// # Examples
    ///
    /// ```
    /// use pushlock::{OwnerPointer, Resource};
    ///
    /// let r = Resource::new();
    /// let owner = OwnerPointer::new(0x1003).unwrap();
    /// r.acquire_shared_lite(true);
    /// r.set_owner_pointer_lite(owner);
    /// assert_eq!(r.shared_count(), 0);
    /// std::thread::scope(|s| {
    ///     s.spawn(|| r.release_for_thread_lite(owner.get()));
    /// });
    /// ```
    #[track_caller]
    pub fn set_owner_pointer_lite(&self, owner: OwnerPointer) {
        verifier::on_release(self.addr(), LockKind::Resource);
        self.transfer(owner, false);
    }

    #[track_caller]
    pub(super) fn transfer(&self, owner: OwnerPointer, one: bool) {
        let tid = current_tid();
        let outcome = self.with_core(|core| {
            let Some(i) = core.find(tid) else {
                return Err(false);
            };
            if one && core.exclusive && core.owners[i].count > 1 {
                return Err(true);
            }
            core.transfer(tid, owner.get(), one);
            Ok(())
        });
        match outcome {
            Ok(()) => {}
            Err(false) => self.not_owned(tid),
            Err(true) => bug_check(
                codes::ERESOURCE_INVALID_RELEASE,
                [self.addr(), owner.get(), tid, 1],
                "one recursion of an exclusive ownership cannot move to an owner pointer; \
                 release the inner acquisitions first",
            ),
        }
    }

    /// `ExDeleteResourceLite`: checks that the resource may go away (R13).
    ///
    /// # Panics
    ///
    /// Bug check `0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION` with p1 =
    /// [`codes::VERIFIER_RESOURCE_DELETE_IN_USE`](crate::codes::VERIFIER_RESOURCE_DELETE_IN_USE),
    /// p2 = resource, p3 = owner count, p4 = waiter count, if it is still owned or
    /// waited on.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// r.delete_lite();
    /// ```
    #[track_caller]
    pub fn delete_lite(&self) {
        verifier::on_delete(self.addr(), LockKind::Resource);
        self.check_idle("deleted");
    }

    /// `Some((owners, waiters))` if the resource is owned or waited on.
    pub(super) fn in_use(&self) -> Option<(usize, usize)> {
        // Acquire pairs with the Release CAS of a fast release (see `query`).
        let state = self.state.load(Ordering::Acquire);
        let (owners, waiters) = if state == SLOW {
            // Acquire pairs with the AcqRel CAS that publishes the table in `table()`.
            if self.table.load(Ordering::Acquire).is_null() {
                (0, 0)
            } else {
                self.with_core(|core| (core.owners.len(), core.waiters.len()))
            }
        } else {
            (usize::from(state != IDLE), 0)
        };
        (owners != 0 || waiters != 0).then_some((owners, waiters))
    }

    #[track_caller]
    fn check_idle(&self, what: &str) {
        if let Some((owners, waiters)) = self.in_use() {
            self.in_use_bug_check(what, owners, waiters);
        }
    }

    #[cold]
    #[track_caller]
    pub(super) fn in_use_bug_check(&self, what: &str, owners: usize, waiters: usize) -> ! {
        bug_check(
            codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [
                codes::VERIFIER_RESOURCE_DELETE_IN_USE,
                self.addr(),
                owners,
                waiters,
            ],
            format!(
                "resource {:#x} {what} while owned by {owners} owner(s) with {waiters} waiter(s)",
                self.addr()
            ),
        )
    }

    /// `ExReinitializeResourceLite`: resets an idle resource (the contention count
    /// goes back to 0); its owner table, if any, is kept for reuse.
    ///
    /// # Panics
    ///
    /// The same `0xC4` bug check as [`Resource::delete_lite`] if it is owned or
    /// waited on.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// r.reinitialize();
    /// assert_eq!(r.contention_count(), 0);
    /// ```
    #[track_caller]
    pub fn reinitialize(&self) {
        self.check_idle("reinitialized");
        // Acquire pairs with the AcqRel CAS that publishes the table in `table()`.
        if !self.table.load(Ordering::Acquire).is_null() {
            self.with_core(|core| core.contention = 0);
        }
    }
}
