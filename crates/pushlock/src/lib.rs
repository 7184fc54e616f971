//! # pushlock
//!
//! The Windows kernel's reader/writer synchronization objects in user-mode Rust: the
//! push lock (`EX_PUSH_LOCK`, [`RawPushLock`] / [`PushLock`]), the executive resource
//! (`ERESOURCE`, [`Resource`]), the Filter Manager calls around them ([`flt`]),
//! critical regions, APCs and a simulated IRQL ([`thread`]), a lock verifier (cargo
//! feature `verifier`) and a `!locks`-style report ([`locks`]). The behaviour contract
//! is `SPEC.md`; every rule has an ID and a test named after it.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod bugcheck;
mod cache_aware;
mod diagnostics;
pub mod flt;
mod push_lock;
mod resource;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
pub mod stress;
// TODO(skeleton): drop this allow once every seam item has a user.
#[allow(dead_code, unused_imports)]
mod sys;
pub mod thread;
mod verifier;

pub use bugcheck::{BugCheck, bug_check, bugcheck_name, codes, set_bugcheck_handler};
pub use cache_aware::{CacheAwarePushLock, CacheAwareReadGuard, CacheAwareWriteGuard};
pub use diagnostics::{
    CycleStep, DeadlockCycle, LocksReport, OwnerSnapshot, PushLockSnapshot, ResourceSnapshot,
    WaiterSnapshot, locks,
};
pub use push_lock::RawPushLock;
#[cfg(not(pushlock_loom))]
pub use push_lock::{PushLock, PushLockReadGuard, PushLockWriteGuard};
#[doc(hidden)]
pub use resource::set_deadlock_timeouts;
pub use resource::{
    DeadlockReporter, OwnerPointer, Resource, ResourceGuard, TransferredResource,
    current_resource_thread, set_deadlock_report_units, set_deadlock_reporter,
};
pub use verifier::stops as verifier_codes;

// The README's Rust examples run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
