//! Critical regions, normal APCs and a simulated IRQL (SPEC A1-A4).
//!
//! The kernel's Filter Manager calls enter a *critical region* (`KeEnterCriticalRegion`)
//! before taking a lock and leave it after releasing it, so that normal kernel APCs are
//! not delivered to a thread while it holds the lock. This module simulates that
//! per-thread state in user mode:
//!
//! - **A1** a nesting depth per thread ([`enter_critical_region`],
//!   [`leave_critical_region`], the [`CriticalRegion`] guard). A leave without an
//!   enter is bug check `0xC4` with sub-code `0x3E`
//!   ([`crate::verifier_codes::LEAVE_WITHOUT_ENTER`]), with or without the verifier.
//! - **A2** [`queue_apc`] sends a closure to a thread named by a [`ThreadHandle`]. It
//!   runs on that thread, never inside a critical region and never at IRQL
//!   `APC_LEVEL` or above: when the thread leaves its outermost region (or lowers its
//!   IRQL to `PASSIVE_LEVEL` outside a region) with APCs pending, at [`test_alert`], or
//!   in [`sleep_alertable`], which returns early when an APC ran.
//! - **A3** a thread that exits inside a critical region is reported as
//!   `0x20 KERNEL_APC_PENDING_DURING_EXIT` (shown to the bug-check handler from the
//!   thread-local destructor, which cannot panic). APCs still queued to a thread when
//!   it exits, or queued after it exited, are reported and dropped.
//! - **A4** a simulated per-thread [`Irql`] with [`raise_irql`], [`lower_irql`] and
//!   [`current_irql`].
//!
//! The Ex-level locks ([`crate::RawPushLock`]) never touch any of this; only the
//! [`crate::flt`] calls and the verifier do.
//!
//! # Examples
//!
//! ```
//! use pushlock::thread;
//! use std::sync::atomic::{AtomicBool, Ordering};
//! use std::sync::Arc;
//!
//! let ran = Arc::new(AtomicBool::new(false));
//! let me = thread::current();
//! {
//!     let _region = thread::CriticalRegion::enter();
//!     let flag = ran.clone();
//!     thread::queue_apc(&me, move || flag.store(true, Ordering::SeqCst));
//!     assert!(!thread::test_alert()); // not delivered inside the region
//! } // leaving the outermost region delivers it
//! assert!(ran.load(Ordering::SeqCst));
//! ```

mod apc;
mod critical_region;
mod handle;
mod irql;
mod local;
mod shared;

pub use apc::{queue_apc, sleep_alertable, test_alert};
pub(crate) use critical_region::depth as critical_region_depth;
pub use critical_region::{CriticalRegion, enter_critical_region, leave_critical_region};
pub use handle::{ThreadHandle, current};
pub use irql::{Irql, current_irql, lower_irql, raise_irql};
