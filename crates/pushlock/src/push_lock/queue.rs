//! The push lock's slow paths: queueing, parking, waking (P8), the list lock, and the
//! timed waiter's self-unlink, and leaving the list on unwind. Invariant numbers and the
//! transition table are in the module doc of `raw.rs`; every next word is computed by
//! one of `Word`'s pure functions there.

use core::ptr;
use std::time::Instant;

use crate::sys::atomic::Ordering;

use super::raw::{RawPushLock, SPIN_LIMIT, SPIN_PAUSE_ROUNDS, Word};
use super::wait_block::{self, Position, WaitBlock};

/// How a stay in the queue ended.
enum Waited {
    /// The lock looked acquirable before the block was pushed: retry at once.
    NotQueued,
    /// A waker detached and signaled the block: retry (no hand-off, P8).
    Signaled,
    /// The deadline passed and the waiter unlinked its own block (invariant 8a).
    TimedOut,
}

/// Pauses a freshly queued waiter watches its flag for before parking, checking it after
/// each one (none under loom). The flag sits in the waiter's own block, written only by
/// the waker, so watching it costs other threads nothing.
const WATCH_PAUSES: u32 = if cfg!(pushlock_loom) { 0 } else { 128 };
/// The same for a shared waiter, which waits at least for a writer's whole section and
/// would only take CPU time from the holders it waits for (a read storm has many).
const WATCH_PAUSES_SHARED: u32 = if cfg!(pushlock_loom) { 0 } else { 16 };

/// Takes a queued block out of the lock when its owner unwinds out of the wait: the
/// timed waiter's unlink (invariant 8), then [`RawPushLock::abandon_wait`]. The normal
/// returns `forget` it. Leaving needs only the list lock, whose holders never block or
/// call out, so it cannot itself unwind; if it ever did, Rust aborts the process (a
/// panic while unwinding), which is the safe outcome: a linked dead block is not.
struct LeaveOnUnwind<'a> {
    lock: &'a RawPushLock,
    block: &'a WaitBlock,
}

impl Drop for LeaveOnUnwind<'_> {
    #[cold]
    fn drop(&mut self) {
        let waited = self.lock.cancel_wait(self.block);
        self.lock.abandon_wait(waited);
    }
}

/// A short backoff for threads waiting for the list lock, whose holders never block.
fn backoff(spins: &mut u32) {
    if *spins < 16 {
        *spins += 1;
        crate::sys::spin_loop();
    } else {
        crate::sys::yield_now();
    }
}

fn deadline_passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

impl RawPushLock {
    /// Acquires the lock after the fast path failed: spin (P7), queue, park, retry.
    /// Returns `false` only when `deadline` passed.
    #[cold]
    #[inline(never)]
    pub(super) fn acquire_slow(&self, exclusive: bool, deadline: Option<Instant>) -> bool {
        debug_assert!(self.load(Ordering::Relaxed).is_consistent());
        let mut spins = 0;
        let mut woken = false;
        loop {
            let state = self.load(Ordering::Relaxed);
            if state.is_acquirable(exclusive) {
                let next = state.with_hold(exclusive);
                // Acquire pairs with the Release of the previous holder's release.
                if self
                    .cas_weak(state, next, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return true;
                }
                continue;
            }
            // Spin only while nobody queues: behind queued waiters it would be wasted.
            if !state.is_queued() && spins != SPIN_LIMIT {
                if spins < SPIN_PAUSE_ROUNDS {
                    for _ in 0..1u32 << spins {
                        crate::sys::spin_loop();
                    }
                    spins += 1;
                    continue;
                }
                // Yield only to an exclusive holder, whose release is near. Behind
                // shared holders, queue now: a queued waiter stops new shared acquires
                // (P3), where yielding would let a read storm keep the word.
                if state.is_exclusive() {
                    crate::sys::yield_now();
                    spins += 1;
                    continue;
                }
            }
            // A timed acquirer queues at least once; after a wake-up it may give up.
            if woken && deadline_passed(deadline) {
                self.pass_wake_on();
                return false;
            }
            // Under the verifier: waiting for a lock this thread holds is a deadlock
            // (P4); stop before anything of ours is linked into the lock.
            crate::verifier::on_block(self.addr(), crate::verifier::LockKind::PushLock);
            let block = WaitBlock::new(exclusive);
            match self.wait_in_queue(&block, deadline) {
                Waited::NotQueued => {}
                Waited::Signaled => {
                    woken = true;
                    spins = 0;
                }
                Waited::TimedOut => return false,
            }
        }
    }

    /// Pushes `block` and sleeps until it is signaled or the deadline passes.
    ///
    /// From the push on, `block` may be reachable from the word until a waker detached
    /// it or we unlinked it (invariant 4). Should anything called in between unwind (a
    /// panic from a callback, a verifier stop, a test's injected fault), the
    /// [`LeaveOnUnwind`] guard takes it out of the list first, so no dead stack block
    /// stays linked (issue 13, defect 0; invariant 10).
    fn wait_in_queue(&self, block: &WaitBlock, deadline: Option<Instant>) -> Waited {
        let exclusive = block.is_exclusive();
        let me = block as *const WaitBlock;
        let mut state = self.load(Ordering::Relaxed);
        loop {
            if state.is_acquirable(exclusive) {
                return Waited::NotQueued;
            }
            let next = if !state.is_queued() {
                // The first waiter: the lock is held (else it was acquirable), and the
                // share count moves from the word into this block, the new tail
                // (invariant 3). Or the word is WRITER_WOKEN: free, no count, and a
                // shared acquirer queues behind the woken writer with LOCKED clear, as
                // after any wake of an exclusive waiter alone (invariants 6, 9).
                debug_assert!(state != Word::FREE);
                // SAFETY: not published yet; we are the owner.
                unsafe {
                    block.set_next(ptr::null());
                    block.set_share_count(state.shares());
                }
                state.queued_first(me)
            } else {
                // SAFETY: not published yet; we are the owner.
                unsafe { block.set_next(state.head()) };
                state.queued_behind(me)
            };
            // Release publishes the block's fields; pairs with the Acquire load of the
            // word by list lock holders.
            match self.cas_weak(state, next, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        let guard = LeaveOnUnwind { lock: self, block };
        let waited = self.sleep_queued(block, deadline);
        // Not unwinding: the block left the list the normal way.
        core::mem::forget(guard);
        waited
    }

    /// Watches, then parks, until `block` (queued) is signaled or the deadline passes.
    fn sleep_queued(&self, block: &WaitBlock, deadline: Option<Instant>) -> Waited {
        #[cfg(all(test, not(pushlock_loom)))]
        super::unwind_tests::fault_point(super::unwind_tests::Stage::Queued);
        let exclusive = block.is_exclusive();
        // Queued now, so no new shared acquire gets in (P3) and the holders drain soon:
        // watch our flag for a short, bounded while before parking, which saves the
        // park/unpark round trip (a scheduler round on an oversubscribed machine).
        let watch = if exclusive {
            WATCH_PAUSES
        } else {
            WATCH_PAUSES_SHARED
        };
        for _ in 0..watch {
            if block.is_signaled() {
                return Self::woken();
            }
            crate::sys::spin_loop();
        }
        loop {
            if block.is_signaled() {
                return Self::woken();
            }
            match deadline {
                None => crate::sys::park(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return self.cancel_wait(block);
                    }
                    crate::sys::park_timeout(deadline - now);
                }
            }
        }
    }

    /// What a signaled waiter returns (and where the unwind tests fault a woken one).
    #[inline]
    fn woken() -> Waited {
        #[cfg(all(test, not(pushlock_loom)))]
        super::unwind_tests::fault_point(super::unwind_tests::Stage::Woken);
        Waited::Signaled
    }

    /// A queued waiter that unwinds (see [`LeaveOnUnwind`]) instead of retrying: its
    /// block is out of the list already. If it was woken, it owes the lock what its
    /// retry would have done: clear `WRITER_WOKEN`, which waits for that retry
    /// (invariant 9), and run the wake a retry could have left to it (invariant 6).
    #[cold]
    fn abandon_wait(&self, waited: Waited) {
        if !matches!(waited, Waited::Signaled) {
            return;
        }
        let state = self.load(Ordering::Relaxed);
        if state.is_writer_woken() {
            // Relaxed: no data changes hands; as an RMW it keeps the last release's
            // sequence going for the next acquire. If it fails, a shared acquirer
            // queued on the bit (pass_wake_on wakes it) or a writer took the lock.
            let _ = self.cas(state, Word::FREE, Ordering::Relaxed, Ordering::Relaxed);
        }
        self.pass_wake_on();
    }

    /// A timed-out waiter leaves the queue (invariant 8): take the list lock, unlink our
    /// block if it is still there; if it is not, a waker has it, so wait for its signal.
    #[cold]
    fn cancel_wait(&self, block: &WaitBlock) -> Waited {
        if !self.lock_list() {
            // The whole list was detached: a waker is about to signal us.
            Self::wait_for_signal(block);
            return Waited::Signaled;
        }
        let me = block as *const WaitBlock;
        loop {
            // Acquire pairs with the Release pushes of the blocks we walk.
            let state = self.load(Ordering::Acquire);
            let newest = state.head();
            // SAFETY: we hold the list lock (invariant 4, 5).
            match unsafe { wait_block::find_predecessor(newest, me) } {
                Position::Absent => {
                    self.unlock_list();
                    Self::wait_for_signal(block);
                    return Waited::Signaled;
                }
                Position::Head => {
                    // SAFETY: our own block, in the list, under the list lock.
                    let older = unsafe { block.next() };
                    let next = if older.is_null() {
                        // The only block: the list empties and the word takes back the
                        // share count (invariant 3); this also drops the list lock.
                        let shares = if state.is_shared_while_queued() {
                            // SAFETY: ours, under the list lock.
                            unsafe { block.share_count() }
                        } else {
                            0
                        };
                        state.unlinked_sole(shares)
                    } else {
                        state.unlinked_head(older)
                    };
                    // Release: our list edits for the next list lock holder.
                    if self
                        .cas(state, next, Ordering::AcqRel, Ordering::Relaxed)
                        .is_err()
                    {
                        // A push or a LOCKED change; walk again.
                        continue;
                    }
                    if !older.is_null() {
                        self.unlock_list();
                    }
                    return Waited::TimedOut;
                }
                Position::After(newer) => {
                    // SAFETY: both in the list, under the list lock (invariant 4, 5).
                    unsafe {
                        let older = block.next();
                        (*newer).set_next(older);
                        if older.is_null() && state.is_shared_while_queued() {
                            // We were the tail: the share count moves to the new tail.
                            (*newer).set_share_count(block.share_count());
                        }
                    }
                    self.unlock_list();
                    return Waited::TimedOut;
                }
            }
        }
    }

    /// Parks until a waker that holds our block signals it.
    fn wait_for_signal(block: &WaitBlock) {
        while !block.is_signaled() {
            crate::sys::park();
        }
    }

    /// Takes the list lock (`WAKING`), waiting for its current holder. Returns `false`
    /// (without the lock) when nobody is queued.
    fn lock_list(&self) -> bool {
        let mut spins = 0;
        loop {
            let state = self.load(Ordering::Relaxed);
            if !state.is_queued() {
                return false;
            }
            if state.is_list_locked() {
                backoff(&mut spins);
                continue;
            }
            // Acquire pairs with the Release that dropped the list lock last.
            if self
                .cas_weak(
                    state,
                    state.with_list_lock(),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                return true;
            }
        }
    }

    /// Drops the list lock. If the lock is free meanwhile, wakes first (P8): the oldest
    /// waiter alone if it wants exclusive, else every waiter (invariant 6).
    pub(super) fn unlock_list(&self) {
        loop {
            // Acquire pairs with the Release pushes of the blocks we may walk.
            let state = self.load(Ordering::Acquire);
            debug_assert!(state.is_list_locked() && state.is_queued() && state.is_consistent());
            if state.is_held_while_queued() {
                // The holder's release will wake. Release: our list edits.
                if self
                    .cas_weak(
                        state,
                        state.without_list_lock(),
                        Ordering::Release,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            let newest = state.head();
            // SAFETY: WAITING, so non-null; we hold the list lock (invariant 4, 5).
            let (tail, before_tail) = unsafe { wait_block::find_tail(newest) };
            // SAFETY: in the list, under the list lock.
            let tail_exclusive = unsafe { (*tail).is_exclusive() };
            if tail_exclusive && !before_tail.is_null() {
                // Detach the tail alone; the rest stays queued while it retries.
                // SAFETY: in the list, under the list lock.
                unsafe { (*before_tail).set_next(ptr::null()) };
                // Release: the detach, for the next list lock holder.
                self.update(Ordering::Release, Word::without_list_lock);
                // SAFETY: detached above, not signaled yet.
                unsafe { WaitBlock::signal(tail) };
                return;
            }
            // Wake everyone: detach the whole list, dropping the list lock. The lock is
            // free, so MULTIPLE_SHARED is clear (invariant 1) and the word becomes 0, or
            // WRITER_WOKEN when the list was one exclusive waiter (invariant 9).
            let next = Word::detached(tail_exclusive);
            if self
                .cas_weak(state, next, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                // SAFETY: the chain from `newest` was detached by our CAS.
                unsafe { WaitBlock::signal_all(newest) };
                return;
            }
        }
    }

    /// A woken thread that gives up (timeout) may be the one invariant 6 relies on. It
    /// gives up only after it saw the lock held (whose release then wakes), so this is a
    /// belt-and-braces check: if the lock is free with waiters and nobody holds the
    /// list lock, run the wake.
    fn pass_wake_on(&self) {
        loop {
            let state = self.load(Ordering::Relaxed);
            if !state.is_queued() || state.is_held_while_queued() || state.is_list_locked() {
                return;
            }
            // Acquire pairs with the Release that dropped the list lock last.
            if self
                .cas_weak(
                    state,
                    state.with_list_lock(),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                self.unlock_list();
                return;
            }
        }
    }

    /// Release when the fast path failed: waiters queue, or the CAS lost a race.
    #[cold]
    #[inline(never)]
    pub(super) fn release_slow(&self) {
        debug_assert!(self.load(Ordering::Relaxed).is_consistent());
        let mut spins = 0;
        loop {
            let state = self.load(Ordering::Relaxed);
            if !state.is_queued() {
                let next = state.without_one_hold();
                // Release pairs with the Acquire of the next acquire.
                if self
                    .cas_weak(state, next, Ordering::Release, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            if !state.is_shared_while_queued() {
                // The sole holder (exclusive): free the word and take the list lock to
                // wake, unless someone holds it (it re-checks LOCKED, invariant 6).
                // Release pairs with the next acquire; Acquire with the last list unlock.
                if self
                    .cas_weak(
                        state,
                        state.released_exclusive_queued(),
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    if !state.is_list_locked() {
                        self.unlock_list();
                    }
                    return;
                }
                continue;
            }
            // One of the shared holders counted in the tail block (invariant 3).
            if state.is_list_locked() {
                backoff(&mut spins);
                continue;
            }
            // Acquire pairs with the Release that dropped the list lock last.
            if self
                .cas_weak(
                    state,
                    state.with_list_lock(),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_err()
            {
                continue;
            }
            // Acquire: see the blocks pushed since.
            let newest = self.load(Ordering::Acquire).head();
            // SAFETY: WAITING stays set while we hold the list lock; invariant 4, 5.
            unsafe {
                let (tail, _) = wait_block::find_tail(newest);
                let left = (*tail).share_count() - 1;
                (*tail).set_share_count(left);
                if left == 0 {
                    // The last shared holder frees the lock. Release pairs with the
                    // next acquire (and carries the other readers' accesses, which
                    // happened before their list lock releases we acquired).
                    self.update(Ordering::Release, Word::released_last_share);
                }
            }
            self.unlock_list();
            return;
        }
    }

    /// Turns an exclusive hold into a shared one. With waiters queued: if the oldest
    /// wants shared, wake everyone (they may share with us); else keep them queued and
    /// count ourselves in the tail block.
    ///
    /// # Safety
    ///
    /// - The calling thread holds the lock exclusive.
    pub(super) unsafe fn downgrade_exclusive(&self) {
        // Release pairs with the Acquire of readers that get in after us.
        if self
            .cas(
                Word::EXCLUSIVE,
                Word::ONE_SHARE,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_ok()
        {
            return;
        }
        self.downgrade_slow();
    }

    #[cold]
    #[inline(never)]
    fn downgrade_slow(&self) {
        debug_assert!(self.load(Ordering::Relaxed).is_consistent());
        let mut spins = 0;
        loop {
            let state = self.load(Ordering::Relaxed);
            debug_assert!(state.is_exclusive(), "downgrade without exclusive hold");
            if !state.is_queued() {
                if self
                    .cas_weak(state, Word::ONE_SHARE, Ordering::Release, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            if state.is_list_locked() {
                backoff(&mut spins);
                continue;
            }
            // Acquire pairs with the Release that dropped the list lock last.
            if self
                .cas_weak(
                    state,
                    state.with_list_lock(),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                break;
            }
        }
        loop {
            // Acquire: see the blocks pushed since.
            let state = self.load(Ordering::Acquire);
            let newest = state.head();
            // SAFETY: WAITING, we hold the list lock (invariant 4, 5).
            let (tail, _) = unsafe { wait_block::find_tail(newest) };
            // SAFETY: as above.
            if unsafe { (*tail).is_exclusive() } {
                // SAFETY: as above; the tail holds the share count from now on.
                unsafe { (*tail).set_share_count(1) };
                // Release pairs with readers' acquires after the list empties.
                self.update(Ordering::Release, Word::with_tail_share);
                self.unlock_list();
                return;
            }
            // Detach everything; the count (us) goes back into the word.
            if self
                .cas_weak(state, Word::ONE_SHARE, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                // SAFETY: the chain from `newest` was detached by our CAS.
                unsafe { WaitBlock::signal_all(newest) };
                return;
            }
        }
    }

    /// How many threads are queued (takes the list lock briefly). For tests.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert_eq!(lock.waiter_count(), 0);
    /// ```
    #[doc(hidden)]
    pub fn waiter_count(&self) -> usize {
        if !self.lock_list() {
            return 0;
        }
        // Acquire: see the blocks pushed since.
        let newest = self.load(Ordering::Acquire).head();
        // SAFETY: we hold the list lock (invariant 4, 5).
        let n = unsafe { wait_block::count(newest) };
        self.unlock_list();
        n
    }
}
