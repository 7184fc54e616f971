//! The calling thread's own state: critical-region depth, IRQL, and (created on first
//! need) the shared part other threads queue APCs into.
//!
//! The depth and the IRQL are plain `Cell`s in a `const`-initialised thread local, so
//! entering and leaving a region costs a thread-local access and an add. The shared
//! part ([`ThreadShared`], in an `Arc`) exists only once the thread asked for its
//! [`super::ThreadHandle`]; only then can anyone queue an APC to it.
//!
//! The thread local's destructor is the thread's exit: it reports A3 (exit inside a
//! critical region) and marks the shared part exited, which drops pending APCs.

use std::cell::{Cell, OnceCell};
use std::sync::Arc;

use super::apc::ThreadShared;
use crate::codes::KERNEL_APC_PENDING_DURING_EXIT;

pub(super) struct Local {
    /// `KernelApcDisable` as a positive count: how many regions the thread is in.
    pub(super) depth: Cell<u32>,
    /// The simulated IRQL's level.
    pub(super) irql: Cell<u8>,
    /// The part other threads see, created by [`shared`].
    pub(super) shared: OnceCell<Arc<ThreadShared>>,
}

thread_local! {
    pub(super) static LOCAL: Local = const {
        Local { depth: Cell::new(0), irql: Cell::new(0), shared: OnceCell::new() }
    };
}

/// The calling thread's shared part, created on first call.
pub(super) fn shared() -> Arc<ThreadShared> {
    LOCAL.with(|local| {
        local
            .shared
            .get_or_init(|| Arc::new(ThreadShared::for_current_thread()))
            .clone()
    })
}

impl Drop for Local {
    fn drop(&mut self) {
        let depth = self.depth.get();
        let shared = self.shared.get();
        let thread = shared.map_or_else(crate::sys::thread_id, |shared| shared.id());
        if depth > 0 {
            // A3: the kernel bug-checks with KERNEL_APC_PENDING_DURING_EXIT. A
            // destructor cannot unwind, so show it to the handler and go on.
            crate::bugcheck::report_bug_check(
                KERNEL_APC_PENDING_DURING_EXIT,
                [0, depth as usize, usize::from(self.irql.get()), thread],
                format!(
                    "thread {thread:#x} ({}) exited inside {depth} critical region(s) \
                     (KernelApcDisable = -{depth})",
                    shared.and_then(|s| s.name()).unwrap_or("unnamed")
                ),
            );
        }
        if let Some(shared) = shared {
            shared.mark_exited();
        }
    }
}
