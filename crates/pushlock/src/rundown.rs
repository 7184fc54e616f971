//! Rundown protection (`EX_RUNDOWN_REF`): a one-word guard that lets teardown wait
//! until every user of an object has left, and refuses new users once it started.
//!
//! A driver takes a protection around each use of an object that may go away
//! (`ExAcquireRundownProtection`, which fails once teardown began) and drops it after
//! (`ExReleaseRundownProtection`); teardown calls `ExWaitForRundownProtectionRelease`,
//! which blocks until the last protection is released. Prior art read for ideas: the
//! kernel's `ExfWaitForRundownProtectionRelease` as ReactOS describes it (count in
//! units of two, the low bit marks rundown, the waiter's stack block holds the count
//! that is still out). Like the kernel, this is allocation-free and one word; unlike
//! the ReactOS sketch, the waiter parks on its own thread handle (no event object) and
//! the word reads "completed" as soon as the wait returns.
//!
//! ## State
//!
//! ```text
//!  active (no rundown yet):
//!   63                                              1   0
//!  +-------------------------------------------------+---+
//!  |        protections outstanding (count)          | 0 |
//!  +-------------------------------------------------+---+
//!
//!  rundown started, waiter parked:
//!  +-------------------------------------------------+---+
//!  |  address of the waiter's WaitBlock (non-null)   | 1 |
//!  +-------------------------------------------------+---+
//!
//!  rundown completed:   the value 1 (a null block with the bit set)
//! ```
//!
//! | bit / field | meaning |
//! |---|---|
//! | `RUNDOWN` (bit 0) | rundown started: every acquire fails |
//! | count (bits 1-63, `RUNDOWN` clear) | protections held now |
//! | block (bits 1-63, `RUNDOWN` set) | the waiter's [`WaitBlock`], which holds the count still out; null once rundown completed |
//!
//! ## Transitions
//!
//! | operation | from | to | made by |
//! |---|---|---|---|
//! | acquire `n` | `c<<1` | `(c+n)<<1` | `acquire_ex` |
//! | acquire fails | `…\|1` | unchanged | `acquire_ex` |
//! | release `n`, no rundown | `c<<1`, `c ≥ n` | `(c-n)<<1` | `release_ex` |
//! | release `n`, rundown | `B\|1`, `B.count ≥ n` | unchanged (`B.count -= n`; at 0 `B.done`) | `release_ex` |
//! | wait, nothing held | `0` | `1` | `wait_for_release` |
//! | wait, `c` held | `c<<1`, `c > 0` | `B\|1` (`B.count = c`) | `wait_for_release` |
//! | wait returns | `B\|1`, `B.done` | `1` | `wait_for_release` |
//! | completed | `1` | `1` | `completed` |
//! | reinitialize | `1` | `0` | `reinitialize` |
//!
//! Everything else is misuse and a bug check `0xC4` (sub-codes `0x1030`-`0x1033` in
//! [`crate::verifier_codes`]), with or without the verifier: a release of more than
//! is held, an acquire that would overflow the count, a second wait, `completed` or
//! `reinitialize` before rundown finished.
//!
//! ## Invariants
//!
//! 1. `RUNDOWN` clear ⇒ the high bits are the number of protections held. Once
//!    `RUNDOWN` is set no acquire succeeds until `reinitialize`.
//! 2. `RUNDOWN` set with a non-null block `B` ⇒ `B`'s owner is inside
//!    `wait_for_release` and stays there until it has seen `B.done`; `B.count` is the
//!    number of protections still held.
//! 3. `B.done` is set exactly once, by the releaser that takes `B.count` to 0, after it
//!    copied the thread handle out of `B`; nobody touches `B` after setting `done`
//!    (the waiter may return and its stack frame go at once).
//! 4. A releaser touches `B` only while it still holds a protection counted in
//!    `B.count` (its own, which keeps `B.count > 0`, so `done` is not set and `B` is
//!    alive by 2). A release without a matching acquire breaks this; it is caught as
//!    an underflow whenever it is not racing the last genuine release, and a release
//!    after the wait returned finds the word `1` and is caught always.
//! 5. Only the waiter changes the word while `RUNDOWN` is set (`B\|1` to `1`), and
//!    only `reinitialize` clears `RUNDOWN`, from `1`.
//!
//! The word is a pointer (`AtomicPtr<WaitBlock>`): counts carry no provenance
//! (`without_provenance_mut`), the block is the waiter's own pointer with the bit
//! set (`map_addr`), so the code is clean under strict provenance.
//!
//! ## Memory orderings
//!
//! - A successful acquire is an Acquire CAS, pairing with the Release store in
//!   `reinitialize` (a user of a reinitialized object sees its new setup).
//! - A release is a Release RMW: on the word (before rundown) or on `B.count`
//!   (during rundown). The waiter's AcqRel CAS that installs `B` acquires the word's
//!   releases; the `B.count` RMWs form one release sequence, so the releaser that
//!   takes it to 0 (AcqRel) has acquired every other; its Release store of `B.done`
//!   pairs with the waiter's Acquire load. So every protected access happens before
//!   `wait_for_release` returns.
//! - The waiter's CAS also releases `B`'s fields (count, thread) to the releasers,
//!   which load the word with Acquire before reading `B`.

use crate::sys::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use crate::sys::{self, Thread};
use crate::verifier::stops::{
    RUNDOWN_BAD_STATE, RUNDOWN_COUNT_OVERFLOW, RUNDOWN_RELEASE_NOT_ACQUIRED, RUNDOWN_WAIT_TWICE,
};

/// Rundown has started (acquires fail); with a block, a waiter is parked.
const RUNDOWN: usize = 1;
/// One protection, in the word's count.
const COUNT_ONE: usize = 2;
/// The most protections the word can count.
const MAX_COUNT: usize = usize::MAX >> 1;

/// The waiter's block, on its stack while it waits (invariant 2).
// Aligned so that bit 0 of its address is free for `RUNDOWN`.
#[repr(align(8))]
struct WaitBlock {
    /// Protections still held.
    count: AtomicUsize,
    /// Set by the releaser that took `count` to 0 (invariant 3).
    done: AtomicBool,
    /// The waiter, for that releaser to unpark.
    thread: Thread,
}

const _: () = assert!(core::mem::align_of::<WaitBlock>() > RUNDOWN);

/// Rundown protection: `EX_RUNDOWN_REF`, one word.
///
/// Users of an object call [`acquire`](Self::acquire) before each use (it returns
/// `false` once teardown began) and [`release`](Self::release) after; teardown calls
/// [`wait_for_release`](Self::wait_for_release), which refuses new acquires and
/// blocks, parked, until every protection was released. [`reinitialize`](Self::reinitialize)
/// makes a run-down reference usable again.
///
/// The protection is a count, not an owner record: any thread may release a
/// protection another acquired (drivers hand them to work items).
///
/// # Examples
///
/// ```
/// use pushlock::RundownRef;
///
/// let rundown = RundownRef::new();
/// assert!(rundown.acquire());
/// // … use the object …
/// rundown.release();
///
/// rundown.wait_for_release(); // teardown: nothing is held, returns at once
/// assert!(!rundown.acquire());
/// rundown.reinitialize();
/// assert!(rundown.acquire());
/// rundown.release();
/// ```
#[derive(Debug)]
pub struct RundownRef {
    word: AtomicPtr<WaitBlock>,
}

// SAFETY: the word is an atomic; the blocks it points to are only reached under the
// protocol above (invariants 2-4), and `Thread` is `Send + Sync`.
unsafe impl Send for RundownRef {}
// SAFETY: as for `Send`.
unsafe impl Sync for RundownRef {}

impl Default for RundownRef {
    fn default() -> Self {
        Self::new()
    }
}

impl RundownRef {
    /// A reference with no protections held and no rundown
    /// (`ExInitializeRundownProtection`).
    ///
    /// # Examples
    ///
    /// ```
    /// static TEARDOWN: pushlock::RundownRef = pushlock::RundownRef::new();
    /// assert!(TEARDOWN.acquire());
    /// TEARDOWN.release();
    /// ```
    #[cfg(not(pushlock_loom))]
    pub const fn new() -> Self {
        Self {
            word: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// A reference with no protections held (the loom model's twin of the `const fn`).
    #[cfg(pushlock_loom)]
    pub fn new() -> Self {
        Self {
            word: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    fn addr(&self) -> usize {
        (self as *const Self).addr()
    }

    /// Takes one protection; `false` once rundown started
    /// (`ExAcquireRundownProtection`).
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1033` if the count would overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// assert!(rundown.acquire());
    /// rundown.release();
    /// ```
    #[inline]
    #[track_caller]
    #[must_use = "a failed acquire means the object is being torn down"]
    pub fn acquire(&self) -> bool {
        self.acquire_ex(1)
    }

    /// Takes `count` protections at once; `false` (taking none) once rundown started
    /// (`ExAcquireRundownProtectionEx`). `count == 0` succeeds unless rundown started.
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1033` if the count would overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// assert!(rundown.acquire_ex(3));
    /// rundown.release_ex(3);
    /// ```
    #[inline]
    #[track_caller]
    #[must_use = "a failed acquire means the object is being torn down"]
    pub fn acquire_ex(&self, count: usize) -> bool {
        // S1: stress points before the attempt and inside a successful one.
        #[cfg(all(feature = "verifier", not(pushlock_loom)))]
        crate::stress::point(crate::stress::Point::Acquire);
        let mut word = self.word.load(Ordering::Relaxed);
        loop {
            if word.addr() & RUNDOWN != 0 {
                return false;
            }
            let held = word.addr() >> 1;
            let Some(new) = held.checked_add(count).filter(|&new| new <= MAX_COUNT) else {
                self.overflow(held, count);
            };
            // Acquire pairs with the Release store in `reinitialize`; a failed CAS
            // only re-reads.
            match self.word.compare_exchange_weak(
                word,
                core::ptr::without_provenance_mut(new * COUNT_ONE),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
                    crate::stress::point(crate::stress::Point::Acquired);
                    return true;
                }
                Err(now) => word = now,
            }
        }
    }

    /// Drops one protection (`ExReleaseRundownProtection`); the last one released
    /// during a rundown wakes the waiter.
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1030` if no protection is held.
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// assert!(rundown.acquire());
    /// rundown.release();
    /// ```
    #[inline]
    #[track_caller]
    pub fn release(&self) {
        self.release_ex(1)
    }

    /// Drops `count` protections at once (`ExReleaseRundownProtectionEx`).
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1030` if fewer than `count` protections are held.
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// assert!(rundown.acquire_ex(2));
    /// rundown.release_ex(2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn release_ex(&self, count: usize) {
        // S1: a stress point before the protection is dropped.
        #[cfg(all(feature = "verifier", not(pushlock_loom)))]
        crate::stress::point(crate::stress::Point::Release);
        let mut word = self.word.load(Ordering::Relaxed);
        while word.addr() & RUNDOWN == 0 {
            let held = word.addr() >> 1;
            if held < count {
                self.not_acquired(held, count);
            }
            // Release pairs with the waiter's AcqRel CAS (and the next acquirer needs
            // nothing from us); a failed CAS only re-reads.
            match self.word.compare_exchange_weak(
                word,
                core::ptr::without_provenance_mut((held - count) * COUNT_ONE),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(now) => word = now,
            }
        }
        self.release_during_rundown(count);
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn release_during_rundown(&self, count: usize) {
        // Acquire pairs with the waiter's AcqRel CAS that published the block.
        let word = self.word.load(Ordering::Acquire);
        debug_assert!(
            word.addr() & RUNDOWN != 0,
            "RUNDOWN never clears under a holder"
        );
        let block = word.map_addr(|addr| addr & !RUNDOWN);
        if block.is_null() {
            // Rundown completed: every protection was released already.
            self.not_acquired(0, count);
        }
        // SAFETY: the block is alive: we hold a protection counted in it, so its count
        // is not 0 and its owner is still waiting (invariants 2 and 4).
        let block = unsafe { &*block };
        let mut held = block.count.load(Ordering::Relaxed);
        loop {
            if held < count {
                self.not_acquired(held, count);
            }
            // AcqRel: Release publishes our protected accesses; Acquire makes the
            // releaser that reaches 0 see every earlier one (release sequence).
            match block.count.compare_exchange_weak(
                held,
                held - count,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => held = now,
            }
        }
        if held == count {
            // We took the count to 0: wake the waiter. Copy the handle first; after
            // `done` the block may be gone (invariant 3).
            let thread = block.thread.clone();
            // Release pairs with the waiter's Acquire load of `done`.
            block.done.store(true, Ordering::Release);
            thread.unpark();
        }
    }

    /// Starts rundown and waits until every protection was released
    /// (`ExWaitForRundownProtectionRelease`): acquires fail from the moment it is
    /// called; the caller parks (no spinning) until the last release wakes it. When
    /// it returns rundown is complete ([`completed`](Self::completed) is implied).
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1031` if rundown already started (a second wait, before
    /// [`reinitialize`](Self::reinitialize)).
    ///
    /// # Examples
    ///
    /// ```
    /// use pushlock::RundownRef;
    /// use std::sync::Arc;
    ///
    /// let rundown = Arc::new(RundownRef::new());
    /// assert!(rundown.acquire());
    /// let user = {
    ///     let rundown = Arc::clone(&rundown);
    ///     std::thread::spawn(move || rundown.release())
    /// };
    /// rundown.wait_for_release(); // returns once the user released
    /// assert!(!rundown.acquire());
    /// user.join().unwrap();
    /// ```
    #[track_caller]
    pub fn wait_for_release(&self) {
        crate::verifier::on_rundown_wait(self.addr());
        // S1: a stress point before the wait starts.
        #[cfg(all(feature = "verifier", not(pushlock_loom)))]
        crate::stress::point(crate::stress::Point::Wait);
        let mut word = self.word.load(Ordering::Relaxed);
        let block = WaitBlock {
            count: AtomicUsize::new(0),
            done: AtomicBool::new(false),
            thread: sys::current_thread(),
        };
        loop {
            if word.addr() & RUNDOWN != 0 {
                self.wait_twice(word.addr() == RUNDOWN);
            }
            let held = word.addr() >> 1;
            if held == 0 {
                // Nothing held: completed at once. Acquire pairs with the releases
                // that brought the count to 0.
                match self.word.compare_exchange_weak(
                    word,
                    core::ptr::without_provenance_mut(RUNDOWN),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return,
                    Err(now) => {
                        word = now;
                        continue;
                    }
                }
            }
            // Published by the Release half of the CAS below.
            block.count.store(held, Ordering::Relaxed);
            let tagged = (&block as *const WaitBlock as *mut WaitBlock).map_addr(|a| a | RUNDOWN);
            // AcqRel: Acquire pairs with the Release CASes of the releases before;
            // Release publishes the block to the releases after.
            match self
                .word
                .compare_exchange_weak(word, tagged, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(now) => word = now,
            }
        }
        // Acquire pairs with the last releaser's Release store (invariant 3).
        while !block.done.load(Ordering::Acquire) {
            sys::park();
        }
        // Only we change the word now (invariant 5); the value carries no data.
        self.word.store(
            core::ptr::without_provenance_mut(RUNDOWN),
            Ordering::Relaxed,
        );
    }

    /// Marks rundown complete (`ExRundownCompleted`). [`wait_for_release`](Self::wait_for_release)
    /// already leaves the reference completed, so this only checks the state.
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1032` unless rundown has finished (no wait yet, or one
    /// still in progress).
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// rundown.wait_for_release();
    /// rundown.completed();
    /// ```
    #[track_caller]
    pub fn completed(&self) {
        let word = self.word.load(Ordering::Relaxed);
        if word.addr() != RUNDOWN {
            self.bad_state("ExRundownCompleted", word.addr());
        }
    }

    /// Makes a run-down reference usable again, with no protections held
    /// (`ExReInitializeRundownProtection`).
    ///
    /// # Panics
    ///
    /// Bug check `0xC4`/`0x1032` unless rundown has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// rundown.wait_for_release();
    /// rundown.reinitialize();
    /// assert!(rundown.acquire());
    /// rundown.release();
    /// ```
    #[track_caller]
    pub fn reinitialize(&self) {
        let word = self.word.load(Ordering::Relaxed);
        if word.addr() != RUNDOWN {
            self.bad_state("ExReInitializeRundownProtection", word.addr());
        }
        // Release pairs with the Acquire CAS of the next successful acquire.
        self.word.store(core::ptr::null_mut(), Ordering::Release);
    }

    /// Whether rundown has started (a wait was called and no reinitialize since).
    ///
    /// # Examples
    ///
    /// ```
    /// let rundown = pushlock::RundownRef::new();
    /// assert!(!rundown.is_run_down());
    /// rundown.wait_for_release();
    /// assert!(rundown.is_run_down());
    /// ```
    pub fn is_run_down(&self) -> bool {
        self.word.load(Ordering::Relaxed).addr() & RUNDOWN != 0
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn not_acquired(&self, held: usize, count: usize) -> ! {
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [RUNDOWN_RELEASE_NOT_ACQUIRED, self.addr(), held, count],
            format!(
                "release of {count} rundown protection(s) on {:#x} at {}, but only {held} \
                 held (a release without a matching acquire)",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn overflow(&self, held: usize, count: usize) -> ! {
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [RUNDOWN_COUNT_OVERFLOW, self.addr(), held, count],
            format!(
                "acquire of {count} rundown protection(s) on {:#x} at {} overflows the \
                 count ({held} held)",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn wait_twice(&self, completed: bool) -> ! {
        let what = if completed {
            "rundown already completed (call reinitialize first)"
        } else {
            "another thread is already waiting"
        };
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [
                RUNDOWN_WAIT_TWICE,
                self.addr(),
                sys::thread_id(),
                usize::from(completed),
            ],
            format!(
                "second wait_for_release on rundown reference {:#x} at {}: {what}",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn bad_state(&self, call: &str, word: usize) -> ! {
        let state = if word & RUNDOWN == 0 {
            "rundown has not started"
        } else {
            "a wait for rundown is still in progress"
        };
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [RUNDOWN_BAD_STATE, self.addr(), word & RUNDOWN, word >> 1],
            format!(
                "{call} on rundown reference {:#x} at {}: {state}",
                self.addr(),
                std::panic::Location::caller()
            ),
        )
    }
}
