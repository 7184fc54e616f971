//! A2: normal APCs: closures queued to a thread, run on it outside critical regions.
//!
//! The queue lives in the target thread's [`ThreadShared`] (its invariants are in
//! `shared.rs`); this file queues to it and delivers from it.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::handle::ThreadHandle;
use super::local::{self, LOCAL};
use super::shared::Apc;

/// Runs every APC queued to the calling thread; returns whether any ran. The caller
/// checked that the thread is outside any critical region at `PASSIVE_LEVEL`.
#[cold]
pub(super) fn deliver() -> bool {
    let Some(shared) = local::existing_shared() else {
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
                shared.id(),
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
    local::apcs_pending() && deliver()
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
    let _ = local::shared();
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
