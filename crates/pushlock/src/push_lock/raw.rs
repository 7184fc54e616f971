//! The push lock's state machine: one word, its fast paths, queueing, waking and the
//! timed give-up path.
//!
//! # The state word
//!
//! ```text
//!  nobody queued (WAITING clear):
//!  +--------------------------------------------+---+---+---+---+
//!  |            share count (bits 4..)          | M | K | W | L |
//!  +--------------------------------------------+---+---+---+---+
//!  threads queued (WAITING set):
//!  +--------------------------------------------+---+---+---+---+
//!  |   address of the newest WaitBlock (>> 4)   | M | K | W | L |
//!  +--------------------------------------------+---+---+---+---+
//!  L = LOCKED           held, shared or exclusive
//!  W = WAITING          the upper bits point at the wait list
//!  K = WAKING           the list lock: its holder alone edits the list
//!  M = MULTIPLE_SHARED  held shared while WAITING: the share count is in the tail block
//! ```
//!
//! The wait list runs newest (the word's pointer) to oldest (the tail) through
//! `WaitBlock::next`. Each block lives on its waiter's stack (see `wait_block.rs`).
//!
//! # Invariants
//!
//! 1. Exclusive held ⇔ `LOCKED` and (without `WAITING`) a zero share count, or (with
//!    `WAITING`) `MULTIPLE_SHARED` clear. Shared held ⇔ `LOCKED` and a non-zero share
//!    count, in the word or (with `WAITING`, flagged by `MULTIPLE_SHARED`) in the tail.
//! 2. A shared acquire succeeds only while `WAITING` is clear (SPEC P3); an exclusive
//!    acquire succeeds whenever `LOCKED` is clear, waiters or not (SPEC P6).
//! 3. A thread pushes its block only with one CAS that sees `LOCKED` set and `WAKING`
//!    clear, its block fully written first. So while `WAKING` is held, the list and the
//!    tail's share count change only under its holder; the only other change to the
//!    word is an exclusive acquirer setting `LOCKED` when it was clear.
//! 4. A block is reachable from the word, or sits in a chain a waker detached under
//!    `WAKING` and has not yet signaled, only while its owner is inside its acquire call
//!    waiting for `signaled` or for the list lock. The owner leaves only after it saw
//!    `signaled` (the waker is done with the block) or after it removed its own block
//!    under `WAKING` (invariant 5).
//! 5. Timed give-up: a waiter whose deadline passed takes `WAKING` and looks for its
//!    block in the list. Found: it unlinks it (moving the tail's share count to the new
//!    tail when it was the tail) and leaves; no waker can hold a pointer to it, since
//!    wakers detach blocks only under `WAKING`. Not found: a waker detached it, so the
//!    waiter waits, without a deadline, for `signaled`, and retries once.
//! 6. `WAITING` with `LOCKED` clear happens only after a release woke the exclusive tail
//!    alone; that woken thread always retries an exclusive acquire, which succeeds or
//!    finds `LOCKED` set by a newcomer, whose release wakes again. So no wake is lost.
//! 7. The last holder to release while `WAITING` (the share count dropping to zero, or
//!    the exclusive holder) takes `WAKING` and wakes: the tail alone if it is exclusive
//!    (SPEC P8), else the whole list; woken threads retry, nothing is handed off.
//!
//! ## Memory orderings
//!
//! - Acquiring CASes use `Acquire`, releasing stores/CASes `Release`: they pair with each
//!   other so a holder sees everything the previous holder wrote.
//! - The push CAS is `AcqRel`: its `Release` publishes the block's fields to the list-lock
//!   taker, whose `Acquire` CAS on `WAKING` pairs with it; the list-lock release (a
//!   `Release` store or CAS) pairs with the next taker's `Acquire`.
//! - `signaled` is `Release`/`Acquire` (see `wait_block.rs`).

use core::ptr;
use std::time::Instant;

use super::wait_block::{self, Position, WaitBlock};
use crate::sys::atomic::{AtomicUsize, Ordering};
use crate::verifier::{self, LockKind, Mode};

/// Held, in either mode.
const LOCKED: usize = 1;
/// The upper bits point at the newest wait block.
const WAITING: usize = 2;
/// The list lock.
const WAKING: usize = 4;
/// Held shared while threads wait; the share count is in the tail block.
const MULTIPLE_SHARED: usize = 8;
/// All flag bits.
const FLAGS: usize = 15;
/// One shared holder in the word's count.
const SHARE_ONE: usize = 16;
/// Where the share count starts.
const SHARE_SHIFT: u32 = 4;

/// How many times an acquirer spins on a busy, unqueued word before it queues and parks
/// (SPEC P7). Zero under loom, where spinning only multiplies the explored states.
pub(crate) const SPIN_LIMIT: u32 = if cfg!(loom) { 0 } else { 64 };

fn list_head(state: usize) -> *const WaitBlock {
    (state & !FLAGS) as *const WaitBlock
}

/// The Windows kernel push lock (`EX_PUSH_LOCK`): a reader/writer lock in one word.
///
/// Writer-preferring (a new shared acquire waits while anyone is queued), unfair (a free
/// word may be taken by a newcomer), not recursive; one [`release`](Self::release) for
/// both modes. Waiters spin briefly, then sleep on wait blocks on their own stacks.
///
/// # Examples
///
/// ```
/// use pushlock::RawPushLock;
///
/// static LOCK: RawPushLock = RawPushLock::new();
/// LOCK.acquire_shared();
/// assert!(LOCK.is_locked() && !LOCK.is_locked_exclusive());
/// // SAFETY: held shared just above.
/// unsafe { LOCK.release() };
/// ```
// `repr(transparent)`: the C ABI reinterprets an `EX_PUSH_LOCK` (one `ULONG_PTR`) as
// a `RawPushLock`.
#[derive(Debug)]
#[repr(transparent)]
pub struct RawPushLock {
    state: AtomicUsize,
}

// Under the verifier a dying lock leaves the lock-order graph, so that a later lock at
// the same address does not inherit its edges. Without the feature there is no `Drop`.
#[cfg(feature = "verifier")]
impl Drop for RawPushLock {
    fn drop(&mut self) {
        verifier::on_delete(self.addr(), LockKind::PushLock);
    }
}

impl Default for RawPushLock {
    fn default() -> Self {
        Self::new()
    }
}

impl RawPushLock {
    /// A free lock, usable in a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// static LOCK: pushlock::RawPushLock = pushlock::RawPushLock::new();
    /// assert!(!LOCK.is_locked());
    /// ```
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
        }
    }

    /// A free lock (loom twin of the `const fn`).
    #[cfg(loom)]
    pub fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
        }
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    /// How many threads are queued (tests only: takes the list lock).
    #[cfg(test)]
    pub(crate) fn queue_len(&self) -> usize {
        let Some(state) = self.lock_list() else {
            return 0;
        };
        // SAFETY: we hold the list lock, so every block in the list is valid.
        let n = unsafe { wait_block::count(list_head(state)) };
        self.unlock_list(|s| s);
        n
    }

    /// Whether threads are queued on the lock.
    pub(crate) fn has_waiters(&self) -> bool {
        self.state.load(Ordering::Relaxed) & WAITING != 0
    }

    /// Acquires the lock exclusive, waiting as long as it takes.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// assert!(lock.is_locked_exclusive());
    /// // SAFETY: held exclusive just above.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_exclusive(&self) {
        verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Exclusive, || {
            self.has_waiters()
        });
        // Acquire pairs with the Release of the previous holder's release.
        if self
            .state
            .compare_exchange_weak(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.acquire_slow(true, None);
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
    }

    /// Acquires the lock shared, waiting as long as it takes (also while the lock is held
    /// shared but a waiter is queued: SPEC P3).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_shared();
    /// lock.acquire_shared();
    /// // SAFETY: held shared twice just above.
    /// unsafe { lock.release(); lock.release() };
    /// assert!(!lock.is_locked());
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared(&self) {
        verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Shared, || {
            self.has_waiters()
        });
        if !self.try_shared_word() {
            self.acquire_slow(false, None);
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
    }

    /// Takes the lock exclusive if it is free now (queued waiters or not: SPEC P6).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(lock.try_acquire_exclusive());
    /// assert!(!lock.try_acquire_exclusive());
    /// // SAFETY: held exclusive.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_exclusive(&self) -> bool {
        let acquired = self.try_exclusive_word();
        if acquired {
            // A try cannot hang, so the verifier records the holding but checks no
            // recursion and adds no lock-order edge.
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
        }
        acquired
    }

    /// Takes the lock shared if that is possible now: not held exclusive and nobody
    /// queued.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(lock.try_acquire_shared());
    /// assert!(!lock.try_acquire_exclusive());
    /// // SAFETY: held shared.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_shared(&self) -> bool {
        let acquired = self.try_shared_word();
        if acquired {
            // A try cannot hang, so the verifier records the holding but checks no
            // recursion and adds no lock-order edge.
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
        }
        acquired
    }

    /// Acquires in `exclusive` mode or shared, giving up at `deadline`; true when held.
    #[track_caller]
    pub(crate) fn acquire_until(&self, exclusive: bool, deadline: Instant) -> bool {
        let mode = if exclusive {
            Mode::Exclusive
        } else {
            Mode::Shared
        };
        verifier::on_acquire_start(self.addr(), LockKind::PushLock, mode, || self.has_waiters());
        let acquired = self.try_word(exclusive) || self.acquire_slow(exclusive, Some(deadline));
        if acquired {
            verifier::on_acquired(self.addr(), LockKind::PushLock, mode);
        }
        acquired
    }

    /// Loom twin of the `lock_api` timed acquires (`true` when held); loom's timed park
    /// fires at once, so a queued waiter gives up after its first park.
    #[cfg(loom)]
    #[doc(hidden)]
    pub fn try_acquire_until(&self, exclusive: bool, deadline: Instant) -> bool {
        self.acquire_until(exclusive, deadline)
    }

    /// Releases the lock, shared or exclusive: the word tells which (SPEC P5).
    ///
    /// # Safety
    ///
    /// The calling thread holds the lock (in either mode) and gives up that hold.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// // SAFETY: held exclusive.
    /// unsafe { lock.release() };
    /// lock.acquire_shared();
    /// // SAFETY: held shared; the same call releases either mode.
    /// unsafe { lock.release() };
    /// assert!(!lock.is_locked());
    /// ```
    #[inline]
    #[track_caller]
    pub unsafe fn release(&self) {
        verifier::on_release(self.addr(), LockKind::PushLock);
        let state = self.state.load(Ordering::Relaxed);
        // Fast path: the only holder (exclusive, or the one shared holder), nobody queued.
        // Release pairs with the next acquirer's Acquire.
        if state & WAITING == 0
            && state >> SHARE_SHIFT <= 1
            && self
                .state
                .compare_exchange_weak(state, 0, Ordering::Release, Ordering::Relaxed)
                .is_ok()
        {
            return;
        }
        // SAFETY: the caller holds the lock.
        unsafe { self.release_unqueued() }
    }

    /// Turns the caller's exclusive hold into a shared one, waking queued shared waiters
    /// when the oldest waiter is shared.
    ///
    /// # Safety
    ///
    /// The calling thread holds the lock exclusive.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// // SAFETY: held exclusive.
    /// unsafe { lock.downgrade() };
    /// assert!(lock.is_locked() && !lock.is_locked_exclusive());
    /// // SAFETY: held shared.
    /// unsafe { lock.release() };
    /// ```
    #[track_caller]
    pub unsafe fn downgrade(&self) {
        verifier::on_release(self.addr(), LockKind::PushLock);
        loop {
            // Release pairs with shared acquirers' Acquire: the writes made under the
            // exclusive hold are visible to readers admitted now.
            if self
                .state
                .compare_exchange(
                    LOCKED,
                    LOCKED | SHARE_ONE,
                    Ordering::Release,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                break;
            }
            if let Some(state) = self.lock_list() {
                let head = list_head(state);
                // SAFETY: we hold the list lock and the list is non-empty.
                let (tail, _) = unsafe { wait_block::find_tail(head) };
                // SAFETY: under the list lock, blocks in the list are valid (inv. 4).
                if unsafe { (*tail).is_exclusive() } {
                    // SAFETY: as above; the tail's count is ours to write.
                    unsafe { (*tail).set_share_count(1) };
                    // We hold LOCKED, so nobody else changes the word (invariant 3).
                    // Release pairs with the next list-lock taker's Acquire.
                    self.state
                        .store((state | MULTIPLE_SHARED) & !WAKING, Ordering::Release);
                } else {
                    // Shared oldest waiter: let everyone queued retry (P8).
                    self.state.store(LOCKED | SHARE_ONE, Ordering::Release);
                    // SAFETY: the whole chain was detached under the list lock.
                    unsafe { WaitBlock::signal_all(head) };
                }
                break;
            }
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
    }

    /// Whether the lock is held, in either mode.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(!lock.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }

    /// Whether the lock is held exclusive.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// assert!(lock.is_locked_exclusive());
    /// // SAFETY: held exclusive.
    /// unsafe { lock.release() };
    /// ```
    pub fn is_locked_exclusive(&self) -> bool {
        let state = self.state.load(Ordering::Relaxed);
        if state & LOCKED == 0 {
            false
        } else if state & WAITING != 0 {
            state & MULTIPLE_SHARED == 0
        } else {
            state >> SHARE_SHIFT == 0
        }
    }

    #[inline]
    fn try_word(&self, exclusive: bool) -> bool {
        if exclusive {
            self.try_exclusive_word()
        } else {
            self.try_shared_word()
        }
    }

    #[inline]
    fn try_exclusive_word(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state & LOCKED == 0 {
            // Acquire pairs with the previous holder's Release.
            match self.state.compare_exchange_weak(
                state,
                state | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
        false
    }

    #[inline]
    fn try_shared_word(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            let exclusive_held = state & LOCKED != 0 && state >> SHARE_SHIFT == 0;
            if state & WAITING != 0 || exclusive_held {
                return false;
            }
            // Acquire pairs with the previous exclusive holder's Release.
            match self.state.compare_exchange_weak(
                state,
                (state + SHARE_ONE) | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
    }

    /// Spins, queues, parks and retries until held or `deadline` passes.
    #[cold]
    #[inline(never)]
    fn acquire_slow(&self, exclusive: bool, deadline: Option<Instant>) -> bool {
        let mut spins = 0;
        loop {
            if self.try_word(exclusive) {
                return true;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return false;
            }
            let state = self.state.load(Ordering::Relaxed);
            if spins < SPIN_LIMIT && state & WAITING == 0 {
                spins += 1;
                crate::sys::spin_loop();
                continue;
            }
            if state & WAKING != 0 || state & LOCKED == 0 {
                // The list lock is held briefly by someone, or the word is in the short
                // window of invariant 6: retry.
                crate::sys::yield_now();
                continue;
            }
            let block = WaitBlock::new(exclusive);
            let new = if state & WAITING == 0 {
                let count = state >> SHARE_SHIFT;
                let mut flags = LOCKED | WAITING;
                if count > 0 {
                    // SAFETY: the block is not published yet; it is ours alone.
                    unsafe { block.set_share_count(count) };
                    flags |= MULTIPLE_SHARED;
                }
                &block as *const WaitBlock as usize | flags
            } else {
                // SAFETY: the block is not published yet; it is ours alone.
                unsafe { block.set_next(list_head(state)) };
                &block as *const WaitBlock as usize | (state & FLAGS)
            };
            // Release publishes the block's fields (pairs with the list-lock taker's
            // Acquire); Acquire is not needed on failure.
            if self
                .state
                .compare_exchange(state, new, Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
            {
                continue;
            }
            if !self.wait_on(&block, deadline) {
                return false;
            }
        }
    }

    /// Parks until `block` is signaled (true: retry) or, past `deadline`, removes it from
    /// the list (false: give up). Returns only once the block is unreachable.
    fn wait_on(&self, block: &WaitBlock, deadline: Option<Instant>) -> bool {
        loop {
            if block.is_signaled() {
                return true;
            }
            match deadline {
                None => crate::sys::park(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now < deadline {
                        crate::sys::park_timeout(deadline - now);
                    }
                    // Under loom a timed park is a fired timeout.
                    let expired = cfg!(loom) || Instant::now() >= deadline;
                    if expired && !block.is_signaled() {
                        if self.unlink(block) {
                            return false;
                        }
                        // A waker detached us: it will signal soon (invariant 5).
                        while !block.is_signaled() {
                            crate::sys::park();
                        }
                        return true;
                    }
                }
            }
        }
    }

    /// Removes `block` from the list if it is still there (true); false when a waker
    /// already detached it.
    fn unlink(&self, block: &WaitBlock) -> bool {
        let target = block as *const WaitBlock;
        let Some(state) = self.lock_list() else {
            return false;
        };
        let head = list_head(state);
        // SAFETY: we hold the list lock; the list is non-empty.
        let position = unsafe { wait_block::find_predecessor(head, target) };
        // SAFETY (all block accesses below): we hold the list lock, so every block in the
        // list is valid and its list fields are ours to read and write (invariants 3, 4).
        match position {
            Position::Absent => {
                self.unlock_list(|s| s);
                false
            }
            Position::Head => {
                let next = unsafe { block.next() };
                if next.is_null() {
                    let count = if state & MULTIPLE_SHARED != 0 {
                        unsafe { block.share_count() }
                    } else {
                        0
                    };
                    self.unlock_list(|s| (s & LOCKED) | (count << SHARE_SHIFT));
                } else {
                    self.unlock_list(|s| next as usize | (s & FLAGS));
                }
                true
            }
            Position::After(before) => {
                let next = unsafe { block.next() };
                unsafe { (*before).set_next(next) };
                if next.is_null() && state & MULTIPLE_SHARED != 0 {
                    unsafe { (*before).set_share_count(block.share_count()) };
                }
                self.unlock_list(|s| s);
                true
            }
        }
    }

    /// Takes the list lock (`WAKING`) if threads are queued; returns the word as taken
    /// (with `WAKING`), or `None` once nobody is queued.
    fn lock_list(&self) -> Option<usize> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & WAITING == 0 {
                return None;
            }
            if state & WAKING != 0 {
                // Held only for a list walk, never across a park.
                crate::sys::yield_now();
                state = self.state.load(Ordering::Relaxed);
                continue;
            }
            // Acquire pairs with the push CAS and the previous list-lock release.
            match self.state.compare_exchange_weak(
                state,
                state | WAKING,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(state | WAKING),
                Err(actual) => state = actual,
            }
        }
    }

    /// Releases the list lock, setting the word to `edit(word)` minus `WAKING`; a CAS loop
    /// because an exclusive acquirer may set `LOCKED` meanwhile (invariant 3).
    fn unlock_list(&self, edit: impl Fn(usize) -> usize) {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            // Release pairs with the next list-lock taker's Acquire.
            match self.state.compare_exchange_weak(
                state,
                edit(state) & !WAKING,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
    }

    /// Release while threads are queued (invariant 7).
    #[cold]
    fn release_queued(&self) {
        let Some(state) = self.lock_list() else {
            // Nobody queued any more: the plain release path applies.
            // SAFETY: our caller holds the lock.
            return unsafe { self.release_unqueued() };
        };
        let head = list_head(state);
        // SAFETY: we hold the list lock; the list is non-empty.
        let (tail, before) = unsafe { wait_block::find_tail(head) };
        if state & MULTIPLE_SHARED != 0 {
            // SAFETY: under the list lock the tail is valid and its count ours.
            let count = unsafe { (*tail).share_count() } - 1;
            // SAFETY: as above.
            unsafe { (*tail).set_share_count(count) };
            if count > 0 {
                self.unlock_list(|s| s);
                return;
            }
        }
        // We are the last holder; LOCKED is ours, so the word changes only by us.
        // SAFETY: under the list lock the tail is valid.
        if unsafe { (*tail).is_exclusive() } && !before.is_null() {
            // SAFETY: under the list lock; detach the tail.
            unsafe { (*before).set_next(ptr::null()) };
            // Release pairs with the next acquirer's Acquire.
            self.state.store(head as usize | WAITING, Ordering::Release);
            // SAFETY: detached under the list lock, not signaled yet.
            unsafe { WaitBlock::signal(tail) };
        } else {
            // Release pairs with the next acquirer's Acquire.
            self.state.store(0, Ordering::Release);
            // SAFETY: the whole chain was detached under the list lock.
            unsafe { WaitBlock::signal_all(head) };
        }
    }

    /// The release path when the word holds no list (or the fast path's CAS failed).
    ///
    /// # Safety
    ///
    /// The caller holds the lock.
    #[cold]
    #[inline(never)]
    unsafe fn release_unqueued(&self) {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & WAITING != 0 {
                self.release_queued();
                return;
            }
            let new = if state >> SHARE_SHIFT > 1 {
                state - SHARE_ONE
            } else {
                0
            };
            // Release pairs with the next acquirer's Acquire.
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
    }
}
