//! The wait block: what a queued thread leaves behind in the lock's list while it sleeps.
//!
//! A wait block lives on its owner's stack, inside the owner's acquire call, for as long
//! as it is reachable from the lock word (invariant 4 of `raw.rs`). Its list fields
//! (`next`, `share_count`) are written by the owner before the push that publishes it and
//! afterwards only by the holder of the list lock (`WAKING`); `exclusive` and `thread`
//! never change after the push; `signaled` is the one field written from outside the
//! list lock, by the waker, as the last thing it does with the block.

use core::ptr;

use crate::sys::atomic::{AtomicBool, Ordering};
use crate::sys::{Thread, UnsafeCell};

/// One queued thread. 16-byte aligned so that the four low bits of its address are free
/// for the lock word's flags.
#[repr(C, align(16))]
pub(super) struct WaitBlock {
    /// The next older block, null at the tail (the oldest block).
    next: UnsafeCell<*const WaitBlock>,
    /// In the tail block while `MULTIPLE_SHARED` is set: how many threads hold the lock
    /// shared. Meaningless elsewhere.
    share_count: UnsafeCell<usize>,
    /// Whether the owner wants the lock exclusive.
    exclusive: bool,
    /// The owner, for the waker to unpark.
    thread: Thread,
    /// Set (Release) by the waker once the block is out of the list and the waker has
    /// copied what it needs; after that the owner may return and the block is gone.
    signaled: AtomicBool,
}

impl WaitBlock {
    /// A block for the calling thread, not yet in any list.
    pub(super) fn new(exclusive: bool) -> Self {
        Self {
            next: UnsafeCell::new(ptr::null()),
            share_count: UnsafeCell::new(0),
            exclusive,
            thread: crate::sys::current_thread(),
            signaled: AtomicBool::new(false),
        }
    }

    /// Whether the owner wants the lock exclusive (never changes).
    pub(super) fn is_exclusive(&self) -> bool {
        self.exclusive
    }

    /// The next older block, null at the tail.
    ///
    /// # Safety
    ///
    /// The caller is the owner and the block is not published, or the caller holds the
    /// list lock (`WAKING`) and the block is in the list, or the caller detached the
    /// block from the list and has not signaled it yet.
    pub(super) unsafe fn next(&self) -> *const WaitBlock {
        // SAFETY: by the caller's contract nobody writes `next` concurrently.
        self.next.with(|p| unsafe { *p })
    }

    /// Sets the next older block.
    ///
    /// # Safety
    ///
    /// As for [`WaitBlock::next`].
    pub(super) unsafe fn set_next(&self, next: *const WaitBlock) {
        // SAFETY: by the caller's contract nobody reads or writes `next` concurrently.
        self.next.with_mut(|p| unsafe { *p = next });
    }

    /// The share count kept in the tail block.
    ///
    /// # Safety
    ///
    /// As for [`WaitBlock::next`].
    pub(super) unsafe fn share_count(&self) -> usize {
        // SAFETY: by the caller's contract nobody writes `share_count` concurrently.
        self.share_count.with(|p| unsafe { *p })
    }

    /// Sets the share count kept in the tail block.
    ///
    /// # Safety
    ///
    /// As for [`WaitBlock::next`].
    pub(super) unsafe fn set_share_count(&self, count: usize) {
        // SAFETY: by the caller's contract nobody reads or writes it concurrently.
        self.share_count.with_mut(|p| unsafe { *p = count });
    }

    /// Whether a waker has finished with this block (the owner may return).
    pub(super) fn is_signaled(&self) -> bool {
        // Acquire pairs with the Release store in `signal`: the owner sees everything the
        // waker did before letting it go.
        self.signaled.load(Ordering::Acquire)
    }

    /// Lets the owner of `block` go: copies the thread handle out, publishes
    /// `signaled`, then unparks the copy.
    ///
    /// # Safety
    ///
    /// - `block` is valid: it was detached from the list by the caller (under the list
    ///   lock) and not signaled since, so its owner is still waiting for this call.
    pub(super) unsafe fn signal(block: *const WaitBlock) {
        // SAFETY: valid by the contract; the owner cannot leave before `signaled`.
        let thread = unsafe { (*block).thread.clone() };
        // Release pairs with the Acquire in `is_signaled`. After this store the block may
        // be gone: touch only the copied handle.
        // SAFETY: still valid up to and including this store.
        unsafe { (*block).signaled.store(true, Ordering::Release) };
        thread.unpark();
    }

    /// Signals every block of a detached chain, newest first.
    ///
    /// # Safety
    ///
    /// - `head` is null or the newest block of a chain the caller detached from the lock
    ///   word (under the list lock); no block of it has been signaled.
    pub(super) unsafe fn signal_all(head: *const WaitBlock) {
        let mut block = head;
        while !block.is_null() {
            // Read the link before the signal: afterwards the block may be gone.
            // SAFETY: detached by the caller, unsignaled, so valid and ours alone.
            let next = unsafe { (*block).next() };
            // SAFETY: detached by the caller and unsignaled.
            unsafe { Self::signal(block) };
            block = next;
        }
    }
}

/// Where a block sits in a list, as [`find_predecessor`] reports it.
pub(super) enum Position {
    /// Not reachable from the head.
    Absent,
    /// It is the head (the newest block).
    Head,
    /// It follows this newer block.
    After(*const WaitBlock),
}

/// The tail (oldest block) of the list starting at `head`, and the block before it
/// (null when the tail is the head).
///
/// # Safety
///
/// - `head` is non-null and the caller holds the list lock, so every block reachable
///   from it is valid (invariant 4).
pub(super) unsafe fn find_tail(head: *const WaitBlock) -> (*const WaitBlock, *const WaitBlock) {
    let mut before = ptr::null();
    let mut block = head;
    loop {
        // SAFETY: reachable from the head under the list lock, so valid (invariant 4).
        let next = unsafe { (*block).next() };
        if next.is_null() {
            return (block, before);
        }
        before = block;
        block = next;
    }
}

/// Where `target` sits in the list starting at `head` (null for an empty list).
///
/// # Safety
///
/// - As for [`find_tail`], except that `head` may be null.
pub(super) unsafe fn find_predecessor(
    head: *const WaitBlock,
    target: *const WaitBlock,
) -> Position {
    if head == target {
        return Position::Head;
    }
    let mut block = head;
    while !block.is_null() {
        // SAFETY: reachable from the head under the list lock, so valid (invariant 4).
        let next = unsafe { (*block).next() };
        if next == target {
            return Position::After(block);
        }
        block = next;
    }
    Position::Absent
}

/// How many blocks the list starting at `head` holds.
///
/// # Safety
///
/// - As for [`find_predecessor`].
pub(super) unsafe fn count(head: *const WaitBlock) -> usize {
    let mut n = 0;
    let mut block = head;
    while !block.is_null() {
        n += 1;
        // SAFETY: reachable from the head under the list lock, so valid (invariant 4).
        block = unsafe { (*block).next() };
    }
    n
}
