//! The executive resource (`ERESOURCE`, SPEC R1-R13): a recursive, owner-tracking
//! reader/writer lock.
//!
//! Files: this one (the state word, its fast path, materialization into the table),
//! [`lite`] (the guard-free "Lite" API that the C ABI and the Filter Manager layer
//! call, with its bug checks), [`query`] (R9/R13 ownership queries), [`guard`]
//! (`ResourceGuard`, `OwnerPointer`, `TransferredResource` and the guard-returning
//! methods), [`table`] (the owner table, wait queue and hand-off rules behind the
//! table lock), [`wait`] (watching, parking with the R12 timeouts and the
//! possible-deadlock report).
//!
//! ## State
//! One word, `state`, carries the common uncontended case, so that an uncontended
//! acquire+release is one CAS each way:
//!
//! ```text
//!  state == IDLE (0)            nobody owns it, no table in use
//!  state == tid | FAST_EXCL     thread `tid` owns it exclusive, once
//!  state == tid | FAST_SHARED   thread `tid` owns it shared, once
//!  state == SLOW (0b100)        the owner table is authoritative
//! ```
//!
//! Thread ids are 8-aligned (`sys::thread_id`), so the three low bits are free.
//! Anything else (recursion, a second owner, a waiter, a transfer, a name) moves the
//! resource into the owner table ([`table::OwnerTable`], allocated once on demand and
//! reused) and the state to `SLOW`. An unnamed resource returns to `IDLE` when a
//! release leaves the table with no owner and no waiter (Invariant 4).
//!
//! ## Invariants
//! 1. `state` leaves `IDLE`/`FAST_*` for `SLOW` only with the table lock held and the
//!    table already published in `table`; a fast owner found there becomes a table
//!    entry in the same locked section ("materialization").
//! 2. `table` is written once (null → an `Arc` leaked into it) and freed only in
//!    `Drop`, so `&self` methods may dereference it whenever it is non-null.
//! 3. A fast owner's release is a CAS from its own encoding to `IDLE`; if the state
//!    became `SLOW`, its ownership is a table entry (Invariant 1).
//! 4. `state` goes from `SLOW` back to `IDLE` only with the table lock held, in a
//!    release that left the table without owners and waiters. No thread then owns the
//!    resource through the table, so no one can be between reading `SLOW` and using a
//!    table entry of its own; an acquirer that read `SLOW` takes the table lock and
//!    materializes whatever it finds (`IDLE` or a new fast owner), as in Invariant 1.
//!
//! ## Memory orderings
//! Fast acquire: `Acquire` CAS, pairs with the `Release` CAS of the fast release (and
//! with the `AcqRel` materialization CAS). Materialization CAS is `AcqRel`: it
//! acquires the last fast release's section and publishes nothing new (the table lock
//! orders the rest). `table` is published with `AcqRel`/read with `Acquire`.

mod guard;
mod lite;
mod query;
mod table;
mod wait;

pub use guard::{OwnerPointer, ResourceGuard, TransferredResource, current_resource_thread};
use std::sync::Arc;

use crate::bugcheck::bug_check;
use crate::codes;
use crate::sys;
use crate::sys::atomic::{AtomicPtr, AtomicUsize, Ordering};
use crate::verifier::{self, LockKind, Mode};

pub(crate) use table::{Core, OwnerTable};
use table::{Flavour, Grant, WaitNode};
#[doc(hidden)]
pub use wait::set_deadlock_timeouts;
pub use wait::{DeadlockReporter, set_deadlock_report_units, set_deadlock_reporter};

/// The calling thread's identity (`sys::thread_id()`: one thread-pointer offset and a
/// flag test on the fast path).
#[inline(always)]
fn current_tid() -> usize {
    sys::thread_id()
}

/// Spin rounds before a blocking acquire queues behind another thread's exclusive
/// ownership (none under loom, where each one is more schedules to explore); the
/// first `SPIN_PAUSE_ROUNDS` pause `2^i` times, the rest yield the time slice. An
/// acquirer kept out by shared owners (or, shared, by a queued exclusive waiter)
/// queues at once instead: until it is queued it does not hold back new shared
/// owners (R3/R5 look at queued exclusive waiters), so every round it spent here was
/// time a read storm kept the writer out (milliseconds per write with four yields,
/// measured). Once queued, a waiter watches its grant before it parks (`wait.rs`).
const SPIN_ROUNDS: u32 = if cfg!(pushlock_loom) { 0 } else { 8 };
const SPIN_PAUSE_ROUNDS: u32 = 4;

const IDLE: usize = 0;
const FAST_EXCL: usize = 0b001;
const FAST_SHARED: usize = 0b010;
const SLOW: usize = 0b100;
const MODE_MASK: usize = 0b111;

/// Armed while a waiter's node is queued: if the wait unwinds (a panicking deadlock
/// reporter, a stop raised in a hook), the node leaves the queue before its stack
/// frame dies (table Invariant 5); if it was granted meanwhile, the ownership it was
/// handed is released, so the hand-off goes on to the next waiter. Forgotten on the
/// normal return.
struct LeaveOnUnwind<'a> {
    resource: &'a Resource,
    node: &'a WaitNode,
}

impl Drop for LeaveOnUnwind<'_> {
    fn drop(&mut self) {
        let node = self.node;
        if !self.resource.table().locked(|core| core.cancel(node)) {
            // Granted (under the lock, so the node is GRANTED): we own one acquisition.
            self.resource.release_owner(node.tid);
        }
    }
}

/// The executive resource (`ERESOURCE`).
///
/// Recursive exclusive ownership, shared ownership tracked per thread, four shared
/// flavours, `try_` forms, direct hand-off to waiters, conversion, owner pointers and
/// the `!locks` report ([`crate::locks`]).
///
/// # Examples
///
/// ```
/// use pushlock::Resource;
///
/// static FILES: Resource = Resource::with_name("files");
///
/// let outer = FILES.acquire_exclusive();
/// let inner = FILES.acquire_shared(); // R2: one more exclusive recursion
/// assert!(FILES.is_acquired_exclusive());
/// assert_eq!(FILES.shared_count(), 2);
/// drop(inner);
/// drop(outer);
/// assert_eq!(FILES.shared_count(), 0);
/// ```
pub struct Resource {
    state: AtomicUsize,
    table: AtomicPtr<OwnerTable>,
    name: Option<&'static str>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Resource>() <= 104, "SPEC R1");

impl Resource {
    /// A new, idle, unnamed resource (`ExInitializeResourceLite`).
    ///
    /// # Examples
    ///
    /// ```
    /// static LOCK: pushlock::Resource = pushlock::Resource::new();
    /// assert!(!LOCK.is_acquired_exclusive());
    /// ```
    #[cfg(not(pushlock_loom))]
    pub const fn new() -> Self {
        Self {
            state: AtomicUsize::new(IDLE),
            table: AtomicPtr::new(std::ptr::null_mut()),
            name: None,
        }
    }

    /// A new resource (loom build).
    #[cfg(pushlock_loom)]
    pub fn new() -> Self {
        Self {
            state: AtomicUsize::new(IDLE),
            table: AtomicPtr::new(std::ptr::null_mut()),
            name: None,
        }
    }

    /// A new resource with a name for [`crate::locks`]. A named resource always
    /// keeps its owners in its owner table (allocated at the first acquire), so
    /// `locks()` reports it whenever it is owned.
    ///
    /// # Examples
    ///
    /// ```
    /// static VCB: pushlock::Resource = pushlock::Resource::with_name("vcb");
    /// let _guard = VCB.acquire_shared();
    /// assert!(pushlock::locks().to_string().contains("(vcb)"));
    /// ```
    #[cfg(not(pushlock_loom))]
    pub const fn with_name(name: &'static str) -> Self {
        Self {
            state: AtomicUsize::new(SLOW),
            table: AtomicPtr::new(std::ptr::null_mut()),
            name: Some(name),
        }
    }

    /// A new named resource (loom build).
    #[cfg(pushlock_loom)]
    pub fn with_name(name: &'static str) -> Self {
        Self {
            state: AtomicUsize::new(SLOW),
            table: AtomicPtr::new(std::ptr::null_mut()),
            name: Some(name),
        }
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    // ---- fast path -------------------------------------------------------------

    #[inline]
    #[track_caller]
    fn acquire_lite(&self, flavour: Flavour, wait: bool) -> bool {
        let mode = if flavour == Flavour::Exclusive {
            Mode::Exclusive
        } else {
            Mode::Shared
        };
        let _attempt = verifier::on_acquire_start(self.addr(), LockKind::Resource, mode, || {
            self.exclusive_waiters() > 0
        });
        let tid = current_tid();
        let fast = tid
            | if flavour == Flavour::Exclusive {
                FAST_EXCL
            } else {
                FAST_SHARED
            };
        // Acquire pairs with the Release CAS in `release_owner` (fast release).
        let acquired = self
            .state
            .compare_exchange(IDLE, fast, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            || self.acquire_slow(tid, flavour, wait);
        if acquired {
            verifier::on_acquired(self.addr(), LockKind::Resource, mode);
        }
        acquired
    }

    #[cold]
    fn acquire_slow(&self, tid: usize, flavour: Flavour, wait: bool) -> bool {
        let table = self.table();
        let grant = |core: &mut Core| {
            self.materialize(core);
            core.try_grant(tid, flavour)
        };
        // First without a wait node: recursion and other immediate grants must not pay
        // for a thread handle. Then, while another thread owns it exclusive, a short
        // bounded spin before queueing: an owner that releases within it lets us in
        // without a hand-off (a wake-up per operation otherwise). Kept out by anything
        // else, queue now (see `SPIN_ROUNDS`).
        let mut round = 0;
        loop {
            let (granted, held_exclusive) = table.locked(|core| {
                let granted = grant(core) == Grant::Granted;
                (granted, core.exclusive)
            });
            if granted {
                return true;
            }
            if !wait || round == SPIN_ROUNDS || !held_exclusive {
                break;
            }
            if round < SPIN_PAUSE_ROUNDS {
                for _ in 0..1u32 << round {
                    sys::spin_loop();
                }
            } else {
                sys::yield_now();
            }
            round += 1;
        }
        if !wait {
            return false;
        }
        let node = WaitNode::new(tid, flavour == Flavour::Exclusive);
        let queued = table.locked(|core| match grant(core) {
            Grant::Granted => false,
            Grant::MustWait => {
                core.enqueue(&node);
                true
            }
        });
        if queued {
            let leave = LeaveOnUnwind {
                resource: self,
                node: &node,
            };
            wait::wait_for_grant(&node);
            std::mem::forget(leave);
        }
        true
    }

    /// The owner table, created (and registered for `locks()`) on first use.
    fn table(&self) -> &OwnerTable {
        // Acquire pairs with the AcqRel CAS below: the table's contents are visible.
        let existing = self.table.load(Ordering::Acquire);
        if !existing.is_null() {
            // SAFETY: non-null `table` stays valid until Drop (Invariant 2).
            return unsafe { &*existing };
        }
        let fresh = Arc::new(OwnerTable::new(self.name));
        let raw = Arc::into_raw(fresh.clone()).cast_mut();
        match self.table.compare_exchange(
            std::ptr::null_mut(),
            raw,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                crate::diagnostics::register(fresh);
                // SAFETY: just published; valid until Drop (Invariant 2).
                unsafe { &*raw }
            }
            Err(winner) => {
                // SAFETY: `raw` came from `Arc::into_raw` above and was never shared.
                drop(unsafe { Arc::from_raw(raw) });
                // SAFETY: non-null `table` stays valid until Drop (Invariant 2).
                unsafe { &*winner }
            }
        }
    }

    /// Moves a fast-path owner into the table; the state becomes `SLOW` (Invariant 1).
    fn materialize(&self, core: &mut Core) {
        core.address = self.addr();
        // Acquire pairs with the Release CAS of a fast release.
        let mut state = self.state.load(Ordering::Acquire);
        while state != SLOW {
            // AcqRel: acquires a fast release's section (pairs with its Release CAS).
            match self
                .state
                .compare_exchange(state, SLOW, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    if state != IDLE {
                        core.owners.push(table::OwnerEntry {
                            owner: state & !MODE_MASK,
                            count: 1,
                        });
                        core.exclusive = state & FAST_EXCL != 0;
                    }
                    return;
                }
                Err(now) => state = now,
            }
        }
    }

    /// Runs `f` on the table (created if needed), any fast owner materialized.
    fn with_core<R>(&self, f: impl FnOnce(&mut Core) -> R) -> R {
        self.table().locked(|core| {
            self.materialize(core);
            f(core)
        })
    }

    /// Releases one acquisition of `owner`: the fast CAS if it is the fast owner,
    /// else the table. Returns `false` if `owner` owns nothing.
    ///
    /// `owner` must be non-zero (a thread id or an owner pointer): 0 would match the
    /// masked `IDLE` and `SLOW` words. `release_for_thread_lite` checks it.
    ///
    /// Only the common case is inline (a load, a compare and a CAS): the caller is the
    /// one-word owner. Everything else is out of line in `release_owner_slow`.
    #[inline]
    fn release_owner(&self, owner: usize) -> bool {
        // Relaxed: the CAS does the Release; a stale value only sends us to the slow path.
        let state = self.state.load(Ordering::Relaxed);
        // `owner` is non-zero, so a match rules out IDLE and SLOW; an owner pointer (low
        // bits 11) never matches, as it is never a fast owner.
        state & !MODE_MASK == owner
            // Release pairs with the Acquire CAS of the next fast acquire.
            && self
                .state
                .compare_exchange(state, IDLE, Ordering::Release, Ordering::Relaxed)
                .is_ok()
            || self.release_owner_slow(owner)
    }

    #[cold]
    #[inline(never)]
    fn release_owner_slow(&self, owner: usize) -> bool {
        // Relaxed: the CAS below does the Release; a stale value only costs a retry.
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state == SLOW {
                break;
            }
            if state == IDLE || state & !MODE_MASK != owner {
                return false;
            }
            // Release pairs with the Acquire CAS of the next fast acquire.
            match self
                .state
                .compare_exchange(state, IDLE, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        self.with_core(|core| {
            let released = core.release(owner);
            // Back to the one-word mode once the table holds nobody (Invariant 4), so a
            // burst of contention does not slow every later uncontended acquire. Named
            // resources keep their owners in the table for `locks()`.
            if released && self.name.is_none() && core.owners.is_empty() && core.waiters.is_empty()
            {
                // Release pairs with the Acquire CAS of the next fast acquire: the
                // released owner's section happens before it.
                self.state.store(IDLE, Ordering::Release);
            }
            released
        })
    }

    fn owner_table_addr(&self) -> usize {
        // Acquire pairs with the AcqRel CAS that publishes the table in `table()`.
        self.table.load(Ordering::Acquire) as usize
    }
}

#[cfg(not(pushlock_loom))]
impl Default for Resource {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("address", &format_args!("{:#x}", self.addr()))
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Drop for Resource {
    fn drop(&mut self) {
        // R13: dropping an owned resource is the delete check; skipped while already
        // unwinding (a second panic would abort). The table is freed first, so a
        // caught bug check leaves nothing registered behind.
        let in_use = if std::thread::panicking() {
            None
        } else {
            verifier::on_delete(self.addr(), LockKind::Resource);
            self.in_use()
        };
        // `&mut self`: no other thread can reach the field (a plain swap works under
        // loom too, which has no `get_mut`).
        let table = self.table.swap(std::ptr::null_mut(), Ordering::Relaxed);
        if !table.is_null() {
            // SAFETY: `table` came from `Arc::into_raw` in `table()` and is released
            // once, here (Invariant 2); `&mut self` means nobody else uses it.
            let table: crate::diagnostics::Table = unsafe { Arc::from_raw(table) };
            crate::diagnostics::unregister(&table);
        }
        if let Some((owners, waiters)) = in_use {
            self.in_use_bug_check("dropped", owners, waiters);
        }
    }
}
