//! The calling thread's own state: critical-region depth, IRQL, and (created on first
//! need) the shared part other threads queue APCs into.
//!
//! Two thread-locals, split by whether they have a destructor:
//! - [`LOCAL`], the depth and the IRQL: plain `Cell`s, `const`-initialised and without
//!   `Drop`, so an access is a thread-pointer offset that works at every point of the
//!   thread's life, including while its other thread-locals are being destroyed (a
//!   lock taken in a thread-local destructor still counts its critical region and
//!   reads its IRQL). Entering and leaving a region costs a thread-local access and an
//!   add.
//! - `EXIT`, which holds the shared part ([`ThreadShared`], in an `Arc`) and whose
//!   destructor is the thread's exit: it reports A3 (exit inside a critical region)
//!   and marks the shared part exited, which drops pending APCs. It is armed by the
//!   first critical region and by the first handle. Once it is destroyed, the thread
//!   is exiting: [`shared`] hands out an already-exited shared part, and no APC is
//!   delivered any more (one queued then is dropped, not run).

use std::cell::{Cell, OnceCell};
use std::sync::Arc;

use super::shared::ThreadShared;
use crate::codes::KERNEL_APC_PENDING_DURING_EXIT;

pub(super) struct Local {
    /// `KernelApcDisable` as a positive count: how many regions the thread is in.
    pub(super) depth: Cell<u32>,
    /// The simulated IRQL's level.
    pub(super) irql: Cell<u8>,
    /// Whether `EXIT` was touched (so its destructor will run at exit).
    exit_armed: Cell<bool>,
}

struct Exit {
    /// The part other threads see, created by [`shared`].
    shared: OnceCell<Arc<ThreadShared>>,
}

thread_local! {
    pub(super) static LOCAL: Local = const {
        Local { depth: Cell::new(0), irql: Cell::new(0), exit_armed: Cell::new(false) }
    };
    static EXIT: Exit = const { Exit { shared: OnceCell::new() } };
}

impl Local {
    /// Makes sure the exit check (A3) runs when this thread exits. Cheap after the
    /// first call; during thread teardown it arms nothing (a region entered that late
    /// is not checked at exit).
    #[inline]
    pub(super) fn arm_exit(&self) {
        if !self.exit_armed.get() {
            self.exit_armed.set(true);
            let _ = EXIT.try_with(|_| ());
        }
    }
}

/// The calling thread's shared part, created on first call (an exited one once the
/// thread's exit has run).
pub(super) fn shared() -> Arc<ThreadShared> {
    LOCAL.with(Local::arm_exit);
    EXIT.try_with(|exit| {
        exit.shared
            .get_or_init(|| Arc::new(ThreadShared::for_current_thread()))
            .clone()
    })
    .unwrap_or_else(|_| Arc::new(ThreadShared::for_exiting_thread()))
}

/// The calling thread's shared part if it has one and is not exiting.
pub(super) fn existing_shared() -> Option<Arc<ThreadShared>> {
    EXIT.try_with(|exit| exit.shared.get().cloned())
        .ok()
        .flatten()
}

/// Whether the calling thread has APCs queued (cheap; used by the leave-region path).
#[inline]
pub(super) fn apcs_pending() -> bool {
    EXIT.try_with(|exit| {
        exit.shared
            .get()
            // Acquire pairs with the Release store in `queue_apc`; the mutex in
            // `deliver` does the real synchronisation, this is only the hint.
            .is_some_and(|shared| shared.pending.load(std::sync::atomic::Ordering::Acquire))
    })
    .unwrap_or(false)
}

impl Drop for Exit {
    fn drop(&mut self) {
        // LOCAL has no destructor: still readable here.
        let (depth, irql) = LOCAL.with(|local| (local.depth.get(), local.irql.get()));
        let shared = self.shared.get();
        let thread = shared.map_or_else(crate::sys::thread_id, |shared| shared.id());
        if depth > 0 {
            // A3: the kernel bug-checks with KERNEL_APC_PENDING_DURING_EXIT. A
            // destructor cannot unwind, so show it to the handler and go on.
            crate::bugcheck::report_bug_check(
                KERNEL_APC_PENDING_DURING_EXIT,
                [0, depth as usize, usize::from(irql), thread],
                format!(
                    "thread {thread:#x} ({}) exited inside {depth} critical region(s) \
                     (KernelApcDisable = -{depth})",
                    shared
                        .and_then(|s| s.name().map(str::to_owned))
                        .or_else(|| crate::sys::thread_name(thread))
                        .unwrap_or_else(|| "unnamed".to_owned())
                ),
            );
        }
        if let Some(shared) = shared {
            shared.mark_exited();
        }
    }
}
