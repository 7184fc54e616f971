//! Executive spin locks (`KSPIN_LOCK`): one word, a spinning lock that raises the
//! simulated IRQL to `DISPATCH_LEVEL` while held.
//!
//! In the kernel a spin lock protects data shared with code that runs at
//! `DISPATCH_LEVEL` (DPCs); its holder must not block, so taking a push lock or
//! waiting for a resource while holding one is a classic driver bug. Here the IRQL is
//! the per-thread simulated one ([`crate::thread`]), so the verifier's IRQL checks
//! (SPEC A4, V3) see the raise and name the spin lock's acquisition site when a
//! blocking lock is asked for under it. Prior art read for ideas: the kernel's
//! `KxAcquireSpinLock` (test, then test-and-set, spinning on plain reads), and
//! parking_lot's `SpinWait` (spin, then yield).
//!
//! Properties: one word, unfair, never parks. A user-mode holder can be preempted
//! (nothing here stops the scheduler), so a waiter spins with `spin_loop` for a few
//! rounds and then yields its time slice between reads.
//!
//! ## State
//!
//! | word | meaning |
//! |---|---|
//! | `0` | free |
//! | `t` (non-zero) | held by the thread whose `sys::thread_id()` is `t` |
//!
//! Storing the owner (instead of the kernel's one bit) costs nothing on the fast path
//! and makes both misuses that would hang or corrupt checkable always: a recursive
//! acquire (bug check `0x0F SPIN_LOCK_ALREADY_OWNED`) and a release by a thread that
//! does not hold it (`0x10 SPIN_LOCK_NOT_OWNED`).
//!
//! ## Invariants
//!
//! 1. The word is non-zero exactly while one thread holds the lock, and then it is
//!    that thread's identity; only that thread stores `0` into it.
//! 2. A thread never waits for a spin lock it holds: the acquire checks the owner
//!    before it raises the IRQL or spins, so a stop leaves nothing changed.
//! 3. Through [`SpinLock::acquire`] / [`SpinLock::release`] the IRQL is
//!    `DISPATCH_LEVEL` from before the lock is taken until after it is released.
//!
//! ## Memory orderings
//!
//! - Taking the lock is an Acquire CAS, pairing with the Release store of the
//!   previous holder's release, so each critical section happens before the next.
//! - The waiting loop reads the word `Relaxed`: it only decides when to retry the CAS.
//!
//! The in-stack queued forms (`KeAcquireInStackQueuedSpinLock`) keep the kernel's
//! interface ([`LockQueueHandle`] carries the lock and the old IRQL) over the same
//! word; they are not FIFO-queued here (the kernel's queue is a fairness and cache
//! measure, not part of the contract).

use crate::codes::{SPIN_LOCK_ALREADY_OWNED, SPIN_LOCK_NOT_OWNED};
use crate::sys;
use crate::sys::atomic::{AtomicUsize, Ordering};
use crate::thread::{Irql, current_irql, lower_irql, raise_irql};

/// Spin rounds with `spin_loop` before each further read yields the time slice.
const SPINS_BEFORE_YIELD: u32 = if cfg!(pushlock_loom) { 0 } else { 64 };

/// An executive spin lock, `KSPIN_LOCK`: one word.
///
/// [`acquire`](Self::acquire) raises the calling thread's simulated IRQL to
/// `DISPATCH_LEVEL` and spins until the lock is free; [`release`](Self::release)
/// frees it and restores the IRQL it returned. The `…_at_dpc_level` forms leave the
/// IRQL alone (the caller is at `DISPATCH_LEVEL` already).
///
/// # Examples
///
/// ```
/// use pushlock::SpinLock;
/// use pushlock::thread::{Irql, current_irql};
///
/// static LIST_LOCK: SpinLock = SpinLock::new();
/// let old = LIST_LOCK.acquire();
/// assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
/// // … touch the instance list …
/// LIST_LOCK.release(old);
/// assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
/// ```
#[derive(Debug)]
pub struct SpinLock {
    owner: AtomicUsize,
}

impl Default for SpinLock {
    fn default() -> Self {
        Self::new()
    }
}

/// `KLOCK_QUEUE_HANDLE`: what an in-stack queued acquire hands back, for the release.
///
/// # Examples
///
/// ```
/// let lock = pushlock::SpinLock::new();
/// let handle = lock.acquire_in_stack_queued();
/// pushlock::SpinLock::release_in_stack_queued(handle);
/// ```
#[derive(Debug)]
#[must_use = "release it with SpinLock::release_in_stack_queued"]
pub struct LockQueueHandle<'a> {
    lock: &'a SpinLock,
    old_irql: Irql,
}

impl LockQueueHandle<'_> {
    /// The IRQL the release restores.
    pub fn old_irql(&self) -> Irql {
        self.old_irql
    }
}

impl SpinLock {
    /// A free spin lock (`KeInitializeSpinLock`).
    ///
    /// # Examples
    ///
    /// ```
    /// static LOCK: pushlock::SpinLock = pushlock::SpinLock::new();
    /// assert!(!LOCK.is_held());
    /// ```
    #[cfg(not(pushlock_loom))]
    pub const fn new() -> Self {
        Self {
            owner: AtomicUsize::new(0),
        }
    }

    /// A free spin lock (the loom model's twin of the `const fn`).
    #[cfg(pushlock_loom)]
    pub fn new() -> Self {
        Self {
            owner: AtomicUsize::new(0),
        }
    }

    fn addr(&self) -> usize {
        (self as *const Self).addr()
    }

    /// Raises the IRQL to `DISPATCH_LEVEL`, spins until the lock is ours, and returns
    /// the previous IRQL for [`release`](Self::release) (`KeAcquireSpinLock`).
    ///
    /// # Panics
    ///
    /// Bug check `0x0F SPIN_LOCK_ALREADY_OWNED` if the calling thread holds it;
    /// `0xC4`/`0x30` if the IRQL is above `DISPATCH_LEVEL`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::SpinLock::new();
    /// let old = lock.acquire();
    /// lock.release(old);
    /// ```
    #[inline]
    #[track_caller]
    #[must_use = "pass the old IRQL to release"]
    pub fn acquire(&self) -> Irql {
        let me = sys::thread_id();
        self.check_not_owner(me);
        let old = raise_irql(Irql::DISPATCH_LEVEL);
        self.take(me);
        crate::verifier::on_spin_acquired(self.addr());
        old
    }

    /// Releases the lock and lowers the IRQL to `old` (`KeReleaseSpinLock`).
    ///
    /// # Panics
    ///
    /// Bug check `0x10 SPIN_LOCK_NOT_OWNED` if the calling thread does not hold it;
    /// `0xC4`/`0x31` if `old` is above the current IRQL (checked before the release).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::SpinLock::new();
    /// let old = lock.acquire();
    /// lock.release(old);
    /// ```
    #[inline]
    #[track_caller]
    pub fn release(&self, old: Irql) {
        self.check_owner();
        if old > current_irql() {
            lower_irql(old); // bug checks 0x31 before anything changed
        }
        self.give_back();
        lower_irql(old);
    }

    /// Takes the lock without changing the IRQL; the caller is at `DISPATCH_LEVEL`
    /// (`KeAcquireSpinLockAtDpcLevel`).
    ///
    /// # Panics
    ///
    /// Bug check `0x0F` if the calling thread holds it. Under the verifier, a call
    /// below `DISPATCH_LEVEL` is stop `0xC4`/`0x1040`.
    ///
    /// # Examples
    ///
    /// ```
    /// use pushlock::thread::{Irql, lower_irql, raise_irql};
    ///
    /// let lock = pushlock::SpinLock::new();
    /// let old = raise_irql(Irql::DISPATCH_LEVEL);
    /// lock.acquire_at_dpc_level();
    /// lock.release_from_dpc_level();
    /// lower_irql(old);
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_at_dpc_level(&self) {
        let me = sys::thread_id();
        crate::verifier::on_spin_at_dpc_level(self.addr(), "KeAcquireSpinLockAtDpcLevel");
        self.check_not_owner(me);
        self.take(me);
        crate::verifier::on_spin_acquired(self.addr());
    }

    /// Releases the lock without changing the IRQL (`KeReleaseSpinLockFromDpcLevel`).
    ///
    /// # Panics
    ///
    /// Bug check `0x10` if the calling thread does not hold it. Under the verifier, a
    /// call below `DISPATCH_LEVEL` is stop `0xC4`/`0x1040`.
    ///
    /// # Examples
    ///
    /// See [`acquire_at_dpc_level`](Self::acquire_at_dpc_level).
    #[inline]
    #[track_caller]
    pub fn release_from_dpc_level(&self) {
        crate::verifier::on_spin_at_dpc_level(self.addr(), "KeReleaseSpinLockFromDpcLevel");
        self.check_owner();
        self.give_back();
    }

    /// [`acquire`](Self::acquire) with the kernel's queued interface
    /// (`KeAcquireInStackQueuedSpinLock`): the handle carries the lock and the old
    /// IRQL for [`release_in_stack_queued`](Self::release_in_stack_queued).
    ///
    /// # Panics
    ///
    /// As [`acquire`](Self::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::SpinLock::new();
    /// let handle = lock.acquire_in_stack_queued();
    /// assert!(lock.is_held());
    /// pushlock::SpinLock::release_in_stack_queued(handle);
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_in_stack_queued(&self) -> LockQueueHandle<'_> {
        let old_irql = self.acquire();
        LockQueueHandle {
            lock: self,
            old_irql,
        }
    }

    /// Releases what [`acquire_in_stack_queued`](Self::acquire_in_stack_queued) took
    /// and restores the IRQL (`KeReleaseInStackQueuedSpinLock`).
    ///
    /// # Panics
    ///
    /// As [`release`](Self::release).
    ///
    /// # Examples
    ///
    /// See [`acquire_in_stack_queued`](Self::acquire_in_stack_queued).
    #[inline]
    #[track_caller]
    pub fn release_in_stack_queued(handle: LockQueueHandle<'_>) {
        handle.lock.release(handle.old_irql);
    }

    /// Whether some thread holds it (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::SpinLock::new();
    /// assert!(!lock.is_held());
    /// ```
    pub fn is_held(&self) -> bool {
        self.owner.load(Ordering::Relaxed) != 0
    }

    /// Whether the calling thread holds it.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::SpinLock::new();
    /// let old = lock.acquire();
    /// assert!(lock.is_held_by_current_thread());
    /// lock.release(old);
    /// ```
    pub fn is_held_by_current_thread(&self) -> bool {
        // Relaxed: only this thread stores its own identity (invariant 1).
        self.owner.load(Ordering::Relaxed) == sys::thread_id()
    }

    /// Spins until the word goes from free to `me`.
    #[inline]
    fn take(&self, me: usize) {
        // Acquire pairs with the Release store in `give_back`.
        if self
            .owner
            .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.take_slow(me);
        }
    }

    #[cold]
    #[inline(never)]
    fn take_slow(&self, me: usize) {
        let mut spins = 0u32;
        loop {
            // Relaxed: only decides when to retry the CAS.
            while self.owner.load(Ordering::Relaxed) != 0 {
                if spins < SPINS_BEFORE_YIELD {
                    spins += 1;
                    sys::spin_loop();
                } else {
                    sys::yield_now();
                }
            }
            // Acquire pairs with the Release store in `give_back`.
            if self
                .owner
                .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }

    #[inline]
    fn give_back(&self) {
        crate::verifier::on_spin_released(self.addr());
        // Release pairs with the Acquire CAS of the next holder.
        self.owner.store(0, Ordering::Release);
    }

    #[inline]
    #[track_caller]
    fn check_not_owner(&self, me: usize) {
        // Relaxed: only this thread stores its own identity (invariant 1).
        if self.owner.load(Ordering::Relaxed) == me {
            self.already_owned(me);
        }
    }

    #[inline]
    #[track_caller]
    fn check_owner(&self) {
        let me = sys::thread_id();
        // Relaxed: only this thread stores its own identity (invariant 1).
        let owner = self.owner.load(Ordering::Relaxed);
        if owner != me {
            self.not_owned(me, owner);
        }
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn already_owned(&self, me: usize) -> ! {
        crate::bugcheck::bug_check(
            SPIN_LOCK_ALREADY_OWNED,
            [self.addr(), me, 0, 0],
            format!(
                "spin lock {:#x} acquired at {} by thread {me:#x}, which already holds it \
                 (it would spin forever)",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn not_owned(&self, me: usize, owner: usize) -> ! {
        let holder = if owner == 0 {
            "it is free".to_owned()
        } else {
            format!("thread {owner:#x} holds it")
        };
        crate::bugcheck::bug_check(
            SPIN_LOCK_NOT_OWNED,
            [self.addr(), me, owner, 0],
            format!(
                "spin lock {:#x} released at {} by thread {me:#x}, which does not hold it \
                 ({holder})",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }
}
