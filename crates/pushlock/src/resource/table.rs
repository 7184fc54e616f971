//! The owner table: the slow-path half of a [`Resource`](super::Resource).
//!
//! Allocated on demand, the first time a resource leaves its one-word fast path
//! (a second owner, a recursion, a waiter, a name, a transfer), and reused for the
//! resource's whole life: acquisitions never allocate (the owner `Vec` and the waiter
//! `VecDeque` keep their capacity). It is the user-mode counterpart of the kernel's
//! `OwnerTable` plus the resource spin lock that guards the `ERESOURCE` fields (here a
//! push lock taken exclusive, which parks after a short spin).
//!
//! ## Invariants
//! 1. `core` is only touched while `lock` is held (see [`OwnerTable::locked`]).
//! 2. `exclusive` implies `owners.len() == 1`.
//! 3. No entry has `count == 0`; owners are unique.
//! 4. Hand-off: when `owners` is empty, `waiters` is empty (every release that
//!    empties the table grants a waiter before unlocking).
//! 5. Every pointer in `waiters` points at a live [`WaitNode`] that is not
//!    `GRANTED`; its thread leaves its wait only once it is, or, when it
//!    unwinds out of the wait (a panicking deadlock reporter, a stop), after taking
//!    the node out under the lock ([`Core::cancel`]), so the node outlives its queue
//!    entry.
//! 6. A node's state only moves `WATCHING` -> `PARKED` (its waiter, a CAS, before it
//!    parks) and `WATCHING`/`PARKED` -> `GRANTED` (the granter, one swap, under the
//!    lock). The waiter parks only after its CAS succeeded, so the swap that follows
//!    reads `PARKED` and unparks it; a swap that read `WATCHING` made the CAS fail,
//!    and the waiter returns without parking. No wake-up is lost, and none is paid
//!    for a waiter that saw its grant while watching.
//!
//! ## Memory orderings
//! The table lock is a push lock taken exclusive (its acquire is `Acquire`, its
//! release `Release`, see `push_lock/raw.rs`). A grant swaps `WaitNode::state` to
//! `GRANTED` with `Release`, pairing with the waiter's `Acquire` load (or failed
//! `Acquire` CAS) in `wait::wait_for_grant`, so
//! everything the releasing owner did happens-before the new owner's section.

use std::collections::VecDeque;

use crate::push_lock::RawPushLock;
use crate::sys::atomic::{AtomicUsize, Ordering};
use crate::sys::{self, Thread, UnsafeCell};

/// One owner of the resource: a thread id or an owner pointer, and its recursion count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnerEntry {
    /// `ERESOURCE_THREAD`: a thread id (low bits `00`) or an owner pointer (`11`).
    pub(crate) owner: usize,
    /// How many acquisitions this owner holds.
    pub(crate) count: u32,
}

/// The four acquire flavours (SPEC R2-R5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `ExAcquireResourceExclusiveLite`.
    Exclusive,
    /// `ExAcquireResourceSharedLite`.
    Shared,
    /// `ExAcquireSharedStarveExclusive`.
    StarveExclusive,
    /// `ExAcquireSharedWaitForExclusive`.
    WaitForExclusive,
}

/// `WaitNode::state`: the waiter is watching its node (spinning), not parked.
pub(crate) const WATCHING: usize = 0;
/// `WaitNode::state`: the waiter has parked, or is about to; a grant must wake it.
pub(crate) const PARKED: usize = 1;
/// `WaitNode::state`: granted; the waiter owns what it asked for and may return.
pub(crate) const GRANTED: usize = 2;

/// A waiting thread; lives on the waiter's stack (Invariant 5).
pub(crate) struct WaitNode {
    pub(crate) thread: Thread,
    pub(crate) tid: usize,
    pub(crate) exclusive: bool,
    /// `WATCHING` -> (`PARKED`) -> `GRANTED` (Invariant 6).
    pub(crate) state: AtomicUsize,
}

impl WaitNode {
    pub(crate) fn new(tid: usize, exclusive: bool) -> Self {
        Self {
            thread: sys::current_thread(),
            tid,
            exclusive,
            state: AtomicUsize::new(WATCHING),
        }
    }

    /// Whether the node was granted. Acquire pairs with the Release swap in
    /// [`grant`](Self::grant): the granter's section happens before ours.
    pub(crate) fn is_granted(&self) -> bool {
        self.state.load(Ordering::Acquire) == GRANTED
    }

    /// Marks the node granted and wakes its thread if it parked (a waiter still
    /// watching its node sees the grant without a wake-up).
    ///
    /// # Safety
    /// * `node` points at a live, queued node (Invariant 5); it may be freed by its
    ///   thread as soon as the grant is stored, so it is not touched afterwards.
    unsafe fn grant(node: *const WaitNode) {
        // SAFETY: live by the caller's contract; the handle is copied out before the
        // swap that lets the waiter return.
        let thread = unsafe { (*node).thread.clone() };
        // Release pairs with the Acquire load in `is_granted` (and the failed CAS in
        // `wait::wait_for_grant`). The swap's read is what tells us whether the waiter
        // announced a park before it (Invariant 6).
        // SAFETY: still live: the state is not GRANTED until this swap.
        let before = unsafe { (*node).state.swap(GRANTED, Ordering::Release) };
        if before == PARKED {
            thread.unpark();
        }
    }
}

/// What an immediate acquire attempt decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    /// The caller owns it now.
    Granted,
    /// The caller has to wait (or fail, with `Wait = FALSE`).
    MustWait,
}

/// The resource fields behind the table lock.
pub(crate) struct Core {
    pub(crate) exclusive: bool,
    pub(crate) owners: Vec<OwnerEntry>,
    pub(crate) waiters: VecDeque<*const WaitNode>,
    pub(crate) exclusive_waiters: u32,
    pub(crate) shared_waiters: u32,
    pub(crate) contention: u32,
    /// Where the resource was last seen (for `locks()`; a resource may move while idle).
    pub(crate) address: usize,
    pub(crate) name: Option<&'static str>,
}

impl Core {
    pub(crate) fn find(&self, owner: usize) -> Option<usize> {
        self.owners.iter().position(|entry| entry.owner == owner)
    }

    fn add_count(&mut self, owner: usize) {
        match self.find(owner) {
            Some(i) => self.owners[i].count += 1,
            None => self.owners.push(OwnerEntry { owner, count: 1 }),
        }
    }

    /// The exclusive owner, if the resource is owned exclusively.
    pub(crate) fn exclusive_owner(&self) -> Option<usize> {
        self.exclusive.then(|| self.owners[0].owner)
    }

    /// Decides an acquire by `tid` now (SPEC R2-R5).
    pub(crate) fn try_grant(&mut self, tid: usize, flavour: Flavour) -> Grant {
        if let Some(owner) = self.exclusive_owner() {
            // R2: an exclusive owner gets every flavour as one more exclusive recursion.
            if owner == tid {
                self.owners[0].count += 1;
                return Grant::Granted;
            }
            return Grant::MustWait;
        }
        let owns_shared = self.find(tid).is_some();
        let granted = match flavour {
            Flavour::Exclusive => {
                debug_assert!(
                    !self.owners.is_empty() || self.waiters.is_empty(),
                    "Invariant 4"
                );
                self.owners.is_empty()
            }
            // R3: a shared owner re-enters even behind exclusive waiters.
            Flavour::Shared => owns_shared || self.exclusive_waiters == 0,
            // R4: only another thread's exclusive ownership makes it wait.
            Flavour::StarveExclusive => true,
            // R5: yields to exclusive waiters even when it owns it shared.
            Flavour::WaitForExclusive => self.exclusive_waiters == 0,
        };
        if granted {
            self.exclusive = flavour == Flavour::Exclusive;
            self.add_count(tid);
            Grant::Granted
        } else {
            Grant::MustWait
        }
    }

    pub(crate) fn enqueue(&mut self, node: &WaitNode) {
        if node.exclusive {
            self.exclusive_waiters += 1;
        } else {
            self.shared_waiters += 1;
        }
        self.contention = self.contention.wrapping_add(1);
        self.waiters.push_back(node);
    }

    /// Takes `node` out of the queue if it is still there (its thread is leaving its
    /// wait by unwinding); `false` if it was granted already. A shared waiter that
    /// waited only behind this exclusive waiter (R3) is granted now, since no later
    /// release would wake it while shared owners come and go.
    pub(crate) fn cancel(&mut self, node: &WaitNode) -> bool {
        let Some(i) = self
            .waiters
            .iter()
            .position(|&queued| std::ptr::eq(queued, node))
        else {
            return false;
        };
        self.waiters.remove(i);
        if node.exclusive {
            self.exclusive_waiters -= 1;
            if self.exclusive_waiters == 0 && !self.exclusive && !self.owners.is_empty() {
                self.grant_all_shared();
            }
        } else {
            self.shared_waiters -= 1;
        }
        true
    }

    /// Releases one acquisition of `owner`; `false` if it owns none.
    pub(crate) fn release(&mut self, owner: usize) -> bool {
        let Some(i) = self.find(owner) else {
            return false;
        };
        self.owners[i].count -= 1;
        if self.owners[i].count == 0 {
            self.owners.swap_remove(i);
            let was_exclusive = std::mem::replace(&mut self.exclusive, false);
            if self.owners.is_empty() {
                // R7: after exclusive, every shared waiter; after the last shared
                // owner, one exclusive waiter.
                if was_exclusive && self.shared_waiters > 0 || self.exclusive_waiters == 0 {
                    self.grant_all_shared();
                } else {
                    self.grant_one_exclusive();
                }
            }
        }
        true
    }

    /// R8: `tid`'s exclusive ownership becomes shared; shared waiters come in.
    /// Returns `false` if `tid` owns nothing.
    pub(crate) fn convert_to_shared(&mut self, tid: usize) -> bool {
        if self.exclusive_owner() == Some(tid) {
            self.exclusive = false;
            self.grant_all_shared();
            true
        } else {
            self.find(tid).is_some()
        }
    }

    /// R10: moves all of `from`'s acquisitions (or one, with `one`) to `to`.
    /// Returns `false` if `from` owns nothing.
    pub(crate) fn transfer(&mut self, from: usize, to: usize, one: bool) -> bool {
        let Some(i) = self.find(from) else {
            return false;
        };
        let moved = if one { 1 } else { self.owners[i].count };
        self.owners[i].count -= moved;
        if self.owners[i].count == 0 {
            self.owners.swap_remove(i);
        }
        match self.find(to) {
            Some(j) => self.owners[j].count += moved,
            None => {
                self.owners.push(OwnerEntry {
                    owner: to,
                    count: moved,
                });
                // Keep the exclusive owner at index 0 (Invariant 2 allows one entry).
                let last = self.owners.len() - 1;
                self.owners.swap(0, last);
            }
        }
        true
    }

    fn grant_all_shared(&mut self) {
        let mut i = 0;
        while i < self.waiters.len() {
            let node = self.waiters[i];
            // SAFETY: queued nodes are live (Invariant 5).
            let (exclusive, tid) = unsafe { ((*node).exclusive, (*node).tid) };
            if exclusive {
                i += 1;
                continue;
            }
            self.waiters.remove(i);
            self.shared_waiters -= 1;
            self.add_count(tid);
            // SAFETY: live and queued until now (Invariant 5); not touched after.
            unsafe { WaitNode::grant(node) };
        }
    }

    fn grant_one_exclusive(&mut self) {
        let Some(i) = self.waiters.iter().position(|&node| {
            // SAFETY: queued nodes are live (Invariant 5).
            unsafe { (*node).exclusive }
        }) else {
            return;
        };
        let node = self.waiters.remove(i).expect("index from position");
        self.exclusive_waiters -= 1;
        // SAFETY: queued nodes are live (Invariant 5).
        let tid = unsafe { (*node).tid };
        debug_assert!(self.owners.is_empty());
        self.owners.push(OwnerEntry {
            owner: tid,
            count: 1,
        });
        self.exclusive = true;
        // SAFETY: live and queued until now (Invariant 5); not touched after.
        unsafe { WaitNode::grant(node) };
    }

    /// Whether anyone owns or waits (R13).
    pub(crate) fn in_use(&self) -> bool {
        !self.owners.is_empty() || !self.waiters.is_empty()
    }

    /// The waiters in queue order: (thread id, exclusive).
    pub(crate) fn waiter_list(&self) -> Vec<(usize, bool)> {
        self.waiters
            .iter()
            // SAFETY: queued nodes are live (Invariant 5).
            .map(|&node| unsafe { ((*node).tid, (*node).exclusive) })
            .collect()
    }
}

/// The owner table and the lock that guards it.
pub(crate) struct OwnerTable {
    /// A push lock used as a plain mutex (hook-free entry points): a short spin, then
    /// the waiter queues and parks, so a holder preempted inside a section costs the
    /// others a sleep, not their time slices.
    lock: RawPushLock,
    core: UnsafeCell<Core>,
}

// SAFETY: `core` (including the raw wait-node pointers, which point at nodes whose
// threads are blocked until granted) is only reached under `lock` (Invariant 1).
unsafe impl Send for OwnerTable {}
// SAFETY: as above.
unsafe impl Sync for OwnerTable {}

/// Unlocks on drop, so a panic inside a locked section cannot leave the lock held.
struct Unlock<'a>(&'a RawPushLock);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        // SAFETY: created only in `OwnerTable::locked` right after this thread took
        // the lock with `acquire_exclusive_internal`.
        unsafe { self.0.release_exclusive_internal() };
    }
}

impl OwnerTable {
    pub(crate) fn new(name: Option<&'static str>) -> Self {
        Self {
            lock: RawPushLock::new(),
            core: UnsafeCell::new(Core {
                exclusive: false,
                owners: Vec::with_capacity(4),
                waiters: VecDeque::new(),
                exclusive_waiters: 0,
                shared_waiters: 0,
                contention: 0,
                address: 0,
                name,
            }),
        }
    }

    /// Runs `f` on the fields under the table lock (sections are short and never
    /// block or take another lock).
    pub(crate) fn locked<R>(&self, f: impl FnOnce(&mut Core) -> R) -> R {
        self.lock.acquire_exclusive_internal();
        let _unlock = Unlock(&self.lock);
        // SAFETY: we hold `lock` (Invariant 1), so this is the only access.
        self.core.with_mut(|core| f(unsafe { &mut *core }))
    }
}

impl crate::diagnostics::TableSource for OwnerTable {
    fn snapshot(&self) -> Option<crate::diagnostics::TableSnapshot> {
        self.locked(|core| {
            core.in_use().then(|| crate::diagnostics::TableSnapshot {
                address: core.address,
                name: core.name,
                exclusive: core.exclusive,
                owners: core
                    .owners
                    .iter()
                    .map(|entry| (entry.owner, entry.count))
                    .collect(),
                waiters: core.waiter_list(),
                contention: core.contention,
                exclusive_waiters: core.exclusive_waiters,
                shared_waiters: core.shared_waiters,
            })
        })
    }
}
