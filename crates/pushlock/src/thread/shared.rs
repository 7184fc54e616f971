//! [`ThreadShared`]: the part of a thread's state that other threads reach through a
//! [`super::ThreadHandle`]: its identity and name, its APC queue behind a mutex, an
//! `exited` flag set when the thread exits, and the thread's parker handle so that
//! [`super::queue_apc`] can wake a thread in [`super::sleep_alertable`] at once.
//!
//! Invariants:
//! 1. `queue.exited` only goes from false to true, under the mutex; after that the
//!    queue stays empty (the exit drained it, and `queue_apc` checks the flag under the
//!    same mutex), so nothing is leaked.
//! 2. `pending` is true whenever `queue.apcs` is non-empty (set under the mutex after
//!    pushing, cleared under the mutex when the queue is seen empty). It may be true
//!    with an empty queue for a moment; readers then find nothing to run.
//!
//! The mutex and the `pending` hint are std's, not the `sys` seam's: APCs are the
//! simulated thread's bookkeeping, not lock state, and no loom model queues one (the
//! hint's only reader re-checks under the mutex).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

pub(super) type Apc = Box<dyn FnOnce() + Send + 'static>;

pub(super) struct Queue {
    pub(super) exited: bool,
    pub(super) apcs: VecDeque<Apc>,
}

/// The part of a thread's state that other threads reach through a [`ThreadHandle`].
pub(crate) struct ThreadShared {
    id: usize,
    name: Option<String>,
    pub(super) thread: crate::sys::Thread,
    queue: Mutex<Queue>,
    /// A cheap "is there anything to run" for the leave-region path (Invariant 2).
    pub(super) pending: AtomicBool,
}

impl ThreadShared {
    /// The calling thread's shared part, `exited` already set: the handle of a thread
    /// asked for while its thread-locals are being destroyed (APCs queued to it are
    /// dropped).
    pub(super) fn for_exiting_thread() -> Self {
        let shared = Self::for_current_thread();
        shared.mark_exited();
        shared
    }

    pub(super) fn for_current_thread() -> Self {
        let thread = crate::sys::current_thread();
        Self {
            id: crate::sys::thread_id(),
            name: thread.name().map(str::to_owned),
            thread,
            queue: Mutex::new(Queue {
                exited: false,
                apcs: VecDeque::new(),
            }),
            pending: AtomicBool::new(false),
        }
    }

    pub(super) fn id(&self) -> usize {
        self.id
    }

    pub(super) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub(super) fn has_exited(&self) -> bool {
        self.lock().exited
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Queue> {
        // An APC never runs under this mutex, so a poisoned one only means a panic in
        // our own short sections; the queue is still consistent.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The thread is exiting (Invariant 1): drops what is still queued, reporting it.
    pub(super) fn mark_exited(&self) {
        let dropped: VecDeque<Apc> = {
            let mut queue = self.lock();
            queue.exited = true;
            // Relaxed: under the mutex, which orders it with every push (Invariant 2).
            self.pending.store(false, Ordering::Relaxed);
            std::mem::take(&mut queue.apcs)
        };
        if !dropped.is_empty() {
            eprintln!(
                "pushlock: thread {:#x} ({}) exited with {} APC(s) pending; dropped",
                self.id,
                self.name().unwrap_or("unnamed"),
                dropped.len()
            );
        }
        // Dropped here, outside the mutex: an APC's captures may run arbitrary drops.
        drop(dropped);
    }

    pub(super) fn pop(&self) -> Option<Apc> {
        let mut queue = self.lock();
        let apc = queue.apcs.pop_front();
        if queue.apcs.is_empty() {
            // Relaxed: the mutex orders this with the next push (Invariant 2).
            self.pending.store(false, Ordering::Relaxed);
        }
        apc
    }
}
