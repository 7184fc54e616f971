//! The loom backend: loom's model types, so `tests/loom_*.rs` explore every
//! interleaving of the lock algorithms.

use std::time::Duration;

pub(crate) mod atomic {
    #[allow(unused_imports)]
    pub(crate) use loom::sync::atomic::fence;
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
}

pub(crate) use loom::cell::UnsafeCell;
pub(crate) use loom::thread::Thread;

pub(crate) fn current_thread() -> Thread {
    loom::thread::current()
}

pub(crate) fn park() {
    loom::thread::park();
}

/// Loom has no time: a timed park is a timeout that fires at once (after a yield, so
/// the model explores other threads first).
pub(crate) fn park_timeout(_timeout: Duration) {
    loom::thread::yield_now();
}

pub(crate) fn spin_loop() {
    loom::hint::spin_loop();
}

#[allow(dead_code)]
pub(crate) fn yield_now() {
    loom::thread::yield_now();
}

loom::thread_local! {
    static IDENTITY: u64 = 0;
}

pub(crate) fn thread_id() -> usize {
    IDENTITY.with(|anchor| anchor as *const u64 as usize)
}

pub(crate) fn thread_name(_id: usize) -> Option<String> {
    None
}
