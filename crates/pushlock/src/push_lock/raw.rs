//! The push lock's state machine and its one-CAS fast paths.
//!
//! `EX_PUSH_LOCK` is the Windows kernel's pointer-sized reader/writer lock (SPEC P1-P8):
//! no heap, no global table, waiters queue on wait blocks on their own stacks, linked
//! from the word itself. Prior art read for ideas: the kernel's `ExfAcquirePushLock*`
//! as described by ReactOS, and std's `sys/sync/rwlock/queue.rs` (itself modelled on
//! SRWLOCK). Unlike both, this lock supports timed waits, so a queued waiter may leave
//! the list before it is woken; the list lock below is what makes that safe.
//!
//! Properties: one word, allocation-free, writer-preferring (P3), unfair (P6), a short
//! bounded spin then a futex-style park (P7), wake policy P8, no hand-off.
//!
//! ## State
//!
//! ```text
//!  nobody queued (WAITING clear):
//!   63                                  4   3   2   1   0
//!  +-------------------------------------+---+---+---+---+
//!  |        share count (shared holders) | X | 0 | 0 | L |   L only if exclusive
//!  +-------------------------------------+---+---+---+---+
//!
//!  threads queued (WAITING set):
//!  +-------------------------------------+---+---+---+---+
//!  |  address of the newest WaitBlock    | M | K | W | L |
//!  +-------------------------------------+---+---+---+---+
//!   L = LOCKED  W = WAITING  K = WAKING (list lock)  M = MULTIPLE_SHARED
//!   X = WRITER_WOKEN (same bit as M, meaning only while WAITING is clear)
//! ```
//!
//! | bit               | meaning                                                        |
//! |-------------------|----------------------------------------------------------------|
//! | `LOCKED`          | held, shared or exclusive                                      |
//! | `WAITING`         | the high bits point at the newest wait block                   |
//! | `WAKING`          | someone holds the list lock and may edit or detach the list    |
//! | `MULTIPLE_SHARED` | held shared while queued; the share count is in the tail block |
//! | `WRITER_WOKEN`    | (nobody queued) free, and the last waiter, an exclusive one, was woken and has not retried yet |
//!
//! Without waiters the word alone tells the mode: `LOCKED` (count 0) is exclusive, a
//! count `n > 0` (`LOCKED` clear) is `n` shared holders. With waiters, `LOCKED` means
//! held and `MULTIPLE_SHARED` tells the mode. Two deviations from the kernel's
//! encoding, both so that the word alone tells the mode (P5) and the fast paths stay
//! short: the kernel also sets `LOCKED` for shared holders (we do not while nobody
//! queues, which saves an `or` on acquire and a compare on release), and it sets
//! `MULTIPLE_SHARED` only for more than one shared owner (we also set it for one).
//!
//! `WRITER_WOKEN` extends writer preference (P3) over the moment between a wake and the
//! retry (P8: woken threads retry, there is no hand-off). Without it, the shared holder
//! whose release woke the one queued writer re-acquires shared before the writer runs,
//! and under a read storm the writer requeues again and again. With it, new shared
//! acquirers wait (they queue) until an exclusive acquire clears the bit; a newcomer
//! writer may still take the free word first (P6), the lock is never handed over.
//!
//! ## Transitions
//!
//! Every change of the word, with the [`Word`] function that computes the next value
//! and the functions that make it. `n` is the share count, `B` a wait block, `[F]` the
//! flags, unchanged; `W`, `K`, `L`, `M`, `X` as drawn above.
//!
//! | operation | from | to | `Word::` | made by |
//! |---|---|---|---|---|
//! | acquire exclusive | `0`, `X`, or `B\|W\|[K]` | `L`, `L`, `B\|W\|[K]\|L` | `with_exclusive_hold` | `acquire_exclusive`, `try_exclusive_now`, `acquire_slow` |
//! | acquire shared | `n` (no flags) | `n+1` | `with_one_more_share` | `acquire_shared`, `try_shared_now`, `acquire_slow` |
//! | release, nobody queued | `L` or `n ≥ 1` | `0` or `n-1` | `without_one_hold` | `release`, `release_exclusive`, `release_slow` |
//! | first waiter queues | `L`, `n ≥ 1` or `X` | `B\|W\|L`, `B\|W\|L\|M` (n into `B`), `B\|W` | `queued_first` | `wait_in_queue` |
//! | waiter queues | `B'\|W\|[F]` | `B\|W\|[F]` | `queued_behind` | `wait_in_queue` |
//! | take the list lock | `B\|W\|[F]`, no `K` | `+K` | `with_list_lock` | `lock_list`, `release_slow`, `downgrade_slow`, `pass_wake_on` |
//! | drop the list lock, lock held | `B\|W\|K\|L\|[M]` | `-K` | `without_list_lock` | `unlock_list`, `release_slow`, `cancel_wait` |
//! | wake the oldest writer alone | `B\|W\|K`, no `L` | `-K` (tail detached) | `without_list_lock` | `unlock_list` |
//! | wake everyone | `B\|W\|K`, no `L` | `0`, or `X` for one writer | `detached` | `unlock_list` |
//! | exclusive release, queued | `B\|W\|L\|[K]` | `B\|W\|K` | `released_exclusive_queued` | `release_slow` |
//! | last tail-counted share leaves | `B\|W\|K\|L\|M` | `B\|W\|K` | `released_last_share` | `release_slow` |
//! | downgrade, nobody queued | `L` | `1` share | `ONE_SHARE` | `downgrade_exclusive`, `downgrade_slow` |
//! | downgrade, oldest waiter exclusive | `B\|W\|K\|L` | `+M` (tail counts 1) | `with_tail_share` | `downgrade_slow` |
//! | downgrade, oldest waiter shared | `B\|W\|K\|L` | `1` share (list detached) | `ONE_SHARE` | `downgrade_slow` |
//! | timed waiter unlinks the only block | `B\|W\|K\|[L]\|[M]` | `n`, `L` or `0` | `unlinked_sole` | `cancel_wait` |
//! | timed waiter unlinks the head | `B\|W\|K\|[F]` | `B''\|W\|K\|[F]` | `unlinked_head` | `cancel_wait` |
//!
//! Unlinking a block further down the list, moving the share count and detaching the
//! tail edit blocks only, under the list lock; the word keeps its value.
//!
//! ## The wait list
//!
//! ```text
//!  word ──► [newest] ──next──► [ ... ] ──next──► [oldest = tail] ──next──► null
//!                                                  share_count (if MULTIPLE_SHARED)
//! ```
//! New waiters push at the head with one CAS, without the list lock. Everything else
//! (walking, unlinking, moving the share count, detaching) needs the list lock.
//!
//! ## Invariants
//!
//! 1. `WAKING` ⇒ `WAITING`; `MULTIPLE_SHARED` ⇒ `WAITING` ∧ `LOCKED`; without
//!    `WAITING`, `LOCKED` ⇒ share count 0, and `WRITER_WOKEN` ⇒ the word is exactly
//!    `WRITER_WOKEN` (free, no count).
//! 2. While `WAITING` is set no shared acquire succeeds (P3), so the number of shared
//!    holders only falls until the list empties (or a downgrade adds its one).
//! 3. `MULTIPLE_SHARED` set ⇔ the lock is held shared while `WAITING`; then the tail
//!    block's `share_count` is the number of holders (≥ 1).
//! 4. A block reachable from the word is valid: its owner stays inside its acquire call
//!    until it is signaled (which happens only after a waker detached it) or until it
//!    unlinked itself while holding the list lock.
//! 5. Only the holder of the list lock reads or writes a published block's `next` and
//!    `share_count`, and only it removes blocks from the list; pushes only add at the
//!    head.
//! 6. `WAITING` ∧ ¬`LOCKED` ⇒ the list lock is held (its holder re-checks `LOCKED`
//!    before dropping it, in `unlock_list`, and wakes per P8), or an exclusive waiter
//!    that was woken alone has not retried yet (it will acquire, or queue behind a
//!    holder whose release wakes, or, if it gives up on a timeout, run the wake itself).
//!    The word becomes `WAITING` without `LOCKED` that second way also when a shared
//!    acquirer queues on `WRITER_WOKEN` (invariant 9).
//! 7. A waker copies the thread handle out of a block before it sets `signaled`, and
//!    never touches the block after.
//! 8. A timed-out waiter leaves only (a) after unlinking its own block while holding the
//!    list lock, or (b) when it does not find its block in the list under the list
//!    lock: then a waker has detached it and will signal it (7), so the waiter waits for
//!    `signaled` and retries like any woken thread.
//! 9. `WRITER_WOKEN` is set only by a waker that detached a list of one exclusive block,
//!    before it signals that block; it is cleared by the next exclusive acquire (the
//!    woken writer's retry or a newcomer's, P6), or it gives way to `WAITING` (without
//!    `LOCKED`) when a shared acquirer queues on it. The woken writer's retry finds the
//!    word acquirable in both cases, so the bit never outlives it; a woken writer that
//!    gives up on a timeout does so only after finding the lock held (by a newcomer
//!    that cleared the bit).
//! 10. A waiter leaves its acquire call, by return or by unwinding, only with its block
//!     out of the list (invariant 4): a panic or stop that unwinds out of the wait
//!     unlinks it as a timed-out waiter does (8), and a woken waiter that unwinds
//!     instead of retrying clears `WRITER_WOKEN` and passes the wake on (6, 9)
//!     (`LeaveOnUnwind` in `queue.rs`). Nothing that can unwind runs while holding the
//!     list lock.
//!
//! The word is a pointer (`AtomicPtr<WaitBlock>`), never an integer turned back into
//! one: the head of the list is the word's own pointer with the flags masked off
//! (`map_addr`), so the code is clean under strict provenance (`.ci/provenance.sh`).
//!
//! ## Memory orderings
//!
//! - Acquiring the lock (either mode) is an Acquire CAS; releasing it is a Release CAS
//!   or RMW on the same word, so a release synchronizes with the next acquire.
//! - Pushing a wait block is a Release CAS (publishes the block's fields); the list lock
//!   holder loads the word with Acquire after taking `WAKING`, so it sees the blocks.
//! - Taking the list lock is an Acquire RMW, dropping it a Release RMW, so edits made
//!   under it are seen by the next holder (release sequences carry this through the
//!   pushes and lock/unlock RMWs in between).
//! - `signaled` is a Release store paired with the owner's Acquire load.
//! - Shared holders that release through the tail count do so under the list lock; the
//!   last of them clears `LOCKED` with a Release RMW after taking the list lock with
//!   Acquire, so every reader's accesses happen before the next writer's.

use std::time::Instant;

use crate::sys::atomic::{AtomicPtr, Ordering};
use crate::verifier::{self, LockKind, Mode};

use super::wait_block::WaitBlock;

/// Held, shared or exclusive.
const LOCKED: usize = 1;
/// The high bits point at the newest wait block.
const WAITING: usize = 2;
/// The list lock: its holder may walk, edit and detach the wait list.
const WAKING: usize = 4;
/// Held shared while threads queue; the share count lives in the tail block.
const MULTIPLE_SHARED: usize = 8;
/// While nobody queues: the lock is free and the one exclusive waiter that was queued
/// has been woken and not retried yet; shared acquirers wait (invariant 9).
const WRITER_WOKEN: usize = MULTIPLE_SHARED;
/// All flag bits.
const FLAGS: usize = LOCKED | WAITING | WAKING | MULTIPLE_SHARED;
/// One shared holder, in the word's count (only while `WAITING` is clear; `LOCKED`
/// stays clear for shared holders then).
const SHARE_ONE: usize = 16;
/// Where the share count starts.
const SHARE_SHIFT: u32 = 4;

const _: () = assert!(core::mem::align_of::<WaitBlock>() > FLAGS);
const _: () = assert!(SHARE_ONE == 1 << SHARE_SHIFT && SHARE_ONE > FLAGS);

/// How many spin rounds an acquirer makes (re-reading the word after each) before it
/// queues and parks (SPEC P7). Round `i` pauses `2^i` times for the first
/// `SPIN_PAUSE_ROUNDS` rounds, then gives its time slice away once (`yield_now`), so an
/// oversubscribed holder gets to run and release. Spinning happens only while nobody
/// is queued. Zero under loom, where every spin is one more schedule to explore.
pub(crate) const SPIN_LIMIT: u32 = if cfg!(pushlock_loom) { 0 } else { 10 };
/// The spin rounds that pause instead of yielding (see [`SPIN_LIMIT`]).
pub(crate) const SPIN_PAUSE_ROUNDS: u32 = 4;

/// One value of the lock word (see the drawing above): a pointer whose address carries
/// the flags and either the share count or the newest wait block's address.
///
/// The word stays a pointer so that the wait list keeps its provenance (strict
/// provenance, issue 13 defect 4): flag and count changes go through `map_addr`, the
/// head is the word's own pointer with the flags masked off, a pushed block's pointer
/// becomes the word, and words without a list carry no provenance at all
/// (`without_provenance_mut`). Every transition of the table above is one of the pure
/// functions below; `word_tests.rs` checks them over every small word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Word(*mut WaitBlock);

impl Word {
    /// Free, nobody queued.
    pub(super) const FREE: Word = Word::from_bits(0);
    /// Held exclusive, nobody queued.
    pub(super) const EXCLUSIVE: Word = Word::from_bits(LOCKED);
    /// Held shared once, nobody queued (a downgrade's result).
    pub(super) const ONE_SHARE: Word = Word::from_bits(SHARE_ONE);

    /// A word without a wait list (no provenance needed: nothing is read through it).
    #[inline(always)]
    pub(super) const fn from_bits(bits: usize) -> Word {
        Word(core::ptr::without_provenance_mut(bits))
    }

    /// The word as stored in the lock's `AtomicPtr`.
    #[inline(always)]
    pub(super) fn from_ptr(ptr: *mut WaitBlock) -> Word {
        Word(ptr)
    }

    /// The pointer to store in the lock's `AtomicPtr`.
    #[inline(always)]
    pub(super) fn as_ptr(self) -> *mut WaitBlock {
        self.0
    }

    #[inline(always)]
    fn bits(self) -> usize {
        self.0.addr()
    }

    /// The same pointer (provenance kept) with other low bits.
    #[inline(always)]
    fn map_bits(self, f: impl FnOnce(usize) -> usize) -> Word {
        Word(self.0.map_addr(f))
    }

    // ---- predicates -------------------------------------------------------------

    /// Whether threads are queued (`WAITING`): the word points at the newest block.
    #[inline(always)]
    pub(super) fn is_queued(self) -> bool {
        self.bits() & WAITING != 0
    }

    /// Whether someone holds the list lock (`WAKING`).
    #[inline(always)]
    pub(super) fn is_list_locked(self) -> bool {
        self.bits() & WAKING != 0
    }

    /// While queued: whether the lock is held (either mode).
    #[inline(always)]
    pub(super) fn is_held_while_queued(self) -> bool {
        self.bits() & LOCKED != 0
    }

    /// While queued: whether the holders are shared, counted in the tail block.
    #[inline(always)]
    pub(super) fn is_shared_while_queued(self) -> bool {
        self.bits() & MULTIPLE_SHARED != 0
    }

    /// Whether a new shared acquire may succeed (P3: not while anyone queues).
    #[inline(always)]
    pub(super) fn is_shared_acquirable(self) -> bool {
        // Without WAITING the word is `count << 4` (shared or free), LOCKED (exclusive) or
        // WRITER_WOKEN (a woken writer is about to retry, invariant 9).
        self.bits() & (WAITING | LOCKED | WRITER_WOKEN) == 0
    }

    /// Whether an exclusive acquire may succeed (P6: even while anyone queues).
    #[inline(always)]
    pub(super) fn is_exclusive_acquirable(self) -> bool {
        if self.is_queued() {
            self.bits() & LOCKED == 0
        } else {
            self.bits() & !WRITER_WOKEN == 0
        }
    }

    /// Whether an acquire in this mode may succeed.
    #[inline(always)]
    pub(super) fn is_acquirable(self, exclusive: bool) -> bool {
        if exclusive {
            self.is_exclusive_acquirable()
        } else {
            self.is_shared_acquirable()
        }
    }

    /// Whether the word is held exclusive (`MULTIPLE_SHARED` implies `WAITING`).
    #[inline(always)]
    pub(super) fn is_exclusive(self) -> bool {
        self.bits() & (LOCKED | MULTIPLE_SHARED) == LOCKED
    }

    /// Whether the word is held in either mode.
    #[inline(always)]
    pub(super) fn is_locked(self) -> bool {
        if self.is_queued() {
            self.bits() & LOCKED != 0
        } else {
            self.bits() & !WRITER_WOKEN != 0
        }
    }

    /// Whether the word is `WRITER_WOKEN` (nobody queued, invariant 9).
    #[inline(always)]
    pub(super) fn is_writer_woken(self) -> bool {
        self.bits() == WRITER_WOKEN
    }

    /// The number of shared holders counted in the word (meaningful only while nobody
    /// queues; with waiters the count is in the tail block).
    #[inline(always)]
    pub(super) fn shares(self) -> usize {
        self.bits() >> SHARE_SHIFT
    }

    /// The newest wait block (meaningful only while queued): the word's own pointer, so
    /// it keeps the block's provenance.
    #[inline(always)]
    pub(super) fn head(self) -> *const WaitBlock {
        self.0.map_addr(|a| a & !FLAGS)
    }

    /// Invariant 1 (and a non-null head while queued): what every slow path asserts on
    /// entry in debug builds.
    pub(super) fn is_consistent(self) -> bool {
        let bits = self.bits();
        if self.is_queued() {
            bits & !FLAGS != 0 && (bits & MULTIPLE_SHARED == 0 || bits & LOCKED != 0)
        } else {
            // Free, exclusive, WRITER_WOKEN, or a share count with no flags.
            bits == LOCKED || bits == WRITER_WOKEN || bits & FLAGS == 0
        }
    }

    // ---- transitions (the table above) ------------------------------------------

    /// Taken exclusive. Only when [`is_exclusive_acquirable`](Self::is_exclusive_acquirable):
    /// then bit 3 is `WRITER_WOKEN` (cleared, invariant 9) or a clear `MULTIPLE_SHARED`.
    #[inline(always)]
    pub(super) fn with_exclusive_hold(self) -> Word {
        self.map_bits(|a| (a | LOCKED) & !WRITER_WOKEN)
    }

    /// One more shared holder. Only when [`is_shared_acquirable`](Self::is_shared_acquirable).
    #[inline(always)]
    pub(super) fn with_one_more_share(self) -> Word {
        // The count has `usize::BITS - 4` bits: overflowing it takes 2^60 holds, so the fast
        // path does not pay for a check (debug builds still make it).
        debug_assert!(
            self.bits() <= usize::MAX - SHARE_ONE,
            "push lock share count overflow"
        );
        Word::from_bits(self.bits().wrapping_add(SHARE_ONE))
    }

    /// Taken in this mode (see the two functions above).
    #[inline(always)]
    pub(super) fn with_hold(self, exclusive: bool) -> Word {
        if exclusive {
            self.with_exclusive_hold()
        } else {
            self.with_one_more_share()
        }
    }

    /// One holder leaves while nobody queues: exclusive frees the word, a shared holder
    /// takes one off the count.
    #[inline(always)]
    pub(super) fn without_one_hold(self) -> Word {
        debug_assert!(
            !self.is_queued() && self.bits() != 0,
            "release of a free push lock"
        );
        // Exclusive is exactly LOCKED (1 - 1 = 0); shared is `n << 4`, and `(n << 4) - 1`
        // is `(n - 1) << 4` plus low bits that the mask drops. No branch on the mode.
        Word::from_bits((self.bits() - 1) & !FLAGS)
    }

    /// The first waiter pushes `block` (nobody queued, the word held or
    /// `WRITER_WOKEN`): `WAITING`, `LOCKED` if held, `MULTIPLE_SHARED` if the count
    /// (which moves into `block`, the new tail, invariant 3) is not zero.
    #[inline(always)]
    pub(super) fn queued_first(self, block: *const WaitBlock) -> Word {
        let held = if self.is_locked() { LOCKED } else { 0 };
        let shared = if self.shares() > 0 {
            MULTIPLE_SHARED
        } else {
            0
        };
        Word(block.cast_mut()).map_bits(|a| a | WAITING | held | shared)
    }

    /// Another waiter pushes `block` in front of the list: the flags stay.
    #[inline(always)]
    pub(super) fn queued_behind(self, block: *const WaitBlock) -> Word {
        let flags = self.bits() & FLAGS;
        Word(block.cast_mut()).map_bits(|a| a | flags)
    }

    /// With the list lock taken (queued, not list-locked before).
    #[inline(always)]
    pub(super) fn with_list_lock(self) -> Word {
        self.map_bits(|a| a | WAKING)
    }

    /// With the list lock dropped (also: the tail detached alone, the rest queued).
    #[inline(always)]
    pub(super) fn without_list_lock(self) -> Word {
        self.map_bits(|a| a & !WAKING)
    }

    /// The exclusive holder releases while threads queue: free, and the list lock taken
    /// to wake (or left to its holder, which re-checks `LOCKED`, invariant 6).
    #[inline(always)]
    pub(super) fn released_exclusive_queued(self) -> Word {
        self.map_bits(|a| (a & !LOCKED) | WAKING)
    }

    /// The last shared holder counted in the tail block leaves (under the list lock).
    #[inline(always)]
    pub(super) fn released_last_share(self) -> Word {
        self.map_bits(|a| a & !(LOCKED | MULTIPLE_SHARED))
    }

    /// A downgrade with an exclusive waiter oldest: held shared, the tail counts us.
    #[inline(always)]
    pub(super) fn with_tail_share(self) -> Word {
        self.map_bits(|a| a | MULTIPLE_SHARED)
    }

    /// The word after a waker detached the whole list of a free lock: free, or
    /// `WRITER_WOKEN` when the list was one exclusive waiter (invariant 9).
    #[inline(always)]
    pub(super) fn detached(tail_exclusive: bool) -> Word {
        Word::from_bits(if tail_exclusive { WRITER_WOKEN } else { 0 })
    }

    /// A timed-out waiter unlinks the only block: the word takes back the tail's share
    /// count `shares` (read only when `MULTIPLE_SHARED`), or stays exclusive, or frees.
    /// This also drops the list lock.
    #[inline(always)]
    pub(super) fn unlinked_sole(self, shares: usize) -> Word {
        if shares > 0 {
            Word::from_bits(shares << SHARE_SHIFT)
        } else {
            Word::from_bits(self.bits() & LOCKED)
        }
    }

    /// A timed-out waiter unlinks the head block: `older` becomes the head, flags stay.
    #[inline(always)]
    pub(super) fn unlinked_head(self, older: *const WaitBlock) -> Word {
        self.queued_behind(older)
    }
}

/// The push lock (`EX_PUSH_LOCK`): a one-word reader/writer lock (SPEC P1-P8).
///
/// Exclusive excludes everyone, any number of shared holders coexist (P2). Writer
/// preference: no new shared acquire succeeds while anyone is queued, even when the lock
/// is held shared (P3). Not recursive (P4). One [`release`](Self::release) for both
/// modes (P5). Unfair: a newcomer may take a free lock although waiters queue (P6).
/// Waiters spin briefly, then sleep (P7). On release the oldest waiter is woken alone
/// if it wants exclusive, otherwise all waiters are woken, and they retry (P8).
///
/// Use [`PushLock<T>`](crate::PushLock) for a lock that owns its data; `RawPushLock` is
/// the kernel-style bare lock.
///
/// # Examples
///
/// ```
/// use pushlock::RawPushLock;
///
/// static LOCK: RawPushLock = RawPushLock::new();
/// assert_eq!(size_of::<RawPushLock>(), size_of::<usize>());
///
/// LOCK.acquire_shared();
/// assert!(LOCK.try_acquire_shared());
/// assert!(!LOCK.try_acquire_exclusive());
/// // SAFETY: we hold it shared, twice.
/// unsafe {
///     LOCK.release();
///     LOCK.release();
/// }
/// assert!(!LOCK.is_locked());
/// ```
#[derive(Debug)]
#[repr(transparent)]
pub struct RawPushLock {
    /// The [`Word`]; a pointer, so the wait list keeps its provenance.
    state: AtomicPtr<WaitBlock>,
}

impl Default for RawPushLock {
    fn default() -> Self {
        Self::new()
    }
}

// Under the verifier a dying lock leaves the lock-order graph, so that a later lock at
// the same address does not inherit its edges. Without the feature there is no `Drop`.
#[cfg(feature = "verifier")]
impl Drop for RawPushLock {
    fn drop(&mut self) {
        verifier::on_delete(self.addr(), LockKind::PushLock);
    }
}

impl RawPushLock {
    /// A free lock; `const`, so it can initialize a `static` (P1).
    ///
    /// # Examples
    ///
    /// ```
    /// static LOCK: pushlock::RawPushLock = pushlock::RawPushLock::new();
    /// assert!(!LOCK.is_locked());
    /// ```
    #[cfg(not(pushlock_loom))]
    #[inline]
    pub const fn new() -> Self {
        Self {
            state: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// A free lock (the loom model's twin of the `const fn`).
    #[cfg(pushlock_loom)]
    pub fn new() -> Self {
        Self {
            state: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    pub(super) fn addr(&self) -> usize {
        (self as *const Self).addr()
    }

    /// The word now.
    #[inline(always)]
    pub(super) fn load(&self, order: Ordering) -> Word {
        Word::from_ptr(self.state.load(order))
    }

    /// `compare_exchange_weak` on the word.
    #[inline(always)]
    pub(super) fn cas_weak(
        &self,
        current: Word,
        new: Word,
        success: Ordering,
        failure: Ordering,
    ) -> Result<Word, Word> {
        self.state
            .compare_exchange_weak(current.as_ptr(), new.as_ptr(), success, failure)
            .map(Word::from_ptr)
            .map_err(Word::from_ptr)
    }

    /// `compare_exchange` on the word.
    #[inline(always)]
    pub(super) fn cas(
        &self,
        current: Word,
        new: Word,
        success: Ordering,
        failure: Ordering,
    ) -> Result<Word, Word> {
        self.state
            .compare_exchange(current.as_ptr(), new.as_ptr(), success, failure)
            .map(Word::from_ptr)
            .map_err(Word::from_ptr)
    }

    /// Replaces the word by `next(word)` in a CAS loop (`success` ordering on the CAS
    /// that lands; the loads are Relaxed) and returns the word it replaced. Used where
    /// an integer word would take `fetch_and`/`fetch_or`, which `AtomicPtr` lacks.
    #[inline]
    pub(super) fn update(&self, success: Ordering, next: impl Fn(Word) -> Word) -> Word {
        let mut word = self.load(Ordering::Relaxed);
        loop {
            match self.cas_weak(word, next(word), success, Ordering::Relaxed) {
                Ok(previous) => return previous,
                Err(now) => word = now,
            }
        }
    }

    /// Acquires the lock exclusive, blocking until it is free
    /// (`FltAcquirePushLockExclusive`).
    ///
    /// Not recursive: a thread that holds the lock and calls this hangs (P4).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// assert!(lock.is_locked_exclusive());
    /// // SAFETY: we hold it.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_exclusive(&self) {
        let _attempt =
            verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Exclusive, || {
                self.has_waiters()
            });
        self.acquire_exclusive_internal();
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
    }

    /// Acquires the lock shared, blocking while it is held exclusive or anyone is queued
    /// (P3) (`FltAcquirePushLockShared`).
    ///
    /// A shared holder may acquire shared again while nobody queues (P4); behind a
    /// queued waiter that deadlocks.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_shared();
    /// lock.acquire_shared();
    /// assert!(lock.is_locked() && !lock.is_locked_exclusive());
    /// // SAFETY: we hold it shared twice.
    /// unsafe {
    ///     lock.release();
    ///     lock.release();
    /// }
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared(&self) {
        let _attempt =
            verifier::on_acquire_start(self.addr(), LockKind::PushLock, Mode::Shared, || {
                self.has_waiters()
            });
        let state = self.load(Ordering::Relaxed);
        // Acquire pairs with the Release of the last writer's release.
        if !(state.is_shared_acquirable()
            && self
                .cas_weak(
                    state,
                    state.with_one_more_share(),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_ok())
        {
            self.acquire_slow(false, None);
        }
        verifier::on_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
    }

    /// Takes the lock exclusive if it is free now, even if waiters are queued (P6);
    /// never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(lock.try_acquire_exclusive());
    /// assert!(!lock.try_acquire_exclusive());
    /// // SAFETY: we hold it.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_exclusive(&self) -> bool {
        verifier::on_try_start(self.addr(), LockKind::PushLock);
        let acquired = self.try_exclusive_now();
        if acquired {
            // A try cannot hang, so the verifier records the holding but checks no
            // recursion and adds no lock-order edge.
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Exclusive);
        }
        acquired
    }

    /// Takes the lock shared if it is not held exclusive and nobody is queued (P3);
    /// never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(lock.try_acquire_shared());
    /// assert!(lock.try_acquire_shared());
    /// assert!(!lock.try_acquire_exclusive());
    /// // SAFETY: we hold it shared twice.
    /// unsafe {
    ///     lock.release();
    ///     lock.release();
    /// }
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_shared(&self) -> bool {
        verifier::on_try_start(self.addr(), LockKind::PushLock);
        let acquired = self.try_shared_now();
        if acquired {
            // A try cannot hang, so the verifier records the holding but checks no
            // recursion and adds no lock-order edge.
            verifier::on_try_acquired(self.addr(), LockKind::PushLock, Mode::Shared);
        }
        acquired
    }

    /// A timed acquire (the `lock_api` timed traits and the loom twins): the fast
    /// attempt, then the queue until `deadline` (`None`: no deadline).
    #[track_caller]
    pub(super) fn acquire_until(&self, exclusive: bool, deadline: Option<Instant>) -> bool {
        let mode = if exclusive {
            Mode::Exclusive
        } else {
            Mode::Shared
        };
        let _attempt = verifier::on_acquire_start(self.addr(), LockKind::PushLock, mode, || {
            self.has_waiters()
        });
        let fast = if exclusive {
            self.try_exclusive_now()
        } else {
            self.try_shared_now()
        };
        let acquired = fast || self.acquire_slow(exclusive, deadline);
        if acquired {
            verifier::on_acquired(self.addr(), LockKind::PushLock, mode);
        }
        acquired
    }

    /// One attempt at exclusive, retried only while the word stays free.
    #[inline]
    fn try_exclusive_now(&self) -> bool {
        let mut state = self.load(Ordering::Relaxed);
        while state.is_exclusive_acquirable() {
            // Acquire pairs with the Release of the previous holder's release.
            match self.cas_weak(
                state,
                state.with_exclusive_hold(),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// One attempt at shared, retried only while the word stays shared-acquirable.
    #[inline]
    fn try_shared_now(&self) -> bool {
        let mut state = self.load(Ordering::Relaxed);
        while state.is_shared_acquirable() {
            // Acquire pairs with the Release of the last writer's release.
            match self.cas_weak(
                state,
                state.with_one_more_share(),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// Releases the lock, whichever mode the caller holds it in (P5,
    /// `FltReleasePushLock`). Wakes waiters per P8 when it frees the lock.
    ///
    /// # Safety
    ///
    /// - The calling thread holds the lock (shared or exclusive) and gives up one hold.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// // SAFETY: we hold it exclusive.
    /// unsafe { lock.release() };
    /// lock.acquire_shared();
    /// // SAFETY: we hold it shared; the same call releases it.
    /// unsafe { lock.release() };
    /// assert!(!lock.is_locked());
    /// ```
    #[inline]
    #[track_caller]
    pub unsafe fn release(&self) {
        verifier::on_release(self.addr(), LockKind::PushLock);
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
        }
        self.release_slow();
    }

    /// Releases an exclusive hold: one CAS when nobody queues (the `lock_api`
    /// `unlock_exclusive`, which knows the mode; [`release`](Self::release) reads it).
    ///
    /// # Safety
    ///
    /// - The calling thread holds the lock exclusive.
    #[inline]
    #[track_caller]
    #[cfg_attr(pushlock_loom, allow(dead_code))] // its caller, the lock_api impl, is not built under loom
    pub(super) unsafe fn release_exclusive(&self) {
        verifier::on_release(self.addr(), LockKind::PushLock);
        // SAFETY: the caller holds the lock exclusive (this function's contract).
        unsafe { self.release_exclusive_internal() };
    }

    /// Exclusive acquire without the verifier's bookkeeping: the lock protocol of
    /// [`acquire_exclusive`](Self::acquire_exclusive) (one CAS, else spin briefly,
    /// queue and park), which calls it between its hooks. Used alone for a push lock
    /// the crate uses inside another lock as a plain parking mutex (the resource's
    /// owner table): such a lock is never in a held list or the order graph, and its
    /// sections never take another lock.
    #[inline]
    pub(crate) fn acquire_exclusive_internal(&self) {
        // Acquire pairs with the Release of the previous holder's release.
        if self
            .cas_weak(
                Word::FREE,
                Word::EXCLUSIVE,
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_err()
        {
            self.acquire_slow(true, None);
        }
    }

    /// Releases an exclusive hold without the verifier's bookkeeping: one CAS when
    /// nobody queues, else the queue's hand-off (`release_exclusive` calls it after
    /// its hook).
    ///
    /// # Safety
    ///
    /// - The calling thread holds the lock exclusive.
    #[inline]
    pub(crate) unsafe fn release_exclusive_internal(&self) {
        // Release pairs with the Acquire of the next acquire.
        if self
            .cas(
                Word::EXCLUSIVE,
                Word::FREE,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_err()
        {
            self.release_slow();
        }
    }

    /// Whether the lock is held, in either mode.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(!lock.is_locked());
    /// lock.acquire_shared();
    /// assert!(lock.is_locked());
    /// // SAFETY: we hold it.
    /// unsafe { lock.release() };
    /// ```
    #[inline]
    pub fn is_locked(&self) -> bool {
        // Relaxed: a snapshot for queries; nothing is read through it.
        self.load(Ordering::Relaxed).is_locked()
    }

    /// Whether the lock is held exclusive.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// lock.acquire_exclusive();
    /// assert!(lock.is_locked_exclusive());
    /// // SAFETY: we hold it.
    /// unsafe { lock.release() };
    /// assert!(!lock.is_locked_exclusive());
    /// ```
    #[inline]
    pub fn is_locked_exclusive(&self) -> bool {
        // Relaxed: a snapshot for queries.
        self.load(Ordering::Relaxed).is_exclusive()
    }

    /// Whether any thread is queued on the lock (a snapshot). For the verifier (P4's
    /// shared re-acquire behind a queued waiter) and tests.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::RawPushLock::new();
    /// assert!(!lock.has_waiters());
    /// ```
    #[doc(hidden)]
    #[inline]
    pub fn has_waiters(&self) -> bool {
        // Relaxed: a snapshot for queries.
        self.load(Ordering::Relaxed).is_queued()
    }
}
