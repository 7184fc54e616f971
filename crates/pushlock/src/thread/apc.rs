//! A2: normal APCs: closures queued to a thread, run on it outside critical regions.
//!
//! Each thread that asked for its handle has a [`ThreadShared`] (in an `Arc` the
//! handles share) holding its APC queue behind a mutex, an `exited` flag set by the
//! thread-local destructor, and the thread's parker handle so that [`queue_apc`] can
//! wake a thread in [`sleep_alertable`] at once.
//!
//! Invariants:
//! 1. `queue.exited` only goes from false to true, under the mutex; after that the
//!    queue stays empty (the destructor drained it, and `queue_apc` checks the flag
//!    under the same mutex), so nothing is leaked.
//! 2. `pending` is true whenever `queue.apcs` is non-empty (set under the mutex after
//!    pushing, cleared under the mutex when the queue is seen empty). It may be true
//!    with an empty queue for a moment; readers then find nothing to run.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::handle::ThreadHandle;
use super::local::{LOCAL, Local};

type Apc = Box<dyn FnOnce() + Send + 'static>;

struct Queue {
    exited: bool,
    apcs: VecDeque<Apc>,
}

/// The part of a thread's state that other threads reach through a [`ThreadHandle`].
pub(crate) struct ThreadShared {
    id: usize,
    name: Option<String>,
    thread: crate::sys::Thread,
    queue: Mutex<Queue>,
    /// A cheap "is there anything to run" for the leave-region path (Invariant 2).
    pending: AtomicBool,
}

impl ThreadShared {
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

    fn lock(&self) -> MutexGuard<'_, Queue> {
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

    fn pop(&self) -> Option<Apc> {
        let mut queue = self.lock();
        let apc = queue.apcs.pop_front();
        if queue.apcs.is_empty() {
            // Relaxed: the mutex orders this with the next push (Invariant 2).
            self.pending.store(false, Ordering::Relaxed);
        }
        apc
    }
}

/// Whether the calling thread has APCs queued (cheap; used by the leave-region path).
#[inline]
pub(super) fn pending(local: &Local) -> bool {
    local
        .shared
        .get()
        // Acquire pairs with the Release store in `queue_apc`; the mutex in `deliver`
        // does the real synchronisation, this is only the hint.
        .is_some_and(|shared| shared.pending.load(Ordering::Acquire))
}

/// Runs every APC queued to the calling thread; returns whether any ran. The caller
/// checked that the thread is outside any critical region at `PASSIVE_LEVEL`.
#[cold]
pub(super) fn deliver() -> bool {
    let Some(shared) = LOCAL.with(|local| local.shared.get().cloned()) else {
        return false;
    };
    let mut ran = false;
    while deliverable() {
        let Some(apc) = shared.pop() else { break };
        apc();
        ran = true;
    }
    ran
}

/// Whether an APC may run now: outside any critical region, below `APC_LEVEL`.
fn deliverable() -> bool {
    LOCAL.with(|local| local.depth.get() == 0 && local.irql.get() == 0)
}

/// Queues `f` to run on `thread` (`KeInsertQueueApc` of a normal kernel APC).
///
/// `f` runs on the target thread, never inside a critical region and never at
/// `APC_LEVEL` or above: when the thread leaves its outermost critical region, lowers
/// its IRQL to `PASSIVE_LEVEL` outside a region, calls [`test_alert`], or sleeps in
/// [`sleep_alertable`] (which is woken at once). A thread that never reaches such a
/// point never runs it.
///
/// If the thread has exited, `f` is dropped (not run, not leaked), the drop is
/// reported on standard error. APCs still pending when the
/// thread exits are dropped the same way.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// let (tx, rx) = mpsc::channel();
/// let target = std::thread::spawn(move || {
///     tx.send(pushlock::thread::current()).unwrap();
///     while !pushlock::thread::sleep_alertable(Duration::from_secs(5)) {}
///     std::thread::current().id()
/// });
/// let handle = rx.recv().unwrap();
/// let (ran_on_tx, ran_on) = mpsc::channel();
/// pushlock::thread::queue_apc(&handle, move || {
///     ran_on_tx.send(std::thread::current().id()).unwrap();
/// });
/// assert_eq!(ran_on.recv().unwrap(), target.join().unwrap());
/// ```
pub fn queue_apc(thread: &ThreadHandle, f: impl FnOnce() + Send + 'static) {
    let shared = &thread.shared;
    let rejected: Option<Apc> = {
        let mut queue = shared.lock();
        if queue.exited {
            Some(Box::new(f))
        } else {
            queue.apcs.push_back(Box::new(f));
            // Release pairs with the Acquire load in `pending`.
            shared.pending.store(true, Ordering::Release);
            None
        }
    };
    match rejected {
        Some(apc) => {
            eprintln!(
                "pushlock: APC queued to thread {:#x} ({}), which has exited; dropped",
                shared.id,
                shared.name().unwrap_or("unnamed")
            );
            drop(apc);
        }
        None => shared.thread.unpark(),
    }
}

/// An alertable point (`KeTestAlertThread`): runs the APCs queued to the calling
/// thread, if it is outside any critical region at `PASSIVE_LEVEL`. Returns whether
/// any APC ran.
///
/// # Examples
///
/// ```
/// assert!(!pushlock::thread::test_alert());
/// pushlock::thread::queue_apc(&pushlock::thread::current(), || ());
/// assert!(pushlock::thread::test_alert());
/// ```
pub fn test_alert() -> bool {
    if !deliverable() {
        return false;
    }
    let pending = LOCAL.with(pending);
    pending && deliver()
}

/// An alertable sleep (`KeDelayExecutionThread` with `Alertable = TRUE`): sleeps for
/// `duration`, but returns early, `true`, as soon as an APC ran on this thread (APCs
/// queued meanwhile wake it at once). Inside a critical region or at `APC_LEVEL` and
/// above no APC runs and it sleeps the whole duration. Returns `false` when the time
/// ran out without an APC.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// assert!(!pushlock::thread::sleep_alertable(Duration::from_millis(1)));
/// ```
pub fn sleep_alertable(duration: Duration) -> bool {
    let deadline = Instant::now().checked_add(duration);
    // Make sure a handle exists, so a waker knows whom to unpark.
    let _ = super::local::shared();
    loop {
        if test_alert() {
            return true;
        }
        let remaining = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left,
                _ => return false,
            },
            None => Duration::from_secs(3600),
        };
        crate::sys::park_timeout(remaining);
    }
}
